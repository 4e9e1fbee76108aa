# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""
`adafruit_netdev_rtl8720dn`
================================================================================

Netdever and Netlinker for the RTL8720DN Wi-Fi co-processor of the Seeed Wio Terminal,
running Seeed's "ambd" eRPC firmware (2.0.3 or newer; 2.1.3 recommended), over a UART::

    import board, busio, digitalio
    from adafruit_netdev_rtl8720dn import RTL8720DN

    uart = busio.UART(board.RTL_MOSI, board.RTL_MISO, baudrate=614400,
                      receiver_buffer_size=8192)
    dev = RTL8720DN(uart, digitalio.DigitalInOut(board.RTL_PWR))

On Linux, ``serial.Serial(port, 614400, timeout=0.1)`` (pyserial) works the same.

The co-processor does TCP, UDP and TLS (mbedTLS, on the chip) for up to 8 sockets in
all. Socket waits poll the firmware (it has no readiness events) with adaptive
back-off; the device lock is held for one exchange at a time. A lost or garbled link
raises ``OSError(EIO)`` and is recovered on the next call: resynchronised when the
firmware still answers, else the chip is reset through its enable pin (its sockets are
then gone) and the network rejoined.

The package (docs/drivers.rst draws it): ``codec`` builds each eRPC call and reads the
replies; ``link`` moves them over the UART (:class:`~adafruit_netdev_rtl8720dn.link.Link`);
this module is the contract. What a TCP client never runs is in modules loaded on first
use (``adafruit_netdev.load``): ``_server`` (bind, listen, accept), ``_udp`` (connect,
send, recvfrom), ``_station`` (join failures, the interface's address, scan, access point, MAC,
mode switching, leaving), ``_tls`` (TLS sockets, client certificates), ``_sockopt``,
``_recovery`` (after a link fault), ``_errors`` (errno translation and messages); and,
run once and dropped (``adafruit_netdev.call_once``), ``_startup`` (reset and firmware
check) and ``wiring`` (``probe()``'s board wiring). Those modules reach the driver
``dev`` through this interface only:

* ``dev.link``: the :class:`Link` (``tx``, ``rx``, ``call``, ``call_i32``, ``fail``,
  ``bad_count``, ``log``, its lock and counters);
* ``dev.claim(sock=None)``: the device lock for one exchange, released with
  ``dev.link.release()`` (a recovery and a rejoin run first when due; with ``sock``, the
  error for a socket that can no longer be used);
* ``dev.locked_call(call, arg=None, timeout_ms=0)``: a whole ``claim``, call,
  ``release`` for an ``codec.ints`` call whose reply is one i32;
* ``dev.socket_of(fd)``: the :class:`ChipSocket` of an open fd; ``dev.slots``: the fd
  table (``slots[fd]``, None when free);
* ``dev.failed(what)``, ``dev.would_block(what)``, ``dev.read_errno()`` (lock held,
  right after a failed lwIP call): the error the firmware's errno names, or the number;
  ``dev.set_nonblocking(sock)``; ``dev.readable(sock)`` (a zero-timeout select);
* state: ``dev.wifi_mode`` (0 off, 1 station, 2 access point), ``dev.joined`` (the SSID
  joined or served, else None), ``dev.rejoin_due``, ``dev.mac_cache``, ``dev.orphans``
  and ``dev.strays`` (what recovery must close: see ``_recovery``), ``dev.client_cert``.
"""

from adafruit_ticks import ticks_diff, ticks_ms
from micropython import const

from adafruit_netdev import (
    EAI_NONAME,
    EBADF,
    ECONNRESET,
    EIO,
    EISCONN,
    ENOTCONN,
    EOPNOTSUPP,
    IPPROTO_TLS,
    IPPROTO_UDP,
    Netdever,
    call_once,
    check_address,
    check_buffer,
    check_hostname,
    check_socket_args,
    cut_short,
    error,
    expired,
    format_ipv4,
    load,
    parse_ipv4,
    remaining_ms,
    send_view,
    timeout_error,
    wait,
)
from adafruit_netdev import (
    deadline as _deadline,  # (connect's argument is named deadline)
)
from adafruit_netdev.netlink import CONNECT_MODE_AP, Netlinker, failed_error
from adafruit_netdev_rtl8720dn import codec
from adafruit_netdev_rtl8720dn.codec import get_i32, get_u32
from adafruit_netdev_rtl8720dn.link import Link

__version__ = "0.0.0+auto.0"
__repo__ = "https://github.com/adafruit-netdev/adafruit_netdev.git"

# The modules loaded on first use (adafruit_netdev.load) and run once (call_once)
_SERVER = "adafruit_netdev_rtl8720dn._server"
_STATION = "adafruit_netdev_rtl8720dn._station"
_TLS = "adafruit_netdev_rtl8720dn._tls"
_SOCKOPT = "adafruit_netdev_rtl8720dn._sockopt"
_UDP = "adafruit_netdev_rtl8720dn._udp"
_RECOVERY = "adafruit_netdev_rtl8720dn._recovery"
_ERRORS = "adafruit_netdev_rtl8720dn._errors"
_STARTUP = "adafruit_netdev_rtl8720dn._startup"

# Private consts: see docs/circuitpython.rst, Heap rules
MAX_SOCKETS = const(8)  # lwIP MEMP_NUM_NETCONN, shared by TCP, UDP and TLS
_SEND_MAX = const(4076)  # rpc_lwip_send payload that fits the firmware's 4096-byte buffer
_RECV_MAX = const(4080)
_SEND_PROBE = const(512)  # first chunk after the chip's send buffer was found full
_SEND_HOLD_MS = const(2)  # after a partial write, before the next chunk

_JOIN_MS = const(30000)
_DHCP_MS = const(30000)
_DNS_MS = const(25000)
_CONNECT_S = const(75)  # lwIP gives up on a SYN well before this
_RTW_MODE_STA = const(1)  # codec.WIFI_ON's modes
_RTW_MODE_AP = const(2)

# lwIP numbering (firmware side)
_MSG_DONTWAIT = const(0x08)
_L_SOL_SOCKET = const(0xFFF)
_L_SO_ERROR = const(0x1007)
_L_F_SETFL = const(4)
_L_O_NONBLOCK = const(1)
_L_EAGAIN = const(11)
_L_EINPROGRESS = const(115)


def lwip_errno(number):
    """The running interpreter's errno for an lwIP errno number (lwIP uses Linux's
    numbers, CircuitPython and MicroPython may not)."""
    return load(_ERRORS).lwip_errno(number)


class ChipSocket:
    """The driver's record of one fd: its socket on the chip and the state of the calls
    on it (internal: the lazy modules make and read them)."""

    __slots__ = (
        "broken",
        "ceiling",
        "connected",
        "deadline",
        "eof",
        "full_at",
        "idle",
        "listening",
        "nonblocking",
        "number",
        "offset",
        "options",
        "peer",
        "proto",
        "tls",
        "window",
    )

    def __init__(self, proto, number):
        self.proto = proto
        self.number = number  # the firmware's lwIP socket number, -1 when none
        self.tls = 0  # the firmware's TLS client handle, 0 when none
        self.connected = False
        self.listening = False
        self.nonblocking = False
        self.eof = False
        # why it can no longer be used (_errors.lost), 0 while it can: ECONNRESET, the chip
        # was reset under it; EIO, a link fault during a receive may have lost bytes;
        # EBADF, closed (a call still waiting on it must not go on with its number)
        self.broken = 0
        self.options = None  # setsockopt calls waiting for a TLS socket's connect
        self.peer = None  # UDP: (4-byte ip, port) that send() goes to (_udp)
        self.offset = 0  # where send() is in the caller's buffer
        self.deadline = None  # send()'s (a TLS send waits for its reply until then: _tls)
        self.window = _SEND_MAX  # the next send chunk (see _send_once)
        self.ceiling = _SEND_MAX  # the window grows fast below this, slowly above
        self.full_at = None  # when a partial write showed the chip's send buffer full
        self.idle = False  # the last receive found nothing


class RTL8720DN(Netdever, Netlinker):
    """The RTL8720DN co-processor as a netdev.

    :param uart: ``busio.UART`` (tx=``board.RTL_MOSI``, rx=``board.RTL_MISO`` on a Wio
        Terminal) or ``serial.Serial``, at the firmware's baud rate (614400 for 2.1.2+).
        Give busio a ``receiver_buffer_size`` of 8192 or more: replies are up to 4100 bytes.
    :param enable: the chip-enable pin (``digitalio.DigitalInOut(board.RTL_PWR)``) or
        None. With it the chip is reset at start and after a lost link; without it a
        chip that stops answering must be reset by hand.
    :param bool debug: print link faults, firmware events and join progress
    """

    def __init__(self, uart, enable=None, *, debug=False):
        Netlinker.__init__(self)
        self.debug = debug
        self._extra_fault = None
        self._rejoining = False
        self.rejoin_due = False
        # (tls, number) of chip sockets and TLS clients whose close a link fault interrupted
        # (recovery closes them), and (True, 0) for a TLS client only a reset frees (_tls)
        self.orphans = []
        self.strays = False  # a link fault lost the reply of a call that makes a chip socket
        self.link = Link(uart, enable, debug)
        self.slots = [None] * MAX_SOCKETS
        self.wifi_mode = 0
        self.joined = None
        self.mac_cache = None
        self._root_ca = None
        self.root_ca_file = None  # see root_ca
        self.client_cert = None  # (certificate, key) PEMs: see set_client_cert
        # bound once (docs/circuitpython.rst, Heap rules): a steady-state send/recv allocates
        # no method objects
        self._recv_poll = self._recv_once
        self._send_poll = self._send_once
        self._connect_poll = self._connect_once
        call_once(_STARTUP, "start", self)  # the link, the firmware check, lwIP and Wi-Fi

    # -- properties -------------------------------------------------------------------------

    @property
    def firmware_version(self):
        """The firmware's version string, e.g. ``"2.1.3"``."""
        return self.link.version

    @property
    def root_ca(self):
        """PEM text of the CA(s) the chip verifies TLS servers against. The firmware checks
        certificates and host names (and sends SNI) only when one is set, so this driver
        refuses TLS while it is None rather than connect unverified. At most about 4000
        bytes (one frame). Or set :attr:`root_ca_file`, the path of a PEM file, read at the
        first TLS connect (a program without TLS never holds it): ``probe()`` sets that from
        the ``NETDEV_CA_FILE`` setting."""
        if self._root_ca is None and self.root_ca_file:
            load(_TLS).read_root_ca(self)
        return self._root_ca

    @root_ca.setter
    def root_ca(self, pem):
        self._root_ca = None if pem is None else load(_TLS).check_pem(pem)

    def set_client_cert(self, cert_pem, key_pem):
        """The client certificate and its private key (PEM text or bytes, the key without
        a password) that TLS connects present to a server that asks for one (mutual TLS),
        or ``None, None`` to present none. Each at most about 4000 bytes (one frame); kept
        by the driver and given to each TLS socket before its handshake (the firmware
        reads them at the start: ``rpc_wifi_ssl_set_cliCert`` and ``set_cliKey``)."""
        load(_TLS).set_client_cert(self, cert_pem, key_pem)

    @property
    def link_fault(self):
        """The fault that broke the link (Netlinker's watchdog resets after one), or None."""
        fault = self.link.fault
        return fault if fault is not None else self._extra_fault

    @link_fault.setter
    def link_fault(self, exc):
        self._extra_fault = exc

    @property
    def stats(self):
        """``{"restarts": n, "events": n, "last_event": id}``: link counters for diagnostics."""
        link = self.link
        return {"restarts": link.restarts, "events": link.events, "last_event": link.last_event}

    @property
    def call_timeout(self):
        """Seconds to wait for the reply to a quick call before declaring the link lost."""
        return self.link.call_ms / 1000

    @call_timeout.setter
    def call_timeout(self, seconds):
        self.link.call_ms = int(seconds * 1000)

    # -- the interface of the lazy modules (module docstring) -------------------------------

    def claim(self, sock=None, rejoin=True):
        """The device lock for one exchange (release it with ``link.release()``): after a
        link fault, the link is recovered first; after a chip reset, the network rejoined.
        With ``sock``: raises (the lock released) when it can no longer be used."""
        link = self.link
        while True:
            link.acquire()
            if link.fault is not None:
                try:  # resynchronise, else reset the chip
                    if load(_RECOVERY).recover(self):
                        self.rejoin_due = True  # the chip was reset: its association is gone
                except BaseException:
                    link.release()
                    raise
            if not (rejoin and self.rejoin_due and self._connected and self._params is not None) or (
                self._rejoining
            ):
                break
            link.release()
            self._rejoining = True
            try:
                self._link_join(self._params)  # clears rejoin_due; else the next call tries again
            except OSError as exc:
                raise load(_ERRORS).not_rejoined(self._params.ssid, exc)
            finally:
                self._rejoining = False
        if sock is not None and sock.broken:
            link.release()
            raise load(_ERRORS).lost(sock)

    def locked_call(self, call, arg=None, timeout_ms=0):
        """The i32 that ``call`` (a ``codec.ints`` call, with one parameter ``arg`` or none)
        returns, the lock taken for it."""
        self.claim()
        link = self.link
        try:
            return link.call_i32(codec.ints(link.tx, call, arg), timeout_ms)
        finally:
            link.release()

    def failed(self, what):
        """The error for the call ``what`` that just failed (lock held): the firmware's
        (global, sticky) errno, read now."""
        return load(_ERRORS).lwip_error(self.read_errno(), what)

    def read_errno(self):
        """The firmware's (global, sticky) errno: read it right after the failed call
        (lock held)."""
        link = self.link
        return link.call_i32(codec.ints(link.tx, codec.LWIP_ERRNO))

    def would_block(self, what):
        """After a failed call (lock held): returns when errno says EAGAIN (nothing yet),
        raises the error it says otherwise."""
        number = self.read_errno()
        if number != _L_EAGAIN:
            raise load(_ERRORS).lwip_error(number, what)

    def set_nonblocking(self, sock):
        """``fcntl(O_NONBLOCK)`` on ``sock``'s chip socket."""
        link = self.link
        self.claim(sock)
        try:
            end = codec.ints(link.tx, codec.LWIP_FCNTL, sock.number, _L_F_SETFL, _L_O_NONBLOCK)
            if link.call_i32(end) < 0:
                raise self.failed("fcntl(O_NONBLOCK)")
        finally:
            link.release()
        sock.nonblocking = True

    def socket_of(self, fd):
        """The :class:`ChipSocket` of the open fd ``fd``; ``EBADF`` (or why it can no longer
        be used) otherwise."""
        if isinstance(fd, int) and 0 <= fd < MAX_SOCKETS:
            sock = self.slots[fd]
            if sock is not None:
                if sock.broken:
                    raise load(_ERRORS).lost(sock)
                return sock
        raise error(EBADF, "fd %r is not an open socket" % (fd,))

    def _free_fd(self):
        for fd in range(MAX_SOCKETS):
            if self.slots[fd] is None:
                return fd
        raise load(_ERRORS).no_socket("socket")

    def open_fds(self):
        """The fds now open (for tests and leak checks)."""
        return [fd for fd in range(MAX_SOCKETS) if self.slots[fd] is not None]

    # -- Netdever ------------------------------------------------------------------------------------

    def gethostbyname(self, name, deadline=None):
        """The IPv4 address of ``name`` (``"a.b.c.d"``), looked up by the chip; a literal
        address as is. The firmware answers in its own time (up to 25 s): ``deadline``
        bounds the wait (``TimeoutError``). Unknown names: ``HostUnknownError``."""
        if check_hostname(name):  # (at most 253 characters: it fits the link's buffer)
            return name
        limit = _DNS_MS
        left = remaining_ms(deadline)
        if left is not None and left < limit:
            limit = left if left > 0 else 1
        link = self.link
        rx = link.rx
        self.claim()
        try:
            try:
                length = link.call(codec.lwip_gethostbyname(link.tx, name), limit)
            except OSError:
                if limit < _DNS_MS and expired(deadline):  # (the link is recovered next call)
                    raise timeout_error("DNS lookup of %r timed out" % (name,))
                raise
            if get_u32(rx, 8) != 4 or length < 17:
                raise link.fail("malformed rpc_netconn_gethostbyname reply")
            err = rx[16]  # an i8 lwIP err_t
            ip = format_ipv4(rx[12:16])
        finally:
            link.release()
        if err != 0:  # -6 (ERR_VAL) is "not found"; any other code is a failure too
            err = err - 256 if err > 127 else err
            raise error(EAI_NONAME, "host name %r not found (lwIP err %d)" % (name, err))
        return ip

    def addr(self):
        """The chip's IPv4 address (the station's, or the access point's in AP mode)."""
        return load(_STATION).addr(self)

    def socket(self, domain, stype, protocol):
        """A new fd: TCP, UDP or TLS (the chip's TLS socket is made at connect)."""
        protocol = check_socket_args(domain, stype, protocol)
        link = self.link
        if protocol == IPPROTO_TLS:  # the chip's socket is made by rpc_wifi_start_ssl_client
            sock = ChipSocket(protocol, -1)
            self.claim()
            try:
                fd = self._free_fd()
                self.slots[fd] = sock
            finally:
                link.release()
            return fd
        udp = protocol == IPPROTO_UDP
        self.claim()
        try:
            fd = self._free_fd()
            try:
                s = link.call_i32(codec.ints(link.tx, codec.LWIP_SOCKET, 2, 2 if udp else 1, protocol))
                if s >= MAX_SOCKETS:  # the chip made a socket, but not that one
                    raise link.bad_count(s, MAX_SOCKETS - 1)
            except OSError:
                if link.fault is not None:  # the chip may hold a socket no fd knows:
                    self.strays = True  # recovery closes it
                raise
            if s < 0:
                raise self.failed("socket")
            self.slots[fd] = ChipSocket(protocol, s)
        finally:
            link.release()
        return fd

    def bind(self, fd, address):
        """Bind ``fd`` to ``(ip, port)`` (``""`` or ``"0.0.0.0"``: any). Not for TLS."""
        return load(_SERVER).bind(self, fd, address)

    def listen(self, fd, backlog):
        """Listen on the bound TCP ``fd``."""
        return load(_SERVER).listen(self, fd, backlog)

    def accept(self, fd, deadline=None):
        """``(fd, (ip, port))`` of the next connection to the listening ``fd``, by
        ``deadline``; the peer is ``("0.0.0.0", 0)`` when the firmware cannot tell."""
        return load(_SERVER).accept(self, fd, deadline)

    def connect(self, fd, host, address, deadline=None):
        """Connect ``fd`` to ``address`` (``(ip, port)``) by ``deadline`` (75 s without
        one). TLS: ``host`` is the server's name (the chip resolves it, verifies the
        certificate against :attr:`root_ca` and sends SNI). UDP: records where ``send``
        goes (the socket still hears every sender: ``recvfrom``)."""
        sock = self.socket_of(fd)
        if sock.proto == IPPROTO_TLS:
            return load(_TLS).connect(self, sock, host, address, deadline)
        if sock.proto == IPPROTO_UDP:
            return load(_UDP).connect(self, sock, address)
        ip, port = check_address(address)
        if not ip or not 0 < port < 65536:
            raise ValueError("cannot connect to %r:%r" % (ip, port))
        if sock.connected:
            raise error(EISCONN, "fd %d is already connected" % fd)
        where = "%s:%d" % (ip, port)
        link = self.link
        if not sock.nonblocking:
            # a blocking connect would stall the whole firmware: connect, then poll
            self.set_nonblocking(sock)
        self.claim(sock)
        try:
            if link.call_i32(codec.lwip_connect(link.tx, sock.number, parse_ipv4(ip), port)) == 0:
                sock.connected = True
                return
            number = self.read_errno()
            if number != _L_EINPROGRESS:
                raise load(_ERRORS).connect_error(number, where)
        finally:
            link.release()
        wait(self._connect_poll, sock, fd, deadline or _deadline(_CONNECT_S), "connect to " + where)

    def _connect_once(self, sock, fd):
        link = self.link
        self.claim(sock)
        try:
            ready = link.call_i32(codec.lwip_select(link.tx, sock.number, True))
            if ready > 2:  # one socket, in two sets
                raise link.bad_count(ready, 2)
            if ready < 0:
                raise self.failed("select")
        finally:
            link.release()
        if ready == 0:
            return None
        self.claim(sock)
        try:  # the outcome: SO_ERROR (0 = connected)
            length = link.call(codec.lwip_getsockopt(link.tx, sock.number, _L_SOL_SOCKET, _L_SO_ERROR, 4))
            if length < 24 or get_u32(link.rx, 8) != 4:
                raise link.fail("malformed rpc_lwip_getsockopt reply")
            number = self.read_errno() if get_i32(link.rx, 20) < 0 else get_i32(link.rx, 12)
        finally:
            link.release()
        if number == 0:
            sock.connected = True
            return True
        if number == _L_EINPROGRESS:
            return None
        raise load(_ERRORS).connect_error(number, "fd %d" % fd)

    def send(self, fd, buf, flags=0, deadline=None):
        """Send all of ``buf`` on the connected ``fd`` by ``deadline`` (UDP: one datagram to
        the address ``connect`` gave); returns its length, or the count sent when the
        deadline passed part way."""
        if flags:
            raise error(EOPNOTSUPP, "send flags %r not supported (the netdev contract has none)" % (flags,))
        sock = self.socket_of(fd)
        if not sock.connected:
            raise error(ENOTCONN, "fd %d is not connected" % fd)
        view = memoryview(send_view(buf))
        if sock.proto == IPPROTO_UDP:
            return load(_UDP).send(self, sock, view, deadline)
        total = len(view)
        sock.offset = 0
        sock.deadline = deadline
        sent = 0
        while sent < total:
            sock.offset = sent
            try:
                sent += wait(self._send_poll, sock, view, deadline, "send")
            except OSError as exc:
                return cut_short(exc, sent)
        return total

    def _send_once(self, sock, view):
        """One send exchange of the next chunk of ``view`` (from ``sock.offset``).

        What does not fit the chip's send buffer has crossed the UART for nothing, so the
        chunk size follows what the buffer took (like TCP's congestion window): after
        EWOULDBLOCK a 512-byte chunk goes first and the size doubles up to half the one
        that failed, then grows by 512 per chunk; after a partial write the next chunk
        waits 2 ms and is no larger than what fitted. With a peer that keeps up, every
        chunk is the 4076-byte maximum. (TLS: ``_tls.send_once``.)"""
        if sock.tls:
            return load(_TLS).send_once(self, sock, view)
        link = self.link
        if sock.full_at is not None:
            if ticks_diff(ticks_ms(), sock.full_at) < _SEND_HOLD_MS:
                return None  # wait() sleeps; nothing crosses the UART to be dropped
            sock.full_at = None
        start = sock.offset
        n = min(len(view) - start, sock.window)
        self.claim(sock)
        try:
            end = codec.lwip_send(link.tx, sock.number, n, _MSG_DONTWAIT)
            result = link.call_i32(end, 0, view[start : start + n])
            if result > n:  # more than was sent: resending from there would lose or repeat bytes
                raise link.bad_count(result, n)
            if result > 0:
                if result < n:  # the buffer is full now: let it drain before the next chunk
                    sock.window = sock.ceiling = max(result, _SEND_PROBE)
                    sock.full_at = ticks_ms()
                elif n == sock.window:  # it all fitted: grow, fast up to the ceiling
                    n = n << 1 if n < sock.ceiling else n + _SEND_PROBE
                    sock.window = min(n, sock.ceiling if n < sock.ceiling else _SEND_MAX)
                return result
            elif result != 0:
                self.would_block("send")
            # nothing fitted: what did fit before was at most about half of this
            sock.ceiling = max(n >> 1, _SEND_PROBE)
            sock.window = _SEND_PROBE
            return None
        finally:
            link.release()

    def recv(self, fd, buf, flags=0, deadline=None):
        """Receive into ``buf`` what the connected ``fd`` has (at least one byte) by
        ``deadline``; returns the count, 0 at the end of the stream."""
        if flags:
            raise error(EOPNOTSUPP, "recv flags %r not supported (the netdev contract has none)" % (flags,))
        sock = self.socket_of(fd)
        if not sock.connected and sock.proto != IPPROTO_UDP:
            raise error(ENOTCONN, "fd %d is not connected" % fd)
        if not check_buffer(buf):
            return 0
        return wait(self._recv_poll, sock, buf, deadline, "recv")

    def _recv_once(self, sock, buf):
        if sock.eof:
            return 0
        if sock.tls:
            return load(_TLS).recv_once(self, sock, buf)
        if sock.idle and not self.readable(sock):
            return None  # one call while nothing comes, where a receive costs two
        size = len(buf)
        size = min(size, _RECV_MAX)
        into = memoryview(buf)[:size]  # the data comes straight into it (Link.call)
        link = self.link
        rx = link.rx
        self.claim(sock)
        try:
            link.call(codec.lwip_recv(link.tx, sock.number, size, _MSG_DONTWAIT), 0, into, 16)
            n = get_u32(rx, 8)  # the data bytes the reply carried (at most size: Link)
            result = get_i32(rx, 12)
            if result > 0:
                if result != n:  # the firmware sends exactly what it received
                    raise link.bad_count(result, n)
                sock.idle = False
                return result
            if result == 0:
                if sock.proto != IPPROTO_UDP:
                    sock.eof = True
                return 0
            self.would_block("recv")
            sock.idle = True
            return None
        except OSError:
            if link.fault is not None and sock.proto != IPPROTO_UDP and not sock.broken:
                # the reply was lost or garbled: the chip may have handed over bytes that
                # never arrived, so the stream cannot go on without a gap
                sock.broken = EIO
            raise
        finally:
            link.release()

    def readable(self, sock):
        """``rpc_lwip_select`` on ``sock`` for reading (and errors), zero timeout: one call,
        where a receive that finds nothing costs two (the receive and its errno). True
        also when select fails: the receive then reports why."""
        link = self.link
        self.claim(sock)
        try:
            ready = link.call_i32(codec.lwip_select(link.tx, sock.number, False))
            if ready > 2:  # one socket, in two sets
                raise link.bad_count(ready, 2)
            return ready != 0
        finally:
            link.release()

    def recvfrom(self, fd, buf, flags=0, deadline=None):
        """Receive into ``buf`` by ``deadline``; returns ``(count, (ip, port))``: on UDP one
        datagram and its sender (a bound socket serves any sender), else the peer.
        ``("0.0.0.0", 0)`` when the firmware does not tell."""
        return load(_UDP).recvfrom(self, fd, buf, flags, deadline)

    def close(self, fd):
        """Close ``fd`` and free its socket on the chip; closing a closed fd does nothing.
        A call still waiting on it fails (``EBADF``)."""
        if not isinstance(fd, int) or not 0 <= fd < MAX_SOCKETS:
            raise error(EBADF, "fd %r is not a socket" % (fd,))
        if self.slots[fd] is None:
            return
        link = self.link
        try:
            # no rejoin first: a close needs no network, and one that failed for want of it
            # would leave the socket to a recovery that only a link fault brings
            self.claim(None, False)
        except OSError as exc:  # the link is down: the next recovery closes it on the chip
            load(_RECOVERY).close_later(self, fd, exc)
            return
        try:
            # taken and released under the lock: the chip reuses a closed socket's number
            # at once, so two closes of one fd must not both reach it, and a call waiting
            # on this socket in another thread must not go on with it (broken)
            sock = self.slots[fd]
            self.slots[fd] = None
            if sock is None:
                return
            lost = sock.broken == ECONNRESET  # the chip was reset: nothing to close there
            sock.broken = EBADF
            if lost:
                return
            if sock.tls:
                handle = sock.tls
                sock.tls = 0
                load(_TLS).free(self, handle)
            elif sock.number >= 0:
                orphans = self.orphans
                orphans.append((False, sock.number))  # until the close is answered
                link.call_i32(codec.ints(link.tx, codec.LWIP_CLOSE, sock.number))
                orphans.pop()
            sock.number = -1
        except OSError as exc:  # the link faulted: recovery closes it again (_recovery)
            link.log("close(%d): %s" % (fd, exc))
        finally:
            link.release()
        if self.orphans and link.fault is None:  # TLS clients lost to link faults
            load(_TLS).lost_clients(self)

    def setsockopt(self, fd, level, opt, value):
        """Set a socket option: ``SO_KEEPALIVE``, ``SO_REUSEADDR``, ``SO_BROADCAST``,
        ``SO_LINGER`` (seconds), ``TCP_NODELAY``, ``TCP_KEEPIDLE``/``KEEPINTVL``/``KEEPCNT``;
        others are ``EOPNOTSUPP``. On a TLS socket before its connect, applied then."""
        return load(_SOCKOPT).setsockopt(self, fd, level, opt, value)

    # -- Netlinker ---------------------------------------------------------------------------------

    def _link_join(self, params):
        if params.connect_mode == CONNECT_MODE_AP:
            return load(_STATION).start_ap(self, params)
        link = self.link
        ssid = params.ssid
        if self.wifi_mode != _RTW_MODE_STA:
            load(_STATION).switch_mode(self, _RTW_MODE_STA)
        elif self.joined == ssid and self._link_up():
            self.rejoin_due = False
            return  # still associated (the watchdog found the link back by itself)
        self.joined = None
        wait_ms = max(_JOIN_MS, int(params.connect_timeout * 1000))
        self.claim()
        try:
            link.disconnect_reason = 0
            end = codec.wifi_connect(link.tx, ssid, params.passphrase, params.auth_type)
            result = link.call_i32(end, wait_ms)
        finally:
            link.release()
        link.log("rpc_wifi_connect(%r) -> %d" % (ssid, result))
        if result != 0:
            raise load(_STATION).join_error(self, ssid, result, params.connect_timeout)
        if self.locked_call(codec.TCPIP_DHCPC_START, 0, max(_DHCP_MS, wait_ms)) != 0:
            raise failed_error(ssid, "DHCP got no address")
        if not self._link_up():
            raise failed_error(ssid, "associated, then lost the access point")
        self.joined = ssid
        self.rejoin_due = False

    def _link_leave(self):
        load(_STATION).link_leave(self)

    def _link_up(self):
        if self.wifi_mode == _RTW_MODE_AP:
            return self.joined is not None
        return self.locked_call(codec.WIFI_IS_CONNECTED) == 0

    def _link_reset(self):
        # After a fault: resynchronise, else reset through the enable pin; Netlinker rejoins.
        self.claim(None, False)
        self.link.release()

    def scan_networks(self):
        """Scan for access points (the association is kept). Returns ``[(ssid, rssi,
        channel, encryption), ...]``, strongest first; encryption is ``"open"``, ``"wep"``,
        ``"wpa"``, ``"wpa2"``, ``"wpa/wpa2"``, ``"wpa3"`` or ``"other"`` (as WiFiNINA's)."""
        return load(_STATION).scan_networks(self)

    def hardware_addr(self):
        """The station MAC address, 6 bytes."""
        return load(_STATION).hardware_addr(self)


__all__ = ["MAX_SOCKETS", "RTL8720DN", "lwip_errno"]
