# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Client certificates on every netdev (issue 20 item 3): ``set_client_cert(cert_pem,
key_pem)``, or a clear ``NotImplementedError`` naming the firmware that cannot; a TLS server
that requires a client certificate (the lab's CA signs both ends) refuses a connection
without one and takes it with one. ``SSLContext.load_cert_chain`` on top."""

import socket
import ssl
import threading

import pytest

import adafruit_netdev as nd
from adafruit_netdev.socketpool import SocketPool, create_default_context
from netdev_emulator.lab_tls import server_context

CLIENT_NAME = "netdev-client.example"


@pytest.fixture(scope="module")
def client_leaf(lab):
    """A client certificate of the lab's CA (ECDSA P-256: it fits NINA-FW's buffers)."""
    return lab.ca.issue_cert(CLIENT_NAME)


class RequiringServer:
    """A TLS server (the lab's server certificate) that requires a client certificate of
    the lab's CA; records the client name of each handshake that succeeded, or the error."""

    def __init__(self, lab):
        self.context = server_context(lab.certificates.server)
        self.context.verify_mode = ssl.CERT_REQUIRED
        lab.ca.configure_trust(self.context)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.seen = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            conn.settimeout(20)
            try:
                with self.context.wrap_socket(conn, server_side=True) as tls:
                    subject = dict(item[0] for item in tls.getpeercert()["subject"])
                    self.seen.append(subject.get("commonName") or tls.getpeercert()["subjectAltName"][0][1])
                    tls.sendall(b"hello, " + self.seen[-1].encode())
                    tls.recv(16)  # until the client closes
            except (OSError, ssl.SSLError, KeyError, IndexError) as exc:
                self.seen.append(exc)
                conn.close()

    def wait_seen(self, count):
        """``seen`` once it holds ``count`` outcomes (bounded: 30 s)."""
        import time

        end = time.monotonic() + 30
        while len(self.seen) < count and time.monotonic() < end:
            time.sleep(0.05)
        return self.seen

    def close(self):
        self.listener.close()
        self.thread.join(10)


@pytest.fixture
def requiring(lab):
    server = RequiringServer(lab)
    yield server
    server.close()


def _supports(dev):
    """Whether ``dev`` can present a client certificate; asserts the clear refusal where its
    firmware cannot."""
    version = getattr(dev, "version", "")
    if type(dev).__name__ == "WiFiNINA" and (not dev.adafruit or dev.esp32_core):
        with pytest.raises(NotImplementedError) as refused:
            dev.set_client_cert(b"-----BEGIN CERTIFICATE-----\n", b"-----BEGIN PRIVATE KEY-----\n")
        assert version in str(refused.value) and (
            "Arduino" in str(refused.value) or "3.x" in str(refused.value)
        )
        return False
    return True


def _tls_exchange(dev, port):
    """Connect by TLS to ``localhost:port`` and read the server's greeting; the OSError of a
    refused handshake."""
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
    try:
        dev.connect(
            fd,
            "localhost",
            ("", port) if type(dev).__name__ != "HostNetdev" else ("127.0.0.1", port),
            nd.deadline(30),
        )
        buf = bytearray(64)
        got = bytearray()
        while not got.endswith(CLIENT_NAME.encode()):
            n = dev.recv(fd, buf, 0, nd.deadline(20))
            if not n:
                break
            got += buf[:n]
        return bytes(got)
    finally:
        dev.close(fd)


def test_a_server_that_requires_a_client_certificate_takes_ours(dev, lab, requiring, client_leaf):
    if not _supports(dev):
        return
    # no certificate given yet: the handshake is refused (with TLS 1.3 the client learns it
    # only at its first read: no greeting then)
    try:
        greeting = _tls_exchange(dev, requiring.port)
    except OSError:
        greeting = None
    assert greeting != b"hello, " + CLIENT_NAME.encode()
    assert isinstance(requiring.wait_seen(1)[0], Exception)
    dev.set_client_cert(client_leaf.cert_chain_pems[0].bytes(), client_leaf.private_key_pem.bytes())
    assert _tls_exchange(dev, requiring.port) == b"hello, " + CLIENT_NAME.encode()
    assert requiring.wait_seen(2)[-1] == CLIENT_NAME


def test_load_cert_chain_reads_the_files_for_the_netdev(dev, lab, requiring, client_leaf, tmp_path):
    if not _supports(dev):
        return
    both = tmp_path / "client.pem"  # key and certificate in one file, as load_cert_chain allows
    both.write_bytes(client_leaf.private_key_and_cert_chain_pem.bytes())
    context = create_default_context(dev)
    with pytest.raises(NotImplementedError):
        context.load_cert_chain(str(both), password="secret")
    context.load_cert_chain(str(both))
    pool = SocketPool(dev)
    with context.wrap_socket(pool.socket(), server_hostname="localhost") as sock:
        sock.settimeout(30)
        sock.connect(("localhost" if type(dev).__name__ != "HostNetdev" else "127.0.0.1", requiring.port))
        buf = bytearray(64)
        n = sock.recv_into(buf)
        assert bytes(buf[:n]).startswith(b"hello, ")
    assert requiring.wait_seen(1)[-1] == CLIENT_NAME


def test_a_client_certificate_without_its_key_is_refused_before_any_exchange(dev):
    if not _supports(dev):
        return
    with pytest.raises((ValueError, TypeError)):
        dev.set_client_cert(b"-----BEGIN CERTIFICATE-----\n", None)
    if type(dev).__name__ in ("WiFiNINA", "HostNetdev"):  # (these check the PEM text too)
        with pytest.raises(ValueError):
            dev.set_client_cert(b"\x30\x82\x01\x00 DER bytes", b"-----BEGIN PRIVATE KEY-----\n")
