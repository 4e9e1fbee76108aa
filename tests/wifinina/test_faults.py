# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Faults on the wire: a co-processor that goes silent, a link knocked out of step, and no
co-processor at all (Blinka's hardware-free board). Each ends in a clear OSError(EIO) within
bounded time, and the next call resets the co-processor and works again."""

import contextlib
import os
import pathlib
import socket
import subprocess
import sys
import textwrap
import time

import pytest

import adafruit_netdev as nd
from adafruit_netdev.netlink import EVENT_NET_DOWN, EVENT_NET_UP
from tests.conftest import echo_once

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_silent_coprocessor_is_eio_then_the_next_call_recovers(joined, lab):
    nina, dev = joined
    events = []
    dev.net_notify(events.append)
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
    dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))
    nina.reset.value = False  # something holds the module in reset: it stops answering
    try:
        try:
            dev.addr()
        except OSError as exc:
            fault = exc
        else:
            raise AssertionError("a silent co-processor must raise")
    finally:
        nina.reset.value = True
    assert fault.args[0] == nd.EIO
    assert "READY" in fault.args[1] and "recovered on the next call" in fault.args[1], fault.args[1]
    assert dev.link_fault is fault
    # the next call resets the co-processor, rejoins the network and works
    assert nd.parse_ipv4(dev.addr()) not in (None, b"\0\0\0\0")
    assert dev.link_fault is None
    assert events == [EVENT_NET_DOWN, EVENT_NET_UP]
    # sockets from before the reset are gone, and say so; closing them is fine
    try:
        dev.send(fd, b"x", 0, nd.deadline(1))
    except OSError as exc:
        assert exc.args[0] == nd.ECONNRESET
    else:
        raise AssertionError("a socket from before the reset must not work")
    dev.close(fd)
    echo_once(dev, lab)


def stray_transaction(nina, frame):
    """Another master on the bus clocks a command into the co-processor and walks away
    without reading the reply: the co-processor's next transaction will be that reply."""
    spi, cs, ready = nina.spi, nina.cs, nina.ready
    limit = nd.deadline(2)
    while ready.value and not nd.expired(limit):
        pass
    assert not ready.value
    while not spi.try_lock():
        pass
    try:
        cs.value = False
        spi.write(frame)
        cs.value = True
    finally:
        spi.unlock()


def test_link_out_of_step_is_eio_saying_what_came_then_recovers(joined, lab):
    nina, dev = joined
    stray_transaction(nina, bytes.fromhex("E0 20 00 EE"))  # GET_CONN_STATUS
    try:
        dev.addr()
    except OSError as exc:
        fault = exc
    else:
        raise AssertionError("a reply out of step must raise")
    assert fault.args[0] == nd.EIO
    assert "expected" in fault.args[1] and "got" in fault.args[1], fault.args[1]
    assert dev.link_fault is fault
    echo_once(dev, lab)  # the next call resets the link and rejoins
    assert dev.link_fault is None and dev.connected


def test_watchdog_gets_the_link_back_in_step_without_a_reset_or_an_event(world, persona, lab):
    """A link knocked out of step while nobody calls: the watchdog recovers it, and since the
    co-processor still answers, without a reset. The network never went: no event fires,
    and a connection open from before goes on."""
    from adafruit_netdev.netlink import ConnectParams
    from tests.device_wifinina import wifinina_on
    from tests.wifinina.test_link import Events

    with wifinina_on(world, persona, join=False) as (nina, dev):
        events = Events()
        dev.net_notify(events)
        dev.net_connect(
            ConnectParams(ssid="lab-ap", passphrase="lab-password", retries=1, watchdog_timeout=0.2)
        )
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))
        stray_transaction(nina, bytes.fromhex("E0 20 00 EE"))
        try:
            dev.addr()
        except OSError as exc:
            assert exc.args[0] == nd.EIO
        limit = nd.deadline(15)
        while dev.link_fault is not None and not nd.expired(limit):  # (a bounded look, no call)
            time.sleep(0.05)
        assert dev.link_fault is None, "the watchdog did not recover the link"
        assert events.seen == [EVENT_NET_UP], events.seen  # the join's, and nothing since
        assert dev.send(fd, b"still here", 0, nd.deadline(5)) == 10
        got = bytearray()
        buf = bytearray(16)
        while len(got) < 10:
            n = dev.recv(fd, buf, 0, nd.deadline(5))
            assert n > 0
            got += buf[:n]
        assert bytes(got) == b"still here"
        dev.close(fd)


def test_watchdog_resets_a_co_processor_that_stopped_answering(world, persona, lab):
    """READY stuck HIGH (a hung chip): nothing gets it back in step, so the watchdog's
    recovery resets it, and rejoins: EVENT_NET_DOWN, then EVENT_NET_UP."""
    from adafruit_netdev.netlink import ConnectParams
    from tests.device_wifinina import wifinina_on
    from tests.wifinina.test_link import Events

    with wifinina_on(world, persona, join=False) as (nina, dev):
        events = Events()
        dev.net_notify(events)
        dev.net_connect(
            ConnectParams(ssid="lab-ap", passphrase="lab-password", retries=1, watchdog_timeout=0.2)
        )
        nina.faults.arm("ready_stuck")
        try:
            dev.addr()
        except OSError as exc:
            assert exc.args[0] == nd.EIO
        events.wait_for(EVENT_NET_DOWN, after=1)
        events.wait_for(EVENT_NET_UP, after=2)
        assert dev.link_fault is None
        echo_once(dev, lab)


NO_COPROCESSOR = textwrap.dedent(
    """
    import sys, time
    import board, busio, digitalio
    from adafruit_netdev_wifinina import WiFiNINA

    def pin(p):
        return digitalio.DigitalInOut(p)

    # Blinka's hardware-free board: the SPI bus reads zeros and input pins read fixed levels
    for name, ready in (("READY stuck low", board.Dx_INPUT_FALSE), ("READY stuck high", board.Dx_INPUT_TRUE)):
        spi = busio.SPI(board.SCK, board.MOSI, board.MISO)
        pins = [pin(board.CS), pin(ready), pin(board.Dx_OUTPUT)]
        start = time.monotonic()
        try:
            WiFiNINA(spi, *pins)
        except OSError as exc:
            print("%s|%d|%.1f|%s" % (name, exc.args[0], time.monotonic() - start, exc.args[1]))
        else:
            print("%s|no error" % name)
        for p in pins:
            p.deinit()
        spi.deinit()
    """
)


def test_no_coprocessor_on_blinka_is_a_clear_error_in_bounded_time():
    env = dict(os.environ, BLINKA_OS_AGNOSTIC="1", PYTHONPATH=str(ROOT))
    run = subprocess.run(
        [sys.executable, "-c", NO_COPROCESSOR],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    lines = [line.split("|") for line in run.stdout.splitlines() if "|" in line]
    assert [line[0] for line in lines] == ["READY stuck low", "READY stuck high"], run.stdout
    for name, code, seconds, message in lines:
        assert int(code) == nd.EIO, (name, message)
        assert float(seconds) < 15, (name, seconds)
        assert "READY" in message, (name, message)


def test_stray_bytes_before_replies_are_skipped_as_the_reference_hosts_do(joined, lab):
    """WiFiNINA's waitSpiChar and esp32spi's _wait_spi_char skip bytes until START: so does
    the driver (up to 10), on every kind of reply, without calling it a fault."""
    nina, dev = joined
    events = []
    dev.net_notify(events.append)
    nina.faults.set_rate("lead_in", 0.5)
    try:
        for _ in range(3):
            echo_once(dev, lab, os.urandom(6000))
        assert nd.parse_ipv4(dev.addr()) is not None
        assert "lab-ap" in [net[0] for net in dev.scan_networks()]
        assert dev.get_time() >= 0
    finally:
        nina.faults.clear()
    assert nina.faults.injected["lead_in"] > 10
    assert dev.link_fault is None and events == []  # no fault, no reset, no rejoin


def test_a_glitch_costs_only_the_connection_it_hit(joined, lab):
    """A garbled reply to one connection's receive: that connection is given up (EIO, its
    bytes may be lost), the link comes back in step without a reset, and the other
    connection goes on untouched; no event fires (the network never went)."""
    from tools.rigs import chunk, recv_some

    nina, dev = joined
    events = []
    dev.net_notify(events.append)
    hit = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
    other = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
    try:
        dev.connect(hit, "", lab.tcp_echo, nd.deadline(10))
        dev.connect(other, "", lab.tcp_echo, nd.deadline(10))
        assert dev.send(other, chunk(1, 700), 0, nd.deadline(5)) == 700
        assert dev.send(hit, chunk(2, 700), 0, nd.deadline(5)) == 700
        got, exc = recv_some(dev, hit, 1)  # its echo is on the chip now
        assert exc is None and got == chunk(2, 700)[:1]
        nina.faults.arm("garbage_reply")
        got, exc = recv_some(dev, hit, 699)
        assert isinstance(exc, OSError) and exc.args[0] == nd.EIO, exc
        # the other connection: its echo is whole, and it goes on
        got, exc = recv_some(dev, other, 700)
        assert exc is None and got == chunk(1, 700), exc
        assert dev.send(other, chunk(3, 700), 0, nd.deadline(5)) == 700
        got, exc = recv_some(dev, other, 700)
        assert exc is None and got == chunk(3, 700), exc
        # the one hit says so, without a gap
        got, exc = recv_some(dev, hit, 699)
        assert got == b"" and exc.args[0] == nd.EIO and "abandoned" in exc.args[1], (got, exc)
        assert events == []
    finally:
        dev.close(hit)
        dev.close(other)
    assert nina.open_sockets() == []


def _fault_the_state_check(nina, dev, kind="garbage_reply"):
    """Arm ``kind`` for the next GET_CLIENT_STATE of a receive that finds nothing: it comes
    after the GET_DATABUF that finds nothing, or on Adafruit 1.x after the peek that goes
    with it (GET_DATA_TCP)."""
    before_check = 0x2C if dev.peek_ms else 0x45
    seen = []

    def trace(command, reply):
        if command[1] == before_check and not seen:
            seen.append(command)
            nina.faults.arm(kind)

    nina.trace = trace


@contextlib.contextmanager
def _connection(dev, rcvbuf=0):
    """``(fd, peer)``: a TCP connection of the driver to a loopback server of the test's
    (``rcvbuf``: the peer's receive buffer, when given)."""
    with socket.socket() as server:
        if rcvbuf:
            server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        try:
            dev.connect(fd, "", server.getsockname(), nd.deadline(10))
            peer, _ = server.accept()
            with peer:
                yield fd, peer
        finally:
            dev.close(fd)


def test_a_state_check_whose_reply_is_lost_costs_an_open_connection_nothing(joined):
    """GET_CLIENT_STATE only asks (issue 22: a glitch costs the exchange it hit, and at most
    the connection whose state it left unknown): when its reply is garbled, the link comes
    back in step, the state is asked again, and the connection goes on (before: it was given
    up, EIO "abandoned")."""
    from tools.rigs import recv_some

    nina, dev = joined
    gen = dev.gen
    with _connection(dev) as (fd, peer):
        _fault_the_state_check(nina, dev)
        try:  # nothing comes: the first attempt checks the state, and meets the fault
            with pytest.raises(OSError) as info:
                dev.recv(fd, bytearray(64), 0, nd.deadline(1))
        finally:
            nina.trace = None
        assert nina.faults.injected["garbage_reply"] == 1
        assert info.value.args[0] == nd.ETIMEDOUT, info.value
        peer.sendall(b"still here")
        assert recv_some(dev, fd, 10) == (b"still here", None)
        assert dev.send(fd, b"and on", 0, nd.deadline(5)) == 6
        assert peer.recv(64) == b"and on"
    assert nina.open_sockets() == []
    assert dev.gen == gen  # back in step without a reset


def test_a_state_check_whose_reply_is_lost_on_an_ended_connection_reads_its_end(joined, lab):
    """GET_CLIENT_STATE frees the slot of a connection that ended (the firmware does, when it
    answers 0): when its reply is garbled, the slot may be free already, and the next
    connect may take it. The recovery asks again before anyone can claim it (a free slot
    answers 0 too), stops the number and ends the stream: the socket reads the end, as after
    the check it missed, and never another connection's data."""
    from tools.rigs import recv_some

    nina, dev = joined
    with _connection(dev) as (fd, peer):
        peer.close()  # the connection ends: the next state check frees its slot
        _fault_the_state_check(nina, dev)
        try:
            assert dev.recv(fd, bytearray(64), 0, nd.deadline(5)) == 0
        finally:
            nina.trace = None
        assert nina.faults.injected["garbage_reply"] == 1
        other = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        try:  # (may get the freed slot)
            dev.connect(other, "", lab.tcp_echo, nd.deadline(10))
            assert dev.send(other, b"not for fd", 0, nd.deadline(5)) == 10
            assert dev.recv(fd, bytearray(64), 0, nd.deadline(5)) == 0
            with pytest.raises(OSError) as info:
                dev.send(fd, b"x", 0, nd.deadline(5))
            assert info.value.args[0] == nd.EPIPE, info.value
            assert recv_some(dev, other, 10) == (b"not for fd", None)
        finally:
            dev.close(other)
    assert nina.open_sockets() == []


def test_a_state_check_in_a_send_whose_reply_is_lost_costs_the_connection_nothing(lab):
    """When the firmware's send buffer is full (SEND_DATA_TCP wrote 0), the send asks the
    connection's state; a garbled reply to that is recovered (the state asked again) and
    the send goes on: it returns what went by its deadline, every byte of it arrives, and
    the connection works on (before: EIO out of the send)."""
    from tests.device_wifinina import wifinina_on

    with wifinina_on(lab.network(), "arduino-2.0") as (nina, dev):
        with _connection(dev, rcvbuf=4096) as (fd, peer):
            seen = []

            def trace(command, reply):  # the first SEND_DATA_TCP that wrote nothing
                if reply[1] == 0xC4 and not any(reply[4 : 4 + reply[3]]) and not seen:
                    seen.append(reply)
                    nina.faults.arm("garbage_reply")

            nina.trace = trace
            payload = bytes(range(256)) * 4096  # 1 MiB: more than the buffers hold
            try:
                sent = dev.send(fd, payload, 0, nd.deadline(3))
            finally:
                nina.trace = None
            assert seen and nina.faults.injected["garbage_reply"] == 1
            assert 0 < sent < len(payload)
            got = bytearray()
            peer.settimeout(10)
            while len(got) < sent:
                got += peer.recv(65536)
            assert bytes(got) == payload[:sent]
            assert dev.send(fd, b"and on", 0, nd.deadline(5)) == 6
            while len(got) < sent + 6:
                got += peer.recv(65536)
            assert bytes(got[sent:]) == b"and on"
        assert nina.open_sockets() == []
