# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The RTL8720DN firmware's mbedTLS 2.4 client (``wifi_ssl_client.c``), served by
Python's ``ssl`` over memory BIOs on a host socket from the lwIP slot table.

A session is named by an opaque 32-bit handle that looks like an AmebaD heap address;
its TCP socket takes one of the 8 lwIP slots. Return values are mbedTLS codes (see
docs/protocol-rtl8720dn.rst, TLS). Memory BIOs (rather than an SSLSocket) let the
model tell a close_notify from a bare TCP EOF, as mbedTLS does, and see record sizes.

Python's ``ssl`` runs the handshake without verifying; the certificate is checked after it
by :mod:`netdev_emulator.rtl8720_x509` (mbedTLS 2.4's rules, with ``cryptography``), because
the firmware does the same: its handshake completes with a bad certificate, and
``start_ssl_client`` then stops the session and returns 0 (see :meth:`TlsClients._start`).
"""

import logging
import os
import select
import ssl
import tempfile
import time

from netdev_emulator.network import send_room
from netdev_emulator.rtl8720_sockets import TCP_SND_BUF
from netdev_emulator.rtl8720_wire import sockaddr_in

log = logging.getLogger("netdev_emulator.rtl8720")

_ENCODING_DER = 2  # _ssl.ENCODING_DER

# mbedTLS 2.4 return codes
WANT_READ = -0x6900
WANT_WRITE = -0x6880
PEER_CLOSE_NOTIFY = -0x7880
CONN_EOF = -0x7280
FATAL_ALERT_MESSAGE = -0x7780
X509_CERT_VERIFY_FAILED = -0x2700
X509_INVALID_FORMAT = -0x2180
NET_CONN_RESET = -0x0050
NET_RECV_FAILED = -0x004C
NET_SEND_FAILED = -0x004E
SSL_INVALID_RECORD = -0x7200
SSL_BAD_INPUT_DATA = -0x7100
SSL_ALLOC_FAILED = -0x7F00
SSL_FEATURE_UNAVAILABLE = -0x7080

MAX_CONTENT_LEN = 16384  # a TLS record's plaintext at most (mbedTLS's default input buffer)

HANDLE_BASE = 0x10004000
HANDLE_STEP = 0x400


def _x509():
    """mbedTLS's certificate check (needs ``cryptography``, which ``trustme`` brings)."""
    try:
        from netdev_emulator import rtl8720_x509  # noqa: PLC0415
    except ImportError as exc:
        raise RuntimeError(
            "the RTL8720DN emulator verifies TLS certificates with the 'cryptography' "
            "package: pip install cryptography (or the emulator extra: trustme)"
        ) from exc
    return rtl8720_x509


def _pem():
    """mbedTLS's reading of PEM certificates and keys (needs ``cryptography`` too)."""
    _x509()  # the same clear error when ``cryptography`` is missing
    from netdev_emulator import rtl8720_pem  # noqa: PLC0415

    return rtl8720_pem


class _ParseError(Exception):
    """mbedTLS refused a root CA, client certificate or key: ``args[0]`` is its code."""


def _own_cert(context, chain, key):
    """``mbedtls_ssl_conf_own_cert``: the certificates and key the handshake presents when
    the server asks for a client certificate, unchecked. A key that is not the
    certificate's still goes out on the chip, and the server refuses the handshake
    (CertificateVerify does not verify). OpenSSL will not pair them, so the model sends
    a stand-in the server cannot trust: a certificate for that key signed by itself, with
    the same subject (any server that checks client certificates refuses it)."""
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415

    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if chain[0].public_key().public_bytes(*spki) != key.public_key().public_bytes(*spki):
        chain = [_self_signed(chain[0], key)]
    with tempfile.TemporaryDirectory() as tmp:
        cert_path = os.path.join(tmp, "cert.pem")
        key_path = os.path.join(tmp, "key.pem")
        with open(cert_path, "wb") as f:
            f.write(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain))
        with open(key_path, "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
        try:
            context.load_cert_chain(cert_path, key_path)
        except ssl.SSLError:  # e.g. a key OpenSSL's security level refuses: nothing sent
            log.warning("client certificate not usable by the host's OpenSSL: none presented")


def _self_signed(leaf, key):
    import datetime  # noqa: PLC0415

    from cryptography import x509  # noqa: PLC0415
    from cryptography.hazmat.primitives import hashes  # noqa: PLC0415

    now = datetime.datetime.now(datetime.timezone.utc)
    return (x509.CertificateBuilder().subject_name(leaf.subject).issuer_name(leaf.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))


class FirmwareCrash(Exception):
    """The firmware dereferenced a freed or invented context: on the chip this is heap
    corruption or a hard fault; the model stops answering until the chip is reset."""


class Session:
    """One ``wifi_sslclient_context``."""

    def __init__(self, handle):
        self.handle = handle
        self.fd = -1
        self.timeout_ms = 0  # a fresh context: clean fields (docs/protocol-rtl8720dn.rst, TLS (17))
        self.root_ca = None
        self.cli_cert = None
        self.cli_key = None
        self.psk_ident = None
        self.psk_key = None
        self.initialised = False
        self.state = "created"  # created, connected, stopped, failed
        self.host = None
        self.port = 0
        self.obj = None  # ssl.SSLObject
        self.bio_in = None
        self.bio_out = None
        self.sock = None  # the host socket under the session (owned by the lwIP slot)
        self.error = 0  # sticky fatal mbedTLS error
        self.record_left = 0  # bytes of the current incoming TLS record still to come
        self.record_header = b""
        self.close_notify = False
        self.verify = False  # whether the last start verified the server's certificate
        self.verify_result = 0  # mbedtls_ssl_get_verify_result() of the last start

    def describe(self):
        return {
            "fd": self.fd,
            "state": self.state,
            "host": self.host,
            "port": self.port,
            "verify": self.verify,
            "verify_result": self.verify_result,
        }


class TlsClients:
    """All TLS contexts of the firmware. ``fw`` gives ``world``, ``sockets`` (the lwIP
    table), ``resolve(name)``, ``charge(seconds)``, ``check()`` and ``wake``."""

    def __init__(self, fw, timing, without_ca="world", max_content_len=None,
                 max_sessions=4):
        self.fw = fw
        self.timing = timing
        self.without_ca = without_ca
        self.max_content_len = max_content_len
        self.max_sessions = max_sessions
        self.sessions = {}

    def reset(self):
        self.sessions = {}

    def describe(self):
        return {h: s.describe() for h, s in self.sessions.items()}

    def get(self, handle):
        session = self.sessions.get(handle)
        if session is None:
            raise FirmwareCrash("TLS context 0x%08x was never created or is freed" % handle)
        return session

    # -- lifecycle ---------------------------------------------------------------------------

    def create(self):
        handle = HANDLE_BASE
        while handle in self.sessions:
            handle += HANDLE_STEP
        self.sessions[handle] = Session(handle)
        return handle

    def destroy(self, handle):
        # frees the strings and the context, but neither stops the session nor closes its
        # socket: a destroy without a stop leaks the lwIP socket, as on the chip
        session = self.get(handle)
        del self.sessions[handle]
        session.obj = None

    def stop(self, handle):
        session = self.get(handle)
        if session.fd >= 0:  # lwip_close of whatever is at that index now
            self.fw.sockets.close(session.fd)
            session.fd = -1
        session.obj = session.bio_in = session.bio_out = session.sock = None
        if session.state != "created":
            session.state = "stopped"

    # -- start_ssl_client --------------------------------------------------------------------

    def start(self, handle, host, port, timeout):
        session = self.get(handle)
        session.obj = session.bio_in = session.bio_out = session.sock = None
        session.error = 0
        session.verify_result = 0
        session.record_left = 0
        session.record_header = b""
        result = self._start(session, host, port, timeout)
        if result < 0:
            session.state = "failed"
        return result

    def _start(self, session, host, port, timeout):
        handle = session.handle
        table = self.fw.sockets
        fd = table.socket(2, 1, 6)
        if fd < 0:
            return -1
        session.fd = fd
        session.host = host
        session.port = port
        table.slots[fd].tls = handle
        ip = self.fw.resolve(host) if host is not None else None
        if ip is None:
            return -1  # the socket stays open until stop (firmware behaviour)
        if table.connect(fd, sockaddr_in(ip, port), 16) < 0:
            return -1
        slot = table.slots[fd]
        slot.rcvtimeo = slot.sndtimeo = timeout if timeout > 0 else 30000
        slot.tcp_nodelay = True
        slot.nonblocking = True
        active = sum(1 for s in self.sessions.values() if s.state == "connected")
        if session.root_ca is None and session.psk_ident and session.psk_key:
            session.state = "connected"  # PSK: the firmware returns before any handshake
            session.error = SSL_FEATURE_UNAVAILABLE  # (not modelled: Python has no PSK)
            return 0
        try:
            context, server_name, trusted = self._context(session)
        except _ParseError as exc:  # a root CA, client certificate or key mbedTLS refused
            return exc.args[0]
        if active >= self.max_sessions:
            return SSL_ALLOC_FAILED  # mbedtls_ssl_setup: no heap for the record buffers
        session.sock = slot.sock
        session.bio_in = ssl.MemoryBIO()
        session.bio_out = ssl.MemoryBIO()
        session.obj = context.wrap_bio(session.bio_in, session.bio_out,
                                       server_side=False, server_hostname=server_name)
        result = self._handshake(session)
        if result != 0:
            return result
        session.state = "connected"
        self.fw.charge(self.timing["tls_handshake"])
        if session.verify:
            # mbedTLS 2.4's certificate step advances the handshake before it checks the
            # certificate, and the firmware's loop retries the handshake after any error,
            # so the handshake completes whatever the verification found. Only then does
            # wifi_start_ssl_client read mbedtls_ssl_get_verify_result(): on a failure it
            # stops the session (its socket is then -1) and returns the last handshake
            # result, 0, which the host cannot tell from socket number 0.
            session.verify_result = _x509().verify_flags(self._chain(session), trusted, session.host)
            if session.verify_result:
                self.stop(handle)
                return 0
        return fd

    def _context(self, session):
        """The client configuration ``start_ssl_client`` builds, the SNI to send, and the
        CAs its verification trusts. Python's ``ssl`` does not verify: its handshake would
        stop at a bad certificate, where mbedTLS 2.4's completes (see :meth:`_start`).
        Raises ``_ParseError(code)`` where mbedTLS refuses the root CA, the client
        certificate or its key (``start_ssl_client`` returns that code)."""
        session.verify = session.root_ca is not None or self.without_ca == "world"
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        if session.root_ca is not None:
            ret, trusted = _pem().parse_certificates(session.root_ca)
            if ret < 0:  # mbedtls_x509_crt_parse failed: start returns its error
                raise _ParseError(ret)
            name = session.host
        elif self.without_ca == "world":
            # the project's stand-in for a built-in CA store (the chip itself verifies
            # nothing without a rootCA): the world's CA file, verification on
            trusted = self._world_trusted()
            name = session.host
        else:
            trusted = []
            name = None  # no CA: no mbedtls_ssl_set_hostname, so no SNI either
        context.maximum_version = ssl.TLSVersion.TLSv1_2  # mbedTLS 2.4: no TLS 1.3
        if session.cli_cert is not None and session.cli_key is not None:
            # both set (17/10, 17/12): parsed at every start, certificate first; a
            # failure ends the start with mbedTLS's code, the socket left open
            ret, chain = _pem().parse_certificates(session.cli_cert)
            if ret < 0:
                raise _ParseError(ret)
            ret, key = _pem().parse_key(session.cli_key)
            if ret:
                raise _ParseError(ret)
            _own_cert(context, chain, key)
        return context, name, trusted

    def _world_trusted(self):
        path = self.fw.world.cafile or ssl.get_default_verify_paths().cafile
        try:
            with open(path, "rb") as f:
                return _x509().load_trusted(f.read())
        except (OSError, TypeError):
            return []

    @staticmethod
    def _chain(session):
        """The certificates the server sent, DER, leaf first."""
        try:
            chain = session.obj._sslobj.get_unverified_chain()  # noqa: SLF001 (3.10-3.12)
            return [cert.public_bytes(_ENCODING_DER) for cert in chain or ()]
        except AttributeError:
            leaf = session.obj.getpeercert(binary_form=True)
            return [leaf] if leaf else []

    def _handshake(self, session):
        limit = min(session.timeout_ms / 1000.0, self.timing["tls_handshake_wall_cap"])
        deadline = time.monotonic() + limit
        while True:
            try:
                session.obj.do_handshake()
                self._flush(session)
                return 0
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLEOFError:
                return self._retried(session, deadline, CONN_EOF)
            except ssl.SSLError:
                self._flush(session)
                return self._retried(session, deadline, FATAL_ALERT_MESSAGE)
            sent = self._flush(session)
            if sent < 0:
                return sent
            # the firmware polls every 10 ms until handshake_timeout (a context whose
            # timeout was never set gives up after the first WANT_READ)
            if not self._poll(session, deadline):
                return WANT_READ
            pulled = self._pull(session)
            if pulled < 0 and pulled != WANT_READ:
                return self._retried(session, deadline, pulled)

    def _poll(self, session, deadline):
        """One wait of the firmware's polling loop, until the socket is readable, 50 ms at
        most, or the deadline (False once it has passed); a chip reset ends it."""
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        self.fw.check()
        select.select([session.sock, self.fw.wake], [], [], min(left, 0.05))
        self.fw.check()
        return True

    def _retried(self, session, deadline, result):
        """The handshake failed with ``result`` (a fatal alert: the server refused it, say
        for a missing or untrusted client certificate; the connection's end or reset).
        mbedTLS 2.4 keeps no error state, and the firmware's loop calls
        ``mbedtls_ssl_handshake`` again every 10 ms until ``handshake_timeout`` has passed
        (``wifi_ssl_client.c``), returning the last call's result: ``result`` only when no
        time was left; else what reading on gives, WANT_READ while the connection stays
        open, CONN_EOF once it has ended (a reset is reported once, then the end of the
        stream). Once it has ended nothing can change: the rest is model time."""
        if deadline - time.monotonic() <= 0:
            return result
        while True:
            try:
                data = session.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                data = None
            except OSError:
                data = b""  # the reset, then the end of the stream
            if data == b"":
                self.fw.charge(max(0.0, deadline - time.monotonic()))
                return CONN_EOF
            if not self._poll(session, deadline):
                return WANT_READ

    # -- data ----------------------------------------------------------------------------------

    def _pull(self, session):
        """Moves what the socket has into the BIO: 1 moved, WANT_READ nothing, 0 EOF,
        negative error."""
        try:
            data = session.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return WANT_READ
        except OSError:
            return NET_CONN_RESET
        if not data:
            session.bio_in.write_eof()
            return 0
        if self.max_content_len and not self._records_fit(session, data):
            return SSL_INVALID_RECORD
        session.bio_in.write(data)
        return 1

    def _records_fit(self, session, data):
        """Walks the TLS record headers in ``data`` (never the bodies): False when a
        record is longer than the firmware's input buffer."""
        limit = self.max_content_len + 2048  # mbedTLS input buffer: content + overhead
        pos = 0
        size = len(data)
        while pos < size:
            if session.record_left:
                step = min(session.record_left, size - pos)
                session.record_left -= step
                pos += step
                continue
            need = 5 - len(session.record_header)
            session.record_header += data[pos:pos + need]
            pos += need
            if len(session.record_header) < 5:
                break
            length = (session.record_header[3] << 8) | session.record_header[4]
            session.record_header = b""
            if length > limit:
                return False
            session.record_left = length
        return True

    def _flush(self, session):
        """Writes what the TLS engine produced to the socket, blocking like the firmware's
        busy write loop. Returns 0 or an mbedTLS error."""
        pending = session.bio_out.read()
        view = memoryview(pending)
        sent = 0
        while sent < len(pending):
            room = send_room(session.sock, TCP_SND_BUF)  # the records queue in lwIP's buffer
            if room:
                try:
                    sent += session.sock.send(view[sent : sent + room])
                    continue
                except (BlockingIOError, InterruptedError):
                    pass
                except (BrokenPipeError, ConnectionResetError):
                    return NET_CONN_RESET
                except OSError:
                    return NET_SEND_FAILED
            self.fw.check()
            select.select([self.fw.wake], [session.sock] if room else [], [], 0.05)
            self.fw.check()
        return 0

    def receive(self, handle, length):
        """``get_ssl_receive``: one non-blocking read. Returns ``(result, data)``."""
        session = self.get(handle)
        if session.obj is None or session.state != "connected":
            return (session.error or SSL_BAD_INPUT_DATA), b""
        if session.error:
            return session.error, b""
        if length <= 0:
            return 0, b""
        # mbedtls_ssl_read hands over the rest of one record at most: a bigger length (an
        # i32 from the wire) must not size the buffer the read allocates
        length = min(length, self.max_content_len or MAX_CONTENT_LEN)
        for _ in range(64):  # bounded: each pass either returns or moves socket bytes
            try:
                data = session.obj.read(length)
            except ssl.SSLWantReadError:
                pulled = self._pull(session)
                if pulled == 1:
                    continue
                if pulled == 0:
                    continue  # EOF written to the BIO: the next read reports it
                if pulled == WANT_READ:
                    return WANT_READ, b""
                session.error = pulled
                return pulled, b""
            except ssl.SSLZeroReturnError:
                return PEER_CLOSE_NOTIFY, b""
            except ssl.SSLEOFError:
                return 0, b""  # the TCP connection ended without close_notify
            except ssl.SSLError:
                session.error = FATAL_ALERT_MESSAGE
                return FATAL_ALERT_MESSAGE, b""
            if not data:
                session.close_notify = True
                return PEER_CLOSE_NOTIFY, b""
            flushed = self._flush(session)  # alerts or tickets the read produced
            if flushed < 0:
                session.error = flushed
            return len(data), data
        return WANT_READ, b""

    def send(self, handle, data, length):
        session = self.get(handle)
        if session.obj is None or session.state != "connected":
            return session.error or SSL_BAD_INPUT_DATA
        if session.error:
            return session.error
        # mbedtls_ssl_write sends one record and returns its length when `len` is more than
        # a record holds (protocol-rtl8720dn.rst, TLS); the firmware writes `len` bytes from a shorter buffer
        length = min(length, self.max_content_len or MAX_CONTENT_LEN)
        if length > len(data):
            data = bytes(data) + bytes(length - len(data))
        else:
            data = data[:length]
        if not data:
            return 0
        try:
            session.obj.write(data)
        except ssl.SSLError:
            session.error = FATAL_ALERT_MESSAGE
            return FATAL_ALERT_MESSAGE
        result = self._flush(session)
        if result < 0:
            session.error = result
            return result
        return len(data)

    def data_to_read(self, handle):
        """``data_to_read``: ``mbedtls_ssl_read(len=0)`` up to 20 × 10 ms: 0 when a record
        is there, else that read's error."""
        session = self.get(handle)
        if session.obj is None or session.state != "connected":
            return session.error or SSL_BAD_INPUT_DATA
        for attempt in range(2):
            if session.obj.pending():
                return 0
            pulled = self._pull(session)
            if pulled == 1:
                try:
                    session.obj.read(0)
                except ssl.SSLWantReadError:
                    continue
                except ssl.SSLZeroReturnError:
                    return PEER_CLOSE_NOTIFY
                except ssl.SSLError:
                    return FATAL_ALERT_MESSAGE
                return 0
            if pulled == 0:
                return 0
            if pulled != WANT_READ:
                return pulled
            if attempt == 0:
                select.select([session.sock, self.fw.wake], [], [],
                              self.timing["idle_poll_wall"])
        self.fw.charge(self.timing["data_to_read_idle"])
        return WANT_READ

