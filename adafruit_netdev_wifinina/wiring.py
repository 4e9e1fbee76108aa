# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Board wiring: building the WiFiNINA driver for the board or settings at hand
(:func:`adafruit_netdev.probe.probe` runs :func:`build` once and drops this module)."""

import sys

from adafruit_netdev import load

# The NETDEV_SPI_* settings and the board pins they default to: the Raspberry Pi wiring of
# docs/wiring.rst, whose CS (GPIO 4) keeps off CE0 (GPIO 8), the kernel's own chip select.
PINS = (("NETDEV_SPI_CS", "D4"), ("NETDEV_SPI_BUSY", "D5"), ("NETDEV_SPI_RESET", "D6"))


def build(setting):
    """The driver for ``probe()``: on an AirLift board, over ``board.SPI()`` and its
    ``ESP_*`` pins; elsewhere (Blinka) over ``board.SPI()`` and the ``board`` pins that
    ``NETDEV_SPI_CS``, ``NETDEV_SPI_BUSY``, ``NETDEV_SPI_RESET`` and ``NETDEV_SPI_GPIO0``
    name (defaults: :data:`PINS`). ``setting(name, default)`` reads ``settings.toml``."""
    # the start's code (which the constructor runs, then drops) first, while the heap is
    # emptiest: the peak of a program's heap is at the start (docs/circuitpython.rst, Heap rules)
    load("adafruit_netdev_wifinina._startup")
    import board  # noqa: PLC0415
    import digitalio  # noqa: PLC0415

    from adafruit_netdev_wifinina import WiFiNINA  # noqa: PLC0415

    if sys.implementation.name == "circuitpython" and hasattr(board, "ESP_CS"):
        names = ["ESP_CS", "ESP_BUSY", "ESP_RESET", "ESP_GPIO0" if hasattr(board, "ESP_GPIO0") else None]
    else:
        names = [setting(key, default) for key, default in PINS] + [setting("NETDEV_SPI_GPIO0")]
    try:
        pins = [digitalio.DigitalInOut(getattr(board, name)) if name else None for name in names]
        return WiFiNINA(board.SPI(), *pins)
    except OSError as exc:
        if sys.implementation.name != "cpython":
            raise
        from adafruit_netdev import _blinka  # noqa: PLC0415 - CPython only

        raise _blinka.error(exc, setting)  # what Linux refused, and why
