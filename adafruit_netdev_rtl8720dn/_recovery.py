# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Recovering the link to the RTL8720DN after a fault: the line drained and the firmware
pinged (up to 3 times); when it answers in step, the driver's chip state is checked (did
the chip restart by itself, are closes that a fault interrupted to be done again, sockets
no fd holds to be closed), again from the ping when a fault hits those exchanges (up to 3
rounds); when it does not answer, the chip is reset through its enable pin (``_startup``,
run once for it). Loaded by the driver's ``claim`` at the first fault (a program that never
sees one never holds it). Each function takes the driver as ``dev`` and uses the
interface of the driver's module docstring."""

from micropython import const

from adafruit_netdev import EBADF, ECONNRESET, EIO, call_once, error, load
from adafruit_netdev_rtl8720dn import _STARTUP, _TLS, MAX_SOCKETS, codec

_PING_MS = const(600)
_PINGS = const(3)  # pings before the chip counts as not answering (then it is reset)
_ROUNDS = const(3)  # resynchronisations a recovery tries (a fault may hit its own exchanges)
_RTW_MODE_AP = const(2)  # codec.WIFI_ON's access-point mode
_LOST = (True, 0)  # a TLS client only a reset frees (_tls)


def recover(dev):
    """Called holding the link's lock with ``link.fault`` set. Other threads are kept out
    by ``link.recovering`` while this sleeps with the lock released. Returns True if the
    chip was reset."""
    link = dev.link
    link.recovering = True
    link.release()
    reset = False
    try:
        rebooted = _resync(dev)
        if rebooted is None:  # it does not answer
            _restart(dev)
            reset = True
        elif link.version is None:  # a reset that did not finish: the chip booted late
            link.log("the RTL8720DN answers again after a reset; setting it up")
            _forget_chip(dev)
            call_once(_STARTUP, "booted", dev)
            reset = True
        elif rebooted:
            # a watchdog or brown-out reset of the chip: it answers, but knows nothing
            link.log("the RTL8720DN restarted by itself; re-initialising it")
            link.last_event = None
            link.disconnect_reason = 0
            _forget_chip(dev)
            call_once(_STARTUP, "init_stack", dev)
            reset = True
        elif link.enable is not None and _LOST in dev.orphans and load(_TLS).holds_nothing(dev):
            # TLS clients whose create or destroy a link fault cut short: no handle frees
            # them, a reset does, and no fd holds anything on the chip that it would lose
            # (without an enable pin they stay until the chip is reset by hand)
            link.log("resetting the RTL8720DN to free TLS clients lost to link faults")
            _restart(dev)
            reset = True
        link.fault = None
    finally:
        link.end_recovery()
    if link.fault is None and _pending(dev):  # marked while this ran (see due)
        due(dev)
    return reset


def _resync(dev):
    """The link back in step (exclusive access): None when the chip does not answer the
    ping; else the chip state checked (``_rebooted``: True when it restarted by itself).
    A fault may hit these exchanges too: then again, up to ``_ROUNDS`` times (the last
    fault raised, the link still faulted: the next call goes on, and no reset is due)."""
    link = dev.link
    for attempt in range(_ROUNDS):
        if not _answers(dev):
            return None
        if link.version is None:  # (recover sets it up)
            return False
        try:
            return _rebooted(dev)
        except OSError as exc:
            if attempt == _ROUNDS - 1:
                raise
            link.log("recovery: %s; resynchronising again" % (exc,))
    return None  # (not reached)


def _answers(dev):
    """The line drained and the firmware pinged, up to ``_PINGS`` times (a fault may hit
    the ping itself): True when it answered."""
    for _ in range(_PINGS):
        call_once(_STARTUP, "drain", dev)
        try:
            _ping(dev.link)
            return True
        except OSError as exc:
            dev.link.log("recovery: ping: %s" % (exc,))
    return False


def due(dev):
    """After chip sockets or TLS clients were marked for recovery (``dev.strays``,
    ``dev.orphans``) by a thread that could not take the lock (a close or TLS teardown
    whose claim failed): the next call recovers. A recovery under way when they were
    marked sees them at its end (``recover``: the marks come before this test)."""
    link = dev.link
    if link.fault is None:
        link.fault = error(
            EIO, "what a close that could not reach the chip left there is freed by a recovery"
        )


def _pending(dev):
    """True when recovery has something to close (a TLS client only a reset frees is not)."""
    if dev.strays:
        return True
    for orphan in dev.orphans:
        if orphan != _LOST:
            return True
    return False


def _restart(dev):
    """A reset of the chip through its enable pin (``_startup.restart``): what the driver
    had on the chip is gone once the pin has moved (without the pin, restart raises)."""
    if dev.link.enable is not None:
        _forget_chip(dev)
    call_once(_STARTUP, "restart", dev)


def _forget_chip(dev):
    """After a reset of the chip: the driver's sockets on it are gone, and so is what
    recovery was to close there."""
    dev.orphans = []  # a reset closed everything
    dev.strays = False
    for sock in dev.slots:
        if sock is not None:
            sock.broken = ECONNRESET


def close_later(dev, fd, exc):
    """The driver's ``close`` of ``fd`` while the link is down (no exchange is possible):
    the fd is freed now, and the next recovery closes its socket on the chip, unless a
    reset took it. Runs without the lock, maybe while a recovery runs in another thread:
    the fd is freed before ``strays`` is set, and ``due`` makes sure a recovery comes."""
    dev.link.log("close(%d): %s" % (fd, exc))
    sock = dev.slots[fd]
    dev.slots[fd] = None
    if sock is not None:
        if sock.broken != ECONNRESET:
            if sock.tls:
                dev.orphans.append((True, sock.tls))
            dev.strays = True  # (recovery closes the chip sockets no fd holds)
            due(dev)
        sock.broken = EBADF


def _ping(link):
    """``rpc_system_ack``: the firmware echoes a byte. Raises on any fault."""
    tag = link.seq & 0x7F | 0x80
    link.call(codec.system_ack(link.tx, tag), _PING_MS, None, 9)  # u8
    if link.rx[8] != tag:
        raise link.fail("rpc_system_ack echoed the wrong byte")


def _rebooted(dev):
    """After a resynchronised link fault (exclusive access): True when the chip has
    restarted by itself, which turned Wi-Fi off (the driver keeps it on otherwise).
    Otherwise the closes a fault interrupted are done again now, before any other
    exchange can reuse their socket numbers (closing one that did close is harmless)."""
    link = dev.link
    # wifi_is_up takes an interface kind (RTW_STA_INTERFACE 0, RTW_AP_INTERFACE 1), unlike
    # the tcpip calls' netif index, and answers 0 for the station's in AP mode (wifi_conf.c)
    itf = 1 if dev.wifi_mode == _RTW_MODE_AP else 0
    if dev.wifi_mode and link.call_i32(codec.ints(link.tx, codec.WIFI_IS_UP, itf)) == 0:
        return True
    orphans = dev.orphans
    lost = []
    try:
        while orphans:
            orphan = orphans.pop()
            tls, number = orphan
            if not tls:
                try:
                    link.call_i32(codec.ints(link.tx, codec.LWIP_CLOSE, number))
                except OSError:
                    orphans.append(orphan)
                    raise
            elif number:  # a TLS client whose stop went unanswered: free it (again)
                load(_TLS).free(dev, number)  # (back in orphans when the link faults)
            else:
                lost.append(orphan)
    finally:
        orphans.extend(lost)
    if dev.strays:
        _close_strays(dev)
    return False


def _close_strays(dev):
    """Close the chip's sockets that no fd holds (exclusive access): those a lost reply
    to rpc_lwip_socket or rpc_lwip_accept made. This driver is the chip's only user, so
    any other open number is one of them; closing a number that is not open is harmless.
    ``strays`` is cleared before the fd table is read, not after the closes: a stray that
    another thread's ``close_later`` marks meanwhile waits for the next recovery.
    An fd the chip was reset under holds nothing there: the number it kept may be a stray's
    now (the chip hands out the lowest free one), and its TLS handle is a dangling pointer."""
    link = dev.link
    dev.strays = False
    try:
        _close_unknown(dev, link)
    except BaseException:
        dev.strays = True  # not all closed: the next recovery goes on
        raise


def _close_unknown(dev, link):
    known = []
    for sock in dev.slots:
        if sock is None or sock.broken == ECONNRESET:
            continue
        number = sock.number
        if number < 0 and sock.tls:  # a TLS start whose reply was lost may have opened one
            if link.call(codec.ints(link.tx, codec.TLS_GET_SOCKET, sock.tls), 0, None, 8) < 12:
                raise link.fail("rpc_wifi_ssl_get_socket: a reply without its result")
            number = codec.get_i32(link.rx, 8)
        known.append(number)
    for number in range(MAX_SOCKETS):
        if number not in known:
            link.call_i32(codec.ints(link.tx, codec.LWIP_CLOSE, number))
