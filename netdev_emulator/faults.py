# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The fault switchboard of the emulated co-processors: ``nina.faults`` and ``rtl.faults``.

Every fault is injected either **on demand** (``faults.arm("garbage_reply")``: the next
opportunity gets it; ``count=`` for more; ``at=`` for the next one at a given place, e.g.
``at="call 17/1"``) or **at a rate** (``faults.set_rate("no_reply", 0.01)``: each
opportunity draws; a rate of 1 holds a fault on until cleared). ``faults.chaos(0.01)``
injects one fault, picked at random among those that fit, at 1 % of the opportunities (what
``make soak`` uses).

An *opportunity* is one place in the emulator where a fault can happen: every command the
chip answers (bus faults, ``ap_outage``), every name it resolves (``dns_failure``), every
TCP connection it opens (``peer_*``, ``connect_held``), every look of the NINA firmware's
GPIO0 task at a listener with a client waiting (``accept_race``). The emulators call
:meth:`Faults.pick` there and act on the answer; nothing else in the firmware models knows
about faults.

``faults.injected`` counts what was injected (``{name: count}``), ``faults.log`` keeps the
last injections as ``(name, detail)`` pairs, ``faults.total`` adds them up. A tool that
wants every injection as it happens (the soak's attribution of lost rounds) sets
``faults.observer`` to a callable: it is given ``(name, detail)`` at each injection, in the
thread of the opportunity (NINA: the host's thread clocking the command in; RTL8720DN: the
firmware's thread, with the request read), before the fault takes effect.

The peers that misbehave (``peer_reset``, ``peer_half_close``, ``peer_slow``,
``peer_silent``) are real loopback servers (:class:`FaultPeers`): an armed connection is
routed to one of them instead of its destination, so the driver meets the fault through
the emulator's real host sockets, exactly as a real peer would cause it.
"""

import atexit
import collections
import random
import select
import socket
import struct
import threading
import time

#: Faults of the bus or link, one opportunity per command (NINA: picked as the chip starts to
#: receive it, applied to its reply; RTL8720DN: per request).
NINA_BUS_FAULTS = (
    "ready_stuck",  # READY stays HIGH after the command (the chip hung) until a reset
    "no_reply",  # the command runs, its reply is never sent: READY drops for a new command
    "garbage_reply",  # random bytes (never starting E0/EF) instead of the reply
    "truncated_reply",  # the reply stops part way (before its END byte); MISO reads zeros
    "chip_reset",  # the chip resets itself after running the command, before the reply
    "lead_in",  # a few stray bytes (not E0/EF) come before the reply's START byte
    "flipped_bit",  # one bit of the reply's START, opcode, parameter count or END byte flipped
    "request_lost",  # the chip misses the command's transaction: no READY acknowledgement
    "ready_high",  # READY stays HIGH for ready_high_seconds before the next command, once
)
#: Faults of the NINA firmware's own code, one opportunity where that code runs.
NINA_FIRMWARE_FAULTS = (
    "accept_race",  # Adafruit 3.x: a client lands between hasClient() and accept(): dropped
    "connect_held",  # the next connection's peer does not answer until release() (or hold_seconds)
)
RTL_BUS_FAULTS = (
    "no_reply",  # the call runs, its reply frame is never sent
    "garbage_reply",  # random bytes instead of the reply frame
    "truncated_reply",  # only the first part of the reply frame is sent
    "flipped_bit",  # one bit of the reply frame (CRC or body) flipped: the CRC fails
    "event_storm",  # dozens of unsolicited Wi-Fi event frames before the reply
    "chip_reset",  # part of the reply, then the chip resets itself (sockets, Wi-Fi gone)
    "hang",  # the firmware stops answering (reply included) until the EN pin resets it
    "request_lost",  # a well-formed request is dropped unread (as after a CRC error)
)
#: Replies of the RTL8720DN that pass the CRC but lie (a frame garbled into one whose CRC
#: matches by chance, 1 in 65536, or a firmware bug); one opportunity per request, as the
#: bus faults. Each is re-framed with a correct CRC.
RTL_LYING_REPLIES = (
    "empty_reply",  # the reply is its message header alone: no values at all
    "short_reply",  # the reply stops part way through its values
    "inflated_reply",  # its last four bytes (most calls' i32 result) become faults.lie_value
)
#: Faults of the RTL8720DN's UART line itself: one opportunity per write of the host.
RTL_LINE_FAULTS = (
    "line_echo",  # the host's bytes come back to it (a looped-back line); the chip gets none
)
#: The transient bus faults (``make soak --transient``): one exchange is damaged, and then the
#: chip carries on as if nothing happened. Its hanging and resetting itself are not transient.
NINA_TRANSIENT_FAULTS = (
    "no_reply",
    "garbage_reply",
    "truncated_reply",
    "flipped_bit",
    "request_lost",
    "ready_high",
)
RTL_TRANSIENT_FAULTS = ("no_reply", "garbage_reply", "truncated_reply", "flipped_bit", "request_lost")
#: Faults of the world around the chip.
NETWORK_FAULTS = (
    "ap_outage",  # the access point the chip is on disappears for outage_seconds
    "dns_failure",  # one name lookup fails (no answer from the DNS server)
    "peer_reset",  # the next connection's peer resets it (RST) after reset_after bytes
    "peer_half_close",  # ... echoes reset_after bytes, then half-closes (FIN), keeps reading
    "peer_slow",  # ... echoes one byte at a time
    "peer_silent",  # ... accepts and then never reads nor answers
)
PEER_FAULTS = NETWORK_FAULTS[2:]

#: What each fault does, for documentation and error messages.
DESCRIPTIONS = {
    "ready_stuck": "READY stays HIGH after a command until the chip is reset",
    "no_reply": "the command runs but its reply is never sent",
    "garbage_reply": "random bytes instead of the reply",
    "truncated_reply": "the reply stops part way",
    "flipped_bit": "one bit of the reply frame is flipped (RTL8720DN: its CRC no longer matches; "
    "NINA: a bit of its START, opcode, parameter count or END byte)",
    "event_storm": "a burst of unsolicited event frames before the reply",
    "chip_reset": "the co-processor resets itself in the middle of an exchange",
    "lead_in": "stray bytes before the reply's START byte",
    "accept_race": "a client accepted by the firmware's data-available check and dropped",
    "connect_held": "the peer of the next connection answers only when released",
    "hang": "the firmware stops answering until the chip is reset",
    "request_lost": "a well-formed request frame is dropped unread (NINA: its transaction goes "
    "unseen, READY does not acknowledge it)",
    "ready_high": "READY stays HIGH for a while before the chip takes its next command",
    "empty_reply": "a reply with a correct CRC that carries no values, only its header",
    "short_reply": "a reply with a correct CRC that stops part way through its values",
    "inflated_reply": "a reply with a correct CRC whose result (its last four bytes) is "
    "faults.lie_value",
    "line_echo": "the line echoes what the host sends, and the chip hears nothing",
    "ap_outage": "the access point disappears for a while, then returns",
    "dns_failure": "a name lookup gets no answer",
    "peer_reset": "the peer resets the connection (RST)",
    "peer_half_close": "the peer half-closes the connection (FIN) and keeps reading",
    "peer_slow": "the peer reads and echoes one byte at a time",
    "peer_silent": "the peer accepts the connection and never reads or answers",
}


class Faults:
    """A fault switchboard (one per emulated chip). See the module docstring.

    :param kinds: the fault names this chip supports
    :param int seed: seed of the random draws (rates, garbage bytes), for repeatable runs
    """

    def __init__(self, kinds, seed=None):
        self.kinds = tuple(kinds)
        self.rng = random.Random(seed)
        self.outage_seconds = 0.3  # how long ap_outage keeps the access point away
        self.reset_after = 1024  # bytes peer_reset / peer_half_close echo first
        self.storm_size = 40  # event frames in one event_storm
        self.lead_in_max = 9  # stray bytes of a lead_in: 1 to this (esp32spi reads 10 for E0)
        self.hold_seconds = 30.0  # how long connect_held holds a connection at most
        self.lie_value = 0x7FFF0000  # what inflated_reply puts in place of a result
        self.ready_high_seconds = 2.5  # how long ready_high holds READY (drivers wait 2 s)
        self._lock = threading.Lock()
        self._armed = {}
        self._rates = {}
        self._chaos_rate = 0.0
        self._chaos_kinds = ()
        self._cond = threading.Condition(self._lock)
        self._released = threading.Event()  # connect_held: set by release()
        self.injected = collections.Counter()
        self.opportunities = 0
        self.log = collections.deque(maxlen=200)
        self.active = False  # True while anything is armed or has a rate (a cheap test)
        self.observer = None  # observer(name, detail) at each injection (see the docstring)

    def _check(self, name):
        if name not in self.kinds:
            raise ValueError("unknown fault %r: this chip supports %s" % (name, ", ".join(self.kinds)))

    def _update(self):
        self.active = bool(self._armed or self._rates or self._chaos_rate)

    # -- switching ------------------------------------------------------------------------

    def arm(self, name, count=1, at=None):
        """Inject ``name`` at its next ``count`` opportunities; with ``at``, at the next
        ``count`` whose place is ``at`` (the ``detail`` of :meth:`pick`: ``"call 17/1"``,
        service 17 method 1, on the RTL8720DN; ``"command N"``, the chip's Nth command, on the NINA)."""
        self._check(name)
        key = (name, at)
        with self._lock:
            self._armed[key] = self._armed.get(key, 0) + count
            if name == "connect_held":
                self._released.clear()
            self._update()
        return self

    def set_rate(self, name, rate):
        """Inject ``name`` at each of its opportunities with probability ``rate`` (0 stops)."""
        self._check(name)
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        with self._lock:
            if rate:
                self._rates[name] = rate
            else:
                self._rates.pop(name, None)
            self._update()
        return self

    def chaos(self, rate, kinds=None):
        """At each opportunity, with probability ``rate``, inject one fault picked at random
        among ``kinds`` (default: every kind) that fit the opportunity. ``chaos(0)`` stops."""
        kinds = self.kinds if kinds is None else tuple(kinds)
        for name in kinds:
            self._check(name)
        with self._lock:
            self._chaos_rate = float(rate)
            self._chaos_kinds = kinds
            self._update()
        return self

    def clear(self, name=None):
        """Disarm ``name`` (or everything) and set its rate to 0; counters are kept. A held
        connection is released."""
        self._released.set()
        with self._lock:
            if name is None:
                self._armed.clear()
                self._rates.clear()
                self._chaos_rate = 0.0
            else:
                for key in [key for key in self._armed if key[0] == name]:
                    del self._armed[key]
                self._rates.pop(name, None)
            self._update()

    def armed(self, name):
        """How many on-demand injections of ``name`` are still waiting."""
        with self._lock:
            return sum(count for key, count in self._armed.items() if key[0] == name)

    # -- the emulators' side --------------------------------------------------------------

    def pick(self, candidates, detail=""):
        """One opportunity for any of ``candidates``: the fault to inject now, or None."""
        if not self.active:
            return None
        with self._lock:
            self.opportunities += 1
            chosen = None
            for name in candidates:
                for key in ((name, detail), (name, None)):
                    if self._armed.get(key):
                        chosen = name
                        self._armed[key] -= 1
                        if not self._armed[key]:
                            del self._armed[key]
                        break
                if chosen is not None:
                    break
            if chosen is None:
                for name in candidates:
                    rate = self._rates.get(name)
                    if rate and self.rng.random() < rate:
                        chosen = name
                        break
            if chosen is None and self._chaos_rate and self.rng.random() < self._chaos_rate:
                fitting = [name for name in candidates if name in self._chaos_kinds]
                if fitting:
                    chosen = self.rng.choice(fitting)
            if chosen is not None:
                self.injected[chosen] += 1
                self.log.append((chosen, detail))
                self._cond.notify_all()
            self._update()
        observer = self.observer
        if chosen is not None and observer is not None:
            observer(chosen, detail)
        return chosen

    def take(self, name, detail=""):
        """One opportunity for ``name`` alone: True when it is injected now."""
        return self.pick((name,), detail) is not None

    @property
    def total(self):
        """Faults injected so far, all kinds together."""
        with self._lock:
            return sum(self.injected.values())

    def wait_injected(self, name, count=1, timeout=5.0):
        """Wait until ``name`` has been injected ``count`` times in all; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self.injected[name] >= count, timeout)

    def release(self):
        """Let a connection held by ``connect_held`` (or the next one) go through."""
        self._released.set()

    def hold(self, alive):
        """Where a ``connect_held`` was injected: wait until :meth:`release`, at most
        :attr:`hold_seconds`, and only while ``alive()`` (the chip was not reset)."""
        limit = time.monotonic() + self.hold_seconds
        while not self._released.wait(0.02):
            if not alive() or time.monotonic() >= limit:
                return

    def garbage(self, length):
        """``length`` random bytes with no E0 or EF in the first 11 (on NINA, without a
        checksum, a reply-shaped garbage frame could not be told from a real reply, and a
        host skips up to 10 stray bytes before a reply's START: see :meth:`lead_in`)."""
        with self._lock:
            data = bytearray(self.rng.getrandbits(8) for _ in range(max(1, length)))
        for i in range(min(11, len(data))):
            while data[i] in (0xE0, 0xEF):
                data[i] = (data[i] + 0x21) & 0xFF
        return bytes(data)

    def lead_in(self):
        """1 to :attr:`lead_in_max` random bytes, none of them E0 or EF."""
        with self._lock:
            count = self.rng.randint(1, max(1, self.lead_in_max))
            data = bytearray(self.rng.getrandbits(8) for _ in range(count))
        for i in range(count):
            while data[i] in (0xE0, 0xEF):
                data[i] = (data[i] + 0x21) & 0xFF
        return bytes(data)

    def randrange(self, start, stop):
        with self._lock:
            return self.rng.randrange(start, stop)

    # -- network faults shared by both emulators ---------------------------------------------

    def ap_outage(self, world, ssid):
        """Take ``ssid`` out of range now and bring it back after :attr:`outage_seconds`."""
        if ssid is None or ssid not in world.access_points:
            return
        world.drop_access_point(ssid)
        timer = threading.Timer(self.outage_seconds, world.restore_access_point, (ssid,))
        timer.daemon = True
        timer.name = "fault-ap-outage"
        timer.start()

    def reroute(self, host):
        """Called with the host ``(ip, port)`` a TCP connection of the chip is about to
        reach: the address of a misbehaving peer when a ``peer_*`` fault is injected."""
        if not self.active:
            return host
        kinds = [name for name in PEER_FAULTS if name in self.kinds]
        chosen = self.pick(kinds, "connection to %s:%d" % tuple(host))
        if chosen is None:
            return host
        return fault_peers().address(chosen, self.reset_after)


# -- misbehaving peers ---------------------------------------------------------------------


class FaultPeers:
    """Loopback TCP servers that misbehave, each in its own threads:

    * ``peer_reset``: echoes, and after ``n`` bytes resets the connection (RST);
    * ``peer_half_close``: echoes ``n`` bytes, then half-closes (FIN) and reads on to the end;
    * ``peer_slow``: echoes one byte at a time;
    * ``peer_silent``: accepts and never reads nor writes.

    ``n`` is chosen per listener (:meth:`address`). Use :func:`fault_peers` for the
    process-wide instance. ``received(port)`` is not kept: these peers test the device side.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._listeners = {}  # (kind, n) -> (socket, thread)
        self._connections = set()
        self._closed = False
        self.accepted = collections.Counter()

    def address(self, kind, n=1024):
        """``("127.0.0.1", port)`` of a ``kind`` peer (``n``: bytes before the fault)."""
        if kind not in PEER_FAULTS:
            raise ValueError("no fault peer %r" % kind)
        key = (kind, n if kind in ("peer_reset", "peer_half_close") else 0)
        with self._lock:
            if self._closed:
                raise RuntimeError("fault peers stopped")
            found = self._listeners.get(key)
            if found is None:
                listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                listener.bind(("127.0.0.1", 0))
                listener.listen(64)
                thread = threading.Thread(
                    target=self._accept_loop,
                    args=(listener, key),
                    daemon=True,
                    name="fault-%s-accept" % kind,
                )
                found = self._listeners[key] = (listener, thread)
                thread.start()
        return found[0].getsockname()

    def _accept_loop(self, listener, key):
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                if self._closed:
                    conn.close()
                    return
                self._connections.add(conn)
                self.accepted[key[0]] += 1
            threading.Thread(
                target=self._serve, args=(conn, key), daemon=True, name="fault-%s" % key[0]
            ).start()

    def _serve(self, conn, key):
        kind, n = key
        try:
            if kind == "peer_silent":
                # never read: only notice the client going away (or the peers stopping)
                poller = select.poll()
                poller.register(conn, select.POLLRDHUP | select.POLLHUP | select.POLLERR)
                while not self._closed and not poller.poll(100):
                    pass
            elif kind == "peer_slow":
                while True:
                    byte = conn.recv(1)
                    if not byte:
                        return
                    conn.sendall(byte)
            else:
                done = 0
                while done < n:
                    data = conn.recv(min(65536, n - done))
                    if not data:
                        return
                    conn.sendall(data)
                    done += len(data)
                if kind == "peer_reset":
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return  # close() now sends RST
                conn.shutdown(socket.SHUT_WR)
                while conn.recv(65536):
                    pass
        except OSError:
            pass
        finally:
            with self._lock:
                self._connections.discard(conn)
            conn.close()

    def close(self):
        with self._lock:
            self._closed = True
            listeners = list(self._listeners.values())
            connections = list(self._connections)
        for listener, _ in listeners:
            try:
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


_peers = None
_peers_lock = threading.Lock()


def fault_peers():
    """The process-wide :class:`FaultPeers` (started on first use, stopped at exit)."""
    global _peers  # noqa: PLW0603
    with _peers_lock:
        if _peers is None:
            _peers = FaultPeers()
            atexit.register(_peers.close)
        return _peers
