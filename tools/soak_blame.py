# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""What each lost round of the soak (tools/soak.py) cost, and what a perfect driver could
do with the same faults: :class:`Blame`.

It hooks the two ends of one driver's bus: the driver's exchange (NINA: ``Link.send`` and
``Link.send_data``, where a command transaction begins; RTL8720DN: ``Link.call``), which
says which command is on the bus for which thread and socket, and the emulator's fault
switchboard (``Faults.observer``), which says what it injected into that exchange. Each
lost round is then charged to the fault that cost it:

* **unavoidable**: a fault on an exchange of the round's *own* connection that moved its
  data, of a kind after which the host cannot know what that exchange did (below). The
  connection's state is unknown; giving it up is what the rule of issue 22 allows.
* **avoidable**: anything else: a fault on a status poll, a connect, a close, a socket
  call (each can be retried or checked), a fault the host can detect before the command
  ran, a fault on *another* connection's exchange, or no fault at all.

The data exchanges, and the faults that leave one unknown (docs/protocol-nina.rst,
docs/protocol-rtl8720dn.rst):

NINA-FW (``SEND_DATA_TCP``, ``GET_DATABUF_TCP``). The firmware runs the command, then
answers. ``no_reply``, ``garbage_reply``, ``truncated_reply`` and ``flipped_bit`` damage
the answer of a command that ran: after ``SEND_DATA_TCP`` the bytes are in the firmware's
socket (all, some or none: the count was in the lost reply, so resending may duplicate and
not resending may lose); after ``GET_DATABUF_TCP`` the firmware has taken them out of its
socket, and they existed only in the reply. NINA's frames carry no checksum: their framing
bytes (START, opcode | 0x80, parameter count, END) are the only check a reply has, so one
whose framing byte is wrong cannot be trusted as to its length or data either.
``request_lost`` is seen by the host before anything ran (READY does not acknowledge chip
select: the command was not taken) and ``ready_high`` delays the next command but leaves
the reply whole: neither leaves anything unknown.

RTL8720DN (``lwip_send`` 16/15, ``lwip_recv`` 16/12). Frames carry a CRC, so a garbled,
truncated or bit-flipped reply is detected, and unusable: the same unknowns as on NINA.
eRPC over the UART has no acknowledgement of a request, so a request the firmware dropped
(``request_lost``) and a reply it never sent (``no_reply``) are the same silence to the
host: it cannot know whether the call ran, and all five transient kinds leave a data call
unknown.

The *ceiling* is the fraction of rounds a perfect driver would complete: one that loses a
round only to these faults, ``(1 - rate * fatal / kinds) ** d`` averaged over the completed
rounds' ``d`` data exchanges (the faults are drawn uniformly among ``kinds``, at ``rate``
per exchange). Resets and outages (the full soak) take every connection by nature: a round
that saw one, or failed within AFTERMATH_S of one with the error of a lost network or a
reset chip (still coming back), is charged to it, as unavoidable, and the ceiling is given
for the transient mix only.
"""

import collections
import errno
import threading
import time

from adafruit_netdev_rtl8720dn import codec as rtl_codec
from netdev_emulator.nina_firmware import OPCODE_NAMES

_NINA_SEND, _NINA_READ = 0x44, 0x45  # SEND_DATA_TCP, GET_DATABUF_TCP
_NINA_WIDE = (0x44, 0x45, 0x46)  # commands whose socket number is a 16-bit-length parameter
_RTL_DATA = ((16, 15), (16, 12))  # lwip_send, lwip_recv
#: the faults after which the host cannot know what a data exchange did
NINA_UNKNOWING = ("no_reply", "garbage_reply", "truncated_reply", "flipped_bit")
RTL_UNKNOWING = NINA_UNKNOWING + ("request_lost",)
#: faults that take every connection by nature (not transient)
BY_NATURE = ("chip_reset", "ready_stuck", "hang", "ap_outage")
AFTERMATH_S = 15  # a round that fails this soon after one of them, with one of
AFTERMATH_ERRORS = (errno.EHOSTUNREACH, errno.ECONNRESET, errno.ECONNABORTED)  # is its loss


def _rtl_names():
    """``(service, method) -> name`` of the RTL8720DN calls, from its codec's constants."""
    names = {}
    for attr, value in vars(rtl_codec).items():
        if not isinstance(value, int) or not attr.lstrip("_").isupper():
            continue
        name = attr.lstrip("_").lower()
        if attr.startswith("_LWIP_") and value < 0x100:
            names[(16, value)] = "lwip_" + name[5:]
        elif attr.startswith("_TLS_") and value < 0x100:
            names[(17, value)] = name
        elif 0x100 <= value <= 0x13FF and attr.isupper() and "_" in attr and not attr.startswith("_"):
            names[(value >> 8, value & 0xFF)] = name
    names[(1, 2)] = "system_ack"  # the resynchronisation's ping (_SVC_SYSTEM, _SYSTEM_ACK)
    names[_RTL_DATA[0]] = "lwip_send"
    names[_RTL_DATA[1]] = "lwip_recv"
    return names


class Blame:
    """Attribution of the lost rounds of one soak on ``rig`` (a tools.rigs.Rig); see the
    module docstring. ``kinds``: the fault kinds the soak injects, ``rate`` its rate."""

    def __init__(self, rig, kinds, rate):
        self.rig = rig
        self.nina = rig.kind == "nina"
        self.unknowing = NINA_UNKNOWING if self.nina else RTL_UNKNOWING
        self.kinds = tuple(kinds)
        self.rate = rate
        self.lock = threading.Lock()
        self.entries = []  # one per injected fault: (kind, thread, op, number, data)
        self.current = None  # (thread, op, number, data) of the exchange on the bus
        self.last = None  # the last one (a fault the firmware injects later: a peer's)
        self.data = collections.Counter()  # thread name -> data exchanges it made
        self.resets = []  # (time, kind) of each BY_NATURE fault
        self.per_round = []  # data exchanges of each completed round
        self.lost = collections.Counter()  # (class, what) -> rounds
        self.examples = {}  # (class, what) -> the error of its first round
        self._names = OPCODE_NAMES if self.nina else _rtl_names()
        self._undo = []
        self._hook()

    # -- the hooks ----------------------------------------------------------------------------

    def _hook(self):
        link = self.rig.dev.link
        if self.nina:
            send, send_data = link.send, link.send_data

            def hooked_send(length, cmd, frame=None):
                f = link.cmd if frame is None else frame
                number = f[5] if cmd in _NINA_WIDE else (f[4] if f[2] else -1)
                self._begin(cmd, number, cmd == _NINA_READ)
                try:
                    return send(length, cmd, frame)
                finally:
                    self.current = None

            def hooked_send_data(cmd, number, data, off, count):
                self._begin(cmd, number, cmd == _NINA_SEND)
                try:
                    return send_data(cmd, number, data, off, count)
                finally:
                    self.current = None

            link.send, link.send_data = hooked_send, hooked_send_data
            self._undo = [("send", send), ("send_data", send_data)]
        else:
            call = link.call

            def hooked_call(end, timeout_ms=0, into=None, size=12, payload=None):
                tx = link.tx
                key = (tx[6], tx[5])  # the message header: method, service (codec.describe)
                self._begin(key, rtl_codec.get_i32(tx, 12) if end >= 16 else -1, key in _RTL_DATA)
                try:
                    return call(end, timeout_ms, into, size, payload)
                finally:
                    self.current = None

            link.call = hooked_call
            self._undo = [("call", call)]
        self.rig.faults.observer = self._observed

    def unhook(self):
        link = self.rig.dev.link if self.rig.dev is not None else None
        for name, original in self._undo:
            if link is not None:
                setattr(link, name, original)
        self._undo = []
        if self.rig.emu is not None:
            self.rig.faults.observer = None

    def _begin(self, op, number, data):
        thread = threading.current_thread().name
        self.current = self.last = (thread, op, number, data)
        if data:
            with self.lock:
                self.data[thread] += 1

    def _observed(self, kind, detail):
        at = self.current
        if at is None:
            if kind in PEER_KINDS:
                at = self.last  # picked by the firmware as it runs the connect sent last
            else:  # a transaction outside a command (NINA: a resync probe)
                at = (threading.current_thread().name if self.nina else "?", "resync", -1, False)
        with self.lock:
            self.entries.append((kind,) + at)
            if kind in BY_NATURE:
                self.resets.append((time.monotonic(), kind))

    # -- the soak's side ------------------------------------------------------------------------

    def mark(self):
        """Where a round begins: ``(faults so far, data exchanges of this thread so far)``."""
        thread = threading.current_thread().name
        with self.lock:
            return len(self.entries), self.data[thread]

    def completed(self, mark):
        thread = threading.current_thread().name
        with self.lock:
            self.per_round.append(self.data[thread] - mark[1])

    def failed(self, mark, exc):
        """Charge the round begun at ``mark`` (this thread's), which failed with ``exc``.
        Returns ``(class, what)``."""
        thread = threading.current_thread().name
        with self.lock:
            seen = self.entries[mark[0] :]
            recent = [kind for at, kind in self.resets if time.monotonic() - at < AFTERMATH_S]
        cause = self._cause(thread, seen, exc, recent)
        with self.lock:
            self.lost[cause] += 1
            self.examples.setdefault(cause, str(exc))
        return cause

    def _name(self, op):
        if isinstance(op, str):  # "resync": a transaction outside a command
            return op
        name = self._names.get(op)
        if name is None:
            return ("0x%02X" % op) if self.nina else ("call %d/%d" % op)
        return name

    def _cause(self, thread, seen, exc, recent=()):
        for entry in seen:
            kind = entry[0]
            if kind in BY_NATURE:
                return "unavoidable", "%s (every connection)" % kind
        if recent and exc.args and exc.args[0] in AFTERMATH_ERRORS:  # still coming back from one
            return "unavoidable", "%s (every connection)" % recent[-1]
        own = [entry for entry in seen if entry[1] == thread]
        for kind, _, op, _, data in own:
            if data and kind in self.unknowing:
                return "unavoidable", "%s %s" % (self._name(op), kind)
            if kind in PEER_KINDS:
                return "unavoidable", "%s (its peer)" % kind
        code = errno.errorcode.get(exc.args[0], str(exc.args[0])) if exc.args else type(exc).__name__
        if own:
            kind, _, op, _, _ = own[-1]
            return "avoidable", "%s %s -> %s" % (self._name(op), kind, code)
        others = [entry for entry in seen if entry[0] not in PEER_KINDS]
        if others:
            kind, _, op, _, _ = others[-1]
            return "avoidable", "another connection's %s %s -> %s" % (self._name(op), kind, code)
        return "avoidable", "no fault in the round -> %s" % code

    # -- the figures ------------------------------------------------------------------------------

    def fatal_share(self):
        """The fraction of the injected kinds that leave a data exchange unknown."""
        return sum(1 for kind in self.kinds if kind in self.unknowing) / max(1, len(self.kinds))

    def exchanges(self):
        """Mean data exchanges of a completed round (None before one completed)."""
        with self.lock:
            rounds = list(self.per_round)
        return sum(rounds) / len(rounds) if rounds else None

    def ceiling(self, exchanges=None):
        """The fraction of rounds a perfect driver completes with these faults: over the
        completed rounds' data exchanges, or ``exchanges`` of each."""
        p = self.rate * self.fatal_share()
        if exchanges is not None:
            return (1 - p) ** exchanges
        with self.lock:
            rounds = list(self.per_round)
        return sum((1 - p) ** d for d in rounds) / len(rounds) if rounds else None

    def totals(self):
        """``(unavoidable, avoidable)`` lost rounds."""
        with self.lock:
            unavoidable = sum(n for (cls, _), n in self.lost.items() if cls == "unavoidable")
            avoidable = sum(n for (cls, _), n in self.lost.items() if cls == "avoidable")
        return unavoidable, avoidable

    def top(self, cls, limit=4):
        """``"what n, what n, ..."``: the commonest causes of class ``cls``."""
        with self.lock:
            items = collections.Counter({what: n for (c, what), n in self.lost.items() if c == cls})
        parts = ["%s %d" % item for item in items.most_common(limit)]
        rest = sum(items.values()) - sum(n for _, n in items.most_common(limit))
        if rest:
            parts.append("other %d" % rest)
        return ", ".join(parts) or "none"


PEER_KINDS = ("peer_reset", "peer_half_close", "peer_slow", "peer_silent", "connect_held")
