# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Building and starting the RTL8720DN: the driver built for the board or settings at hand
(:func:`adafruit_netdev.probe.probe`), the link brought up (the chip reset through its
enable pin, or a running chip asked to answer), its firmware checked, lwIP and Wi-Fi
started. Run at start and after a reset through :func:`adafruit_netdev.call_once`, so a
running program does not keep this code in RAM. Each function takes the driver's
:class:`Transport` as ``t`` or the driver as ``dev``."""

import sys
import time

from micropython import const

from adafruit_netdev import EIO, error
from adafruit_netdev_rtl8720dn import MAX_SOCKETS, erpc

_SVC_SYSTEM = const(1)
_SYSTEM_VERSION = const(1)
_VERSION_MS = const(1200)
_RESET_LOW_MS = const(100)
_WIFI_OFF = const(28)
_WIFI_ON = const(27)
_TCPIP_INIT = const(1)
_RTW_MODE_STA = const(1)  # rpc_wifi_on's station mode
# what to check when the chip does not answer
_CHECK = (
    "the UART pins (Wio Terminal: tx=board.RTL_MOSI, rx=board.RTL_MISO) and the baud rate "
    "(614400 for firmware 2.1.2+)"
)


def build(setting):
    """The driver for ``probe()``: on a Wio Terminal, over its RTL8720DN UART with the
    enable pin; elsewhere over pyserial (``NETDEV_PORT``, ``NETDEV_BAUD``). ``setting(name,
    default)`` reads ``settings.toml``; ``NETDEV_CA_FILE`` names the PEM its TLS verifies
    against."""
    from adafruit_netdev_rtl8720dn import RTL8720DN  # noqa: PLC0415 - loaded already

    if sys.implementation.name == "circuitpython":
        import board  # noqa: PLC0415
        import busio  # noqa: PLC0415
        import digitalio  # noqa: PLC0415

        # a reply frame can be 4100 bytes, and Wi-Fi events arrive while the host is busy
        uart = busio.UART(board.RTL_MOSI, board.RTL_MISO, baudrate=614400, receiver_buffer_size=8192)
        dev = RTL8720DN(uart, digitalio.DigitalInOut(board.RTL_PWR))
    else:
        import serial  # noqa: PLC0415 - pyserial

        port = serial.serial_for_url(
            setting("NETDEV_PORT", "/dev/ttyUSB0"),
            baudrate=int(setting("NETDEV_BAUD", "614400")),
            timeout=0.05,
        )
        dev = RTL8720DN(port)
    dev.root_ca_file = setting("NETDEV_CA_FILE")  # the CA its TLS verifies against, read at first use
    return dev


def start(dev):
    """Bring the link up and the chip's network stack (exclusive access: before the driver
    is shared). With an enable pin, the chip is reset first; without one, a running chip
    must answer, and the sockets a previous program may have left open on it are closed."""
    t = dev._t
    if t.enable is not None:
        restart(t, False)
    else:
        t.drain()
        try:
            version = _query_version(t)
        except OSError:
            t.fault = None
            raise error(
                EIO,
                "the RTL8720DN does not answer on this UART. Check %s; if it was left mid-frame "
                "by an earlier program it must be reset: power-cycle the board, or pass "
                "enable=board.RTL_PWR so the driver can reset it" % _CHECK,
            )
        _check_version(version)
        t.version = version
    init_stack(dev)
    if t.enable is None:
        for s in range(MAX_SOCKETS):
            dev._raw_int(erpc.SVC_LWIP, erpc.LWIP_CLOSE, s)


def restart(t, notify=True):
    """Reset the chip through its enable pin; once it answers, :func:`booted`. Without an
    enable pin: a clear error, the chip must be reset by hand.

    Until the chip has answered and been set up again, ``t.version`` is None and ``t.fault``
    stays set: a chip that boots later than the version queries wait for (or whose set-up
    failed) is taken up again by the next call's recovery, which finds it answering and
    finishes the job (:func:`booted`) instead of believing the reset done."""
    if t.enable is None:
        raise error(
            EIO,
            "the RTL8720DN stopped answering and must be reset: power-cycle the board, or "
            "pass enable=board.RTL_PWR (the chip-enable pin) so the driver can reset it",
        )
    t.version = None
    last = None
    for boot in (0.2, 1.0):  # Seeed's boot wait, then TinyGo's
        t.enable.value = False
        time.sleep(_RESET_LOW_MS / 1000)
        t.enable.value = True
        time.sleep(boot)
        t.drain()
        try:
            version = _query_version(t)
            break
        except OSError as exc:  # (t.fault stays set: the next call tries again)
            last = exc
    else:
        raise error(
            EIO,
            "the RTL8720DN does not answer after a reset through its enable pin (%s). Check %s, "
            "and that the ambd eRPC firmware is flashed; the next call tries again"
            % (last.args[1] if last else "no answer", _CHECK),
        )
    _set_up(t, version, notify)


def booted(t):
    """After a reset that did not finish (exclusive access, the chip answers now): check
    the firmware and have the driver re-initialise it."""
    _set_up(t, _query_version(t), True)


def _set_up(t, version, notify):
    _check_version(version)
    t.last_event = None
    t.disconnect_reason = 0
    if notify and t.driver is not None:
        t.driver._on_restart()
    t.restarts += 1
    t.version = version  # known good from here on
    t.fault = None


def init_stack(dev):
    """After a chip (re)start: lwIP up, Wi-Fi on in station mode (exclusive access)."""
    if dev._raw_int(erpc.SVC_TCPIP, _TCPIP_INIT, timeout_ms=5000) < 0:
        raise error(EIO, "rpc_tcpip_adapter_init failed")
    dev._raw_int(erpc.SVC_WIFI, _WIFI_OFF, timeout_ms=5000)
    if dev._raw_int(erpc.SVC_WIFI, _WIFI_ON, _RTW_MODE_STA, timeout_ms=5000) < 0:
        raise error(EIO, "rpc_wifi_on failed")
    dev._mode = _RTW_MODE_STA
    dev._joined = None


def _query_version(t):
    """``rpc_system_version``: the firmware's version string."""
    length = t.call(t.begin(_SVC_SYSTEM, _SYSTEM_VERSION), _VERSION_MS)
    n = erpc.get_u32(t.rx, 8)
    if 12 + n > length:
        raise t.fail("malformed rpc_system_version reply")
    return str(bytes(t.view[12 : 12 + n]), "utf-8")


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
