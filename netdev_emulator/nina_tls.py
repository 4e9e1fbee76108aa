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

import os
import select
import ssl
import tempfile
import time

from netdev_emulator.nina_wire import Deferred, one


class TlsCommands:
    """The TLS side of :class:`~netdev_emulator.nina_firmware.NinaFirmware`."""

    def _handshake(self, raw, server_name):
        """The TLS handshake inside START_CLIENT; the TLS socket, or None (closed) when it
        failed. Arduino and Adafruit <= 2 run it on a blocking socket without a timeout
        (WiFiSSLClient::connect loops on mbedtls_ssl_handshake): it takes as long as the
        server does, until a reset. Adafruit 3.x gives up after its handshake_timeout
        (arduino-esp32 ssl_client.cpp ssl_starttls_handshake; 120 s, set by
        NetworkClientSecure's constructor): ``NinaTiming.tls_handshake_timeout``."""
        try:
            sock = self._tls_context().wrap_socket(
                raw, server_hostname=server_name, do_handshake_on_connect=False
            )
        except (OSError, ssl.SSLError, ValueError):
            raw.close()
            return None
        sock.setblocking(False)
        limit = None
        if self.persona.esp32_status:
            limit = time.monotonic() + self.timing.tls_handshake_timeout
        while not self.dead and (limit is None or time.monotonic() < limit):
            try:
                sock.do_handshake()
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

    def _tls_context(self):
        context = self.world.client_context()
        if self.client_cert and self.client_key:
            with tempfile.TemporaryDirectory() as folder:
                cert = os.path.join(folder, "cert.pem")
                key = os.path.join(folder, "key.pem")
                with open(cert, "wb") as f:
                    f.write(self.client_cert)
                with open(key, "wb") as f:
                    f.write(self.client_key)
                context.load_cert_chain(cert, key)
        return context

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

    def set_cli_cert(self, c):  # SET_CLI_CERT (Adafruit): fixed 1300 bytes from offset 4
        self.client_cert = bytes(c[4 : 4 + 1300]).split(b"\0", 1)[0]
        return one(0x40, 1)

    def set_pk(self, c):  # SET_PK (Adafruit): fixed 1700 bytes from offset 4
        self.client_key = bytes(c[4 : 4 + 1700]).split(b"\0", 1)[0]
        return one(0x41, 1)
