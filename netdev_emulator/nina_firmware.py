# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The NINA-FW firmware model behind :class:`netdev_emulator.NinaEmulator`: one boot of the
firmware's state, its command table (:data:`COMMANDS`: opcode -> handler), dispatch, the host
sockets it holds, and what the emulator inspects (GPIO0, the socket table).

Written from docs/protocol-nina.rst (Framing, Fixed offsets, Commands, Socket slots): every
command is decoded at the fixed byte offsets the firmware uses (main/CommandHandler.cpp of
arduino/nina-fw and adafruit/nina-fw), from a zero-filled 4092-byte buffer, without looking at
``nparams`` or the END byte (except where the firmware does). Sockets are real host sockets;
the world (:class:`netdev_emulator.Network`) decides which access points exist, how names
resolve and where connections really go.

The handlers live by concern: :mod:`~netdev_emulator.nina_station` (Wi-Fi, DNS, time, ping,
WPA2-Enterprise), :mod:`~netdev_emulator.nina_tcp` (TCP clients), :mod:`~netdev_emulator.nina_server`
(listeners), :mod:`~netdev_emulator.nina_udp`, :mod:`~netdev_emulator.nina_tls` (TLS and the client
certificate), :mod:`~netdev_emulator.nina_gpio` (pins, temperature); the firmware lines are
:mod:`~netdev_emulator.nina_personas`, the reply frame and codes :mod:`~netdev_emulator.nina_wire`.

This module knows nothing about the bus: :meth:`NinaFirmware.execute` takes a command
buffer and returns the reply bytes, or a :class:`Deferred` whose function does the
blocking part (connect, TLS handshake, DNS) in the emulator's firmware thread.
"""

import errno
import ipaddress
import select
import socket
import struct
import threading

from netdev_emulator.nina_gpio import GpioCommands
from netdev_emulator.nina_personas import PERSONAS, Persona
from netdev_emulator.nina_server import ServerCommands
from netdev_emulator.nina_slots import AbortedSocket, Slot
from netdev_emulator.nina_station import StationCommands
from netdev_emulator.nina_tcp import TcpCommands
from netdev_emulator.nina_tls import TlsCommands
from netdev_emulator.nina_udp import UdpCommands
from netdev_emulator.nina_wire import (
    BUFFER_SIZE,
    ERROR_REPLY,
    FREE,
    IDLE,
    TCP_SNDLOWAT,
    TCP_WND,
    TYPE_TCP,
    TYPE_TLS,
    TYPE_UDP,
    ZERO_IP,
    Deferred,
    frame,
    ip_raw,
    ip_str,
)

__all__ = [
    "BUFFER_SIZE", "COMMANDS", "ERROR_REPLY", "OPCODE_NAMES", "PERSONAS", "TCP_SNDLOWAT", "TCP_WND",
    "Deferred", "NinaFirmware", "NinaTiming", "Persona", "frame",
]


# The command table: opcode -> (command name, handler method). main/CommandHandler.cpp's
# commandHandlers[] in both firmware families; docs/protocol-nina.rst, Commands. A persona
# drops the opcodes its firmware line lacks (Persona.opcodes_absent).
COMMANDS = {
    0x10: ("SET_NET", "set_net"),
    0x11: ("SET_PASSPHRASE", "set_passphrase"),
    0x12: ("SET_KEY", "set_key"),
    0x14: ("SET_IP_CONFIG", "set_ip_config"),
    0x15: ("SET_DNS_CONFIG", "set_dns_config"),
    0x16: ("SET_HOSTNAME", "set_hostname"),
    0x17: ("SET_POWER_MODE", "set_power_mode"),
    0x18: ("SET_AP_NET", "set_ap_net"),
    0x19: ("SET_AP_PASSPHRASE", "set_ap_passphrase"),
    0x1A: ("SET_DEBUG", "set_debug"),
    0x1B: ("GET_TEMPERATURE", "get_temperature"),
    0x1E: ("GET_DNS_CONFIG", "get_dns_config"),
    0x1F: ("GET_REASON_CODE", "get_reason_code"),
    0x20: ("GET_CONN_STATUS", "get_conn_status"),
    0x21: ("GET_IPADDR", "get_ipaddr"),
    0x22: ("GET_MACADDR", "get_macaddr"),
    0x23: ("GET_CURR_SSID", "get_curr_ssid"),
    0x24: ("GET_CURR_BSSID", "get_curr_bssid"),
    0x25: ("GET_CURR_RSSI", "get_curr_rssi"),
    0x26: ("GET_CURR_ENCT", "get_curr_enct"),
    0x27: ("SCAN_NETWORKS", "scan_networks"),
    0x28: ("START_SERVER_TCP", "start_server_tcp"),
    0x29: ("GET_STATE_TCP", "get_state_tcp"),
    0x2A: ("DATA_SENT_TCP", "data_sent_tcp"),
    0x2B: ("AVAIL_DATA_TCP", "avail_data_tcp"),
    0x2C: ("GET_DATA_TCP", "get_data_tcp"),
    0x2D: ("START_CLIENT_TCP", "start_client_tcp"),
    0x2E: ("STOP_CLIENT_TCP", "stop_client_tcp"),
    0x2F: ("GET_CLIENT_STATE_TCP", "get_client_state_tcp"),
    0x30: ("DISCONNECT", "disconnect"),
    0x32: ("GET_IDX_RSSI", "get_idx_rssi"),
    0x33: ("GET_IDX_ENCT", "get_idx_enct"),
    0x34: ("REQ_HOST_BY_NAME", "req_host_by_name"),
    0x35: ("GET_HOST_BY_NAME", "get_host_by_name"),
    0x36: ("START_SCAN_NETWORKS", "start_scan_networks"),
    0x37: ("GET_FW_VERSION", "get_fw_version"),
    0x39: ("SEND_DATA_UDP", "send_data_udp"),
    0x3A: ("GET_REMOTE_DATA", "get_remote_data"),
    0x3B: ("GET_TIME", "get_time"),
    0x3C: ("GET_IDX_BSSID", "get_idx_bssid"),
    0x3D: ("GET_IDX_CHANNEL", "get_idx_channel"),
    0x3E: ("PING", "ping"),
    0x3F: ("GET_SOCKET", "get_socket"),
    0x44: ("SEND_DATA_TCP", "send_data_tcp"),
    0x45: ("GET_DATABUF_TCP", "get_databuf_tcp"),
    0x46: ("INSERT_DATABUF", "insert_databuf"),
    0x50: ("SET_PIN_MODE", "set_pin_mode"),
    0x51: ("SET_DIGITAL_WRITE", "set_digital_write"),
    0x52: ("SET_ANALOG_WRITE", "set_analog_write"),
    0x53: ("GET_DIGITAL_READ", "get_digital_read"),
    0x54: ("GET_ANALOG_READ", "get_analog_read"),
}
# 0x40-0x4F mean different things in the two families. Arduino: 0x40 is SET_ENT, the rest is
# not in its table. Adafruit: client certificate and key, then WPA2-Enterprise piece by piece
# (0x4D and 0x4E are unimplemented in the firmware: every persona lists them as absent).
ARDUINO_COMMANDS = {0x40: ("SET_ENT", "set_ent")}
ADAFRUIT_COMMANDS = {
    0x40: ("SET_CLI_CERT", "set_cli_cert"),
    0x41: ("SET_PK", "set_pk"),
    0x4A: ("SET_ENT_IDENT", "set_ent_ident"),
    0x4B: ("SET_ENT_UNAME", "set_ent_uname"),
    0x4C: ("SET_ENT_PASSWD", "set_ent_passwd"),
    0x4D: ("SET_ENT_CA_CERT", None),
    0x4E: ("SET_ENT_CERT_KEY", None),
    0x4F: ("SET_ENT_ENABLE", "set_ent_enable"),
}


def _opcode_names():
    names = {op: name for op, (name, _) in COMMANDS.items()}
    for family in (ARDUINO_COMMANDS, ADAFRUIT_COMMANDS):
        for op, (name, _) in family.items():
            names[op] = names[op] + "/" + name if op in names else name
    return dict(sorted(names.items()))


OPCODE_NAMES = _opcode_names()  # opcode -> name (both families' where they differ)

class NinaTiming:
    """Delays of the model. Pairs are ``(wall_seconds, model_seconds)``: the emulator
    really waits the (short) wall figure, and charges the realistic model figure to the
    model clock (``stats.model_seconds``). An association's figure is read when it is due,
    so a test can hold one (``join_ok = (3600, 1.5)``) and then let it finish (a short wall
    figure): what the firmware reports while associating is then seen on a busy machine too."""

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
        # Adafruit 1.x: a failed TLS handshake is tried again every 10 ms until the client's
        # _handshake_timeout, 120 s from the handshake's start, has passed (WiFiSSLClient.cpp)
        self.tls_failed_handshake = (0.05, 120.0)
        self.dns_unanswered = (0.02, 15.0)  # a lookup no DNS server answers: lwIP retries
        for key, value in overrides.items():
            if not hasattr(self, key):
                raise TypeError("NinaTiming has no setting %r" % key)
            setattr(self, key, value)

class NinaFirmware(StationCommands, TcpCommands, ServerCommands, UdpCommands, TlsCommands, GpioCommands):
    """The state of one boot of the firmware. A reset makes a new instance. The command
    handlers are methods named for their command (:data:`COMMANDS`), grouped by concern in the
    mixin modules; the state they share is set up here."""

    def __init__(self, world, persona, timing, emulator):
        self.world = world
        self.persona = persona
        self.timing = timing
        self.emu = emulator  # model clock, gpio pin table, allow_external
        self.lock = threading.RLock()
        self.dead = False
        self.slots = [Slot(i) for i in range(persona.max_sockets)]
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
        self.join = None  # (wall, model started, timing name, ssid, passphrase) while associating
        self.reconnect_at = None  # adafruit-3.3 automatic reconnection
        self.softap = None  # (ssid, passphrase, channel) in AP mode
        self.static = None  # (ip, gw, mask) from SET_IP_CONFIG (<= 2.x: also _staticIp)
        self.interface_ap = False  # WiFiClass::_interface: the last begin was the AP's
        # the access point interface's address (tcpip_adapter's, 192.168.4.1 by default)
        self.ap_if = (b"\xc0\xa8\x04\x01", b"\xc0\xa8\x04\x01", b"\xff\xff\xff\x00")
        self.ip = ZERO_IP
        self.mask = ZERO_IP
        self.gateway = ZERO_IP
        self.dns = [ip_raw(world.gateway), ZERO_IP]  # lwIP's DNS servers 0 and 1
        self.dns_saved = [ZERO_IP, ZERO_IP]  # WiFiClass::_dnsServers (SET_DNS_CONFIG's pair)
        self.connected_at = None
        self.time_synced = False
        self.power_mode = 0
        self.debug = 0
        self.scan = [None] * 10  # stale entries survive a shorter scan (no bounds check)
        self.scan_count = 0
        self.host_by_name = ZERO_IP
        self.client_cert = None
        self.client_key = None
        self.enterprise = {}
        self.wall = 0.0  # set by a handler: how long READY stays HIGH (wall)
        self.model = 0.0  # set by a handler: model seconds beyond the turnaround
        self.handlers = self._handler_table()

    # -- dispatch ---------------------------------------------------------------------

    def _handler_table(self):
        family = ADAFRUIT_COMMANDS if self.persona.family == "adafruit" else ARDUINO_COMMANDS
        table = {}
        for commands in (COMMANDS, family):
            for op, (_name, method) in commands.items():
                if method is not None and op not in self.persona.opcodes_absent:
                    table[op] = getattr(self, method)
        return table

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
                if not isinstance(conn.sock, AbortedSocket):
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
                    if spawned.sock is not None and not isinstance(spawned.sock, AbortedSocket):
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
                entry["peer"] = (ip_str(conn.peer[0]), conn.peer[1])
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
