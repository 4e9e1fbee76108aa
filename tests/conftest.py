# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Shared fixtures: one Lab (the loopback peers) per session, and ``device``: each netdev
registered in tests/device_*.py, built against that lab, one per test module."""

import socket

import pytest

import adafruit_netdev as nd
from tests.devices import load

DEVICES = load()


@pytest.fixture(scope="session")
def lab():
    from netdev_emulator import Lab

    with Lab() as running:
        yield running


@pytest.fixture(scope="module", params=sorted(DEVICES))
def device(request, lab):
    """``(name, link, dev)`` for every registered netdev, joined to the lab's access point."""
    with DEVICES[request.param](lab) as (link, dev):
        yield request.param, link, dev


@pytest.fixture
def dev(device):
    """The netdev under test; after the test, no socket may be left open."""
    name, _link, netdev = device
    before = set(open_fds(netdev))
    yield netdev
    leaked = set(open_fds(netdev)) - before
    for fd in leaked:
        netdev.close(fd)
    assert not leaked, "%s: the test left fds %r open" % (name, sorted(leaked))


def open_fds(netdev):
    """The fds a netdev has open (every netdev of this project offers ``open_fds()``)."""
    return netdev.open_fds()


def free_port(ip=""):
    """A TCP port free on ``ip`` right now: by default on every address, so that a port
    picked here is also free on an emulated chip's own address (127.0.0.2), where a port
    free only on 127.0.0.1 may still be held."""
    with socket.socket() as s:
        s.bind((ip, 0))
        return s.getsockname()[1]


def device_ip(dev):
    """Where this computer reaches a server listening on ``dev``: an emulated
    co-processor's own address (``dev.addr()``: 127.0.0.2 where the system has it), or
    127.0.0.1 for the host netdev (its sockets are this computer's)."""
    from adafruit_netdev.host import HostNetdev

    return "127.0.0.1" if isinstance(dev, HostNetdev) else dev.addr()


def echo_once(dev, lab, payload=b"ping over the link"):
    """One TCP round trip through ``dev`` to the lab's echo peer, byte-exact."""
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
    try:
        dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))
        echo_on(dev, fd, payload)
    finally:
        dev.close(fd)


def echo_on(dev, fd, payload):
    """One round trip on ``fd``, a connection open to the lab's echo peer, byte-exact."""
    dev.send(fd, payload, 0, nd.deadline(10))
    got = bytearray()
    buf = bytearray(64)
    while len(got) < len(payload):
        n = dev.recv(fd, buf, 0, nd.deadline(10))
        assert n > 0
        got += buf[:n]
    assert bytes(got) == payload
