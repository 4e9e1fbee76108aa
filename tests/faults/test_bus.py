# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Bus and link faults (the emulators' switchboard, ``emu.faults``) in the middle of a TCP
stream, on every emulated driver: each gives a clear ``OSError(EIO)`` within bounded time
(an event storm gives none, nor a fault the driver recovers from before anything reached the
connection), the stream is never corrupted (what is received is whole chunks of what was
sent, in order, or the socket raises), the next operations work, and nothing leaks (the
fixture checks the driver's fds and the chip's slots afterwards)."""

import time

import pytest

import adafruit_netdev as nd
from netdev_emulator.faults import NINA_BUS_FAULTS, RTL_BUS_FAULTS, RTL_LYING_REPLIES
from tools.rigs import NINA_PERSONAS, check_stream, chunk, echo_round, recv_some

# Faults after which the co-processor has been reset (by the driver or by itself): the
# sockets from before must report ECONNRESET. After any other fault the link is recovered
# without a reset: only the connection whose state the fault left unknown is given up.
RESETTING = {
    "nina": {"ready_stuck", "chip_reset"},
    "rtl": {"chip_reset", "hang"},
}
# The driver must take these in its stride: no error at all. (NINA: stray bytes before a
# reply are skipped; a request the chip did not see, or READY late for one command, touched
# no connection: the driver gets the link back in step and makes the exchange again.)
HARMLESS = {"rtl": {"event_storm"}, "nina": {"lead_in", "request_lost", "ready_high"}}

# Every fault on every driver; the NINA personas share the bus code, so the slow faults
# (READY stuck costs the 2 s protocol timeout and a reset) run on one of them.
CASES = []
for _persona in NINA_PERSONAS:
    for _fault in ("garbage_reply", "chip_reset"):
        CASES.append(("wifinina-" + _persona, _fault, "recv"))
for _fault in ("ready_stuck", "no_reply", "truncated_reply", "flipped_bit", "request_lost", "ready_high"):
    CASES.append(("wifinina-arduino-2.0", _fault, "recv"))
for _fault in ("no_reply", "garbage_reply", "flipped_bit", "request_lost", "ready_high"):
    CASES.append(("wifinina-adafruit-3.3", _fault, "send"))
CASES.append(("wifinina-arduino-2.0", "lead_in", "recv"))  # GET_DATABUF's reply is streamed
CASES.append(("wifinina-adafruit-1.7", "lead_in", "send"))  # an ordinary reply, unpadded
for _fault in RTL_BUS_FAULTS + RTL_LYING_REPLIES:
    for _op in ("send", "recv") if _fault != "hang" else ("recv",):  # hang: an EN reset, 1.5 s
        CASES.append(("rtl8720dn", _fault, _op))

CHUNK = 700
BOUND = 15.0  # generous: no hang, whatever the host's load (the protocol bounds are ~0.5-2 s)


@pytest.mark.parametrize(("rig", "fault", "op"), CASES, indirect=["rig"])
def test_bus_fault_mid_stream(rig, fault, op, lab):
    dev = rig.dev
    attempted, delivered, received = [], [], bytearray()
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
    try:
        dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))

        def send(index):
            data = chunk(index, CHUNK)
            attempted.append((index, data))
            dev.send(fd, data, 0, nd.deadline(5))
            delivered.append(index)

        send(0)
        got, exc = recv_some(dev, fd, CHUNK)
        assert exc is None and got == chunk(0, CHUNK)
        received += got

        first = None
        before = rig.faults.injected[fault]
        started = time.monotonic()
        if op == "send":
            rig.faults.arm(fault)
            try:
                send(1)
            except OSError as exc:
                first = exc
            if first is None:
                got, first = recv_some(dev, fd, CHUNK)
                received += got
        else:
            send(1)
            got, exc = recv_some(dev, fd, 1)  # the echo is in the chip: the fault hits data
            assert exc is None
            received += got
            rig.faults.arm(fault)
            got, first = recv_some(dev, fd, CHUNK - 1)
            received += got
        took = time.monotonic() - started
        assert rig.faults.injected[fault] == before + 1, rig.faults.injected
        assert took < BOUND, "%s on %s took %.1f s" % (fault, op, took)

        if fault in HARMLESS[rig.kind]:
            assert first is None, first
        else:
            assert isinstance(first, OSError), "%s during %s raised nothing" % (fault, op)
            assert first.args[0] == nd.EIO, first.args
            assert "NINA" in first.args[1] or "RTL8720DN" in first.args[1], first.args

        # Carry on with the same socket: every byte received must still be exact.
        later = []
        try:
            send(2)
            send(3)
        except OSError as exc:
            later.append(exc)
        if not later:  # read the rest of the echo: up to chunk 3, however much went before
            dl = nd.deadline(5)
            buf = bytearray(4096)
            while not received.endswith(chunk(3, CHUNK)):
                try:
                    n = dev.recv(fd, buf, 0, dl)
                except OSError as exc:
                    later.append(exc)
                    break
                if n == 0:
                    break
                received += buf[:n]
        assert check_stream(bytes(received), attempted, delivered, bool(later)), (
            "stream corrupted after %s during %s: %r..." % (fault, op, bytes(received[:80]))
        )
        if fault in RESETTING[rig.kind]:  # sockets from before a reset report errors
            assert later, "the socket went on after the co-processor was reset"
            if rig.kind == "nina" or op == "recv":  # it was abandoned first (see below)
                assert later[0].args[0] in (nd.ECONNRESET, nd.EIO), later
            else:
                assert later[0].args[0] == nd.ECONNRESET and "reset" in later[0].args[1], later
        if (rig.kind == "nina" or op == "recv") and fault not in HARMLESS[rig.kind]:
            # a receive whose reply was lost or garbled may have lost bytes on the way (and on
            # NINA, a send's count is unknown): the socket is abandoned (EIO) rather than go
            # on with a gap
            assert later and later[0].args[0] in (nd.EIO, nd.ECONNRESET), later
    finally:
        dev.close(fd)
    # the link works again, a new connection is exact
    payload = chunk(9, 5000)
    assert echo_round(dev, lab.tcp_echo, payload) == payload
    assert nd.parse_ipv4(dev.addr()) not in (None, b"\0\0\0\0")


@pytest.mark.parametrize("rig", ["rtl8720dn"], indirect=True)  # NINA: in the short soak
def test_faults_at_a_rate_hit_recovery_too(rig):
    """Rate mode: with every bus fault at 10 % of the exchanges (recovery and rejoin
    exchanges included), each call answers right or raises EIO within bounded time, and
    once the faults stop the link comes back by itself."""
    faults = rig.faults
    bus = NINA_BUS_FAULTS + RTL_BUS_FAULTS
    faults.rng.seed(1)
    before = faults.total
    faults.chaos(0.1, [f for f in faults.kinds if f in bus and f != "ready_stuck"])
    answers = 0
    for _ in range(25):
        started = time.monotonic()
        try:
            addr = rig.dev.addr()
        except OSError as exc:
            assert exc.args[0] == nd.EIO, exc.args
        else:
            assert addr in (rig.ip, "0.0.0.0")  # 0.0.0.0: between a reset and the rejoin
            answers += addr == rig.ip
        assert time.monotonic() - started < BOUND
    injected = faults.total - before
    faults.clear()
    assert injected >= 1
    for _ in range(3):  # a fault in the last call is recovered by the next one or two
        try:
            if rig.dev.addr() == rig.ip:
                break
        except OSError as exc:
            assert exc.args[0] == nd.EIO, exc.args
    assert rig.dev.addr() == rig.ip


CLOSE_CASES = [("wifinina-arduino-2.0", "no_reply")] + [
    ("rtl8720dn", fault) for fault in ("no_reply", "request_lost", "garbage_reply", "chip_reset")
]


@pytest.mark.parametrize(("rig", "fault"), CLOSE_CASES, indirect=["rig"])
def test_a_fault_while_closing_leaks_nothing(rig, fault, lab):
    """close() never raises; when its exchange is lost the co-processor's socket is still
    freed once the link is back (the fixture checks the chip's slot table)."""
    dev = rig.dev
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
    dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))
    rig.faults.arm(fault)
    dev.close(fd)
    assert fd not in dev.open_fds()
    assert rig.faults.armed(fault) == 0
    payload = chunk(5, 3000)
    assert echo_round(dev, lab.tcp_echo, payload) == payload
    assert rig.slots() == [], rig.slots()
