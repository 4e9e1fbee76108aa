# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Starting the RTL8720DN: the chip reset through its enable pin (or a running chip asked
to answer), its firmware checked, lwIP and Wi-Fi started. Run at start and after a reset
through :func:`adafruit_netdev.call_once` (by the driver, and by ``_recovery``), so a
running program does not keep this code in RAM; nothing here goes through call_once again.
Each function takes the driver as ``dev`` (exclusive access: before the driver is shared,
or by a recovery) and uses the interface of the driver's module docstring."""

import time

from micropython import const

from adafruit_netdev import EIO, error
from adafruit_netdev_rtl8720dn import MAX_SOCKETS, codec

_VERSION_MS = const(1200)
_RESET_LOW_MS = const(100)
_STACK_MS = const(5000)
_RTW_MODE_STA = const(1)  # codec.wifi_on's station mode
# what to check when the chip does not answer
_CHECK = (
    "the UART pins (Wio Terminal: tx=board.RTL_MOSI, rx=board.RTL_MISO) and the baud rate "
    "(614400 for firmware 2.1.2+)"
)


def start(dev):
    """Bring the link up and the chip's network stack. With an enable pin, the chip is
    reset first; without one, a running chip must answer, and the sockets a previous
    program may have left open on it are closed."""
    link = dev.link
    if link.enable is not None:
        restart(dev, False)
    else:
        link.drain()
        try:
            version = _query_version(link)
        except OSError:
            link.fault = None
            raise error(
                EIO,
                "the RTL8720DN does not answer on this UART. Check %s; if it was left mid-frame "
                "by an earlier program it must be reset: power-cycle the board, or pass "
                "enable=board.RTL_PWR so the driver can reset it" % _CHECK,
            )
        _check_version(version)
        link.version = version
    init_stack(dev)
    if link.enable is None:
        for number in range(MAX_SOCKETS):
            link.call_i32(codec.lwip_close(link.tx, number))


def restart(dev, notify=True):
    """Reset the chip through its enable pin; once it answers, set it up again (``notify``:
    the driver learns that its sockets are gone, :meth:`chip_was_reset`). Without an
    enable pin: a clear error, the chip must be reset by hand.

    Until the chip has answered and been set up again, ``link.version`` is None and
    ``link.fault`` stays set: a chip that boots later than the version queries wait for
    (or whose set-up failed) is taken up again by the next call's recovery, which finds it
    answering and finishes the job (:func:`booted`) instead of believing the reset done."""
    link = dev.link
    if link.enable is None:
        raise error(
            EIO,
            "the RTL8720DN stopped answering and must be reset: power-cycle the board, or "
            "pass enable=board.RTL_PWR (the chip-enable pin) so the driver can reset it",
        )
    link.version = None
    last = None
    for boot in (0.2, 1.0):  # Seeed's boot wait, then TinyGo's
        link.enable.value = False
        time.sleep(_RESET_LOW_MS / 1000)
        link.enable.value = True
        time.sleep(boot)
        link.drain()
        try:
            version = _query_version(link)
            break
        except OSError as exc:  # (link.fault stays set: the next call tries again)
            last = exc
    else:
        raise error(
            EIO,
            "the RTL8720DN does not answer after a reset through its enable pin (%s). Check %s, "
            "and that the ambd eRPC firmware is flashed; the next call tries again"
            % (last.args[1] if last else "no answer", _CHECK),
        )
    _set_up(dev, version, notify)


def booted(dev):
    """After a reset that did not finish (the chip answers now): check the firmware and
    set it up again."""
    _set_up(dev, _query_version(dev.link), True)


def _set_up(dev, version, notify):
    link = dev.link
    _check_version(version)
    link.last_event = None
    link.disconnect_reason = 0
    if notify:
        dev.chip_was_reset()
        init_stack(dev)
    link.restarts += 1
    link.version = version  # known good from here on
    link.fault = None


def init_stack(dev):
    """After a chip (re)start: lwIP up, Wi-Fi on in station mode."""
    link = dev.link
    if link.call_i32(codec.tcpip_init(link.tx), _STACK_MS) < 0:
        raise error(EIO, "rpc_tcpip_adapter_init failed")
    link.call_i32(codec.wifi_off(link.tx), _STACK_MS)
    if link.call_i32(codec.wifi_on(link.tx, _RTW_MODE_STA), _STACK_MS) < 0:
        raise error(EIO, "rpc_wifi_on failed")
    dev.wifi_mode = _RTW_MODE_STA
    dev.joined = None


def _query_version(link):
    """``rpc_system_version``: the firmware's version string."""
    length = link.call(codec.system_version(link.tx), _VERSION_MS)
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
        raise error(
            EIO,
            "RTL8720DN firmware %r is too old: this driver needs the ambd eRPC firmware "
            "2.0.3 or newer (2.1.3 recommended; update it with Seeed's ambd_flash_tool)" % version,
        )
