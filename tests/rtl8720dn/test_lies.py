# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Replies that pass the CRC but lie (the emulator's switchboard: ``empty_reply``,
``short_reply``, ``inflated_reply``, aimed at one call with ``at=``): every reply's length
and every count or number it returns is checked against what was asked, and anything else
is a link fault (EIO, then the usual recovery) -- never a wrong count, a repeated or lost
byte, a fake fd or a socket left on the chip."""

import errno
import socket

import pytest

import adafruit_netdev as nd
from tests.conftest import device_ip, echo_once, free_port
from tests.rtl8720dn import spec
from tests.rtl8720dn.conftest import radio

pytestmark = pytest.mark.timeout(120)


def at(service, method):
    """The switchboard's name of one call of the chip (``faults.arm(..., at=...)``)."""
    return "call %d/%d" % (service, method)


SEND = at(spec.SVC_LWIP, spec.LWIP_SEND)
RECV = at(spec.SVC_LWIP, spec.LWIP_RECV)
SENDTO = at(spec.SVC_LWIP, spec.LWIP_SENDTO)  # a UDP send (the chip's socket is never connected)
RECVFROM = at(spec.SVC_LWIP, spec.LWIP_RECVFROM)


@pytest.fixture
def chip(world):
    with radio(world) as (rtl, dev, _uart):
        dev.call_timeout = 0.5
        yield rtl, dev


def connected(dev, address):
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
    dev.connect(fd, "", address, nd.deadline(10))
    return fd


def link_fault(call):
    with pytest.raises(OSError) as info:
        call()
    assert info.value.args[0] == errno.EIO, info.value.args
    assert "RTL8720DN link fault" in info.value.args[1], info.value.args
    return info.value


def read_echo(dev, fd, count):
    got = bytearray()
    buf = bytearray(4096)
    while len(got) < count:
        n = dev.recv(fd, buf, 0, nd.deadline(5))
        assert n > 0
        got += buf[:n]
    return bytes(got)


@pytest.mark.parametrize("lie", ["empty_reply", "short_reply"])
def test_a_send_reply_without_its_count_is_a_link_fault_and_no_byte_goes_twice(chip, lab, lie):
    """With no result in the reply, the driver once read its own request's sequence number
    (tx and rx share a buffer) as the count, and sent part of the chunk again."""
    rtl, dev = chip
    first, second = bytes(range(256)) * 12, b"and then this"
    fd = connected(dev, lab.tcp_echo)
    try:
        rtl.faults.arm(lie, at=SEND)
        link_fault(lambda: dev.send(fd, first, 0, nd.deadline(5)))
        assert rtl.faults.injected[lie] == 1
        # the chip did send the chunk (only its reply lied): the stream goes on exact
        assert dev.send(fd, second, 0, nd.deadline(5)) == len(second)
        assert read_echo(dev, fd, len(first) + len(second)) == first + second
    finally:
        dev.close(fd)
    echo_once(dev, lab)


def test_a_tcp_send_count_beyond_the_chunk_is_a_link_fault(chip, lab):
    """send() returned 6000 for a 4076-byte chunk, and went on from there."""
    rtl, dev = chip
    data = bytes(3000)
    fd = connected(dev, lab.tcp_echo)
    try:
        rtl.faults.lie_value = len(data) + 1
        rtl.faults.arm("inflated_reply", at=SEND)
        link_fault(lambda: dev.send(fd, data, 0, nd.deadline(5)))
        assert read_echo(dev, fd, len(data)) == data
    finally:
        dev.close(fd)
    echo_once(dev, lab)


def test_a_udp_send_count_beyond_the_datagram_is_a_link_fault(chip, lab):
    """UDP send() returned 2147418112."""
    rtl, dev = chip
    fd = dev.socket(nd.AF_INET, nd.SOCK_DGRAM, nd.IPPROTO_UDP)
    try:
        dev.connect(fd, "", lab.udp_echo)
        rtl.faults.arm("inflated_reply", at=SENDTO)
        link_fault(lambda: dev.send(fd, b"one datagram", 0, nd.deadline(5)))
        assert dev.send(fd, b"the next", 0, nd.deadline(5)) == 8
    finally:
        dev.close(fd)
    echo_once(dev, lab)


def test_a_recvfrom_count_that_is_not_the_data_it_carries_is_a_link_fault(chip, lab):
    """The datagram's count must be the bytes the reply carries; the next datagram is
    received whole after the recovery."""
    rtl, dev = chip
    ip = device_ip(dev)
    port = free_port(ip)
    fd = dev.socket(nd.AF_INET, nd.SOCK_DGRAM, nd.IPPROTO_UDP)
    try:
        dev.bind(fd, ("", port))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as peer:
            peer.bind(("127.0.0.1", 0))
            peer.sendto(b"first", (ip, port))
            rtl.faults.lie_value = 1
            rtl.faults.arm("inflated_reply", at=RECVFROM)
            buf = bytearray(16)
            link_fault(lambda: dev.recvfrom(fd, buf, 0, nd.deadline(5)))
            peer.sendto(b"second", (ip, port))
            n, sender = dev.recvfrom(fd, buf, 0, nd.deadline(5))
            assert bytes(buf[:n]) == b"second" and sender == peer.getsockname()
    finally:
        dev.close(fd)
    echo_once(dev, lab)


def test_a_receive_reply_that_claims_less_than_it_carries_abandons_the_socket(chip, lab):
    """The firmware sends exactly the bytes it received: a count that differs means bytes
    were lost on the way, and the stream cannot go on without a gap."""
    rtl, dev = chip
    fd = connected(dev, lab.tcp_echo)
    try:
        dev.send(fd, b"0123456789", 0, nd.deadline(5))  # one segment on loopback, both ways
        buf = bytearray(64)
        assert dev.recv(fd, memoryview(buf)[:1], 0, nd.deadline(5)) == 1  # the echo is there
        rtl.faults.lie_value = 1
        rtl.faults.arm("inflated_reply", at=RECV)
        link_fault(lambda: dev.recv(fd, buf, 0, nd.deadline(5)))  # 9 bytes carried, 1 claimed
        assert rtl.faults.injected["inflated_reply"] == 1
        with pytest.raises(OSError) as info:
            dev.recv(fd, buf, 0, nd.deadline(5))
        assert info.value.args[0] == errno.EIO and "abandoned" in info.value.args[1]  # no gap
    finally:
        dev.close(fd)
    echo_once(dev, lab)


@pytest.mark.parametrize("lie", ["empty_reply", "short_reply", "inflated_reply"])
def test_a_lying_reply_to_socket_gives_no_fd_and_leaves_no_chip_socket(chip, lab, lie):
    """A short reply gave a fake fd (the request's bytes read as the socket number) and
    left the socket the chip did make open for good."""
    rtl, dev = chip
    rtl.faults.arm(lie, at=at(spec.SVC_LWIP, spec.LWIP_SOCKET))
    link_fault(lambda: dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP))
    assert dev.open_fds() == []
    assert len(rtl.open_sockets()) == 1  # the chip made it
    echo_once(dev, lab)  # recovery closes it first
    assert rtl.open_sockets() == {}


@pytest.mark.parametrize(
    ("lie", "method"),
    [
        ("empty_reply", spec.LWIP_ACCEPT),
        ("inflated_reply", spec.LWIP_ACCEPT),
        ("empty_reply", spec.LWIP_GETPEERNAME),
        ("short_reply", spec.LWIP_GETPEERNAME),
    ],
)
def test_a_lying_reply_to_accept_gives_no_fake_peer_and_leaves_no_chip_socket(chip, lab, lie, method):
    """A short reply to accept gave a fake connection from ('0.0.0.0', 0) and leaked the
    chip's socket of the real one."""
    rtl, dev = chip
    ip = device_ip(dev)  # the chip's own address
    port = free_port(ip)
    listener = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
    try:
        dev.bind(listener, ("", port))
        dev.listen(listener, 2)
        with socket.create_connection((ip, port), timeout=10):
            rtl.faults.arm(lie, at=at(spec.SVC_LWIP, method))
            link_fault(lambda: dev.accept(listener, nd.deadline(5)))
            assert dev.open_fds() == [listener]
            echo_once(dev, lab)
            assert list(rtl.open_sockets()) == [dev.slots[listener].number]
        with socket.create_connection((ip, port), timeout=10):
            conn, peer = dev.accept(listener, nd.deadline(5))
            dev.close(conn)
            # (an address the firmware cut short is reported unknown: docs/rtl8720dn.rst)
            assert (peer[0] == "127.0.0.1" and peer[1] > 0) or peer == ("0.0.0.0", 0)
    finally:
        dev.close(listener)
    assert rtl.open_sockets() == {}


def test_a_tls_start_that_returns_a_socket_number_out_of_range_is_a_link_fault(world, lab):
    """The start's result is the session's socket number: one the chip cannot have is a
    lie, and closing the fd frees the session (and its socket) all the same."""
    with radio(world, cafile=lab.cafile) as (rtl, dev, _uart):
        dev.call_timeout = 0.5
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
        try:
            rtl.faults.lie_value = 8
            rtl.faults.arm("inflated_reply", at=at(spec.SVC_TLS, spec.TLS_START))
            link_fault(lambda: dev.connect(fd, "localhost", ("", lab.https[1]), nd.deadline(10)))
        finally:
            dev.close(fd)
        echo_once(dev, lab)
        assert rtl.tls_sessions() == {} and rtl.open_sockets() == {}
