# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Recovering the link to the RTL8720DN after a fault: the line drained and the firmware
pinged; when it answers in step, the driver's chip state is checked (did the chip restart
by itself, are closes that a fault interrupted to be done again); when it does not, the
chip is reset through its enable pin (``_boot``). Run through
:func:`adafruit_netdev.call_once` by :meth:`Transport.enter`, so a program that never sees a
fault does not keep this code in RAM. ``t`` is the driver's :class:`Transport`, ``dev`` the
driver."""

from micropython import const

from adafruit_netdev import load
from adafruit_netdev_rtl8720dn import _TLS, MAX_SOCKETS, erpc

_SVC_SYSTEM = const(1)
_SYSTEM_ACK = const(2)
_PING_MS = const(600)
_WIFI_IS_UP = const(5)
_TLS_GET_SOCKET = const(6)
_LOST = (True, 0)  # a TLS client only a reset frees (_tls)


def recover(t):
    """Called holding ``t``'s lock with ``t.fault`` set. Other threads are kept out by a
    flag while this sleeps with the lock released. Returns True if the chip was reset."""
    t._recovering = True
    t._lock.release()
    reset = False
    try:
        t.drain()
        try:
            _ping(t)
            in_step = True
        except OSError:
            in_step = False
        dev = t.driver
        if not in_step:
            t.boot("restart", t)
            reset = True
        elif t.version is None:  # a reset that did not finish: the chip booted late
            t._log("the RTL8720DN answers again after a reset; setting it up")
            t.boot("booted", t)
            reset = True
        elif dev is not None and _rebooted(dev):
            # a watchdog or brown-out reset of the chip: it answers, but knows nothing
            t._log("the RTL8720DN restarted by itself; re-initialising it")
            t.last_event = None
            t.disconnect_reason = 0
            dev._on_restart()
            reset = True
        elif (
            dev is not None
            and t.enable is not None
            and _LOST in dev._orphans
            and load(_TLS).holds_nothing(dev)
        ):
            # TLS clients whose create or destroy a link fault cut short: no handle frees
            # them, a reset does, and no fd holds anything on the chip that it would lose
            # (without an enable pin they stay until the chip is reset by hand)
            t._log("resetting the RTL8720DN to free TLS clients lost to link faults")
            t.boot("restart", t)
            reset = True
        t.fault = None
    finally:
        t._lock.acquire()
        t._recovering = False
    return reset


def _ping(t):
    """``rpc_system_ack``: the firmware echoes a byte. Raises on any fault."""
    tag = t._seq & 0x7F | 0x80
    off = erpc.put_u8(t.tx, t.begin(_SVC_SYSTEM, _SYSTEM_ACK), tag)
    t.call(off, _PING_MS, None, 9)  # u8
    if t.rx[8] != tag:
        raise t.fail("rpc_system_ack echoed the wrong byte")


def _rebooted(dev):
    """After a resynchronised link fault (exclusive access): True when the chip has
    restarted by itself, which turned Wi-Fi off (the driver keeps it on otherwise).
    Otherwise the closes a fault interrupted are done again now, before any other
    exchange can reuse their socket numbers (closing one that did close is harmless)."""
    # wifi_is_up takes an interface kind (RTW_STA_INTERFACE 0, RTW_AP_INTERFACE 1), unlike
    # the tcpip calls' netif index, and answers 0 for the station's in AP mode (wifi_conf.c)
    itf = 1 if dev._mode == erpc.RTW_MODE_AP else 0
    if dev._mode and dev._raw_int(erpc.SVC_WIFI, _WIFI_IS_UP, itf) == 0:
        return True
    orphans = dev._orphans
    lost = []
    try:
        while orphans:
            orphan = orphans.pop()
            tls, number = orphan
            if not tls:
                try:
                    dev._raw_int(erpc.SVC_LWIP, erpc.LWIP_CLOSE, number)
                except OSError:
                    orphans.append(orphan)
                    raise
            elif number:  # a TLS client whose stop went unanswered: free it (again)
                load(_TLS).free(dev, number)  # (back in orphans when the link faults)
            else:
                lost.append(orphan)
    finally:
        orphans.extend(lost)
    if dev._unsure:
        _close_unknown(dev)
    return False


def _close_unknown(dev):
    """Close the chip's sockets that no fd holds (exclusive access): those a lost reply
    to rpc_lwip_socket or rpc_lwip_accept made. This driver is the chip's only user, so
    any other open number is one of them; closing a number that is not open is harmless."""
    known = []
    for sock in dev._slots:
        if sock is None:
            continue
        number = sock.dev
        if number < 0 and sock.tls:  # a TLS start whose reply was lost may have opened one
            if dev._raw_tls(sock.tls, _TLS_GET_SOCKET) < 12:
                raise dev._t.fail("rpc_wifi_ssl_get_socket: a reply without its result")
            number = erpc.get_i32(dev._t.rx, 8)
        known.append(number)
    for number in range(MAX_SOCKETS):
        if number not in known:
            dev._raw_int(erpc.SVC_LWIP, erpc.LWIP_CLOSE, number)
    dev._unsure = False
