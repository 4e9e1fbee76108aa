# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""UDP servers over :class:`adafruit_netdev.socketpool.Socket`: ``recvfrom_into`` (who sent
the datagram: the netdev's ``recvfrom``) and ``sendto`` (answer any sender from a bound
socket). Loaded on first use: a TCP program never holds this code."""

import adafruit_netdev as nd
from adafruit_netdev.socketpool import _io_error


def sendto(sock, data, address):
    """Send one datagram to ``address``: the socket is given ``address`` (a netdev's UDP
    ``connect`` records where ``send`` goes and never stops the socket from hearing other
    senders), then sends."""
    if sock.type != nd.SOCK_DGRAM:
        raise OSError(nd.EOPNOTSUPP, "sendto is for SOCK_DGRAM sockets")
    ip = sock._resolve(address[0])
    if sock._peer != (ip, address[1]):
        sock.connect((ip, address[1]))
    return sock.send(data)


def recvfrom_into(sock, buffer, nbytes):
    """``(count, (ip, port))`` of one datagram; a netdev without ``recvfrom``: the count and
    the connected peer."""
    recvfrom = getattr(sock._dev, "recvfrom", None)
    if recvfrom is None:
        return sock.recv_into(buffer, nbytes), sock._peer
    size = nd.check_buffer(buffer, nbytes)
    fd = sock._live_fd()
    if fd is None:
        raise OSError(nd.ENOTCONN, "recvfrom on a socket that is neither bound nor connected")
    if size != len(buffer):
        buffer = memoryview(buffer)[:size]
    try:
        return recvfrom(fd, buffer, 0, sock._deadline())
    except OSError as exc:
        raise _io_error(exc, sock._timeout == 0)
