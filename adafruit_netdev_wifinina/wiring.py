# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Board wiring: building the WiFiNINA driver for the board or settings at hand
(:func:`adafruit_netdev.probe.probe` runs :func:`build` once and drops this module)."""

import sys

# The NETDEV_SPI_* settings and the board pins they default to: the Raspberry Pi wiring of
# docs/wiring.rst, whose CS (GPIO 4) keeps off CE0 (GPIO 8), the kernel's own chip select.
PINS = (("NETDEV_SPI_CS", "D4"), ("NETDEV_SPI_BUSY", "D5"), ("NETDEV_SPI_RESET", "D6"))


def build(setting):
    """The driver for ``probe()``: on an AirLift board, over ``board.SPI()`` and its
    ``ESP_*`` pins; elsewhere (Blinka) over ``board.SPI()`` and the ``board`` pins that
    ``NETDEV_SPI_CS``, ``NETDEV_SPI_BUSY``, ``NETDEV_SPI_RESET`` and ``NETDEV_SPI_GPIO0``
    name (defaults: :data:`PINS`). ``setting(name, default)`` reads ``settings.toml``."""
    import board  # noqa: PLC0415
    import digitalio  # noqa: PLC0415

    from adafruit_netdev_wifinina import WiFiNINA  # noqa: PLC0415

    def pin(name):
        return digitalio.DigitalInOut(getattr(board, name))

    if sys.implementation.name == "circuitpython" and hasattr(board, "ESP_CS"):
        gpio0 = pin("ESP_GPIO0") if hasattr(board, "ESP_GPIO0") else None
        return WiFiNINA(board.SPI(), pin("ESP_CS"), pin("ESP_BUSY"), pin("ESP_RESET"), gpio0)
    try:
        cs, busy, reset = [pin(setting(key, default)) for key, default in PINS]
        gpio0 = setting("NETDEV_SPI_GPIO0")
        return WiFiNINA(board.SPI(), cs, busy, reset, pin(gpio0) if gpio0 else None)
    except OSError as exc:
        if sys.implementation.name != "cpython":
            raise
        from adafruit_netdev import _blinka  # noqa: PLC0415 - CPython only

        raise _blinka.error(exc, setting)  # what Linux refused, and why
