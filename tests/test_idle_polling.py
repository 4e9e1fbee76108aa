# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""A recv waiting for data that does not come must not keep the bus busy (issue 7: at most
50 bus transactions per idle second). Counted on the emulators' bus statistics; the
bounds hold on any machine (a slower one polls less, never more)."""

import time

import pytest

import adafruit_netdev as nd
from tests.device_wifinina import PERSONAS, wifinina_on

pytestmark = pytest.mark.timeout(60)

IDLE_S = 1.0


def _idle_transactions(stats, dev, fd):
    before = stats.snapshot()["transactions"]
    with pytest.raises(OSError) as caught:
        dev.recv(fd, bytearray(64), 0, nd.deadline(IDLE_S))
    assert caught.value.args[0] == nd.ETIMEDOUT
    return stats.snapshot()["transactions"] - before


@pytest.mark.parametrize("persona", PERSONAS)
def test_idle_nina_recv_leaves_the_bus_alone_while_gpio0_is_low(lab, persona):
    with wifinina_on(lab.network(), persona) as (nina, dev):
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))
        # the connection state is asked every 100 ms (4 transactions with the read before
        # it); data is announced by GPIO0, which costs no transaction
        idle = _idle_transactions(nina.stats, dev, fd)
        print("%s: %d transactions in an idle second" % (persona, idle))
        assert idle <= 4 * (IDLE_S / 0.1 + 4)
        dev.send(fd, b"ping", 0, nd.deadline(5))
        buf = bytearray(16)
        assert buf[: dev.recv(fd, buf, 0, nd.deadline(5))] == b"ping"[: len(buf)]


@pytest.mark.parametrize("persona", ["arduino-2.0", "adafruit-1.7"])
def test_idle_nina_recv_without_gpio0_asks_less_often_once_idle(lab, persona):
    """No GPIO0 wired: every poll is a bus exchange (2 transactions; 4 with a state check).
    After 200 ms of idling the driver asks for data every 60 ms and for the connection's
    state every 200 ms: under 50 transactions a second (TinyGo's 100 ms polls: 20).
    Adafruit 1.x's state checks come with a peek (6 transactions), every 300 ms."""
    from adafruit_netdev.netlink import ConnectParams
    from adafruit_netdev_wifinina import WiFiNINA
    from netdev_emulator import NinaEmulator

    nina = NinaEmulator(lab.network(), persona=persona)
    try:
        dev = WiFiNINA(nina.spi, nina.cs, nina.ready, nina.reset, None)
        dev.net_connect(ConnectParams(ssid="lab-ap", passphrase="lab-password", retries=3))
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        try:
            dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))
            _idle_transactions(nina.stats, dev, fd)  # the first 200 ms poll quickly
            idle = _idle_transactions(nina.stats, dev, fd)
            print("%s: %d transactions in an idle second" % (persona, idle))
            assert idle <= 50 * IDLE_S
            dev.send(fd, b"ping", 0, nd.deadline(5))  # and data is still picked up
            buf = bytearray(16)
            assert buf[: dev.recv(fd, buf, 0, nd.deadline(5))] == b"ping"
        finally:
            dev.close(fd)
            dev.net_disconnect()
    finally:
        nina.close()


def test_nina_gpio0_announces_tls_data(lab):
    """GPIO0 rises when a TLS connection has data waiting (the emulator once selected on
    the plain socket wrap_socket had detached, and read LOW for every socket)."""
    with wifinina_on(lab.network(), "arduino-2.0") as (nina, dev):
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
        dev.connect(fd, "localhost", lab.https, nd.deadline(10))
        request = b"GET /get HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        dev.send(fd, request, 0, nd.deadline(5))
        limit = time.monotonic() + 10
        while not nina.gpio0.value:
            assert time.monotonic() < limit, "GPIO0 stayed low with a TLS answer on its way"
            time.sleep(0.005)  # polling a pin, bounded above
        buf = bytearray(64)
        n = dev.recv(fd, buf, 0, nd.deadline(5))
        assert bytes(buf[:n]).startswith(b"HTTP/1.1 200")


def test_idle_rtl8720dn_recv_polls_with_one_call(lab):
    from tests.rtl8720dn.conftest import radio

    with radio(lab.network()) as (rtl, dev, _uart):
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        try:
            dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))
            # a poll every 25 ms at most once idle, one rpc_lwip_select each (the first
            # empty receive and its errno read: two)
            assert _idle_transactions(rtl.stats, dev, fd) <= IDLE_S / 0.025 + 20
            dev.send(fd, b"ping", 0, nd.deadline(5))
            buf = bytearray(16)
            assert buf[: dev.recv(fd, buf, 0, nd.deadline(5))] == b"ping"
        finally:
            dev.close(fd)
