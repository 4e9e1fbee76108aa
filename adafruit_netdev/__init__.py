# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""
`adafruit_netdev`
================================================================================

TinyGo's network device model for CircuitPython and Blinka: the Netdever
contract that every co-processor driver implements, its constants and errors,
the binding (`use_netdev`), deadlines on `adafruit_ticks`, and the one polling
wait that drivers share.

A netdev is any object with these methods (TinyGo's ``netdev.Netdever``)::

    gethostbyname(name, deadline=None) -> "a.b.c.d"   resolve a name; literal IPv4 as is
    addr() -> "a.b.c.d"                        the interface's address
    socket(domain, type, protocol) -> fd       AF_INET; TCP, TLS or UDP
    bind(fd, (ip, port))                       "" or "0.0.0.0" = any
    connect(fd, host, (ip, port), deadline=None)   host: TLS server name, else ""
    listen(fd, backlog)
    accept(fd, deadline=None) -> (fd, (ip, port))  ("0.0.0.0", 0): peer unknown
    send(fd, buf, flags=0, deadline=None) -> n     all of buf, or raises; fewer when
                                               the deadline passed part way
    recv(fd, buf, flags=0, deadline=None) -> n     at least 1 byte; 0 at end of stream
    close(fd)                                  idempotent; a call waiting on fd fails (EBADF)
    setsockopt(fd, level, opt, value)          EOPNOTSUPP when unsupported

A *deadline* is ``None`` (wait forever) or a tick from :func:`deadline`. An
expired deadline means "try once, don't wait" (non-blocking). A call returns by
its deadline, give or take the margin its driver documents. ``buf`` is any
buffer of bytes (``send``: also wider items, sent byte by byte; ``TypeError``
before anything goes when it cannot be). ``flags`` other than 0 are
``EOPNOTSUPP``. Host names are non-empty, at most 253 characters, without NUL
(``ValueError``). Every error is an :class:`OSError` whose first argument is
an errno of the running interpreter.
"""

import errno
import sys
import time

from adafruit_ticks import ticks_add, ticks_diff, ticks_ms
from micropython import const

__version__ = "0.0.0+auto.0"
__repo__ = "https://github.com/adafruit-netdev/adafruit_netdev.git"

# Constants, with TinyGo's values (drivers/netdev/netdev.go).
AF_INET = const(2)
SOCK_STREAM = const(1)
SOCK_DGRAM = const(2)
SOL_SOCKET = const(1)
SO_KEEPALIVE = const(9)
SO_LINGER = const(0xD)
SOL_TCP = const(6)
TCP_KEEPINTVL = const(5)
IPPROTO_TCP = const(6)
IPPROTO_UDP = const(17)
IPPROTO_TLS = const(0xFE)
F_SETFL = const(4)

EAI_NONAME = const(-2)

# MicroPython's errno lacks some names; these are the Linux numbers.
EPIPE = getattr(errno, "EPIPE", 32)
EAFNOSUPPORT = getattr(errno, "EAFNOSUPPORT", 97)
EPROTONOSUPPORT = getattr(errno, "EPROTONOSUPPORT", 93)
EOPNOTSUPP = getattr(errno, "EOPNOTSUPP", 95)
ETIMEDOUT = errno.ETIMEDOUT
EAGAIN = errno.EAGAIN
EBADF = errno.EBADF
EINVAL = errno.EINVAL
EIO = errno.EIO
ENOMEM = errno.ENOMEM
ENOTCONN = errno.ENOTCONN
ECONNRESET = errno.ECONNRESET
ECONNREFUSED = errno.ECONNREFUSED
ECONNABORTED = getattr(errno, "ECONNABORTED", 103)
EHOSTUNREACH = getattr(errno, "EHOSTUNREACH", 113)
EADDRINUSE = getattr(errno, "EADDRINUSE", 98)
EISCONN = getattr(errno, "EISCONN", 106)
EINPROGRESS = getattr(errno, "EINPROGRESS", 115)


# -- errors -----------------------------------------------------------------------------------

try:
    _TimeoutError = TimeoutError
except NameError:  # the MicroPython unix port has no TimeoutError
    _TimeoutError = OSError
try:
    _ConnectionError = ConnectionError
except NameError:
    _ConnectionError = OSError
try:
    _BrokenPipeError = BrokenPipeError
except NameError:
    _BrokenPipeError = _ConnectionError


class HostUnknownError(OSError):
    """A name did not resolve (TinyGo ``ErrHostUnknown``); errno is ``EAI_NONAME``."""


class NoMoreSocketsError(OSError):
    """Every device socket is in use (TinyGo ``ErrNoMoreSockets``); errno is ``ENOMEM``."""


_CLASSES = {
    ETIMEDOUT: _TimeoutError,
    EPIPE: _BrokenPipeError,
    ENOMEM: NoMoreSocketsError,
    EAI_NONAME: HostUnknownError,
}
# The builtins CPython has and MicroPython lacks (CPython picks BlockingIOError for EAGAIN itself).
for _code, _name in (
    (ECONNRESET, "ConnectionResetError"),
    (ECONNREFUSED, "ConnectionRefusedError"),
    (ECONNABORTED, "ConnectionAbortedError"),
):
    _CLASSES[_code] = getattr(__import__("builtins"), _name, _ConnectionError)


def error(code, message):
    """The one errno-to-exception mapping: an OSError subclass fitting ``code``
    (``TimeoutError`` for ETIMEDOUT, ``ConnectionResetError`` for ECONNRESET,
    ``NoMoreSocketsError`` for ENOMEM, ...), with ``(code, message)`` as args."""
    return _CLASSES.get(code, OSError)(code, message)


def timeout_error(what="i/o timeout"):
    """``TimeoutError(ETIMEDOUT, what)``: the errno is always set (adafruit_minimqtt needs it)."""
    return _TimeoutError(ETIMEDOUT, what)


# -- the binding --------------------------------------------------------------------------------

_netdev = None


def use_netdev(dev):
    """Bind ``net`` and the default :class:`~adafruit_netdev.socketpool.SocketPool` to ``dev``
    (TinyGo ``netdev.UseNetdev``). Returns ``dev``."""
    global _netdev  # noqa: PLW0603
    _netdev = dev
    return dev


def netdev():
    """The netdev bound by :func:`use_netdev`; ``OSError(ENODEV)`` if none is."""
    if _netdev is None:
        raise OSError(
            getattr(errno, "ENODEV", 19),
            "netdev not set: call adafruit_netdev.use_netdev(dev) or probe.probe() first",
        )
    return _netdev


# The contract's methods, in the order of the module docstring.
CONTRACT = (
    "gethostbyname",
    "addr",
    "socket",
    "bind",
    "connect",
    "listen",
    "accept",
    "send",
    "recv",
    "close",
    "setsockopt",
)


class Netdever:
    """The contract's base class: the methods are those of the module docstring, and a
    driver defines each of them. One it does not define is still there, and raises
    ``OSError(EOPNOTSUPP)`` when called. (One ``__getattr__`` instead of eleven stub
    methods: on a board, every method's bytecode costs RAM.)"""

    def __getattr__(self, name):
        if name not in CONTRACT:
            raise AttributeError(name)

        def unsupported(*args, **kwargs):
            raise error(EOPNOTSUPP, "%s not supported by %s" % (name, type(self).__name__))

        return unsupported


# -- deadlines ------------------------------------------------------------------------------

_HALF_PERIOD_MS = const(1 << 28)


def deadline(seconds):
    """An absolute deadline ``seconds`` from now (``None`` stays ``None``: no deadline).
    ``0`` or less gives an already expired deadline: "try once, don't wait"."""
    if seconds is None:
        return None
    if isinstance(seconds, str) or isinstance(seconds, bytes):  # ("5" * 1000: a lot of fives)
        raise TypeError("timeout must be a number of seconds (or None), not %r" % (seconds,))
    ms = int(seconds * 1000)
    if ms > _HALF_PERIOD_MS - 1:
        raise ValueError("timeout too long (at most 3 days)")
    return ticks_add(ticks_ms(), ms if ms > 0 else 0)


def remaining_ms(dl):
    """Milliseconds left before deadline ``dl`` (negative when passed); None for no deadline."""
    if dl is None:
        return None
    return ticks_diff(dl, ticks_ms())


def expired(dl):
    """True when deadline ``dl`` has passed (or is now)."""
    return dl is not None and ticks_diff(dl, ticks_ms()) <= 0


# -- locking and waiting ----------------------------------------------------------------------

try:
    from threading import Lock as _Lock
except ImportError:  # CircuitPython: no threads, nothing to exclude

    class _Lock:
        def acquire(self, *args):
            return True

        def release(self):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False


def make_lock():
    """The device lock: a ``threading.Lock`` where threads exist, a no-op lock elsewhere.
    Hold it for exactly one command/response exchange, never while sleeping."""
    return _Lock()


_loaded = {}  # name -> module, for the modules load() has finished importing


def load(name):
    """The module ``name`` (dotted), imported on first use. net and the drivers keep code a
    program may never run (servers, UDP, scans) in such modules, out of RAM until it is
    needed. Calls after the first allocate nothing. Safe from any number of threads: a
    module is handed out only once its import has finished (``sys.modules`` holds it from
    the moment its import begins, so it is not looked up there; ``__import__`` waits for
    the import another thread is running). (``__import__`` by the dotted name:
    MicroPython's ``from package import submodule`` asks a module ``__getattr__`` first and
    does not go on to import the submodule when that raises.)"""
    module = _loaded.get(name)
    if module is None:
        __import__(name)
        module = _loaded[name] = sys.modules[name]
    return module


def call_once(name, function, arg):
    """``function(arg)`` of the module ``name``, imported for this call and dropped after it:
    code a program runs only at start (and after a co-processor reset) does not stay in RAM.
    The module's bytecode is garbage once the call returns (its names stay interned). Drivers
    call it with exclusive access to the device (one thread runs a start or a recovery), so
    no other thread imports the same module meanwhile."""
    try:
        return getattr(load(name), function)(arg)
    finally:
        _loaded.pop(name, None)
        sys.modules.pop(name, None)
        package, _, leaf = name.rpartition(".")
        try:
            delattr(sys.modules[package], leaf)  # the import bound it in its package too
        except (KeyError, AttributeError, NameError):  # (NameError: a port without delattr)
            pass


# Adaptive back-off: quick polls when data is about to flow, a bounded idle rate otherwise.
POLL_MIN_MS = const(1)
POLL_MAX_MS = const(25)


def would_block(what):
    """``OSError(EAGAIN)``: a call with an already expired deadline found nothing to do."""
    return OSError(EAGAIN, what + ": would block (non-blocking call, nothing ready)")


def wait(attempt, sock, arg, dl, what):
    """The shared polling wait. ``attempt(sock, arg)`` performs one exchange with the device
    (taking and releasing the device lock itself) and returns a result, or ``None`` when
    there is nothing yet. One argument shape everywhere: ``sock`` is the driver's state of
    the socket the wait is for (None when it is for no socket), ``arg`` the one other value
    the attempt needs (None when none; the driver, for a function of a lazy module). The
    attempt is a driver's ``_x_once`` method (one exchange), passed as its bound method made
    once, ``_x_poll``. It is always tried at least once. With a deadline that had
    already passed, nothing more is tried: :func:`would_block` (``EAGAIN``). Otherwise it
    sleeps between tries with the lock released, backing off from ``POLL_MIN_MS`` to
    ``POLL_MAX_MS``, and raises ``timeout_error(what)`` (``ETIMEDOUT``) when ``dl`` passes."""
    pause = POLL_MIN_MS
    nonblocking = dl is not None and ticks_diff(dl, ticks_ms()) <= 0
    while True:
        result = attempt(sock, arg)
        if result is not None:
            return result
        if nonblocking:
            raise would_block(what)
        if dl is not None:
            left = ticks_diff(dl, ticks_ms())
            if left <= 0:
                raise timeout_error(what + " timed out")
            if pause > left:
                pause = left
        time.sleep(pause / 1000)
        pause = pause * 3 // 2 + 1
        if pause > POLL_MAX_MS:
            pause = POLL_MAX_MS


def cut_short(exc, sent):
    """For a driver's ``send`` that failed with ``exc`` after ``sent`` bytes went: the
    count when a deadline passed part way (the caller learns what went, nothing is lost or
    sent twice); otherwise ``exc`` is raised."""
    if sent and exc.args[0] in (ETIMEDOUT, EAGAIN):
        return sent
    raise exc


def send_view(buf):
    """What a driver's ``send`` sends of ``buf``, checked before anything goes: ``buf``
    itself for ``bytes`` and ``bytearray`` (nothing allocated), else a byte view of it, so
    that ``len()`` counts bytes, not items (an ``array('I')`` or ``memoryview.cast('H')``
    sends every byte). ``TypeError`` for what cannot be sent whole: ``str``, no buffer, a
    strided view, and on MicroPython (no ``memoryview.cast``) items wider than a byte."""
    if isinstance(buf, bytes) or isinstance(buf, bytearray):  # (no tuple: nothing allocated)
        return buf
    return load("adafruit_netdev._buffers").send_view(buf)


def check_buffer(buf, nbytes=0):
    """Validate a receive buffer and size as CPython's ``recv_into`` does; returns the
    number of bytes to read (``nbytes`` 0 means ``len(buf)``). Drivers call it before
    their first exchange: a buffer they cannot fill byte by byte (``bytes``, a read-only
    or strided view, an ``array('I')``) is a ``TypeError`` while the data is still on the
    chip, not after it has been taken from the stream."""
    if not isinstance(buf, bytearray):  # (a bytearray is fine and needs no look)
        load("adafruit_netdev._buffers").check_buffer(buf)
    size = len(buf)
    if nbytes < 0:
        raise ValueError("negative buffersize in recv_into")
    if nbytes > size:
        raise ValueError("buffer too small for requested bytes")
    return nbytes or size


def parse_ipv4(text):
    """``"a.b.c.d"`` -> 4 bytes, or ``None`` when ``text`` is not a dotted-quad literal."""
    parts = text.split(".")
    if len(parts) != 4:
        return None
    out = bytearray(4)
    for i in range(4):
        p = parts[i]
        if not p or len(p) > 3 or not p.isdigit() or len(p.encode()) != len(p):
            return None  # (ASCII digits only: CPython's str.isdigit takes any script's)
        v = int(p)
        if v > 255:
            return None
        out[i] = v
    return bytes(out)


def check_hostname(name):
    """Validate a host name the same way on every netdev (``gethostbyname``, a TLS server
    name): a non-empty ``str`` of at most 253 characters with no NUL (firmware takes C
    strings: a NUL would cut the name short there), else ``ValueError``. Returns True when
    it is an IPv4 literal (nothing to look up)."""
    if not isinstance(name, str) or not name:
        raise ValueError("host name must be a non-empty string, not %r" % (name,))
    if parse_ipv4(name) is not None:
        return True
    if len(name) > 253 or "\0" in name:
        raise ValueError("host name %r: at most 253 characters (DNS), no NUL" % (name[:64],))
    return False


def format_ipv4(raw):
    """4 bytes -> ``"a.b.c.d"``."""
    return "%d.%d.%d.%d" % (raw[0], raw[1], raw[2], raw[3])


def decode_text(raw):
    """Bytes from the air as text: UTF-8 when they are, else one character per byte. An
    SSID (or any name a remote device chose) is arbitrary bytes; str(raw, "utf-8") would
    raise UnicodeError on a neighbour's access point."""
    try:
        return str(raw, "utf-8")
    except UnicodeError:
        return "".join(chr(b) for b in raw)


def check_socket_args(domain, stype, protocol):
    """Validate ``socket()`` arguments the same way on every netdev; returns the protocol
    (``0`` picks TCP for streams and UDP for datagrams)."""
    if domain != AF_INET:
        raise error(EAFNOSUPPORT, "address family %r not supported: only AF_INET" % (domain,))
    if stype == SOCK_STREAM:
        if protocol == 0:
            return IPPROTO_TCP
        if protocol in (IPPROTO_TCP, IPPROTO_TLS):
            return protocol
    elif stype == SOCK_DGRAM:
        if protocol in (0, IPPROTO_UDP):
            return IPPROTO_UDP
    else:
        raise error(EPROTONOSUPPORT, "socket type %r not supported" % (stype,))
    raise error(EPROTONOSUPPORT, "protocol %r not supported for socket type %r" % (protocol, stype))


def check_address(address):
    """Validate an ``(ip, port)`` pair; returns ``(ip, port)`` with ``""`` for "any"."""
    try:
        ip, port = address
    except (TypeError, ValueError):
        raise ValueError("address must be an (ip, port) tuple, not %r" % (address,))
    if not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError("port must be an int from 0 to 65535, not %r" % (port,))
    if ip in ("", "0.0.0.0"):
        return "", port
    if not isinstance(ip, str) or parse_ipv4(ip) is None:
        raise ValueError("ip must be a dotted-quad IPv4 string, not %r" % (ip,))
    return ip, port
