# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""
`adafruit_netdev.probe`
================================================================================

``probe()``: TinyGo's ``probe.Probe()``. It builds the netdev for the board or settings at
hand, binds it with :func:`adafruit_netdev.use_netdev`, and returns ``(link, dev)`` (one
object implementing both Netlinker and Netdever). Only the driver asked for is imported.

On a CircuitPython board, the pins decide: ``board.ESP_CS``/``ESP_BUSY``/``ESP_RESET``
(AirLift boards: PyPortal, Metro M4 AirLift, Matrix Portal, ...) → WiFiNINA over
``board.SPI()``; ``board.RTL_PWR`` (Wio Terminal) → RTL8720DN over its UART. On Blinka on
a Raspberry Pi, the BUSY line decides: when something drives ``NETDEV_SPI_BUSY`` (GPIO 5 by
default) it is an AirLift on the wiring below, otherwise the Pi's own network (``host``). On
any other computer: ``host``. On Blinka, :data:`reason` then says what decided and why,
and importing this module loads ``./settings.toml`` into the environment, as a board reads
it (Blinka's ``load_settings_toml()``; see docs/wiring.rst).

Elsewhere (or to override), the ``NETDEV`` setting (``settings.toml`` or the environment):

=========================  ==========================================================
``host``                   this computer's own network (``NETDEV_CA_FILE``: the PEM
                           its TLS verifies against; default the system's store)
``wifinina``               an AirLift on Blinka: ``NETDEV_SPI_CS``, ``NETDEV_SPI_BUSY``,
                           ``NETDEV_SPI_RESET``, ``NETDEV_SPI_GPIO0`` name ``board`` pins
                           (defaults ``D4``, ``D5``, ``D6``, none: docs/wiring.rst)
``rtl8720dn``              a serial device: ``NETDEV_PORT`` (default ``/dev/ttyUSB0``),
                           ``NETDEV_BAUD`` (default 614400), opened with pyserial;
                           ``NETDEV_CA_FILE``: the PEM its TLS verifies against (the
                           RTL8720DN has no CA store of its own; on the Wio Terminal too)
``bound``                  the netdev bound with :func:`adafruit_netdev.use_netdev`
                           before the program started: ``python -m netdev_emulator run
                           code.py`` runs a program on a virtual co-processor this way
=========================  ==========================================================

The library never imports the emulator: ``python -m netdev_emulator run`` builds the driver
on its virtual co-processor, binds it and sets ``NETDEV=bound`` (docs/emulator.rst).

Each co-processor driver builds itself (``build(setting)`` of its ``wiring`` module, run once
by :func:`adafruit_netdev.call_once`), so that neither builder stays in RAM.
"""

import os
import sys

from adafruit_netdev import call_once, netdev, use_netdev

if sys.implementation.name == "cpython":  # Blinka: ./settings.toml into os.environ, as on a board
    from adafruit_netdev import _blinka

    reason = None  # Blinka: why the last probe() without NETDEV chose its device, in words

KINDS = ("host", "wifinina", "rtl8720dn", "bound")


def _setting(name, default=None):
    value = os.getenv(name)
    return default if value in (None, "") else value


def probe(kind=None):
    """Build, bind and return ``(link, dev)``. ``kind`` overrides the ``NETDEV`` setting."""
    kind = kind or _setting("NETDEV")
    if kind is None:
        kind = _board_kind()
    if kind is None:
        raise RuntimeError(
            "no co-processor found on this board: set NETDEV in settings.toml to one of " + ", ".join(KINDS)
        )
    if kind == "host":
        dev = _host()
    elif kind in ("wifinina", "rtl8720dn"):
        threshold = _collect_often()
        try:
            dev = call_once("adafruit_netdev_%s.wiring" % kind, "build", _setting)
        finally:
            if threshold is not None:
                threshold[0](threshold[1])  # gc.threshold as it was
    elif kind == "bound":
        dev = netdev()  # ENODEV, saying what to do, when nothing is bound
    else:
        if sys.implementation.name == "cpython":
            _blinka.not_a_kind(kind)  # NETDEV=emulated-*: what replaced it
        raise ValueError("unknown NETDEV %r: use one of %s" % (kind, ", ".join(KINDS)))
    use_netdev(dev)
    return dev, dev


def _board_kind():
    if sys.implementation.name == "cpython":  # Blinka: an AirLift on a Raspberry Pi, or host
        return _blinka._board_kind(_setting)  # noqa: SLF001 - its side of this function
    if sys.implementation.name != "circuitpython":
        return "host"
    import board  # noqa: PLC0415

    if hasattr(board, "ESP_CS") and hasattr(board, "ESP_BUSY"):
        return "wifinina"
    if hasattr(board, "RTL_PWR"):
        return "rtl8720dn"
    return None


def _host():
    from adafruit_netdev.host import HostNetdev

    return HostNetdev(cafile=_blinka.ca_file(_setting))


def _collect_often():
    """While a driver is imported and built, collect the heap often: MicroPython's heap does
    not compact, and by default it collects only when an allocation fails, when the garbage
    of what ran before (code.py's compiling, the imports) lies spread between the objects
    kept. Collected now and after every 2 KiB allocated, the holes are filled as they open
    and the driver's buffers (the RTL8720DN's UART receive buffer: 8 KiB) still find one
    free piece: the same program runs in less heap. Returns ``(gc.threshold, its
    previous value)`` to put back, or None (CPython, or no ``gc.threshold``)."""
    if sys.implementation.name == "cpython":
        return None
    import gc

    gc.collect()
    threshold = getattr(gc, "threshold", None)
    if threshold is None:
        return None
    previous = threshold()
    threshold(2048)
    return threshold, previous
