# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The short soak (``python -m tools.soak --short``) on one driver of each kind: 8 threads
of connect/echo/close rounds with faults injected at a few % of the exchanges; no byte
corrupted, no hang, no leaked fd or chip slot, and the driver back on the network. And the
soak's attribution of lost rounds (tools/soak_blame.py): each is charged to the fault that
cost it, unavoidable or avoidable, by rules checked here case by case."""

import types

import pytest

import adafruit_netdev as nd
from tools.soak import DEFAULT_DEVICES, SHORT, soak
from tools.soak_blame import NINA_UNKNOWING, RTL_UNKNOWING, Blame

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize("name", DEFAULT_DEVICES)
def test_short_soak(name, lab):
    lines = []
    result = soak(name, lab, out=lines.append, **SHORT)
    report = "\n".join(lines)
    assert result["corrupted"] == 0, report
    assert result["hangs"] == 0, report
    assert result["leaks"] == 0, report
    assert result["recovered"], report
    assert result["faults"] >= 1, report  # the soak did inject faults
    assert result["verified"] > 0, report  # and moved data between them
    # every round either completed or was charged to a cause
    assert result["rounds"] + result["unavoidable"] + result["avoidable"] == result["planned"], report
    assert "rounds lost" in report and "unavoidable" in report and "avoidable" in report, report


@pytest.mark.parametrize("name", ("wifinina-arduino-2.0", "rtl8720dn"))
def test_short_transient_soak(name, lab):
    """``make soak SOAK_ARGS=--transient``, short: only the faults after which the chip
    carries on (garbled, truncated or lost replies, flipped bits, lost requests, READY high
    once); nothing corrupted, hung or leaked, and the run says how many rounds completed,
    what each lost round cost, how many data exchanges a round made and what a perfect
    driver would complete with them (the ceiling)."""
    lines = []
    result = soak(name, lab, out=lines.append, transient=True, **SHORT)
    report = "\n".join(lines)
    assert result["corrupted"] == 0 and result["hangs"] == 0 and result["leaks"] == 0, report
    assert result["recovered"] and result["faults"] >= 1, report
    assert "rounds completed" in report and "transient faults" in report, report
    assert result["rounds"] + result["unavoidable"] + result["avoidable"] == result["planned"], report
    if result["rounds"]:  # (a round of 16 KiB moves at least 4 + 4 data exchanges)
        assert result["exchanges"] >= 8 and 0 < result["ceiling"] < 1, report
        assert "the ceiling" in report and "data exchanges" in report, report


# -- the attribution's rules, on a driver's real exchanges --------------------------------------


def test_a_garbled_reply_to_a_receive_is_charged_as_unavoidable(lab):
    """The driver's own receive (GET_DATABUF_TCP) whose reply is garbled: the bytes the
    firmware took are gone, the connection is given up, and the lost round is charged to
    that exchange, as unavoidable; the data exchanges of a completed round are counted."""
    from tools.rigs import Rig

    rig = Rig("wifinina-arduino-2.0", lab)
    blame = Blame(rig, NINA_UNKNOWING, 0.01)
    dev, nina = rig.dev, rig.emu
    try:
        mark = blame.mark()
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))
        assert dev.send(fd, b"x" * 700, 0, nd.deadline(5)) == 700
        got = 0
        while got < 700:
            got += dev.recv(fd, bytearray(700 - got), 0, nd.deadline(5))
        dev.close(fd)
        blame.completed(mark)
        assert blame.per_round[-1] >= 2  # one send, at least one receive

        mark = blame.mark()
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))
        seen = []

        def trace(command, reply):  # the send went: garble what comes next, its receive
            if command[1] == 0x44 and not seen:
                seen.append(command)
                nina.faults.arm("garbage_reply")

        nina.trace = trace
        assert dev.send(fd, b"y" * 700, 0, nd.deadline(5)) == 700
        with pytest.raises(OSError) as info:
            dev.recv(fd, bytearray(700), 0, nd.deadline(5))
        nina.trace = None
        dev.close(fd)
        assert blame.failed(mark, info.value) == ("unavoidable", "GET_DATABUF_TCP garbage_reply")
        assert blame.totals() == (1, 0)
    finally:
        nina.trace = None
        blame.unhook()
        rig.close()


class _FakeLink:
    def __init__(self):
        self.cmd = bytearray(12)
        self.tx = bytearray(20)

    def send(self, length, cmd, frame=None):
        pass

    def send_data(self, cmd, number, data, off, count):
        pass

    def call(self, end, timeout_ms=0, into=None, size=12, payload=None):
        pass


def _blame(kind, kinds):
    rig = types.SimpleNamespace(kind=kind, dev=types.SimpleNamespace(link=_FakeLink()), emu=object())
    rig.faults = types.SimpleNamespace(observer=None)
    return Blame(rig, kinds, 0.01)


def test_the_attribution_rules():
    """Unavoidable: a fault that leaves the round's own data exchange unknown (NINA: a
    damaged reply; RTL8720DN: also a dropped request, which the host cannot tell from a
    lost reply), or a reset. Avoidable: a fault the host sees before the command ran, a
    fault on a query, another connection's fault, or none."""
    import threading
    import time

    me = threading.current_thread().name
    exc = OSError(nd.EIO, "x")
    nina = _blame(
        "nina", ("no_reply", "garbage_reply", "truncated_reply", "flipped_bit", "request_lost", "ready_high")
    )
    assert nina.fatal_share() == pytest.approx(4 / 6)
    assert nina.ceiling(40) == pytest.approx((1 - 0.01 * 4 / 6) ** 40)
    cases = [
        ([("truncated_reply", me, 0x45, 1, True)], ("unavoidable", "GET_DATABUF_TCP truncated_reply")),
        ([("flipped_bit", me, 0x44, 1, True)], ("unavoidable", "SEND_DATA_TCP flipped_bit")),
        ([("request_lost", me, 0x44, 1, True)], ("avoidable", "SEND_DATA_TCP request_lost -> EIO")),
        ([("no_reply", me, 0x2F, 1, False)], ("avoidable", "GET_CLIENT_STATE_TCP no_reply -> EIO")),
        (
            [("garbage_reply", "other", 0x45, 2, True)],
            ("avoidable", "another connection's GET_DATABUF_TCP garbage_reply -> EIO"),
        ),
        ([("chip_reset", "other", 0x20, -1, False)], ("unavoidable", "chip_reset (every connection)")),
        ([], ("avoidable", "no fault in the round -> EIO")),
        ([("no_reply", me, "resync", -1, False)], ("avoidable", "resync no_reply -> EIO")),
        ([("no_reply", me, 0x99, -1, False)], ("avoidable", "0x99 no_reply -> EIO")),
    ]
    for entries, want in cases:
        nina.entries[:] = entries
        assert nina.failed((0, 0), exc) == want, entries
    assert nina.totals() == (3, 6)
    nina.resets.append((time.monotonic(), "ap_outage"))  # a round failing soon after an outage
    unreachable = OSError(nd.EHOSTUNREACH, "x")
    assert nina.failed((len(nina.entries), 0), unreachable) == ("unavoidable", "ap_outage (every connection)")
    assert nina.failed((len(nina.entries), 0), exc) == ("avoidable", "no fault in the round -> EIO")
    rtl = _blame("rtl", ("no_reply", "garbage_reply", "truncated_reply", "flipped_bit", "request_lost"))
    assert rtl.fatal_share() == 1 and set(RTL_UNKNOWING) - set(NINA_UNKNOWING) == {"request_lost"}
    rtl.entries[:] = [("request_lost", me, (16, 15), 0, True)]
    assert rtl.failed((0, 0), exc) == ("unavoidable", "lwip_send request_lost")
    rtl.entries[:] = [("request_lost", me, (16, 21), 0, False)]
    assert rtl.failed((0, 0), exc) == ("avoidable", "lwip_select request_lost -> EIO")
