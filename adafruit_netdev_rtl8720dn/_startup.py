# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Starting the RTL8720DN: the chip reset through its enable pin (or a running chip asked
to answer), its firmware checked, lwIP and Wi-Fi started. Run at start and after a reset
through :func:`adafruit_netdev.call_once` (by the driver, and by ``_recovery``), so a
running program does not keep this code in RAM; nothing here goes through call_once again.
Its failure messages are in ``_errors`` (they cost RAM at the peak of a start otherwise).
Each function takes the driver as ``dev`` (exclusive access: before the driver is shared,
or by a recovery) and uses the interface of the driver's module docstring."""

import time

from adafruit_ticks import ticks_add, ticks_diff, ticks_ms
from micropython import const

from adafruit_netdev import load
from adafruit_netdev_rtl8720dn import _ERRORS, MAX_SOCKETS, codec

_VERSION_MS = const(1200)
_QUIET_MS = const(30)  # no byte for this long: the line is idle
_DRAIN_MS = const(1500)
_RESET_LOW_MS = const(100)
_STACK_MS = const(5000)
_RTW_MODE_STA = const(1)  # codec.WIFI_ON's station mode


def start(dev):
    """Bring the link up and the chip's network stack. With an enable pin, the chip is
    reset first; without one, a running chip must answer, and the sockets a previous
    program may have left open on it are closed."""
    link = dev.link
    if link.enable is not None:
        restart(dev)
        return
    drain(dev)
    try:
        version = _query_version(link)
    except OSError:
        link.fault = None
        raise load(_ERRORS).start_error("silent")
    _check_version(version)
    link.version = version
    init_stack(dev)
    for number in range(MAX_SOCKETS):
        link.call_i32(codec.ints(link.tx, codec.LWIP_CLOSE, number))


def restart(dev):
    """Reset the chip through its enable pin; once it answers, set it up again (a
    recovery has marked the driver's sockets gone first). Without an enable pin: a clear
    error, the chip must be reset by hand.

    Until the chip has answered and been set up again, ``link.version`` is None and
    ``link.fault`` stays set: a chip that boots later than the version queries wait for
    (or whose set-up failed) is taken up again by the next call's recovery, which finds it
    answering and finishes the job (:func:`booted`) instead of believing the reset done."""
    link = dev.link
    if link.enable is None:
        raise load(_ERRORS).start_error("no enable")
    link.version = None
    last = None
    for boot in (0.2, 1.0):  # Seeed's boot wait, then TinyGo's
        link.enable.value = False
        time.sleep(_RESET_LOW_MS / 1000)
        link.enable.value = True
        time.sleep(boot)
        drain(dev)
        try:
            version = _query_version(link)
            break
        except OSError as exc:  # (link.fault stays set: the next call tries again)
            last = exc
    else:
        raise load(_ERRORS).start_error("reset", last)
    _set_up(dev, version)


def drain(dev):
    """Discard input until the line has been quiet for ``_QUIET_MS`` (at most
    ``_DRAIN_MS``): what a reset or a fault left on it."""
    uart = dev.link.uart
    limit = ticks_add(ticks_ms(), _DRAIN_MS)
    quiet = ticks_add(ticks_ms(), _QUIET_MS)
    while True:
        n = uart.in_waiting
        now = ticks_ms()
        if n:
            uart.read(min(n, 320))
            quiet = ticks_add(ticks_ms(), _QUIET_MS)
        elif ticks_diff(quiet, now) <= 0 or ticks_diff(limit, now) <= 0:
            return
        else:
            time.sleep(0.002)


def booted(dev):
    """After a reset that did not finish (the chip answers now): check the firmware and
    set it up again."""
    _set_up(dev, _query_version(dev.link))


def _set_up(dev, version):
    link = dev.link
    _check_version(version)
    link.last_event = None
    link.disconnect_reason = 0
    init_stack(dev)
    link.restarts += 1
    link.version = version  # known good from here on
    link.fault = None


def init_stack(dev):
    """After a chip (re)start: lwIP up, Wi-Fi on in station mode."""
    link = dev.link
    if link.call_i32(codec.ints(link.tx, codec.TCPIP_INIT), _STACK_MS) < 0:
        raise load(_ERRORS).start_error("rpc_tcpip_adapter_init")
    link.call_i32(codec.ints(link.tx, codec.WIFI_OFF), _STACK_MS)
    if link.call_i32(codec.ints(link.tx, codec.WIFI_ON, _RTW_MODE_STA), _STACK_MS) < 0:
        raise load(_ERRORS).start_error("rpc_wifi_on")
    dev.wifi_mode = _RTW_MODE_STA
    dev.joined = None


def _query_version(link):
    """``rpc_system_version``: the firmware's version string."""
    length = link.call(codec.ints(link.tx, codec.SYSTEM_VERSION), _VERSION_MS)
    n = codec.get_u32(link.rx, 8)
    if 12 + n > length:
        raise link.fail("malformed rpc_system_version reply")
    return str(bytes(link.view[12 : 12 + n]), "utf-8")


def _check_version(version):
    try:
        parsed = tuple(int(p) for p in version.split("."))
    except ValueError:
        parsed = ()
    if len(parsed) != 3 or parsed < (2, 0, 3):  # the id tables this driver uses start here
        raise load(_ERRORS).start_error("old", version)
