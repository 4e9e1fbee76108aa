# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The RTL8720DN driver's link reading arbitrary bytes as the answer to a call: it
returns the reply (when the bytes hold it, after frames it handles on the way: events, the
firmware's own calls, late replies) or raises ``OSError(EIO)``, within its bounds — never
another exception, never a hang. The bytes arrive on the emulator's UART while the chip is
held in reset, so the emulator's firmware adds nothing of its own."""

import errno
import struct
import time

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from adafruit_netdev_rtl8720dn import codec
from adafruit_netdev_rtl8720dn.link import Link
from netdev_emulator import Network, RTL8720Emulator
from tests.emulator.rtl8720_client import body, frame
from tests.rtl8720dn.spec import REPLY, SVC_SYSTEM, SYSTEM_ACK  # the spec's numbers, not the driver's

CALL_MS = 20


@pytest.fixture(scope="module")
def line():
    rtl = RTL8720Emulator(Network(resolve_host_names=False))
    rtl.enable.switch_to_output(value=False)  # held in reset: only the test's bytes come
    rtl.uart.timeout = 0.005
    try:
        yield rtl, Link(rtl.uart)
    finally:
        rtl.close()


def segments(seq):
    frames = st.builds(
        lambda kind, service, method, s, params: frame(body(kind, service, method, s, params)),
        st.integers(0, 3),
        st.sampled_from((1, 16, 19, 200)),
        st.integers(0, 4),
        st.one_of(st.just(seq), st.integers(0, (1 << 32) - 1)),
        st.binary(max_size=60),
    )
    the_reply = st.just(frame(body(2, 1, 2, seq, b"\x81")))
    noise = st.binary(min_size=1, max_size=40)
    return st.lists(st.one_of(frames, the_reply, noise), max_size=4)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_bytes_give_the_reply_or_eio(line, data):
    rtl, t = line
    t.fault = None
    t.uart.reset_input_buffer()
    off = codec.system_ack(t.tx, 0x81)
    seq = (t.seq + 1) & 0x3FFFFFFF  # the number the call gets
    stream = b"".join(data.draw(segments(seq)))
    rtl.inject(stream)
    # the awaited reply's data may be read into a buffer of the caller's (Link.call)
    into = memoryview(bytearray(32)) if data.draw(st.booleans()) else None
    started = time.monotonic()
    try:
        length = t.call(off, CALL_MS, into)
    except OSError as exc:
        assert exc.args[0] == errno.EIO, exc.args
        assert "RTL8720DN" in exc.args[1] and t.fault is exc
        event("EIO")
    else:
        assert codec.get_u32(t.rx, 0) == codec.header_word(1, 2, REPLY)
        assert codec.get_u32(t.rx, 4) == seq and 8 <= length <= len(t.rx)
        event("reply")
    assert time.monotonic() - started < 5


def _start_ack(t):
    """An rpc_system_ack call built in ``t``: its end offset and sequence number."""
    t.fault = None
    t.uart.reset_input_buffer()
    off = codec.system_ack(t.tx, 0x81)
    return off, (t.seq + 1) & 0x3FFFFFFF  # the number the call gets


def test_a_late_reply_longer_than_the_call_buffer_is_read_through(line):
    """The link keeps no frame-sized buffer: a reply to an earlier call that carries
    data (a receive whose wait ran out) is longer than ``rx``; it is read through, its CRC
    checked, and dropped, and the reply awaited is found after it."""
    rtl, t = line
    off, seq = _start_ack(t)
    late = body(
        REPLY, 16, 12, seq - 1, struct.pack("<I", 3000) + bytes(range(256)) * 11 + bytes(184) + b"\0" * 4
    )
    assert len(late) > len(t.rx)
    rtl.inject(frame(late) + frame(body(REPLY, SVC_SYSTEM, SYSTEM_ACK, seq, b"\x81")))
    length = t.call(off, CALL_MS, None, 9)
    assert codec.get_u32(t.rx, 4) == seq and length == 9 and t.rx[8] == 0x81


def test_a_reply_shorter_than_its_values_is_a_link_fault(line):
    """A reply that passes the CRC but stops before the values the call returns: the rest
    of ``rx`` still holds the request (tx and rx are one buffer), which must never be read
    as the answer."""
    rtl, t = line
    off, seq = _start_ack(t)
    rtl.inject(frame(body(REPLY, SVC_SYSTEM, SYSTEM_ACK, seq, b"")))
    with pytest.raises(OSError) as info:
        t.call(off, CALL_MS, None, 9)
    assert info.value.args[0] == errno.EIO and "8-byte reply, 9 expected" in info.value.args[1]


def test_reply_data_comes_straight_into_the_callers_buffer(line):
    rtl, t = line
    off, seq = _start_ack(t)
    data = bytes(range(256)) * 12
    rtl.inject(
        frame(
            body(
                REPLY,
                SVC_SYSTEM,
                SYSTEM_ACK,
                seq,
                struct.pack("<I", len(data)) + data + struct.pack("<i", -7),
            )
        )
    )
    buf = bytearray(4000)
    length = t.call(off, CALL_MS, memoryview(buf))
    assert bytes(buf[: len(data)]) == data
    assert length == 16 and codec.get_u32(t.rx, 8) == len(data) and codec.get_i32(t.rx, 12) == -7


def test_reply_with_more_data_than_the_callers_buffer_is_a_link_fault(line):
    rtl, t = line
    off, seq = _start_ack(t)
    rtl.inject(
        frame(body(REPLY, SVC_SYSTEM, SYSTEM_ACK, seq, struct.pack("<I", 600) + bytes(600) + bytes(4)))
    )
    with pytest.raises(OSError) as info:
        t.call(off, CALL_MS, memoryview(bytearray(512)))
    assert info.value.args[0] == errno.EIO and "600 data bytes" in info.value.args[1]


def test_a_reply_too_long_for_the_call_buffer_is_a_link_fault(line):
    """A call that expects no data (no ``into``) cannot keep a reply longer than ``rx``."""
    rtl, t = line
    off, seq = _start_ack(t)
    rtl.inject(frame(body(REPLY, SVC_SYSTEM, SYSTEM_ACK, seq, bytes(1000))))
    with pytest.raises(OSError) as info:
        t.call(off, CALL_MS)
    assert info.value.args[0] == errno.EIO and "longer than any this call expects" in info.value.args[1]
