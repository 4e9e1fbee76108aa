# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Building the WiFiNINA driver for the board or settings at hand
(:func:`adafruit_netdev.probe.probe`), and starting the co-processor: its reset sequence and
what its firmware version says about it. Run through :func:`adafruit_netdev.call_once` at
start and after a fault it could not recover from otherwise (``_recovery``), so a running
program does not keep this code in RAM."""

import sys
import time

from micropython import const

from adafruit_netdev_wifinina import codec as c
from adafruit_netdev_wifinina.codec import CommandError

_GET_REASON_CODE = const(0x1F)
_GET_FW_VERSION = const(0x37)
_BOOT_MS = const(5000)  # READY low after a reset (the firmware is up in about 1 s)

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


def start(dev):
    """The reset sequence of the firmware documentation, then learn what firmware runs
    (at start, and to recover from a fault)."""
    dev._log("wifinina: resetting the co-processor")
    dev._gen += 1  # every slot is gone with the reset
    dev._pending = 0
    dev._waiter = False
    dev._flight = -1
    dev._lost = []
    if dev._gpio0 is not None:
        dev._gpio0.switch_to_output(value=True)  # boot from flash, not the ROM loader
    dev._cs.value = True  # CS low at boot selects the firmware's Bluetooth mode
    dev._reset.value = False
    time.sleep(0.01)
    dev._reset.value = True
    time.sleep(0.75)
    if dev._gpio0 is not None:
        dev._gpio0.switch_to_input()
    dev._hint = dev._gpio0  # from now on the firmware's data-available line
    dev._broken = None
    with dev._lock:
        if not dev._wait_ready(False, _BOOT_MS):
            raise dev._fault(
                "NINA co-processor did not start: READY (ESP_BUSY) stayed high %d s after reset; "
                "check power and wiring" % (_BOOT_MS // 1000)
            )
        dev._send(c.command(dev._cmd, _GET_FW_VERSION), _GET_FW_VERSION)
        dev._receive(_GET_FW_VERSION, nparams=1)
        rep = dev._rep
        at = c.param(rep, 0)
        n = c.param_len(rep, at)
        while n and rep[at + n - 1] == 0:
            n -= 1
        version = str(bytes(rep[at : at + n]), "ascii")
    dev.version = version
    core = version  # "2.0.0-rc.0+adafruit" -> "2.0.0" (MicroPython's split takes no maxsplit=)
    for mark in "-+":
        cut = core.find(mark)
        if cut >= 0:
            core = core[:cut]
    try:
        nums = core.split(".")
        major, minor = int(nums[0]), int(nums[1])
    except (ValueError, IndexError):
        raise dev._fault("NINA co-processor sent an unreadable firmware version %r" % version)
    has_reason = True
    if major < 2:
        try:  # GET_REASON_CODE: Adafruit 1.x (and Arduino < 1.2.3) answer with the error reply
            dev._call(_GET_REASON_CODE)
        except CommandError:
            has_reason = False
    dev._has_reason = has_reason
    dev._close_when_full = major < 2 and not has_reason  # Adafruit 1.x (docs/protocol-nina.rst, TCP)
    # ... whose connection state never sees a close: the driver peeks (docs/wifinina.rst)
    dev._peek_ms = 50 if dev._close_when_full else 0
    dev._adafruit = "adafruit" in version or major >= 3 or not has_reason
    dev._esp32_core = major >= 3
    # explicit accept semantics: AVAIL_DATA_TCP reads its accept flag from Arduino 1.6.0
    # (main/CommandHandler.cpp; the 1.5.0 tag lacks it) and Adafruit 2.0
    dev._accept_flag = 1 if major >= 2 or (has_reason and minor >= 6) else 0
    dev.max_sockets = 10 if major < 2 or (major == 2 and not dev._adafruit) else 6
    dev._log("wifinina: firmware %s, %d sockets" % (version, dev.max_sockets))
