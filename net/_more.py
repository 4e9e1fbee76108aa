# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The part of :mod:`net` that a TCP client does not need: UDP, TLS and listening. Loaded
on first use (``net.listen``, ``net.UDPConn``, ``net.dial("udp", ...)``, ...), and
documented as part of ``net``; import these names from ``net``, not from here."""

from adafruit_ticks import ticks_add, ticks_ms
from micropython import const

import adafruit_netdev as _nd
from net import (
    Conn,
    TCPAddr,
    TCPConn,
    _check_network,
    _close_quietly,
    _closed_error,
    _connect,
    _dial_tcp,
    _host_port,
    _op_error,
    _remote,
    _resolve,
    _Socket,
    _timeout_ms,
    join_host_port,
)

_EPHEMERAL_FIRST = const(49152)
_EPHEMERAL_COUNT = const(16384)
_EPHEMERAL_TRIES = const(8)


def resolve_tcp_addr(network, address):
    """Resolve ``address`` to a :class:`TCPAddr` (Go ``ResolveTCPAddr``). An empty host gives
    ``ip`` ``None`` with no lookup; IPv4 literals need no device; names are looked up with the
    netdev's ``gethostbyname`` (:class:`~adafruit_netdev.HostUnknownError` when unknown)."""
    _check_network(network, ("tcp", "tcp4"))
    host, port = _host_port(address)
    return TCPAddr(_resolve(host), port)


def dial_tcp(raddr, laddr=None, timeout=None):
    """Connect to ``raddr`` (a :class:`TCPAddr` or ``(ip, port)`` with an IPv4 literal; no
    name lookup) and return a :class:`TCPConn` (Go ``DialTCP``). ``timeout`` bounds the
    connect. ``laddr`` must be ``None`` or the unspecified address: netdevs cannot bind the
    local end of a TCP client."""
    if laddr is not None:
        lip, lport = (laddr.ip, laddr.port) if isinstance(laddr, TCPAddr) else laddr
        if lip not in (None, "", "0.0.0.0") or lport:
            raise NotImplementedError("dial_tcp: netdevs cannot bind a TCP client's local address")
    return _dial_tcp(raddr, _nd.deadline(timeout))


class UDPAddr(TCPAddr):
    """A UDP endpoint; like :class:`TCPAddr` with ``network()`` ``"udp"``."""

    _network = "udp"


class TLSAddr(TCPAddr):
    """The far end of a :class:`TLSConn`: ``host`` as given to :func:`dial_tls` (the
    co-processor resolved it) and ``port``. ``ip`` is the host when that is an IPv4
    literal, else ``None``. ``network()`` is ``"tls"``."""

    _network = "tls"

    def __init__(self, host, port):
        super().__init__(host if _nd.parse_ipv4(host) else None, port)
        self.host = host

    def __str__(self):
        return join_host_port(self.host, self.port)

    def __repr__(self):
        return "TLSAddr(%r, %r)" % (self.host, self.port)

    def __eq__(self, other):
        return type(other) is TLSAddr and other.host == self.host and other.port == self.port

    def __hash__(self):
        return hash(("tls", self.host, self.port))


def resolve_udp_addr(network, address):
    """Like :func:`resolve_tcp_addr` for ``"udp"``/``"udp4"``; returns a :class:`UDPAddr`."""
    _check_network(network, ("udp", "udp4"))
    host, port = _host_port(address)
    return UDPAddr(_resolve(host), port)


class TLSConn(Conn):
    """A TLS connection whose encryption runs on the co-processor (:func:`dial_tls`)."""

    _network = "tls"


class UDPConn(Conn):
    """A connected UDP socket (:func:`dial_udp`): :meth:`write` sends one datagram to the
    peer, :meth:`readinto` receives one from it."""

    _network = "udp"

    def read_from(self, buf):
        """Receive one datagram into ``buf``; returns ``(n, addr)``. A connected conn only
        hears from its peer, so ``addr`` is :attr:`remote_addr`."""
        return self.readinto(buf), self._raddr

    def write_to(self, buf, addr):
        """Not possible on a connected conn (Go's ``ErrWriteToConnected``): use :meth:`write`,
        or :func:`dial_udp` another peer."""
        raise _nd.error(_nd.EISCONN, "write to %s: use of WriteTo with pre-connected connection" % (addr,))


class TCPListener(_Socket):
    """A listening TCP socket from :func:`listen`."""

    def __init__(self, dev, fd, addr):
        self._dev = dev
        self._fd = fd
        self._addr = addr

    @property
    def addr(self):
        """The address listened on (Go ``Addr()``), e.g. ``:8080``."""
        return self._addr

    def accept(self, timeout=None):
        """Wait for a connection and return its :class:`TCPConn`. ``timeout``: ``None`` waits
        for ever, ``0`` polls once (``OSError(EAGAIN)`` when none is pending), ``s > 0`` raises
        ``TimeoutError(ETIMEDOUT)`` after ``s`` seconds. Some firmware (NINA-FW 1.x) reports a
        client only once it has sent data."""
        fd = self._fd
        if fd is None:
            raise _closed_error()
        ms = _timeout_ms(timeout)
        try:
            newfd, peer = self._dev.accept(fd, None if ms is None else ticks_add(ticks_ms(), ms))
            # a netdev that cannot tell the peer reports ("0.0.0.0", 0): remote_addr None
            return TCPConn(self._dev, newfd, self._addr, TCPAddr(peer[0], peer[1]) if peer[1] else None)
        except OSError as e:
            err = e
        raise _op_error("accept", "tcp", None, self._addr, err, would_block=ms == 0)

    def __repr__(self):
        return "<TCPListener %s %s>" % ("closed" if self._fd is None else "fd=%d" % self._fd, self._addr)


def dial_tls(address, timeout=None):
    """Connect with TLS to ``address`` (``"host:port"`` or ``(host, port)``; port ``0`` means
    443) and return a :class:`TLSConn` (TinyGo ``DialTLS``). The co-processor resolves the
    host, verifies its certificate against its CA bundle and sends SNI; ``net`` does no lookup.
    ``timeout`` bounds connect and handshake."""
    host, port = _host_port(address)
    if not host or host == "0.0.0.0":
        raise ValueError("dial tls: %r has no server name; give the server's host name" % (address,))
    raddr = TLSAddr(host, port or 443)
    dev = _nd.netdev()
    fd = _connect(dev, _nd.IPPROTO_TLS, host, raddr, _nd.deadline(timeout))
    return TLSConn(dev, fd, None, raddr)


_next_port = 0


def _ephemeral_port():
    global _next_port  # noqa: PLW0603
    if not _next_port:
        _next_port = _EPHEMERAL_FIRST + ticks_ms() % _EPHEMERAL_COUNT
    port = _next_port
    _next_port = port + 1 if port < _EPHEMERAL_FIRST + _EPHEMERAL_COUNT - 1 else _EPHEMERAL_FIRST
    return port


def dial_udp(raddr, laddr=None):
    """A connected :class:`UDPConn` to ``raddr`` (a :class:`UDPAddr` or ``(ip, port)``), like
    Go ``DialUDP``: binds ``laddr`` (default: any address, an ephemeral port 49152-65535),
    then connects."""
    raddr = _remote(raddr, UDPAddr, "dial udp")
    lip, lport = "", 0
    if laddr is not None:
        lip, lport = (laddr.ip, laddr.port) if isinstance(laddr, TCPAddr) else laddr
        lip, lport = _nd.check_address((lip or "", lport))
    dev = _nd.netdev()
    fd = dev.socket(_nd.AF_INET, _nd.SOCK_DGRAM, _nd.IPPROTO_UDP)
    ok = False
    err = None
    try:
        tries = 1 if lport else _EPHEMERAL_TRIES
        while True:
            port = lport or _ephemeral_port()
            tries -= 1
            try:
                dev.bind(fd, (lip, port))
                break
            except OSError as e:
                if not tries or not e.args or e.args[0] != _nd.EADDRINUSE:
                    raise
        laddr = UDPAddr(lip, port)
        dev.connect(fd, "", (raddr.ip, raddr.port))
        ok = True
    except OSError as e:
        err = e
    finally:
        if not ok:
            _close_quietly(dev, fd)
    if err is not None:
        raise _op_error("dial", "udp", None, raddr, err)
    return UDPConn(dev, fd, laddr, raddr)


def listen(network, address, backlog=5):
    """Listen for TCP connections on ``address`` (``":8080"``, ``"0.0.0.0:8080"`` or a local
    IPv4 address) and return a :class:`TCPListener` (Go ``Listen``). The port must be given:
    netdevs cannot report an ephemeral one. The device socket is closed if bind or listen fails."""
    if network not in ("tcp", "tcp4"):
        raise ValueError("unsupported network %r for listen: use 'tcp' or 'tcp4'" % (network,))
    laddr = resolve_tcp_addr(network, address)
    if not laddr.port:
        raise ValueError("listen %r: give a port (a netdev cannot report an ephemeral one)" % (address,))
    if laddr.ip == "0.0.0.0":
        laddr = TCPAddr(None, laddr.port)
    dev = _nd.netdev()
    fd = dev.socket(_nd.AF_INET, _nd.SOCK_STREAM, _nd.IPPROTO_TCP)
    ok = False
    err = None
    try:
        dev.bind(fd, (laddr.ip or "", laddr.port))
        dev.listen(fd, backlog)
        ok = True
    except OSError as e:
        err = e
    finally:
        if not ok:
            _close_quietly(dev, fd)
    if err is not None:
        raise _op_error("listen", "tcp", None, laddr, err)
    return TCPListener(dev, fd, laddr)
