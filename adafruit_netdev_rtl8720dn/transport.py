# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""
`adafruit_netdev_rtl8720dn.transport`
================================================================================

The eRPC link to the RTL8720DN over a UART: one call/reply exchange at a time, frames
checked (length, CRC, codec version, service/method/sequence), the firmware's own
frames (Wi-Fi events, callbacks) handled wherever they appear, every read bounded, and
recovery after a fault (resynchronise; else reset the chip through its enable pin).

Works with ``busio.UART`` (CircuitPython, Blinka) and ``serial.Serial`` (pyserial):
both offer ``write``, ``readinto``, ``in_waiting`` and ``timeout``.
"""

import time

from adafruit_ticks import ticks_add, ticks_diff, ticks_ms
from micropython import const

from adafruit_netdev import EIO, call_once, deadline, error, make_lock, wait
from adafruit_netdev_rtl8720dn import erpc

# eRPC message types, and the ids of the system and callback services (erpc.py has the
# shared ones)
_ONEWAY = const(1)
_REPLY = const(2)
_SVC_CALLBACK = const(19)
_CALLBACK_EVENT = const(1)
_CALLBACK_DNS_FOUND = const(2)

_CALL_MAX = const(320)  # a call's parameters and a reply, less any bulk data (see put_payload)
# Private consts: MicroPython folds them into the bytecode (a public name costs RAM)
_CALL_MS = const(3000)  # a call the firmware answers at once
_QUIET_MS = const(30)  # no byte for this long: the line is idle
_DRAIN_MS = const(1500)
# loaded for a start or a reset, and for a recovery, then dropped (call_once)
_BOOT = "adafruit_netdev_rtl8720dn._boot"
_RECOVER = "adafruit_netdev_rtl8720dn._recover"


class Transport:
    """Frames and exchanges over ``uart``; see the module docstring.

    Use from the driver::

        t.enter()                 # the device lock (recovers the link first after a fault)
        try:
            off = t.begin(erpc.SVC_LWIP, erpc.LWIP_SOCKET)
            off = erpc.put_i32(t.tx, off, 2) ...
            length = t.call(off)  # the reply body is t.rx[0:length]
        finally:
            t.leave()

    ``tx`` and ``rx`` are one small buffer (320 bytes): a call is built in it and
    sent, and its reply read into it, so read what a reply says before beginning the next
    call. Bulk data never passes through it: a call's large binary parameter is sent from
    where it lies (:meth:`put_payload`), and a reply's data is read straight into the
    caller's buffer (``call(..., into=buf)``). So the driver keeps no 4 KiB frame buffer,
    and no byte is copied twice.

    :param uart: ``busio.UART`` or ``serial.Serial``, 614400 baud for firmware 2.1.2+
    :param enable: the chip-enable pin (``digitalio.DigitalInOut``) or None
    :param driver: the :class:`~adafruit_netdev_rtl8720dn.RTL8720DN` this link belongs
        to, or None. After a fault, the link is recovered (``_recover``): resynchronised, and
        the driver's chip state checked (did the chip restart by itself, are closes to be
        done again); else the chip is reset (``_boot``) and the driver re-initialises it.
    """

    def __init__(self, uart, enable=None, debug=False, driver=None):
        self.uart = uart
        self.enable = enable
        self.debug = debug
        self.driver = driver
        self.tx = self.rx = bytearray(_CALL_MAX)  # see the class docstring
        self.view = memoryview(self.tx)  # of tx (= rx)
        self._payload = None  # the call's bulk parameter (put_payload), and where it goes
        self._at = 0
        self._hdr = bytearray(erpc.FRAME_HEADER)
        self._hdrv = memoryview(self._hdr)
        self._reply = bytearray(16)  # answers to the firmware's own calls
        self._lock = make_lock()
        self._seq = 0
        self._want_word = 0
        self._want_seq = 0
        self._recovering = False
        self._enter_attempt = self._try_enter
        self.fault = None  # the OSError of the last fault, until recovered
        self.restarts = 0  # chip resets through the enable pin
        self.version = None
        self.call_ms = _CALL_MS
        # Wi-Fi state reported by the firmware's event frames (service 19).
        self.last_event = None
        self.disconnect_reason = 0
        self.events = 0
        if getattr(uart, "timeout", None) in (None, 0):
            # pyserial's None blocks forever and 0 never waits: bound reads, cheaply
            uart.timeout = 0.05
        if enable is not None and hasattr(enable, "switch_to_output"):
            enable.switch_to_output(value=True)
        self._readinto = getattr(uart, "readinto", None)

    # -- locking ------------------------------------------------------------------------------

    def enter(self):
        """Take the device lock for one exchange. After a fault, recover the link first
        (resynchronise, else reset the chip); while another thread does that, wait with
        the lock released. Returns True when the chip was reset (sockets are gone)."""
        self._lock.acquire()
        if self._recovering:
            self._lock.release()
            wait(self._enter_attempt, 0, None, deadline(30), "waiting for the RTL8720DN to restart")
        if self.fault is None:
            return False
        try:  # resynchronise, else reset the chip (_recover, loaded for it and dropped after)
            return call_once(_RECOVER, "recover", self)
        except BaseException:
            self._lock.release()
            raise

    def _try_enter(self, _fd, _arg):
        self._lock.acquire()
        if not self._recovering:
            return True  # keep the lock: enter() returns holding it
        self._lock.release()
        return None

    def leave(self):
        self._lock.release()

    def boot(self, name, arg):
        """``name(arg)`` of the module that starts and resets the chip (``_boot``), loaded
        for the call and dropped after it (:func:`adafruit_netdev.call_once`): ``start``
        (the driver), ``restart`` (this transport) or ``init_stack`` (the driver)."""
        return call_once(_BOOT, name, arg)

    # -- one exchange ---------------------------------------------------------------------------

    def begin(self, service, method):
        """Start a call in ``tx`` with the next sequence number; returns the parameter offset."""
        seq = self._seq = (self._seq + 1) & 0x3FFFFFFF
        self._want_word = erpc.header_word(service, method, _REPLY)
        self._want_seq = seq
        self._payload = None
        return erpc.begin(self.tx, service, method, seq)

    def put_payload(self, off, data):
        """A ``binary`` parameter at ``off`` that is sent from ``data`` itself (a
        memoryview, bytes or bytearray of up to a frame), not copied into ``tx``. Returns
        the offset of the next parameter, which follows it on the wire. One a call."""
        off = erpc.put_u32(self.tx, off, len(data))
        self._payload = data
        self._at = off
        return off

    def call(self, end, timeout_ms=0, into=None, size=12):
        """Send the call built in ``tx`` up to ``end``; wait up to ``timeout_ms`` (default
        :attr:`call_ms`) for its reply, handling the firmware's own frames on the way.
        Returns the reply body's length (the body is ``rx[0:length]``). A missing, corrupt
        or unexpected reply, or one shorter than ``size`` (the message header and the
        values the call returns: 12 for one i32), raises ``OSError(EIO)`` and marks the
        link faulted. (A short reply must not pass: what it leaves out, ``rx`` still holds
        of the request.)

        ``into`` (a memoryview): the reply's first parameter is a ``binary``, read into
        ``into`` instead of ``rx``. ``rx[8:12]`` holds its length, and what follows it in
        the reply starts at ``rx[12]``; the length returned leaves it out. A reply with
        more data than ``into`` holds is a fault."""
        tx = self.tx
        payload = self._payload
        if payload is None:
            self._write(self.view, 0, erpc.finish(tx, end))
        else:
            self._payload = None
            at = self._at
            erpc.finish(tx, end, payload, at)
            self._write(self.view, 0, at)
            self._write(payload, 0, len(payload))
            self._write(self.view, at, end)
        dl = ticks_add(ticks_ms(), timeout_ms or self.call_ms)
        want_word = self._want_word
        want_seq = self._want_seq
        rx = self.rx
        while True:
            length = self._read_frame(dl, into)
            word = erpc.message_word(rx)
            seq = erpc.message_seq(rx)
            if word == want_word and seq == want_seq:
                if length < size:
                    raise self.fail("a %d-byte reply, %d expected (it passed the CRC)" % (length, size))
                return length
            mtype = word & 0xFF
            if mtype == _ONEWAY:
                self._oneway(word, length)
            elif mtype == erpc.INVOCATION:
                self._answer(word, seq)
            elif mtype == _REPLY and seq != want_seq:
                self._log("dropped a late reply (%s, seq %d)" % (erpc.describe(word), seq))
            else:
                raise self.fail(
                    "expected the reply to %s seq %d, got %s seq %d"
                    % (erpc.describe(want_word), want_seq, erpc.describe(word), seq)
                )

    def _write(self, view, done, size):
        uart = self.uart
        while done < size:
            n = uart.write(view[done:size])
            if n is None:  # some ports return None for "all of it"
                return
            if n <= 0:
                raise self.fail("the UART accepted no bytes")
            done += n

    def _read(self, view, got, count, dl):
        """Read ``view[got:count]``, bounded by the UART timeout and ``dl``; returns the
        offset reached (``count`` when all came)."""
        readinto = self._readinto
        uart = self.uart
        while got < count:
            if readinto is not None:
                n = readinto(view[got:count])
            else:
                data = uart.read(count - got)
                n = len(data) if data else 0
                if n:
                    view[got : got + n] = data
            if n:
                got += n
            elif ticks_diff(dl, ticks_ms()) <= 0:
                break
        return got

    def _body(self, view, start, end, dl, crc=None):
        """Read ``view[start:end]`` of a frame's body; returns the CRC carried on over it
        (``crc`` None: the body starts here)."""
        got = self._read(view, start, end, dl)
        if got < end:
            raise self.fail("truncated frame: its body stopped %d bytes short, then silence" % (end - got))
        return erpc.crc16(view, start, end) if crc is None else erpc.crc16(view, start, end, crc)

    def _read_frame(self, dl, into):
        """Read one frame: its body into ``rx``, but for the awaited reply's data when
        ``into`` is given (see :meth:`call`), and for a frame too long for ``rx`` (a late
        reply that carried data), of which only the message header is kept. Returns the
        body's length in ``rx``."""
        hdr = self._hdr
        got = self._read(self._hdrv, 0, erpc.FRAME_HEADER, dl)
        if got < erpc.FRAME_HEADER:
            if got == 0:
                raise self.fail("no reply from the RTL8720DN (it does not answer)")
            raise self.fail("truncated frame: %d of 4 header bytes, then silence" % got)
        length = erpc.frame_length(hdr)
        if not erpc.plausible_header(length):
            raise self.fail(
                "garbage on the link: frame header %02x %02x %02x %02x gives a %d-byte body"
                % (hdr[0], hdr[1], hdr[2], hdr[3], length)
            )
        rx = self.rx
        rxv = self.view
        room = len(rx)
        crc = self._body(rxv, 0, 8, dl)
        kept = length
        ours = erpc.message_word(rx) == self._want_word and erpc.message_seq(rx) == self._want_seq
        if ours and into is not None and length >= 12:
            crc = self._body(rxv, 8, 12, dl, crc)
            n = erpc.get_u32(rx, 8)
            kept = length - n
            if n > len(into) or not 12 <= kept <= room:
                raise self.fail(
                    "a reply with %d data bytes in a %d-byte body, for %d" % (n, length, len(into))
                )
            crc = self._body(into, 0, n, dl, crc)
            crc = self._body(rxv, 12, kept, dl, crc)
        elif length <= room:
            crc = self._body(rxv, 8, length, dl, crc)
        else:  # read through it, keeping its message header
            got = 8
            while got < length:
                step = min(length - got, room - 8)
                crc = self._body(rxv, 8, 8 + step, dl, crc)
                got += step
            kept = 8
        if crc != erpc.frame_crc(hdr):
            raise self.fail(
                "CRC mismatch on a %d-byte frame (sent 0x%04x, computed 0x%04x)"
                % (length, erpc.frame_crc(hdr), crc)
            )
        if rx[3] != erpc.CODEC_VERSION:
            raise self.fail("frame with codec version %d (expected 1)" % rx[3])
        if ours and kept < length and into is None:
            raise self.fail("a %d-byte reply, longer than any this call expects" % length)
        return kept

    def _oneway(self, word, length):
        """The firmware's one-way frames: Wi-Fi events (19/1); anything else is logged."""
        if word == erpc.header_word(_SVC_CALLBACK, _CALLBACK_EVENT, _ONEWAY):
            event = erpc.parse_event(self.rx, length)
            if event is not None:
                self.events += 1
                self.last_event = event[0]
                if event[0] == erpc.EVENT_STA_DISCONNECTED:
                    self.disconnect_reason = event[1]
                self._log("wifi event %d (reason %d)" % event)
                return
        self._log("ignored a one-way frame: %s" % erpc.describe(word))

    def _answer(self, word, seq):
        """Reply to a call the firmware makes to the host (service 19): DNS-found is void,
        the raw-TCP callbacks return 0. The driver triggers none of them; answering keeps
        a firmware that sends one from waiting forever. A call of any other service is
        no firmware's: the UART echoes what the host sends (looped back or miswired), and
        answering it would give the host its own answer."""
        service = (word >> 16) & 0xFF
        method = (word >> 8) & 0xFF
        if service != _SVC_CALLBACK:
            raise self.fail(
                "the line echoes what is sent (%s seq %d came back): is the UART looped back, "
                "or the chip missing?" % (erpc.describe(word), seq)
            )
        buf = self._reply
        end = erpc.begin(buf, service, method, seq, _REPLY)
        if method > _CALLBACK_DNS_FOUND:
            end = erpc.put_i32(buf, end, 0)
        self._write(memoryview(buf), 0, erpc.finish(buf, end))
        self._log("answered a firmware call: %s" % erpc.describe(word))

    def bad_count(self, value, limit):
        """The fault of a reply that passed the CRC but returns ``value`` where at most
        ``limit`` can be (a count beyond what was asked, a socket number out of range)."""
        return self.fail("a reply gives %d where at most %d can be" % (value, limit))

    def fail(self, message):
        exc = error(EIO, "RTL8720DN link fault: %s; the link is recovered on the next call" % message)
        self.fault = exc
        self._log(exc.args[1])
        return exc

    def _log(self, message):
        if self.debug:
            print("rtl8720dn:", message)

    # -- recovery (see _recover and _boot) -------------------------------------------------------

    def drain(self):
        """Discard input until the line has been quiet for ``QUIET_MS`` (at most ``DRAIN_MS``)."""
        uart = self.uart
        limit = ticks_add(ticks_ms(), _DRAIN_MS)
        quiet = ticks_add(ticks_ms(), _QUIET_MS)
        while True:
            n = uart.in_waiting
            now = ticks_ms()
            if n:
                self._read(self.view, 0, min(n, _CALL_MAX), now)
                quiet = ticks_add(ticks_ms(), _QUIET_MS)
            elif ticks_diff(quiet, now) <= 0 or ticks_diff(limit, now) <= 0:
                return
            else:
                time.sleep(0.002)
