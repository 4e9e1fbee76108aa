# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The RTL8720DN driver's transport reading arbitrary bytes as the answer to a call: it
returns the reply (when the bytes hold it, after frames it handles on the way: events, the
firmware's own calls, late replies) or raises ``OSError(EIO)``, within its bounds — never
another exception, never a hang. The bytes arrive on the emulator's UART while the chip is
held in reset, so the emulator's firmware adds nothing of its own."""

import errno
import time

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from adafruit_netdev_rtl8720dn import erpc
from adafruit_netdev_rtl8720dn.transport import Transport
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
        yield rtl, Transport(rtl.uart)
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
    off = erpc.put_u8(t.tx, t.begin(SVC_SYSTEM, SYSTEM_ACK), 0x81)
    seq = t._want_seq
    stream = b"".join(data.draw(segments(seq)))
    rtl.inject(stream)
    started = time.monotonic()
    try:
        length = t.call(off, CALL_MS)
    except OSError as exc:
        assert exc.args[0] == errno.EIO, exc.args
        assert "RTL8720DN" in exc.args[1] and t.fault is exc
        event("EIO")
    else:
        assert erpc.message_word(t.rx) == erpc.header_word(1, 2, REPLY)
        assert erpc.message_seq(t.rx) == seq and 8 <= length <= erpc.BODY_MAX
        event("reply")
    assert time.monotonic() - started < 5
