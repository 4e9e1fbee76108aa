# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Mutual TLS with adafruit_minimqtt (the real PyPI package, unmodified) through the
socketpool: the lab's mosquitto listener that requires a client certificate of the lab's
CA (test.mosquitto.org:8884's kind), reached through WiFiNINA on Adafruit's NINA-FW 1.7
(SET_CLI_CERT / SET_PK) and through the host netdev. Without a certificate the broker's
refusal is a clear error; with ``SSLContext.load_cert_chain`` it subscribes and gets its own
message. Also what the driver sends: the frames as the firmware reads them, and the size
limits of its buffers."""

import contextlib
import uuid

import adafruit_minimqtt.adafruit_minimqtt as MQTT
import pytest

from adafruit_netdev.host import HostNetdev
from adafruit_netdev.socketpool import SocketPool, create_default_context
from tests.device_wifinina import wifinina_on
from tests.mqtt_round_trip import round_trip


@contextlib.contextmanager
def _netdev(kind, lab):
    """(dev, broker host, broker port) of a fresh netdev: nothing set on it yet."""
    if kind == "host":
        dev = HostNetdev(cafile=lab.cafile, any_address="127.0.0.1")
        yield dev, "localhost", lab.mqtts_client_cert[1]
        return
    with wifinina_on(lab.network(), kind) as (_nina, dev):
        yield dev, "test.mosquitto.org", 8884  # the world routes it to the lab's listener


def _story(exc):
    """The messages of ``exc`` and of the errors it was raised from."""
    parts = []
    while exc is not None and len(parts) < 10:
        parts.append(str(exc))
        exc = exc.__cause__ or exc.__context__
    return " <- ".join(parts)


def _client(pool, context, host, port):
    return MQTT.MQTT(
        broker=host,
        port=port,
        is_ssl=True,
        ssl_context=context,
        socket_pool=pool,
        client_id="netdev-" + uuid.uuid4().hex[:10],
        socket_timeout=0.5,
        recv_timeout=10,
        connect_retries=1,
    )


@pytest.mark.parametrize("kind", ["adafruit-1.7", "host"])
def test_minimqtt_over_mutual_tls(lab, kind):
    with _netdev(kind, lab) as (dev, host, port):
        pool = SocketPool(dev)
        context = create_default_context(dev)
        with pytest.raises(MQTT.MMQTTException) as refused:  # no client certificate yet
            _client(pool, context, host, port).connect()
        if kind != "host":  # what the driver said, under minimqtt's words
            assert "client certificate" in _story(refused.value)
        # (the host's TLS 1.3 learns of the refusal only at its next read or write: "the peer
        # closed the connection" or the server's alert, whichever comes first)
        assert dev.open_fds() == []

        context.load_cert_chain(lab.client_certfile, lab.client_keyfile)
        topic = "netdev/mtls/%s" % uuid.uuid4().hex[:8]
        got = round_trip(_client(pool, context, host, port), topic, "over mutual TLS")
        assert got == [(topic, "over mutual TLS")]
        assert dev.open_fds() == []


def test_the_certificate_goes_whole_and_ends_where_the_firmware_reads_it(lab):
    """SET_CLI_CERT and SET_PK as Adafruit's firmware reads them: the text from offset 4 up
    to a NUL (its buffers are 1300 and 1700 bytes; nothing after the text is read)."""
    with open(lab.client_certfile, "rb") as f:
        cert = f.read()
    with open(lab.client_keyfile, "rb") as f:
        key = f.read()
    with wifinina_on(lab.network(), "adafruit-1.7") as (nina, dev):
        frames = []
        nina.trace = lambda command, reply: (
            frames.append(bytes(command)) if command[1] in (0x40, 0x41) else None
        )
        try:
            dev.set_client_cert(cert, key)
        finally:
            nina.trace = None
        assert [f[1] for f in frames] == [0x40, 0x41]
        for frame, text in zip(frames, (cert, key)):
            assert frame[4 : 4 + len(text)] == text and frame[4 + len(text)] == 0


def test_what_the_firmware_cannot_hold_is_refused_before_it_is_sent(lab):
    with wifinina_on(lab.network(), "adafruit-1.7") as (nina, dev):
        sent = []
        nina.trace = lambda command, reply: sent.append(command[1])
        try:
            long_cert = b"-----BEGIN CERTIFICATE-----\n" + b"A" * 1300
            with pytest.raises(ValueError, match="1299"):
                dev.set_client_cert(long_cert, b"-----BEGIN PRIVATE KEY-----\n")
            with pytest.raises(ValueError, match="1699"):
                dev.set_client_cert(
                    b"-----BEGIN CERTIFICATE-----\n", b"-----BEGIN PRIVATE KEY-----\n" + b"A" * 1700
                )
            with pytest.raises(NotImplementedError):  # unset: nothing to forget
                dev.set_client_cert(b"-----BEGIN CERTIFICATE-----\nA\n", b"-----BEGIN PRIVATE KEY-----\nA\n")
                dev.set_client_cert(None, None)
        finally:
            nina.trace = None
        assert 0x40 in sent  # (the last pair, short enough, did go)


@pytest.mark.parametrize("persona", ["arduino-2.0", "adafruit-3.3"])
def test_firmware_without_usable_client_certificates_says_so(lab, persona):
    with wifinina_on(lab.network(), persona) as (nina, dev):
        with pytest.raises(NotImplementedError) as refused:
            dev.set_client_cert(b"-----BEGIN CERTIFICATE-----\n", b"-----BEGIN PRIVATE KEY-----\n")
        assert dev.version in str(refused.value)
        assert ("Arduino" if persona.startswith("arduino") else "3.x") in str(refused.value)
