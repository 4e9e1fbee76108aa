# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""
`adafruit_netdev.socketpool`
================================================================================

A look-alike of CircuitPython's ``socketpool`` and ``ssl`` over any netdev, so that
adafruit_requests, adafruit_minimqtt, adafruit_httpserver, adafruit_ntp and
adafruit_connection_manager run unmodified on a co-processor::

    pool = SocketPool(dev)
    requests = adafruit_requests.Session(pool, create_default_context())

Device sockets are opened lazily, at ``connect``/``bind``: a Python socket that is never
used costs no co-processor slot, and ``wrap_socket`` can still make it a TLS socket.
Timeouts and non-blocking calls behave like CircuitPython's native sockets (a socket's
timeout bounds its ``connect`` name lookup and connect together): a timeout is
``TimeoutError`` with errno ``ETIMEDOUT``; a non-blocking call with nothing to do raises
``OSError(EAGAIN)``; running out of device sockets raises ``OSError(ENOMEM)`` (which
ConnectionManager answers by recycling idle sockets).
"""

from micropython import const

import adafruit_netdev as nd

_SOCK_STREAM = const(1)
_SOCK_DGRAM = const(2)


class gaierror(OSError):  # noqa: N801 - the name CircuitPython and CPython use
    """A host name that does not resolve: ``args == (EAI_NONAME, message)``."""


def _io_error(exc, nonblocking):
    """Adapt a netdev error to native-socket semantics (a non-blocking socket never times
    out: it would block, ``EAGAIN``)."""
    if nonblocking and exc.args and exc.args[0] == nd.ETIMEDOUT:
        return nd.would_block("socket")
    return exc


class Socket:
    """A socket of a :class:`SocketPool`; the subset of CircuitPython's ``socketpool.Socket``
    the Adafruit libraries use, plus ``recv`` for CPython-style callers."""

    def __init__(self, pool, family=2, type=_SOCK_STREAM, proto=0, fd=None):  # noqa: A002
        if family != SocketPool.AF_INET:
            raise OSError(nd.EAFNOSUPPORT, "only AF_INET sockets are supported")
        if type not in (_SOCK_STREAM, _SOCK_DGRAM):
            raise OSError(nd.EPROTONOSUPPORT, "only SOCK_STREAM and SOCK_DGRAM are supported")
        self._pool = pool
        self._dev = pool.dev
        self.family = family
        self.type = type
        self.proto = proto
        self._fd = fd
        self._closed = False
        self._timeout = None
        self._tls_host = None  # set by SSLContext.wrap_socket
        self._peer = None

    # -- timeouts --------------------------------------------------------------------------

    def settimeout(self, value):
        """``None`` blocks, ``0`` is non-blocking, a number is seconds per call."""
        nd.deadline(value)  # (TypeError for what is not a number of seconds)
        if value is not None and value < 0:
            raise ValueError("timeout must be None or >= 0")
        self._timeout = value

    def setblocking(self, flag):
        self._timeout = None if flag else 0

    def gettimeout(self):
        return self._timeout

    def _deadline(self):
        return None if self._timeout is None else nd.deadline(self._timeout)

    # -- set-up ------------------------------------------------------------------------------

    def _live_fd(self):
        if self._closed:
            raise OSError(nd.EBADF, "socket is closed")
        return self._fd

    def _open(self, tls):
        fd = self._live_fd()
        if fd is None:
            proto = nd.IPPROTO_UDP if self.type == _SOCK_DGRAM else nd.IPPROTO_TCP
            if tls:
                proto = nd.IPPROTO_TLS
            fd = self._dev.socket(nd.AF_INET, self.type, proto)
            self._fd = fd
        return fd

    def _resolve(self, host, dl=None):
        return self._pool._address(host, dl)

    def bind(self, address):
        host, port = address
        ip = "" if host in ("", "0.0.0.0") else self._resolve(host)
        fd = self._open(False)
        self._dev.bind(fd, (ip, port))
        self._bound = True  # (a UDP server: sendto answers from this port; set only here)

    def listen(self, backlog=5):
        self._dev.listen(self._open(False), backlog)

    def accept(self):
        """``(socket, (ip, port))``; ``OSError(EAGAIN)`` when non-blocking and none is waiting."""
        fd = self._live_fd()
        if fd is None:
            raise OSError(nd.EINVAL, "accept on a socket that is not listening")
        try:
            new, peer = self._dev.accept(fd, self._deadline())
        except OSError as exc:
            raise _io_error(exc, self._timeout == 0)
        sock = Socket(self._pool, self.family, self.type, self.proto, fd=new)
        sock._peer = peer
        return sock, peer

    def connect(self, address, conntype=None):
        """Connect to ``(host, port)``. TLS when the socket was wrapped by an
        :class:`SSLContext`, or with ``conntype=pool.TLS_MODE`` (the ESP32SPI style)."""
        host, port = address
        dl = self._deadline()  # one timeout for the name lookup and the connect together
        tls = self._tls_host is not None or conntype == SocketPool.TLS_MODE
        if tls:
            name = self._tls_host or host
            ip = host if nd.parse_ipv4(host) is not None else ""
        else:
            name, ip = "", self._resolve(host, dl)
        fd = self._open(tls)
        try:
            if self.type == _SOCK_DGRAM and self._peer is None and not getattr(self, "_bound", False):
                self._dev.bind(fd, ("", 0))
            self._dev.connect(fd, name, (ip, port), dl)
        except OSError as exc:
            if self.type != _SOCK_DGRAM:
                self._release()  # a failed stream connect frees its device socket at once
            raise _io_error(exc, False)
        self._peer = (ip or host, port)

    # -- data ------------------------------------------------------------------------------------

    def send(self, data):
        """Send ``data``; returns the count (all of it, unless a timeout cut it short)."""
        fd = self._live_fd()
        if fd is None or self._peer is None:
            raise nd.error(nd.EPIPE, "send on a socket that is not connected")
        try:
            return self._dev.send(fd, data, 0, self._deadline())
        except OSError as exc:
            raise _io_error(exc, self._timeout == 0)

    def sendall(self, data):
        view = memoryview(data)
        sent = 0
        while sent < len(view):
            sent += self.send(view[sent:] if sent else view)

    def sendto(self, data, address):
        """UDP: send one datagram to ``address``; a bound socket answers each sender
        :meth:`recvfrom_into` reports (``adafruit_netdev._datagram``, loaded on first use)."""
        return nd.load("adafruit_netdev._datagram").sendto(self, data, address)

    def recv_into(self, buffer, nbytes=0):
        """Read up to ``nbytes`` (0: ``len(buffer)``) into ``buffer``; 0 at end of stream."""
        size = nd.check_buffer(buffer, nbytes)
        fd = self._live_fd()
        if fd is None:
            raise OSError(nd.ENOTCONN, "recv on a socket that is not connected")
        if size != len(buffer):
            buffer = memoryview(buffer)[:size]
        try:
            return self._dev.recv(fd, buffer, 0, self._deadline())
        except OSError as exc:
            raise _io_error(exc, self._timeout == 0)

    def recvfrom_into(self, buffer, nbytes=0):
        """``(count, (ip, port))``: one datagram and who sent it (a stream: its peer); a
        netdev without ``recvfrom`` reports the connected peer (``adafruit_netdev._datagram``)."""
        return nd.load("adafruit_netdev._datagram").recvfrom_into(self, buffer, nbytes)

    def recv(self, bufsize):
        """``bytes`` of at most ``bufsize``; ``b""`` at end of stream."""
        if bufsize < 0:
            raise ValueError("negative buffersize in recv")
        buf = bytearray(bufsize)
        n = self.recv_into(buf)
        return bytes(buf[:n])

    # -- options, closing ----------------------------------------------------------------------

    def setsockopt(self, level, optname, value):
        """``SO_REUSEADDR`` and ``TCP_NODELAY`` are accepted (co-processors need neither);
        others raise ``OSError(EOPNOTSUPP)``."""
        if (level, optname) in (
            (SocketPool.SOL_SOCKET, SocketPool.SO_REUSEADDR),
            (SocketPool.IPPROTO_TCP, SocketPool.TCP_NODELAY),
        ):
            return
        raise OSError(nd.EOPNOTSUPP, "socket option (%r, %r) is not supported" % (level, optname))

    def _release(self):
        fd, self._fd = self._fd, None
        if fd is not None:
            self._dev.close(fd)

    def close(self):
        """Close; a second close does nothing."""
        if not self._closed:
            self._closed = True
            self._release()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class SocketPool:
    """CircuitPython's ``socketpool.SocketPool`` over a netdev, or over the netdev of an
    :class:`adafruit_netdev.radio.Radio` (default: the one bound by
    :func:`adafruit_netdev.use_netdev`). Constants have CircuitPython's values."""

    AF_INET = const(2)
    AF_INET6 = const(10)
    SOCK_STREAM = const(1)
    SOCK_DGRAM = const(2)
    SOCK_RAW = const(3)
    IPPROTO_IP = const(0)
    IPPROTO_ICMP = const(1)
    IPPROTO_TCP = const(6)
    IPPROTO_UDP = const(17)
    IPPROTO_IPV6 = const(41)
    IPPROTO_RAW = const(255)
    TCP_NODELAY = const(1)
    SOL_SOCKET = const(0xFFF)
    SO_REUSEADDR = const(4)
    IP_MULTICAST_TTL = const(5)
    EAI_NONAME = const(-2)
    TLS_MODE = const(0xFE)
    gaierror = gaierror

    def __init__(self, dev=None):
        # (a radio.Radio is a face of its netdev: SocketPool(radio), as on CircuitPython)
        self.dev = getattr(dev, "netdev", dev) if dev is not None else nd.netdev()

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002
        """``[(AF_INET, type, proto, "", (ip, port))]``; :class:`gaierror` when unknown."""
        return [(self.AF_INET, type or self.SOCK_STREAM, proto, "", (self._address(host, None), port))]

    def _address(self, host, dl):
        if not isinstance(host, str):
            raise TypeError("host must be a str")
        try:
            return self.dev.gethostbyname(host, dl)
        except nd.HostUnknownError as exc:
            raise gaierror(nd.EAI_NONAME, "Name or service not known: %r (%s)" % (host, exc))

    def socket(self, family=AF_INET, type=SOCK_STREAM, proto=0):  # noqa: A002
        return Socket(self, family, type, proto)


class SSLContext:
    """TLS by the co-processor: ``wrap_socket`` marks a socket (before ``connect``) so it
    opens a TLS device socket; the device verifies the certificate and host name against
    its own CA store. Verification cannot be turned off."""

    def __init__(self, dev=None):
        self.verify_mode = 2  # ssl.CERT_REQUIRED
        self._dev = dev

    @property
    def check_hostname(self):
        return True

    @check_hostname.setter
    def check_hostname(self, value):
        if not value:
            raise ValueError("host-name checking cannot be turned off: the co-processor always verifies")

    def wrap_socket(self, sock, server_side=False, server_hostname=None, **_ignored):
        if server_side:
            raise NotImplementedError("TLS servers are not supported: co-processors offload TLS clients only")
        if sock._fd is not None:
            raise OSError(nd.EISCONN, "wrap_socket must be called before connect")
        sock._tls_host = server_hostname or ""
        return sock

    def load_verify_locations(self, cafile=None, capath=None, cadata=None):
        """Give the CA to a co-processor that takes one from the host (the RTL8720DN's
        ``root_ca``). Others trust their own store: NINA-FW its built-in bundle, the host
        netdev ``HostNetdev(cafile=...)``."""
        dev = self._dev if self._dev is not None else nd.netdev()
        if not hasattr(dev, "root_ca"):
            raise NotImplementedError(
                "this co-processor trusts its own CA store; on the host netdev pass HostNetdev(cafile=...)"
            )
        if cadata is None:
            if cafile is None:
                raise ValueError("give cafile or cadata")
            with open(cafile) as f:
                cadata = f.read()
        dev.root_ca = cadata

    def set_default_verify_paths(self):
        """Trust the netdev's default CAs again (forgetting one :meth:`load_verify_locations`
        gave), as CircuitPython restores its built-in roots. NINA-FW: its built-in bundle,
        always in use (nothing to do). RTL8720DN, which has no store of its own:
        ``root_ca`` goes back to ``root_ca_file`` (the ``NETDEV_CA_FILE`` setting); with
        none, TLS is refused until a CA is given. Host netdev: the system's default CA paths
        in place of its ``cafile``."""
        dev = self._dev if self._dev is not None else nd.netdev()
        if hasattr(dev, "root_ca"):
            dev.root_ca = None
        elif hasattr(dev, "set_default_verify_paths"):
            dev.set_default_verify_paths()

    def load_cert_chain(self, certfile, keyfile=None, password=None):
        """The client certificate (PEM file ``certfile``) and its private key (``keyfile``,
        or the key in ``certfile``) that TLS connections from now on present when the
        server asks for one (mutual TLS: AWS IoT, Azure IoT Hub, a broker that requires
        client certificates). The netdev's firmware does the TLS: it must be able to (see
        its page); an encrypted key (``password``) is not supported."""
        dev = self._dev if self._dev is not None else nd.netdev()
        nd.load("adafruit_netdev._pem").load_cert_chain(dev, certfile, keyfile, password)


def create_default_context(dev=None):
    """The :class:`SSLContext` to give adafruit_requests, minimqtt and ConnectionManager
    (``dev``: the netdev whose CA ``load_verify_locations`` sets; default the bound one)."""
    return SSLContext(dev)
