# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""A UDP server on every netdev (issue 20): ``recvfrom`` tells the senders of datagrams apart,
and the bound socket answers each one (``connect`` gives ``send`` its destination without
deafening the socket to the others); the socketpool's ``recvfrom_into``/``sendto`` on top.
The senders are real sockets of this computer."""

import socket

import pytest

import adafruit_netdev as nd
from adafruit_netdev.socketpool import SocketPool
from tests.conftest import device_ip

SENDERS = 3


def _udp_port(ip):
    """A UDP port free on ``ip`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((ip, 0))
        return s.getsockname()[1]


def _senders():
    socks = []
    for _ in range(SENDERS):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.settimeout(20)
        socks.append(s)
    return socks


def test_a_udp_server_tells_several_senders_apart_and_answers_each(dev):
    ip = device_ip(dev)
    port = _udp_port(ip)
    fd = dev.socket(nd.AF_INET, nd.SOCK_DGRAM, nd.IPPROTO_UDP)
    senders = _senders()
    try:
        dev.bind(fd, ("", port))
        for rnd in range(2):
            for i, s in enumerate(senders):
                s.sendto(b"sender %d, datagram %d" % (i, rnd), (ip, port))
            heard = {}
            buf = bytearray(64)
            for _ in senders:
                n, (sender_ip, sender_port) = dev.recvfrom(fd, buf, 0, nd.deadline(20))
                heard[(sender_ip, sender_port)] = bytes(buf[:n])
            expected = {s.getsockname(): b"sender %d, datagram %d" % (i, rnd) for i, s in enumerate(senders)}
            assert heard == expected
            for address, payload in heard.items():  # answer each from the bound socket
                dev.connect(fd, "", address)
                assert dev.send(fd, payload.upper(), 0, nd.deadline(10)) == len(payload)
            for i, s in enumerate(senders):
                data, source = s.recvfrom(64)
                assert data == (b"sender %d, datagram %d" % (i, rnd)).upper()
                assert source == (ip, port)
    finally:
        for s in senders:
            s.close()
        dev.close(fd)


def test_recvfrom_of_a_tcp_connection_names_its_peer(dev, lab):
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
    try:
        dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))
        dev.send(fd, b"ping", 0, nd.deadline(10))
        buf = bytearray(16)
        n, peer = dev.recvfrom(fd, buf, 0, nd.deadline(10))
        assert bytes(buf[:n]) == b"ping"[:n] and n > 0
        assert peer[1] == lab.tcp_echo[1] and nd.parse_ipv4(peer[0]) is not None
    finally:
        dev.close(fd)


def test_recvfrom_waits_no_longer_than_its_deadline(dev):
    fd = dev.socket(nd.AF_INET, nd.SOCK_DGRAM, nd.IPPROTO_UDP)
    try:
        dev.bind(fd, ("", _udp_port(device_ip(dev))))
        with pytest.raises(OSError) as timed_out:
            dev.recvfrom(fd, bytearray(16), 0, nd.deadline(0.3))
        assert timed_out.value.args[0] == nd.ETIMEDOUT
        with pytest.raises(OSError) as nothing:
            dev.recvfrom(fd, bytearray(16), 0, nd.deadline(0))  # expired: look once
        assert nothing.value.args[0] == nd.EAGAIN
    finally:
        dev.close(fd)


def test_socketpool_recvfrom_into_and_sendto_serve_several_senders(dev):
    ip = device_ip(dev)
    port = _udp_port(ip)
    pool = SocketPool(dev)
    server = pool.socket(pool.AF_INET, pool.SOCK_DGRAM)
    senders = _senders()
    try:
        server.bind(("0.0.0.0", port))
        server.settimeout(20)
        for i, s in enumerate(senders):
            s.sendto(b"hello from %d" % i, (ip, port))
        buf = bytearray(64)
        for _ in senders:
            n, sender = server.recvfrom_into(buf)
            server.sendto(bytes(buf[:n]) + b", back", sender)
        for i, s in enumerate(senders):
            assert s.recvfrom(64) == (b"hello from %d, back" % i, (ip, port))
    finally:
        for s in senders:
            s.close()
        server.close()
