# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Protocol efficiency in the emulator's model time (bytes at 614 400 baud plus the
firmware's per-exchange turnaround; independent of how fast this machine runs): bulk
transfers keep the UART at least 90 % busy with payload (61 440 B/s is the line rate)."""

import os

import pytest

import adafruit_netdev as nd
from tests.rtl8720dn.conftest import radio

pytestmark = pytest.mark.timeout(120)

LINE_RATE = 61440  # bytes per second: 614 400 baud, 10 bits a byte
SIZE = 256 * 1024


def test_upload_runs_near_the_uart_rate(world, lab):
    with radio(world) as (rtl, dev, _uart):
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        try:
            dev.connect(fd, "", lab.tcp_sink, nd.deadline(10))
            payload = os.urandom(SIZE)
            rtl.stats.reset()
            assert dev.send(fd, payload, 0, nd.deadline(60)) == SIZE
            stats = rtl.stats.snapshot()
        finally:
            dev.close(fd)
    rate = SIZE / stats["model_seconds"]
    assert rate >= 0.9 * LINE_RATE, (rate, stats)
    print("model-time rate %.0f B/s (%.1f %% of the line)" % (rate, 100 * rate / LINE_RATE))
    # full 4076-byte chunks; when the peer is slow, little is sent twice
    assert stats["bytes_to_device"] <= SIZE * 1.15 + stats["transactions"] * 28, stats


def test_download_runs_near_the_uart_rate(world, lab):
    with radio(world) as (rtl, dev, _uart):
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        try:
            dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))
            payload = os.urandom(SIZE)
            dev.send(fd, payload, 0, nd.deadline(60))  # the echo waits on the host meanwhile
            buf = bytearray(8192)
            received = bytearray()
            n = dev.recv(fd, buf, 0, nd.deadline(10))  # the echo is flowing
            received += buf[:n]
            before = len(received)
            rtl.stats.reset()
            while len(received) < SIZE:
                n = dev.recv(fd, buf, 0, nd.deadline(10))
                assert n > 0
                received += buf[:n]
            stats = rtl.stats.snapshot()
            assert bytes(received) == payload
        finally:
            dev.close(fd)
    rate = (SIZE - before) / stats["model_seconds"]
    assert rate >= 0.9 * LINE_RATE, (rate, stats)
    print("model-time rate %.0f B/s (%.1f %% of the line)" % (rate, 100 * rate / LINE_RATE))
