# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""WiFiNINA UDP: binding a port, the peer of a connected socket, sending a datagram, and
receiving one with its sender (the driver's ``bind``, ``connect``, ``send`` and ``recvfrom``
hand a UDP socket over to these). Loaded on
first use, so that a TCP client does not keep this code in RAM."""

import errno

from adafruit_ticks import ticks_diff, ticks_ms
from micropython import const

import adafruit_netdev as nd
from adafruit_netdev import EIO, error, load, wait
from adafruit_netdev_wifinina import codec as c

_MAX_DATAGRAM = const(1460)  # the firmware's UDP transmit buffer (Adafruit 3.x flushes at 1460)
_EMSGSIZE = getattr(errno, "EMSGSIZE", 90)
_DESTADDRREQ = getattr(errno, "EDESTADDRREQ", 89)
_SEND_DATA_UDP = const(0x39)
_INSERT_DATABUF = const(0x46)
_GET_REMOTE_DATA = const(0x3A)
_READY_MS = const(2000)
# (the driver's idle polling: see its _RECHECK_MS, _BLIND_AFTER_MS, _BLIND_POLL_MS)
_RECHECK_MS = const(100)
_BLIND_AFTER_MS = const(200)
_BLIND_POLL_MS = const(60)
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
        if getattr(sock, "sender", None) is not None:
            _sender(link, sock, number)  # (START_CLIENT would hide it: see _sender)
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


def recvfrom(dev, fd, buf, flags, deadline):
    """``recv`` and who sent it: ``(n, (ip, port))``. UDP: one datagram (what does not fit in
    ``buf`` is dropped) and its sender, asked with GET_REMOTE_DATA while the firmware still
    holds that datagram (AVAIL_DATA_TCP says it does: its main loop parses the next one
    only once it is read); TCP/TLS: the connection's peer."""
    size = nd.check_buffer(buf)
    dev.check()
    sock = dev.socket_of(fd)
    if flags:
        raise error(nd.EOPNOTSUPP, "recvfrom flags not supported")
    if sock.proto != nd.IPPROTO_UDP:
        number = sock.number
        n = dev.recv(fd, buf, 0, deadline)
        if number < 0 or sock.gen != dev.gen:
            return n, ("0.0.0.0", 0)
        rep = dev.link.query(_GET_REMOTE_DATA, number, 2, 12)
        return n, (nd.format_ipv4(rep[4:8]), c.port_be(rep, 9))
    if not size:
        return 0, ("0.0.0.0", 0)
    dev.number_of(sock)
    sender = getattr(sock, "sender", None)
    if sender is None:  # (from now on sends ask for a waiting datagram's sender first)
        sender = sock.sender = bytearray(6)
        sock.stashed = False
    sock.buf = buf
    sock.dl = deadline
    sock.faults = 0
    try:
        n = wait(_recvfrom_once, sock, dev, deadline, "recvfrom")
    finally:
        sock.buf = None
    return n, (nd.format_ipv4(sender[0:4]), (sender[4] << 8) | sender[5])


def _sender(link, sock, number):
    """Whether the firmware holds a datagram for ``number`` (AVAIL_DATA_TCP), with its sender
    in ``sock.sender`` (GET_REMOTE_DATA, unless asked already: ``sock.stashed``). Lock held.

    The firmware keeps one address per UDP socket (WiFiUDP's remote IP and port): parsing
    the next datagram sets it to that datagram's sender, and a send's START_CLIENT sets it to
    the destination. A datagram is parsed as soon as the one before it has been read, so a
    send can come between and hide its sender: :func:`send` asks for it first."""
    link.exchange(c.avail_request(link.cmd, number, 0), c.AVAIL_DATA_TCP, _READY_MS, 1)
    if not c.uint_le(link.rep, 4, 2):
        return False
    if not sock.stashed:
        link.exchange(c.command(link.cmd, _GET_REMOTE_DATA, number), _GET_REMOTE_DATA, _READY_MS, 2, 12)
        rep = link.rep
        sender = sock.sender
        for i in range(4):
            sender[i] = rep[4 + i]
        sender[4] = rep[9]
        sender[5] = rep[10]
        sock.stashed = True
    return True


def _recvfrom_once(sock, dev):
    # (the idle rules of the driver's _recv_once: GPIO0 low skips the bus, but the
    # datagrams are asked for every _RECHECK_MS whatever it says; without GPIO0, after
    # _BLIND_AFTER_MS idle at most every _BLIND_POLL_MS)
    now = ticks_ms()
    hint = dev.hint
    quiet = False
    if sock.idle:
        if hint is not None:
            if not hint.value:
                if ticks_diff(now, sock.checked) < _RECHECK_MS:
                    return None
                quiet = True
        elif ticks_diff(now, sock.idle_since) > _BLIND_AFTER_MS:
            if ticks_diff(now, sock.polled) < _BLIND_POLL_MS:
                return None
    link = dev.link
    if link.busy():
        return None  # the co-processor works on a connect or DNS lookup: try again later
    got = 0
    try:
        if not link.grab():
            return None
        try:
            number = dev.number_of(sock)
            if _sender(link, sock, number):
                got = link.read_data(number, sock.buf, c.MAX_READ)
                sock.stashed = False
        finally:
            link.release()
    except OSError as exc:
        return dev.retry(exc, sock)
    if got:
        if quiet:
            dev.hint = None  # data while GPIO0 said none: this firmware does not drive it
        sock.idle = False
        return got
    if not sock.idle:
        sock.idle = True
        sock.idle_since = now
    sock.polled = sock.checked = now
    return None
