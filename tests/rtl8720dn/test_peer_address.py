# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The peer address of an accepted connection on the RTL8720DN. From firmware 2.1.1,
rpc_lwip_getpeername gives lwIP an uninitialised length, so the address comes back cut
short now and then (0.0.0.0:0, a bare port, trailing zeros); the emulator draws that
length (``uninitialised_namelen``). The driver never trusts an impossible address: it
asks again, and else reports the peer as unknown, ``("0.0.0.0", 0)``, which net shows as
``remote_addr is None`` and the socketpool passes on; the connection works either way."""

import socket

import pytest

import adafruit_netdev as nd
import net
from adafruit_netdev import socketpool
from adafruit_netdev_rtl8720dn import RTL8720DN
from netdev_emulator import RTL8720Emulator
from tests.rtl8720dn.conftest import LAB_AP

UNKNOWN = ("0.0.0.0", 0)


@pytest.fixture
def chip(lab, request):
    rtl = RTL8720Emulator(lab.network(), uninitialised_namelen=request.param)
    dev = RTL8720DN(rtl.uart, rtl.enable)
    dev.net_connect(LAB_AP)
    yield rtl, dev
    for fd in dev.open_fds():
        dev.close(fd)
    rtl.close()


def listening(dev):
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
    dev.bind(fd, ("", 0))
    dev.listen(fd, 2)
    return fd


def accept_one(rtl, dev, fd, port):
    client = socket.create_connection((dev.addr(), port), timeout=10)
    new, peer = dev.accept(fd, nd.deadline(10))
    return client, new, peer


def port_of(rtl, fd):
    return next(info["local_port"] for info in rtl.open_sockets().values() if info["state"] == "listening")


def calls(rtl):
    return rtl.call_counts.get((16, 4), 0)


@pytest.mark.parametrize("chip", [[0, 0, 0], [5, 5, 5], [3, 2, 7], [1, 4, 6]], indirect=True)
def test_an_impossible_address_is_reported_unknown(chip):
    rtl, dev = chip
    fd = listening(dev)
    before = calls(rtl)
    client, new, peer = accept_one(rtl, dev, fd, port_of(rtl, fd))
    try:
        assert peer == UNKNOWN  # never 127.0.0.0, 0.0.0.0:port or a bare family
        assert calls(rtl) - before == 3  # asked three times
        # the connection itself is fine
        client.sendall(b"hello")
        buf = bytearray(5)
        assert dev.recv(new, buf, 0, nd.deadline(10)) == 5 and buf == b"hello"
        dev.send(new, b"world", 0, nd.deadline(10))
        assert client.recv(5) == b"world"
    finally:
        client.close()
        dev.close(new)
        dev.close(fd)


@pytest.mark.parametrize("chip", [[0, 16], [6, 5, 16], [16]], indirect=True)
def test_a_cut_short_answer_is_asked_again(chip):
    rtl, dev = chip
    fd = listening(dev)
    client, new, peer = accept_one(rtl, dev, fd, port_of(rtl, fd))
    try:
        assert peer == client.getsockname()
    finally:
        client.close()
        dev.close(new)
        dev.close(fd)


@pytest.mark.parametrize("chip", [0], indirect=True)
def test_net_and_socketpool_cope_with_an_unknown_peer(chip):
    rtl, dev = chip
    nd.use_netdev(dev)
    try:
        with socket.socket() as probe:  # a port free on the device's address
            probe.bind((dev.addr(), 0))
            port = probe.getsockname()[1]
        with net.listen("tcp", ":%d" % port) as ln:
            client = socket.create_connection((dev.addr(), port), timeout=10)
            with ln.accept(timeout=10) as conn:
                assert conn.remote_addr is None
                assert conn.local_addr == ln.addr
                client.sendall(b"via net")
                conn.set_deadline(net.deadline(10))
                assert conn.read(7) == b"via net"
                conn.write(b"ok")
                assert client.recv(2) == b"ok"
            client.close()
    finally:
        nd.use_netdev(None)
    pool = socketpool.SocketPool(dev)
    server = pool.socket(pool.AF_INET, pool.SOCK_STREAM)
    server.bind(("0.0.0.0", 0))
    server.listen(1)
    port = port_of(rtl, None)
    client = socket.create_connection((dev.addr(), port), timeout=10)
    server.settimeout(10)
    conn, address = server.accept()
    try:
        assert address == UNKNOWN  # what adafruit_httpserver logs: still a pair
        conn.settimeout(10)
        client.sendall(b"via pool")
        buf = bytearray(8)
        assert conn.recv_into(buf) == 8 and buf == b"via pool"
        conn.send(b"ok")  # an accepted socket sends although its peer is unknown
        assert client.recv(2) == b"ok"
    finally:
        client.close()
        conn.close()
        server.close()
