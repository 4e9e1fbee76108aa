# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""
`adafruit_netdev_wifinina.link`
================================================================================

The SPI exchange with a NINA-FW co-processor (docs/protocol-nina.rst), one class,
:class:`Link`: a command transaction and a reply transaction per exchange, each one ``with``
block of ``adafruit_bus_device.spi_device.SPIDevice`` (other devices can share the bus), the
READY (ESP_BUSY) handshake around chip select, replies read whole or streamed (data and
scan replies), lead-in bytes skipped before a reply, and the replies owed for blocking
commands (connect, DNS) whose caller gave up. Frames are built and parsed by
:mod:`~adafruit_netdev_wifinina.codec`. The link knows nothing of sockets: it knows the
firmware's socket *number* a command in flight may change, and when a fault leaves that
unknown, it lists the number in :attr:`Link.lost` and tells the driver (``on_fault``).

Interface (what the driver and its lazy modules use): :meth:`take` / :meth:`grab` /
``acquire`` / ``release`` (the exchange lock; take and grab with the co-processor free for a command),
:meth:`exchange` (lock held), :meth:`call` and :meth:`query` (one whole exchange each),
:meth:`send`, :meth:`send_data`, :meth:`receive`, :meth:`read_data`, :meth:`select` and
:meth:`align` (for a reply streamed by its reader: the scan's),
:meth:`blocking` and :meth:`busy` (blocking commands), :meth:`fault`, :meth:`wait_ready`;
the attributes ``cmd`` and ``rep`` (the frame buffers, used with the lock held), ``aux``,
``broken``, ``flight``, ``lost``, ``pending``, ``pending_number``, ``pending_until``,
``waiter``, ``device`` and the pins ``cs``, ``ready``, ``reset``, ``gpio0``.
"""

import time

from adafruit_bus_device.spi_device import SPIDevice
from adafruit_ticks import ticks_add, ticks_diff, ticks_ms
from micropython import const

import adafruit_netdev as nd
from adafruit_netdev_wifinina import codec as c
from adafruit_netdev_wifinina.codec import ProtocolError

_BAUDRATE = const(8000000)
# Protocol bounds (ms): how long the co-processor may take before the link is declared dead.
_READY_MS = const(2000)  # READY low before a command, or a quick command's reply
_SELECT_MS = const(1000)  # READY high after CS falls
_LEAD_IN = const(10)  # stray bytes skipped before a reply's START, as the reference hosts do
_ERROR = const(0xEF)  # the error reply's first byte
_CMD_SIZE = const(300)  # largest non-data command: START_CLIENT with a 255-byte host name
_REP_SIZE = const(64)  # largest reply read whole (data and scan replies are streamed)
_GET_CLIENT_STATE_TCP = const(0x2F)
_ASK = const(0x100)  # in flight/lost: a state query of that number (_recovery asks again)
_REQ_HOST_BY_NAME = const(0x34)
_GET_HOST_BY_NAME = const(0x35)


class Link:
    """The SPI exchange with the co-processor.

    :param ~busio.SPI spi: the SPI bus
    :param cs: chip select, ``ready``: the READY/BUSY line, ``reset``: the reset line,
        ``gpio0``: GPIO0 or None (pins as :class:`~digitalio.DigitalInOut`)
    :param on_fault: ``on_fault(exc)``, called when a fault puts the link out of step
    """

    def __init__(self, spi, cs, ready, reset, gpio0, on_fault):
        self.device = SPIDevice(spi, cs, baudrate=_BAUDRATE)
        self.cs = cs
        self.ready = ready
        self.reset = reset
        self.gpio0 = gpio0
        ready.switch_to_input()
        reset.switch_to_output(value=True)
        self.on_fault = on_fault
        self._lock = nd.make_lock()  # one command/reply exchange
        self.cmd = bytearray(_CMD_SIZE)
        self.rep = bytearray(_REP_SIZE)
        # (17 attributes: one more and the instance's table grows at the heap's peak)
        self.aux = bytearray(8)  # _settle's frame (the caller's is in self.cmd), a data trailer
        self.broken = None  # the fault that put the link out of step, until it is recovered
        self.flight = -1  # socket number a command in flight changes (see mark_broken)
        self.lost = []  # socket numbers whose state a fault left unknown: stopped by the recovery
        # (or | _ASK: a state query's, asked again)
        self.pending = 0  # opcode of a blocking command (connect, DNS) whose reply is owed
        self.pending_number = 0
        self.pending_until = 0
        self.waiter = False  # its caller still waits for the reply (else it gave up)

    def wait_ready(self, level, limit_ms):
        """Wait until READY reads ``level``; False after ``limit_ms``. Spins briefly (replies
        usually come within microseconds), then sleeps in growing steps."""
        ready = self.ready
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

    # -- faults ----------------------------------------------------------------------------------

    def fault(self, message):
        """Record a link fault: the link is out of step until recovered. Returns the error."""
        exc = ProtocolError(nd.EIO, message + " (the link is recovered on the next call)")
        self.mark_broken(exc)
        return exc

    def mark_broken(self, exc):
        """The link is out of step with ``exc``; what the command in flight did to its
        connection is unknown: its number goes to :attr:`lost` (the recovery stops it)."""
        self.broken = exc
        if self.flight >= 0:
            self.lost.append(self.flight)
        self.pending = 0
        self.waiter = False
        self.on_fault(exc)  # (reads flight: the connection given up)
        self.flight = -1

    # -- the bus: one exchange = command transaction + reply transaction --------------------------

    def select(self, cmd):
        """READY high after CS fell (CS low, lock held): the co-processor is ready for the
        transaction of ``cmd``; a fault when it does not come."""
        if not self.wait_ready(True, _SELECT_MS):
            raise self.fault(
                "NINA co-processor did not acknowledge chip select for command 0x%02x: READY "
                "(ESP_BUSY) stayed low for %d ms (expected high); is it connected?" % (cmd, _SELECT_MS)
            )

    def _ready_for(self, cmd):
        """Before a command transaction (lock held): the link in step, and READY low."""
        if self.broken is not None:
            raise self.broken
        self.flight = -1
        if not self.wait_ready(False, _READY_MS):
            raise self.fault(
                "NINA co-processor not ready for command 0x%02x: READY (ESP_BUSY) stayed high "
                "for %d ms (expected low)" % (cmd, _READY_MS)
            )

    def send(self, length, cmd, frame=None):
        """Clock out ``self.cmd[:length]`` (or ``frame``) as one transaction (lock held)."""
        self._ready_for(cmd)
        with self.device as spi:
            self.select(cmd)
            spi.write(self.cmd if frame is None else frame, end=length)

    def send_data(self, cmd, number, data, off, count):
        """SEND_DATA_TCP / INSERT_DATABUF straight from the caller's buffer (lock held)."""
        self._ready_for(cmd)
        c.data_header(self.cmd, cmd, number, count)
        tail = c.trailer(self.aux, 8 + count)
        with self.device as spi:
            self.select(cmd)
            spi.write(self.cmd, end=8)
            if count:
                spi.write(data, start=off, end=off + count)
            spi.write(self.aux, end=tail)
        self.flight = number

    def await_reply(self, cmd, limit_ms):
        """Wait (lock held) until the co-processor has the reply to ``cmd``: a fault after
        ``limit_ms``."""
        if not self.wait_ready(False, limit_ms):
            raise self.fault(
                "no reply from the NINA co-processor to command 0x%02x within %d ms "
                "(READY stayed high)" % (cmd, limit_ms)
            )

    def align(self, spi, rep, have):
        """``rep[:have]``, just clocked, does not start with START: drop stray bytes in front
        of the reply, clocking in one more for each, up to _LEAD_IN of them (WiFiNINA's
        waitSpiChar and esp32spi's _wait_spi_char skip them too). Lock held, CS low."""
        for _ in range(_LEAD_IN):
            if rep[0] == c.START or rep[0] == _ERROR:
                return
            for i in range(1, have):
                rep[i - 1] = rep[i]
            spi.readinto(rep, start=have - 1, end=have)

    def receive(self, cmd, limit_ms=_READY_MS, nparams=-1, first=8):
        """Clock in the reply to ``cmd`` into ``self.rep``; returns its parameter count."""
        self.await_reply(cmd, limit_ms)
        rep = self.rep
        try:
            with self.device as spi:
                self.select(cmd)
                spi.readinto(rep, end=first)
                if rep[0] != c.START:
                    self.align(spi, rep, first)
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
            self.mark_broken(exc)
            raise

    def read_data(self, number, into, size):
        """GET_DATABUF_TCP, clocking the data straight into ``into``; what does not fit is
        read and dropped (lock held). Returns the bytes kept."""
        self.send(c.databuf_request(self.cmd, number, size), c.GET_DATABUF_TCP)
        self.flight = number
        self.await_reply(c.GET_DATABUF_TCP, _READY_MS)
        rep = self.rep
        try:
            with self.device as spi:
                self.select(c.GET_DATABUF_TCP)
                spi.readinto(rep, end=5)
                if rep[0] != c.START:
                    self.align(spi, rep, 5)
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
            self.flight = -1
            return keep
        except ProtocolError as exc:
            self.mark_broken(exc)
            raise

    # The command frame is built into self.cmd and the reply parsed from self.rep: both only
    # while holding the exchange lock (another thread's exchange reuses the buffers).

    def exchange(self, length, cmd, limit_ms=_READY_MS, nparams=-1, first=8):
        """One exchange of the frame already in ``self.cmd`` (lock held, taken with
        :meth:`take`); returns the reply's parameter count."""
        self.send(length, cmd)
        if cmd == c.STOP_CLIENT_TCP:
            # it frees the number: after a fault before its reply, the number may be free
            self.flight = self.cmd[4]
        elif cmd == _GET_CLIENT_STATE_TCP:
            # it frees the number when the connection ended: after a fault before its reply,
            # the recovery asks again (_ASK: the connection is not given up; _recovery)
            self.flight = self.cmd[4] | _ASK
        count = self.receive(cmd, limit_ms, nparams, first)
        self.flight = -1
        return count

    def call(self, cmd, value=None, limit_ms=_READY_MS, dl=None):
        """A command with no parameter or one byte, whose reply is one parameter: returns
        the parameter's first byte."""
        self.take(dl)
        try:
            self.exchange(c.command(self.cmd, cmd, value), cmd, limit_ms, 1)
            return self.rep[4]
        finally:
            self._lock.release()

    def query(self, cmd, value=None, nparams=1, first=8):
        """Like :meth:`call` for replies with more in them: returns a copy of the reply frame."""
        self.take(None)
        try:
            self.exchange(c.command(self.cmd, cmd, value), cmd, _READY_MS, nparams, first)
            return bytes(self.rep[: c.reply_size(self.rep, _REP_SIZE)])
        finally:
            self._lock.release()

    # A command the firmware runs to its end before it answers (START_CLIENT: a connect and
    # TLS handshake; REQ_HOST_BY_NAME: a DNS lookup) holds the co-processor for seconds, not
    # the exchange lock: its caller waits for the reply with the lock released (blocking), so
    # that the calls of other threads keep their own deadlines meanwhile (take; a send or
    # receive just tries again later). When its caller gives up, the reply is owed until the
    # next exchange collects it (_settle).

    def release(self):
        """Release the exchange lock taken with :meth:`take`, :meth:`grab` or :meth:`acquire`."""
        self._lock.release()

    def acquire(self):
        """Take the exchange lock as it is, an owed reply left owed (for the recovery, which
        deals with it)."""
        self._lock.acquire()

    def busy(self):
        """True while a blocking command holds the co-processor, or its caller has not yet
        collected the reply."""
        return self.pending and (self.waiter or self.ready.value)

    def take(self, dl):
        """Take the exchange lock with the co-processor free for a command: waiting with the
        lock released while another call's blocking command holds it, at most until ``dl``
        (``ETIMEDOUT``), or until that command's own limit when ``dl`` is None. The caller
        releases the lock (:meth:`release`)."""
        while True:
            if self.pending:
                nd.wait(self._free_once, None, None, dl, "waiting for the co-processor (busy)")
            if self.grab():
                return

    def grab(self):
        """Take the exchange lock if the co-processor is free for a command now (an owed
        reply is collected first): True, and the caller releases it. False (lock not held)
        while another call's blocking command holds it."""
        self._lock.acquire()
        try:
            if self._settle():
                return True
        except BaseException:
            self.release()
            raise
        self.release()
        return False

    def _free_once(self, sock, arg):
        """True once no other call's blocking command holds the co-processor (an owed reply
        is collected then, and it is a fault when it did not come within its limit); None
        while one does."""
        if self.busy() and (self.waiter or ticks_diff(self.pending_until, ticks_ms()) >= 0):
            return None
        with self._lock:
            self._settle()
        return True

    def blocking(self, length, cmd, number, limit_ms, dl):
        """Send the blocking command framed in ``self.cmd`` (lock held, and released on
        return) and wait for its reply: returns what :meth:`_collect_once` makes of it. When
        ``dl`` passes first, a timeout is raised and the reply left owed."""
        try:
            self.send(length, cmd)
            self.flight = number
            self.pending = cmd
            self.pending_number = number
            self.pending_until = ticks_add(ticks_ms(), limit_ms)
            self.waiter = True
        finally:
            self._lock.release()
        try:
            return nd.wait(self._collect_once, None, cmd, dl, "waiting for the co-processor")
        except OSError as exc:
            if self.pending == cmd and self.waiter:
                self.waiter = False  # gave up: the reply is collected by the next exchange
            if exc.args[0] in (nd.ETIMEDOUT, nd.EAGAIN):
                what = "connect" if cmd == c.START_CLIENT_TCP else "gethostbyname"
                raise nd.timeout_error("%s timed out (the co-processor was still at it)" % what)
            raise

    def _collect_once(self, sock, cmd):
        """One look for the reply to the blocking command ``cmd``: None while the co-processor
        works on it; its result once it came (START_CLIENT: True when connected;
        REQ_HOST_BY_NAME: the address, or "" when not found)."""
        if self.pending != cmd:
            raise self.broken or nd.error(nd.EIO, "NINA co-processor: the reply to 0x%02x was lost" % cmd)
        if self.ready.value:
            if ticks_diff(self.pending_until, ticks_ms()) >= 0:
                return None
            with self._lock:
                raise self.fault("no reply from the NINA co-processor to command 0x%02x in time" % cmd)
        with self._lock:
            count = self.receive(cmd, 0)
            ok = count == 1 and self.rep[4] == 1
            self.pending = 0
            self.waiter = False
            self.flight = -1
            if cmd != _REQ_HOST_BY_NAME:
                return ok
            if not ok:  # REQ_HOST_BY_NAME failed; else GET_HOST_BY_NAME, in the same hold
                return ""
            self.exchange(c.command(self.cmd, _GET_HOST_BY_NAME), _GET_HOST_BY_NAME, _READY_MS, 1)
            rep = self.rep
            if rep[3] != 4 or rep[4] == 255 or rep[4] == 0:
                return ""
            return nd.format_ipv4(rep[4:8])

    def _settle(self):
        """Before a command (lock held): collect the reply owed for a blocking command whose
        caller gave up (the link stays in step, and a connection that came up late is closed
        again). False when another call still waits for its blocking command's reply: no
        command may go now."""
        if not self.pending:
            return True
        if self.waiter:
            return False
        cmd = self.pending
        left = ticks_diff(self.pending_until, ticks_ms())
        self.await_reply(cmd, left if left > 0 else 0)
        count = self.receive(cmd, 0)
        self.pending = 0
        if cmd == c.START_CLIENT_TCP and count == 1 and self.rep[4] == 1:
            stop = self.aux
            self.send(c.command(stop, c.STOP_CLIENT_TCP, self.pending_number), c.STOP_CLIENT_TCP, stop)
            self.flight = self.pending_number
            self.receive(c.STOP_CLIENT_TCP, _READY_MS)
        self.flight = -1
        return True
