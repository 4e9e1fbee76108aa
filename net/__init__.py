# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""
`net`
================================================================================

TinyGo's ``net`` package in Python: dial, listen and resolve over the netdev bound
by :func:`adafruit_netdev.use_netdev`, with Go's names in PEP 8 spelling::

    import net
    with net.dial("tcp", "127.0.0.1:8080", timeout=5) as conn:
        conn.write(b"hello")
        conn.set_read_deadline(net.deadline(10))
        data = conn.read(512)            # b"" at end of stream

    with net.listen("tcp", ":8080") as ln:
        conn = ln.accept(timeout=30)
        print("Client", conn.remote_addr, "connected")

Networks: ``"tcp"``/``"tcp4"``, ``"udp"``/``"udp4"`` and ``"tls"`` (TLS is done by the
co-processor: it resolves the name, verifies the certificate and sends SNI). IPv4 only.
Addresses are ``"host:port"`` strings (``"[::1]:80"`` style brackets are understood, and
refused as IPv6) or ``(host, port)`` tuples.

Errors are :class:`OSError` subclasses with an errno of the running interpreter
(:func:`adafruit_netdev.error`), their message in Go's style
(``"read tcp 127.0.0.1:8080: i/o timeout"``); bad arguments raise :class:`ValueError`.

**Differences from TinyGo** (each on purpose):

* Dial timeouts are honoured: ``dial(..., timeout=s)`` bounds the name lookup and the
  connect together (TinyGo's ``DialTimeout`` ignores its timeout), and
  ``TCPListener.accept(timeout=s)`` can time out or poll (``timeout=0``); TinyGo's
  ``Accept`` blocks forever.
* A failed ``bind``/``listen``/``connect`` closes its device socket (TinyGo's ``Listen``
  leaks it). Device sockets are scarce (often 4-10).
* ``close()`` is idempotent; I/O on a closed conn raises ``OSError(EBADF)`` "use of closed
  network connection" (Go's ``ErrClosed`` text; TinyGo says "Invalid socket fd").
* End of stream is ``b""``/``0``, not an ``io.EOF`` error.
* ``local_addr`` of a dialed TCP or TLS conn is ``None`` (TinyGo returns a typed nil that
  prints ``<nil>``). An accepted conn reports the listener's address, like TinyGo.
* ``listen`` takes a ``backlog`` (TinyGo fixes 5) and returns a public :class:`TCPListener`.
* ``parse_ip`` returns a ``"a.b.c.d"`` string or ``None``: no 16-byte ``IP`` trap, so any
  address it accepts can be dialed. IPv6 is refused with a clear ``ValueError``.
* ``dial("tls", ...)`` is accepted (TinyGo only has ``DialTLS``), and ``"https"`` works as
  a port name next to TinyGo's ``"http"``.
* The UDP ephemeral port starts at a time-dependent point of 49152-65535 and is retried when
  the device reports it in use (TinyGo counts from 49152 without checking).
* ``set_keepalive_period(s)`` passes whole seconds (TinyGo passes ``2*s`` as a float).
* ``UDPConn.read_from`` works (a connected UDP conn only hears from its peer);
  ``write_to`` raises ``OSError(EISCONN)`` like Go (TinyGo: "not implemented").
* Sockets style extras: ``settimeout(s)`` (per-call timeout; ``0`` = non-blocking, raising
  ``OSError(EAGAIN)`` when nothing is ready), ``read(n)``, context managers.
* ``dial_tcp`` binds no local address: ``laddr`` must be ``None`` or the unspecified address
  (TinyGo stores a given ``laddr`` without binding it and then reports it).
* Error text follows Go's ``OpError`` (``"read tcp 127.0.0.1:8080: i/o timeout"``; TinyGo
  prints ``<nil>`` for the missing local address). A deadline already past when a call starts
  is a timeout, as in Go; only ``settimeout(0)`` makes "would block" (``EAGAIN``).
* ``write`` never drops data silently: it sends everything or raises (TinyGo reports a
  partial write as ``n = 0`` plus an error); non-blocking, it returns what went, like
  ``socket.send``.
"""

from adafruit_ticks import ticks_add, ticks_diff, ticks_ms
from micropython import const

import adafruit_netdev as _nd
from adafruit_netdev import deadline  # noqa: F401  (re-exported: net.deadline(seconds))

__version__ = "0.0.0+auto.0"
__repo__ = "https://github.com/adafruit-netdev/adafruit_netdev.git"

_MAX_TIMEOUT_MS = const((1 << 28) - 1)

_NETWORKS = "'tcp', 'tcp4', 'udp', 'udp4' or 'tls' (IPv4 only)"
_PORT_NAMES = {"http": 80, "https": 443}


# -- addresses ---------------------------------------------------------------------------------


class TCPAddr:
    """A TCP endpoint: ``ip`` (``"a.b.c.d"``, or ``None`` for "any") and ``port``.
    ``str()`` gives ``"ip:port"`` (``":port"`` when ``ip`` is ``None``, like Go)."""

    _network = "tcp"

    def __init__(self, ip, port):
        self.ip = ip or None
        self.port = port

    def network(self):
        """The network name: ``"tcp"`` (Go ``Network()``)."""
        return self._network

    def __str__(self):
        return join_host_port(self.ip or "", self.port)

    def __repr__(self):
        return "%s(%r, %r)" % (type(self).__name__, self.ip, self.port)

    def __eq__(self, other):
        return type(other) is type(self) and other.ip == self.ip and other.port == self.port

    def __hash__(self):
        return hash((self._network, self.ip, self.port))


def split_host_port(hostport):
    """Split ``"host:port"``, ``"[host]:port"`` or ``":port"`` into ``(host, port)`` strings
    (Go ``SplitHostPort``; the port stays a string, it may be a name like ``"http"``).
    Raises :class:`ValueError` for a missing port, too many colons or unbalanced brackets."""
    if not isinstance(hostport, str):
        raise TypeError("address must be a 'host:port' string, not %r" % (hostport,))
    i = hostport.rfind(":")
    if i < 0:
        raise ValueError("address %s: missing port in address" % hostport)
    j = k = 0
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0:
            raise ValueError("address %s: missing ']' in address" % hostport)
        if end + 1 != i:
            if end + 1 < len(hostport) and hostport[end + 1] == ":":
                raise ValueError("address %s: too many colons in address" % hostport)
            raise ValueError("address %s: missing port in address" % hostport)
        host = hostport[1:end]
        j, k = 1, end + 1
    else:
        host = hostport[:i]
        if ":" in host:
            raise ValueError("address %s: too many colons in address (IPv6 needs [brackets])" % hostport)
    if "[" in hostport[j:] or "]" in hostport[k:]:
        raise ValueError("address %s: unexpected bracket in address" % hostport)
    port = hostport[i + 1 :]
    return host, port


def join_host_port(host, port):
    """``"host:port"``, with ``[brackets]`` around a host containing ``:`` (Go ``JoinHostPort``).
    ``port`` may be an int or a string."""
    if ":" in host:
        return "[%s]:%s" % (host, port)
    return "%s:%s" % (host, port)


def parse_ip(text):
    """``"a.b.c.d"`` in canonical form, or ``None`` when ``text`` is not an IPv4 literal
    (Go ``ParseIP``, IPv4 only)."""
    raw = _nd.parse_ipv4(text) if isinstance(text, str) else None
    return None if raw is None else _nd.format_ipv4(raw)


def _port(text, address):
    if isinstance(text, int):
        port = text
    elif text in _PORT_NAMES:
        return _PORT_NAMES[text]
    elif text == "":
        return 0
    elif isinstance(text, str) and text.isdigit() and len(text.encode()) == len(text):
        port = int(text)  # (ASCII digits only: str.isdigit takes any script's)
    else:
        raise ValueError(
            "address %s: invalid port %r (a number 0-65535, 'http' or 'https')" % (address, text)
        )
    if not 0 <= port <= 65535:
        raise ValueError("address %s: port %d out of range 0-65535" % (address, port))
    return port


def _host_port(address):
    """``(host, port)`` from ``"host:port"`` or a ``(host, port)`` tuple; the host is checked
    to be something IPv4 can use."""
    if isinstance(address, str):
        host, port = split_host_port(address)
    else:
        try:
            host, port = address
        except (TypeError, ValueError):
            raise TypeError("address must be 'host:port' or a (host, port) tuple, not %r" % (address,))
        if not isinstance(host, str):
            raise TypeError("host must be a string, not %r" % (host,))
        address = join_host_port(host, port)
    if ":" in host:
        raise ValueError("address %s: IPv6 is not supported; netdevs speak IPv4 only" % address)
    return host, _port(port, address)


def _check_network(network, allowed):
    if network not in allowed:
        raise ValueError(
            "unsupported network %r: use %r or %r (IPv4 only)" % (network, allowed[0], allowed[1])
        )


def _resolve(host, dl=None):
    if host == "":
        return None
    if _nd.parse_ipv4(host) is not None:
        return parse_ip(host)
    return _nd.netdev().gethostbyname(host, dl)


def _remote(raddr, cls, what):
    """Validate a dial target: ``cls`` instance or ``(ip, port)`` with an IPv4 literal."""
    if isinstance(raddr, cls):
        ip, port = raddr.ip, raddr.port
    else:
        try:
            ip, port = raddr
        except (TypeError, ValueError):
            raise TypeError("%s needs a %s or an (ip, port) tuple, not %r" % (what, cls.__name__, raddr))
    if ip in (None, "", "0.0.0.0"):
        raise ValueError(
            "%s: %s:%s is not a destination; give the server's IP address" % (what, ip or "", port)
        )
    if not isinstance(ip, str) or parse_ip(ip) is None:
        raise ValueError(
            "%s: %r is not an IPv4 address; use net.dial() or resolve_%s_addr() for names"
            % (what, ip, cls._network)
        )
    if not isinstance(port, int) or not 0 < port <= 65535:
        raise ValueError("%s: port must be an int from 1 to 65535, not %r" % (what, port))
    return cls(parse_ip(ip), port)


# -- errors ------------------------------------------------------------------------------------


def _closed_error():
    return _nd.error(_nd.EBADF, "use of closed network connection")


def _op_error(op, network, source, addr, err, *, would_block=False):
    """Go's ``OpError`` text around a device error, keeping its errno and class."""
    args = err.args
    if not args or not isinstance(args[0], int):
        return err
    code = args[0]
    if code in (_nd.ETIMEDOUT, _nd.EAGAIN):
        # Netdevs say EAGAIN when a deadline had passed before the call: that is
        # "would block" for a non-blocking call, and a timeout for a Go-style deadline.
        if would_block:
            code, why = _nd.EAGAIN, "would block (non-blocking, nothing ready)"
        else:
            code, why = _nd.ETIMEDOUT, "i/o timeout"
    else:
        why = args[1] if len(args) > 1 else str(err)
    text = op + " " + network
    if source is not None:
        text += " " + str(source)
    if addr is not None:
        text += ("->" if source is not None else " ") + str(addr)
    return _nd.error(code, "%s: %s" % (text, why))


def _close_quietly(dev, fd):
    try:
        dev.close(fd)
    except OSError:
        pass


def _timeout_ms(seconds):
    if seconds is None:
        return None
    if isinstance(seconds, str) or isinstance(seconds, bytes):  # ("5" * 1000: a lot of fives)
        raise TypeError("timeout must be a number of seconds (or None), not %r" % (seconds,))
    ms = int(seconds * 1000)
    if ms < 0:
        raise ValueError("timeout must be None or >= 0, not %r" % (seconds,))
    if ms > _MAX_TIMEOUT_MS:
        raise ValueError("timeout too long (at most 3 days)")
    return ms


def _check_deadline(dl):
    if dl is not None and not isinstance(dl, int):
        raise TypeError("deadline must come from net.deadline(seconds), or be None; not %r" % (dl,))
    return dl


# -- conns -------------------------------------------------------------------------------------


class _Socket:
    """One device socket: closing it (once) and the context manager."""

    _dev = None
    _fd = None

    def close(self):
        """Close and free the device socket; closing again does nothing."""
        fd = self._fd
        if fd is not None:
            self._fd = None
            self._dev.close(fd)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


class Conn(_Socket):
    """What :class:`TCPConn`, :class:`UDPConn` and :class:`TLSConn` share: one device socket,
    a read and a write deadline, an optional per-call timeout.

    Deadlines are absolute (from :func:`net.deadline`, or ``None`` for none) and stay until
    changed (Go's ``SetDeadline``). :meth:`settimeout` is socket-style: each call may take that
    long. With both, the earlier wins."""

    _network = "tcp"

    def __init__(self, dev, fd, laddr, raddr):
        self._dev = dev
        self._fd = fd
        self._laddr = laddr
        self._raddr = raddr
        self._read_dl = None
        self._write_dl = None
        self._timeout = None
        self._timeout_ms = None

    @property
    def local_addr(self):
        """This end's address (Go ``LocalAddr()``), or ``None`` when unknown (dialed TCP/TLS)."""
        return self._laddr

    @property
    def remote_addr(self):
        """The peer's address (Go ``RemoteAddr()``), or ``None`` for an accepted conn whose
        peer the device could not tell."""
        return self._raddr

    def set_deadline(self, dl):
        """Set both the read and the write deadline (``net.deadline(s)`` or ``None``)."""
        self._read_dl = self._write_dl = _check_deadline(dl)

    def set_read_deadline(self, dl):
        """Reads past deadline ``dl`` raise ``TimeoutError(ETIMEDOUT)``; ``None`` clears it."""
        self._read_dl = _check_deadline(dl)

    def set_write_deadline(self, dl):
        """Writes past deadline ``dl`` raise ``TimeoutError(ETIMEDOUT)``; ``None`` clears it."""
        self._write_dl = _check_deadline(dl)

    def settimeout(self, seconds):
        """Socket-style per-call timeout: ``None`` blocks, ``0`` is non-blocking (a call that
        cannot proceed at once raises ``OSError(EAGAIN)``), ``s > 0`` raises
        ``TimeoutError(ETIMEDOUT)`` after ``s`` seconds."""
        self._timeout_ms = _timeout_ms(seconds)
        self._timeout = seconds

    def gettimeout(self):
        """The value last given to :meth:`settimeout` (``None`` by default)."""
        return self._timeout

    def _deadline(self, dl):
        # Allocation-free: ticks are small ints.
        ms = self._timeout_ms
        if ms is None:
            return dl
        mine = ticks_add(ticks_ms(), ms)
        if dl is None or ticks_diff(mine, dl) < 0:
            return mine
        return dl

    def _would_block(self, dl):
        return self._timeout_ms == 0 and (dl is None or ticks_diff(dl, ticks_ms()) > 0)

    def readinto(self, buf):
        """Read what is available (waiting for at least one byte) into ``buf``; returns the
        count, ``0`` at end of stream. UDP: one datagram (a longer one is truncated)."""
        fd = self._fd
        if fd is None:
            raise _closed_error()
        if not len(buf):
            return 0
        try:
            return self._dev.recv(fd, buf, 0, self._deadline(self._read_dl))
        except OSError as e:
            err = e
        block = self._would_block(self._read_dl)
        raise _op_error("read", self._network, self._laddr, self._raddr, err, would_block=block)

    def read(self, n):
        """Up to ``n`` bytes (at least one, waiting as :meth:`readinto`); ``b""`` at end of stream."""
        if n < 0:
            raise ValueError("read size must be >= 0")
        buf = bytearray(n)
        got = self.readinto(buf)
        return bytes(buf) if got == n else bytes(memoryview(buf)[:got])

    def write(self, buf):
        """Send all of ``buf`` and return ``len(buf)``, or raise. Like ``socket.sendall``, a
        timeout may come after part of ``buf`` went out. Non-blocking (``settimeout(0)``):
        returns how much went at once, which may be less than ``len(buf)``, and raises
        ``OSError(EAGAIN)`` when nothing could go. An empty ``buf`` sends nothing (also on UDP)."""
        fd = self._fd
        if fd is None:
            raise _closed_error()
        total = len(buf)
        if not total:
            return 0
        dev = self._dev
        dl = self._deadline(self._write_dl)
        sent = 0
        try:
            sent = dev.send(fd, buf, 0, dl)
            if sent < total:
                # Only when the deadline passed part way: send what goes at once, until
                # the device reports the timeout.
                view = memoryview(buf)
                while sent < total:
                    more = dev.send(fd, view[sent:], 0, dl)
                    if more <= 0:
                        raise _nd.timeout_error()
                    sent += more
            return total
        except OSError as e:
            err = e
        would_block = self._would_block(self._write_dl)
        if sent and would_block:
            return sent
        raise _op_error("write", self._network, self._laddr, self._raddr, err, would_block=would_block)

    def __repr__(self):
        state = "closed" if self._fd is None else "fd=%d" % self._fd
        return "<%s %s %s->%s>" % (type(self).__name__, state, self._laddr, self._raddr)


class TCPConn(Conn):
    """A TCP connection, from :func:`dial`, :func:`dial_tcp` or :meth:`TCPListener.accept`."""

    def set_keepalive(self, on):
        """Turn TCP keep-alive probes on or off (``SO_KEEPALIVE``; devices may refuse with
        ``OSError(EOPNOTSUPP)``)."""
        self._setsockopt(_nd.SOL_SOCKET, _nd.SO_KEEPALIVE, 1 if on else 0)

    def set_keepalive_period(self, seconds):
        """Seconds between keep-alive probes (``TCP_KEEPINTVL``, at least 1)."""
        self._setsockopt(_nd.SOL_TCP, _nd.TCP_KEEPINTVL, max(1, int(seconds)))

    def set_linger(self, seconds):
        """``SO_LINGER``: ``< 0`` default close, ``0`` reset on close, ``> 0`` linger that long."""
        self._setsockopt(_nd.SOL_SOCKET, _nd.SO_LINGER, int(seconds))

    def _setsockopt(self, level, opt, value):
        if self._fd is None:
            raise _closed_error()
        self._dev.setsockopt(self._fd, level, opt, value)


# -- dialing and listening -----------------------------------------------------------------------


def _connect(dev, proto, host, raddr, dl):
    """Open a device socket and connect it to ``raddr`` (for TLS, server ``host``) by
    deadline ``dl``; the socket is closed again on any failure."""
    fd = dev.socket(_nd.AF_INET, _nd.SOCK_STREAM, proto)
    err = None
    ok = False
    try:
        dev.connect(fd, host, (raddr.ip or "", raddr.port), dl)
        ok = True
    except OSError as e:
        err = e
    finally:
        if not ok:
            _close_quietly(dev, fd)
    if err is not None:
        raise _op_error("dial", raddr.network(), None, raddr, err)
    return fd


def _dial_tcp(raddr, dl):
    raddr = _remote(raddr, TCPAddr, "dial tcp")
    dev = _nd.netdev()
    fd = _connect(dev, _nd.IPPROTO_TCP, "", raddr, dl)
    return TCPConn(dev, fd, None, raddr)


def dial(network, address, timeout=None):
    """Connect to ``address`` on ``network`` (Go ``Dial``/``DialTimeout``): ``"tcp"``/``"tcp4"``
    → :class:`TCPConn`, ``"udp"``/``"udp4"`` → :class:`UDPConn`, ``"tls"`` → :class:`TLSConn`.
    ``address`` is ``"host:port"`` or ``(host, port)``; names are resolved by the netdev (for TLS
    by the co-processor). ``timeout`` (seconds) bounds the name lookup and the connect together."""
    if network in ("tcp", "tcp4", "udp", "udp4"):
        dl = _nd.deadline(timeout)
        host, port = _host_port(address)
        ip = _resolve(host, dl)
        if network in ("tcp", "tcp4"):
            return _dial_tcp(_dial_addr(TCPAddr(ip, port), address), dl)
        more = _nd.load(_MORE)
        return more.dial_udp(_dial_addr(more.UDPAddr(ip, port), address))
    if network == "tls":
        return _nd.load(_MORE).dial_tls(address, timeout)
    raise ValueError("unsupported network %r: use %s" % (network, _NETWORKS))


def _dial_addr(addr, address):
    if addr.ip is None or addr.ip == "0.0.0.0":
        raise ValueError(
            "dial %s: %r has no destination host (this is a listen address); give the server's address"
            % (addr.network(), address)
        )
    if not addr.port:
        raise ValueError("dial %s: %r: missing port (0 is not a destination)" % (addr.network(), address))
    return addr


# -- the rest of the API, loaded on first use ------------------------------------------------------

# UDP, TLS, listening, resolve_tcp_addr and dial_tcp live in net/_more.py: a program that
# only dials TCP does not keep their bytecode in RAM (on a board, every loaded function
# costs heap). They are net's names all the same: net.listen, from net import UDPConn, ...
_MORE = "net._more"
_LAZY = (
    "resolve_tcp_addr",
    "dial_tcp",
    "UDPAddr",
    "TLSAddr",
    "TLSConn",
    "UDPConn",
    "TCPListener",
    "resolve_udp_addr",
    "dial_tls",
    "dial_udp",
    "listen",
)


def __getattr__(name):
    if name not in _LAZY:
        raise AttributeError("module 'net' has no attribute %r" % (name,))
    value = getattr(_nd.load(_MORE), name)
    globals()[name] = value  # found directly from now on
    return value
