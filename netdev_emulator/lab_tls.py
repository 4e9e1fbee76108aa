# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The lab's certificates: a CA made with ``trustme`` that stands in for the device's
built-in CA bundle, the servers' leaf certificates, three deliberately bad ones
(wrong host, not from the lab CA, expired) for the TLS failure tests, and a client
certificate from the lab CA for the broker that requires one (mutual TLS)."""

import datetime
import ipaddress
import ssl

# Every name the ported examples dial, plus the loopback names.
SERVER_NAMES = (
    "localhost",
    "127.0.0.1",
    "httpbin.org",
    "www.httpbin.org",
    "test.mosquitto.org",
    "pool.ntp.org",
    "0.pool.ntp.org",
    "0.adafruit.pool.ntp.org",
    "example.com",
    "www.example.com",
)
# The bad servers, named after badssl.com's: each certificate is wrong in one way only.
WRONG_HOST_NAME = "wrong.host.badssl.com"  # its certificate is for WRONG_HOST_CERT_NAME only
WRONG_HOST_CERT_NAME = "wrong.example"
SELF_SIGNED_NAME = "self-signed.badssl.com"
EXPIRED_NAME = "expired.badssl.com"
# The client certificate's name (what the broker that requires a certificate sees)
CLIENT_NAME = "netdev-client.lab"


def _trustme():
    try:
        import trustme  # pylint: disable=import-outside-toplevel
    except ImportError as exc:
        raise RuntimeError(
            "the lab's certificates need the 'trustme' package: pip install trustme"
        ) from exc
    return trustme


def server_context(leaf):
    """A TLS server context presenting ``leaf`` (a trustme.LeafCert or ``(cert_pem,
    key_pem)`` file paths)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if isinstance(leaf, tuple):
        ctx.load_cert_chain(*leaf)
    else:
        leaf.configure_cert(ctx)
    return ctx


def _self_signed(directory, names):
    """A self-signed leaf certificate for ``names`` (no CA behind it), written to
    ``directory``; returns ``(cert_path, key_path)``."""
    # cryptography is what trustme builds on, so it is installed with it.
    from cryptography import x509  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    alt_names = []
    for name in names:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt_names.append(x509.DNSName(name))
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = directory / "self-signed-cert.pem"
    key_path = directory / "self-signed-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


class LabCertificates:
    """The lab CA and every server certificate, files in ``directory`` (a pathlib.Path).

    Attributes: ``ca`` (trustme.CA), ``cafile`` (the CA certificate PEM: what a client
    trusts), ``server`` (leaf for SERVER_NAMES), ``server_files`` (its ``(cert, key)``
    PEM paths, for programs such as mosquitto), ``wrong_host``, ``expired`` (leaves from the
    lab CA) and ``self_signed`` (``(cert, key)`` paths of a certificate from no CA);
    ``client`` (a leaf for CLIENT_NAME from the lab CA: an ECDSA P-256 certificate and
    PKCS#8 key, small enough for NINA-FW's 1300- and 1700-byte buffers) and
    ``client_certfile``/``client_keyfile`` (its PEM paths).
    """

    def __init__(self, directory):
        trustme = _trustme()
        self.ca = trustme.CA(organization_name="adafruit_netdev lab")
        self.cafile = str(directory / "lab-ca.pem")
        self.ca.cert_pem.write_to_path(self.cafile)
        self.server = self.ca.issue_cert(*SERVER_NAMES)
        cert_path = str(directory / "server-cert.pem")
        key_path = str(directory / "server-key.pem")
        self.server.cert_chain_pems[0].write_to_path(cert_path)
        self.server.private_key_pem.write_to_path(key_path)
        self.server_files = (cert_path, key_path)
        self.wrong_host = self.ca.issue_cert(WRONG_HOST_CERT_NAME)
        now = datetime.datetime.now(datetime.timezone.utc)
        self.expired = self.ca.issue_cert(
            EXPIRED_NAME,
            "localhost",
            "127.0.0.1",
            not_before=now - datetime.timedelta(days=30),
            not_after=now - datetime.timedelta(days=1),
        )
        self.self_signed = _self_signed(directory, (SELF_SIGNED_NAME, "localhost", "127.0.0.1"))
        self.client = self.ca.issue_cert(CLIENT_NAME)
        self.client_certfile = str(directory / "client-cert.pem")
        self.client_keyfile = str(directory / "client-key.pem")
        self.client.cert_chain_pems[0].write_to_path(self.client_certfile)
        self.client.private_key_pem.write_to_path(self.client_keyfile)

    def client_context(self):
        """A verifying TLS client context that trusts the lab CA (what the firmware does)."""
        return ssl.create_default_context(cafile=self.cafile)
