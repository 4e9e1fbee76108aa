# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""WiFiNINA keeps every caller's deadline while the co-processor is held by a blocking
command (a connect, a DNS lookup) of another call, finished or given up: the chip here
takes WALL seconds (wall time) for a connect nothing answers and a lookup no DNS server
answers, and every call with a deadline must return by it plus MARGIN. Also: one TLS
session at a time on the firmware that can hold no more says so."""

import threading
import time

import pytest

import adafruit_netdev as nd
from adafruit_netdev.socketpool import SocketPool
from tests.device_wifinina import wifinina_on
from tests.wifinina.test_sockets import connect, recv_exact

pytestmark = pytest.mark.timeout(120)

WALL = 3.0  # the co-processor's own time for the connect / the lookup
DEADLINE = 0.3
MARGIN = 1.5  # generous: one exchange, the back-off, a busy machine (docs/wifinina.rst)
NOWHERE = ("10.9.9.9", 80)  # outside the lab: no answer to the SYNs


@pytest.fixture
def slow(world, persona):
    """``(nina, dev)`` joined, on a chip whose unanswered connects and lookups take WALL s."""
    from netdev_emulator.nina import NinaTiming

    timing = NinaTiming(unreachable_wall=WALL, dns_unanswered=(WALL, 15.0))
    with wifinina_on(world, persona, timing=timing) as pair:
        yield pair


def timed(call, *args):
    """``(seconds, OSError or None)`` of ``call(*args)``."""
    started = time.monotonic()
    try:
        call(*args)
    except OSError as exc:
        return time.monotonic() - started, exc
    return time.monotonic() - started, None


def assert_timed_out(took, exc):
    assert exc is not None and exc.args[0] == nd.ETIMEDOUT, exc
    assert took < DEADLINE + MARGIN, "returned %.1f s after a %.1f s deadline" % (took, DEADLINE)


def assert_in_step(nina, dev, echo):
    """Once the chip is done, the link is in step and the connection goes on."""
    assert dev.send(echo, b"in step", 0, nd.deadline(WALL + 10)) == 7
    assert recv_exact(dev, echo, 7, bytearray(8)) == b"in step"


def test_a_connect_that_timed_out_leaves_other_calls_their_own_deadlines(slow, lab):
    nina, dev = slow
    echo = connect(dev, lab.tcp_echo)
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
    assert_timed_out(*timed(dev.connect, fd, "", NOWHERE, nd.deadline(DEADLINE)))
    # the co-processor is still at that connect for seconds: the next calls keep their deadlines
    assert_timed_out(*timed(dev.recv, echo, bytearray(8), 0, nd.deadline(DEADLINE)))
    assert_timed_out(*timed(dev.gethostbyname, "httpbin.org", nd.deadline(DEADLINE)))
    assert_timed_out(*timed(dev.send, echo, b"x" * 10, 0, nd.deadline(DEADLINE)))
    dev.close(fd)
    assert_in_step(nina, dev, echo)  # (b"x" * 10 was never sent: the echo brings only this)
    dev.close(echo)
    assert nina.open_sockets() == [], "the connect given up left a slot behind"


def test_a_blocking_connect_of_another_thread_does_not_hold_a_call_with_a_deadline(slow, lab):
    nina, dev = slow
    echo = connect(dev, lab.tcp_echo)
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
    before = nina.opcode_counts.get(0x2D, 0)  # START_CLIENT_TCP
    ended = []

    def blocking_connect():  # no deadline: as long as the co-processor takes
        ended.append(timed(dev.connect, fd, "", NOWHERE))

    thread = threading.Thread(target=blocking_connect, daemon=True)
    thread.start()
    limit = nd.deadline(10)
    while nina.opcode_counts.get(0x2D, 0) == before and not nd.expired(limit):
        time.sleep(0.01)  # (a bounded look for the chip to have the command)
    assert_timed_out(*timed(dev.recv, echo, bytearray(8), 0, nd.deadline(DEADLINE)))
    thread.join(WALL + 10)
    assert ended and ended[0][1] is not None  # it failed, as it should, in its own time
    dev.close(fd)
    assert_in_step(nina, dev, echo)
    dev.close(echo)


def test_gethostbyname_returns_by_its_deadline_when_no_dns_server_answers(slow, world):
    nina, dev = slow
    world.dns_failing = True
    assert_timed_out(*timed(dev.gethostbyname, "httpbin.org", nd.deadline(DEADLINE)))
    world.dns_failing = False
    # the lookup given up is collected first, then this one answers
    assert dev.gethostbyname("httpbin.org", nd.deadline(WALL + 10)) == "127.0.0.1"


def test_net_dial_and_the_socketpool_give_their_timeout_to_the_name_lookup(slow, world, lab):
    import net

    nina, dev = slow
    old = nd._netdev
    nd.use_netdev(dev)
    try:
        world.dns_failing = True
        took, exc = timed(net.dial, "tcp", "httpbin.org:%d" % lab.tcp_echo[1], DEADLINE)
        assert_timed_out(took, exc)
        sock = SocketPool(dev).socket()
        sock.settimeout(DEADLINE)
        try:
            assert_timed_out(*timed(sock.connect, ("httpbin.org", lab.tcp_echo[1])))
        finally:
            sock.close()
    finally:
        world.dns_failing = False
        nd.use_netdev(old)
    assert dev.gethostbyname("httpbin.org", nd.deadline(WALL + 10)) == "127.0.0.1"


def test_a_second_tls_session_says_when_the_firmware_holds_one(joined, lab):
    """NINA-FW before 3.x has RAM for one mbedTLS session: a second one is refused with
    that reason (ENOMEM, as for a socket too many), not as an untrusted certificate."""
    nina, dev = joined
    first = connect(dev, ("", lab.https[1]), nd.IPPROTO_TLS, "localhost")
    second = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
    try:
        if dev.version.startswith("3."):
            dev.connect(second, "localhost", ("", lab.https[1]), nd.deadline(10))  # room for more
        else:
            with pytest.raises(OSError) as info:
                dev.connect(second, "localhost", ("", lab.https[1]), nd.deadline(10))
            assert info.value.args[0] == nd.ENOMEM, info.value
            assert "one TLS session at a time" in info.value.args[1], info.value
            dev.close(first)
            first = None
            dev.connect(second, "localhost", ("", lab.https[1]), nd.deadline(10))  # now it fits
    finally:
        dev.close(second)
        if first is not None:
            dev.close(first)
