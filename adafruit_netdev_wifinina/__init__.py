# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""
`adafruit_netdev_wifinina`
================================================================================

A netdev (Netdever + Netlinker) for an ESP32 running NINA-FW on SPI: Adafruit AirLift
boards, PyPortal, Metro M4 AirLift, Arduino NINA-W102 boards.

.. code-block:: python

    import board, digitalio
    from adafruit_netdev_wifinina import WiFiNINA
    pin = lambda p: digitalio.DigitalInOut(p)
    dev = WiFiNINA(board.SPI(), pin(board.ESP_CS), pin(board.ESP_BUSY), pin(board.ESP_RESET))

Works with the Arduino (1.x, 2.0) and Adafruit (1.7.x, 2.x, 3.x) firmware lines: it reads the
version at start and adapts (socket count, accept semantics, MAC byte order, reply widths).

Every transaction goes through ``adafruit_bus_device.spi_device.SPIDevice`` (one ``with`` block
each, so other devices can share the bus); every wait is bounded; the exchange lock is held for
one command/reply exchange and never while sleeping between polls, nor while the co-processor
works on a connect or a DNS lookup. A reply that is garbled, cut short or lost raises
``OSError(EIO)`` saying what was expected and what came; the next call gets the link back in
step: while the co-processor still answers, without a reset (only the connection whose state
the fault left unknown is given up), else by resetting it (RESET pin).

The package (docs/drivers.rst draws it): :mod:`.codec` builds and parses the frames,
:mod:`.link` moves them over SPI (:class:`~adafruit_netdev_wifinina.link.Link`), this module
holds the contract. Code a TCP client never runs loads on first use from modules named for
what they hold: ``_server`` (bind, listen, accept), ``_udp``, ``_station`` (the access point,
scan, leaving, address, SSID, MAC, RSSI, time, why a join or a connect failed), ``_tls``
(held TLS records, client certificates), ``_sockopt``, ``_recovery`` (after a link fault);
``_startup`` (reset, firmware identification) runs and is dropped; ``wiring`` builds the
driver for :func:`adafruit_netdev.probe.probe`. Why: docs/circuitpython.rst, Heap rules.

Those modules use the driver through this interface, and nothing private of it:
``dev.link`` (the :class:`~adafruit_netdev_wifinina.link.Link`), ``dev.check()`` (entry of a
public call), ``dev.socket_of(fd)`` (its :class:`Socket`), ``dev.number_of(sock)`` (the
socket number of a usable connection), ``dev.claim(dl)`` (a free socket number),
``dev.sequence()`` (the lock a sequence that claims socket numbers holds), ``dev.reason()``,
``dev.retry(exc, sock)`` (after a failed attempt),
``dev.fds``, ``dev.gen`` (co-processor resets so far), ``dev.listeners`` and
``dev.listeners_gen``, ``dev.hint`` (GPIO0 as the data line, or None), ``dev.mode`` and the
firmware traits :func:`~adafruit_netdev_wifinina._startup.start` sets: ``version``,
``max_sockets``, ``adafruit``, ``esp32_core``, ``has_reason``, ``accept_flag``,
``close_when_full``, ``peek_ms``; ``dev.client_cert`` (set by ``_tls``, sent again by
``_recovery`` after a reset); and, from the Netlinker base class, its hooks
(``_link_up()``, ``_link_join()``, ``_log()``, ``_fire()``) and record (``_connected``,
``_params``, ``_down``, ``link_fault``).
"""

from adafruit_ticks import ticks_add, ticks_diff, ticks_ms
from micropython import const

import adafruit_netdev as nd
from adafruit_netdev import Netdever, call_once, cut_short, error, load, make_lock, wait
from adafruit_netdev.netlink import (
    AUTH_TYPE_OPEN,
    CONNECT_MODE_AP,
    Netlinker,
)
from adafruit_netdev_wifinina import codec as c
from adafruit_netdev_wifinina.codec import ProtocolError
from adafruit_netdev_wifinina.link import Link

__version__ = "0.0.0+auto.0"
__repo__ = "https://github.com/adafruit-netdev/adafruit_netdev.git"


# Private consts (see docs/circuitpython.rst, Heap rules). Protocol bounds (ms): how long the
# co-processor may take before the link is declared dead.
_READY_MS = const(2000)  # a quick command's reply
_JOIN_MS = const(5000)  # SET_NET / SET_PASSPHRASE restart the WiFi stack
_CONNECT_MS = const(40000)  # START_CLIENT: DNS + TCP (+ TLS handshake), blocking in the firmware
# Adafruit 3.x TLS: DNS, up to 30 s of TCP connect (NetworkClientSecure's _timeout), up to
# 120 s of handshake (its handshake_timeout; arduino-esp32 ssl_client.cpp), and a margin.
# Adafruit 1.x TLS too: a failed handshake is retried for 120 s (WiFiSSLClient.cpp)
_TLS_CONNECT_MS = const(175000)
_DNS_MS = const(20000)
# SEND_DATA_TCP where Adafruit 3.x blocks while the send buffer is full: TCP gives up
# after 10 tries of a 1 s select without progress (arduino-esp32 NetworkClient::write), TLS
# after 30 s (NetworkClientSecure's socket timeout, send_ssl_data); each plus a margin
# beyond which the co-processor, not the peer, is silent. Progress starts TCP's 10 tries
# again, so a TCP send goes in chunks of at most _ESP32_TCP_CHUNK: lwIP's select calls a
# socket writable once more than TCP_SNDLOWAT (2 MSS + 1, at least 2873) bytes are free,
# and such a chunk then goes in one step, within the 10 s. Arduino (from 1.4.3) and
# Adafruit 2.x block only on a connection a listener accepted (a blocking socket), until
# the client takes the bytes, for as long as it likes: a client that takes nothing for
# _SEND_MS has stuck the co-processor, and the reset frees it. Their TLS sends never block
# (a record mbedTLS has to write later is answered 0: see _TLS_HELD_MS).
_SEND_MS = const(12000)
_TLS_SEND_MS = const(35000)
_ESP32_TCP_CHUNK = const(2872)
_TLS_HELD_MS = const(30000)  # <= 2.x: how long a held TLS record may wait for the peer
_RECHECK_MS = const(100)  # an idle recv asks for data/state at least this often, whatever GPIO0 says
# Without a GPIO0 line, every poll is a bus exchange: once a socket has been idle a while,
# ask for data at most every _BLIND_POLL_MS and for its state every _BLIND_RECHECK_MS
# (an idle bus then sees about 43 transactions a second instead of 105).
_BLIND_AFTER_MS = const(200)
_BLIND_POLL_MS = const(60)
_BLIND_RECHECK_MS = const(200)
_RETRIES = const(3)  # link faults in a row a send or receive recovers from and tries again
_HOLD_MS = const(50)  # first pause after a full send buffer on Adafruit 1.x; doubles up to:
_HOLD_MAX_MS = const(1000)
_MAX_FDS = const(10)

# GET_CONN_STATUS values (identical in the Arduino and arduino-esp32 enums for 0..6).
_WL_NO_SSID_AVAIL = const(1)
_WL_CONNECTED = const(3)
_WL_CONNECT_FAILED = const(4)
_WL_CONNECTION_LOST = const(5)
_WL_DISCONNECTED = const(6)
_WL_AP_LISTENING = const(7)
_WL_AP_CONNECTED = const(8)

# NINA-FW opcodes only this module uses (docs/protocol-nina.rst, Commands; names follow the
# firmware's CommandHandler), private so that MicroPython folds them into the bytecode. Those
# that other modules of the driver need too are public in codec.py (c.START_CLIENT_TCP, ...).
_SET_NET = const(0x10)
_SET_PASSPHRASE = const(0x11)
_GET_REASON_CODE = const(0x1F)
_GET_CONN_STATUS = const(0x20)
_GET_DATA_TCP = const(0x2C)
_GET_CLIENT_STATE_TCP = const(0x2F)
_REQ_HOST_BY_NAME = const(0x34)
_GET_SOCKET = const(0x3F)
_SEND_DATA_TCP = const(0x44)
_NO_SOCKET = const(0xFF)  # GET_SOCKET's "no free socket" (docs/protocol-nina.rst, Framing)
_MODE_TLS = const(2)  # START_CLIENT_TCP's mode (docs/protocol-nina.rst, Codes; c.MODE_TCP is shared)


def _lazy(name):
    """The driver's module ``name`` (``"_server"``, ``"_station"``, ``"_tls"``,
    ``"_recovery"``), loaded on first use: its full name is made here, not written at
    each call (a name costs RAM: docs/circuitpython.rst, Heap rules; UDP sends name
    ``_udp`` in full, to allocate nothing)."""
    return load("adafruit_netdev_wifinina." + name)


class Socket:
    """Driver-side state of one fd: which firmware socket number backs it, since which reset."""

    def __init__(self, proto, gen):
        self.proto = proto
        self.number = -1  # firmware socket number, allocated lazily at connect/bind/listen
        self.gen = gen  # link generation the number belongs to (a reset orphans it)
        self.port = -1  # local port from bind()
        self.peer = None  # UDP destination: 4 address bytes
        self.peer_port = 0
        self.listening = False
        self.eof = False
        self.buf = None  # the caller's buffer during send/recv
        self.off = 0
        self.hold = 0  # ms to hold back sends after a full buffer (Adafruit 1.x)
        self.held = None  # ticks by which the firmware must have sent a TLS record it holds
        self.resume = 0
        self.idle = False  # the last receive attempt found nothing
        self.aborted = 0  # the connection was lost: 1 the Wi-Fi link went down, 2 a link fault
        self.dl = None  # the deadline of the send or receive in progress
        self.faults = 0  # link faults in a row that this send or receive recovered from
        self.checked = 0  # ticks of the last connection-state check while idle
        self.idle_since = 0  # ticks of the first empty receive attempt of this idle spell
        self.polled = 0  # ticks of the last data request while idle
        self.closed = False  # a call still waiting on it in another thread must stop (EBADF)


class WiFiNINA(Netdever, Netlinker):
    """An ESP32 co-processor running NINA-FW, on SPI.

    :param ~busio.SPI spi: the SPI bus (shared safely with other devices)
    :param ~digitalio.DigitalInOut cs: chip select (``board.ESP_CS``)
    :param ~digitalio.DigitalInOut ready: the READY/BUSY line (``board.ESP_BUSY``)
    :param ~digitalio.DigitalInOut reset: the reset line, active low (``board.ESP_RESET``)
    :param ~digitalio.DigitalInOut gpio0: ``board.ESP_GPIO0`` if wired (held high during reset)
    :param bool debug: print resets, faults and reconnects

    The constructor resets the co-processor and reads its firmware version; it raises
    ``OSError(EIO)`` when nothing answers.
    """

    def __init__(self, spi, cs, ready, reset, gpio0=None, *, debug=False):
        self.link = Link(spi, cs, ready, reset, gpio0, self._on_fault)
        Netlinker.__init__(self)
        self.debug = debug
        self.hint = None  # GPIO0 as the data-available line, once the chip has booted
        self._seq_lock = make_lock()  # sequences that claim socket numbers or share firmware state
        self.fds = [None] * _MAX_FDS
        self.listeners = None  # port -> number of a closed listener the firmware keeps running
        self.listeners_gen = 0  # (the generation those numbers belong to; see _server.close)
        self.gen = 0  # counts co-processor resets: a socket's number is good for its generation
        self.mode = 0
        # the firmware traits, as _startup.start finds them
        self.version = ""
        self.max_sockets = _MAX_FDS
        self.adafruit = False
        self.esp32_core = False
        self.accept_flag = 1
        self.has_reason = True
        self.close_when_full = False
        self.peek_ms = 0  # Adafruit 1.x: a peek goes with each state check, which comes this much later
        # bound methods made once: steady-state send/recv allocate nothing
        self._send_poll = self._send_once
        self._recv_poll = self._recv_once
        self._join_poll = self._join_once
        call_once("adafruit_netdev_wifinina._startup", "start", self)  # reset, learn the firmware

    # -- firmware identity ---------------------------------------------------------------------

    @property
    def firmware_version(self):
        """The firmware version string, e.g. ``"1.7.7"`` or ``"3.3.0"``."""
        return self.version

    # -- link faults -----------------------------------------------------------------------------

    def _on_fault(self, exc):
        """The link's ``on_fault``: the connection whose state the fault left unknown is
        given up (``_recovery.on_fault``)."""
        _lazy("_recovery").on_fault(self, exc)

    def check(self):
        """Entry of every public call: after a link fault, get the link back in step (and
        after a reset the network back)."""
        if self.link.broken is not None:
            _lazy("_recovery").recover(self, True)

    # -- fds and socket numbers ------------------------------------------------------------------

    def open_fds(self):
        """The fds now open (for tests and leak checks)."""
        fds = self.fds
        return [fd for fd in range(_MAX_FDS) if fds[fd] is not None]

    def socket_of(self, fd):
        """The :class:`Socket` of an open ``fd``; ``OSError(EBADF)`` otherwise."""
        if isinstance(fd, int) and 0 <= fd < _MAX_FDS:
            sock = self.fds[fd]
            if sock is not None:
                return sock
        raise error(nd.EBADF, "bad file descriptor %r (closed or never opened)" % (fd,))

    def number_of(self, sock):
        """The socket number of a connection that owns one; raises when it has none, is
        listening, or a reset took it."""
        number = sock.number  # (before closed: close() sets closed, then the number to -1)
        if sock.closed:
            raise error(nd.EBADF, "socket closed (by another thread) while this call used it")
        if sock.aborted:
            raise _lazy("_recovery").aborted_error(sock)
        if sock.listening:  # never send, read or query state on a server's number (it frees it)
            raise error(nd.ENOTCONN, "socket is listening: accept() a connection to talk")
        if number < 0:
            raise error(nd.ENOTCONN, "socket not connected")
        if sock.gen != self.gen:
            raise error(nd.ECONNRESET, "connection lost: the co-processor was reset")
        return number

    def sequence(self):
        """The lock a sequence of exchanges that claims a socket number (or shares firmware
        state) holds, from :meth:`claim` until the number is occupied."""
        return self._seq_lock

    def claim(self, dl=None):
        """GET_SOCKET (:meth:`sequence` lock held): the lowest free socket number. The
        firmware does not reserve it, so the caller must occupy it before releasing the lock."""
        number = self.link.call(_GET_SOCKET, None, _READY_MS, dl)
        if number == _NO_SOCKET:
            raise error(nd.ENOMEM, "all co-processor sockets are in use: close one first")
        if number >= _MAX_FDS:
            raise self.link.fault("GET_SOCKET returned %d, expected 0..%d or 255" % (number, _MAX_FDS - 1))
        return number

    def _still_open(self, sock):
        """GET_CLIENT_STATE of a TCP/TLS connection: True while it is open. When it has ended
        the firmware may free the number; STOP_CLIENT makes that certain on every firmware
        before anyone else can claim it (both under the seq lock)."""
        link = self.link
        with self._seq_lock:
            number = self.number_of(sock)
            if self.peek_ms and sock.proto == nd.IPPROTO_TCP:
                # Adafruit 1.x: GET_DATA_TCP with its peek flag first. Its GET_CLIENT_STATE
                # never sees a connection end (WiFiClient::connected only asks FIONREAD),
                # but its peek is a recv that closes the socket at the end of the stream or
                # after an error (a reset; a connection lwIP aborted when the Wi-Fi went):
                # the state asked next then says 0. A byte that arrived meanwhile is only
                # peeked at, and stays to be read.
                link.take(None)
                try:
                    cmd = link.cmd
                    pos = c.put_byte(cmd, c.put_byte(cmd, c.begin(cmd, _GET_DATA_TCP, 2), number), 1)
                    link.exchange(c.finish(cmd, pos), _GET_DATA_TCP, _READY_MS, 1)
                finally:
                    link.release()
            if link.call(_GET_CLIENT_STATE_TCP, number, _READY_MS, sock.dl):
                return True
            link.call(c.STOP_CLIENT_TCP, number, _READY_MS, sock.dl)
            sock.number = -1
            sock.eof = True
            # NINA-FW closes every connection when the access point goes: that is no end
            # of stream (a reader would take a cut-off transfer for a whole one)
            sock.aborted = 0 if self._link_up() else 1
        if sock.aborted:
            raise _lazy("_recovery").aborted_error(sock)
        return False

    # -- Netdever ----------------------------------------------------------------------------------

    def socket(self, domain, stype, protocol):
        """Open an fd; its co-processor socket number is taken at connect/bind/listen."""
        proto = nd.check_socket_args(domain, stype, protocol)
        self.check()
        fds = self.fds
        for fd in range(self.max_sockets):
            if fds[fd] is None:
                fds[fd] = Socket(proto, self.gen)
                return fd
        raise error(nd.ENOMEM, "all %d sockets of the co-processor are open" % self.max_sockets)

    def close(self, fd):
        """Close ``fd`` and free its socket number (STOP_CLIENT); closing twice is fine."""
        if not (isinstance(fd, int) and 0 <= fd < _MAX_FDS) or self.fds[fd] is None:
            return
        sock = self.fds[fd]
        self.fds[fd] = None
        sock.closed = True
        number = sock.number
        sock.number = -1
        if number >= 0 and sock.gen == self.gen:
            if sock.listening:  # see listen(): the number stays with its running listener
                return _lazy("_server").close(self, sock.port, number)
            link = self.link
            with self._seq_lock:  # (no recovery, and no claim of the number, meanwhile)
                try:
                    if link.broken is None:
                        link.call(c.STOP_CLIENT_TCP, number)
                        return
                except OSError as exc:
                    self._log("wifinina: close(%d): %s" % (fd, exc))
                if link.broken is not None and number not in link.lost:
                    link.lost.append(number)  # the recovery stops it (or a reset frees it)

    def setsockopt(self, fd, level, opt, value):
        """NINA-FW has no socket options: ``OSError(EOPNOTSUPP)``."""
        return load("adafruit_netdev_wifinina._sockopt").setsockopt(self, fd, level, opt, value)

    def gethostbyname(self, name, deadline=None):
        """Resolve ``name`` on the co-processor by ``deadline``; literal IPv4 addresses come
        back as they are."""
        if nd.check_hostname(name):
            return name
        self.check()
        link = self.link
        tries = _RETRIES
        while True:
            try:
                link.take(deadline)  # (released by link.blocking)
                # REQ_HOST_BY_NAME, then GET_HOST_BY_NAME in the same hold of the co-processor
                # (the firmware keeps one result for both)
                length = c.string_command(link.cmd, _REQ_HOST_BY_NAME, name)
                ip = link.blocking(length, _REQ_HOST_BY_NAME, -1, _DNS_MS, deadline)
                break
            except ProtocolError:  # a link fault: recovered, then again
                tries -= 1
                if not tries:
                    raise
                self.check()
        if not ip:
            raise error(nd.EAI_NONAME, "host %r not found (co-processor DNS lookup failed)" % (name,))
        return ip

    def addr(self):
        """The co-processor's IPv4 address (``"0.0.0.0"`` before joining a network)."""
        return _lazy("_station").addr(self)

    def bind(self, fd, address):
        """TCP: remember the port for :meth:`listen`. UDP: open the firmware's socket on it."""
        return _lazy("_server").bind(self, fd, address)

    def listen(self, fd, backlog):
        """Start the firmware's TCP server on the port given to :meth:`bind`.

        NINA-FW cannot stop a listener (STOP_CLIENT frees the socket number but leaves the
        listener attached, and a client later given that number would misbehave), so a closed
        listener keeps its number and is taken up again by the next listen on the same port."""
        return _lazy("_server").listen(self, fd, backlog)

    def accept(self, fd, deadline=None):
        """Wait for a client on a listening fd; returns ``(fd, (ip, port))``."""
        return _lazy("_server").accept(self, fd, deadline)

    def connect(self, fd, host, address, deadline=None):
        """TCP/TLS: open the connection (TLS: the co-processor resolves ``host``, sends SNI and
        verifies the certificate). UDP: record the peer (binding an ephemeral port if needed)."""
        ip, port = nd.check_address(address)
        if host:
            nd.check_hostname(host)
        self.check()
        sock = self.socket_of(fd)
        if sock.proto == nd.IPPROTO_UDP:
            return load("adafruit_netdev_wifinina._udp").connect(self, sock, host, ip, port, deadline)
        if sock.number >= 0 or sock.listening:
            raise error(nd.EISCONN, "socket already connected")
        if sock.eof:
            raise error(nd.EINVAL, "socket was connected before: open a new one")
        tls = sock.proto == nd.IPPROTO_TLS
        if tls and not host:
            host = ip  # TLS by address: the firmware reverses the octets of a bare IP
        if not host and not ip:
            raise error(nd.EINVAL, "connect needs an address or a host name")
        if tls and not self.esp32_core:
            for other in self.fds:  # one mbedTLS session fits the RAM of firmware before 3.x
                if other is not None and other.proto == nd.IPPROTO_TLS and other.number >= 0:
                    raise error(
                        nd.ENOMEM,
                        "NINA-FW %s holds one TLS session at a time: close the other TLS "
                        "connection first" % self.version,
                    )
        raw = nd.parse_ipv4(ip) if ip else b"\x00\x00\x00\x00"
        mode = _MODE_TLS if tls else c.MODE_TCP
        link = self.link
        tries = _RETRIES
        while True:
            try:
                with self._seq_lock:  # until START_CLIENT occupies the number GET_SOCKET found free
                    number = self.claim(deadline)
                    gen = self.gen
                    link.take(deadline)  # (released by link.blocking; the arguments were checked)
                started = ticks_ms()
                length = c.start_client(link.cmd, host, raw, port, number, mode=mode)
                limit = _TLS_CONNECT_MS if tls and (self.esp32_core or self.close_when_full) else _CONNECT_MS
                ok = link.blocking(length, c.START_CLIENT_TCP, number, limit, deadline)
                break
            except ProtocolError:  # a link fault: recovered (a number START_CLIENT reached is
                tries -= 1  # stopped), then again
                if not tries:
                    raise
                self.check()
        if ok:
            sock.number = number
            sock.gen = gen
            if tls and self.close_when_full:  # Adafruit 1.x: 1 even when the handshake failed
                _lazy("_tls").check_handshake(self, sock, deadline, host, port)
            return None
        took = ticks_diff(ticks_ms(), started)
        raise _lazy("_station").connect_error(self, tls, "%s:%d" % (host or ip, port), took)

    def send(self, fd, buf, flags=0, deadline=None):
        """Send all of ``buf`` (TCP/TLS in chunks of up to 4083 bytes, partial device writes
        retried); UDP: one datagram to the connected peer. Returns ``len(buf)``, or what
        went when the deadline passed part way."""
        buf = nd.send_view(buf)  # (len() counts bytes, whatever the buffer's items)
        self.check()
        sock = self.socket_of(fd)
        if flags:
            raise error(nd.EOPNOTSUPP, "send flags not supported")
        size = len(buf)
        if sock.proto == nd.IPPROTO_UDP:
            return load("adafruit_netdev_wifinina._udp").send(self, sock, buf, size)
        if sock.eof:
            if sock.aborted:
                raise _lazy("_recovery").aborted_error(sock)
            raise error(nd.EPIPE, "broken pipe: the peer closed the connection")
        self.number_of(sock)
        sock.buf = buf
        sock.off = 0
        sock.dl = deadline
        sock.faults = 0
        try:
            while sock.off < size:
                # a TLS record the firmware holds must go whatever the caller's deadline
                wait(self._send_poll, sock, None, deadline if sock.held is None else sock.held, "send")
        except OSError as exc:
            if sock.held is not None:
                exc = _lazy("_tls").drop_held(self, sock, exc, _TLS_HELD_MS)
            return cut_short(exc, sock.off)
        finally:
            sock.buf = None
        return size

    def retry(self, exc, sock):
        """After an attempt for ``sock`` failed with ``exc``: a link fault that left the
        connection's state known (nothing reached it, or only a query) is recovered here and
        the attempt made again (None); 0 when the recovery found that the connection had
        ended (a state query's reply was lost: it asks again); anything else is raised."""
        if sock.faults >= _RETRIES or not isinstance(exc, ProtocolError):
            raise exc
        sock.faults += 1
        self.check()
        if sock.aborted or sock.gen != self.gen:  # given up (its state is unknown), or reset
            raise exc
        if sock.eof:
            return 0

    def _send_once(self, sock, arg):
        if sock.hold and ticks_diff(sock.resume, ticks_ms()) > 0:
            return None  # Adafruit 1.x: let its send buffer drain first (see below)
        link = self.link
        if link.busy():
            return None  # the co-processor works on a connect or DNS lookup: try again later
        data = sock.buf
        count = len(data) - sock.off
        tls = sock.proto == nd.IPPROTO_TLS
        esp32 = self.esp32_core
        count = min(count, _ESP32_TCP_CHUNK if esp32 and not tls else c.MAX_SEND)
        if esp32:
            limit = _TLS_SEND_MS if tls else _SEND_MS
        else:  # Arduino, Adafruit 2.x: an accepted client's send blocks (see _SEND_MS)
            limit = _READY_MS if tls or self.close_when_full else _SEND_MS
        try:
            if not link.grab():
                return None
            try:
                number = self.number_of(sock)
                link.send_data(_SEND_DATA_TCP, number, data, sock.off, count)
                link.receive(_SEND_DATA_TCP, limit, 1)
                rep = link.rep
                written = c.uint_le(rep, 4, 2) if rep[3] == 2 else rep[4]
                if written > count:  # (the count is wrong: what went is unknown)
                    raise link.fault("SEND_DATA_TCP reported %d bytes written of %d sent" % (written, count))
                link.flight = -1
            finally:
                link.release()
        except OSError as exc:
            return self.retry(exc, sock)
        if written:
            sock.held = None
            sock.off += written
            sock.faults = 0
            if written < count and self.close_when_full:
                # A partial write means the firmware's send buffer is full, and Adafruit 1.x
                # closes the connection when a write finds it full: hold back a while, longer
                # each time it is still full.
                sock.hold = min(sock.hold * 2, _HOLD_MAX_MS) if sock.hold else _HOLD_MS
                sock.resume = ticks_add(ticks_ms(), sock.hold)
            else:
                sock.hold = 0
            return written
        try:
            still = self._still_open(sock)
        except OSError as exc:  # its reply lost: asked again (None: open), 0: it ended
            still = self.retry(exc, sock) is None
        if still:
            if tls and sock.held is None and not esp32:
                # <= 2.x: mbedTLS took the record and will flush it at the next write, which
                # it answers with that write's own length: send these bytes again, and only
                # these, deadline or not (send() waits until sock.held for them)
                sock.held = ticks_add(ticks_ms(), _TLS_HELD_MS)
                return 0
            return None  # the firmware's send buffer is full: wait for it to drain
        raise error(nd.EPIPE, "broken pipe: the connection closed while sending")

    def recv(self, fd, buf, flags=0, deadline=None):
        """Read what is there into ``buf`` (at least 1 byte; 0 at end of stream). UDP: one
        datagram; what does not fit in ``buf`` is discarded."""
        size = nd.check_buffer(buf)  # before any exchange: the data stays on the chip
        self.check()
        sock = self.socket_of(fd)
        if flags:
            raise error(nd.EOPNOTSUPP, "recv flags not supported")
        if not size:
            return 0
        if sock.eof:
            if sock.aborted:
                raise _lazy("_recovery").aborted_error(sock)
            return 0
        self.number_of(sock)
        sock.buf = buf
        sock.dl = deadline
        sock.faults = 0
        try:
            return wait(self._recv_poll, sock, None, deadline, "recv")
        finally:
            sock.buf = None

    def _recv_once(self, sock, arg):
        # While nothing comes, polls cost no bus traffic: the firmware raises GPIO0 when a
        # socket has data (docs/protocol-nina.rst, GPIO0), so a low line skips GET_DATABUF, and
        # the connection state (end of stream, which GPIO0 does not signal) is asked every
        # _RECHECK_MS.
        hint = self.hint
        # Adafruit 1.x peeks with each state check (see _still_open): fewer checks keep an
        # idle bus under 50 transactions a second
        slow = self.peek_ms
        quiet = False
        now = ticks_ms()
        blind = False
        if sock.idle:
            if hint is not None:
                if not hint.value:
                    if ticks_diff(now, sock.checked) < _RECHECK_MS + slow:
                        return None
                    quiet = True
            elif ticks_diff(now, sock.idle_since) > _BLIND_AFTER_MS:
                blind = True
                if ticks_diff(now, sock.polled) < _BLIND_POLL_MS:
                    return None
        link = self.link
        if link.busy():
            return None  # the co-processor works on a connect or DNS lookup: try again later
        into = sock.buf
        size = len(into)
        udp = sock.proto == nd.IPPROTO_UDP
        if udp or size > c.MAX_READ:
            size = c.MAX_READ  # UDP: the whole datagram, so that the rest can be dropped
        recheck = _BLIND_RECHECK_MS + slow + slow if blind else _RECHECK_MS + slow
        got = 0
        # Adafruit 1.x without GPIO0: when the state check is due, its peek stands for the
        # data request (what came stays, and is read at the next one): 2 transactions fewer
        if not (blind and slow and not udp and ticks_diff(now, sock.checked) >= recheck):
            try:
                if not link.grab():
                    return None
                try:
                    got = link.read_data(self.number_of(sock), into, size)
                finally:
                    link.release()
            except OSError as exc:
                return self.retry(exc, sock)
        if got:
            if quiet:
                self.hint = None  # data while GPIO0 said none: this firmware does not drive it
            sock.idle = False
            return got
        sock.polled = now
        if not sock.idle:
            sock.idle_since = now
        if udp:
            sock.idle = True
            sock.checked = now
            return None
        if sock.idle and ticks_diff(now, sock.checked) < recheck:
            return None  # the state was asked a moment ago
        sock.idle = True
        sock.checked = now
        try:
            if self._still_open(sock):
                return None
        except OSError as exc:
            return self.retry(exc, sock)
        return 0

    def recvfrom(self, fd, buf, flags=0, deadline=None):
        """Like :meth:`recv`, and who sent it: ``(n, (ip, port))``. UDP: one datagram (what
        does not fit in ``buf`` is discarded) from any sender, and that sender; TCP/TLS: the
        connection's peer."""
        return load("adafruit_netdev_wifinina._udp").recvfrom(self, fd, buf, flags, deadline)

    def set_client_cert(self, cert_pem, key_pem):
        """The client certificate and its private key (PEM, ``bytes`` or ``str``, under 1300
        and 1700 bytes) that TLS connections present from now on (mutual TLS). Adafruit's
        NINA-FW 1.7 and 2.x only (``NotImplementedError`` on Arduino's, which has no such
        command, and on Adafruit's 3.x, where one breaks every TLS connection); it keeps them
        until the co-processor restarts (the driver sends them again after a reset of its
        own), so ``None, None`` cannot clear them once set."""
        return _lazy("_tls").set_client_cert(self, cert_pem, key_pem)

    # -- Netlinker hooks -------------------------------------------------------------------------------

    def _status(self):
        return self.link.call(_GET_CONN_STATUS)

    def _link_join(self, params):
        self.check()
        self._join(params)

    def _join(self, params):
        ssid = params.ssid.encode()
        passphrase = params.passphrase.encode()
        if params.connect_mode == CONNECT_MODE_AP:
            return _lazy("_station").start_ap(self, params, ssid, passphrase)
        if self.close_when_full:  # Adafruit 1.x
            _lazy("_station").forget_lease(self)
        self.mode = 0
        up = self._status() == _WL_CONNECTED
        if up and self.ssid == params.ssid:
            return None  # already associated (a watchdog rejoin after a recovery)
        # Adafruit 3.x keeps the last disconnect's reason: only one that changed during this
        # join is news. Older firmware: whether begin() will stop an association.
        before = self.reason() if self.esp32_core else up
        link = self.link
        link.take(None)
        try:
            if passphrase and params.auth_type != AUTH_TYPE_OPEN:
                length = c.pair_command(link.cmd, _SET_PASSPHRASE, ssid, passphrase)
                link.exchange(length, _SET_PASSPHRASE, _JOIN_MS)
            else:
                link.exchange(c.string_command(link.cmd, _SET_NET, ssid), _SET_NET, _JOIN_MS)
        finally:
            link.release()
        try:
            status = wait(self._join_poll, None, before, nd.deadline(params.connect_timeout), "join")
        except OSError as exc:
            if exc.args[0] != nd.ETIMEDOUT:
                raise
            status = None  # (no association in time)
        if status == _WL_CONNECTED:
            return None
        raise _lazy("_station").join_error(self, params, status)

    def _join_once(self, sock, before):
        status = self._status()
        if status in (_WL_CONNECTED, _WL_CONNECT_FAILED):
            return status
        if status not in (_WL_CONNECTION_LOST, _WL_DISCONNECTED):
            # arduino-esp32 (3.x) gives up on an unknown SSID with NO_SSID_AVAIL; older
            # firmware says NO_SSID_AVAIL while it is still connecting
            return status if self.esp32_core and status == _WL_NO_SSID_AVAIL else None
        if self.esp32_core:
            # STA.cpp: DISCONNECTED / CONNECTION_LOST while it retries, a refused passphrase
            # included (reason 15, 204; AUTH_FAIL 202 fails only the second time since boot)
            reason = self.reason()
            return status if reason != before and reason in (15, 202, 204) else None
        # <= 2.x: DISCONNECTED is final, unless begin() stopped an association: its
        # disconnect (reason 8) lands during this join, so poll on (Adafruit 1.x cannot say
        # why: to the deadline, as the reference hosts do)
        return status if not before or self.reason() not in (None, 8) else None

    def reason(self):
        """The firmware's reason code for the last Wi-Fi disconnect (GET_REASON_CODE); None
        where the firmware has none (Adafruit 1.x)."""
        if not self.has_reason:
            return None
        try:
            return self.link.call(_GET_REASON_CODE)
        except c.CommandError:
            return None

    def _link_leave(self):
        _lazy("_station")._link_leave(self)

    def _link_up(self):
        status = self._status()
        if self.mode == CONNECT_MODE_AP:
            # arduino-esp32 based firmware (3.x) has no access point statuses
            return status in (_WL_AP_LISTENING, _WL_AP_CONNECTED) or (self.esp32_core and status < 254)
        return status == _WL_CONNECTED

    def _link_reset(self):
        if self.link.broken is not None:
            _lazy("_recovery").recover(self, False)  # back in step, else reset

    def hardware_addr(self):
        """The 6-byte MAC address, first octet first (whatever order the firmware sends)."""
        return _lazy("_station").hardware_addr(self)

    # -- extras --------------------------------------------------------------------------------------

    @property
    def ssid(self):
        """The SSID of the network joined (``""`` when none)."""
        return _lazy("_station").ssid(self)

    @property
    def rssi(self):
        """Signal strength of the joined network in dBm (0 when not associated)."""
        return _lazy("_station").rssi(self)

    def get_time(self):
        """Seconds since 1970 from the co-processor's SNTP client; 0 until it has synced."""
        return _lazy("_station").get_time(self)

    def scan_networks(self):
        """Scan (a few seconds; the firmware drops the association meanwhile and this rejoins
        afterwards). Returns ``[(ssid, rssi, channel, encryption), ...]``; encryption is
        ``"open"``, ``"wep"``, ``"wpa"``, ``"wpa2"``, ``"wpa/wpa2"`` or ``"other"``."""
        return _lazy("_station").scan_networks(self)
