# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Servers on the RTL8720DN: :meth:`~adafruit_netdev_rtl8720dn.RTL8720DN.bind`,
``listen`` and ``accept`` (the driver's methods of the same names hand over to these).
Loaded on first use (a client never holds it). Each function takes the driver as ``dev``
and uses the interface of the driver's module docstring."""

from micropython import const

from adafruit_netdev import (
    EINVAL,
    ENOMEM,
    EOPNOTSUPP,
    IPPROTO_TCP,
    IPPROTO_TLS,
    check_address,
    error,
    parse_ipv4,
    wait,
)
from adafruit_netdev_rtl8720dn import MAX_SOCKETS, ChipSocket, codec

_PEERNAME_TRIES = const(3)


def bind(dev, fd, address):
    sock = dev.socket_of(fd)
    ip, port = check_address(address)
    if sock.proto == IPPROTO_TLS:
        raise error(EOPNOTSUPP, "bind on a TLS socket: the firmware's TLS is client-only")
    link = dev.link
    dev.claim(sock)
    try:
        if link.call_i32(codec.lwip_bind(link.tx, sock.number, parse_ipv4(ip or "0.0.0.0"), port)) < 0:
            raise dev.failed("bind to %s:%d" % (ip or "0.0.0.0", port))
    finally:
        link.release()


def listen(dev, fd, backlog):
    sock = dev.socket_of(fd)
    if sock.proto == IPPROTO_TLS:
        raise error(EOPNOTSUPP, "TLS servers are not supported: the firmware's TLS is client-only")
    link = dev.link
    dev.claim(sock)
    try:
        if link.call_i32(codec.ints(link.tx, codec.LWIP_LISTEN, sock.number, max(1, backlog))) < 0:
            raise dev.failed("listen")
    finally:
        link.release()
    dev.set_nonblocking(sock)
    sock.listening = True


def accept(dev, fd, dl):
    sock = dev.socket_of(fd)
    if not sock.listening:
        raise error(EINVAL, "fd %d is not listening: call listen() first" % fd)
    return wait(_accept_once, sock, dev, dl, "accept")


def _accept_once(sock, dev):
    link = dev.link
    dev.claim(sock)
    try:
        new = _accept_call(dev, sock.number)
        if new is None:
            return None
        slots = dev.slots
        for newfd in range(MAX_SOCKETS):
            if slots[newfd] is None:
                slots[newfd] = new[0]
                return newfd, new[1]
        link.call_i32(codec.ints(link.tx, codec.LWIP_CLOSE, new[0].number))
    except OSError:
        # the chip may hold one that no fd does: accepted by a call whose reply was lost,
        # or not closed by a close whose reply was: recovery closes it
        if link.fault is not None:
            dev.strays = True
        raise
    finally:
        link.release()
    raise error(ENOMEM, "no free socket for the accepted connection: all %d are in use" % MAX_SOCKETS)


def _accept_call(dev, number):
    """rpc_lwip_accept on the listening socket ``number``, then the peer's address (lock
    held): ``(socket, peer)``, or None when no connection waits."""
    link = dev.link
    link.call(codec.lwip_accept(link.tx, number), 0, None, 16)  # u32 addrlen, i32 result
    new = codec.get_i32(link.rx, 12)
    if new < 0:
        dev.would_block("accept")
        return None
    if new >= MAX_SOCKETS:  # the chip accepted one, but not that (recovery closes it)
        raise link.bad_count(new, MAX_SOCKETS - 1)
    conn = ChipSocket(IPPROTO_TCP, new)
    conn.connected = True
    # the firmware's accept does not return the peer (docs/protocol-rtl8720dn.rst, Calls): ask for it
    return conn, _peer(link, new)


def _peer(link, number):
    """The peer of chip socket ``number``, or ``("0.0.0.0", 0)`` when it cannot be known.

    From firmware 2.1.1, rpc_lwip_getpeername hands lwIP an uninitialised length
    (wifi_api.c), and lwIP copies that many bytes of the sockaddr_in into a zeroed buffer:
    the answer may be any prefix of the address, zeros after it. A prefix short of the
    whole address is impossible for a peer (length or family not set, port 0, an address
    starting or ending with 0): ask again, a few times, and never trust such an answer. (A
    peer whose address really ends in .0 is therefore reported unknown.)"""
    rx = link.rx
    for _ in range(_PEERNAME_TRIES):
        length = link.call(codec.ints(link.tx, codec.LWIP_GETPEERNAME, number, 16))  # namelen
        if length < 36 or codec.get_u32(rx, 8) != 16:  # binary sockaddr_in, u32, i32
            raise link.fail("malformed rpc_lwip_getpeername reply")
        if codec.get_i32(rx, 32) < 0:
            break  # the connection is gone already
        if rx[12] == 16 and rx[13] == 2 and (rx[14] or rx[15]) and rx[16] and rx[19]:
            return codec.parse_sockaddr(rx, 12)
    return ("0.0.0.0", 0)
