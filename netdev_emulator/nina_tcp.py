# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""TCP client sockets of the NINA-FW model: socket numbers, START_CLIENT_TCP (TCP and TLS; UDP's
mode is in :mod:`netdev_emulator.nina_udp`), the state, available-data, read and write commands,
and STOP_CLIENT_TCP; opcodes 0x2A-0x2F, 0x3A, 0x3F, 0x44, 0x45. The TLS side of a connection
(handshake, record writes) is :mod:`netdev_emulator.nina_tls`; listeners are
:mod:`netdev_emulator.nina_server`.

Modelled on main/CommandHandler.cpp (startClientTcp, stopClientTcp, getClientStateTcp,
availDataTcp, getDataTcp, getDataBufTcp, sendDataTcp, getRemoteData, getSocket) over
arduino/libraries/WiFi/src/WiFiClient.cpp (arduino/nina-fw; adafruit/nina-fw up to 2.x) and, for
Adafruit 3.x, espressif/arduino-esp32 libraries/Network/src/NetworkClient.cpp; lwIP's send buffer
and window as the IDF builds configure them. docs/protocol-nina.rst (TCP, Socket slots).
"""

import select
import socket
import ssl
import struct
import time

from netdev_emulator.network import send_room
from netdev_emulator.nina_slots import Conn
from netdev_emulator.nina_wire import (
    BUFFER_SIZE,
    FREE,
    MAX_READ,
    PAD,
    TCP_SND_BUF,
    TCP_SNDLOWAT,
    TCP_WND,
    TYPE_TCP,
    TYPE_TLS,
    TYPE_UDP,
    ZERO_IP,
    Deferred,
    frame,
    ip_str,
    one,
)


class TcpCommands:
    """The TCP client commands of :class:`~netdev_emulator.nina_firmware.NinaFirmware`."""

    # -- 0x28-0x2F, 0x3A, 0x3F, 0x44, 0x45 sockets ---------------------------------------------

    def get_socket(self, c):  # GET_SOCKET: looks, reserves nothing
        slot = self._free_slot()
        return one(0x3F, slot.index if slot is not None else FREE)

    def start_client_tcp(self, c):  # START_CLIENT_TCP
        if c[2] == 4:
            host = b""
            ip, port, sock_no, mode = bytes(c[4:8]), (c[9] << 8) | c[10], c[12], c[14]
        else:
            length = c[3]
            # a C string (CommandHandler.cpp startClientTcp: memcpy into char host[256]): it
            # ends at its first NUL, whatever the length byte says
            host = bytes(c[4 : 4 + length]).split(b"\0", 1)[0]
            ip = bytes(c[5 + length : 9 + length])
            port = (c[10 + length] << 8) | c[11 + length]
            sock_no, mode = c[13 + length], c[15 + length]
        slot = self._slot(sock_no)
        fail = frame(0x2D)  # zero parameters: E0 AD 00 EE
        if slot is None:
            return fail
        if mode == 1:
            if host:
                return Deferred(lambda: self._udp_begin_locked(slot, host, ip, port), "DNS")
            return self._udp_begin_packet(slot, host, ip, port)
        if mode not in (0, 2):
            return fail  # 4 (BearSSL + crypto chip) is not emulated
        return Deferred(lambda: self._connect(slot, host, ip, port, mode == 2), "connect")

    def _connect(self, slot, host, ip, port, tls):
        fail = frame(0x2D)
        plan = self._tls_plan(slot) if tls else None  # the client certificate, the CA
        if plan is not None and plan.fail == "setup":
            return fail  # refused before any connection (nina_tls.TlsCommands._tls_plan)
        if host:
            resolved = self._resolve(host)
            if resolved is None:
                return fail
            ip = resolved
        elif tls and not self.persona.tls_by_ip:
            # <=2.0 formats the address with its octets reversed (docs/protocol-nina.rst, TLS)
            ip = ip[::-1]
        if not self.link_up() or not self._room_for_socket():
            return fail
        if tls and self.persona.max_tls is not None:
            sessions = sum(
                1 for s in self.slots
                if s.type == TYPE_TLS and s.client is not None and s.client.sock is not None
            )
            if sessions >= self.persona.max_tls:
                return fail  # mbedTLS could not allocate its buffers
        ip_text = ip_str(ip)
        name = host.decode("utf-8", "replace") if host else None
        if self.emu.faults.active and self.emu.faults.take("connect_held", "%s:%d" % (ip_text, port)):
            self.emu.faults.hold(lambda: not self.dead)  # the peer answers the SYN only now
        real = self.emu.faults.reroute(self.world.route(ip_text, port, name))
        connect_timeout = self.persona.tls_connect_timeout if tls else self.persona.connect_timeout
        if not self._reachable(real[0]):
            # nothing answers the SYNs: lwIP retries until it gives up
            time.sleep(self.timing.unreachable_wall)
            self.model += connect_timeout
            return fail
        try:
            raw = socket.create_connection(real, timeout=connect_timeout, source_address=self._source())
        except OSError:
            return fail
        sock = raw
        if tls:
            if plan.fail == "connected":
                raw.close()  # start_ssl_client failed after its connect: stop() closes it
                return fail
            started = time.monotonic()
            sock = self._handshake(raw, name if name else ip_text, plan)
            if sock is None:
                if self.persona.tls_failure_answers_1 and not self.dead:
                    return self._handshake_given_up(slot, (ip, port), started)
                return fail
        sock.setblocking(False)
        try:
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        with self.lock:
            try:
                self._own(sock)
            except OSError:
                return fail
            self._drop_client(slot)
            slot.client = Conn(sock, tls, (ip, port))
            slot.type = TYPE_TLS if tls else TYPE_TCP
            slot.ever_connected = True
        return one(0x2D, 1)

    def _drop_client(self, slot):
        if slot.client is not None and slot.client.sock is not None:
            self._close(slot.client.sock)
        slot.client = None

    def stop_client_tcp(self, c):  # STOP_CLIENT_TCP: always 1; a listener keeps running
        slot = self._slot(c[4])
        if slot is None:
            return one(0x2E, 1)
        if slot.type in (TYPE_TCP, TYPE_TLS):
            conn = slot.client
            if conn is not None and conn.sock is not None:
                unread = bool(conn.rx) or self._kernel_unread(conn)
                self._close(conn.sock, abort=unread)  # lwIP resets when data is unread
                conn.sock = None
            slot.client = None
        elif slot.type == TYPE_UDP:
            udp = slot.udp
            self._close(udp.sock)
            udp.sock = None
            udp.cur = b""
            udp.idx = 0
        if self.emu.stop_client_stops_listener and slot.server is not None:
            self._stop_server(slot)
        slot.type = FREE
        slot.ever_connected = False
        return one(0x2E, 1)

    def _kernel_unread(self, conn):
        if not conn.tls:
            return self._has_unread(conn.sock)
        try:
            return conn.sock.pending() > 0
        except (OSError, ValueError):
            return False

    @staticmethod
    def _has_unread(sock):
        try:
            return bool(sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT))
        except (OSError, ValueError):
            return False

    def _tcp_fill(self, conn):
        """Top the firmware's view of the receive queue up to the lwIP window."""
        if conn.eof or conn.sock is None:
            return
        if conn.tls:
            if conn.rx:
                return  # one TLS record at a time
            try:
                data = conn.sock.recv(16384)
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                return
            except (OSError, ssl.SSLError):
                data = b""
            if data:
                conn.rx += data
            else:  # the session stops: its socket closes
                conn.eof = True
                conn.stopped = True
                self._close(conn.sock)
                conn.sock = None
            return
        room = TCP_WND - len(conn.rx)
        if room <= 0:
            return
        try:
            data = conn.sock.recv(room)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data:
            conn.rx += data
        else:
            conn.eof = True

    def _client_state(self, slot):
        conn = slot.client
        if conn is None or conn.sock is None:
            return 0
        if conn.tls:
            self._tcp_fill(conn)
            return 4  # a close found now is reported by the next query
        if conn.rx or not self.persona.state_sees_close:
            # Adafruit 1.x (WiFiClient::connected, 1.7.2 on) only asks FIONREAD, which a
            # closed or aborted connection answers without an error: "connected" until
            # the firmware itself closes the socket (a failed write, a peek)
            return 4
        self._tcp_fill(conn)
        if conn.rx:
            return 4
        if conn.eof:
            self._close(conn.sock)
            conn.sock = None
            return 0
        return 4

    def get_client_state_tcp(self, c):  # GET_CLIENT_STATE_TCP
        slot = self._slot(c[4])
        if slot is None or slot.type == FREE:
            return one(0x2F, 0)
        state = self._client_state(slot) if slot.type in (TYPE_TCP, TYPE_TLS) else 0
        if state == 0:
            if slot.client is not None and slot.client.sock is None:
                slot.client = None
            if self.persona.state_frees == "always" or slot.ever_connected:
                slot.type = FREE
                slot.ever_connected = False
        return one(0x2F, state)

    def data_sent_tcp(self, c):  # DATA_SENT_TCP: legacy, always 1
        return one(0x2A, 1)

    def avail_data_tcp(self, c):  # AVAIL_DATA_TCP (accept flag at offset 6)
        slot = self._slot(c[4])
        count = 0
        if slot is None or slot.type == FREE:
            count = 0
        elif self._server_path(slot):
            count = self._server_avail(slot, c[6])
        elif slot.type == TYPE_UDP:
            udp = slot.udp
            count = len(udp.cur) - udp.idx
        elif slot.client is not None:
            conn = slot.client
            self._tcp_fill(conn)
            count = len(conn.rx)
        return frame(0x2B, struct.pack("<H", min(count, 0xFFFF)))

    def get_data_tcp(self, c):  # GET_DATA_TCP: one byte, peek flag at offset 6
        slot = self._slot(c[4])
        peek = c[6]
        if slot is None or slot.type == FREE:
            return one(0x2C, 0)
        if slot.type == TYPE_UDP:
            udp = slot.udp
            if udp.idx >= len(udp.cur):
                return one(0x2C, 0xFF)
            value = udp.cur[udp.idx]
            if not peek:
                udp.idx += 1
            return one(0x2C, value)
        conn = slot.client
        if conn is None or conn.sock is None:
            return one(0x2C, 0xFF)
        self._tcp_fill(conn)
        if not conn.rx:
            if peek and conn.eof and not conn.tls and not self.persona.esp32_status:
                # WiFiClient::peek (Arduino, Adafruit <= 2) is recv(MSG_PEEK | MSG_DONTWAIT)
                # whatever FIONREAD says: at the end of the stream, or after an error, it
                # closes the socket (GET_CLIENT_STATE then answers 0)
                self._close(conn.sock)
                conn.sock = None
            return one(0x2C, 0xFF)
        value = conn.rx[0]
        if not peek or conn.tls:  # TLS peek caches a byte GET_DATABUF never returns
            del conn.rx[:1]
        return one(0x2C, value)

    def get_databuf_tcp(self, c):  # GET_DATABUF_TCP: sock c[5], size LE c[8..9]
        slot = self._slot(c[5])
        size = min(c[8] | (c[9] << 8), MAX_READ)
        data = b""
        if slot is not None and slot.type != FREE and size:
            if slot.type == TYPE_UDP:
                udp = slot.udp
                data = udp.cur[udp.idx : udp.idx + size]
                udp.idx += len(data)
            elif slot.client is not None and slot.client.sock is not None:
                conn = slot.client
                if not conn.rx:
                    self._tcp_fill(conn)
                if conn.rx:
                    data = bytes(conn.rx[:size])
                    del conn.rx[:size]
        n = len(data)
        out = b"".join((bytes((0xE0, 0xC5, 1, n >> 8, n & 0xFF)), data, b"\xee"))
        return out + PAD[len(out) & 3]

    def _write(self, conn, data, lowat=0):
        """One non-blocking lwIP write: bytes accepted, or None on would-block/error. With
        ``lowat``, nothing is written unless more than that is free (a write after select)."""
        if conn.sock is None:
            return None
        room = send_room(conn.sock, TCP_SND_BUF)  # TLS too: its records queue in the same lwIP buffer
        if room <= lowat:
            return None
        if conn.tls:
            # whole: a write that would block must be retried with the same bytes (OpenSSL)
            try:
                return conn.sock.send(data)
            except (ssl.SSLWantWriteError, ssl.SSLWantReadError, BlockingIOError):
                return None
            except (OSError, ssl.SSLError):
                conn.eof = True
                return -1
        try:
            return conn.sock.send(data[:room])
        except BlockingIOError:
            return None
        except OSError:
            conn.eof = True
            return -1

    def send_data_tcp(self, c):  # SEND_DATA_TCP: sock c[5], length BE c[6..7], data c[8..]
        slot = self._slot(c[5])
        length = (c[6] << 8) | c[7]
        data = bytes(c[8 : min(8 + length, BUFFER_SIZE)])
        if slot is None or slot.type in (FREE, TYPE_UDP):
            return self._sent(0)
        if self._server_path(slot):
            if not self.persona.server_write_broadcast:
                return self._sent(0)
            total = 0
            for spawned in slot.server.spawned:
                written = self._write(spawned, data)
                total += written if written and written > 0 else 0
            return self._sent(total)
        conn = slot.client
        if conn is None or conn.sock is None or not data:
            return self._sent(0)
        if conn.tls:
            return self._tls_send(conn, data)
        mode = self.persona.send
        # Adafruit 3.x: NetworkClient::write selects before each send
        written = self._write(conn, data, TCP_SNDLOWAT if mode == "blocking" else 0)
        if conn.accepted and self.persona.accepted_send_blocks and written != len(data):
            # WiFiClient::write (Arduino from 1.4.3, Adafruit 2.x) passes MSG_PEEK, not
            # MSG_DONTWAIT, and an accepted socket is blocking (lwip_accept does not pass
            # the listener's non-blocking mode on): lwIP waits until every byte is in the
            # send buffer, without a timeout, while READY stays high
            if written is not None and written < 0:
                return self._sent(0)  # the error: "if (result < 0) return 0"
            return Deferred(lambda: self._send_until_written(conn, data, written or 0), "send")
        if written is not None and written >= 0 and (written == len(data) or mode != "blocking"):
            return self._sent(written)
        if mode == "close-on-error":  # Adafruit 1.x: EAGAIN included
            self._close(conn.sock)
            conn.sock = None
            conn.eof = True
            return self._sent(0)
        if mode == "nonblocking":
            return self._sent(0)
        if written is not None and written < 0:  # hard error: the client is stopped
            self._close(conn.sock)
            conn.sock = None
            return self._sent(0)
        done = written or 0
        return Deferred(lambda: self._blocking_send(conn, data, done), "send")

    def _send_until_written(self, conn, data, done):
        """lwip_send on a blocking socket: returns once every byte is in the send buffer
        (SO_SNDTIMEO is 0: no timeout), or answers 0 when the connection fails."""
        while done < len(data) and not self.dead:
            with self.lock:
                written = self._write(conn, data[done:])
            if written is not None and written < 0:
                return self._sent(0)
            if written:
                done += written
                continue
            sock = conn.sock
            if sock is None:
                return self._sent(0)
            time.sleep(0.001)
        return self._sent(done)

    def _blocking_send(self, conn, data, done):
        """Adafruit 3.x: select and retry until written. TCP gives up after
        ``send_block_limit`` without progress and answers what went; a select only calls
        the socket writable once more than TCP_SNDLOWAT bytes are free, so a send of up
        to that many goes in one step. TLS (one record) gives up after
        ``tls_send_timeout`` in all, and stops the connection."""
        bound = self.timing.tls_send_timeout if conn.tls else self.timing.send_block_limit
        lowat = 0 if conn.tls else TCP_SNDLOWAT
        limit = time.monotonic() + bound
        while done < len(data) and time.monotonic() < limit and not self.dead:
            with self.lock:
                written = self._write(conn, data[done:], lowat)
            if written is not None and written < 0:
                with self.lock:
                    self._close(conn.sock)
                    conn.sock = None
                break
            if written:
                done += written
                limit = time.monotonic() + bound
                continue
            # conn.sock itself: under a TLS one, wrap_socket detached the plain socket (fd -1)
            sock = conn.sock
            if sock is None:
                break
            try:
                select.select([], [sock], [], 0.001)
            except (OSError, ValueError):
                break
            time.sleep(0.001)
        if conn.tls and done < len(data):
            with self.lock:  # send_ssl_data failed: NetworkClientSecure::write stops the client
                self._stop_tls(conn)
            return self._sent(0)
        return self._sent(done)

    @staticmethod
    def _sent(count):
        return frame(0x44, struct.pack("<H", count & 0xFFFF))

    def get_remote_data(self, c):  # GET_REMOTE_DATA
        slot = self._slot(c[4])
        if slot is None or slot.type == FREE:
            return frame(0x3A, ZERO_IP, b"\0\0")
        if slot.type == TYPE_UDP:
            udp = slot.udp
            return frame(0x3A, udp.remote_ip, struct.pack(">H", udp.remote_port))
        conn = slot.client
        if conn is None or conn.sock is None:
            return frame(0x3A, ZERO_IP, b"\0\0")
        return frame(0x3A, conn.peer[0], struct.pack(">H", conn.peer[1]))
