# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""A ``board`` for MicroPython on a PC: an AirLift wired to the NINA emulator's bridge
(``board.SPI()``, ``ESP_CS``, ``ESP_BUSY``, ``ESP_RESET``, ``ESP_GPIO0``) and a Wio
Terminal's RTL8720DN UART wired to the RTL emulator's TCP stream (``RTL_MOSI``,
``RTL_MISO``). Test support only (tests/micropython)."""

from netdev_bridge import BridgePin, BridgeSPI, nina

ESP_CS = BridgePin("c", "ESP_CS")
ESP_BUSY = BridgePin("y", "ESP_BUSY")
ESP_RESET = BridgePin("r", "ESP_RESET")
ESP_GPIO0 = BridgePin("g", "ESP_GPIO0")
RTL_MOSI = "RTL_MOSI"
RTL_MISO = "RTL_MISO"

_spi = None


def SPI():  # noqa: N802 - CircuitPython's name
    """The board's SPI bus: the bridge's."""
    global _spi
    if _spi is None:
        _spi = BridgeSPI(nina())
    return _spi
