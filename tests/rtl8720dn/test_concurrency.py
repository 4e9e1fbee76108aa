# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Several threads, each owning its sockets, share one RTL8720DN: the device lock covers one
exchange at a time, so their calls interleave and every stream stays byte-exact."""

import random
import threading

import pytest

import adafruit_netdev as nd
from tests.rtl8720dn.conftest import radio

pytestmark = pytest.mark.timeout(240)

SIZE = 256 * 1024


def echo_stream(dev, address, seed, errors):
    try:
        rng = random.Random(seed)
        payload = rng.randbytes(SIZE)
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        try:
            dev.connect(fd, "", address, nd.deadline(20))
            received = bytearray()
            buf = bytearray(5000)
            sent = 0
            while sent < SIZE:
                chunk = payload[sent : sent + rng.choice((1, 100, 1436, 4076, 4097, 9000))]
                assert dev.send(fd, chunk, 0, nd.deadline(30)) == len(chunk)
                sent += len(chunk)
                while len(received) < sent:
                    n = dev.recv(fd, buf, 0, nd.deadline(30))
                    assert n > 0, "end of stream after %d bytes" % len(received)
                    received += buf[:n]
            assert bytes(received) == payload
        finally:
            dev.close(fd)
    except BaseException as exc:  # reported by the main thread
        errors.append((seed, exc))


def test_four_threads_echo_256_kib_each(world, lab):
    with radio(world) as (_rtl, dev, _uart):
        errors = []
        threads = [
            threading.Thread(target=echo_stream, args=(dev, lab.tcp_echo, seed, errors)) for seed in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(200)
        assert not any(t.is_alive() for t in threads), "a thread is stuck"
        assert not errors, errors
        assert dev.open_fds() == []


def test_a_thread_blocked_in_recv_does_not_stall_the_others(world, lab):
    with radio(world) as (_rtl, dev, _uart):
        idle = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        try:
            dev.connect(idle, "", lab.tcp_echo, nd.deadline(10))
            outcome = []

            def wait_idle():
                try:
                    dev.recv(idle, bytearray(8), 0, nd.deadline(5))
                except OSError as exc:
                    outcome.append(exc.args[0])

            waiter = threading.Thread(target=wait_idle)
            waiter.start()
            errors = []
            echo_stream(dev, lab.tcp_echo, 99, errors)  # meanwhile, a full stream goes through
            waiter.join(20)
            assert not errors, errors
            assert outcome == [nd.ETIMEDOUT]
        finally:
            dev.close(idle)
