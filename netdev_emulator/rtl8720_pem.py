# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""How the RTL8720DN firmware's mbedTLS 2.4 reads the certificates and keys the host
sends as strings (``rpc_wifi_ssl_set_rootCA``, ``set_cliCert``, ``set_cliKey``):
``wifi_start_ssl_client`` (seeed-ambd-firmware ``src/wifi/wifi_ssl_client.c``) hands each
to mbedTLS as ``(buf, strlen(buf) + 1)``, so a string ends at its first NUL.

* :func:`parse_certificates` is ``mbedtls_x509_crt_parse`` (``library/x509_crt.c``): PEM
  when the text holds ``-----BEGIN CERTIFICATE-----``, one block after another, each
  block read by ``mbedtls_pem_read_buffer`` (``library/pem.c``, with ``library/base64.c``)
  and parsed as DER; else the whole buffer as one DER certificate. It returns 0 (all
  parsed), the number of blocks that failed when at least one parsed, else the first
  error (or X509_CERT_UNKNOWN_FORMAT when no block was complete).
* :func:`parse_key` is ``mbedtls_pk_parse_key`` (``library/pkparse.c``) without a
  password: PEM ``RSA PRIVATE KEY`` (PKCS#1), ``EC PRIVATE KEY`` (SEC1), ``PRIVATE KEY``
  (PKCS#8), ``ENCRYPTED PRIVATE KEY`` (PASSWORD_REQUIRED, as is an encrypted
  ``Proc-Type`` PEM), tried in that order wherever they sit in the text, then DER.

The PEM framing (header, line end, footer, base64's rules) and the return codes of each
step are mbedTLS's. The DER inside is parsed with ``cryptography``; where mbedTLS adds
an ASN.1 sub-code saying which field of a damaged certificate or key it stopped at, the
model answers the family's code (X509_INVALID_FORMAT, PK_KEY_INVALID_FORMAT). RSA and EC
keys are taken (the shipped binary's ``MBEDTLS_ECP_C`` is assumed: trustme's and most
IoT services' client certificates are EC); other key types fail as PK_UNKNOWN_PK_ALG does.
"""

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_der_private_key

# mbedTLS 2.4 error codes (include/mbedtls/{pem,base64,x509,pk}.h)
PEM_NO_HEADER_FOOTER_PRESENT = -0x1080
PEM_INVALID_DATA = -0x1100
PEM_PASSWORD_REQUIRED = -0x1300
BASE64_INVALID_CHARACTER = -0x002C
ASN1_LENGTH_MISMATCH = -0x0066
X509_INVALID_FORMAT = -0x2180
X509_CERT_UNKNOWN_FORMAT = -0x2780
PK_PASSWORD_REQUIRED = -0x3C00
PK_UNKNOWN_PK_ALG = -0x3C80
PK_KEY_INVALID_FORMAT = -0x3D00

_CERT = (b"-----BEGIN CERTIFICATE-----", b"-----END CERTIFICATE-----")
_RSA = (b"-----BEGIN RSA PRIVATE KEY-----", b"-----END RSA PRIVATE KEY-----")
_EC = (b"-----BEGIN EC PRIVATE KEY-----", b"-----END EC PRIVATE KEY-----")
_PKCS8 = (b"-----BEGIN PRIVATE KEY-----", b"-----END PRIVATE KEY-----")
_ENCRYPTED = (b"-----BEGIN ENCRYPTED PRIVATE KEY-----", b"-----END ENCRYPTED PRIVATE KEY-----")
_B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def c_string(data):
    """What ``strlen`` sees of a string the host sent: up to its first NUL."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    return bytes(data).split(b"\0", 1)[0]


def _base64(src):
    """``mbedtls_base64_decode``: ``(0, bytes)`` or ``(BASE64_INVALID_CHARACTER, None)``.
    Line ends (CR LF or LF) anywhere, spaces only before a line end, at most two ``=``
    and nothing but ``=`` after the first; a trailing partial group is dropped."""
    symbols = []
    pads = 0
    i = 0
    size = len(src)
    while i < size:
        spaces = 0
        while i < size and src[i] == 0x20:
            i += 1
            spaces += 1
        if i == size:
            break
        if src[i] == 0x0A or (src[i] == 0x0D and i + 1 < size and src[i + 1] == 0x0A):
            i += 1
            continue
        c = src[i]
        if spaces or (c == 0x3D and pads == 2) or not (c == 0x3D or c in _B64):
            return BASE64_INVALID_CHARACTER, None
        if c == 0x3D:
            pads += 1
        elif pads:
            return BASE64_INVALID_CHARACTER, None
        symbols.append(c)
        i += 1
    out = bytearray()
    keep = 3
    value = 0
    for n, c in enumerate(symbols, 1):
        keep -= c == 0x3D
        value = (value << 6) | (0 if c == 0x3D else _B64.index(c))
        if n % 4 == 0:
            out += (value & 0xFFFFFF).to_bytes(3, "big")[:keep]
            value = 0
    return 0, bytes(out)


def pem_read(text, markers):
    """``mbedtls_pem_read_buffer`` without a password: ``(ret, der, used)``."""
    header, footer = markers
    s1 = text.find(header)
    s2 = text.find(footer)
    if s1 < 0 or s2 < 0 or s2 <= s1:
        return PEM_NO_HEADER_FOOTER_PRESENT, None, 0
    s1 += len(header)
    s1 += text[s1:s1 + 1] == b" "
    s1 += text[s1:s1 + 1] == b"\r"
    if text[s1:s1 + 1] != b"\n":
        return PEM_NO_HEADER_FOOTER_PRESENT, None, 0
    s1 += 1
    end = s2 + len(footer)
    for c in (b" ", b"\r", b"\n"):
        end += text[end:end + 1] == c
    body = text[s1:s2]
    encrypted = body.startswith(b"Proc-Type: 4,ENCRYPTED")
    if encrypted:
        body = body.split(b"\n\n", 1)[-1] if b"\n\n" in body else body.split(b"\r\n\r\n", 1)[-1]
    if not body.strip(b" \r\n"):
        return PEM_INVALID_DATA, None, end
    ret, der = _base64(body)
    if ret:
        return PEM_INVALID_DATA + ret, None, end
    if encrypted:
        return PEM_PASSWORD_REQUIRED, None, end
    return 0, der, end


def _der_size(der):
    """The size of the outer SEQUENCE (header included), as mbedTLS's first two checks of
    a DER structure read it: None when it is not a SEQUENCE, -1 when its length runs past
    the buffer. What follows it is never looked at."""
    if len(der) < 2 or der[0] != 0x30:
        return None
    first = der[1]
    if first < 0x80:
        size = 2 + first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or len(der) < 2 + count:
            return None
        size = 2 + count + int.from_bytes(der[2:2 + count], "big")
    return size if size <= len(der) else -1


def _certificate(der):
    """``mbedtls_x509_crt_parse_der``: ``(0, cert)`` or ``(error, None)``."""
    size = _der_size(der)
    if size is None:
        return X509_INVALID_FORMAT, None
    if size < 0:
        return X509_INVALID_FORMAT + ASN1_LENGTH_MISMATCH, None
    try:
        cert = x509.load_der_x509_certificate(der[:size])
        key = cert.public_key()
    except ValueError:
        return X509_INVALID_FORMAT, None
    if not isinstance(key, (rsa.RSAPublicKey, ec.EllipticCurvePublicKey)):
        return PK_UNKNOWN_PK_ALG, None
    return 0, cert


def parse_certificates(data):
    """``mbedtls_x509_crt_parse(chain, buf, strlen(buf) + 1)``: ``(ret, [certificates])``
    (the chain holds the certificates that parsed, in order)."""
    text = c_string(data)
    if _CERT[0] not in text:
        ret, cert = _certificate(text + b"\0")
        return ret, [cert] if cert is not None else []
    chain = []
    failed = first_error = 0
    while len(text) > 0:  # mbedTLS: while the length with its NUL is more than 1
        ret, der, used = pem_read(text, _CERT)
        if ret == PEM_NO_HEADER_FOOTER_PRESENT:
            break
        text = text[used:]
        if ret == 0:
            ret, cert = _certificate(der)
        if ret:
            first_error = first_error or ret
            failed += 1
            continue
        chain.append(cert)
    if chain:
        return failed, chain
    return (first_error or X509_CERT_UNKNOWN_FORMAT), []


def _key_der(der, kind):
    """One of pkparse.c's DER parsers: ``kind`` "pkcs1" (RSAPrivateKey), "sec1"
    (ECPrivateKey) or "pkcs8" (PrivateKeyInfo). ``(0, key)`` or ``(error, None)``."""
    if _key_shape(der) != kind:
        return PK_KEY_INVALID_FORMAT, None
    try:
        key = load_der_private_key(der[:_der_size(der)], None)
    except (ValueError, TypeError):
        return PK_KEY_INVALID_FORMAT, None
    except Exception:  # noqa: BLE001 - cryptography's UnsupportedAlgorithm: a key type mbedTLS lacks
        return PK_KEY_INVALID_FORMAT + PK_UNKNOWN_PK_ALG, None
    if kind == "pkcs1" and not isinstance(key, rsa.RSAPrivateKey):
        return PK_KEY_INVALID_FORMAT, None
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        return PK_KEY_INVALID_FORMAT + PK_UNKNOWN_PK_ALG, None  # pk_get_pk_alg's failure
    return 0, key


def _key_shape(der):
    """Which private-key structure a DER SEQUENCE is, by what follows its version
    INTEGER: another INTEGER (PKCS#1), an OCTET STRING (SEC1), a SEQUENCE (PKCS#8)."""
    size = _der_size(der)
    if size is None or size < 0:
        return None
    pos = 2 + (der[1] & 0x7F if der[1] & 0x80 else 0)
    if pos + 2 > len(der) or der[pos] != 0x02 or der[pos + 1] & 0x80:
        return None
    pos += 2 + der[pos + 1]
    if pos >= size:
        return None
    return {0x02: "pkcs1", 0x04: "sec1", 0x30: "pkcs8"}.get(der[pos])


def parse_key(data):
    """``mbedtls_pk_parse_key(pk, buf, strlen(buf) + 1, NULL, 0)``: ``(ret, key)``."""
    text = c_string(data)
    for markers, kind in ((_RSA, "pkcs1"), (_EC, "sec1"), (_PKCS8, "pkcs8")):
        ret, der, _ = pem_read(text, markers)
        if ret == 0:
            return _key_der(der, kind)
        if ret == PEM_PASSWORD_REQUIRED:
            return PK_PASSWORD_REQUIRED, None
        if ret != PEM_NO_HEADER_FOOTER_PRESENT:
            return ret, None
    ret, _, _ = pem_read(text, _ENCRYPTED)
    if ret == 0:
        return PK_PASSWORD_REQUIRED, None  # pk_parse_key_pkcs8_encrypted_der: no password
    if ret != PEM_NO_HEADER_FOOTER_PRESENT:
        return ret, None
    der = text + b"\0"  # not PEM: each DER parser on the buffer as it is
    for kind in ("pkcs8", "pkcs1", "sec1"):
        ret, key = _key_der(der, kind)
        if ret == 0:
            return 0, key
    return PK_KEY_INVALID_FORMAT, None
