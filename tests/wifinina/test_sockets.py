# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""WiFiNINA sockets beyond the shared contract: threads sharing the bus, firmware slot rules,
UDP datagram limits, connect deadlines, and a steady state that allocates nothing."""

import linecache
import os
import random
import socket
import threading
import tracemalloc

import pytest

import adafruit_netdev as nd
from tests.conftest import free_port
from tests.device_wifinina import wifinina_on
from tests.wifinina.conftest import assert_clean_bus


def connect(dev, address, proto=nd.IPPROTO_TCP, host=""):
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, proto)
    try:
        dev.connect(fd, host, address, nd.deadline(10))
    except BaseException:
        dev.close(fd)
        raise
    return fd


def recv_exact(dev, fd, count, buf):
    out = bytearray()
    view = memoryview(buf)
    while len(out) < count:
        n = dev.recv(fd, view[: min(len(buf), count - len(out))], 0, nd.deadline(10))
        assert n > 0, "end of stream after %d of %d bytes" % (len(out), count)
        out += view[:n]
    return bytes(out)


def test_four_threads_echo_256_kib_each_without_tearing_a_transaction(joined, lab):
    nina, dev = joined
    size = 256 * 1024
    payloads = [random.Random(i).randbytes(size) for i in range(4)]
    results = [None] * 4
    errors = []

    def run(i):
        try:
            fd = connect(dev, lab.tcp_echo)
            try:
                rng = random.Random(100 + i)
                got = bytearray()
                buf = bytearray(5000)
                sent = 0
                while sent < size:
                    step = min(rng.choice((1, 100, 1436, 4083, 4096, 9000)), size - sent)
                    assert dev.send(fd, payloads[i][sent : sent + step], 0, nd.deadline(20)) == step
                    sent += step
                    while len(got) < sent:
                        n = dev.recv(fd, memoryview(buf)[: sent - len(got)], 0, nd.deadline(20))
                        assert n > 0
                        got += buf[:n]
                results[i] = bytes(got)
            finally:
                dev.close(fd)
        except BaseException as exc:  # reported by the main thread
            errors.append((i, exc))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(110)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    assert not errors, errors
    for i in range(4):
        assert results[i] == payloads[i], "thread %d: echo differs" % i
    assert_clean_bus(nina)
    assert dev.open_fds() == []


def test_a_burst_larger_than_every_buffer_arrives_whole(joined, lab):
    """3 MB in one send fills the firmware's send buffer again and again. Adafruit 1.x closes
    a connection whose write finds that buffer full (docs/protocol-nina.rst, TCP): the driver holds back after
    a partial write instead of writing into it."""
    _nina, dev = joined
    payload = os.urandom(3_000_000)
    lab.sink.clear()
    fd = connect(dev, lab.tcp_sink)
    try:
        assert dev.send(fd, payload, 0, nd.deadline(60)) == len(payload)
    finally:
        dev.close(fd)
    assert lab.sink.wait_closed(1, timeout=20) == [payload]


def test_slots_are_taken_lazily_and_exhaustion_is_enomem(joined, lab):
    _nina, dev = joined
    fds = [dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP) for _ in range(dev.max_sockets)]
    try:
        with pytest.raises(nd.NoMoreSocketsError):
            dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        # fds own no firmware slot until they connect: every one can still connect
        for fd in fds:
            dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))
        for i, fd in enumerate(fds):
            dev.send(fd, b"#%d" % i, 0, nd.deadline(5))
        for i, fd in enumerate(fds):
            assert recv_exact(dev, fd, len(b"#%d" % i), bytearray(8)) == b"#%d" % i
    finally:
        for fd in fds:
            dev.close(fd)


def test_a_closed_listener_keeps_its_slot_and_its_port_can_listen_again(joined, lab):
    _nina, dev = joined
    port = free_port()
    for round_ in range(3):
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        try:
            dev.bind(fd, ("", port))
            dev.listen(fd, 1)
            with socket.create_connection((dev.addr(), port), timeout=10) as peer:  # 127.0.0.2
                peer.sendall(b"round %d" % round_)
                conn, _addr = dev.accept(fd, nd.deadline(10))
                try:
                    assert recv_exact(dev, conn, 7, bytearray(16)) == b"round %d" % round_
                    dev.send(conn, b"ok", 0, nd.deadline(5))
                    assert peer.recv(2) == b"ok"
                finally:
                    dev.close(conn)
        finally:
            dev.close(fd)
        # a client on the next free slot must not inherit the listener's code paths
        echo = connect(dev, lab.tcp_echo)
        try:
            dev.send(echo, b"client after listener", 0, nd.deadline(5))
            assert recv_exact(dev, echo, 21, bytearray(32)) == b"client after listener"
        finally:
            dev.close(echo)


def test_udp_datagram_larger_than_the_buffer_is_truncated_not_split(joined, lab):
    _nina, dev = joined
    fd = dev.socket(nd.AF_INET, nd.SOCK_DGRAM, nd.IPPROTO_UDP)
    try:
        dev.connect(fd, "", lab.udp_echo)  # binds an ephemeral port itself
        big, small = os.urandom(1000), b"next one"
        dev.send(fd, big, 0, nd.deadline(5))
        dev.send(fd, small, 0, nd.deadline(5))
        buf = bytearray(100)
        assert dev.recv(fd, buf, 0, nd.deadline(5)) == 100 and bytes(buf) == big[:100]
        n = dev.recv(fd, buf, 0, nd.deadline(5))
        assert bytes(buf[:n]) == small
        with pytest.raises(OSError) as info:
            dev.send(fd, bytes(2000), 0, nd.deadline(5))
        assert "too long" in info.value.args[1]
    finally:
        dev.close(fd)


def test_connect_deadline_is_kept_while_the_firmware_is_still_connecting(joined, lab):
    """A peer whose accept queue is full: the caller gets its timeout on time, the firmware's
    late answer is collected by the next exchange, the connection it made late is closed
    again, and the link stays in step."""
    nina, dev = joined
    with socket.socket() as full:
        full.bind(("127.0.0.1", 0))
        full.listen(0)
        fillers = []
        for _ in range(8):  # fill the accept queue: further SYNs are dropped for now
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(full.getsockname())
            fillers.append(s)
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        try:
            with pytest.raises(OSError) as info:
                dev.connect(fd, "", full.getsockname(), nd.deadline(0.5))
            assert info.value.args[0] == nd.ETIMEDOUT
        finally:
            dev.close(fd)
        # make room: the firmware's retried SYN now gets through, after the caller gave up
        ours = {f.getsockname() for f in fillers}
        accepted = []
        full.settimeout(1)
        limit = nd.deadline(15)
        while not nd.expired(limit) and not any(a.getpeername() not in ours for a in accepted):
            try:
                accepted.append(full.accept()[0])
            except socket.timeout:
                pass
        try:
            echo = connect(dev, lab.tcp_echo)  # waits for the owed reply first
            try:
                dev.send(echo, b"in step", 0, nd.deadline(5))
                assert recv_exact(dev, echo, 7, bytearray(8)) == b"in step"
            finally:
                dev.close(echo)
            late = [conn for conn in accepted if conn.getpeername() not in ours]
            assert len(late) == 1
            late[0].settimeout(10)
            assert late[0].recv(1) == b"", "the late connection must be closed by the driver"
        finally:
            for conn in accepted + fillers:
                conn.close()
    assert_clean_bus(nina)


def cpython_only(trace):
    """Allocations MicroPython does not make: CPython boxes ints above 256 (32 bytes) and
    holds a bound ``__exit__`` method for each ``with`` block; MicroPython's small ints are
    not objects and its ``with`` keeps method and self on the stack."""
    frame = trace.traceback[0]
    if trace.size <= 32:
        return True
    return linecache.getline(frame.filename, frame.lineno).strip().startswith("with ")


class TracingSPI:
    """The emulator's SPI bus, passed through; while tracemalloc runs, every transfer looks
    at what the driver has allocated and still holds at that moment (a per-call buffer or
    copy would be alive while its bytes move)."""

    def __init__(self, spi):
        self._spi = spi
        self.found = []

    def __getattr__(self, name):
        return getattr(self._spi, name)

    def _look(self):
        if tracemalloc.is_tracing():
            snap = tracemalloc.take_snapshot()
            mine = snap.filter_traces([tracemalloc.Filter(True, "*adafruit_netdev_wifinina*")])
            self.found += [t for t in mine.traces if not cpython_only(t)]

    def write(self, buf, **kw):
        self._look()
        return self._spi.write(buf, **kw)

    def readinto(self, buf, **kw):
        result = self._spi.readinto(buf, **kw)
        self._look()
        return result


def test_steady_state_send_and_recv_allocate_nothing(world, persona, lab):
    """Once warm, moving data allocates no buffer in the driver: sends go from the caller's
    buffer and replies land in the caller's buffer (traced during every transfer)."""
    spy = []
    with wifinina_on(world, persona, wrap_spi=lambda spi: spy.append(TracingSPI(spi)) or spy[0]) as (_n, dev):
        fd = connect(dev, lab.tcp_echo)
        payload = os.urandom(6000)
        buf = bytearray(8192)
        view = memoryview(buf)
        views = [view[i:] for i in range(len(payload) + 1)]  # the test's own slices, made up front

        def round_trip():
            dev.send(fd, payload, 0, None)
            got = 0
            while got < len(payload):
                got += dev.recv(fd, views[got], 0, None)

        try:
            round_trip()
            tracemalloc.start()
            try:
                for _ in range(20):
                    round_trip()
                leftover = tracemalloc.take_snapshot().filter_traces(
                    [tracemalloc.Filter(True, "*adafruit_netdev_wifinina*")]
                )
            finally:
                tracemalloc.stop()
        finally:
            dev.close(fd)
    assert buf[: len(payload)] == payload
    assert not spy[0].found, ["%s: %d bytes" % (t.traceback, t.size) for t in spy[0].found[:5]]
    assert not [t for t in leftover.traces if not cpython_only(t)], leftover.statistics("lineno")[:5]
