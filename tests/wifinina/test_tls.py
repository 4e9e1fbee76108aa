# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The WiFiNINA driver's TLS connect where the firmware lines differ: Adafruit NINA-FW 1.x
answers START_CLIENT with 1 for a handshake that failed, after retrying it for 120 s
(WiFiSSLClient::connect, docs/protocol-nina.rst, TLS)."""

import time

import pytest

import adafruit_netdev as nd
import adafruit_netdev_wifinina as wifinina
from netdev_emulator import lab_tls
from netdev_emulator.nina import NinaTiming
from tests.device_wifinina import wifinina_on
from tests.wifinina.conftest import assert_clean_bus
from tests.wifinina.test_sockets import recv_exact


def _refused(dev, host, deadline):
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
    try:
        with pytest.raises(OSError) as info:
            dev.connect(fd, host, ("", 443), deadline)
        return fd, info.value
    except BaseException:
        dev.close(fd)
        raise


def test_a_failed_tls_handshake_is_a_tls_error_on_every_line(world, persona):
    """A server whose certificate is for another name: connect raises ECONNREFUSED naming
    the certificate on every line. On Adafruit 1.x START_CLIENT answered 1 for it (the
    driver asks GET_CLIENT_STATE), and the fd connects again once given a good host."""
    with wifinina_on(world, persona) as (nina, dev):
        fd, exc = _refused(dev, lab_tls.WRONG_HOST_NAME, nd.deadline(10))
        try:
            assert exc.args[0] == nd.ECONNREFUSED, exc.args
            assert "certificate" in exc.args[1], exc.args
            assert [s for s in nina.open_sockets() if s.get("type") == "tls"] == []
            dev.connect(fd, "example.com", ("", 443), nd.deadline(10))  # the same fd again
            dev.send(fd, b"GET / HTTP/1.0\r\nHost: example.com\r\n\r\n", 0, nd.deadline(5))
            assert recv_exact(dev, fd, 12, bytearray(16)).startswith(b"HTTP/1.")
        finally:
            dev.close(fd)
        assert_clean_bus(nina)


def test_adafruit_17_retrying_a_failed_handshake_is_not_a_dead_coprocessor(world):
    """Adafruit 1.x holds START_CLIENT for 120 s while it retries a failed handshake: more
    than the driver's bound on a plain connect (1 s here, the firmware's retries 1.5 s), so
    its TLS connects get the 175 s bound; a caller's deadline is still kept."""
    timing = NinaTiming(tls_failed_handshake=(1.5, 120.0))
    connect_ms = wifinina._CONNECT_MS
    try:
        with wifinina_on(world, "adafruit-1.7", timing=timing) as (nina, dev):
            wifinina._CONNECT_MS = 1000  # CPython: the const is a module global
            fd, exc = _refused(dev, lab_tls.WRONG_HOST_NAME, nd.deadline(10))
            dev.close(fd)
            assert exc.args[0] == nd.ECONNREFUSED, exc.args
            assert "TLS handshake" in exc.args[1], exc.args
            assert dev.link_fault is None
            started = time.monotonic()
            fd, exc = _refused(dev, lab_tls.WRONG_HOST_NAME, nd.deadline(0.5))
            dev.close(fd)
            assert exc.args[0] == nd.ETIMEDOUT, exc.args
            assert time.monotonic() - started < 1.4, "the deadline was not kept"
            assert dev.addr() != "0.0.0.0"  # waits for the owed reply, then answers
            assert dev.link_fault is None
            assert nina.open_sockets() == []
            assert_clean_bus(nina)
    finally:
        wifinina._CONNECT_MS = connect_ms
