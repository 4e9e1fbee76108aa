# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Starting the WiFiNINA co-processor: its reset sequence, and what its firmware version says
about it. Run through :func:`adafruit_netdev.call_once` at start and after a fault the
recovery could not mend otherwise, so a running program does not keep this code in RAM."""

import time

from micropython import const

from adafruit_netdev_wifinina import codec as c

_GET_REASON_CODE = const(0x1F)
_GET_FW_VERSION = const(0x37)
_BOOT_MS = const(5000)  # READY low after a reset (the firmware is up in about 1 s)


def start(dev):
    """The reset sequence of the firmware documentation, then learn what firmware runs and
    set the driver's firmware traits (at start, and to recover from a fault)."""
    _reset(dev)
    _identify(dev, dev.link.query(_GET_FW_VERSION))


def _reset(dev):
    # (three functions, not one: smaller pieces of bytecode to place at the heap's peak)
    dev._log("wifinina: resetting the co-processor")
    link = dev.link
    dev.gen += 1  # every socket number is gone with the reset
    link.pending = 0
    link.waiter = False
    link.flight = -1
    link.lost = []
    gpio0 = link.gpio0
    if gpio0 is not None:
        gpio0.switch_to_output(value=True)  # boot from flash, not the ROM loader
    link.cs.value = True  # CS low at boot selects the firmware's Bluetooth mode
    link.reset.value = False
    time.sleep(0.01)
    link.reset.value = True
    time.sleep(0.75)
    if gpio0 is not None:
        gpio0.switch_to_input()
    dev.hint = gpio0  # from now on the firmware's data-available line
    link.broken = None
    if not link.wait_ready(False, _BOOT_MS):
        raise link.fault(
            "NINA co-processor did not start: READY (ESP_BUSY) stayed high %d s after reset; "
            "check power and wiring" % (_BOOT_MS // 1000)
        )


def _identify(dev, rep):
    link = dev.link
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
        raise link.fault("NINA co-processor sent an unreadable firmware version %r" % version)
    has_reason = True
    if major < 2:
        try:  # GET_REASON_CODE: Adafruit 1.x (and Arduino < 1.2.3) answer with the error reply
            link.call(_GET_REASON_CODE)
        except c.CommandError:
            has_reason = False
    dev.has_reason = has_reason
    dev.close_when_full = major < 2 and not has_reason  # Adafruit 1.x (docs/protocol-nina.rst, TCP)
    # ... whose connection state never sees a close: the driver peeks (docs/wifinina.rst)
    dev.peek_ms = 50 if dev.close_when_full else 0
    dev.adafruit = "adafruit" in version or major >= 3 or not has_reason
    dev.esp32_core = major >= 3
    # explicit accept semantics: AVAIL_DATA_TCP reads its accept flag from Arduino 1.6.0
    # (main/CommandHandler.cpp; the 1.5.0 tag lacks it) and Adafruit 2.0
    dev.accept_flag = 1 if major >= 2 or (has_reason and minor >= 6) else 0
    dev.max_sockets = 10 if major < 2 or (major == 2 and not dev.adafruit) else 6
    dev._log("wifinina: firmware %s, %d sockets" % (version, dev.max_sockets))
