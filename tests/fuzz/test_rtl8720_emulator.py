# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The RTL8720DN emulator's eRPC server fed random frames (well framed, CRC right, any
header and parameters) never fails and answers the next valid call, as the firmware's
server task would. Calls that block the real firmware by design (accept, recv, select,
connect, the TLS handshake, a DNS lookup that calls back into the host) are left out: a
random frame could legitimately stall the chip there."""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netdev_emulator import Network, RTL8720Emulator
from tests.emulator.rtl8720_client import Client, body, frame

BLOCKING = {(16, 1), (16, 9), (16, 12), (16, 13), (16, 14), (16, 21), (16, 26), (17, 18), (17, 22)}


@pytest.fixture(scope="module")
def chip():
    world = Network(access_points={"lab-ap": "lab-password"}, resolve_host_names=False)
    rtl = RTL8720Emulator(world)
    client = Client(rtl.uart, timeout=3.0)
    try:
        yield rtl, client
    finally:
        rtl.close()


def known_calls(rtl):
    return sorted(key for key in rtl._fw.handlers if key not in BLOCKING)


def messages(draw_calls):
    return st.builds(
        lambda call, kind, seq, params: body(kind, call[0], call[1], seq, params),
        draw_calls,
        st.sampled_from((0, 0, 0, 1, 2, 3)),  # mostly invocations
        st.integers(0, 0xFFFFFFFF),
        st.binary(max_size=64),
    )


random_headers = st.builds(
    lambda head, params: head + params, st.binary(min_size=8, max_size=8), st.binary(max_size=32)
)


def answers(rtl, client, limit=3.0):
    """True when the chip answers rpc_system_version in step (frames it sends first are
    skipped); False when the firmware crashed instead (a crash the real one has too)."""
    seq = client.send(1, 1, b"", seq=0x55AA00 + client.seq)
    end = time.monotonic() + limit
    while time.monotonic() < end:
        msg = client.read_frame(timeout=0.05)
        if msg is None:
            if rtl.crashed:
                return False
            continue
        if msg.type == 2 and (msg.service, msg.method, msg.seq) == (1, 1, seq):
            return msg.string() == rtl.firmware
    raise AssertionError("no answer after the random frame")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_random_frames_never_break_the_server(chip, data):
    rtl, client = chip
    calls = st.sampled_from(known_calls(rtl))
    message = data.draw(st.one_of(messages(calls), random_headers))
    client.write(frame(message))
    if not answers(rtl, client):
        # the model stopped as the firmware does (e.g. a freed TLS context): never a bug
        assert "emulator error" not in rtl.crashed, rtl.crashed
        assert rtl.reset()
        assert answers(rtl, client)
