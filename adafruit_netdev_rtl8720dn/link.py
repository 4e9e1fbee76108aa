# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""
`adafruit_netdev_rtl8720dn.link`
================================================================================

The eRPC link to the RTL8720DN over a UART: one call/reply exchange at a time, frames
checked (length, CRC, codec version, service/method/sequence), the firmware's own
frames (Wi-Fi events, callbacks) handled wherever they appear, every read bounded. The
link knows nothing of sockets: after a fault (``fault`` set) the driver recovers it
(``_recovery``: resynchronise, else reset the chip through its enable pin).

Works with ``busio.UART`` (CircuitPython, Blinka) and ``serial.Serial`` (pyserial):
both offer ``write``, ``readinto``, ``in_waiting`` and ``timeout``.
"""

from adafruit_ticks import ticks_add, ticks_diff, ticks_ms
from micropython import const

from adafruit_netdev import EIO, deadline, error, make_lock, wait
from adafruit_netdev_rtl8720dn import codec

# eRPC message types (codec.py)
_ONEWAY = const(1)
_REPLY = const(2)
_INVOCATION = const(0)

_CALL_MAX = const(320)  # a call's parameters and a reply, less any bulk data (see call)
_PAYLOAD_AT = const(20)  # where a call's bulk parameter goes on the wire (codec.py)
# Private consts: see docs/circuitpython.rst, Heap rules
_CALL_MS = const(3000)  # a call the firmware answers at once


class Link:
    """Frames and exchanges over ``uart``; see the module docstring.

    Use (the driver's ``claim`` takes the lock, recovering the link first after a fault)::

        dev.claim()
        try:
            length = link.call(codec.ints(link.tx, codec.LWIP_SOCKET, 2, 1, 6))
            number = codec.get_i32(link.rx, 8)   # the reply body is rx[0:length]
        finally:
            link.release()

    ``tx`` and ``rx`` are one small buffer (320 bytes): a call is built in it and
    sent, and its reply read into it, so read what a reply says before building the next
    call. Bulk data never passes through it: a call's large binary parameter is sent from
    where it lies (``call(..., payload=data)``), and a reply's data is read straight into
    the caller's buffer (``call(..., into=buf)``). So the driver keeps no 4 KiB frame
    buffer, and no byte is copied twice.

    :param uart: ``busio.UART`` or ``serial.Serial``, 614400 baud for firmware 2.1.2+
    :param enable: the chip-enable pin (``digitalio.DigitalInOut``) or None
    """

    def __init__(self, uart, enable=None, debug=False):
        self.uart = uart
        self.enable = enable
        self.debug = debug
        self.tx = self.rx = bytearray(_CALL_MAX)  # see the class docstring
        self.view = memoryview(self.tx)  # of tx (= rx)
        self._hdr = bytearray(codec.FRAME_HEADER)
        self._hdrv = memoryview(self._hdr)
        self._reply = bytearray(16)  # answers to the firmware's own calls
        self._lock = make_lock()
        self.seq = 0  # the last call's sequence number
        self._want_word = 0
        self._want_seq = 0
        self.recovering = False  # a recovery runs with the lock released (_recovery)
        self._acquire_poll = self._acquire_once
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

    def acquire(self):
        """Take the device lock for one exchange; while a recovery runs (in another thread,
        the lock released while it sleeps), wait for it to finish."""
        self._lock.acquire()
        if self.recovering:
            self._lock.release()
            wait(self._acquire_poll, None, None, deadline(30), "waiting for the RTL8720DN to restart")

    def _acquire_once(self, _sock, _arg):
        self._lock.acquire()
        if not self.recovering:
            return True  # keep the lock: acquire() returns holding it
        self._lock.release()
        return None

    def release(self):
        self._lock.release()

    def end_recovery(self):
        """For ``_recovery``, which sets ``recovering`` and releases the lock while it
        works: the lock taken again, other threads let in after it."""
        self._lock.acquire()
        self.recovering = False

    # -- one exchange ---------------------------------------------------------------------------

    def call(self, end, timeout_ms=0, into=None, size=12, payload=None):
        """Send the call a codec builder made in ``tx`` (up to ``end``), numbered with the
        next sequence number; wait up to ``timeout_ms`` (default :attr:`call_ms`) for its
        reply, handling the firmware's own frames on the way. Returns the reply body's
        length (the body is ``rx[0:length]``). A missing, corrupt or unexpected reply, or
        one shorter than ``size`` (the message header and the values the call returns: 12
        for one i32), raises ``OSError(EIO)`` and marks the link faulted. (A short reply
        must not pass: what it leaves out, ``rx`` still holds of the request.)

        ``payload``: the call's bulk ``binary`` parameter, sent from where it lies (a
        memoryview, bytes or bytearray of up to a frame): the builder wrote its length.

        ``into`` (a memoryview): the reply's first parameter is a ``binary``, read into
        ``into`` instead of ``rx``. ``rx[8:12]`` holds its length, and what follows it in
        the reply starts at ``rx[12]``; the length returned leaves it out. A reply with
        more data than ``into`` holds is a fault."""
        tx = self.tx
        seq = self.seq = (self.seq + 1) & 0x3FFFFFFF
        codec.put_u32(tx, 8, seq)
        want_word = self._want_word = codec.get_u32(tx, 4) | _REPLY  # (its type INVOCATION is 0)
        self._want_seq = seq
        if payload is None:
            self._write(self.view, 0, codec.finish(tx, end))
        else:
            codec.finish(tx, end, payload)
            self._write(self.view, 0, _PAYLOAD_AT)
            self._write(payload, 0, len(payload))
            self._write(self.view, _PAYLOAD_AT, end)
        dl = ticks_add(ticks_ms(), timeout_ms or self.call_ms)
        rx = self.rx
        while True:
            length = self._read_frame(dl, into)
            word = codec.get_u32(rx, 0)  # the message header: type, method, service, version
            got = codec.get_u32(rx, 4)  # and the sequence number
            if word == want_word and got == seq:
                if length < size:
                    raise self.fail("a %d-byte reply, %d expected (it passed the CRC)" % (length, size))
                return length
            mtype = word & 0xFF
            if mtype == _ONEWAY:
                self._oneway(word, length)
            elif mtype == _INVOCATION:
                self._answer(word, got)
            elif mtype == _REPLY and got != seq:
                self.log("dropped a late reply (%s, seq %d)" % (codec.describe(word), got))
            else:
                raise self.fail(
                    "expected the reply to %s seq %d, got %s seq %d"
                    % (codec.describe(want_word), seq, codec.describe(word), got)
                )

    def call_i32(self, end, timeout_ms=0, payload=None):
        """:meth:`call`, then the i32 its reply returns (its first value)."""
        self.call(end, timeout_ms, None, 12, payload)
        return codec.get_i32(self.rx, 8)

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
        return codec.crc16(view, start, end) if crc is None else codec.crc16(view, start, end, crc)

    def _read_frame(self, dl, into):
        """Read one frame: its body into ``rx``, but for the awaited reply's data when
        ``into`` is given (see :meth:`call`), and for a frame too long for ``rx`` (a late
        reply that carried data), of which only the message header is kept. Returns the
        body's length in ``rx``."""
        hdr = self._hdr
        got = self._read(self._hdrv, 0, codec.FRAME_HEADER, dl)
        if got < codec.FRAME_HEADER:
            if got == 0:
                raise self.fail("no reply from the RTL8720DN (it does not answer)")
            raise self.fail("truncated frame: %d of 4 header bytes, then silence" % got)
        length = codec.get_u16(hdr, 0)
        if not 8 <= length <= codec.BODY_MAX:  # too short for a message, or longer than any
            raise self.fail(
                "garbage on the link: frame header %02x %02x %02x %02x gives a %d-byte body"
                % (hdr[0], hdr[1], hdr[2], hdr[3], length)
            )
        rx = self.rx
        rxv = self.view
        room = len(rx)
        crc = self._body(rxv, 0, 8, dl)
        kept = length
        ours = codec.get_u32(rx, 0) == self._want_word and codec.get_u32(rx, 4) == self._want_seq
        if ours and into is not None and length >= 12:
            crc = self._body(rxv, 8, 12, dl, crc)
            n = codec.get_u32(rx, 8)
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
        if crc != codec.get_u16(hdr, 2):
            raise self.fail(
                "CRC mismatch on a %d-byte frame (sent 0x%04x, computed 0x%04x)"
                % (length, codec.get_u16(hdr, 2), crc)
            )
        if rx[3] != codec.CODEC_VERSION:
            raise self.fail("frame with codec version %d (expected 1)" % rx[3])
        if ours and kept < length and into is None:
            raise self.fail("a %d-byte reply, longer than any this call expects" % length)
        return kept

    def _oneway(self, word, length):
        """The firmware's one-way frames: Wi-Fi events (19/1); anything else is logged."""
        if word == codec.EVENT_WORD:
            event = codec.parse_event(self.rx, length)
            if event is not None:
                self.events += 1
                self.last_event = event[0]
                if event[0] == codec.EVENT_STA_DISCONNECTED:
                    self.disconnect_reason = event[1]
                self.log("wifi event %d (reason %d)" % event)
                return
        self.log("ignored a one-way frame: %s" % codec.describe(word))

    def _answer(self, word, seq):
        """Reply to a call the firmware makes to the host (service 19; codec.callback_reply).
        The driver triggers none of them; answering keeps a firmware that sends one from
        waiting forever. A call of any other service is no firmware's: the UART echoes what
        the host sends (looped back or miswired), and answering it would give the host its
        own answer."""
        buf = self._reply
        size = codec.callback_reply(buf, word, seq)
        if not size:
            raise self.fail(
                "the line echoes what is sent (%s seq %d came back): is the UART looped back, "
                "or the chip missing?" % (codec.describe(word), seq)
            )
        self._write(memoryview(buf), 0, size)
        self.log("answered a firmware call: %s" % codec.describe(word))

    def bad_count(self, value, limit):
        """The fault of a reply that passed the CRC but returns ``value`` where at most
        ``limit`` can be (a count beyond what was asked, a socket number out of range)."""
        return self.fail("a reply gives %d where at most %d can be" % (value, limit))

    def fail(self, message):
        exc = error(EIO, "RTL8720DN link fault: %s; the link is recovered on the next call" % message)
        self.fault = exc
        self.log(exc.args[1])
        return exc

    def log(self, message):
        if self.debug:
            print("rtl8720dn:", message)
