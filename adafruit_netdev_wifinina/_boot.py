# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Building the WiFiNINA driver for the board or settings at hand
(:func:`adafruit_netdev.probe.probe`). Run once through :func:`adafruit_netdev.call_once`,
so a running program does not keep this code in RAM."""

import sys


def build(setting):
    """The driver for ``probe()``: on an AirLift board, over ``board.SPI()`` and its
    ``ESP_*`` pins; elsewhere (Blinka) over ``board.SPI()`` and the ``board`` pins that
    ``NETDEV_SPI_CS``, ``NETDEV_SPI_BUSY``, ``NETDEV_SPI_RESET`` and ``NETDEV_SPI_GPIO0``
    name. ``setting(name, default)`` reads ``settings.toml``."""
    import board  # noqa: PLC0415
    import digitalio  # noqa: PLC0415

    from adafruit_netdev_wifinina import WiFiNINA  # noqa: PLC0415

    def pin(name):
        return digitalio.DigitalInOut(getattr(board, name))

    if sys.implementation.name == "circuitpython" and hasattr(board, "ESP_CS"):
        gpio0 = pin("ESP_GPIO0") if hasattr(board, "ESP_GPIO0") else None
        return WiFiNINA(board.SPI(), pin("ESP_CS"), pin("ESP_BUSY"), pin("ESP_RESET"), gpio0)
    gpio0 = setting("NETDEV_SPI_GPIO0")
    return WiFiNINA(
        board.SPI(),
        pin(setting("NETDEV_SPI_CS", "D8")),
        pin(setting("NETDEV_SPI_BUSY", "D5")),
        pin(setting("NETDEV_SPI_RESET", "D6")),
        pin(gpio0) if gpio0 else None,
    )
