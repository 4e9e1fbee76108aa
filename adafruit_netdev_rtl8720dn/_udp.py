# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""UDP on the RTL8720DN: a ``connect`` that records where ``send`` goes, a ``send`` of one
datagram there (``rpc_lwip_sendto``), and :meth:`~adafruit_netdev_rtl8720dn.RTL8720DN.recvfrom`
(a datagram and its sender: ``rpc_lwip_recvfrom``); the driver's methods hand UDP sockets
over to these. The chip's socket is never connected (``rpc_lwip_connect`` would make lwIP
drop every other sender's datagrams), so a bound socket hears every sender and answers each
one: ``connect`` to it, then ``send`` (what ``socketpool``'s ``sendto`` does). Loaded on
first use (a TCP client never holds it). Each function takes the driver as ``dev`` and uses
the interface of the driver's module docstring."""

import errno

from micropython import const

from adafruit_netdev import (
    EIO,
    ENOTCONN,
    EOPNOTSUPP,
    IPPROTO_TLS,
    IPPROTO_UDP,
    check_address,
    check_buffer,
    error,
    parse_ipv4,
    wait,
)
from adafruit_netdev_rtl8720dn import codec
from adafruit_netdev_rtl8720dn.codec import get_i32, get_u32

_SEND_MAX = const(4052)  # rpc_lwip_sendto: the data and the address fit the firmware's 4096 bytes
_RECV_MAX = const(4080)
_MSG_DONTWAIT = const(0x08)
_UNKNOWN = ("0.0.0.0", 0)  # a sender the firmware did not tell (accept's form)


def recvfrom(dev, fd, buf, flags, dl):
    """The driver's ``recvfrom``."""
    if flags:
        raise error(EOPNOTSUPP, "recvfrom flags %r not supported (the netdev contract has none)" % (flags,))
    sock = dev.socket_of(fd)
    if sock.proto == IPPROTO_TLS:
        raise error(EOPNOTSUPP, "recvfrom on a TLS socket: use recv (its peer is the server it connected to)")
    if not sock.connected and sock.proto != IPPROTO_UDP:
        raise error(ENOTCONN, "fd %d is not connected" % fd)
    if not check_buffer(buf):
        return 0, _UNKNOWN
    return wait(_recvfrom_once, sock, (dev, buf), dl, "recvfrom")


def _recvfrom_once(sock, arg):
    dev, buf = arg
    if sock.eof:
        return 0, _UNKNOWN
    if sock.idle and not dev.readable(sock):
        return None  # one call while nothing comes, where a receive costs two
    size = min(len(buf), _RECV_MAX)
    link = dev.link
    rx = link.rx
    dev.claim(sock)
    try:
        # the reply: the data (into buf), then binary from (u32 16, 16 bytes at rx[16]),
        # u32 fromlen, i32 result (Link.call: what follows the data starts at rx[12])
        end = codec.lwip_recvfrom(link.tx, sock.number, size, _MSG_DONTWAIT)
        link.call(end, 0, memoryview(buf)[:size], 40)
        n = get_u32(rx, 8)
        if get_u32(rx, 12) != 16:
            raise link.fail("malformed rpc_lwip_recvfrom reply (a %d-byte address)" % get_u32(rx, 12))
        result = get_i32(rx, 36)
        if result > 0 and result != n:  # the firmware sends exactly what it received
            raise link.bad_count(result, n)
        if result >= 0:
            sock.idle = False
            if result == 0 and sock.proto != IPPROTO_UDP:
                sock.eof = True
            # lwIP copies min(fromlen, 16) bytes of the sender's sockaddr_in and lowers
            # fromlen to that (docs/protocol-rtl8720dn.rst): family at 1, port at 2, address at 4
            if get_u32(rx, 32) >= 8 and rx[17] == 2:
                return result, codec.parse_sockaddr(rx, 16)
            return result, _UNKNOWN
        dev.would_block("recvfrom")
        sock.idle = True
        return None
    except OSError:
        if link.fault is not None and sock.proto != IPPROTO_UDP and not sock.broken:
            sock.broken = EIO  # a stream cannot go on without a gap (as recv)
        raise
    finally:
        link.release()


def connect(dev, sock, address):
    """The driver's ``connect`` of a UDP socket: ``address`` kept for ``send``; nothing
    goes to the chip."""
    ip, port = check_address(address)
    if not ip or not 0 < port < 65536:
        raise ValueError("cannot connect to %r:%r" % (ip, port))
    sock.peer = (parse_ipv4(ip), port)
    sock.connected = True


def send(dev, sock, view, dl):
    """The driver's ``send`` on a UDP socket: ``view`` as one datagram to its peer."""
    if len(view) > _SEND_MAX:
        raise error(getattr(errno, "EMSGSIZE", 90), "datagram longer than %d bytes" % _SEND_MAX)
    return wait(_sendto_once, sock, (dev, view), dl, "send")


def _sendto_once(sock, arg):
    dev, view = arg
    link = dev.link
    n = len(view)
    dev.claim(sock)
    try:
        end = codec.lwip_sendto(link.tx, sock.number, n, _MSG_DONTWAIT, sock.peer[0], sock.peer[1])
        result = link.call_i32(end, 0, view)
        if result > n:
            raise link.bad_count(result, n)
        if result >= 0:
            return result  # (an empty datagram is sent as such)
        dev.would_block("send")
        return None
    finally:
        link.release()
