# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""WiFiNINA servers: :meth:`~adafruit_netdev_wifinina.WiFiNINA.bind`, ``listen`` and
``accept`` (the driver's methods of the same names hand over to these). Loaded on first use,
so that a program that only dials does not keep this code in RAM."""

from micropython import const

import adafruit_netdev as nd
from adafruit_netdev import error, load, wait
from adafruit_netdev_wifinina import Socket
from adafruit_netdev_wifinina import codec as c

_GET_STATE_TCP = const(0x29)
_GET_REMOTE_DATA = const(0x3A)
_NONE = const(255)


def bind(dev, fd, address):
    """TCP: remember the port for :func:`listen`. UDP: open the firmware's socket on it."""
    ip, port = nd.check_address(address)
    dev.check()
    sock = dev.socket_of(fd)
    if sock.number >= 0 or sock.port >= 0:
        raise error(nd.EINVAL, "socket already bound")
    if sock.proto == nd.IPPROTO_UDP:
        load("adafruit_netdev_wifinina._udp").bind(dev, sock, port)
    sock.port = port


def listen(dev, fd, backlog):
    """Start the firmware's TCP server on the bound port, or take up the running listener a
    closed socket left on it."""
    dev.check()
    sock = dev.socket_of(fd)
    if sock.proto != nd.IPPROTO_TCP:
        raise error(nd.EOPNOTSUPP, "listen needs a TCP socket")
    if sock.listening:
        return
    port = sock.port
    if port <= 0 or sock.number >= 0:
        raise error(nd.EINVAL, "bind a port (not 0: NINA-FW cannot report it) before listen")
    link = dev.link
    with dev.sequence():
        number = _idle_listener(dev, port)
        if number < 0:
            number = dev.claim()
            # Adafruit 1.x answers START_SERVER with 1 even when its bind failed: only
            # GET_STATE_TCP tells (and the number it took must be given back)
            if start_server(dev, port, number, c.MODE_TCP) != 1 or link.call(_GET_STATE_TCP, number) != 1:
                link.call(c.STOP_CLIENT_TCP, number)
                raise error(nd.EADDRINUSE, "co-processor could not listen on port %d (in use?)" % port)
        sock.number = number
        sock.gen = dev.gen
        sock.listening = True


def start_server(dev, port, number, mode):
    """START_SERVER_TCP (TCP or UDP ``mode``) on ``number``: the firmware's answer (1: done)."""
    link = dev.link
    link.take(None)
    try:
        link.exchange(c.start_server(link.cmd, port, number, mode), c.START_SERVER_TCP, 2000, 1)
        return link.rep[4]
    finally:
        link.release()


def _avail(dev, number, accept):
    """AVAIL_DATA_TCP: a byte count, or on a server the number of a client (255: none)."""
    link = dev.link
    link.take(None)
    try:
        link.exchange(c.avail_request(link.cmd, number, accept), c.AVAIL_DATA_TCP, 2000, 1)
        return c.uint_le(link.rep, 4, 2)
    finally:
        link.release()


def close(dev, port, number):
    """A listening socket was closed: its number stays with the listener the firmware keeps
    running on ``port``, for the next :func:`listen` there."""
    if dev.listeners is None or dev.listeners_gen != dev.gen:
        dev.listeners = {}
        dev.listeners_gen = dev.gen
    dev.listeners[port] = number


def _idle_listener(dev, port):
    """The number of a closed listener on ``port`` still running in the firmware, with the
    connections that queued while nobody listened turned away; -1 if none (sequence lock
    held)."""
    kept = dev.listeners
    number = kept.pop(port, -1) if kept is not None and dev.listeners_gen == dev.gen else -1
    if number < 0:
        return -1
    link = dev.link
    if link.call(_GET_STATE_TCP, number) != 1:
        link.call(c.STOP_CLIENT_TCP, number)
        return -1
    if dev.accept_flag:
        numbers = len(dev.fds)  # the firmware's socket numbers
        for _ in range(numbers):
            stale = _avail(dev, number, 1)
            if stale >= numbers or stale == number:
                break
            link.call(c.STOP_CLIENT_TCP, stale)
    return number


def accept(dev, fd, deadline):
    """Wait for a client on a listening fd until ``deadline``: ``(fd, (ip, port))``."""
    dev.check()
    sock = dev.socket_of(fd)
    if not sock.listening:
        raise error(nd.EINVAL, "accept needs a listening socket")
    return wait(_accept_once, sock, dev, deadline, "accept")


def _accept_once(sock, dev):
    link = dev.link
    if link.busy():
        return None  # the co-processor works on a connect or DNS lookup: look again later
    fds = dev.fds
    new = -1
    for i in range(dev.max_sockets):
        if fds[i] is None:
            new = i
            break
    if new < 0:
        raise error(nd.ENOMEM, "every fd is open: close one to accept another client")
    with dev.sequence():  # with the accept flag the firmware claims a number itself
        server = sock.number  # (before closed: close() sets closed, then the number to -1)
        if sock.closed:  # (a new socket may have its fd by now)
            raise error(nd.EBADF, "the listener was closed (by another thread) while accept waited")
        if server < 0 or sock.gen != dev.gen:
            raise error(nd.ECONNRESET, "listener lost: the co-processor was reset")
        client = _avail(dev, server, dev.accept_flag)
        if client in (_NONE, server):
            return None
        if client >= len(fds):
            raise link.fault("AVAIL_DATA on a server returned socket %d" % client)
        for other in fds:
            if other is not None and other.number == client and other.gen == dev.gen:
                return None  # "available" semantics report an owned client again
        conn = Socket(nd.IPPROTO_TCP, dev.gen)
        conn.number = client
        fds[new] = conn
    rep = link.query(_GET_REMOTE_DATA, client, 2, 12)
    return new, (nd.format_ipv4(rep[4:8]), c.port_be(rep, 9))
