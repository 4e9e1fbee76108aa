# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""A UDP server on the RTL8720DN (issue 20): ``recvfrom`` gives each datagram's sender
(``rpc_lwip_recvfrom``), and ``connect`` then ``send`` answers it (``rpc_lwip_sendto``: the
chip's socket is never connected, so it keeps hearing every sender), as socketpool's
``sendto`` does. Before, the sender was lost, and a UDP ``connect`` connected the chip's
socket (``rpc_lwip_connect``), after which lwIP dropped every other sender's datagrams."""

import errno
import socket

import pytest

import adafruit_netdev as nd
from tests.conftest import device_ip, free_port
from tests.rtl8720dn.conftest import radio

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def server(world):
    with radio(world) as (_rtl, dev, _uart):
        ip = device_ip(dev)
        port = free_port(ip)
        fd = dev.socket(nd.AF_INET, nd.SOCK_DGRAM, nd.IPPROTO_UDP)
        try:
            dev.bind(fd, ("", port))
            yield dev, fd, (ip, port)
        finally:
            dev.close(fd)


def senders(count):
    out = []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.settimeout(10)
        out.append(s)
    return out


def test_a_udp_server_learns_each_sender_and_answers_it(server):
    dev, fd, address = server
    peers = senders(3)
    try:
        for i, s in enumerate(peers):  # all three first: they wait on the chip together
            s.sendto(b"hello %d" % i, address)
        buf = bytearray(64)
        for i, s in enumerate(peers):
            n, sender = dev.recvfrom(fd, buf, 0, nd.deadline(5))
            assert bytes(buf[:n]) == b"hello %d" % i and sender == s.getsockname()
            dev.connect(fd, "", sender)  # where send goes (socketpool's sendto)
            assert dev.send(fd, b"re " + buf[:n], 0, nd.deadline(5)) == n + 3
        for i, s in enumerate(peers):
            data, source = s.recvfrom(64)
            assert data == b"re hello %d" % i and source[1] == address[1]
    finally:
        for s in peers:
            s.close()


def test_an_empty_datagram_has_its_sender_too(server):
    dev, fd, address = server
    (peer,) = senders(1)
    with peer:
        peer.sendto(b"", address)
        assert dev.recvfrom(fd, bytearray(8), 0, nd.deadline(5)) == (0, peer.getsockname())
        dev.connect(fd, "", peer.getsockname())
        assert dev.send(fd, b"", 0, nd.deadline(5)) == 0
        assert peer.recvfrom(8)[0] == b""


def test_recvfrom_waits_by_its_deadline_and_polls_when_it_has_passed(server):
    dev, fd, _address = server
    with pytest.raises(OSError) as info:
        dev.recvfrom(fd, bytearray(8), 0, nd.deadline(0))
    assert info.value.args[0] == errno.EAGAIN
    with pytest.raises(OSError) as info:
        dev.recvfrom(fd, bytearray(8), 0, nd.deadline(0.3))
    assert info.value.args[0] == errno.ETIMEDOUT


def test_recvfrom_on_a_tcp_connection_gives_the_peer(world, lab):
    with radio(world) as (_rtl, dev, _uart):
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        try:
            dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))
            dev.send(fd, b"ping", 0, nd.deadline(5))
            buf = bytearray(4)
            n, peer = dev.recvfrom(fd, buf, 0, nd.deadline(5))
            assert bytes(buf[:n]) == b"ping"[:n] and peer == tuple(lab.tcp_echo)
        finally:
            dev.close(fd)


def test_a_connected_udp_socket_still_hears_every_sender(server):
    dev, fd, address = server
    first, second = senders(2)
    with first, second:
        first.sendto(b"one", address)
        buf = bytearray(8)
        n, sender = dev.recvfrom(fd, buf, 0, nd.deadline(5))
        dev.connect(fd, "", sender)
        assert dev.send(fd, b"ok", 0, nd.deadline(5)) == 2 and first.recvfrom(8)[0] == b"ok"
        second.sendto(b"two", address)  # lwIP would drop it, were the chip's socket connected
        n, sender = dev.recvfrom(fd, buf, 0, nd.deadline(5))
        assert bytes(buf[:n]) == b"two" and sender == second.getsockname()


def test_udp_connect_checks_its_address_and_a_datagram_fits_one_frame(server):
    dev, fd, _address = server
    with pytest.raises(ValueError):
        dev.connect(fd, "", ("not an address", 1))
    dev.connect(fd, "", ("127.0.0.1", 9))
    with pytest.raises(OSError) as info:
        dev.send(fd, bytes(4053), 0, nd.deadline(5))
    assert info.value.args[0] == getattr(errno, "EMSGSIZE", 90)
    assert dev.send(fd, bytes(4052), 0, nd.deadline(5)) == 4052
