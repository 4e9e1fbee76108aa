# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""A driver on its emulated co-processor (or the host netdev), built by
:func:`netdev_emulator.rig.build` and joined to the lab's access point, with what the fault
tests (tests/faults) and the soak (tools/soak.py) need around it: the emulator's fault
switchboard, the world, short protocol timeouts, a stream checker and a leak check."""

import threading

import adafruit_netdev as nd
from adafruit_netdev.netlink import EVENT_NET_DOWN, EVENT_NET_UP, ConnectParams
from netdev_emulator import rig

NINA_PERSONAS = rig.NINA_PERSONAS
EMULATED = rig.DEVICES
LAB_AP, LAB_PASSWORD = rig.LAB_AP

# The RTL8720DN driver exposes its protocol timeout: a quick call is declared lost after
# this long (3 s by default). With the emulated UART's read timeout short, a lost reply
# costs about this much; it stays well above what a loaded machine may add to an answer.
RTL_CALL_TIMEOUT = 0.8
RTL_UART_TIMEOUT = 0.05


class Rig:
    """``rig.dev`` (the netdev), ``rig.emu`` (NinaEmulator, RTL8720Emulator or None for the
    host), ``rig.world``, ``rig.kind`` (``"nina"``, ``"rtl"``, ``"host"``), ``rig.ip``."""

    def __init__(self, name, lab, *, join=True, watchdog=0):
        self.name = name
        self.lab = lab
        self.world = lab.network()
        self.emu = None
        self.dev = None
        try:
            if name not in EMULATED + ("host",):
                raise ValueError("no rig %r" % name)
            self.dev, self.emu = rig.build(name, self.world, cafile=lab.cafile)
            if self.kind == "rtl":
                self.emu.uart.timeout = RTL_UART_TIMEOUT
                self.dev.call_timeout = RTL_CALL_TIMEOUT
            if join:
                self.join(watchdog)
        except BaseException:
            self.close()
            raise

    @property
    def ip(self):
        """The address the netdev reports once on the network: the emulated co-processor's
        own (``world.ip``, 127.0.0.2 where the system has it), 127.0.0.1 for the host."""
        return "127.0.0.1" if self.emu is None else self.world.ip

    @property
    def kind(self):
        return "host" if self.emu is None else ("rtl" if self.name == "rtl8720dn" else "nina")

    @property
    def faults(self):
        return self.emu.faults

    def join(self, watchdog=0):
        self.dev.net_connect(
            ConnectParams(ssid=LAB_AP, passphrase=LAB_PASSWORD, retries=3, watchdog_timeout=watchdog)
        )

    # -- checks -------------------------------------------------------------------------------

    def calm(self):
        """Every fault off, the world back to normal."""
        if self.emu is not None:
            self.emu.faults.clear()
            for ssid in self.world.access_points:
                self.world.restore_access_point(ssid)
            self.world.dns_failing = False

    def recover(self):
        """One call that makes a driver recover from a recorded fault (a reset or a resync)."""
        return self.dev.addr()

    def slots(self):
        """What the co-processor still holds: its slot/socket table (empty when clean)."""
        if self.emu is None:
            return []
        found = self.emu.open_sockets()
        if self.kind == "rtl":
            return list(found.items()) + list(self.emu.tls_sessions().items())
        return found

    def leaks(self):
        """``(driver fds, chip slots)`` still open; ``([], [])`` when clean."""
        return self.dev.open_fds(), self.slots()

    def close(self):
        dev, emu = self.dev, self.emu
        self.dev = self.emu = None
        if dev is not None:
            dev.net_notify(None)
            for fd in dev.open_fds():
                try:
                    dev.close(fd)
                except OSError:
                    pass
            try:
                dev.net_disconnect()
            except OSError:
                pass
        if emu is not None:
            emu.faults.clear()
            emu.close()


class Events:
    """Collects Netlinker events; ``wait_for(event, count)`` waits (bounded) for them."""

    def __init__(self):
        self.seen = []
        self._cond = threading.Condition()

    def __call__(self, event):
        with self._cond:
            self.seen.append(event)
            self._cond.notify_all()

    def wait_for(self, event, count=1, timeout=20):
        with self._cond:
            return self._cond.wait_for(lambda: self.seen.count(event) >= count, timeout)


UP, DOWN = EVENT_NET_UP, EVENT_NET_DOWN


# -- streams ---------------------------------------------------------------------------------


def chunk(index, size):
    """A chunk of ``size`` (>= 12) bytes that cannot be mistaken for any other chunk or
    for a piece of one: ``<index:`` ... ``>`` around bytes derived from the index."""
    head = b"<%08d:" % index
    body_len = size - len(head) - 1
    body = bytes((index * 31 + i * 7) & 0xFF for i in range(body_len))
    return head + body + b">"


def check_stream(received, attempted, delivered, ended_by_error=False):
    """True when ``received`` is the concatenation, in order, of chunks from ``attempted``,
    each either whole or absent, and every chunk in ``delivered`` (sends that returned) is
    there. When the socket ended with an error (``ended_by_error``) the stream may stop
    part way through a chunk, and nothing more is required after that point. A gap inside
    a chunk, a foreign byte or a reordering makes it False."""
    pos = 0
    must = set(delivered)
    rest = len(received)
    for index, data in attempted:
        if received.startswith(data, pos):
            pos += len(data)
        elif ended_by_error and pos < rest and data.startswith(received[pos:]):
            return True  # the stream was cut inside this chunk, then the socket raised
        elif index in must:
            return pos == rest and ended_by_error
    return pos == rest


def recv_some(dev, fd, want, timeout=5.0):
    """Receive until ``want`` bytes came, the stream ended, or an error (returned, not
    raised): ``(bytes, error or None)``."""
    out = bytearray()
    buf = bytearray(4096)
    dl = nd.deadline(timeout)
    while len(out) < want:
        try:
            n = dev.recv(fd, memoryview(buf)[: min(len(buf), want - len(out))], 0, dl)
        except OSError as exc:
            return bytes(out), exc
        if n == 0:
            break
        out += buf[:n]
    return bytes(out), None


def echo_round(dev, address, payload, timeout=10.0):
    """Connect to the echo peer, send ``payload``, read it back, close; returns the bytes."""
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
    try:
        dev.connect(fd, "", address, nd.deadline(timeout))
        dev.send(fd, payload, 0, nd.deadline(timeout))
        got, exc = recv_some(dev, fd, len(payload), timeout)
        if exc is not None:
            raise exc
        return got
    finally:
        dev.close(fd)
