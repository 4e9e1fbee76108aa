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
each, so other devices can share the bus); every wait is bounded; the device lock is held for
one command/reply exchange and never while sleeping between polls, nor while the co-processor
works on a connect or a DNS lookup. A reply that is garbled, cut short or lost raises
``OSError(EIO)`` saying what was expected and what came; the next call gets the link back in
step: while the co-processor still answers, without a reset (only the connection whose state
the fault left unknown is given up), else by resetting it (RESET pin).
"""

import time

from adafruit_bus_device.spi_device import SPIDevice
from adafruit_ticks import ticks_add, ticks_diff, ticks_ms
from micropython import const

import adafruit_netdev as nd
from adafruit_netdev import EIO, Netdever, call_once, cut_short, error, load, make_lock, timeout_error, wait
from adafruit_netdev.netlink import (
    AUTH_TYPE_OPEN,
    CONNECT_MODE_AP,
    EVENT_NET_DOWN,
    EVENT_NET_UP,
    Netlinker,
    auth_error,
    connect_timeout_error,
    failed_error,
    no_network_error,
)
from adafruit_netdev_wifinina import codec as c
from adafruit_netdev_wifinina.codec import CommandError, ProtocolError

__version__ = "0.0.0+auto.0"
__repo__ = "https://github.com/adafruit-netdev/adafruit_netdev.git"

# Servers, UDP, the access point and the scan: loaded on first use (adafruit_netdev.load)
_MORE = "adafruit_netdev_wifinina._more"
# Resetting the co-processor and learning its firmware (run at start), and recovering the
# link after a fault: run, then dropped (adafruit_netdev.call_once)
_BOOT = "adafruit_netdev_wifinina._boot"
# (and "adafruit_netdev_wifinina._recovery", named where it is called: a name costs RAM)

_BAUDRATE = const(8000000)
# Protocol bounds (ms): how long the co-processor may take before the link is declared dead.
_READY_MS = const(2000)  # READY low before a command, or a quick command's reply
_SELECT_MS = const(1000)  # READY high after CS falls
_JOIN_MS = const(5000)  # SET_NET / SET_PASSPHRASE restart the WiFi stack
_CONNECT_MS = const(40000)  # START_CLIENT: DNS + TCP (+ TLS handshake), blocking in the firmware
# Adafruit 3.x TLS: DNS, up to 30 s of TCP connect (NetworkClientSecure's _timeout), up to
# 120 s of handshake (its handshake_timeout; arduino-esp32 ssl_client.cpp), and a margin
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

_LEAD_IN = const(10)  # stray bytes skipped before a reply's START, as the reference hosts do
_ERROR = const(0xEF)  # the error reply's first byte

_CMD_SIZE = const(300)  # largest non-data command: START_CLIENT with a 255-byte host name
_REP_SIZE = const(64)  # largest reply read whole (data and scan replies are streamed)
_MAX_FDS = const(10)

# GET_CONN_STATUS values (identical in the Arduino and arduino-esp32 enums for 0..6).
_WL_NO_SSID_AVAIL = const(1)
_WL_CONNECTED = const(3)
_WL_CONNECT_FAILED = const(4)
_WL_CONNECTION_LOST = const(5)
_WL_DISCONNECTED = const(6)
_WL_AP_LISTENING = const(7)
_WL_AP_CONNECTED = const(8)
_TCP_ESTABLISHED = const(4)

# NINA-FW opcodes only this module uses (docs/protocol-nina.rst, Commands; names follow the firmware's
# CommandHandler), private so that MicroPython folds them into the bytecode. Those that codec.py
# or _more.py need too are public in codec.py (c.START_CLIENT_TCP, c.STOP_CLIENT_TCP, ...).
_SET_NET = const(0x10)
_SET_PASSPHRASE = const(0x11)
_GET_REASON_CODE = const(0x1F)
_GET_CONN_STATUS = const(0x20)
_GET_IPADDR = const(0x21)
_GET_CURR_SSID = const(0x23)
_GET_CLIENT_STATE_TCP = const(0x2F)
_DISCONNECT = const(0x30)
_REQ_HOST_BY_NAME = const(0x34)
_GET_HOST_BY_NAME = const(0x35)
_GET_SOCKET = const(0x3F)
_SEND_DATA_TCP = const(0x44)
_NO_SOCKET = const(0xFF)  # GET_SOCKET's "no free slot" (docs/protocol-nina.rst, Framing)
_MODE_TLS = const(2)  # START_CLIENT_TCP's mode (docs/protocol-nina.rst, Codes; c.MODE_TCP is shared)


class _Sock:
    """Driver-side state of one fd: which firmware slot backs it, and since which reset."""

    def __init__(self, proto, gen):
        self.proto = proto
        self.slot = -1  # firmware slot, allocated lazily at connect/bind/listen
        self.gen = gen  # link generation the slot belongs to (a reset orphans it)
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
        Netlinker.__init__(self)
        self.debug = debug
        self._device = SPIDevice(spi, cs, baudrate=_BAUDRATE)
        self._cs = cs
        self._ready = ready
        self._reset = reset
        self._gpio0 = gpio0
        self._hint = None  # GPIO0 as the data-available line, once the chip has booted
        ready.switch_to_input()
        reset.switch_to_output(value=True)
        self._lock = make_lock()  # one command/reply exchange
        self._seq = make_lock()  # sequences that claim slots or share firmware state
        self._cmd = bytearray(_CMD_SIZE)
        self._rep = bytearray(_REP_SIZE)
        self._tail = bytearray(4)
        self._aux = bytearray(8)  # _settle's frame: the caller's is already in self._cmd
        self._fds = [None] * _MAX_FDS
        self._idle = {}  # port -> slot of a closed listener the firmware keeps running
        self._idle_gen = 0
        self._broken = None  # the fault that put the link out of step, until it is recovered
        self._gen = 0  # counts co-processor resets: a socket's slot is good for its generation
        self._flight = -1  # slot of the connection a command in flight changes (see _mark_broken)
        self._lost = []  # slots whose state a link fault left unknown: stopped once it is recovered
        self._pending = 0  # opcode of a blocking command (connect, DNS) whose reply is owed
        self._pending_slot = 0
        self._pending_until = 0
        self._waiter = False  # its caller still waits for the reply (else it gave up)
        self._mode = 0
        self.version = ""
        self.max_sockets = _MAX_FDS
        self._adafruit = False
        self._esp32_core = False
        self._accept_flag = 1
        self._has_reason = True
        self._close_when_full = False
        self._peek_ms = 0  # Adafruit 1.x: a peek goes with each state check, which comes this much later
        # bound methods made once: steady-state send/recv allocate nothing
        self._send_once = self._send_attempt
        self._recv_once = self._recv_attempt
        self._status_once = self._join_attempt
        call_once(_BOOT, "start", self)  # reset the co-processor, learn its firmware

    # -- firmware identity ---------------------------------------------------------------------

    @property
    def firmware_version(self):
        """The firmware version string, e.g. ``"1.7.7"`` or ``"3.3.0"``."""
        return self.version

    # -- the bus: one exchange = command transaction + reply transaction --------------------------

    def _wait_ready(self, level, limit_ms):
        """Wait until READY reads ``level``; False after ``limit_ms``. Spins briefly (replies
        usually come within microseconds), then sleeps in growing steps."""
        ready = self._ready
        if ready.value == level:
            return True
        start = ticks_ms()
        while True:
            if ready.value == level:
                return True
            waited = ticks_diff(ticks_ms(), start)
            if waited >= limit_ms:
                return False
            time.sleep(0 if waited < 2 else (0.001 if waited < 100 else 0.005))

    def _fault(self, message):
        """Record a link fault: the link is out of step until recovered. Returns the error."""
        exc = ProtocolError(EIO, message + " (the link is recovered on the next call)")
        self._mark_broken(exc)
        return exc

    def _mark_broken(self, exc):
        self._broken = self.link_fault = exc
        slot = self._flight
        if slot >= 0:  # what that command did to its connection is unknown: it is given up
            self._flight = -1
            self._lost.append(slot)  # (the recovery stops it)
            for sock in self._fds:
                if sock is not None and sock.slot == slot and sock.gen == self._gen:
                    sock.slot = -1
                    sock.eof = True
                    sock.aborted = 2
        self._pending = 0
        self._waiter = False
        self._log("wifinina: link fault: %s" % (exc,))

    def _select(self, cmd):
        if not self._wait_ready(True, _SELECT_MS):
            raise self._fault(
                "NINA co-processor did not acknowledge chip select for command 0x%02x: READY "
                "(ESP_BUSY) stayed low for %d ms (expected high); is it connected?" % (cmd, _SELECT_MS)
            )

    def _send(self, length, cmd, frame=None):
        """Clock out ``self._cmd[:length]`` (or ``frame``) as one transaction (lock held)."""
        if self._broken is not None:
            raise self._broken
        self._flight = -1
        if not self._wait_ready(False, _READY_MS):
            raise self._fault(
                "NINA co-processor not ready for command 0x%02x: READY (ESP_BUSY) stayed high "
                "for %d ms (expected low)" % (cmd, _READY_MS)
            )
        with self._device as spi:
            self._select(cmd)
            spi.write(self._cmd if frame is None else frame, end=length)

    def _send_data(self, cmd, slot, data, off, count):
        """SEND_DATA_TCP / INSERT_DATABUF straight from the caller's buffer (lock held)."""
        if self._broken is not None:
            raise self._broken
        self._flight = -1
        c.data_header(self._cmd, cmd, slot, count)
        tail = c.trailer(self._tail, 8 + count)
        if not self._wait_ready(False, _READY_MS):
            raise self._fault(
                "NINA co-processor not ready for command 0x%02x: READY stayed high for %d ms"
                % (cmd, _READY_MS)
            )
        with self._device as spi:
            self._select(cmd)
            spi.write(self._cmd, end=8)
            if count:
                spi.write(data, start=off, end=off + count)
            spi.write(self._tail, end=tail)
        self._flight = slot

    def _await_reply(self, cmd, limit_ms):
        if not self._wait_ready(False, limit_ms):
            raise self._fault(
                "no reply from the NINA co-processor to command 0x%02x within %d ms "
                "(READY stayed high)" % (cmd, limit_ms)
            )

    def _align(self, spi, rep, have):
        """``rep[:have]``, just clocked, does not start with START: drop stray bytes in front
        of the reply, clocking in one more for each, up to _LEAD_IN of them (WiFiNINA's
        waitSpiChar and esp32spi's _wait_spi_char skip them too). Lock held, CS low."""
        for _ in range(_LEAD_IN):
            if rep[0] == c.START or rep[0] == _ERROR:
                return
            for i in range(1, have):
                rep[i - 1] = rep[i]
            spi.readinto(rep, start=have - 1, end=have)

    def _receive(self, cmd, limit_ms=_READY_MS, nparams=-1, first=8):
        """Clock in the reply to ``cmd`` into ``self._rep``; returns its parameter count."""
        self._await_reply(cmd, limit_ms)
        rep = self._rep
        try:
            with self._device as spi:
                self._select(cmd)
                spi.readinto(rep, end=first)
                if rep[0] != c.START:
                    self._align(spi, rep, first)
                have = first
                while True:
                    need = c.reply_size(rep, have)
                    if need <= have:
                        break
                    if need > _REP_SIZE:
                        raise c.protocol_error(cmd, "a reply of at most %d bytes" % _REP_SIZE, "%d" % need)
                    spi.readinto(rep, start=have, end=need)
                    have = need
            return c.check_reply(rep, have, cmd, False, nparams)
        except ProtocolError as exc:
            self._mark_broken(exc)
            raise

    # The command frame is built into self._cmd and the reply parsed from self._rep: both
    # only while holding the device lock (another thread's exchange reuses the buffers).

    def _transact(self, length, cmd, limit_ms=_READY_MS, nparams=-1, first=8):
        """One exchange of the frame already in ``self._cmd`` (device lock held, taken with
        :meth:`_take`); returns the reply's parameter count."""
        self._send(length, cmd)
        if cmd == c.STOP_CLIENT_TCP or cmd == _GET_CLIENT_STATE_TCP:  # noqa: PLR1714 (no tuple)
            # each may free the slot (GET_CLIENT_STATE does when the connection ended): after
            # a fault before its reply, the slot may be another connection's next
            self._flight = self._cmd[4]
        count = self._receive(cmd, limit_ms, nparams, first)
        self._flight = -1
        return count

    def _call(self, cmd, value=None, limit_ms=_READY_MS, dl=None):
        """A command with no parameter or one byte, whose reply is one parameter: returns
        the parameter's first byte."""
        self._take(dl)
        try:
            self._transact(c.command(self._cmd, cmd, value), cmd, limit_ms, 1)
            return self._rep[4]
        finally:
            self._lock.release()

    def _query(self, cmd, value=None, nparams=1, first=8):
        """Like :meth:`_call` for replies with more in them: returns a copy of the reply frame."""
        self._take(None)
        try:
            self._transact(c.command(self._cmd, cmd, value), cmd, _READY_MS, nparams, first)
            return bytes(self._rep[: c.reply_size(self._rep, _REP_SIZE)])
        finally:
            self._lock.release()

    # A command the firmware runs to its end before it answers (START_CLIENT: a connect and
    # TLS handshake; REQ_HOST_BY_NAME: a DNS lookup) holds the co-processor for seconds, not
    # the device lock: its caller waits for the reply with the lock released (_blocking), so
    # that the calls of other threads keep their own deadlines meanwhile (_take; a send
    # or receive just tries again later). When its caller gives up, the reply is owed until
    # the next exchange collects it (_settle).

    def _busy(self):
        """True while a blocking command holds the co-processor, or its caller has not yet
        collected the reply."""
        return self._pending and (self._waiter or self._ready.value)

    def _take(self, dl):
        """Take the device lock with the co-processor free for a command: waiting with the
        locks released while another call's blocking command holds it, at most until ``dl``
        (``ETIMEDOUT``), or until that command's own limit when ``dl`` is None. The caller
        releases the lock."""
        while True:
            if self._pending:
                wait(load(_MORE).free_attempt, self, None, dl, "waiting for the co-processor (busy)")
            self._lock.acquire()
            try:
                if self._settle():
                    return
            except BaseException:
                self._lock.release()
                raise
            self._lock.release()  # another call's blocking command came first

    def _blocking(self, length, cmd, slot, limit_ms, dl):
        """Send the blocking command framed in ``self._cmd`` (device lock held, and released
        on return) and wait for its reply: returns what :meth:`_collect` makes of it. When
        ``dl`` passes first, a timeout is raised and the reply left owed."""
        try:
            self._send(length, cmd)
            self._flight = slot
            self._pending = cmd
            self._pending_slot = slot
            self._pending_until = ticks_add(ticks_ms(), limit_ms)
            self._waiter = True
        finally:
            self._lock.release()
        try:
            return wait(self._collect, cmd, None, dl, "waiting for the co-processor")
        except OSError as exc:
            if self._pending == cmd and self._waiter:
                self._waiter = False  # gave up: the reply is collected by the next exchange
            if exc.args[0] in (nd.ETIMEDOUT, nd.EAGAIN):
                what = "connect" if cmd == c.START_CLIENT_TCP else "gethostbyname"
                raise timeout_error("%s timed out (the co-processor was still at it)" % what)
            raise

    def _collect(self, cmd, arg):
        """One look for the reply to the blocking command ``cmd``: None while the co-processor
        works on it; its result once it came (START_CLIENT: True when connected;
        REQ_HOST_BY_NAME: the address, or "" when not found)."""
        if self._pending != cmd:
            raise self._broken or error(EIO, "NINA co-processor: the reply to 0x%02x was lost" % cmd)
        if self._ready.value:
            if ticks_diff(self._pending_until, ticks_ms()) >= 0:
                return None
            with self._lock:
                raise self._fault("no reply from the NINA co-processor to command 0x%02x in time" % cmd)
        with self._lock:
            count = self._receive(cmd, 0)
            ok = count == 1 and self._rep[4] == 1
            self._pending = 0
            self._waiter = False
            self._flight = -1
            if cmd == c.START_CLIENT_TCP:
                return ok
            if not ok:  # REQ_HOST_BY_NAME failed; else GET_HOST_BY_NAME, in the same hold
                return ""
            self._transact(c.command(self._cmd, _GET_HOST_BY_NAME), _GET_HOST_BY_NAME, _READY_MS, 1)
            rep = self._rep
            if rep[3] != 4 or rep[4] == 255 or rep[4] == 0:
                return ""
            return nd.format_ipv4(rep[4:8])

    def _settle(self):
        """Before a command (lock held): collect the reply owed for a blocking command whose
        caller gave up (the link stays in step, and a connection that came up late is closed
        again). False when another call still waits for its blocking command's reply: no
        command may go now."""
        if not self._pending:
            return True
        if self._waiter:
            return False
        cmd = self._pending
        left = ticks_diff(self._pending_until, ticks_ms())
        self._await_reply(cmd, left if left > 0 else 0)
        count = self._receive(cmd, 0)
        self._pending = 0
        if cmd == c.START_CLIENT_TCP and count == 1 and self._rep[4] == 1:
            stop = self._aux
            self._send(c.command(stop, c.STOP_CLIENT_TCP, self._pending_slot), c.STOP_CLIENT_TCP, stop)
            self._flight = self._pending_slot
            self._receive(c.STOP_CLIENT_TCP, _READY_MS)
        self._flight = -1
        return True

    def _check(self):
        """Entry of every public call: after a link fault, get the link back in step."""
        if self._broken is not None:
            self._recover()

    def _recover(self):
        with self._seq:
            if self._broken is None:
                return  # another thread already did
            if not call_once("adafruit_netdev_wifinina._recovery", "recover", self):
                return  # back in step without a reset: nothing else was lost
            if self._connected and self._params is not None:
                if not self._down:  # the Netlinker's record of what it last announced
                    self._down = True
                    self._fire(EVENT_NET_DOWN)
                self._join(self._params)  # on failure the watchdog (if any) keeps trying
                self._down = False
                self._fire(EVENT_NET_UP)
            self.link_fault = None

    # -- fds and slots ---------------------------------------------------------------------------

    def open_fds(self):
        """The fds now open (for tests and leak checks)."""
        return [fd for fd in range(_MAX_FDS) if self._fds[fd] is not None]

    def _get(self, fd):
        if isinstance(fd, int) and 0 <= fd < _MAX_FDS:
            sock = self._fds[fd]
            if sock is not None:
                return sock
        raise error(nd.EBADF, "bad file descriptor %r (closed or never opened)" % (fd,))

    def _live(self, sock):
        """The slot of a socket that owns one; raises when it has none or a reset took it."""
        slot = sock.slot  # (before closed: close() sets closed, then the slot to -1)
        if sock.closed:
            raise error(nd.EBADF, "socket closed (by another thread) while this call used it")
        if sock.aborted:
            raise _aborted_error(sock)
        if sock.listening:  # never send, read or query state on a server slot (it frees it)
            raise error(nd.ENOTCONN, "socket is listening: accept() a connection to talk")
        if slot < 0:
            raise error(nd.ENOTCONN, "socket not connected")
        if sock.gen != self._gen:
            raise error(nd.ECONNRESET, "connection lost: the co-processor was reset")
        return slot

    def _claim(self, dl=None):
        """GET_SOCKET (seq lock held): the lowest free slot. The firmware does not reserve it,
        so the caller must occupy it before releasing the seq lock."""
        slot = self._call(_GET_SOCKET, None, _READY_MS, dl)
        if slot == _NO_SOCKET:
            raise error(nd.ENOMEM, "all co-processor sockets are in use: close one first")
        if slot >= _MAX_FDS:
            raise self._fault("GET_SOCKET returned slot %d, expected 0..%d or 255" % (slot, _MAX_FDS - 1))
        return slot

    def _alive(self, sock):
        """GET_CLIENT_STATE on a TCP/TLS slot. When the connection has ended the firmware may
        free the slot; STOP_CLIENT makes that certain on every firmware before anyone else
        can claim it (both under the seq lock)."""
        with self._seq:
            slot = self._live(sock)
            if self._peek_ms and sock.proto == nd.IPPROTO_TCP:
                load(_MORE).peek(self, slot)  # Adafruit 1.x: the state alone never tells
            if self._call(_GET_CLIENT_STATE_TCP, slot, _READY_MS, sock.dl):
                return True
            self._call(c.STOP_CLIENT_TCP, slot, _READY_MS, sock.dl)
            sock.slot = -1
            sock.eof = True
            # NINA-FW closes every connection when the access point goes: that is no end
            # of stream (a reader would take a cut-off transfer for a whole one)
            sock.aborted = 0 if self._link_up() else 1
        if sock.aborted:
            raise _aborted_error(sock)
        return False

    # -- Netdever ----------------------------------------------------------------------------------

    def socket(self, domain, stype, protocol):
        """Open an fd; its co-processor slot is taken at connect/bind/listen."""
        proto = nd.check_socket_args(domain, stype, protocol)
        self._check()
        fds = self._fds
        for fd in range(self.max_sockets):
            if fds[fd] is None:
                fds[fd] = _Sock(proto, self._gen)
                return fd
        raise error(nd.ENOMEM, "all %d sockets of the co-processor are open" % self.max_sockets)

    def close(self, fd):
        """Close ``fd`` and free its slot (STOP_CLIENT); closing twice is fine."""
        if not (isinstance(fd, int) and 0 <= fd < _MAX_FDS) or self._fds[fd] is None:
            return
        sock = self._fds[fd]
        self._fds[fd] = None
        sock.closed = True
        slot = sock.slot
        sock.slot = -1
        if slot >= 0 and sock.gen == self._gen:
            if sock.listening:  # see listen(): the slot stays with its running listener
                if self._idle_gen != self._gen:
                    self._idle = {}
                    self._idle_gen = self._gen
                self._idle[sock.port] = slot
                return
            with self._seq:  # (no recovery, and no claim of the slot, meanwhile)
                try:
                    if self._broken is None:
                        self._call(c.STOP_CLIENT_TCP, slot)
                        return
                except OSError as exc:
                    self._log("wifinina: close(%d): %s" % (fd, exc))
                if self._broken is not None and slot not in self._lost:
                    self._lost.append(slot)  # the recovery stops it (or a reset frees it)

    def setsockopt(self, fd, level, opt, value):
        """NINA-FW has no socket options: ``OSError(EOPNOTSUPP)``."""
        self._get(fd)
        raise error(nd.EOPNOTSUPP, "socket option (%r, %r) not supported by NINA-FW" % (level, opt))

    def gethostbyname(self, name, deadline=None):
        """Resolve ``name`` on the co-processor by ``deadline``; literal IPv4 addresses come
        back as they are."""
        if nd.check_hostname(name):
            return name
        self._check()
        tries = _RETRIES
        while True:
            try:
                self._take(deadline)  # (released by _blocking)
                # REQ_HOST_BY_NAME, then GET_HOST_BY_NAME in the same hold of the co-processor
                # (the firmware keeps one result for both)
                length = c.string_command(self._cmd, _REQ_HOST_BY_NAME, name)
                ip = self._blocking(length, _REQ_HOST_BY_NAME, -1, _DNS_MS, deadline)
                break
            except ProtocolError:  # a link fault: recovered, then again
                tries -= 1
                if not tries:
                    raise
                self._check()
        if not ip:
            raise error(nd.EAI_NONAME, "host %r not found (co-processor DNS lookup failed)" % (name,))
        return ip

    def addr(self):
        """The co-processor's IPv4 address (``"0.0.0.0"`` before joining a network)."""
        self._check()
        rep = self._query(_GET_IPADDR, 0xFF, 3, 20)
        at = c.param(rep, 0)
        return nd.format_ipv4(rep[at : at + 4])

    def bind(self, fd, address):
        """TCP: remember the port for :meth:`listen`. UDP: open the firmware's socket on it."""
        return load(_MORE).bind(self, fd, address)

    def listen(self, fd, backlog):
        """Start the firmware's TCP server on the port given to :meth:`bind`.

        NINA-FW cannot stop a listener (STOP_CLIENT frees the slot number but leaves the
        listener attached, and a client later given that slot would misbehave), so a closed
        listener keeps its slot and is taken up again by the next listen on the same port."""
        return load(_MORE).listen(self, fd, backlog)

    def accept(self, fd, deadline=None):
        """Wait for a client on a listening fd; returns ``(fd, (ip, port))``."""
        return load(_MORE).accept(self, fd, deadline)

    def connect(self, fd, host, address, deadline=None):
        """TCP/TLS: open the connection (TLS: the co-processor resolves ``host``, sends SNI and
        verifies the certificate). UDP: record the peer (binding an ephemeral port if needed)."""
        ip, port = nd.check_address(address)
        if host:
            nd.check_hostname(host)
        self._check()
        sock = self._get(fd)
        if sock.proto == nd.IPPROTO_UDP:
            if not ip:
                if not host:
                    raise error(nd.EINVAL, "UDP connect needs an address")
                ip = self.gethostbyname(host, deadline)
            if sock.slot < 0:
                load(_MORE).udp_bind(self, sock, 0)
            sock.peer = nd.parse_ipv4(ip)
            sock.peer_port = port
            return
        if sock.slot >= 0 or sock.listening:
            raise error(nd.EISCONN, "socket already connected")
        if sock.eof:
            raise error(nd.EINVAL, "socket was connected before: open a new one")
        tls = sock.proto == nd.IPPROTO_TLS
        if tls and not host:
            host = ip  # TLS by address: the firmware reverses the octets of a bare IP
        if not host and not ip:
            raise error(nd.EINVAL, "connect needs an address or a host name")
        if tls and not self._esp32_core:
            for other in self._fds:  # one mbedTLS session fits the RAM of firmware before 3.x
                if other is not None and other.proto == nd.IPPROTO_TLS and other.slot >= 0:
                    raise error(
                        nd.ENOMEM,
                        "NINA-FW %s holds one TLS session at a time: close the other TLS "
                        "connection first" % self.version,
                    )
        raw = nd.parse_ipv4(ip) if ip else b"\x00\x00\x00\x00"
        mode = _MODE_TLS if tls else c.MODE_TCP
        tries = _RETRIES
        while True:
            try:
                with self._seq:  # until START_CLIENT occupies the slot GET_SOCKET found free
                    slot = self._claim(deadline)
                    gen = self._gen
                    self._take(deadline)  # (released by _blocking; the arguments were checked)
                started = ticks_ms()
                length = c.start_client(self._cmd, host, raw, port, slot, mode=mode)
                limit = _TLS_CONNECT_MS if tls and self._esp32_core else _CONNECT_MS
                ok = self._blocking(length, c.START_CLIENT_TCP, slot, limit, deadline)
                break
            except ProtocolError:  # a link fault: recovered (a slot START_CLIENT reached is
                tries -= 1  # stopped), then again
                if not tries:
                    raise
                self._check()
        if ok:
            sock.slot = slot
            sock.gen = gen
            return
        took = ticks_diff(ticks_ms(), started)
        raise load(_MORE).connect_error(self, tls, "%s:%d" % (host or ip, port), took)

    def send(self, fd, buf, flags=0, deadline=None):
        """Send all of ``buf`` (TCP/TLS in chunks of up to 4083 bytes, partial device writes
        retried); UDP: one datagram to the connected peer. Returns ``len(buf)``, or what
        went when the deadline passed part way."""
        buf = nd.send_view(buf)  # (len() counts bytes, whatever the buffer's items)
        self._check()
        sock = self._get(fd)
        if flags:
            raise error(nd.EOPNOTSUPP, "send flags not supported")
        size = len(buf)
        if sock.proto == nd.IPPROTO_UDP:
            return load(_MORE).send_datagram(self, sock, buf, size)
        if sock.eof:
            if sock.aborted:
                raise _aborted_error(sock)
            raise error(nd.EPIPE, "broken pipe: the peer closed the connection")
        self._live(sock)
        sock.buf = buf
        sock.off = 0
        sock.dl = deadline
        sock.faults = 0
        try:
            while sock.off < size:
                # a TLS record the firmware holds must go whatever the caller's deadline
                wait(self._send_once, fd, sock, deadline if sock.held is None else sock.held, "send")
        except OSError as exc:
            if sock.held is not None:
                exc = load(_MORE).drop_held(self, sock, exc, _TLS_HELD_MS)
            return cut_short(exc, sock.off)
        finally:
            sock.buf = None
        return size

    def _retry(self, exc, sock):
        """After an attempt for ``sock`` failed with ``exc``: a link fault that left the
        connection's state known (nothing reached it, or only a query) is recovered here and
        the attempt made again (None); anything else is raised."""
        if sock.faults >= _RETRIES or not isinstance(exc, ProtocolError):
            raise exc
        sock.faults += 1
        self._check()
        if sock.aborted or sock.gen != self._gen:  # given up (its state is unknown), or reset
            raise exc

    def _send_attempt(self, fd, sock):
        if sock.hold and ticks_diff(sock.resume, ticks_ms()) > 0:
            return None  # Adafruit 1.x: let its send buffer drain first (see below)
        if self._busy():
            return None  # the co-processor works on a connect or DNS lookup: try again later
        data = sock.buf
        count = len(data) - sock.off
        tls = sock.proto == nd.IPPROTO_TLS
        count = min(count, _ESP32_TCP_CHUNK if self._esp32_core and not tls else c.MAX_SEND)
        if self._esp32_core:
            limit = _TLS_SEND_MS if tls else _SEND_MS
        else:  # Arduino, Adafruit 2.x: an accepted client's send blocks (see _SEND_MS)
            limit = _READY_MS if tls or self._close_when_full else _SEND_MS
        try:
            with self._lock:
                if not self._settle():
                    return None
                slot = self._live(sock)
                self._send_data(_SEND_DATA_TCP, slot, data, sock.off, count)
                self._receive(_SEND_DATA_TCP, limit, 1)
                rep = self._rep
                written = c.uint_le(rep, 4, 2) if rep[3] == 2 else rep[4]
                if written > count:  # (the count is wrong: what went is unknown)
                    raise self._fault("SEND_DATA_TCP reported %d bytes written of %d sent" % (written, count))
                self._flight = -1
        except OSError as exc:
            return self._retry(exc, sock)
        if written:
            sock.held = None
            sock.off += written
            sock.faults = 0
            if written < count and self._close_when_full:
                # A partial write means the firmware's send buffer is full, and Adafruit 1.x
                # closes the connection when a write finds it full: hold back a while, longer
                # each time it is still full.
                sock.hold = min(sock.hold * 2, _HOLD_MAX_MS) if sock.hold else _HOLD_MS
                sock.resume = ticks_add(ticks_ms(), sock.hold)
            else:
                sock.hold = 0
            return written
        if self._alive(sock):
            if tls and sock.held is None and not self._esp32_core:
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
        self._check()
        sock = self._get(fd)
        if flags:
            raise error(nd.EOPNOTSUPP, "recv flags not supported")
        if not size:
            return 0
        if sock.eof:
            if sock.aborted:
                raise _aborted_error(sock)
            return 0
        self._live(sock)
        sock.buf = buf
        sock.dl = deadline
        sock.faults = 0
        try:
            return wait(self._recv_once, fd, sock, deadline, "recv")
        finally:
            sock.buf = None

    def _recv_attempt(self, fd, sock):
        # While nothing comes, polls cost no bus traffic: the firmware raises GPIO0 when a
        # socket has data (docs/protocol-nina.rst, GPIO0), so a low line skips GET_DATABUF, and the connection
        # state (end of stream, which GPIO0 does not signal) is asked every _RECHECK_MS.
        hint = self._hint
        # Adafruit 1.x peeks with each state check (see _alive): fewer checks keep an idle bus
        # under 50 transactions a second
        slow = self._peek_ms
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
        if self._busy():
            return None  # the co-processor works on a connect or DNS lookup: try again later
        into = sock.buf
        size = len(into)
        udp = sock.proto == nd.IPPROTO_UDP
        if udp or size > c.MAX_READ:
            size = c.MAX_READ  # UDP: the whole datagram, so that the rest can be dropped
        try:
            with self._lock:
                if not self._settle():
                    return None
                slot = self._live(sock)
                got = self._read_data(slot, into, size)
        except OSError as exc:
            return self._retry(exc, sock)
        if got:
            if quiet:
                self._hint = None  # data while GPIO0 said none: this firmware does not drive it
            sock.idle = False
            return got
        sock.polled = now
        if not sock.idle:
            sock.idle_since = now
        if udp:
            sock.idle = True
            sock.checked = now
            return None
        recheck = _BLIND_RECHECK_MS + slow + slow if blind else _RECHECK_MS + slow
        if sock.idle and ticks_diff(now, sock.checked) < recheck:
            return None  # the state was asked a moment ago
        sock.idle = True
        sock.checked = now
        try:
            if self._alive(sock):
                return None
        except OSError as exc:
            return self._retry(exc, sock)
        return 0

    def _read_data(self, slot, into, size):
        """GET_DATABUF_TCP, clocking the data straight into ``into`` (lock held)."""
        self._send(c.databuf_request(self._cmd, slot, size), c.GET_DATABUF_TCP)
        self._flight = slot
        self._await_reply(c.GET_DATABUF_TCP, _READY_MS)
        rep = self._rep
        try:
            with self._device as spi:
                self._select(c.GET_DATABUF_TCP)
                spi.readinto(rep, end=5)
                if rep[0] != c.START:
                    self._align(spi, rep, 5)
                count = c.data_reply_length(rep, c.GET_DATABUF_TCP)
                if count > size:
                    raise c.protocol_error(c.GET_DATABUF_TCP, "at most %d data bytes" % size, "%d" % count)
                keep = count if count <= len(into) else len(into)
                if keep:
                    spi.readinto(into, end=keep)
                drop = count - keep
                while drop > 0:
                    step = drop if drop < _REP_SIZE else _REP_SIZE
                    spi.readinto(rep, end=step)
                    drop -= step
                spi.readinto(rep, end=1)
                c.check_end(rep, c.GET_DATABUF_TCP)
            self._flight = -1
            return keep
        except ProtocolError as exc:
            self._mark_broken(exc)
            raise

    # -- Netlinker hooks -------------------------------------------------------------------------------

    def _status(self):
        return self._call(_GET_CONN_STATUS)

    def _link_join(self, params):
        self._check()
        self._join(params)

    def _join(self, params):
        ssid = params.ssid.encode()
        passphrase = params.passphrase.encode()
        if params.connect_mode == CONNECT_MODE_AP:
            return load(_MORE).start_ap(self, params, ssid, passphrase)
        self._mode = 0
        up = self._status() == _WL_CONNECTED
        if up and self.ssid == params.ssid:
            return None  # already associated (a watchdog rejoin after a recovery)
        # Adafruit 3.x keeps the last disconnect's reason: only one that changed during this
        # join is news. Older firmware: whether begin() will stop an association.
        before = self._reason() if self._esp32_core else up
        self._take(None)
        try:
            if passphrase and params.auth_type != AUTH_TYPE_OPEN:
                length = c.pair_command(self._cmd, _SET_PASSPHRASE, ssid, passphrase)
                self._transact(length, _SET_PASSPHRASE, _JOIN_MS)
            else:
                self._transact(c.string_command(self._cmd, _SET_NET, ssid), _SET_NET, _JOIN_MS)
        finally:
            self._lock.release()
        try:
            status = wait(self._status_once, 0, before, nd.deadline(params.connect_timeout), "join")
        except OSError as exc:
            if exc.args[0] != nd.ETIMEDOUT:
                raise
            # arduino-esp32 retries a refused passphrase for ever; its reason code says so
            if not self._esp32_core or self._reason() not in (15, 202, 204):
                raise connect_timeout_error(params.ssid, params.connect_timeout)
            status = _WL_DISCONNECTED
        if status == _WL_CONNECTED:
            return None
        reason = self._reason()
        if reason is None:  # Adafruit 1.x has no reason code: is the network there at all?
            for net in load(_MORE).scan(self):
                if net[0] == params.ssid:
                    raise auth_error(params.ssid)
            raise no_network_error(params.ssid)
        if reason == 201:
            raise no_network_error(params.ssid)
        if reason in (15, 202, 204):
            raise auth_error(params.ssid)
        raise failed_error(params.ssid, "status %d, reason %d" % (status, reason))

    def _join_attempt(self, fd, before):
        status = self._status()
        if status in (_WL_CONNECTED, _WL_CONNECT_FAILED):
            return status
        if status not in (_WL_CONNECTION_LOST, _WL_DISCONNECTED):
            # arduino-esp32 (3.x) gives up on an unknown SSID with NO_SSID_AVAIL; older
            # firmware says NO_SSID_AVAIL while it is still connecting
            return status if self._esp32_core and status == _WL_NO_SSID_AVAIL else None
        if self._esp32_core:
            # STA.cpp: DISCONNECTED / CONNECTION_LOST while it retries, a refused passphrase
            # included (reason 15, 204; AUTH_FAIL 202 fails only the second time since boot)
            reason = self._reason()
            return status if reason != before and reason in (15, 202, 204) else None
        # <= 2.x: DISCONNECTED is final, unless begin() stopped an association: its
        # disconnect (reason 8) lands during this join, so poll on (Adafruit 1.x cannot say
        # why: to the deadline, as the reference hosts do)
        return status if not before or self._reason() not in (None, 8) else None

    def _reason(self):
        if not self._has_reason:
            return None
        try:
            return self._call(_GET_REASON_CODE)
        except CommandError:
            return None

    def _link_leave(self):
        if self._broken is None:
            self._call(_DISCONNECT, 0xFF)

    def _link_up(self):
        status = self._status()
        if self._mode == CONNECT_MODE_AP:
            # arduino-esp32 based firmware (3.x) has no access point statuses
            return status in (_WL_AP_LISTENING, _WL_AP_CONNECTED) or (self._esp32_core and status < 254)
        return status == _WL_CONNECTED

    def _link_reset(self):
        with self._seq:
            if self._broken is not None:
                call_once("adafruit_netdev_wifinina._recovery", "recover", self)  # back in step, else reset

    def hardware_addr(self):
        """The 6-byte MAC address, first octet first (whatever order the firmware sends)."""
        return load(_MORE).hardware_addr(self)

    # -- extras --------------------------------------------------------------------------------------

    @property
    def ssid(self):
        """The SSID of the network joined (``""`` when none)."""
        self._check()
        rep = self._query(_GET_CURR_SSID, 0xFF, 1, 40)
        at = c.param(rep, 0)
        return nd.decode_text(rep[at : at + c.param_len(rep, at)])

    @property
    def rssi(self):
        """Signal strength of the joined network in dBm (0 when not associated)."""
        return load(_MORE).rssi(self)

    def get_time(self):
        """Seconds since 1970 from the co-processor's SNTP client; 0 until it has synced."""
        return load(_MORE).get_time(self)

    def scan_networks(self):
        """Scan (a few seconds; the firmware drops the association meanwhile and this rejoins
        afterwards). Returns ``[(ssid, rssi, channel, encryption), ...]``; encryption is
        ``"open"``, ``"wep"``, ``"wpa"``, ``"wpa2"``, ``"wpa/wpa2"`` or ``"other"``."""
        return load(_MORE).scan_networks(self)


def _aborted_error(sock):
    if sock.aborted == 2:
        return error(
            EIO,
            "connection abandoned: a link fault left its state unknown (bytes may be lost or sent "
            "twice); close this socket",
        )
    return error(nd.ECONNABORTED, "connection lost: the Wi-Fi link went down; close this socket")
