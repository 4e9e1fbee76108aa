# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""A ``board`` for MicroPython on a PC: an AirLift wired to the NINA emulator's bridge
(``board.SPI()``, ``ESP_CS``, ``ESP_BUSY``, ``ESP_RESET``, ``ESP_GPIO0``) and a Wio
Terminal's RTL8720DN UART wired to the RTL emulator's TCP stream (``RTL_MOSI``,
``RTL_MISO``). Test support only (tests/micropython)."""


class Pin:
    """A NINA wire: ``c`` CS, ``y`` READY (BUSY), ``r`` RESET, ``g`` GPIO0."""

    def __init__(self, code, name):
        self.code = ord(code)
        self.name = name

    def __repr__(self):
        return "board." + self.name


ESP_CS = Pin("c", "ESP_CS")
ESP_BUSY = Pin("y", "ESP_BUSY")
ESP_RESET = Pin("r", "ESP_RESET")
ESP_GPIO0 = Pin("g", "ESP_GPIO0")
RTL_MOSI = "RTL_MOSI"
RTL_MISO = "RTL_MISO"

_spi = None


def SPI():  # noqa: N802 - CircuitPython's name
    """The board's SPI bus: the bridge's."""
    global _spi
    if _spi is None:
        from netdev_bridge import BridgeSPI, nina  # only when a NINA run asks for it

        _spi = BridgeSPI(nina())
    return _spi
