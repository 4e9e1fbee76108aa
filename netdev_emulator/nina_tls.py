# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""TLS of the NINA-FW model: the handshake inside START_CLIENT_TCP's TLS mode, record writes for
SEND_DATA_TCP, and Adafruit's client certificate and key (SET_CLI_CERT 0x40, SET_PK 0x41).

Modelled on main/CommandHandler.cpp (startClientTcp's TLS branch, setClientCert, setCertKey)
over arduino/libraries/WiFi/src/WiFiSSLClient.cpp (mbedTLS; arduino/nina-fw, adafruit/nina-fw up
to 2.x) and, for Adafruit 3.x, espressif/arduino-esp32
libraries/NetworkClientSecure/src/NetworkClientSecure.cpp and ssl_client.cpp. docs/protocol-nina.rst (TLS).
"""

import contextlib
import select
import socket
import ssl
import time

from netdev_emulator.network import load_client_certificate
from netdev_emulator.nina_slots import Conn
from netdev_emulator.nina_wire import TYPE_TLS, Deferred, frame, one

CERT_BUF_SIZE = 1300  # main/CommandHandler.cpp (Adafruit): char CERT_BUF[1300]
PK_BUF_SIZE = 1700  # char PK_BUFF[1700]
_CERT_PEM = (b"-----BEGIN CERTIFICATE-----", b"-----END CERTIFICATE-----")
# the PEM forms mbedtls_pk_parse_key tries, in its order
_KEY_PEMS = tuple(
    (b"-----BEGIN %s-----" % kind, b"-----END %s-----" % kind)
    for kind in (b"RSA PRIVATE KEY", b"EC PRIVATE KEY", b"PRIVATE KEY", b"ENCRYPTED PRIVATE KEY")
)
_CERTIFICATE_REQUEST = 13  # TLS handshake message type


class TlsCommands:
    """The TLS side of :class:`~netdev_emulator.nina_firmware.NinaFirmware`."""

    def _handshake(self, raw, server_name, plan):
        """The TLS handshake inside START_CLIENT, as ``plan`` (:meth:`_tls_plan`) set it up;
        the TLS socket, or None (closed) when it failed. Arduino and Adafruit <= 2 run it on a
        blocking socket without a timeout (WiFiSSLClient::connect loops on
        mbedtls_ssl_handshake): it takes as long as the server does, until a reset. Adafruit
        3.x gives up after its handshake_timeout (arduino-esp32 ssl_client.cpp
        ssl_starttls_handshake; 120 s, set by NetworkClientSecure's constructor):
        ``NinaTiming.tls_handshake_timeout``."""
        asked = []
        if plan.refuse_certificate_request:

            def refuse(conn, direction, _version, _type, message, _data):
                # the server asks for the certificate whose key does not match: end the
                # handshake there (the server sees it fail, as it would the signature)
                if direction == "read" and message == _CERTIFICATE_REQUEST and not asked:
                    asked.append(True)
                    with contextlib.suppress(OSError):
                        socket.socket.shutdown(conn, socket.SHUT_RDWR)

            plan.context._msg_callback = refuse  # CPython's hook on every TLS message (debug API)
        try:
            sock = plan.context.wrap_socket(
                raw, server_hostname=server_name, do_handshake_on_connect=False
            )
        except (OSError, ssl.SSLError, ValueError):
            raw.close()
            return None
        sock.setblocking(False)
        limit = None
        if self.persona.esp32_status:
            limit = time.monotonic() + self.timing.tls_handshake_timeout
        while not self.dead and (limit is None or time.monotonic() < limit) and not asked:
            try:
                sock.do_handshake()
                if asked:
                    break  # the server wants the certificate whose key does not match
                return sock
            except ssl.SSLWantReadError:
                want = ([sock], [])
            except ssl.SSLWantWriteError:
                want = ([], [sock])
            except (OSError, ssl.SSLError, ValueError):
                break
            try:
                select.select(want[0], want[1], [], 0.05)
            except (OSError, ValueError):
                break
        sock.close()
        return None

    def _handshake_given_up(self, slot, peer, started):
        """Adafruit 1.x after a failed handshake (``WiFiSSLClient::connect``, tags 1.4.0 to
        1.7.7): its loop around ``mbedtls_ssl_handshake`` only prints an error and tries
        again every 10 ms until ``_handshake_timeout`` (120 s from the handshake's start) has
        passed, then stops the client and returns -1; ``startClientTcp`` tests ``if (result)``
        and answers 1, and sets the slot's type to TLS, on a client that is closed:
        GET_CLIENT_STATE answers 0 (``connected()``: ``_connected`` is false) and frees the
        slot, AVAIL_DATA_TCP 0, SEND_DATA_TCP 0. The retries cost
        ``NinaTiming.tls_failed_handshake`` (a short wall wait, 120 s of model time in all)."""
        wall, model = self.timing.tls_failed_handshake
        time.sleep(wall)
        self.model += max(0.0, model - (time.monotonic() - started))
        with self.lock:
            if self.dead:
                return frame(0x2D)
            self._drop_client(slot)
            conn = Conn(None, True, peer)
            conn.eof = True
            conn.stopped = True
            slot.client = conn
            slot.type = TYPE_TLS
            slot.ever_connected = True
        return one(0x2D, 1)

    def _tls_send(self, conn, data):
        """SEND_DATA_TCP on a TLS connection: one mbedtls_ssl_write, which writes a whole
        record (OpenSSL, underneath, must likewise be given the same bytes again)."""
        if self.persona.send == "blocking":
            # Adafruit 3.x: NetworkClientSecure::write -> send_ssl_data (arduino-esp32
            # libraries/NetworkClientSecure/src/ssl_client.cpp) retries WANT_WRITE until
            # socket_timeout (the class's 30000 ms _timeout), then fails: the client is stopped
            written = self._write(conn, data)
            if written == len(data):
                return self._sent(written)
            if written is None:
                return Deferred(lambda: self._blocking_send(conn, data, 0), "send")
            self._stop_tls(conn)
            return self._sent(0)
        # <= 2.x: WiFiSSLClient::write is a single mbedtls_ssl_write on the socket made
        # non-blocking after the handshake; WANT_WRITE answers 0. mbedTLS keeps the record it
        # took: the next write only flushes it and answers that call's length, whatever its
        # bytes (mbedTLS ssl_write_real with out_left != 0): a host must send the same again.
        if conn.held is not None:
            written = self._write(conn, conn.held)
            if written is None:
                return self._sent(0)
            conn.held = None
            return self._sent(len(data) if written > 0 else 0)
        written = self._write(conn, data)
        if written is None:
            conn.held = data
            return self._sent(0)
        return self._sent(written if written > 0 else 0)

    def _stop_tls(self, conn):
        self._close(conn.sock)
        conn.sock = None
        conn.eof = True
        conn.stopped = True

    # -- Adafruit's client certificate and key (0x40, 0x41) ------------------------------------

    def set_cli_cert(self, c):
        """SET_CLI_CERT (Adafruit; setClientCert): ``CERT_BUF`` gets 1300 bytes copied from
        offset 4 whatever the parameter's length says, and ``setCert`` is set for good (only
        a reset clears it). Always answers 1: nothing is parsed until a TLS connect."""
        self.client_cert = bytes(c[4 : 4 + CERT_BUF_SIZE])
        return one(0x40, 1)

    def set_pk(self, c):
        """SET_PK (Adafruit; setCertKey): the same with ``PK_BUFF``'s 1700 bytes."""
        self.client_key = bytes(c[4 : 4 + PK_BUF_SIZE])
        return one(0x41, 1)

    def _tls_plan(self, slot):
        """What startClientTcp's TLS branch sets up before the handshake (docs/emulator-nina.rst,
        Client certificates): a :class:`TlsPlan`. Without both SET_CLI_CERT and SET_PK the
        firmware verifies the server against its roots. With both, Adafruit <= 2.x
        (WiFiSSLClient::connect) parses them before it connects, and fails START_CLIENT on
        any error; Adafruit 3.x sets them INSTEAD of its CA bundle: on a socket number whose
        NetworkClientSecure never had the bundle, start_ssl_client fails before it opens a
        socket; on one that had it (``_use_ca_bundle`` stays set, the attach callback does
        not survive stop()), it connects, then has no CA to verify the server with."""
        if self.client_cert is None or self.client_key is None:
            slot.tls_bundle = True  # setCACertBundle: 3.x remembers it per socket number
            return TlsPlan(None, self._tls_context(True), None)
        esp32 = self.persona.client_cert_ca == "bundle-flag"
        if esp32 and not slot.tls_bundle:
            return TlsPlan("setup", None, None)
        identity = client_identity(self.client_cert, self.client_key, partial_chain=esp32)
        if identity.error is not None:
            # <= 2.x parse before mbedtls_net_connect; 3.x's start_ssl_client after connecting
            return TlsPlan("connected" if esp32 else "setup", None, None)
        roots = not esp32
        if not identity.matched:
            # mbedtls_ssl_conf_own_cert does not compare the key with the certificate: the
            # client's CertificateVerify is what a server that asks for a certificate rejects.
            # OpenSSL refuses the pair, so the model presents none and fails the handshake
            # when the server asks for one (a server that does not ask never sees either).
            return TlsPlan(None, self._tls_context(roots), True)
        return TlsPlan(None, self._tls_context(roots, identity), None)

    def _tls_context(self, roots, identity=None):
        """The client side of the firmware's TLS: mbedTLS without TLS 1.3 (IDF 3.3's mbedTLS
        2.16; IDF 5.5's builds leave MBEDTLS_SSL_PROTO_TLS1_3 off), verifying the server
        against the world's CA store (``roots``) or nothing, presenting ``identity``."""
        if roots:
            context = self.world.client_context()
        else:  # verification required, and no CA to verify with
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        if identity is not None:
            load_client_certificate(context, identity.chain, identity.key, _no_password)
        return context


class TlsPlan:
    """startClientTcp's TLS set-up: ``fail`` is None (go on), ``"setup"`` (START_CLIENT fails
    before any connection) or ``"connected"`` (it fails once the TCP connection is made);
    ``context`` the client context; ``refuse_certificate_request``: fail the handshake when
    the server asks for a client certificate (the key does not match the certificate)."""

    __slots__ = ("fail", "context", "refuse_certificate_request")

    def __init__(self, fail, context, refuse_certificate_request):
        self.fail = fail
        self.context = context
        self.refuse_certificate_request = refuse_certificate_request


class ClientIdentity:
    """The client certificate chain and key as mbedTLS reads them from ``CERT_BUF`` and
    ``PK_BUFF``: ``chain`` and ``key`` (PEM bytes of what parsed), ``matched`` (the key is
    the certificate's), ``error`` (why mbedTLS refuses them, or None)."""

    __slots__ = ("chain", "key", "matched", "error")

    def __init__(self, chain=None, key=None, matched=False, error=None):
        self.chain = chain
        self.key = key
        self.matched = matched
        self.error = error


def _c_string(buffer):
    """What ``strlen`` sees of a firmware buffer. Without a NUL inside it the string runs on
    into the RAM that follows, which mbedTLS's PEM reader ignores after the END line: the
    whole buffer is what counts."""
    return buffer.split(b"\0", 1)[0]


def _no_password():
    raise ssl.SSLError("the key is encrypted: mbedtls_pk_parse_key is given no password")


def _pem_blocks(text, header, footer):
    """mbedtls_x509_crt_parse's PEM loop over ``text``: the blocks between ``header`` and
    ``footer``; an error (str) when a header has no footer after it."""
    blocks = []
    start = text.find(header)
    while start >= 0:
        end = text.find(footer, start)
        if end < 0:
            return blocks, "a PEM block has no %s line (the buffer cut it off?)" % footer.decode()
        blocks.append(text[start : end + len(footer)] + b"\n")
        start = text.find(header, end)
    return blocks, None


def client_identity(cert_buffer, key_buffer, partial_chain=False):
    """Parse the client certificate and key as the firmware's mbedTLS does: the certificate
    buffer must hold PEM certificates (mbedtls_x509_crt_parse: a buffer without
    ``-----BEGIN CERTIFICATE-----`` is DER, which ``strlen`` cuts at its first zero byte);
    Adafruit <= 2.x refuses a chain with any block that does not parse, 3.x only one where
    none does (``partial_chain``); the key is the first PEM form mbedtls_pk_parse_key finds
    (PKCS#1 RSA, SEC1 EC, PKCS#8), unencrypted (no password is ever given)."""
    try:
        # cryptography comes with trustme, which the emulator's extra installs
        from cryptography import x509  # pylint: disable=import-outside-toplevel
        from cryptography.hazmat.primitives import serialization  # pylint: disable=import-outside-toplevel
        from cryptography.hazmat.primitives.asymmetric import ec, rsa  # pylint: disable=import-outside-toplevel
    except ImportError as exc:
        raise RuntimeError(
            "the NINA emulator's client certificates need the 'cryptography' package: "
            "pip install cryptography"
        ) from exc
    cert_text = _c_string(cert_buffer)
    key_text = _c_string(key_buffer)
    blocks, error = _pem_blocks(cert_text, *_CERT_PEM)
    if not blocks and error is None:
        return ClientIdentity(error="the certificate is not PEM (no -----BEGIN CERTIFICATE----- line)")
    if error is not None:
        return ClientIdentity(error=error)
    certs = []
    for block in blocks:
        try:
            certs.append((block, x509.load_pem_x509_certificate(block)))
        except ValueError:
            if not partial_chain:
                return ClientIdentity(error="a certificate in the chain does not parse")
    if not certs:
        return ClientIdentity(error="no certificate in the buffer parses")
    for header, footer in _KEY_PEMS:
        if header not in key_text:
            continue
        keys, error = _pem_blocks(key_text, header, footer)
        if error is not None:
            return ClientIdentity(error=error)
        try:
            key = serialization.load_pem_private_key(keys[0], password=None)
        except TypeError:
            return ClientIdentity(error="the key is encrypted (no password is ever given)")
        except ValueError:
            return ClientIdentity(error="the key does not parse")
        if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
            return ClientIdentity(error="mbedTLS reads RSA and EC keys only")
        raw = serialization.PublicFormat.SubjectPublicKeyInfo
        mine = key.public_key().public_bytes(serialization.Encoding.DER, raw)
        theirs = certs[0][1].public_key().public_bytes(serialization.Encoding.DER, raw)
        chain = b"".join(block for block, _ in certs)
        return ClientIdentity(chain, keys[0], matched=mine == theirs)
    return ClientIdentity(error="the key is not PEM (no -----BEGIN ... PRIVATE KEY----- line)")
