# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The RTL8720DN emulator's client certificates (17/10 ``rpc_wifi_ssl_set_cliCert``, 17/12
``set_cliKey``) over raw eRPC, against a real TLS server on 127.0.0.1 that requires a
client certificate from its own CA (trustme, made here): the handshake succeeds with the
certificate and key, and fails without them, with only one of them, with a key that is
not the certificate's, or with one from another CA; what mbedTLS refuses to parse ends
the start with its code; the strings are read at each start, and stay set until the
context is destroyed."""

import queue
import ssl

import pytest
import trustme

from netdev_emulator import Network, RTL8720Emulator
from tests.emulator.rtl8720_client import string, u32
from tests.emulator.test_rtl8720_tls import (
    TlsServer,
    finish,
    joined,
    new_session,
    read_until,
    start,
    tls_send,
)

CONN_EOF = -0x7280
X509_INVALID_FORMAT = -0x2180
X509_CERT_UNKNOWN_FORMAT = -0x2780
PEM_INVALID_DATA_BASE64 = -0x112C  # PEM_INVALID_DATA + BASE64_INVALID_CHARACTER
PK_PASSWORD_REQUIRED = -0x3C00
PK_KEY_INVALID_FORMAT = -0x3D00


class MutualTlsServer(TlsServer):
    """Requires a client certificate from ``client_ca``; echoes one line. ``results``
    gets, per connection, ``("ok", client CN)`` or ``("refused", reason)``."""

    def __init__(self, server_ca, client_ca):
        self.results = queue.Queue()
        super().__init__(server_ca)  # a certificate for tls.test, the accept loop
        self.context.verify_mode = ssl.CERT_REQUIRED
        client_ca.configure_trust(self.context)

    def _serve(self, conn):
        conn.settimeout(10)
        try:
            tls = self.context.wrap_socket(conn, server_side=True)
        except (OSError, ssl.SSLError) as exc:
            self.results.put(("refused", str(exc)))
            conn.close()
            return
        subject = dict(rdn[0] for rdn in tls.getpeercert()["subject"])
        self.results.put(("ok", subject.get("commonName")))
        try:
            line = b""
            while not line.endswith(b"\n"):
                data = tls.recv(1024)
                if not data:
                    break
                line += data
            tls.sendall(line)
        except (OSError, ssl.SSLError):
            pass
        finally:
            tls.close()

    def outcome(self):
        return self.results.get(timeout=10)


@pytest.fixture(scope="module")
def server_ca():
    return trustme.CA()


@pytest.fixture(scope="module")
def client_ca():
    return trustme.CA()


@pytest.fixture(scope="module")
def device(client_ca):
    """The device's certificate (trustme: an EC key) from the CA the server trusts."""
    return client_ca.issue_cert("device-1@example", common_name="device-1")


@pytest.fixture(scope="module")
def server(server_ca, client_ca):
    srv = MutualTlsServer(server_ca, client_ca)
    yield srv
    srv.close()


@pytest.fixture
def chip(tmp_path, server_ca, server):
    cafile = tmp_path / "ca.pem"
    server_ca.cert_pem.write_to_path(str(cafile))
    world = Network(access_points={"lab-ap": "lab-password"}, hosts={"tls.test": "127.0.0.1"},
                    ports={("tls.test", 443): server.port}, cafile=str(cafile),
                    resolve_host_names=False)
    with RTL8720Emulator(world) as emulator:
        yield emulator


def pem(blob):
    return blob.bytes().decode()


def set_cert(client, handle, cert_pem):
    reply, _ = client.call(17, 10, u32(handle) + string(cert_pem))
    assert reply.u32() == 0 and reply.done()  # uint32_t, but nothing returned: the model's 0


def set_key(client, handle, key_pem):
    reply, _ = client.call(17, 12, u32(handle) + string(key_pem))
    assert reply.u32() == 0 and reply.done()


def echo(client, handle, text=b"mutual\n"):
    assert tls_send(client, handle, text) == len(text)
    assert read_until(client, handle, len(text)) == text


def test_the_client_certificate_makes_the_handshake(chip, server, device):
    client = joined(chip)
    handle = new_session(client)
    set_cert(client, handle, pem(device.cert_chain_pems[0]))
    set_key(client, handle, pem(device.private_key_pem))
    fd = start(client, handle, "tls.test")
    assert fd >= 0 and chip.tls_sessions()[handle]["state"] == "connected"
    assert server.outcome() == ("ok", "device-1")
    echo(client, handle)
    finish(client, handle)
    assert chip.open_sockets() == {}


def test_without_a_client_certificate_the_server_refuses(chip, server):
    client = joined(chip)
    handle = new_session(client, timeout_ms=2000)
    before = chip.stats.snapshot()["model_seconds"]
    # the server's fatal alert, then the firmware's loop retries until handshake_timeout:
    # the last try reads the end of the connection the server closed
    assert start(client, handle, "tls.test") == CONN_EOF
    assert server.outcome()[0] == "refused"
    assert chip.stats.snapshot()["model_seconds"] - before >= 1.5  # the timeout, in model time
    assert chip.tls_sessions()[handle]["state"] == "failed"
    finish(client, handle)
    assert chip.open_sockets() == {}


@pytest.mark.parametrize("which", ["certificate", "key"])
def test_a_certificate_or_key_alone_is_not_presented(chip, server, device, which):
    client = joined(chip)
    handle = new_session(client, timeout_ms=2000)
    if which == "certificate":
        set_cert(client, handle, pem(device.cert_chain_pems[0]))
    else:
        set_key(client, handle, pem(device.private_key_pem))
    assert start(client, handle, "tls.test") == CONN_EOF
    assert server.outcome()[0] == "refused"
    finish(client, handle)


def test_a_key_that_is_not_the_certificates_is_refused_by_the_server(chip, server, device, client_ca):
    other = client_ca.issue_cert("device-2@example")
    client = joined(chip)
    handle = new_session(client, timeout_ms=2000)
    set_cert(client, handle, pem(device.cert_chain_pems[0]))
    set_key(client, handle, pem(other.private_key_pem))  # parses: mbedTLS pairs nothing
    assert start(client, handle, "tls.test") == CONN_EOF
    assert server.outcome()[0] == "refused"
    finish(client, handle)


def test_a_certificate_from_another_ca_is_refused(chip, server):
    stranger = trustme.CA().issue_cert("device-3@example")
    client = joined(chip)
    handle = new_session(client, timeout_ms=2000)
    set_cert(client, handle, pem(stranger.cert_chain_pems[0]))
    set_key(client, handle, pem(stranger.private_key_pem))
    assert start(client, handle, "tls.test") == CONN_EOF
    assert server.outcome()[0] == "refused"
    finish(client, handle)


def bad_base64(text):
    lines = text.split("\n")
    lines[2] = "!" + lines[2][1:]
    return "\n".join(lines)


@pytest.mark.parametrize(("cert", "key", "code"), [
    ("not a certificate", None, X509_INVALID_FORMAT),  # no PEM header: parsed as DER
    ("header", None, X509_CERT_UNKNOWN_FORMAT),
    ("base64", None, PEM_INVALID_DATA_BASE64),
    (None, "not a key", PK_KEY_INVALID_FORMAT),
    (None, "encrypted", PK_PASSWORD_REQUIRED),
    (None, "base64", PEM_INVALID_DATA_BASE64),
])
def test_what_mbedtls_cannot_parse_ends_the_start_with_its_code(chip, server, device, cert, key, code):
    cert_pem = pem(device.cert_chain_pems[0])
    key_pem = pem(device.private_key_pem)
    cert_pem = {None: cert_pem, "not a certificate": "not a certificate",
                "header": cert_pem.replace("-----BEGIN CERTIFICATE-----\n", "-----BEGIN CERTIFICATE-----"),
                "base64": bad_base64(cert_pem)}[cert]
    if key == "encrypted":
        from cryptography.hazmat.primitives import serialization  # noqa: PLC0415

        loaded = serialization.load_pem_private_key(key_pem.encode(), None)
        key_pem = loaded.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.BestAvailableEncryption(b"secret")).decode()
    else:
        key_pem = {None: key_pem, "not a key": "not a key", "base64": bad_base64(key_pem)}[key]
    client = joined(chip)
    handle = new_session(client)
    set_cert(client, handle, cert_pem)
    set_key(client, handle, key_pem)
    assert start(client, handle, "tls.test") == code
    # parsed after the connect: the socket stays open until the stop, no handshake ran
    (fd,) = chip.open_sockets()
    assert client.result(17, 6, u32(handle)) == fd
    assert server.results.empty()
    finish(client, handle)
    assert chip.open_sockets() == {}
    server.outcome()  # the server saw the connection close without a handshake


def test_the_strings_end_at_a_nul(chip, server, device):
    client = joined(chip)
    handle = new_session(client)
    set_cert(client, handle, pem(device.cert_chain_pems[0]) + "\0garbage")
    set_key(client, handle, pem(device.private_key_pem) + "\0more garbage")
    assert start(client, handle, "tls.test") >= 0
    assert server.outcome() == ("ok", "device-1")
    finish(client, handle)


def test_set_after_the_start_counts_from_the_next_start_and_stays(chip, server, device):
    client = joined(chip)
    handle = new_session(client, timeout_ms=2000)
    assert start(client, handle, "tls.test") == CONN_EOF  # nothing set yet
    assert server.outcome()[0] == "refused"
    set_cert(client, handle, pem(device.cert_chain_pems[0]))
    set_key(client, handle, pem(device.private_key_pem))
    assert client.call(17, 19, u32(handle))[0].done()  # stop: the strings stay
    for _ in range(2):  # the same context, started again: presented each time
        assert start(client, handle, "tls.test") >= 0
        assert server.outcome() == ("ok", "device-1")
        echo(client, handle)
        assert client.call(17, 19, u32(handle))[0].done()
    # an empty string does not clear it (the parameter is not nullable): mbedTLS parses ""
    set_cert(client, handle, "")
    assert start(client, handle, "tls.test") == X509_INVALID_FORMAT  # DER: one NUL byte
    finish(client, handle)
    assert server.outcome()[0] == "refused"  # connected, closed without a handshake


def test_a_certificate_fills_at_most_one_message(chip, server, device):
    """The shim takes any length (it mallocs length + 1); the limit is the firmware's
    4096-byte message buffer: header 8, handle 4, string length 4, so 4080 bytes."""
    client = joined(chip)
    handle = new_session(client)
    set_cert(client, handle, pem(device.cert_chain_pems[0]).ljust(4080, "\n"))
    set_key(client, handle, pem(device.private_key_pem))
    assert start(client, handle, "tls.test") >= 0
    assert server.outcome() == ("ok", "device-1")
    finish(client, handle)
    dropped = chip.dropped_frames
    client.send(17, 10, u32(handle) + string(pem(device.cert_chain_pems[0]).ljust(4081, "\n")))
    for _ in range(100):  # refused unread (the stream then desynchronises, as on the chip)
        if chip.dropped_frames > dropped:
            break
        client.read_frame(timeout=0.05)
    assert chip.dropped_frames > dropped
