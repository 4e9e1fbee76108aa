# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The NINA-FW firmware model behind :class:`netdev_emulator.NinaEmulator`.

Written from docs/protocol-nina.rst (Framing, Fixed offsets, Commands, Socket slots): every command
is decoded at the fixed byte offsets the firmware uses, from a zero-filled 4092-byte
buffer, without looking at ``nparams`` or the END byte (except where the firmware does).
Sockets are real host sockets; the world (:class:`netdev_emulator.Network`) decides which
access points exist, how names resolve and where connections really go.

This module knows nothing about the bus: :meth:`NinaFirmware.execute` takes a command
buffer and returns the reply bytes, or a :class:`Deferred` whose function does the
blocking part (connect, TLS handshake, DNS) in the emulator's firmware thread.
"""

import errno
import ipaddress
import os
import select
import socket
import ssl
import struct
import tempfile
import threading
import time

from netdev_emulator.network import send_room

BUFFER_SIZE = 4092  # SPI_MAX_DMA_LEN: both the command and the reply buffer
MAX_READ = BUFFER_SIZE - 6  # GET_DATABUF payload ceiling (E0 C5 01 hi lo ... EE)
TCP_SND_BUF = 5744  # lwIP send buffer of the IDF 3.3 builds
TCP_WND = 5744  # lwIP receive window: what AVAIL can report for one TCP socket
# lwIP's select() calls a TCP socket writable once more than TCP_SNDLOWAT bytes of its send
# buffer are free (api_msg.c sent_tcp; opt.h's default, max(TCP_SND_BUF / 2, 2 * MSS + 1))
TCP_SNDLOWAT = 2 * 1436 + 1
UDP_BUFFER = 1500  # WiFiUDP transmit and receive buffers
ERROR_REPLY = b"\xef\x00\xee\x00"
FREE = 0xFF  # slot type of a free slot; also "no socket" in replies
TYPE_TCP, TYPE_UDP, TYPE_TLS = 0, 1, 2

# GET_CONN_STATUS values (docs/protocol-nina.rst, Codes)
IDLE, NO_SSID_AVAIL, SCAN_COMPLETED, CONNECTED = 0, 1, 2, 3
CONNECT_FAILED, CONNECTION_LOST, DISCONNECTED = 4, 5, 6
AP_LISTENING, AP_CONNECTED, AP_FAILED, STOPPED = 7, 8, 9, 254

# Disconnect reason codes (ESP-IDF wifi_err_reason_t)
REASON_AUTH_EXPIRE, REASON_ASSOC_LEAVE, REASON_4WAY_TIMEOUT = 2, 8, 15
REASON_BEACON_TIMEOUT, REASON_NO_AP_FOUND, REASON_AUTH_FAIL = 200, 201, 202
REASON_ASSOC_FAIL, REASON_HANDSHAKE_TIMEOUT = 203, 204
# arduino-esp32 STA.cpp _is_staReconnectableReason: the reasons its auto-reconnect retries
# (1 unspecified, 2 auth expire, 15/16 4-way/group key timeouts, 23 802.1X, 204 handshake
# timeout; 3-7, 9, 14, 17, 53, 200, 201, 203, 205-207 transient). AUTH_FAIL (202) is not one.
_RECONNECTABLE = frozenset(
    (1, 2, 3, 4, 5, 6, 7, 9, 14, 15, 16, 17, 23, 53, 200, 201, 203, 204, 205, 206, 207)
)

_PAD = (b"", b"\0\0\0", b"\0\0", b"\0")
_ZERO_IP = b"\0\0\0\0"
_NO_HOST = b"\xff\xff\xff\xff"

OPCODE_NAMES = {
    0x10: "SET_NET", 0x11: "SET_PASSPHRASE", 0x12: "SET_KEY", 0x14: "SET_IP_CONFIG",
    0x15: "SET_DNS_CONFIG", 0x16: "SET_HOSTNAME", 0x17: "SET_POWER_MODE", 0x18: "SET_AP_NET",
    0x19: "SET_AP_PASSPHRASE", 0x1A: "SET_DEBUG", 0x1B: "GET_TEMPERATURE",
    0x1E: "GET_DNS_CONFIG", 0x1F: "GET_REASON_CODE", 0x20: "GET_CONN_STATUS",
    0x21: "GET_IPADDR", 0x22: "GET_MACADDR", 0x23: "GET_CURR_SSID", 0x24: "GET_CURR_BSSID",
    0x25: "GET_CURR_RSSI", 0x26: "GET_CURR_ENCT", 0x27: "SCAN_NETWORKS",
    0x28: "START_SERVER_TCP", 0x29: "GET_STATE_TCP", 0x2A: "DATA_SENT_TCP",
    0x2B: "AVAIL_DATA_TCP", 0x2C: "GET_DATA_TCP", 0x2D: "START_CLIENT_TCP",
    0x2E: "STOP_CLIENT_TCP", 0x2F: "GET_CLIENT_STATE_TCP", 0x30: "DISCONNECT",
    0x32: "GET_IDX_RSSI", 0x33: "GET_IDX_ENCT", 0x34: "REQ_HOST_BY_NAME",
    0x35: "GET_HOST_BY_NAME", 0x36: "START_SCAN_NETWORKS", 0x37: "GET_FW_VERSION",
    0x39: "SEND_DATA_UDP", 0x3A: "GET_REMOTE_DATA", 0x3B: "GET_TIME", 0x3C: "GET_IDX_BSSID",
    0x3D: "GET_IDX_CHANNEL", 0x3E: "PING", 0x3F: "GET_SOCKET", 0x40: "SET_ENT/SET_CLI_CERT",
    0x41: "SET_PK", 0x44: "SEND_DATA_TCP", 0x45: "GET_DATABUF_TCP", 0x46: "INSERT_DATABUF",
    0x4A: "SET_ENT_IDENT", 0x4B: "SET_ENT_UNAME", 0x4C: "SET_ENT_PASSWD",
    0x4D: "SET_ENT_CA_CERT", 0x4E: "SET_ENT_CERT_KEY", 0x4F: "SET_ENT_ENABLE",
    0x50: "SET_PIN_MODE", 0x51: "SET_DIGITAL_WRITE", 0x52: "SET_ANALOG_WRITE",
    0x53: "GET_DIGITAL_READ", 0x54: "GET_ANALOG_READ",
}


def frame(cmd, *params):
    """A reply frame: ``E0 cmd|80 n {len param}* EE`` zero-padded to a multiple of 4."""
    parts = [bytes((0xE0, cmd | 0x80, len(params)))]
    for p in params:
        parts.append(bytes((len(p),)))
        parts.append(p)
    parts.append(b"\xee")
    out = b"".join(parts)
    return out + _PAD[len(out) & 3]


def _one(cmd, value):
    return frame(cmd, bytes((value & 0xFF,)))


def _ip_str(raw):
    return "%d.%d.%d.%d" % (raw[0], raw[1], raw[2], raw[3])


def _ip_raw(text):
    try:
        return socket.inet_aton(text)
    except (OSError, TypeError):
        return _ZERO_IP


def _is_dotted_quad(name):
    parts = name.split(".")
    return len(parts) == 4 and all(p.isascii() and p.isdigit() and int(p) < 256 for p in parts)


class Persona:
    """What differs between firmware lines (protocol-nina.rst, Firmware lines). Attributes are data so a
    test can copy one and change a single quirk."""

    def __init__(self, name, **kw):
        self.name = name
        self.family = kw["family"]  # "arduino" or "adafruit": meaning of 0x40-0x4F, 0x54
        self.version = kw["version"]  # GET_FW_VERSION payload, NUL included
        self.max_sockets = kw["max_sockets"]  # slots, and lwIP's socket limit
        self.accept = kw["accept"]  # "flag" (offset 6), "never" ("available"), "always"
        self.state_frees = kw["state_frees"]  # "always" or "once-connected"
        self.send = kw["send"]  # "nonblocking", "close-on-error", "blocking"
        self.mac_reversed = kw["mac_reversed"]
        self.time_width = kw["time_width"]
        self.esp32_status = kw["esp32_status"]  # arduino-esp32 status enum (3.x)
        self.opcodes_absent = frozenset(kw["opcodes_absent"])
        self.auto_reconnect = kw["auto_reconnect"]
        self.connect_timeout = kw["connect_timeout"]  # model seconds an unanswered SYN costs
        # the same for a TLS connection (Adafruit 3.x: NetworkClientSecure's 30 s _timeout)
        self.tls_connect_timeout = kw.get("tls_connect_timeout", self.connect_timeout)
        self.tls_by_ip = kw["tls_by_ip"]  # False: the <=2.0 reversed-octet bug
        self.udp_send_needs_bind = kw["udp_send_needs_bind"]
        self.max_tls = kw["max_tls"]  # simultaneous TLS sessions that fit in RAM (None: any)
        self.scan_cap = kw["scan_cap"]
        self.auth_failure_reason = kw["auth_failure_reason"]
        self.server_write_broadcast = kw["server_write_broadcast"]
        self.padded = kw.get("padded", True)  # replies rounded up to 4 bytes (not Adafruit 1.x)
        self.tcp_bind_checked = kw.get("tcp_bind_checked", True)  # False: START_SERVER says 1 anyway
        self.gpio0_accept_race = kw.get("gpio0_accept_race", False)  # hasClient() || accept()
        # WiFiClient::connected asks lwIP about the connection (False: Adafruit 1.x, whose
        # connected() only asks FIONREAD and so never sees a FIN or a reset)
        self.state_sees_close = kw.get("state_sees_close", True)
        # handleWiFiDisconnect closes the connections when the station loses its AP (False:
        # Adafruit 1.x has no such handler; lwIP aborts them underneath, the slots stay)
        self.wifi_loss_closes = kw.get("wifi_loss_closes", True)
        # SEND_DATA_TCP on an accepted connection blocks until it is all written (Arduino
        # from 1.4.3 and Adafruit 2.x: a blocking socket and no MSG_DONTWAIT)
        self.accepted_send_blocks = kw.get("accepted_send_blocks", False)
        # REQ_HOST_BY_NAME that fails leaves the previous result (arduino-esp32's hostByName,
        # Adafruit 3.x) instead of storing 255.255.255.255
        self.dns_failure_keeps = kw.get("dns_failure_keeps", False)

    def copy(self, **changes):
        clone = Persona.__new__(Persona)
        clone.__dict__.update(self.__dict__)
        clone.__dict__.update(changes)
        return clone

    def __repr__(self):
        return "Persona(%r)" % self.name


_FILES_BSD = tuple(range(0x60, 0x68)) + tuple(range(0x70, 0x80))
PERSONAS = {
    "arduino-2.0": Persona(
        "arduino-2.0", family="arduino", version=b"2.0.0\0", max_sockets=10, accept="flag",
        state_frees="always", send="nonblocking", mac_reversed=True, time_width=4,
        esp32_status=False, opcodes_absent=(0x41, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F),
        auto_reconnect=False, connect_timeout=18.0, tls_by_ip=False,
        udp_send_needs_bind=True, max_tls=1, scan_cap=10,
        auth_failure_reason=REASON_4WAY_TIMEOUT, server_write_broadcast=True,
        accepted_send_blocks=True,
    ),
    "adafruit-1.7": Persona(
        "adafruit-1.7", family="adafruit", version=b"1.7.7\0", max_sockets=10, accept="never",
        state_frees="always", send="close-on-error", mac_reversed=True, time_width=4,
        esp32_status=False, opcodes_absent=(0x1E, 0x1F, 0x4D, 0x4E) + _FILES_BSD,
        auto_reconnect=False, connect_timeout=18.0, tls_by_ip=False,
        udp_send_needs_bind=True, max_tls=1, scan_cap=10,
        auth_failure_reason=REASON_4WAY_TIMEOUT, server_write_broadcast=True,
        padded=False, tcp_bind_checked=False, state_sees_close=False, wifi_loss_closes=False,
    ),
    "adafruit-3.3": Persona(
        "adafruit-3.3", family="adafruit", version=b"3.3.0\0", max_sockets=6, accept="always",
        state_frees="once-connected", send="blocking", mac_reversed=False, time_width=8,
        esp32_status=True, opcodes_absent=(0x4D, 0x4E), auto_reconnect=True,
        connect_timeout=3.0, tls_connect_timeout=30.0, tls_by_ip=True, udp_send_needs_bind=False,
        max_tls=None,
        scan_cap=None, auth_failure_reason=REASON_4WAY_TIMEOUT, server_write_broadcast=False,
        gpio0_accept_race=True, dns_failure_keeps=True,
    ),
}
# Adafruit NINA-FW 2.0.0 (tag 2.0.0+adafruit): Arduino 2.0.0 with Adafruit's 0x40-0x4F
# (client certificate and key, WPA2-Enterprise; 0x4D/0x4E unimplemented) and 0x54, built with
# CONFIG_LWIP_MAX_SOCKETS=6 (sdkconfig); its FIRMWARE_VERSION was never bumped from the
# release candidate's (main/CommandHandler.cpp).
PERSONAS["adafruit-2.0"] = PERSONAS["arduino-2.0"].copy(
    name="adafruit-2.0", family="adafruit", version=b"2.0.0-rc.0+adafruit\0", max_sockets=6,
    opcodes_absent=frozenset((0x4D, 0x4E)),
)
# Arduino NINA-FW 1.5.0 (main/CommandHandler.cpp at tag 1.5.0): 2.0.0 without GET_DNS_CONFIG
# (0x1E) and without AVAIL_DATA_TCP's accept flag, which came in 1.6.0: a server reports a
# client only once it has sent data, as on Adafruit 1.7.x.
PERSONAS["arduino-1.5"] = PERSONAS["arduino-2.0"].copy(
    name="arduino-1.5", version=b"1.5.0\0", accept="never",
    opcodes_absent=PERSONAS["arduino-2.0"].opcodes_absent | {0x1E},
)


class NinaTiming:
    """Delays of the model. Pairs are ``(wall_seconds, model_seconds)``: the emulator
    really waits the (short) wall figure, and charges the realistic model figure to the
    model clock (``stats.model_seconds``)."""

    def __init__(self, **overrides):
        self.cs_overhead = 10e-6  # per transaction (CS edges, READY handshake)
        self.turnaround = 100e-6  # per command: firmware parsing and re-arming
        self.baudrate = 8000000  # used when the host never configured the bus
        self.boot = (0.02, 0.75)  # reset released -> READY low
        self.wifi_start = (0.002, 0.05)  # SET_NET/SET_PASSPHRASE/DISCONNECT: WiFi restart
        self.join_ok = (0.03, 1.5)  # association + DHCP
        self.join_no_ap = (0.05, 3.0)  # all channels scanned, reason 201
        self.join_auth = (0.05, 4.0)  # 4-way handshake timeout
        self.scan = (0.02, 2.0)  # SCAN_NETWORKS
        self.ap_start = (0.01, 0.3)  # SET_AP_NET/SET_AP_PASSPHRASE
        self.time_sync = 0.0  # wall seconds after association until GET_TIME is non-zero
        self.ping_rtt = 0.004  # model round trip of a ping answered on the host
        self.unreachable_wall = 0.02  # wall time a connect to a blocked address takes
        # adafruit-3.3 sends that block (wall seconds): TCP gives up after this long without
        # progress (NetworkClient::write: 10 tries of a 1 s select); TLS after tls_send_timeout
        # in all, and then stops the connection (NetworkClientSecure's 30000 ms _timeout)
        self.send_block_limit = 10.0
        self.tls_send_timeout = 30.0
        # adafruit-3.3: a TLS handshake gives up after this long (NetworkClientSecure's
        # handshake_timeout, 120 s); Arduino and Adafruit <= 2 wait as long as the server does
        self.tls_handshake_timeout = 120.0
        self.dns_unanswered = (0.02, 15.0)  # a lookup no DNS server answers: lwIP retries
        for key, value in overrides.items():
            if not hasattr(self, key):
                raise TypeError("NinaTiming has no setting %r" % key)
            setattr(self, key, value)


class Deferred:
    """A command whose reply needs blocking work: ``fn()`` runs in the firmware thread
    and returns the reply bytes; READY stays HIGH meanwhile."""

    __slots__ = ("fn", "name")

    def __init__(self, fn, name):
        self.fn = fn
        self.name = name


class _Conn:
    """One TCP or TLS connection of the firmware (a WiFiClient / WiFiSSLClient)."""

    __slots__ = ("sock", "tls", "rx", "eof", "stopped", "peer", "raw", "held", "accepted")

    def __init__(self, sock, tls, peer, accepted=False):
        self.sock = sock
        self.tls = tls
        self.rx = bytearray()
        self.eof = False  # the peer closed (or an error): nothing more will arrive
        self.stopped = False  # TLS: the session was stopped after eof was seen
        self.peer = peer  # (ip bytes, port) the firmware reports
        self.held = None  # TLS <= 2.x: the record mbedTLS took but could not write yet
        self.accepted = accepted  # a server's client (lwip_accept), not a START_CLIENT one


class _AbortedSocket:
    """The lwIP socket of a connection lwIP aborted underneath the firmware: the station
    lost its address (ESP-IDF 3.x's tcpip_adapter_down on STA_DISCONNECTED zeroes it, and
    lwIP aborts every connection bound to the old one) while nothing closed the socket
    (Adafruit 1.x). It still exists and counts against lwIP's sockets; every operation
    fails with ECONNABORTED. The host socket that carried it is kept open elsewhere, so
    that the peer is not told (its reset never made it over the lost radio link)."""

    def fileno(self):
        return -1

    def recv(self, *args):
        raise ConnectionAbortedError(errno.ECONNABORTED, "connection aborted by lwIP")

    send = recv

    def pending(self):
        return 0

    def setsockopt(self, *args):
        pass

    def close(self):
        pass


class _Server:
    __slots__ = ("sock", "port", "spawned")

    def __init__(self, sock, port):
        self.sock = sock
        self.port = port
        self.spawned = []  # connections remembered by "available" semantics


class _Udp:
    __slots__ = ("sock", "port", "tx", "cur", "idx", "remote_ip", "remote_port", "name")

    def __init__(self):
        self.sock = None
        self.port = 0
        self.tx = bytearray()
        self.cur = b""
        self.idx = 0
        self.remote_ip = _ZERO_IP
        self.remote_port = 0
        self.name = None


class _Slot:
    __slots__ = ("index", "type", "client", "server", "udp", "ever_connected")

    def __init__(self, index):
        self.index = index
        self.type = FREE
        self.client = None
        self.server = None
        self.udp = _Udp()
        self.ever_connected = False


class NinaFirmware:
    """The state of one boot of the firmware. A reset makes a new instance."""

    def __init__(self, world, persona, timing, emulator):
        self.world = world
        self.persona = persona
        self.timing = timing
        self.emu = emulator  # model clock, gpio pin table, allow_external
        self.lock = threading.RLock()
        self.dead = False
        self.slots = [_Slot(i) for i in range(persona.max_sockets)]
        self.lwip = set()  # every host socket the firmware holds (lwIP's socket budget)
        self.leaked = []  # sockets the firmware lost track of (listeners, UDP re-binds)
        self.limbo = []  # closed by the firmware while the link was down: peer never told
        self.mac = emulator.mac
        # WiFiClass::handleSystemEvent: "arduino-%.2x%.2x" of the MAC's last two bytes
        self.hostname = b"arduino-%02x%02x" % (self.mac[4], self.mac[5])
        # WiFi
        self.status = IDLE
        # GET_REASON_CODE: Adafruit 3.x keeps the last disconnect's reason, UNSPECIFIED (1)
        # until the first (main/CommandHandler.cpp _disconnectReason)
        self.reason = 1 if persona.esp32_status else 0
        self.first_connect = True  # arduino-esp32 STA.cpp: the first failure is retried once
        self.ssid = b""
        self.passphrase = None
        self.ap = None  # the world's AccessPoint while associated
        self.join = None  # (deadline, model_due, ssid, passphrase) while associating
        self.reconnect_at = None  # adafruit-3.3 automatic reconnection
        self.softap = None  # (ssid, passphrase, channel) in AP mode
        self.static = None  # (ip, gw, mask) from SET_IP_CONFIG
        self.ip = _ZERO_IP
        self.mask = _ZERO_IP
        self.gateway = _ZERO_IP
        self.dns = [_ip_raw(world.gateway), _ZERO_IP]
        self.connected_at = None
        self.time_synced = False
        self.power_mode = 0
        self.debug = 0
        self.scan = [None] * 10  # stale entries survive a shorter scan (no bounds check)
        self.scan_count = 0
        self.host_by_name = _ZERO_IP
        self.client_cert = None
        self.client_key = None
        self.enterprise = {}
        self.wall = 0.0  # set by a handler: how long READY stays HIGH (wall)
        self.model = 0.0  # set by a handler: model seconds beyond the turnaround
        self.handlers = self._handler_table()

    # -- dispatch ---------------------------------------------------------------------

    def _handler_table(self):
        table = {}
        for op in OPCODE_NAMES:
            method = getattr(self, "_op_%02x" % op, None)
            if method is not None and op not in self.persona.opcodes_absent:
                table[op] = method
        if self.persona.family == "arduino":
            table.pop(0x41, None)
        return table

    def execute(self, c):
        """Handle one command buffer ``c`` (a zero-filled 4092-byte bytearray)."""
        self.wall = 0.0
        self.model = 0.0
        if c[0] != 0xE0 or c[1] >= 0x80:
            return ERROR_REPLY
        handler = self.handlers.get(c[1])
        if handler is None:
            return ERROR_REPLY
        self.background()
        return handler(c)

    def background(self):
        """What the firmware's background task and WiFi events would have done by now."""
        self._update_link()
        for slot in self.slots:
            udp = slot.udp
            if udp.sock is not None and udp.idx >= len(udp.cur):
                self._udp_load(udp)
        if self.persona.gpio0_accept_race and self.emu.faults.active:
            self._gpio0_accept_race()

    def _gpio0_accept_race(self):
        """Adafruit 3.x updateGpio0Pin (main/CommandHandler.cpp), after every command and
        WiFi event: ``tcpServers[i].hasClient() || tcpServers[i].accept()``. A client that
        completes its handshake after hasClient() looked and before accept() does is
        accepted into a temporary NetworkClient, whose destructor closes it at once
        (arduino-esp32 NetworkServer.cpp): the host never hears of it. The window is
        microseconds wide, so the model takes it only when the ``accept_race`` fault says so."""
        for slot in self.slots:
            server = slot.server
            if server is None or slot.type != TYPE_TCP or not self.link_up():
                continue
            try:
                pending, _, _ = select.select([server.sock], [], [], 0)
            except (OSError, ValueError):
                continue
            if not pending or not self.emu.faults.take("accept_race", "port %d" % server.port):
                continue
            try:
                sock, _ = server.sock.accept()
            except OSError:
                continue
            self._close(sock, abort=self._has_unread(sock))  # lwIP resets when data is unread

    # -- WiFi association ---------------------------------------------------------------

    def _disconnected(self, reason):
        """The station's disconnect event (``reason``: ESP-IDF wifi_err_reason_t): the
        status and reason code the firmware's event handler leaves, and whether the station
        tries again by itself."""
        self.reason = reason
        if not self.persona.esp32_status:
            # WiFiClass::handleSystemEvent (arduino/libraries/WiFi/src/WiFi.cpp, Arduino and
            # Adafruit <= 2): NO_AP_FOUND and AUTH_FAIL fail, anything else is DISCONNECTED
            if reason in (REASON_NO_AP_FOUND, REASON_AUTH_FAIL):
                self.status = CONNECT_FAILED
            else:
                self.status = DISCONNECTED
            return
        # arduino-esp32 (Adafruit 3.x) libraries/WiFi/src/STA.cpp, _onStaArduinoEvent: AUTH_FAIL
        # is CONNECT_FAILED only when it is not the first failure since boot (first_connect);
        # the usual wrong-passphrase reason, 15, is a plain DISCONNECTED and retried forever
        if reason == REASON_NO_AP_FOUND:
            self.status = NO_SSID_AVAIL
        elif reason == REASON_AUTH_FAIL and not self.first_connect:
            self.status = CONNECT_FAILED
        elif reason in (REASON_BEACON_TIMEOUT, REASON_HANDSHAKE_TIMEOUT):
            self.status = CONNECTION_LOST
        elif reason != REASON_AUTH_EXPIRE:
            self.status = DISCONNECTED
        again = False
        if reason == REASON_ASSOC_LEAVE:
            pass  # left on purpose: no reconnection
        elif self.first_connect:  # one retry for any reason, once per boot
            self.first_connect = False
            again = True
        elif self.persona.auto_reconnect and reason in _RECONNECTABLE:
            again = True
        elif reason == REASON_ASSOC_FAIL:
            self.status = CONNECT_FAILED
        if again and self.ssid:
            self.reconnect_at = time.monotonic() + self.timing.join_ok[0]

    def _update_link(self):
        now = time.monotonic()
        if self.join is not None and now >= self.join[0]:
            deadline, model_due, ssid, passphrase = self.join
            self.join = None
            self._finish_join(ssid, passphrase, model_due)
        elif self.ap is not None and not self.world.is_up(self.ap.ssid):
            self._link_down(REASON_BEACON_TIMEOUT)
        elif self.reconnect_at is not None and now >= self.reconnect_at:
            self.reconnect_at = None
            self._start_join(self.ssid, self.passphrase, restart=False)

    def _start_join(self, ssid, passphrase, restart=True):
        if restart:
            was = self.ap is not None
            self._stop_wifi(REASON_ASSOC_LEAVE)
            self.wall += self.timing.wifi_start[0]
            self.model += self.timing.wifi_start[1]
            if self.persona.esp32_status:
                self.status = DISCONNECTED
            elif was:
                # WiFiClass::begin (<= 2) sets NO_SSID_AVAIL, then esp_wifi_stop() ends the
                # association it replaces: that STA_DISCONNECTED event (reason 8) is handled
                # by the event task and leaves DISCONNECTED for the rest of this join
                self.status = DISCONNECTED
            else:
                self.status = NO_SSID_AVAIL
        self.ssid = ssid
        self.passphrase = passphrase
        outcome = self.world.join(ssid.decode("utf-8", "replace"), passphrase)
        wall, model = {
            "ok": self.timing.join_ok,
            "no-ap": self.timing.join_no_ap,
        }.get(outcome, self.timing.join_auth)
        self.join = (time.monotonic() + wall, self.emu.model_now() + model, ssid, passphrase)

    def _finish_join(self, ssid, passphrase, model_due):
        # The world is asked again at the end: an AP dropped meanwhile is not found.
        outcome = self.world.join(ssid.decode("utf-8", "replace"), passphrase)
        self.emu.model_advance_to(model_due)
        if outcome == "ok":
            self.ap = self.world.access_points.get(ssid.decode("utf-8", "replace"))
            self.status = CONNECTED
            if not self.persona.esp32_status:
                self.reason = 0  # STA_CONNECTED clears _reasonCode (Adafruit 3.x keeps the last)
            if self.static:
                self.ip, self.gateway, self.mask = self.static
            else:
                self.ip = _ip_raw(self.world.ip)
                self.mask = _ip_raw(self.world.netmask)
                self.gateway = _ip_raw(self.world.gateway)
            self.connected_at = time.monotonic()
            return
        self._disconnected(REASON_NO_AP_FOUND if outcome == "no-ap" else self.persona.auth_failure_reason)

    def _link_down(self, reason):
        """The station lost its AP: its connections end (docs/protocol-nina.rst, TCP)."""
        self.ap = None
        self.connected_at = None
        self._connections_lost()
        self._disconnected(reason)

    def _stop_wifi(self, reason):
        self.join = None
        self.reconnect_at = None
        if self.ap is not None:
            self.ap = None
            self.connected_at = None
            self.reason = reason
            self._connections_lost()
        self.softap = None

    def _connections_lost(self):
        """The station's disconnect: Arduino, Adafruit 2.x and 3.x run handleWiFiDisconnect
        (main/CommandHandler.cpp), which closes every lwIP socket whose local address is
        not 0.0.0.0: the TCP and TLS connections, accepted ones included, but not the
        listeners nor the UDP sockets (bound to 0.0.0.0), which go on working once the
        station is back. Adafruit 1.x has no such handler: its slots keep their sockets,
        whose connections lwIP has aborted (:class:`_AbortedSocket`). Either way the peers
        are not told: their host sockets stay open until the firmware is reset."""
        closes = self.persona.wifi_loss_closes
        conns = []
        for slot in self.slots:
            if slot.client is not None:
                conns.append(slot.client)
            if slot.server is not None:
                conns.extend(slot.server.spawned)
                if closes:
                    slot.server.spawned = []
        for conn in conns:
            sock = conn.sock
            if sock is None or isinstance(sock, _AbortedSocket):
                continue
            self._forget(sock)
            self.limbo.append(sock)
            if closes:
                conn.sock = None
                conn.eof = True
                conn.stopped = True
            else:
                conn.sock = _AbortedSocket()
                self.lwip.add(conn.sock)

    def link_up(self):
        return self.status == CONNECTED or self.softap is not None

    # -- host sockets -----------------------------------------------------------------------

    def _own(self, sock):
        if self.dead:
            sock.close()
            raise OSError(errno.ENODEV, "the firmware was reset")
        self.lwip.add(sock)

    def _forget(self, sock):
        self.lwip.discard(sock)

    def _room_for_socket(self):
        # a leaked socket is still an lwIP socket: it keeps costing one until a reset
        return len(self.lwip) + len(self.leaked) < self.persona.max_sockets

    def _close(self, sock, abort=False):
        if sock is None:
            return
        self._forget(sock)
        try:
            if abort:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        except OSError:
            pass

    def _source(self):
        """The host address the chip's own sockets use: the world's address when it is a
        loopback one (so peers see the chip as a host of its own), else the default."""
        try:
            if ipaddress.ip_address(self.world.ip).is_loopback:
                return (self.world.ip, 0)
        except ValueError:
            pass
        return None

    def _reachable(self, ip):
        if self.emu.allow_external:
            return True
        try:
            return ipaddress.ip_address(ip).is_loopback
        except ValueError:
            return False

    def shutdown(self):
        """Power gone (reset, emulator closed): every host socket closes."""
        with self.lock:
            self.dead = True
            for sock in list(self.lwip) + self.leaked + self.limbo:
                self._close(sock)
            self.lwip.clear()
            self.leaked = []
            self.limbo = []
            for slot in self.slots:
                if slot.client is not None:
                    slot.client.sock = None
                slot.udp.sock = None
                slot.server = None

    def _slot(self, index):
        """The slot, or None for numbers past the table (ADA's 255: treated as free)."""
        if index < len(self.slots):
            return self.slots[index]
        return None

    def _free_slot(self, skip=None):
        for slot in self.slots:
            if slot.type == FREE and slot is not skip:
                return slot
        return None

    # -- resolving ---------------------------------------------------------------------

    def _resolve(self, name):
        """Blocking resolution as lwIP does it: literals always, names only with a link. The
        name is a C string (CommandHandler.cpp reqHostByName, startClientTcp: memcpy into
        ``char host[256]``): it ends at its first NUL. A lookup no DNS server answers takes
        ``timing.dns_unanswered`` (lwIP's retries)."""
        text = name.split(b"\0", 1)[0].decode("utf-8", "replace")
        if _is_dotted_quad(text):
            return _ip_raw(text)
        if not self.link_up():
            return None
        if self.world.dns_failing or self.emu.faults.take("dns_failure", text):
            time.sleep(self.timing.dns_unanswered[0])
            self.model += self.timing.dns_unanswered[1]
            return None
        ip = self.world.resolve(text)
        return _ip_raw(ip) if ip else None

    # -- 0x10-0x1F WiFi configuration -------------------------------------------------------

    def _op_10(self, c):  # SET_NET
        length = c[3]
        self._start_join(bytes(c[4 : 4 + length]), None)
        return _one(0x10, 1)

    def _op_11(self, c):  # SET_PASSPHRASE
        l1 = c[3]
        l2 = c[4 + l1]
        ssid = bytes(c[4 : 4 + l1])
        passphrase = bytes(c[5 + l1 : 5 + l1 + l2]).decode("utf-8", "replace")
        self._start_join(ssid, passphrase)
        return _one(0x11, 1)

    def _op_12(self, c):  # SET_KEY (WEP): as SET_PASSPHRASE with the key
        l1 = c[3]
        lk = c[6 + l1]
        key = bytes(c[7 + l1 : 7 + l1 + lk]).decode("utf-8", "replace")
        self._start_join(bytes(c[4 : 4 + l1]), key)
        return _one(0x12, 1)

    def _op_14(self, c):  # SET_IP_CONFIG: the handler never sets its result (0)
        self.static = (bytes(c[6:10]), bytes(c[11:15]), bytes(c[16:20]))
        self.dns = [_ZERO_IP, _ZERO_IP]
        if self.status == CONNECTED:
            self.ip, self.gateway, self.mask = self.static
        return _one(0x14, 0)

    def _op_15(self, c):  # SET_DNS_CONFIG
        for index, offset in ((0, 6), (1, 11)):
            value = bytes(c[offset : offset + 4])
            if value != _ZERO_IP:
                self.dns[index] = value
        return _one(0x15, 1)

    def _op_16(self, c):  # SET_HOSTNAME
        self.hostname = bytes(c[4 : 4 + c[3]])[:32]
        return _one(0x16, 1)

    def _op_17(self, c):  # SET_POWER_MODE
        self.power_mode = c[4]
        return _one(0x17, 1)

    def _start_softap(self, cmd, ssid, passphrase, channel):
        self._stop_wifi(REASON_ASSOC_LEAVE)
        self.status = IDLE
        self.wall += self.timing.ap_start[0]
        self.model += self.timing.ap_start[1]
        if passphrase is not None and not 8 <= len(passphrase) <= 63:
            if not self.persona.esp32_status:
                self.status = AP_FAILED
            return _one(cmd, 0)
        self.softap = (ssid, passphrase, channel or 1)
        if not self.persona.esp32_status:
            self.status = AP_LISTENING
        if self.static:
            self.ip, self.gateway, self.mask = self.static
        else:
            self.ip = b"\xc0\xa8\x04\x01"
            self.gateway = b"\xc0\xa8\x04\x01"
            self.mask = b"\xff\xff\xff\x00"
        return _one(cmd, 1)

    def _op_18(self, c):  # SET_AP_NET
        l1 = c[3]
        return self._start_softap(0x18, bytes(c[4 : 4 + l1]), None, c[5 + l1])

    def _op_19(self, c):  # SET_AP_PASSPHRASE
        l1 = c[3]
        l2 = c[4 + l1]
        passphrase = bytes(c[5 + l1 : 5 + l1 + l2])
        return self._start_softap(0x19, bytes(c[4 : 4 + l1]), passphrase, c[6 + l1 + l2])

    def _op_1a(self, c):  # SET_DEBUG
        self.debug = c[4]
        return _one(0x1A, 1)

    def _op_1b(self, c):  # GET_TEMPERATURE
        return frame(0x1B, struct.pack("<f", self.emu.temperature))

    def _op_1e(self, c):  # GET_DNS_CONFIG
        return frame(0x1E, self.dns[0], self.dns[1])

    def _op_1f(self, c):  # GET_REASON_CODE
        return _one(0x1F, self.reason)

    # -- 0x20-0x27, 0x30-0x37, 0x3B-0x3E status and information ------------------------------

    def _op_20(self, c):  # GET_CONN_STATUS
        return _one(0x20, self.status)

    def _op_21(self, c):  # GET_IPADDR: ip, mask, gateway
        return frame(0x21, self.ip, self.mask, self.gateway)

    def _mac_order(self, mac):
        return mac[::-1] if self.persona.mac_reversed else mac

    def _op_22(self, c):  # GET_MACADDR
        return frame(0x22, self._mac_order(self.mac))

    def _op_23(self, c):  # GET_CURR_SSID
        if self.ap is not None:
            return frame(0x23, self.ssid[:32])
        if self.softap is not None:
            return frame(0x23, self.softap[0][:32])
        return frame(0x23, b"")

    def _op_24(self, c):  # GET_CURR_BSSID
        if self.ap is not None:
            return frame(0x24, self._mac_order(self.ap.bssid))
        if self.softap is not None:
            return frame(0x24, self._mac_order(self.mac))
        return frame(0x24, bytes(6))

    def _op_25(self, c):  # GET_CURR_RSSI
        rssi = self.ap.rssi if self.ap is not None else 0
        return frame(0x25, struct.pack("<i", rssi))

    def _enc(self, ap, raw=False):
        if raw:  # ESP-IDF wifi_auth_mode_t (adafruit-3.3 GET_IDX_ENCT)
            return 0 if ap.open else 3
        return 7 if ap.open else 4

    def _op_26(self, c):  # GET_CURR_ENCT
        return _one(0x26, self._enc(self.ap) if self.ap is not None else 7)

    def _op_27(self, c):  # SCAN_NETWORKS: blocking scan, drops an association
        self._stop_wifi(REASON_ASSOC_LEAVE)
        self.status = SCAN_COMPLETED
        self.wall += self.timing.scan[0]
        self.model += self.timing.scan[1]
        found = self.world.visible_access_points()
        if self.persona.scan_cap is not None:
            found = found[: self.persona.scan_cap]
        if len(found) > len(self.scan):
            self.scan.extend([None] * (len(found) - len(self.scan)))
        for index, ap in enumerate(found):
            self.scan[index] = ap
        self.scan_count = len(found)
        return frame(0x27, *[ap.ssid.encode()[:32] for ap in found])

    def _scan_entry(self, c):
        index = c[4]
        return self.scan[index] if index < len(self.scan) else None

    def _op_32(self, c):  # GET_IDX_RSSI
        ap = self._scan_entry(c)
        return frame(0x32, struct.pack("<i", ap.rssi if ap else 0))

    def _op_33(self, c):  # GET_IDX_ENCT
        ap = self._scan_entry(c)
        raw = self.persona.esp32_status
        return _one(0x33, self._enc(ap, raw) if ap else 0)

    def _op_3c(self, c):  # GET_IDX_BSSID
        ap = self._scan_entry(c)
        return frame(0x3C, self._mac_order(ap.bssid) if ap else bytes(6))

    def _op_3d(self, c):  # GET_IDX_CHANNEL
        ap = self._scan_entry(c)
        return _one(0x3D, ap.channel if ap else 0)

    def _op_30(self, c):  # DISCONNECT: WiFi stopped
        self._stop_wifi(REASON_ASSOC_LEAVE)
        self.wall += self.timing.wifi_start[0]
        self.model += self.timing.wifi_start[1]
        self.status = STOPPED if self.persona.esp32_status else DISCONNECTED
        return _one(0x30, 1)

    def _op_34(self, c):  # REQ_HOST_BY_NAME (blocking)
        name = bytes(c[4 : 4 + c[3]])

        def resolve():
            ip = self._resolve(name)
            with self.lock:
                if ip is not None:
                    self.host_by_name = ip
                elif not self.persona.dns_failure_keeps:
                    self.host_by_name = _NO_HOST  # reqHostByName (<= 2.x) stores it first
            return _one(0x34, 1 if ip is not None else 0)

        return Deferred(resolve, "REQ_HOST_BY_NAME")

    def _op_35(self, c):  # GET_HOST_BY_NAME
        return frame(0x35, self.host_by_name)

    def _op_36(self, c):  # START_SCAN_NETWORKS: a no-op, the scan is 0x27
        return _one(0x36, 1)

    def _op_37(self, c):  # GET_FW_VERSION
        return frame(0x37, self.persona.version)

    def _op_3b(self, c):  # GET_TIME: 0 until SNTP synced
        now = 0
        if not self.time_synced and self.connected_at is not None and (
            time.monotonic() - self.connected_at >= self.timing.time_sync
        ):
            self.time_synced = True  # the RTC keeps the time after a disconnect
        if self.time_synced:
            now = int(self.emu.clock())
        if self.persona.time_width == 8:
            return frame(0x3B, struct.pack("<q", now))
        return frame(0x3B, struct.pack("<I", now & 0xFFFFFFFF))

    def _op_3e(self, c):  # PING
        ip = _ip_str(c[4:8])
        if self.link_up() and (ip == self.world.ip or self._reachable(ip)):
            self.model += self.timing.ping_rtt
            rtt = max(1, int(round(self.timing.ping_rtt * 1000)))
        else:
            self.wall += self.timing.unreachable_wall
            self.model += 5.0
            rtt = -1
        return frame(0x3E, struct.pack("<h", rtt))

    # -- 0x28-0x2F, 0x3A, 0x3F, 0x44, 0x45 sockets ---------------------------------------------

    def _op_3f(self, c):  # GET_SOCKET: looks, reserves nothing
        slot = self._free_slot()
        return _one(0x3F, slot.index if slot is not None else FREE)

    def _op_2d(self, c):  # START_CLIENT_TCP
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
        ip_text = _ip_str(ip)
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
            sock = self._handshake(raw, name if name else ip_text)
            if sock is None:
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
            slot.client = _Conn(sock, tls, (ip, port))
            slot.type = TYPE_TLS if tls else TYPE_TCP
            slot.ever_connected = True
        return _one(0x2D, 1)

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

    def _drop_client(self, slot):
        if slot.client is not None and slot.client.sock is not None:
            self._close(slot.client.sock)
        slot.client = None

    def _op_2e(self, c):  # STOP_CLIENT_TCP: always 1; a listener keeps running
        slot = self._slot(c[4])
        if slot is None:
            return _one(0x2E, 1)
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
        return _one(0x2E, 1)

    def _stop_server(self, slot):
        server = slot.server
        slot.server = None
        self._close(server.sock)
        for spawned in server.spawned:
            self._close(spawned.sock)

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

    def _op_2f(self, c):  # GET_CLIENT_STATE_TCP
        slot = self._slot(c[4])
        if slot is None or slot.type == FREE:
            return _one(0x2F, 0)
        state = self._client_state(slot) if slot.type in (TYPE_TCP, TYPE_TLS) else 0
        if state == 0:
            if slot.client is not None and slot.client.sock is None:
                slot.client = None
            if self.persona.state_frees == "always" or slot.ever_connected:
                slot.type = FREE
                slot.ever_connected = False
        return _one(0x2F, state)

    def _op_2a(self, c):  # DATA_SENT_TCP: legacy, always 1
        return _one(0x2A, 1)

    def _server_path(self, slot):
        return slot.type == TYPE_TCP and slot.server is not None

    def _accept_one(self, server):
        if not self._room_for_socket() or not self.link_up():
            return None
        try:
            sock, addr = server.sock.accept()
        except (BlockingIOError, InterruptedError):
            return None
        except OSError:
            return None
        sock.setblocking(False)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        self._own(sock)
        return _Conn(sock, False, (_ip_raw(addr[0]), addr[1]), accepted=True)

    def _assign(self, slot, conn):
        # an accepted connection is never "once connected": Adafruit 3.3's availDataTcp does
        # not set socketWasConnected, so GET_CLIENT_STATE answering 0 does not free its slot
        self._drop_client(slot)
        slot.client = conn
        slot.type = TYPE_TCP

    def _server_avail(self, server_slot, flag):
        server = server_slot.server
        mode = self.persona.accept
        if mode == "always" or (mode == "flag" and flag):
            free = self._free_slot()
            if free is None:
                return FREE
            conn = self._accept_one(server)
            if conn is None:
                return FREE
            self._assign(free, conn)
            return free.index
        # "available" semantics: report a remembered connection that has data
        self._remember_pending(server)
        alive = []
        chosen = None
        for spawned in server.spawned:
            self._tcp_fill(spawned)
            if spawned.sock is None or (spawned.eof and not spawned.rx and self.persona.state_sees_close):
                # dropped from the book keeping (its socket stays open); Adafruit 1.x's
                # connected() never says no, so it keeps a client that left in the list
                continue
            alive.append(spawned)
            if chosen is None and spawned.rx:
                chosen = spawned
        server.spawned = alive
        if chosen is None:
            return FREE
        for slot in self.slots:
            if slot is not server_slot and slot.type == TYPE_TCP and slot.client is chosen:
                return slot.index
        free = self._free_slot(skip=server_slot)
        if free is None:
            return FREE
        free.client = chosen
        free.type = TYPE_TCP
        return free.index

    def _remember_pending(self, server):
        """WiFiServer::available() (Arduino <= 1.5, Adafruit 1.x): lwip_accept one pending
        client into the server's book keeping (_spawnedSockets)."""
        conn = self._accept_one(server)
        if conn is not None:
            if len(server.spawned) < self.persona.max_sockets:
                server.spawned.append(conn)
            else:
                self._forget(conn.sock)
                self.leaked.append(conn.sock)

    def _op_2b(self, c):  # AVAIL_DATA_TCP (accept flag at offset 6)
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

    def _op_2c(self, c):  # GET_DATA_TCP: one byte, peek flag at offset 6
        slot = self._slot(c[4])
        peek = c[6]
        if slot is None or slot.type == FREE:
            return _one(0x2C, 0)
        if slot.type == TYPE_UDP:
            udp = slot.udp
            if udp.idx >= len(udp.cur):
                return _one(0x2C, 0xFF)
            value = udp.cur[udp.idx]
            if not peek:
                udp.idx += 1
            return _one(0x2C, value)
        conn = slot.client
        if conn is None or conn.sock is None:
            return _one(0x2C, 0xFF)
        self._tcp_fill(conn)
        if not conn.rx:
            if peek and conn.eof and not conn.tls and not self.persona.esp32_status:
                # WiFiClient::peek (Arduino, Adafruit <= 2) is recv(MSG_PEEK | MSG_DONTWAIT)
                # whatever FIONREAD says: at the end of the stream, or after an error, it
                # closes the socket (GET_CLIENT_STATE then answers 0)
                self._close(conn.sock)
                conn.sock = None
            return _one(0x2C, 0xFF)
        value = conn.rx[0]
        if not peek or conn.tls:  # TLS peek caches a byte GET_DATABUF never returns
            del conn.rx[:1]
        return _one(0x2C, value)

    def _op_45(self, c):  # GET_DATABUF_TCP: sock c[5], size LE c[8..9]
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
        return out + _PAD[len(out) & 3]

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

    def _op_44(self, c):  # SEND_DATA_TCP: sock c[5], length BE c[6..7], data c[8..]
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

    def _op_3a(self, c):  # GET_REMOTE_DATA
        slot = self._slot(c[4])
        if slot is None or slot.type == FREE:
            return frame(0x3A, _ZERO_IP, b"\0\0")
        if slot.type == TYPE_UDP:
            udp = slot.udp
            return frame(0x3A, udp.remote_ip, struct.pack(">H", udp.remote_port))
        conn = slot.client
        if conn is None or conn.sock is None:
            return frame(0x3A, _ZERO_IP, b"\0\0")
        return frame(0x3A, conn.peer[0], struct.pack(">H", conn.peer[1]))

    def _op_28(self, c):  # START_SERVER_TCP
        if c[2] == 3:
            group, port, sock_no, mode = None, (c[4] << 8) | c[5], c[7], c[9]
        else:
            group, port, sock_no, mode = bytes(c[4:8]), (c[9] << 8) | c[10], c[12], c[14]
        slot = self._slot(sock_no)
        if slot is None or mode not in (0, 1, 3):
            return _one(0x28, 0)
        if mode == 0:
            listening = self._listen(slot, port)
            if not self.persona.tcp_bind_checked:
                # Adafruit 1.x startServerTcp (main/CommandHandler.cpp, 1.7.7) ignores what
                # WiFiServer::begin() did: a failed bind still answers 1, on a TCP slot whose
                # server is not listening (GET_STATE_TCP says 0)
                slot.type = TYPE_TCP
                return _one(0x28, 1)
            return _one(0x28, listening)
        return _one(0x28, self._udp_bind(slot, port, group if mode == 3 else None))

    def _listen(self, slot, port):
        if slot.server is not None:
            # WiFiServer::begin() on a slot whose listener still runs: the old listener
            # is no longer referenced, but it keeps its port (only a reset frees it).
            old = slot.server
            slot.server = None
            self._forget(old.sock)
            self.leaked.append(old.sock)
        if not self._room_for_socket():
            return 0
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(self.world.listen_address(port))
            sock.listen(1)
            sock.setblocking(False)
        except OSError:
            sock.close()
            return 0
        self._own(sock)
        slot.server = _Server(sock, port)
        slot.type = TYPE_TCP
        return 1

    def _op_29(self, c):  # GET_STATE_TCP: the listener, whatever the slot's type
        slot = self._slot(c[4])
        return _one(0x29, 1 if slot is not None and slot.server is not None else 0)

    # -- UDP -------------------------------------------------------------------------------

    def _udp_bind(self, slot, port, group):
        udp = slot.udp
        if udp.sock is not None:
            if self.persona.udp_send_needs_bind:
                # <=2.0 begin() without stop(): the old socket is leaked, still bound
                self._forget(udp.sock)
                self.leaked.append(udp.sock)
            else:  # arduino-esp32's begin() stops the old socket first
                self._close(udp.sock)
            udp.sock = None
        if not self._room_for_socket():
            return 0
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.bind(self.world.listen_address(port))
            sock.setblocking(False)
            if group is not None and group != _ZERO_IP:
                try:
                    sock.setsockopt(
                        socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, group + _ZERO_IP
                    )
                except OSError:
                    pass  # the firmware ignores the result of the join
        except OSError:
            sock.close()
            return 0
        self._own(sock)
        udp.sock = sock
        udp.port = sock.getsockname()[1]
        udp.cur = b""
        udp.idx = 0
        slot.type = TYPE_UDP
        return 1

    def _udp_begin_locked(self, slot, host, ip, port):
        resolved = self._resolve(host)
        with self.lock:
            if resolved is None:
                return frame(0x2D)
            return self._udp_begin_packet(slot, b"", resolved, port, host)

    def _udp_begin_packet(self, slot, host, ip, port, name=b""):
        if host:
            resolved = self._resolve(host)
            if resolved is None:
                return frame(0x2D)
            ip = resolved
        udp = slot.udp
        udp.remote_ip = ip
        udp.remote_port = port
        name = name or host
        udp.name = name.decode("utf-8", "replace") if name else None
        del udp.tx[:]
        if udp.sock is None and not self.persona.udp_send_needs_bind and self._room_for_socket():
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            if self._source():
                sock.bind(self._source())
            sock.setblocking(False)
            self._own(sock)
            udp.sock = sock
        slot.type = TYPE_UDP
        return _one(0x2D, 1)

    def _op_46(self, c):  # INSERT_DATABUF: sock c[5], length BE c[6..7], data c[8..]
        slot = self._slot(c[5])
        length = (c[6] << 8) | c[7]
        if slot is None:
            return _one(0x46, 1 if length else 0)
        tx = slot.udp.tx
        accepted = min(length, UDP_BUFFER - len(tx))
        if accepted > 0:
            tx += c[8 : 8 + accepted]
        return _one(0x46, 1 if accepted > 0 else 0)

    def _op_39(self, c):  # SEND_DATA_UDP: one datagram, the buffer is not cleared
        slot = self._slot(c[4])
        if slot is None or slot.type != TYPE_UDP:
            return _one(0x39, 0)
        udp = slot.udp
        if udp.sock is None or not self.link_up():
            return _one(0x39, 0)
        ip_text = _ip_str(udp.remote_ip)
        real = self.world.route(ip_text, udp.remote_port, udp.name)
        self.emu.remember_route(real, (udp.remote_ip, udp.remote_port))
        if not self._reachable(real[0]):
            return _one(0x39, 1)  # sent into the void: UDP does not know
        try:
            udp.sock.sendto(bytes(udp.tx), real)
        except OSError:
            return _one(0x39, 0)
        return _one(0x39, 1)

    def _udp_load(self, udp):
        """Make the next waiting datagram current (zero-length ones are discarded)."""
        while True:
            try:
                data, addr = udp.sock.recvfrom(UDP_BUFFER)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            if data:
                break
        udp.cur = data
        udp.idx = 0
        virtual = self.emu.virtual_source(addr)
        udp.remote_ip, udp.remote_port = virtual

    # -- 0x40-0x4F certificates and enterprise ------------------------------------------------

    def _op_40(self, c):
        if self.persona.family == "adafruit":  # SET_CLI_CERT: fixed 1300 bytes from offset 4
            self.client_cert = bytes(c[4 : 4 + 1300]).split(b"\0", 1)[0]
            return _one(0x40, 1)
        # Arduino SET_ENT: sequential P16 fields from offset 3
        fields = []
        offset = 3
        for _ in range(6):
            length = (c[offset] << 8) | c[offset + 1]
            fields.append(bytes(c[offset + 2 : offset + 2 + length]))
            offset += 2 + length
            if offset >= BUFFER_SIZE - 2:
                break
        ssid = fields[1] if len(fields) > 1 else b""
        secret = fields[3] if len(fields) > 3 and fields[0][:1] == b"\0" else None
        self.enterprise = {"fields": fields}
        self._start_join(ssid, secret.decode("utf-8", "replace") if secret else None)
        return _one(0x40, 1)

    def _op_41(self, c):  # SET_PK (Adafruit): fixed 1700 bytes from offset 4
        self.client_key = bytes(c[4 : 4 + 1700]).split(b"\0", 1)[0]
        return _one(0x41, 1)

    def _enterprise_string(self, c, key, op):
        if self.persona.family != "adafruit":
            return ERROR_REPLY
        self.enterprise[key] = bytes(c[4 : 4 + c[3]])[:32]
        return _one(op, 1)

    def _op_4a(self, c):
        return self._enterprise_string(c, "identity", 0x4A)

    def _op_4b(self, c):
        return self._enterprise_string(c, "username", 0x4B)

    def _op_4c(self, c):
        return self._enterprise_string(c, "password", 0x4C)

    def _op_4f(self, c):  # SET_ENT_ENABLE
        if self.persona.family != "adafruit":
            return ERROR_REPLY
        self.enterprise["enabled"] = True
        return _one(0x4F, 1)

    # -- 0x50-0x54 GPIO pass-through -------------------------------------------------------------

    def _op_50(self, c):  # SET_PIN_MODE
        self.emu.esp_pin(c[4])["mode"] = c[6]
        return _one(0x50, 1)

    def _op_51(self, c):  # SET_DIGITAL_WRITE
        self.emu.esp_pin(c[4])["value"] = 1 if c[6] else 0
        return _one(0x51, 1)

    def _op_52(self, c):  # SET_ANALOG_WRITE
        self.emu.esp_pin(c[4])["pwm"] = c[6]
        return _one(0x52, 1)

    def _op_53(self, c):  # GET_DIGITAL_READ
        pin = self.emu.esp_pin(c[4])
        if pin["mode"] == 1:
            value = pin["value"]
        elif pin["input"] is not None:
            value = pin["input"]
        else:
            value = 1 if pin["mode"] == 2 else 0
        return _one(0x53, value)

    def _op_54(self, c):  # GET_ANALOG_READ
        pin = self.emu.esp_pin(c[4])
        raw = pin["analog"]
        if self.persona.family == "adafruit":
            return frame(0x54, struct.pack("<i", raw))
        return frame(0x54, struct.pack("<H", raw & 0xFFFF))

    # -- inspection ------------------------------------------------------------------------

    def data_available(self):
        """The GPIO0 line (updateGpio0Pin): a socket has unread data, or a server a pending
        client (docs/protocol-nina.rst, GPIO0); with "available" semantics (Arduino <= 1.5, Adafruit 1.x) a
        pending client is taken into the server's book keeping and only its data counts."""
        if self.persona.gpio0_accept_race and self.emu.faults.active:
            self._gpio0_accept_race()
        readable = []
        for slot in self.slots:
            conn = slot.client
            if conn is not None and conn.sock is not None and slot.type in (TYPE_TCP, TYPE_TLS):
                if conn.rx or (conn.tls and conn.sock.pending()):
                    return True
                # conn.sock itself: wrap_socket detached the plain socket under a TLS one
                # (fd -1), and select() on that failed, reading GPIO0 LOW for every socket
                if not isinstance(conn.sock, _AbortedSocket):
                    readable.append(conn.sock)
            udp = slot.udp
            if udp.sock is not None:
                if udp.idx < len(udp.cur):
                    return True
                readable.append(udp.sock)
            if slot.server is not None and self.link_up():
                if self.persona.accept == "never":
                    self._remember_pending(slot.server)
                else:
                    readable.append(slot.server.sock)
                for spawned in slot.server.spawned:
                    if spawned.rx:
                        return True
                    if spawned.sock is not None and not isinstance(spawned.sock, _AbortedSocket):
                        readable.append(spawned.sock)
        if not readable:
            return False
        try:
            ready, _, _ = select.select(readable, [], [], 0)
        except (OSError, ValueError):
            return False
        return bool(ready)

    def describe(self):
        """One dict per slot in use or holding a listener, plus leaked sockets."""
        kinds = {TYPE_TCP: "tcp", TYPE_UDP: "udp", TYPE_TLS: "tls"}
        out = []
        for slot in self.slots:
            conn = slot.client
            udp = slot.udp
            if slot.type == FREE and slot.server is None and udp.sock is None:
                if conn is None or conn.sock is None:
                    continue
            entry = {"slot": slot.index, "type": kinds.get(slot.type, "free")}
            if slot.server is not None:
                entry["listening"] = slot.server.port
                entry["remembered"] = sum(1 for c in slot.server.spawned if c.sock is not None)
            if conn is not None:
                entry["connected"] = conn.sock is not None and not (conn.eof and not conn.rx)
                entry["peer"] = (_ip_str(conn.peer[0]), conn.peer[1])
                entry["unread"] = len(conn.rx)
                entry["tls"] = conn.tls
            if udp.sock is not None:
                entry["udp_port"] = udp.port
                entry["udp_pending"] = len(udp.cur) - udp.idx
                entry["udp_tx"] = len(udp.tx)
            out.append(entry)
        for sock in self.leaked:
            try:
                name = sock.getsockname()
            except OSError:
                name = None
            out.append({"slot": None, "type": "leaked", "local": name})
        return out
