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
"""

import errno

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
from adafruit_netdev.netlink import (
    AUTH_TYPE_OPEN,
    AUTH_TYPE_WPA,
    AUTH_TYPE_WPA2_MIXED,
    CONNECT_MODE_AP,
    Netlinker,
    failed_error,
)
from adafruit_netdev_rtl8720dn import erpc
from adafruit_netdev_rtl8720dn.erpc import (
    get_i8,
    get_i32,
    get_u32,
    put_i32,
    put_nullable_str,
    put_sockaddr,
    put_str,
    put_u32,
)
from adafruit_netdev_rtl8720dn.transport import Transport

__version__ = "0.0.0+auto.0"
__repo__ = "https://github.com/adafruit-netdev/adafruit_netdev.git"

# Servers, the access point and the scan: loaded on first use (adafruit_netdev.load)
_MORE = "adafruit_netdev_rtl8720dn._more"
# TLS sockets (only a TLS program runs them)
_TLS = "adafruit_netdev_rtl8720dn._tls"
# What only failures need: the errno translation and the messages
_ERRORS = "adafruit_netdev_rtl8720dn._errors"

MAX_SOCKETS = const(8)  # lwIP MEMP_NUM_NETCONN, shared by TCP, UDP and TLS
_SEND_MAX = const(4076)  # rpc_lwip_send payload that fits the firmware's 4096-byte buffer
_RECV_MAX = const(4080)
_SEND_PROBE = const(512)  # first chunk after the chip's send buffer was found full
_SEND_HOLD_MS = const(2)  # after a partial write, before the next chunk

_JOIN_MS = const(30000)
_DHCP_MS = const(30000)
_DNS_MS = const(25000)
_CONNECT_S = const(75)  # lwIP gives up on a SYN well before this

# The eRPC method ids this module calls (firmware >= 2.0.3 tables, ids assigned by erpcgen;
# the services and the ids other modules share are in erpc.py)
_WIFI_CONNECT = const(1)
_WIFI_DISCONNECT = const(3)
_WIFI_IS_CONNECTED = const(4)
_WIFI_GET_MAC = const(8)
_WIFI_ON = const(27)
_WIFI_OFF = const(28)
_TCPIP_GET_IP_INFO = const(7)
_TCPIP_DHCPC_START = const(13)
_LWIP_GETSOCKOPT = const(6)
_LWIP_SETSOCKOPT = const(7)
_LWIP_CONNECT = const(9)
_LWIP_RECV = const(12)
_LWIP_SEND = const(15)
_LWIP_SELECT = const(21)
_LWIP_FCNTL = const(23)
_LWIP_ERRNO = const(24)
_LWIP_GETHOSTBYNAME = const(25)
_RTW_MODE_STA = const(1)  # rpc_wifi_on's station mode

# lwIP numbering (firmware side)
_MSG_DONTWAIT = const(0x08)
_L_SOL_SOCKET = const(0xFFF)
_L_SO_ERROR = const(0x1007)
_L_F_SETFL = const(4)
_L_O_NONBLOCK = const(1)
_L_EAGAIN = const(11)
_L_EINPROGRESS = const(115)

_SEC_OPEN = const(0)
_SEC_WPA_TKIP = const(0x00200002)
_SEC_WPA2_AES = const(0x00400004)
_SEC_WPA2_MIXED = const(0x00400006)


def lwip_errno(number):
    """The running interpreter's errno for an lwIP errno number (lwIP uses Linux's
    numbers, CircuitPython and MicroPython may not)."""
    return load(_ERRORS).lwip_errno(number)


class _Socket:
    __slots__ = (
        "broken",
        "ceiling",
        "connected",
        "deadline",
        "dev",
        "eof",
        "listening",
        "nonblocking",
        "full_at",
        "idle",
        "offset",
        "options",
        "proto",
        "tls",
        "window",
    )

    def __init__(self, proto, dev):
        self.proto = proto
        self.dev = dev  # the firmware's lwIP socket number, -1 when none
        self.tls = 0  # the firmware's TLS context handle, 0 when none
        self.connected = False
        self.listening = False
        self.nonblocking = False
        self.eof = False
        # why it can no longer be used (_errors.lost), 0 while it can: ECONNRESET, the chip
        # was reset under it; EIO, a link fault during a receive may have lost bytes;
        # EBADF, closed (a call still waiting on it must not go on with its number)
        self.broken = 0
        self.options = None  # setsockopt calls waiting for a TLS socket's connect
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
        self._rejoin_due = False
        # (tls, number) of chip sockets and TLS clients whose close a link fault interrupted
        # (recovery closes them), and (True, 0) for a TLS client only a reset frees (_tls)
        self._orphans = []
        self._unsure = False  # a link fault lost the reply of a call that makes a chip socket
        self._t = Transport(uart, enable, debug, self)
        self._slots = [None] * MAX_SOCKETS
        self._mode = 0
        self._joined = None
        self._mac = None
        self._root_ca = None
        self.root_ca_file = None  # see root_ca
        # bound once: a steady-state send/recv allocates no method objects
        self._recv_attempt = self._recv_once
        self._send_attempt = self._send_once
        self._connect_attempt = self._connect_once
        self._t.boot("start", self)  # the link, the firmware check, lwIP and Wi-Fi

    # -- properties -------------------------------------------------------------------------

    @property
    def firmware_version(self):
        """The firmware's version string, e.g. ``"2.1.3"``."""
        return self._t.version

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
        if pem is not None:
            if isinstance(pem, str):
                pem = pem.encode()
            if len(pem) + 1 > erpc.BODY_MAX - 24:
                raise ValueError("root CA PEM too long for the firmware (at most ~4000 bytes)")
            if not pem or pem[-1]:  # (MicroPython 1.19's bytearray has no endswith)
                pem = pem + b"\x00"  # mbedTLS parses PEM text with its terminator
        self._root_ca = pem

    @property
    def link_fault(self):
        """The fault that broke the link (Netlinker's watchdog resets after one), or None."""
        fault = self._t.fault
        return fault if fault is not None else self._extra_fault

    @link_fault.setter
    def link_fault(self, exc):
        self._extra_fault = exc

    @property
    def stats(self):
        """``{"restarts": n, "events": n, "last_event": id}``: link counters for diagnostics."""
        t = self._t
        return {"restarts": t.restarts, "events": t.events, "last_event": t.last_event}

    @property
    def call_timeout(self):
        """Seconds to wait for the reply to a quick call before declaring the link lost."""
        return self._t.call_ms / 1000

    @call_timeout.setter
    def call_timeout(self, seconds):
        self._t.call_ms = int(seconds * 1000)

    # -- exchanges --------------------------------------------------------------------------

    def _enter(self, rejoin=True):
        """The device lock for one exchange; after a chip reset, rejoin the network first."""
        t = self._t
        while True:
            if t.enter():
                self._rejoin_due = True  # the chip was reset: its association is gone
            if not (rejoin and self._rejoin_due and self._connected and self._params is not None) or (
                self._rejoining
            ):
                return
            t.leave()
            self._rejoining = True
            try:
                self._link_join(self._params)  # clears _rejoin_due; else the next call tries again
            except OSError as exc:
                raise load(_ERRORS).not_rejoined(self._params.ssid, exc)
            finally:
                self._rejoining = False

    def _enter_socket(self, sock):
        self._enter()
        if sock.broken:
            self._t.leave()
            raise load(_ERRORS).lost(sock)

    def _raw_int(self, service, method, *args, timeout_ms=0):
        """One call with i32 parameters whose reply is one i32 (lock held or exclusive)."""
        t = self._t
        off = t.begin(service, method)
        for value in args:
            off = put_i32(t.tx, off, value)
        t.call(off, timeout_ms)
        return get_i32(t.rx, 8)

    def _int_call(self, service, method, *args, timeout_ms=0):
        self._enter()
        try:
            return self._raw_int(service, method, *args, timeout_ms=timeout_ms)
        finally:
            self._t.leave()

    def _errno(self):
        """The firmware's (global, sticky) errno; call right after the failed call, lock held."""
        t = self._t
        t.call(t.begin(erpc.SVC_LWIP, _LWIP_ERRNO))
        return get_i32(t.rx, 8)

    def _lost_socket(self):
        """After an exchange that makes a chip socket raised: when the link faulted, the
        chip may hold a socket this driver never learnt; recovery closes it."""
        if self._t.fault is not None:
            self._unsure = True

    def _on_restart(self):
        """After a reset of the chip (exclusive access): its sockets and Wi-Fi state are gone."""
        self._orphans = []  # a reset closed everything
        self._unsure = False
        for sock in self._slots:
            if sock is not None:
                sock.broken = ECONNRESET
        self._t.boot("init_stack", self)

    # -- fd table ---------------------------------------------------------------------------------

    def open_fds(self):
        """The fds now open (for tests and leak checks)."""
        return [fd for fd in range(MAX_SOCKETS) if self._slots[fd] is not None]

    def _socket(self, fd):
        if isinstance(fd, int) and 0 <= fd < MAX_SOCKETS:
            sock = self._slots[fd]
            if sock is not None:
                if sock.broken:
                    raise load(_ERRORS).lost(sock)
                return sock
        raise error(EBADF, "fd %r is not an open socket" % (fd,))

    def _free_fd(self):
        for fd in range(MAX_SOCKETS):
            if self._slots[fd] is None:
                return fd
        raise load(_ERRORS).no_socket("socket")

    def _would_block(self, what):
        """After a failed call (lock held): returns when errno says EAGAIN (nothing yet),
        raises the error it says otherwise."""
        number = self._errno()
        if number != _L_EAGAIN:
            raise self._lwip_error(number, what)

    def _set_nonblocking(self, sock):
        self._socket_call(sock, "fcntl(O_NONBLOCK)", _LWIP_FCNTL, _L_F_SETFL, _L_O_NONBLOCK)
        sock.nonblocking = True

    @staticmethod
    def _lwip_error(number, what):
        return load(_ERRORS).lwip_error(number, what)

    # -- Netdever ------------------------------------------------------------------------------------

    def gethostbyname(self, name, deadline=None):
        if check_hostname(name):  # (at most 253 characters: it fits Transport's buffer)
            return name
        limit = _DNS_MS  # the firmware answers in its time: the deadline bounds the wait
        left = remaining_ms(deadline)
        if left is not None and left < limit:
            limit = left if left > 0 else 1
        t = self._t
        self._enter()
        try:
            off = put_str(t.tx, t.begin(erpc.SVC_LWIP, _LWIP_GETHOSTBYNAME), name)
            try:
                length = t.call(off, limit)
            except OSError:
                if limit < _DNS_MS and expired(deadline):  # (the link is recovered next call)
                    raise timeout_error("DNS lookup of %r timed out" % (name,))
                raise
            if get_u32(t.rx, 8) != 4 or length < 17:
                raise t.fail("malformed rpc_netconn_gethostbyname reply")
            err = get_i8(t.rx, 16)
            ip = format_ipv4(t.rx[12:16])
        finally:
            t.leave()
        if err != 0:  # -6 (ERR_VAL) is "not found"; any other code is a failure too
            raise error(EAI_NONAME, "host name %r not found (lwIP err %d)" % (name, err))
        return ip

    def addr(self):
        t = self._t
        self._enter()
        try:
            # netif 0: the station's, or the soft-AP's in AP mode (wlan0; only the STA+AP
            # mode, never used here, puts the AP on netif 1: docs/protocol-rtl8720dn.rst)
            off = put_u32(t.tx, t.begin(erpc.SVC_TCPIP, _TCPIP_GET_IP_INFO), 0)
            t.call(off, 0, None, 28)
            if get_u32(t.rx, 8) < 4:
                raise t.fail("malformed rpc_tcpip_adapter_get_ip_info reply")
            return format_ipv4(t.rx[12:16])
        finally:
            t.leave()

    def socket(self, domain, stype, protocol):
        protocol = check_socket_args(domain, stype, protocol)
        if protocol == IPPROTO_TLS:  # the chip's socket is made by rpc_wifi_start_ssl_client
            sock = _Socket(protocol, -1)
            self._enter()
            try:
                fd = self._free_fd()
                self._slots[fd] = sock
            finally:
                self._t.leave()
            return fd
        udp = protocol == IPPROTO_UDP
        self._enter()
        try:
            fd = self._free_fd()
            try:
                s = self._raw_int(erpc.SVC_LWIP, erpc.LWIP_SOCKET, 2, 2 if udp else 1, protocol)
                if s >= MAX_SOCKETS:  # the chip made a socket, but not that one
                    raise self._t.bad_count(s, MAX_SOCKETS - 1)
            except OSError:
                self._lost_socket()
                raise
            if s < 0:
                raise self._lwip_error(self._errno(), "socket")
            self._slots[fd] = _Socket(protocol, s)
        finally:
            self._t.leave()
        return fd

    def bind(self, fd, address):
        return load(_MORE).bind(self, fd, address)

    def listen(self, fd, backlog):
        return load(_MORE).listen(self, fd, backlog)

    def accept(self, fd, deadline=None):
        return load(_MORE).accept(self, fd, deadline)

    def connect(self, fd, host, address, deadline=None):
        sock = self._socket(fd)
        ip, port = address if isinstance(address, tuple) and len(address) == 2 else (None, None)
        if sock.proto == IPPROTO_TLS:
            if not ip and host:
                address = ("", port)
            ip, port = check_address(address)
            name = host or ip
            if not name or not 0 < port < 65536:
                raise ValueError("a TLS connect needs the server's host name (or address) and port")
            return load(_TLS).connect(self, sock, name, port, deadline)
        ip, port = check_address(address)
        if not ip or not 0 < port < 65536:
            raise ValueError("cannot connect to %r:%r" % (ip, port))
        if sock.connected and sock.proto != IPPROTO_UDP:
            raise error(EISCONN, "fd %d is already connected" % fd)
        where = "%s:%d" % (ip, port)
        raw = parse_ipv4(ip)
        t = self._t
        if sock.proto != IPPROTO_UDP and not sock.nonblocking:
            # a blocking connect would stall the whole firmware: connect, then poll
            self._set_nonblocking(sock)
        self._enter_socket(sock)
        try:
            off = put_i32(t.tx, t.begin(erpc.SVC_LWIP, _LWIP_CONNECT), sock.dev)
            off = put_sockaddr(t.tx, off, raw, port)
            t.call(put_u32(t.tx, off, erpc.SOCKADDR_SIZE))
            if get_i32(t.rx, 8) == 0:
                sock.connected = True
                return
            number = self._errno()
            if number != _L_EINPROGRESS or sock.proto == IPPROTO_UDP:
                raise _connect_error(number, where)
        finally:
            t.leave()
        wait(self._connect_attempt, fd, sock, deadline or _deadline(_CONNECT_S), "connect to " + where)

    def _connect_once(self, fd, sock):
        t = self._t
        tx = t.tx
        self._enter_socket(sock)
        try:
            off = put_i32(tx, t.begin(erpc.SVC_LWIP, _LWIP_SELECT), sock.dev + 1)
            tx[off] = 1  # readset: NULL
            off = erpc.put_fdset(tx, off + 1, sock.dev)  # writeset
            off = erpc.put_fdset(tx, off, sock.dev)  # exceptset
            tx[off] = 0  # timeout: present, zero (a poll)
            off = put_u32(tx, off + 1, 16)
            t.call(erpc.put_zeros(tx, off, 16))
            ready = get_i32(t.rx, 8)
            if ready > 2:  # one socket, in two sets
                raise t.bad_count(ready, 2)
            if ready < 0:
                raise self._lwip_error(self._errno(), "select")
        finally:
            t.leave()
        if ready == 0:
            return None
        self._enter_socket(sock)
        try:  # the outcome: SO_ERROR (0 = connected)
            off = put_i32(tx, t.begin(erpc.SVC_LWIP, _LWIP_GETSOCKOPT), sock.dev)
            off = put_i32(tx, off, _L_SOL_SOCKET)
            off = put_i32(tx, off, _L_SO_ERROR)
            off = erpc.put_zeros(tx, put_u32(tx, off, 4), 4)  # in_optval: its length is optlen
            length = t.call(put_u32(tx, off, 4))
            if length < 24 or get_u32(t.rx, 8) != 4:
                raise t.fail("malformed rpc_lwip_getsockopt reply")
            number = self._errno() if get_i32(t.rx, 20) < 0 else get_i32(t.rx, 12)
        finally:
            t.leave()
        if number == 0:
            sock.connected = True
            return True
        if number == _L_EINPROGRESS:
            return None
        raise _connect_error(number, "fd %d" % fd)

    def _socket_call(self, sock, what, method, *args):
        """One ``rpc_lwip_<method>(sock, *args) -> i32`` exchange; a failure (with the errno
        read that belongs to it) raises."""
        self._enter_socket(sock)
        try:
            if self._raw_int(erpc.SVC_LWIP, method, sock.dev, *args) < 0:
                raise self._lwip_error(self._errno(), what)
        finally:
            self._t.leave()

    def _raw_tls(self, handle, method, arg=None):
        """One ``(u32 handle[, u32 arg])`` TLS call (lock held); returns the reply's length."""
        t = self._t
        off = put_u32(t.tx, t.begin(erpc.SVC_TLS, method), handle)
        if arg is not None:
            off = put_u32(t.tx, off, arg)
        return t.call(off, 0, None, 8)

    def send(self, fd, buf, flags=0, deadline=None):
        if flags:
            raise error(EOPNOTSUPP, "send flags %r not supported (the netdev contract has none)" % (flags,))
        sock = self._socket(fd)
        if not sock.connected:
            raise error(ENOTCONN, "fd %d is not connected" % fd)
        view = memoryview(send_view(buf))
        total = len(view)
        sock.offset = 0
        sock.deadline = deadline
        if sock.proto == IPPROTO_UDP:
            if total > _SEND_MAX:
                raise error(getattr(errno, "EMSGSIZE", 90), "datagram longer than %d bytes" % _SEND_MAX)
            return wait(self._send_attempt, sock, view, deadline, "send")
        sent = 0
        while sent < total:
            sock.offset = sent
            try:
                sent += wait(self._send_attempt, sock, view, deadline, "send")
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
        t = self._t
        tx = t.tx
        if sock.full_at is not None:
            if ticks_diff(ticks_ms(), sock.full_at) < _SEND_HOLD_MS:
                return None  # wait() sleeps; nothing crosses the UART to be dropped
            sock.full_at = None
        start = sock.offset
        n = len(view) - start
        if sock.proto != IPPROTO_UDP:
            n = min(n, sock.window)
        chunk = view[start : start + n]
        self._enter_socket(sock)
        try:
            off = t.put_payload(put_i32(tx, t.begin(erpc.SVC_LWIP, _LWIP_SEND), sock.dev), chunk)
            t.call(put_i32(tx, off, _MSG_DONTWAIT))
            result = get_i32(t.rx, 8)
            if result > n:  # more than was sent: resending from there would lose or repeat bytes
                raise t.bad_count(result, n)
            if sock.proto == IPPROTO_UDP:
                if result >= 0:
                    return result  # (an empty datagram is sent as such)
            elif result > 0:
                if result < n:  # the buffer is full now: let it drain before the next chunk
                    sock.window = sock.ceiling = max(result, _SEND_PROBE)
                    sock.full_at = ticks_ms()
                elif n == sock.window:  # it all fitted: grow, fast up to the ceiling
                    n = n << 1 if n < sock.ceiling else n + _SEND_PROBE
                    sock.window = min(n, sock.ceiling if n < sock.ceiling else _SEND_MAX)
                return result
            elif result == 0:
                self._send_blocked(sock, n)
                return None
            self._would_block("send")
            self._send_blocked(sock, n)
            return None
        finally:
            t.leave()

    @staticmethod
    def _send_blocked(sock, n):
        # nothing fitted: what did fit before was at most about half of this
        sock.ceiling = max(n >> 1, _SEND_PROBE)
        sock.window = _SEND_PROBE

    def recv(self, fd, buf, flags=0, deadline=None):
        if flags:
            raise error(EOPNOTSUPP, "recv flags %r not supported (the netdev contract has none)" % (flags,))
        sock = self._socket(fd)
        if not sock.connected and sock.proto != IPPROTO_UDP:
            raise error(ENOTCONN, "fd %d is not connected" % fd)
        if not check_buffer(buf):
            return 0
        return wait(self._recv_attempt, sock, buf, deadline, "recv")

    def _recv_once(self, sock, buf):
        if sock.eof:
            return 0
        if sock.tls:
            return load(_TLS).recv_once(self, sock, buf)
        if sock.idle and not self._readable(sock):
            return None  # one call while nothing comes, where a receive costs two
        size = len(buf)
        size = min(size, _RECV_MAX)
        into = memoryview(buf)[:size]  # the data comes straight into it (Transport.call)
        t = self._t
        tx = t.tx
        rx = t.rx
        self._enter_socket(sock)
        try:
            off = put_i32(tx, t.begin(erpc.SVC_LWIP, _LWIP_RECV), sock.dev)
            off = put_u32(tx, off, size)
            off = put_i32(tx, off, _MSG_DONTWAIT)
            t.call(put_u32(tx, off, 0), 0, into, 16)
            n = get_u32(rx, 8)  # the data bytes the reply carried (at most size: Transport)
            result = get_i32(rx, 12)
            if result > 0:
                if result != n:  # the firmware sends exactly what it received
                    raise t.bad_count(result, n)
                sock.idle = False
                return result
            if result == 0:
                if sock.proto != IPPROTO_UDP:
                    sock.eof = True
                return 0
            self._would_block("recv")
            sock.idle = True
            return None
        except OSError:
            if t.fault is not None and sock.proto != IPPROTO_UDP and not sock.broken:
                # the reply was lost or garbled: the chip may have handed over bytes that
                # never arrived, so the stream cannot go on without a gap
                sock.broken = EIO
            raise
        finally:
            t.leave()

    def _readable(self, sock):
        """``rpc_lwip_select`` on ``sock`` for reading (and errors), zero timeout: one call,
        where a receive that finds nothing costs two (the receive and its errno). True
        also when select fails: the receive then reports why."""
        t = self._t
        tx = t.tx
        self._enter_socket(sock)
        try:
            off = put_i32(tx, t.begin(erpc.SVC_LWIP, _LWIP_SELECT), sock.dev + 1)
            off = erpc.put_fdset(tx, off, sock.dev)  # readset
            tx[off] = 1  # writeset: NULL
            off = erpc.put_fdset(tx, off + 1, sock.dev)  # exceptset
            tx[off] = 0  # timeout: present, zero (a poll)
            off = put_u32(tx, off + 1, 16)
            t.call(erpc.put_zeros(tx, off, 16))
            ready = get_i32(t.rx, 8)
            if ready > 2:  # one socket, in two sets
                raise t.bad_count(ready, 2)
            return ready != 0
        finally:
            t.leave()

    def close(self, fd):
        if not isinstance(fd, int) or not 0 <= fd < MAX_SOCKETS:
            raise error(EBADF, "fd %r is not a socket" % (fd,))
        if self._slots[fd] is None:
            return
        try:
            self._enter()
        except OSError as exc:  # the link is down: recovery closes the chip's socket, unless
            self._log("close(%d): %s" % (fd, exc))  # a reset took it
            sock = self._slots[fd]
            self._slots[fd] = None
            if sock is not None:
                if sock.broken != ECONNRESET:
                    self._unsure = True  # (recovery closes the chip sockets no fd holds)
                    if sock.tls:
                        self._orphans.append((True, sock.tls))
                sock.broken = EBADF
            return
        try:
            # taken and released under the lock: the chip reuses a closed socket's number
            # at once, so two closes of one fd must not both reach it, and a call waiting
            # on this socket in another thread must not go on with it (broken)
            sock = self._slots[fd]
            self._slots[fd] = None
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
            elif sock.dev >= 0:
                orphans = self._orphans
                orphans.append((False, sock.dev))  # until the close is answered
                self._raw_int(erpc.SVC_LWIP, erpc.LWIP_CLOSE, sock.dev)
                orphans.pop()
            sock.dev = -1
        except OSError as exc:  # the link faulted: recovery closes it again (_recover)
            self._log("close(%d): %s" % (fd, exc))
        finally:
            self._t.leave()
        if self._orphans and self._t.fault is None:  # TLS clients lost to link faults
            load(_TLS).lost_clients(self)

    def setsockopt(self, fd, level, opt, value):
        return load(_MORE).setsockopt(self, fd, level, opt, value)

    # -- Netlinker hooks ---------------------------------------------------------------------------

    def _link_join(self, params):
        if params.connect_mode == CONNECT_MODE_AP:
            return load(_MORE).start_ap(self, params)
        t = self._t
        ssid = params.ssid
        if self._mode != _RTW_MODE_STA:
            load(_MORE).switch_mode(self, _RTW_MODE_STA)
        elif self._joined == ssid and self._link_up():
            self._rejoin_due = False
            return  # still associated (the watchdog found the link back by itself)
        self._joined = None
        security, password = _security(params)
        wait_ms = max(_JOIN_MS, int(params.connect_timeout * 1000))
        self._enter()
        try:
            t.disconnect_reason = 0
            off = put_str(t.tx, t.begin(erpc.SVC_WIFI, _WIFI_CONNECT), ssid)
            off = put_nullable_str(t.tx, off, password)
            off = put_u32(t.tx, off, security)
            off = put_i32(t.tx, off, -1)
            t.call(put_u32(t.tx, off, 0), wait_ms)
            result = get_i32(t.rx, 8)
        finally:
            t.leave()
        self._log("rpc_wifi_connect(%r) -> %d" % (ssid, result))
        if result != 0:
            raise load(_MORE).join_error(self, ssid, result, params.connect_timeout)
        if self._int_call(erpc.SVC_TCPIP, _TCPIP_DHCPC_START, 0, timeout_ms=max(_DHCP_MS, wait_ms)) != 0:
            raise failed_error(ssid, "DHCP got no address")
        if not self._link_up():
            raise failed_error(ssid, "associated, then lost the access point")
        self._joined = ssid
        self._rejoin_due = False

    def scan_networks(self):
        """Scan for access points (the association is kept). Returns ``[(ssid, rssi,
        channel, encryption), ...]``, strongest first; encryption is ``"open"``, ``"wep"``,
        ``"wpa"``, ``"wpa2"``, ``"wpa/wpa2"``, ``"wpa3"`` or ``"other"`` (as WiFiNINA's)."""
        return load(_MORE).scan_networks(self)

    def _link_leave(self):
        load(_MORE).link_leave(self)

    def _link_up(self):
        if self._mode == erpc.RTW_MODE_AP:
            return self._joined is not None
        return self._int_call(erpc.SVC_WIFI, _WIFI_IS_CONNECTED) == 0

    def _link_reset(self):
        # After a fault: resynchronise, else reset through the enable pin; Netlinker rejoins.
        self._enter(rejoin=False)
        self._t.leave()

    def hardware_addr(self):
        """The station MAC address, 6 bytes."""
        return load(_MORE).hardware_addr(self)


def _security(params):
    """(RTW security type, password or None) for ``params``."""
    if not params.passphrase or params.auth_type == AUTH_TYPE_OPEN:
        return _SEC_OPEN, None
    if params.auth_type == AUTH_TYPE_WPA:
        return _SEC_WPA_TKIP, params.passphrase
    if params.auth_type == AUTH_TYPE_WPA2_MIXED:
        return _SEC_WPA2_MIXED, params.passphrase
    return _SEC_WPA2_AES, params.passphrase


def _connect_error(number, where):
    return load(_ERRORS).connect_error(number, where)


__all__ = ["MAX_SOCKETS", "RTL8720DN", "lwip_errno"]
