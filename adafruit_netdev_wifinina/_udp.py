# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""WiFiNINA UDP: binding a port, the peer of a connected socket, sending a datagram (the
driver's ``bind``, ``connect`` and ``send`` hand a UDP socket over to these). Loaded on
first use, so that a TCP client does not keep this code in RAM."""

import errno

from micropython import const

import adafruit_netdev as nd
from adafruit_netdev import EIO, error, load
from adafruit_netdev_wifinina import codec as c

_MAX_DATAGRAM = const(1460)  # the firmware's UDP transmit buffer (Adafruit 3.x flushes at 1460)
_EMSGSIZE = getattr(errno, "EMSGSIZE", 90)
_DESTADDRREQ = getattr(errno, "EDESTADDRREQ", 89)
_SEND_DATA_UDP = const(0x39)
_INSERT_DATABUF = const(0x46)
_MODE_UDP = const(1)  # START_CLIENT_TCP / START_SERVER_TCP's protocol mode (docs/protocol-nina.rst, Codes)


def bind(dev, sock, port):
    """Open the firmware's UDP socket on ``port`` (0: any) for ``sock``."""
    with dev.sequence():
        number = dev.claim()
        if load("adafruit_netdev_wifinina._server").start_server(dev, port, number, _MODE_UDP) != 1:
            raise error(nd.EADDRINUSE, "co-processor could not bind UDP port %d (in use?)" % port)
        sock.number = number
        sock.gen = dev.gen


def connect(dev, sock, host, ip, port, deadline):
    """Record the peer of a UDP socket (binding an ephemeral port if needed)."""
    if not ip:
        if not host:
            raise error(nd.EINVAL, "UDP connect needs an address")
        ip = dev.gethostbyname(host, deadline)
    if sock.number < 0:
        bind(dev, sock, 0)
    sock.peer = nd.parse_ipv4(ip)
    sock.peer_port = port


def send(dev, sock, buf, size):
    """Send ``buf[:size]`` as one datagram to the socket's peer."""
    if sock.peer is None:
        raise error(_DESTADDRREQ, "UDP socket has no peer: connect it first")
    if size > _MAX_DATAGRAM:
        raise error(
            _EMSGSIZE, "datagram of %d bytes too long (NINA-FW sends at most %d)" % (size, _MAX_DATAGRAM)
        )
    number = dev.number_of(sock)
    link = dev.link
    # START_CLIENT empties the firmware's transmit buffer and sets the destination;
    # SEND_DATA_UDP does not empty it, so every datagram starts here.
    link.take(None)
    try:
        length = c.start_client(link.cmd, "", sock.peer, sock.peer_port, number, mode=_MODE_UDP)
        link.exchange(length, c.START_CLIENT_TCP)
        ok = link.rep[2] == 1 and link.rep[4] == 1
    finally:
        link.release()
    if not ok:
        raise error(EIO, "co-processor refused the UDP destination")
    if size:
        link.take(None)
        try:
            link.send_data(_INSERT_DATABUF, number, buf, 0, size)
            link.receive(_INSERT_DATABUF, 2000, 1)
            ok = link.rep[4] == 1
        finally:
            link.release()
        if not ok:
            raise error(EIO, "co-processor did not take the datagram's %d bytes" % size)
    if link.call(_SEND_DATA_UDP, number) != 1:
        raise error(EIO, "co-processor could not send the datagram")
    return size
