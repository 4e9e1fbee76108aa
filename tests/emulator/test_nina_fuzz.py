# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Garbage on the wire never breaks the firmware model: every command gets a reply frame
(a normal one or EF 00 EE 00), the link stays in step, and the model never fails."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netdev_emulator import Network
from netdev_emulator.nina import NinaEmulator, NinaTiming
from tests.emulator.test_nina_raw import RawHost


@pytest.fixture(scope="module")
def chip():
    world = Network(access_points={"lab-ap": "lab-password"}, resolve_host_names=False)
    timing = NinaTiming(scan=(0.0, 2.0), join_ok=(0.0, 1.5), join_no_ap=(0.0, 3.0),
                        join_auth=(0.0, 4.0), unreachable_wall=0.0, ap_start=(0.0, 0.3),
                        wifi_start=(0.0, 0.05))
    with NinaEmulator(world, timing=timing) as nina:
        host = RawHost(nina)
        host.boot()
        yield nina, host


# START_CLIENT/PING/REQ_HOST_BY_NAME reach the (closed) world; the rest is local state
commands = st.builds(
    lambda op, body, pad: bytes((0xE0, op)) + body + bytes(pad),
    st.integers(0, 0x7F),
    st.binary(max_size=64),
    st.integers(0, 3),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(commands)
def test_any_command_gets_a_reply_and_the_link_stays_in_step(chip, command):
    nina, host = chip
    errors_before = len(nina.bus_errors)
    host.send(command)
    first = host.raw_reply(1)
    assert first in (b"\xe0", b"\xef")
    host.send(bytes.fromhex("E0 37 00 EE"))
    assert host.raw_reply(12) == bytes.fromhex("E0 B7 01 06 32 2E 30 2E 30 00 EE 00")
    assert nina.bus_errors[errors_before:] == []
