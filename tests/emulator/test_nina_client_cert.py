# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Adafruit NINA-FW's client certificate (SET_CLI_CERT 0x40, SET_PK 0x41) at the wire, against
the lab's mosquitto listener that requires one (docs/emulator-nina.rst, Client certificates):
what each firmware line presents in its TLS handshakes, its buffer limits, and how it fails
(main/CommandHandler.cpp setClientCert/setCertKey/startClientTcp; WiFiSSLClient.cpp <= 2.x;
arduino-esp32's NetworkClientSecure.cpp and ssl_client.cpp for 3.x)."""

import contextlib
import socket
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from netdev_emulator.nina import NinaEmulator
from netdev_emulator.nina_tls import CERT_BUF_SIZE, PK_BUF_SIZE
from tests.emulator.test_nina_raw import RawHost, wait_for
from tests.emulator.test_nina_sockets import read_exactly, send_tcp, start_client_host
from tests.test_lab import mqtt_packet, mqtt_string

BROKER = (b"test.mosquitto.org", 8884)  # the lab's listener that requires a certificate
HTTPS = (b"httpbin.org", 443)  # a server that asks for no certificate
CONNACK_ACCEPTED = b"\x20\x02\x00\x00"
FAILED = []  # START_CLIENT_TCP's failure: a reply without parameters


def buffer_command(op, data):
    """SET_CLI_CERT / SET_PK as the firmware reads them: the bytes from offset 4 on (the
    firmware copies its whole buffer from there, whatever the length byte at offset 3 says)."""
    out = bytearray((0xE0, op, 1, len(data) & 0xFF)) + data + b"\xee"
    while len(out) % 4:
        out.append(0)
    return bytes(out)


@contextlib.contextmanager
def chip(lab, persona, cert=None, key=None):
    """``(nina, host)`` joined to the lab's access point, with ``cert``/``key`` (bytes)
    sent by SET_CLI_CERT/SET_PK when given."""
    nina = NinaEmulator(lab.network(), persona=persona)
    try:
        host = RawHost(nina, timeout=10)
        host.boot()
        assert host.join("lab-ap", "lab-password") == 3
        for op, data in ((0x40, cert), (0x41, key)):
            if data is not None:
                host.send(buffer_command(op, data))
                assert host.reply(op) == [b"\x01"]  # always 1: nothing is parsed yet
        yield nina, host
    finally:
        nina.close()


def start_tls(host, slot, server):
    host.send(start_client_host(server[0], server[1], slot, 2))
    return host.reply(0x2D)


def handshake_fails(host, slot, server, persona):
    """START_CLIENT_TCP to ``server`` where the TLS handshake fails: no parameter, except on
    Adafruit 1.x, which answers 1 after retrying for 120 s (WiFiSSLClient::connect returns -1,
    startClientTcp takes it for success) on a client GET_CLIENT_STATE reports closed."""
    reply = start_tls(host, slot, server)
    if persona == "adafruit-1.7":
        return reply == [b"\x01"] and host.cmd1(0x2F, bytes((slot,))) == 0
    return reply == FAILED


def mqtt_connects(host, slot):
    send_tcp(host, slot, mqtt_packet(0x10, mqtt_string("MQTT") + b"\x04\x02\x00\x3c"
                                     + mqtt_string("nina-client-cert")))
    return read_exactly(host, slot, 4) == CONNACK_ACCEPTED


def broker_connections(lab):
    """How many connections the emulated chip (127.0.0.2) has made to the listener that
    requires a certificate, as the broker logged them."""
    port = " on port %d." % lab.mqtts_client_cert[1]
    # mosquitto 2.0 logs "New connection from <ip>:<port> on port <listener>." once the TLS
    # handshake is under way, or only "Client connection from <ip> failed: ..." when it has
    # already failed by the time the broker accepts (the chip gave up on the broker's CA):
    # the chip makes no other broker connection in these tests, so both count
    return sum(1 for line in lab.peer("mqtt").log()
               if ("from 127.0.0.2:" in line and port in line)
               or line.startswith("Client connection from 127.0.0.2 failed"))  # fmt: skip


def read_files(lab):
    with open(lab.client_certfile, "rb") as f:
        cert = f.read()
    with open(lab.client_keyfile, "rb") as f:
        key = f.read()
    return cert, key


@pytest.mark.parametrize("persona", ["adafruit-1.7", "adafruit-2.0"])
def test_adafruit_up_to_2x_presents_the_client_certificate_in_its_handshake(lab, persona):
    """WiFiSSLClient::connect (<= 2.x) verifies the broker with its root CAs and presents
    CERT_BUF/PK_BUFF: the broker that requires a certificate takes the connection."""
    cert, key = read_files(lab)
    with chip(lab, persona, cert, key) as (nina, host):
        assert start_tls(host, 0, BROKER) == [b"\x01"]
        assert mqtt_connects(host, 0)
        assert nina.firmware.slots[0].client.sock.version() == "TLSv1.2"  # mbedTLS: no 1.3


@pytest.mark.parametrize("persona", ["adafruit-1.7", "adafruit-2.0", "adafruit-3.3"])
def test_without_a_client_certificate_the_broker_refuses_the_handshake(lab, persona):
    with chip(lab, persona) as (nina, host):
        assert handshake_fails(host, 0, BROKER, persona)
        assert nina.open_sockets() == []
        assert start_tls(host, 1, HTTPS) == [b"\x01"]  # the same TLS to a server that asks none


def test_only_the_certificate_without_the_key_presents_nothing(lab):
    """startClientTcp sets the certificate only when both setCert and setPSK are set."""
    cert, _ = read_files(lab)
    with chip(lab, "adafruit-2.0", cert=cert) as (_nina, host):
        assert start_tls(host, 0, BROKER) == FAILED


def test_adafruit_33_cannot_use_a_client_certificate(lab):
    """3.x's startClientTcp sets the certificate and key INSTEAD of the CA bundle. On a socket
    number whose NetworkClientSecure never had the bundle, start_ssl_client fails before it
    opens a socket (no CA, no PSK, not insecure); on one that had it (``_use_ca_bundle``
    stays set, the attach callback does not survive stop()) it connects and has no CA to
    verify the server with. Either way no TLS connection works, to any server, until a reset."""
    cert, key = read_files(lab)
    with chip(lab, "adafruit-3.3") as (nina, host):
        before = broker_connections(lab)
        assert start_tls(host, 0, BROKER) == FAILED  # no certificate yet: the broker refuses
        wait_for(lambda: broker_connections(lab) == before + 1, what="the broker logging it")
        for op, data in ((0x40, cert), (0x41, key)):
            host.send(buffer_command(op, data))
            assert host.reply(op) == [b"\x01"]
        assert start_tls(host, 0, BROKER) == FAILED  # had the bundle: connects, cannot verify
        wait_for(lambda: broker_connections(lab) == before + 2, what="the broker logging it")
        assert start_tls(host, 1, BROKER) == FAILED  # never had it: not even a connection
        assert start_tls(host, 2, HTTPS) == FAILED
        assert broker_connections(lab) == before + 2
        assert nina.open_sockets() == []


def _leaf(lab, *names, **kw):
    leaf = lab.ca.issue_cert(*(names or ("netdev-client.lab",)), **kw)
    return leaf.cert_chain_pems[0].bytes(), leaf.private_key_pem.bytes()


def _failure_cases(lab):
    cert, key = read_files(lab)
    long_cert, long_key = _leaf(lab, *("client-%02d.netdev.lab" % n for n in range(30)))
    assert len(long_cert) > CERT_BUF_SIZE  # cut at 1300 bytes: its END line is lost
    other_key = ec.generate_private_key(ec.SECP256R1())
    encrypted = other_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret"),
    )
    der = x509.load_pem_x509_certificate(cert).public_bytes(serialization.Encoding.DER)
    return {
        "certificate too long": (long_cert, long_key),
        "certificate not PEM": (der, key),
        "key not PEM": (cert, other_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())),
        "key encrypted": (cert, encrypted),
        "certificate garbled": (cert.replace(b"M", b"!", 3), key),
        "key cut off": (cert, key[: len(key) // 2]),
    }


@pytest.mark.parametrize("case", ["certificate too long", "certificate not PEM", "key not PEM",
                                  "key encrypted", "certificate garbled", "key cut off"])
def test_what_mbedtls_cannot_parse_fails_the_connect_before_it_starts(lab, case):
    """WiFiSSLClient::connect (<= 2.x) parses CERT_BUF and PK_BUFF before mbedtls_net_connect:
    a certificate that is not PEM (DER: ``strlen`` stops at its first zero byte), longer than
    the 1300-byte buffer, or garbled, and a key that is not PEM, encrypted (no password is
    ever given) or cut off, fail START_CLIENT_TCP without a connection, to any server."""
    cert, key = _failure_cases(lab)[case]
    assert len(key) <= PK_BUF_SIZE
    with chip(lab, "adafruit-2.0", cert, key) as (nina, host):
        before = broker_connections(lab)
        assert start_tls(host, 0, BROKER) == FAILED
        assert start_tls(host, 1, HTTPS) == FAILED
        assert broker_connections(lab) == before
        assert nina.open_sockets() == []


def test_a_key_that_is_not_the_certificates_fails_only_where_a_certificate_is_asked_for(lab):
    """mbedtls_ssl_conf_own_cert does not compare them: the handshake fails where the server
    asks for a certificate (the CertificateVerify does not verify), and works where it does
    not ask."""
    cert, _ = read_files(lab)
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    with chip(lab, "adafruit-1.7", cert, other) as (_nina, host):
        assert handshake_fails(host, 0, BROKER, "adafruit-1.7")
        assert start_tls(host, 1, HTTPS) == [b"\x01"]


def test_a_certificate_that_fills_the_buffer_exactly_still_parses(lab):
    """CERT_BUF keeps 1300 bytes: a PEM of up to 1300 bytes is whole (without a NUL inside
    the buffer the string runs on into the RAM that follows, which the PEM reader ignores
    after the END line); one whose END line goes past byte 1300 fails."""
    cert, key = read_files(lab)
    padded = b"\n" * (CERT_BUF_SIZE - len(cert)) + cert  # text before BEGIN is skipped
    assert len(padded) == CERT_BUF_SIZE
    with chip(lab, "adafruit-1.7", padded, key) as (_nina, host):
        assert start_tls(host, 0, BROKER) == [b"\x01"]
        assert mqtt_connects(host, 0)
    assert padded.endswith(b"-----END CERTIFICATE-----\n")
    with chip(lab, "adafruit-1.7", b"\n\n" + padded, key) as (_nina, host):  # its last "-" cut
        assert start_tls(host, 0, BROKER) == FAILED


def test_arduino_firmware_has_no_client_certificate(lab):
    """On Arduino's NINA-FW 0x40 is SET_ENT (WPA2-Enterprise) and 0x41 is not a command: the
    broker that requires a certificate refuses every TLS connection."""
    _, key = read_files(lab)
    with chip(lab, "arduino-2.0") as (_nina, host):
        host.send(buffer_command(0x41, key))
        assert host.raw_reply(4) == bytes.fromhex("EF 00 EE 00")  # no SET_PK
        assert start_tls(host, 0, BROKER) == FAILED


def test_the_lab_client_certificate_fits_the_firmware_buffers(lab):
    """ECDSA keeps the lab's certificate and key under CERT_BUF's 1300 and PK_BUFF's 1700
    bytes (an RSA-2048 PKCS#8 key, about 1704 bytes, would not fit)."""
    cert, key = read_files(lab)
    assert cert.startswith(b"-----BEGIN CERTIFICATE-----") and len(cert) < CERT_BUF_SIZE
    assert key.startswith(b"-----BEGIN ") and len(key) < PK_BUF_SIZE


@contextlib.contextmanager
def optional_certificate_server(lab):
    """A TLS server with the lab's certificate that asks for a client certificate but does
    not require one (CERT_OPTIONAL); yields ``(port, seen)``, ``seen`` the DNS name of each
    client certificate it got (None for a handshake without one, "failed" for a failed one)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*lab.certificates.server_files)
    context.load_verify_locations(lab.cafile)
    context.verify_mode = ssl.CERT_OPTIONAL
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(0.2)
    seen = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            conn.settimeout(10)
            try:
                with context.wrap_socket(conn, server_side=True) as tls:
                    peer = tls.getpeercert()
                    seen.append(dict(peer["subjectAltName"])["DNS"] if peer else None)
            except (OSError, ssl.SSLError):
                seen.append("failed")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], seen
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def test_a_server_that_only_asks_for_a_certificate_gets_it_or_refuses_a_bad_key(lab):
    """A server that asks for a client certificate without requiring one: <= 2.x presents
    its certificate; with a key that is not the certificate's the handshake fails there too
    (mbedTLS signs the CertificateVerify with that key), while without a certificate it works."""
    cert, key = read_files(lab)
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    with optional_certificate_server(lab) as (port, seen):
        for given_key, answer, saw in ((key, [b"\x01"], "netdev-client.lab"), (other, FAILED, "failed"),
                                       (None, [b"\x01"], None)):
            with chip(lab, "adafruit-2.0", cert if given_key else None, given_key) as (_nina, host):
                assert start_tls(host, 0, (b"localhost", port)) == answer
            wait_for(lambda: len(seen) == 1, what="the server's handshake")
            assert seen.pop() == saw
