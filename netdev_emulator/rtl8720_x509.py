# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The server-certificate check of the RTL8720DN firmware's mbedTLS 2.4.0, as
``mbedtls_ssl_parse_certificate`` (``library/ssl_tls.c``) runs it with
``MBEDTLS_SSL_VERIFY_REQUIRED``: ``mbedtls_x509_crt_verify_with_profile``
(``library/x509_crt.c``, default profile) over the chain the server sent, then the
extended-key-usage check of ``mbedtls_ssl_check_cert_usage``.

:func:`verify_flags` returns mbedTLS's ``verify_result`` bits (0: verified). The model of
``wifi_ssl_client.c`` (:mod:`netdev_emulator.rtl8720_tls`) completes the handshake
whatever they are, as mbedTLS 2.4 does, and only then looks at them.

What mbedTLS 2.4 does and the model does too: the host name is compared with the
certificate's dNSName subjectAltNames when it has that extension, else with its CNs,
case-insensitively, a ``*.`` name matching one leftmost label; **an IP-address SAN is
never looked at** (2.4 parses only dNSName), so a server reached by its address verifies
only when that address is written as a DNS name or CN. A parent must be the child's issuer
(by name), a CA (basicConstraints) unless it is a trusted v1 certificate or the leaf
itself, and its key must verify the child's signature; every certificate on the path and
the trusted CA must be within their validity; RSA keys that sign must have 2048 bits or
more; an extendedKeyUsage extension must allow serverAuth. CRLs are not modelled (the
firmware loads none).
"""

import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# verify_result bits (include/mbedtls/x509.h)
BADCERT_EXPIRED = 0x01
BADCERT_NOT_TRUSTED = 0x08
BADCERT_CN_MISMATCH = 0x04
BADCERT_FUTURE = 0x0200
BADCERT_EXT_KEY_USAGE = 0x1000
BADCERT_BAD_KEY = 0x010000

_MAX_INTERMEDIATE_CA = 8  # MBEDTLS_X509_MAX_INTERMEDIATE_CA


def load_trusted(pem):
    """The certificates of a PEM bundle (``str`` or ``bytes``), as mbedTLS's
    ``mbedtls_x509_crt_parse`` reads the root CA the host sent; [] for None."""
    if not pem:
        return []
    if isinstance(pem, str):
        pem = pem.encode()
    pem = pem.rstrip(b"\0")
    try:
        return x509.load_pem_x509_certificates(pem)
    except ValueError:
        return []


def verify_flags(chain_der, trusted, hostname, now=None):
    """mbedTLS's ``verify_result`` for the server's chain (DER certificates, leaf first)
    against ``trusted`` (from :func:`load_trusted`) and ``hostname`` (None: not checked)."""
    if not chain_der:
        return BADCERT_NOT_TRUSTED
    now = now or datetime.datetime.now(datetime.timezone.utc)
    chain = [x509.load_der_x509_certificate(der) for der in chain_der]
    leaf = chain[0]
    flags = 0
    if hostname is not None and not _name_matches(leaf, hostname):
        flags |= BADCERT_CN_MISMATCH
    flags |= _path_flags(leaf, chain[1:], trusted, now)
    if not _server_usage(leaf):
        flags |= BADCERT_EXT_KEY_USAGE
    return flags


def _path_flags(child, rest, trusted, now):
    flags = 0
    for _ in range(_MAX_INTERMEDIATE_CA + 1):
        flags |= _validity(child, now)
        for ca in trusted:
            if ca.public_bytes(Encoding.DER) == child.public_bytes(Encoding.DER) or (
                _is_parent(child, ca, top=True) and _within(ca, now)
            ):
                return flags | _key_flags(ca)
        parent = next((c for c in rest if _is_parent(child, c, top=False)), None)
        if parent is None:
            return flags | BADCERT_NOT_TRUSTED
        flags |= _key_flags(parent)
        rest = [c for c in rest if c is not parent]
        child = parent
    return flags | BADCERT_NOT_TRUSTED


def _is_parent(child, parent, top):
    if child.issuer != parent.subject:
        return False
    if not (top and parent.version == x509.Version.v1) and not _is_ca(parent):
        return False
    try:
        child.verify_directly_issued_by(parent)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _is_ca(cert):
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _validity(cert, now):
    flags = 0
    if cert.not_valid_after_utc < now:
        flags |= BADCERT_EXPIRED
    if cert.not_valid_before_utc > now:
        flags |= BADCERT_FUTURE
    return flags


def _within(cert, now):
    return _validity(cert, now) == 0


def _key_flags(signer):
    key = signer.public_key()
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < 2048:
        return BADCERT_BAD_KEY
    return 0


def _name_matches(cert, hostname):
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        names = [a.value for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    else:
        names = san.get_values_for_type(x509.DNSName)
    return any(_name_match(name, hostname) for name in names)


def _name_match(name, hostname):
    name = name.lower()
    hostname = hostname.lower()
    if name == hostname:
        return True
    if len(name) > 2 and name.startswith("*."):  # x509_check_wildcard
        dot = hostname.find(".")
        return dot > 0 and hostname[dot:] == name[1:]
    return False


def _server_usage(cert):
    try:
        usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return ExtendedKeyUsageOID.SERVER_AUTH in usages or (
        ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE in usages
    )
