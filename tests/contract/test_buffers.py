# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Every buffer a user can hand to ``send`` and ``recv``, on every netdev: ``send`` sends
every byte of any buffer (bytes, bytearray, a memoryview of any format, an array) and
returns the byte count, or raises ``TypeError`` before anything goes; ``recv`` refuses a
buffer it cannot fill byte by byte before it takes anything from the stream."""

import array

import pytest

import adafruit_netdev as nd
from tests.contract.test_contract import recv_exact, tcp_connect

pytestmark = pytest.mark.timeout(120)


def _payload(size, seed):
    return bytes((i * 7 + seed) & 0xFF for i in range(size))


def _buffers():
    """``(name, buffer, its bytes)``: every kind of buffer, each larger than a NINA chunk
    (4083 bytes) or an RTL8720DN one (4076) where its items are wider than a byte."""
    out = []
    raw = _payload(1500, 1)
    out.append(("bytes", raw, raw))
    out.append(("bytearray", bytearray(raw), raw))
    out.append(("memoryview of bytes", memoryview(raw), raw))
    out.append(("memoryview slice", memoryview(bytearray(raw))[100:1100], raw[100:1100]))
    out.append(("array b", array.array("b", raw), raw))
    for code, size in (("H", 9000), ("I", 10000), ("d", 8200)):
        data = _payload(size, len(code) + size)
        items = array.array(code)
        items.frombytes(data)
        out.append(("array " + code, items, data))
        out.append(("memoryview of array " + code, memoryview(items), data))
    data = _payload(4096, 9)
    out.append(("memoryview cast I", memoryview(bytearray(data)).cast("I"), data))
    out.append(("memoryview cast H of bytes", memoryview(data).cast("H"), data))
    return out


BUFFERS = _buffers()


@pytest.mark.parametrize(("kind", "buf", "data"), BUFFERS, ids=[b[0] for b in BUFFERS])
def test_send_sends_every_byte_of_every_kind_of_buffer(dev, lab, kind, buf, data):
    fd = tcp_connect(dev, lab.tcp_echo)
    try:
        sent = dev.send(fd, buf, 0, nd.deadline(10))
        assert sent == len(data), "%s: send returned %d for %d bytes" % (kind, sent, len(data))
        assert recv_exact(dev, fd, len(data)) == data
    finally:
        dev.close(fd)


UNSENDABLE = [
    ("str", "text"),
    ("int", 1234),
    ("strided view", memoryview(bytearray(64))[::2]),
    ("list", [1, 2, 3]),
]


@pytest.mark.parametrize(("kind", "buf"), UNSENDABLE, ids=[u[0] for u in UNSENDABLE])
def test_send_refuses_what_cannot_go_whole_before_anything_goes(dev, lab, kind, buf):
    fd = tcp_connect(dev, lab.tcp_echo)
    try:
        with pytest.raises(TypeError):
            dev.send(fd, buf, 0, nd.deadline(5))
        # nothing of it went: the echo brings back the next send alone
        assert dev.send(fd, b"after", 0, nd.deadline(5)) == 5
        assert recv_exact(dev, fd, 5) == b"after"
    finally:
        dev.close(fd)


UNWRITABLE = [
    ("bytes", lambda: bytes(16)),
    ("read-only memoryview", lambda: memoryview(bytes(16))),
    ("array I", lambda: array.array("I", [0, 0, 0, 0])),
    ("memoryview of array H", lambda: memoryview(array.array("H", [0] * 8))),
    ("strided view", lambda: memoryview(bytearray(32))[::2]),
    ("str", lambda: " " * 16),
]


@pytest.mark.parametrize(("kind", "make"), UNWRITABLE, ids=[u[0] for u in UNWRITABLE])
def test_recv_refuses_a_buffer_it_cannot_fill_before_taking_the_data(dev, lab, kind, make):
    fd = tcp_connect(dev, lab.tcp_echo)
    try:
        assert dev.send(fd, b"ABCDEFGH", 0, nd.deadline(5)) == 8
        assert recv_exact(dev, fd, 8) == b"ABCDEFGH"
        assert dev.send(fd, b"12345678", 0, nd.deadline(5)) == 8
        with pytest.raises(TypeError):
            dev.recv(fd, make(), 0, nd.deadline(5))  # the echo is on its way, or there
        assert recv_exact(dev, fd, 8) == b"12345678", "%s: recv lost data before refusing" % kind
    finally:
        dev.close(fd)
