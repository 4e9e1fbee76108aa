# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The Seeed "ambd" eRPC firmware of the RTL8720DN, as a model: the eRPC server loop's
message handling (decode, dispatch, reply), the Wi-Fi driver (service 14), the tcpip
adapter (15), lwIP sockets and DNS (16), the mbedTLS client (17) and the firmware's own
calls to the host (service 19: Wi-Fi events, DNS callbacks).

Everything here runs in the emulator's single firmware thread, one request at a time,
as the firmware's one eRPC server task does; blocking calls block everything. See
docs/protocol-rtl8720dn.rst (Errors on the link, The callback service, Calls, Firmware versions).
"""

import hashlib
import itertools
import logging
import random
import struct
import threading
import time

from netdev_emulator.rtl8720_sockets import SocketTable, ip_info_bytes
from netdev_emulator.rtl8720_tls import FirmwareCrash, TlsClients
from netdev_emulator.rtl8720_wire import (
    MAX_BODY,
    MSG_INVOCATION,
    MSG_ONEWAY,
    MSG_REPLY,
    DecodeError,
    Reader,
    Writer,
    ip_bytes,
    ip_text,
    message_header,
    parse_message_header,
    sockaddr_in,
)

log = logging.getLogger("netdev_emulator.rtl8720")

# Model-clock charges (seconds) for what the firmware does besides moving bytes, and the
# few wall-clock waits the model keeps (short by design; the model clock carries the
# realistic figure).
TIMING = {
    "turnaround": 200e-6,  # per call: the server task's poll + decode + encode
    "wifi_on": 0.1,
    "join_ok": 3.0,  # TinyGo users report ~5 s for wifi_connect incl. scanning
    "join_no_ap": 6.0,
    "join_auth": 4.0,
    "dhcp_ok": 1.0,
    "dhcp_fail": 10.0,
    "dns_lookup": 0.03,
    "dns_timeout": 5.0,  # lwIP retries when no server answers
    "tcp_connect": 0.01,
    "connect_giveup_wall": 10.0,  # a SYN nobody answers: lwIP aborts (ECONNABORTED)
    "tls_handshake": 1.5,  # RSA/ECDHE on the KM4 core
    "tls_handshake_wall_cap": 10.0,
    "start_ap": 1.0,
    "scan_wall": 0.02,
    "available_idle": 0.4,  # 20 × 20 ms peek retries
    "data_to_read_idle": 0.2,  # 20 × 10 ms
    "idle_poll_wall": 0.01,
    "boot": 0.2,
}

# Wi-Fi events (system_event_t ids) and disconnect reasons
EVENT_SCAN_DONE = 1
EVENT_STA_START = 2
EVENT_STA_STOP = 3
EVENT_STA_CONNECTED = 4
EVENT_STA_DISCONNECTED = 5
EVENT_STA_GOT_IP = 7
EVENT_AP_START = 14
EVENT_AP_STOP = 15
# The SDK's error_flag (rtw_connect_error_flag_t, wifi_constants.h), which
# rpc_wifi_get_last_error (14/49) returns, and the STA_DISCONNECTED reason
# (wifi_err_reason_t) wifi_callback.c derives from it
RTW_NO_ERROR = 0
RTW_NONE_NETWORK = 1
RTW_CONNECT_FAIL = 2
RTW_WRONG_PASSWORD = 3
RTW_4WAY_HANDSHAKE_TIMEOUT = 4
RTW_DHCP_FAIL = 5
RTW_UNKNOWN = 6
REASON_NO_AP_FOUND = 201
REASON_AUTH_FAIL = 202
REASON_HANDSHAKE_TIMEOUT = 204
REASON_CONNECTION_FAIL = 205
REASON_OF_ERROR_FLAG = {
    RTW_NONE_NETWORK: REASON_NO_AP_FOUND,
    RTW_CONNECT_FAIL: REASON_CONNECTION_FAIL,
    RTW_WRONG_PASSWORD: REASON_AUTH_FAIL,
    RTW_DHCP_FAIL: REASON_CONNECTION_FAIL,
    RTW_4WAY_HANDSHAKE_TIMEOUT: REASON_HANDSHAKE_TIMEOUT,
}
DOT11_REASON_4WAY_HANDSHAKE_TIMEOUT = 15  # the 802.11 reason wifi_disconn_hdl looks for

RTW_SUCCESS = 0
RTW_ERROR = -1
RTW_TIMEOUT = 2
RTW_INVALID_KEY = 4
RTW_MODE_NONE = 0
RTW_MODE_STA = 1
RTW_MODE_AP = 2
RTW_MODE_STA_AP = 3
# What LwIP_Init (the SDK's lwip_netconf.c) gives the second netif, xnetif[1]: AP_IP_ADDR,
# AP_NETMASK_ADDR, AP_GW_ADDR. Only the STA+AP mode puts an interface on it.
_NETIF1_AT_BOOT = ("192.168.43.1", "255.255.255.0", "192.168.43.1")
RTW_SECURITY_OPEN = 0
RTW_SECURITY_WEP_PSK = 0x00000001
RTW_SECURITY_WPA2_AES_PSK = 0x00400004
# the types wifi_connect checks the passphrase length of (8-64 characters)
_PSK_TYPES = (0x00200002, 0x00200004, 0x00400004, 0x00400002, 0x00400006, 0x00800004)
# the types wifi_disconn_hdl classifies a failed join of (others leave RTW_UNKNOWN)
_CLASSIFIED_TYPES = (RTW_SECURITY_OPEN, RTW_SECURITY_WEP_PSK, RTW_SECURITY_WPA2_AES_PSK)

ERR_OK = 0
ERR_INPROGRESS = -5
ERR_VAL = -6
ERR_ARG = -16

SERVICE_SYSTEM = 1
SERVICE_WIFI = 14
SERVICE_TCPIP = 15
SERVICE_LWIP = 16
SERVICE_TLS = 17
RESET_SERVICE = 0xFF  # the out-of-process stand-in for an EN pulse (see RTL8720Emulator)

# The KM4 SRAM the heap lives in (0x1000_0000-0x1007_FFFF; protocol-rtl8720dn.rst): no malloc larger
# than this can succeed, whatever else holds the heap at the time
HEAP_LIMIT = 512 * 1024

_SERIALS = itertools.count(1)
_SCAN_RECORD = struct.Struct("<B33s6shIIIII")  # rtw_scan_result_t, packed: 62 bytes
_I32 = struct.Struct("<i")

MBEDTLS_MESSAGES = {
    -0x6900: "SSL - No data of requested type currently available on underlying transport",
    -0x6880: "SSL - Connection requires a write call",
    -0x7880: "SSL - The peer notified us that the connection is going to be closed",
    -0x7280: "SSL - The connection indicated an EOF",
    -0x7780: "SSL - A fatal alert message was received from our peer",
    -0x2700: "X509 - Certificate verification failed, e.g. CRL, CA or signature check failed",
    -0x0050: "NET - Connection was reset by peer",
    -0x004C: "NET - Reading information from the socket failed",
    -0x004E: "NET - Sending information through the socket failed",
    -0x7200: "SSL - An invalid SSL record was received",
    -0x7100: "SSL - Bad input parameters to function",
    -0x7F00: "SSL - Memory allocation failed",
}


class Profile:
    """What differs between firmware releases (docs/protocol-rtl8720dn.rst, Firmware versions)."""

    def __init__(self, version):
        try:
            v = tuple(int(part) for part in version.split("."))
        except ValueError:
            raise ValueError("firmware version must look like '2.1.3', not %r" % version)
        if v < (2, 0, 0):
            raise ValueError("firmware %s predates the eRPC firmware (2.0.0+)" % version)
        self.version = version
        self.baudrate = 614400 if v >= (2, 1, 2) else 1843200
        self.callback_service = 19 if v >= (2, 0, 3) else 18
        self.scan_base = 64 if v >= (2, 0, 2) else 63  # clear_reconnect_data came in 2.0.2
        self.echo_lengths = v >= (2, 1, 1)  # accept/getpeername echo the request's length
        self.ping_helpers = v >= (2, 1, 2)


class AsyncCall:
    """A firmware-originated invocation (19/2) waiting for the host's reply."""

    def __init__(self, seq):
        self.seq = seq
        self.done = False


class Firmware:
    """The firmware state and its request handlers. ``chip`` is the emulator around it:
    ``emit(body, kind)`` puts a message on the wire (the one place frames leave),
    ``account(...)`` feeds the bus stats, ``check()`` raises when the chip is reset,
    ``wake`` is readable when ``check()`` should run, and ``serve_until(pred)`` serves
    host calls while the firmware waits for the host (eRPC nested calls)."""

    def __init__(self, chip, world, version="2.1.3", *, mac=None, timing=None,
                 tls_without_ca="world", tls_max_content_len=None, max_tls_sessions=4,
                 allow_reset_frame=False, wrong_passphrase_reason=DOT11_REASON_4WAY_HANDSHAKE_TIMEOUT,
                 uninitialised_namelen=None):
        self.chip = chip
        self.wrong_passphrase_reason = wrong_passphrase_reason
        self._namelens = _namelen_draws(uninitialised_namelen)
        self.world = world
        self.profile = Profile(version)
        self.timing = dict(TIMING)
        self.timing.update(timing or {})
        if mac is None:  # Seeed's OUI and a serial number per emulator in this process
            serial = next(_SERIALS)
            mac = "2c:f7:f1:87:%02x:%02x" % (serial >> 8 & 0xFF, serial & 0xFF)
        self.mac = mac.lower()
        self.tls_options = (tls_without_ca, tls_max_content_len, max_tls_sessions)
        self.allow_reset_frame = allow_reset_frame
        self.wifi_lock = threading.RLock()
        self.out_lock = threading.Lock()
        self.handlers = self._build_table()
        self.crashed = None
        self.call_counts = {}
        self.dropped_frames = 0
        self.power_on()

    @property
    def wake(self):
        return self.chip.wake

    def check(self):
        self.chip.check()

    # -- power -----------------------------------------------------------------------------

    def power_on(self):
        """The state right after boot: Wi-Fi off, no sockets, no address."""
        with self.wifi_lock:
            self.errno = 0
            self.error_flag = RTW_UNKNOWN  # wifi_conf.c's initial value
            self.mode = RTW_MODE_NONE
            self.ap = None  # the AccessPoint the station is associated with
            self.softap = None  # (ssid, passphrase, channel) while the AP runs
            self.sta_ip = ("0.0.0.0", "0.0.0.0", "0.0.0.0")
            self.dns_servers = ["0.0.0.0", "0.0.0.0", "0.0.0.0"]
            self.dhcp_client = False
            self.netif1 = _NETIF1_AT_BOOT
            self.dhcp_server = None  # the netif rpc_tcpip_adapter_dhcps_start started it on
            self.link_epoch = 0
            self.event_seq = 1
            self.scan_deadline = None
            self.scan_results = []
            self.dns_cache = {}
            self.names = {}
            self.pending = {}
            self.deferred = []
            self.crashed = None
            self.cost = 0.0
            self.sockets = SocketTable(self, self.world, self.chip.wake, self.timing)
            without_ca, max_len, max_sessions = self.tls_options
            self.tls = TlsClients(self, self.timing, without_ca, max_len, max_sessions)

    def power_off(self):
        """EN low: every socket and TLS session gone, Wi-Fi down."""
        self.sockets.reset()
        self.tls.reset()
        self.power_on()

    # -- what the socket and TLS layers ask ------------------------------------------------

    def charge(self, seconds):
        if seconds > 0:
            self.cost += seconds

    @property
    def ip(self):
        if self.softap is not None:
            return self.world.ip
        return self.sta_ip[0]

    def can_route(self):
        """A netif is up with an address (lwIP's ip4_route finds one)."""
        with self.wifi_lock:
            if self.softap is not None:
                return True
            return self.ap is not None and self.sta_ip[0] != "0.0.0.0"

    def name_for(self, ip):
        return self.names.get(ip)

    def resolve(self, name):
        """netconn_gethostbyname: the address, or None (charging lookup time)."""
        if not name:
            return None
        parts = name.split(".")
        if len(parts) == 4 and all(p.isascii() and p.isdigit() and int(p) < 256 for p in parts):
            return name  # dotted quads never reach the DNS client
        if self.chip.faults.active and self.chip.faults.take("dns_failure", name):
            self.charge(self.timing["dns_timeout"])
            return None  # (injected before the cache, so that it always bites)
        if name in self.dns_cache:
            ip = self.dns_cache[name]
            self.names[ip] = name  # the name last looked up for an address routes it
            return ip
        if not self.can_route() or self.world.dns_failing:
            self.charge(self.timing["dns_timeout"])
            return None
        self.charge(self.timing["dns_lookup"])
        ip = self.world.resolve(name)
        if ip is not None:
            self.dns_cache[name] = ip
            self.names[ip] = name
        return ip

    # -- the eRPC server -------------------------------------------------------------------

    def handle_message(self, body, wire_length):
        """One message from the host (CRC already checked). Sends the reply, if any."""
        if self.crashed:
            self.chip.account(to_device=wire_length, commands=0)
            return
        if len(body) < 8:
            self._drop("message shorter than its header", wire_length)
            return
        msg_type, service, method, version, seq = parse_message_header(body)
        if version != 1:
            self._drop("codec version %d" % version, wire_length)
            return
        if msg_type == MSG_REPLY:  # the host answering one of the firmware's calls
            call = self.pending.pop(seq, None)
            if call is not None:
                call.done = True
            self.chip.account(to_device=wire_length, commands=0)
            return
        if msg_type not in (MSG_INVOCATION, MSG_ONEWAY):
            self._drop("message type %d" % msg_type, wire_length)
            return
        if service == RESET_SERVICE and method == RESET_SERVICE and self.allow_reset_frame:
            self.chip.account(to_device=wire_length, commands=0)
            self.chip.request_reset("reset frame")
            return
        handler = self.handlers.get((service, method))
        if handler is None:
            self._drop("no service %d method %d" % (service, method), wire_length)
            return
        self.radio_tick()
        self.cost = self.timing["turnaround"]
        try:
            payload = handler(Reader(body))
        except DecodeError as exc:
            self._drop("%d/%d: %s" % (service, method, exc), wire_length)
            return
        except FirmwareCrash as exc:
            self.crashed = str(exc)
            log.warning("firmware crashed: %s (no answers until EN reset)", exc)
            self.chip.account(to_device=wire_length, commands=1, seconds=self.cost)
            return
        key = (service, method)
        self.call_counts[key] = self.call_counts.get(key, 0) + 1
        reply_length = 0
        if payload is None:  # the handler ran but its reply cannot be encoded
            log.debug("%d/%d: reply not encodable, none sent", service, method)
        elif msg_type == MSG_INVOCATION:
            reply = message_header(MSG_REPLY, service, method, seq) + payload
            if len(reply) > MAX_BODY:  # codec overflow: the firmware sends nothing
                log.warning("reply to %d/%d is %d bytes: not sent (4096-byte buffer)",
                            service, method, len(reply))
            else:
                reply_length = self.chip.emit(reply, "reply")
        self.chip.account(to_device=wire_length, from_device=reply_length,
                          seconds=self.cost, commands=1)
        deferred, self.deferred = self.deferred, []
        for action in deferred:
            action()

    def _drop(self, why, wire_length):
        self.dropped_frames += 1
        log.debug("frame dropped: %s", why)
        self.chip.account(to_device=wire_length, commands=0)

    def _emit_own(self, msg_type, service, method, payload):
        """A message the firmware originates (its client sequence counter)."""
        with self.out_lock:
            seq = self.event_seq
            self.event_seq += 1
            body = message_header(msg_type, service, method, seq) + payload
            length = self.chip.emit(body, "event" if msg_type == MSG_ONEWAY else "call")
        self.chip.account(from_device=length, commands=0)
        return seq

    def event(self, event_id, data=b""):
        """A Wi-Fi event frame: 19/1 oneway with a 48-byte system_event_t."""
        event = _I32.pack(event_id) + bytes(data[:44]).ljust(44, b"\x00")
        self._emit_own(MSG_ONEWAY, self.profile.callback_service, 1,
                       Writer().binary(event).bytes())

    def call_host_dns_found(self, hostname, address, arg):
        """19/2 rpc_wifi_dns_found: an invocation the host must answer."""
        w = Writer().string(hostname).binary(address)
        if arg is None:
            w.u8(1)
        else:
            w.u8(0).binary(arg)
        seq = self._emit_own(MSG_INVOCATION, self.profile.callback_service, 2, w.bytes())
        call = AsyncCall(seq)
        self.pending[seq] = call
        return call

    def sta_event(self, event_id, data):
        """STA_CONNECTED and STA_DISCONNECTED: the Seeed callbacks (wifi_callback.c,
        callback_wifi_event_connect / _disconnect) pass them on only while ``wifi_mode`` is
        RTW_MODE_STA, not in STA+AP mode. (STA_LOST_IP is never sent at all: its callback,
        callback_wifi_ip_changed, is not registered by wifi_event_reg_init.)"""
        if self.mode == RTW_MODE_STA:
            self.event(event_id, data)

    # -- the Wi-Fi task --------------------------------------------------------------------

    def radio_tick(self):
        """What the Wi-Fi and lwIP tasks do on their own: lose an access point that went
        out of range, finish a scan. Called by the emulator's radio thread and before
        every call."""
        with self.wifi_lock:
            if self.ap is not None and not self.world.is_up(self.ap.ssid):
                self._link_lost()
            if self.scan_deadline is not None and time.monotonic() >= self.scan_deadline:
                self.scan_deadline = None
                self.scan_results = [ap for ap in self.world.visible_access_points()]
                self.event(EVENT_SCAN_DONE)

    def _link_lost(self):
        """An association ends outside a join (the access point went, the host left, or a
        new join replaces it): the WLAN driver's disconnect indication runs the Seeed
        callback first (wifi_callback.c, registered at boot in the first slot), whose
        reason comes from the error_flag the last join or DHCP left, then the SDK's
        wifi_disconn_hdl, which finds no join in progress (wifi_conf.c)."""
        ap = self.ap
        self._lose_link()
        reason = REASON_OF_ERROR_FLAG.get(self.error_flag, 0)
        self.sta_event(EVENT_STA_DISCONNECTED, _disconnect_event(ap, reason))
        if self.error_flag == RTW_NO_ERROR:
            self.error_flag = RTW_UNKNOWN

    def _lose_link(self):
        self.ap = None
        self.sta_ip = ("0.0.0.0", "0.0.0.0", "0.0.0.0")
        self.link_epoch += 1

    # -- dispatch table --------------------------------------------------------------------

    def _build_table(self):
        p = self.profile
        table = {
            (1, 1): self.system_version,
            (1, 2): self.system_ack,
            (14, 1): self.wifi_connect,
            (14, 3): self.wifi_disconnect,
            (14, 4): self.wifi_is_connected_to_ap,
            (14, 5): self.wifi_is_up,
            (14, 6): self.wifi_is_ready_to_transceive,
            (14, 7): self._i32_result(0, "bin"),
            (14, 8): self.wifi_get_mac_address,
            (14, 9): self._i32_result(0),
            (14, 10): self._i32_result(0),
            (14, 11): self._i32_result(0),
            (14, 15): self.wifi_get_ap_bssid,
            (14, 17): self._i32_result(0, "u32"),
            (14, 19): self.wifi_get_rssi,
            (14, 20): self._i32_result(0, "i32"),
            (14, 21): self.wifi_get_channel,
            (14, 25): self._i32_result(0),
            (14, 26): self.wifi_rf_off,
            (14, 27): self.wifi_on,
            (14, 28): self.wifi_off,
            (14, 29): self.wifi_set_mode,
            (14, 38): self.wifi_start_ap,
            (14, 39): self.wifi_start_ap,
            (14, 46): self._i32_result(0, "u8", "u8", "u16"),
            (14, 47): self._i32_result(0, "u8"),
            (14, 48): self.wifi_get_autoreconnect,
            (14, 49): self.wifi_get_last_error,
            (14, p.scan_base): self.wifi_scan_start,
            (14, p.scan_base + 1): self.wifi_is_scanning,
            (14, p.scan_base + 2): self.wifi_scan_get_ap_records,
            (14, p.scan_base + 3): self.wifi_scan_get_ap_num,
            (15, 1): self._i32_result(0),
            (15, 2): self.tcpip_sta_start,
            (15, 3): self.tcpip_ap_start,
            (15, 4): self.tcpip_stop,
            (15, 5): self._i32_result(0, "u32"),
            (15, 6): self.tcpip_down,
            (15, 7): self.tcpip_get_ip_info,
            (15, 8): self.tcpip_set_ip_info,
            (15, 9): self.tcpip_set_dns_info,
            (15, 10): self.tcpip_get_dns_info,
            (15, 11): self.tcpip_dhcps_start,
            (15, 12): self.tcpip_dhcps_stop,
            (15, 13): self.tcpip_dhcpc_start,
            (15, 14): self.tcpip_dhcpc_stop,
            (15, 15): self._i32_result(0, "u32", "str"),
            (15, 16): self.tcpip_get_hostname,
            (15, 17): self.tcpip_get_mac,
            (15, 18): self._i32_result(0, "u32", "bin"),
        }
        if p.scan_base == 64:
            table[(14, 63)] = self._i32_result(0)  # clear_reconnect_data
        if p.ping_helpers:
            table[(15, 36)] = self.tcpip_ip4addr_ntoa
            table[(15, 37)] = self.tcpip_inet_chksum
        for method, name in enumerate(
            ("accept bind shutdown getpeername getsockname getsockopt setsockopt close "
             "connect listen available recv read recvfrom send sendmsg sendto socket write "
             "writev select ioctl fcntl errno gethostbyname dns_gethostbyname_addrtype"
             ).split(), 1):
            table[(16, method)] = getattr(self, "lwip_" + name)
        for method, name in enumerate(
            ("create destroy init set_socket set_timeout get_socket get_timeout "
             "set_root_ca get_root_ca set_cli_cert get_string set_cli_key get_string "
             "set_psk_ident get_string set_psk_key get_string start stop data_to_read "
             "send receive verify_fingerprint verify_dn strerror").split(), 1):
            table[(17, method)] = getattr(self, "tls_" + name)
        return table

    @staticmethod
    def _i32_result(value, *params):
        """A handler for a call the model accepts without effect: reads its parameters
        (so a truncated request is still dropped) and returns ``value``."""

        def handler(r):
            for kind in params:
                getattr(r, {"bin": "binary", "str": "string"}.get(kind, kind))()
            return _I32.pack(value)

        return handler

    # -- service 1: system -----------------------------------------------------------------

    def system_version(self, r):
        return Writer().string(self.profile.version).bytes()

    def system_ack(self, r):
        return Writer().u8(r.u8()).bytes()

    # -- service 14: Wi-Fi driver ----------------------------------------------------------

    def wifi_on(self, r):
        mode = r.u32()
        with self.wifi_lock:
            was_on = self.mode != RTW_MODE_NONE
            if not was_on:
                self.mode = mode
                self.charge(self.timing["wifi_on"])
            if mode in (RTW_MODE_STA, RTW_MODE_STA_AP):
                self.event(EVENT_STA_START)  # sent from inside the handler: before the reply
        return _I32.pack(1 if was_on else RTW_SUCCESS)  # Ameba: 1 = "already running"

    def wifi_off(self, r):
        with self.wifi_lock:
            self._radio_off()
        return _I32.pack(RTW_SUCCESS)

    def _radio_off(self):
        """The SDK's wifi_off (wifi_conf.c): associations, the soft-AP, the station's
        address and the DHCP server (dhcps_deinit) are gone; Wi-Fi is off (wifi_lock held)."""
        if self.ap is not None or self.softap is not None:
            self.link_epoch += 1
        self.ap = None
        self.softap = None
        self.sta_ip = ("0.0.0.0", "0.0.0.0", "0.0.0.0")
        self.mode = RTW_MODE_NONE
        self.scan_deadline = None
        self.dhcp_server = None

    def wifi_rf_off(self, r):
        with self.wifi_lock:
            if self.mode in (RTW_MODE_STA, RTW_MODE_STA_AP):
                if self.ap is not None:
                    self._lose_link()
                self.event(EVENT_STA_STOP)
        return _I32.pack(RTW_SUCCESS)

    def wifi_set_mode(self, r):
        mode = r.u32()
        with self.wifi_lock:
            if self.mode == RTW_MODE_NONE:
                return _I32.pack(RTW_ERROR)
            if mode == RTW_MODE_AP and self.ap is not None:
                self._lose_link()
            self.mode = mode
        return _I32.pack(RTW_SUCCESS)

    def wifi_connect(self, r):
        """``wifi_connect`` of the SDK (wifi_conf.c) with the Seeed callbacks
        (wifi_callback.c). A failed join says why only through error_flag, which
        ``rpc_wifi_get_last_error`` returns: the STA_DISCONNECTED event the host gets
        during the join is sent before the SDK's handler sets error_flag (the Seeed
        callback sits first in the disconnect handler list), and carries the SSID and a
        reason only when ``wifi_get_ap_info`` succeeds, which the model takes as not
        after a failed join: an all-zero event, reason 0."""
        ssid = r.string()
        password = r.nullable_string()
        security = r.u32()
        r.i32()  # key_id (WEP)
        r.u32()  # semaphore
        with self.wifi_lock:
            if self.mode not in (RTW_MODE_STA, RTW_MODE_STA_AP):
                return _I32.pack(RTW_ERROR)  # the station interface is not running
            self.error_flag = RTW_UNKNOWN  # "clear for last connect status"
            if security in _PSK_TYPES and not 8 <= len(password or "") <= 64:
                self.error_flag = RTW_WRONG_PASSWORD
                return _I32.pack(RTW_INVALID_KEY)  # before anything reaches the radio
            if self.ap is not None:
                self._link_lost()  # the new join replaces the association
            if security == RTW_SECURITY_OPEN:
                password = None  # open security: the driver never uses the key
            outcome = self.world.join(ssid, password)
            ap = self.world.access_points.get(ssid)
            classified = security in _CLASSIFIED_TYPES
            if outcome == "ok":
                self.ap = ap
                self.charge(self.timing["join_ok"])
                self.sta_event(EVENT_STA_CONNECTED, _connected_event(ap))
                return _I32.pack(RTW_SUCCESS)
            if outcome == "no-ap":  # WIFI_EVENT_NO_NETWORK, then the disconnect
                self.charge(self.timing["join_no_ap"])
                self.sta_event(EVENT_STA_DISCONNECTED, _disconnect_event(None, 0))
                if classified:
                    self.error_flag = RTW_NONE_NETWORK
                return _I32.pack(RTW_ERROR)
            self.charge(self.timing["join_auth"])
            if ap.open != (security == RTW_SECURITY_OPEN):
                # the security asked for is not the network's: no association, and the
                # join status wifi_disconn_hdl looks at is only JOIN_CONNECTING
                self.sta_event(EVENT_STA_DISCONNECTED, _disconnect_event(None, 0))
                return _I32.pack(RTW_ERROR)
            # WPA/WPA2 with the wrong passphrase: the station associates (the host sees
            # STA_CONNECTED), then the 4-way handshake fails and the AP sends it away
            self.sta_event(EVENT_STA_CONNECTED, _connected_event(ap))
            self.sta_event(EVENT_STA_DISCONNECTED, _disconnect_event(None, 0))
            if security == RTW_SECURITY_WPA2_AES_PSK:
                self.error_flag = (
                    RTW_4WAY_HANDSHAKE_TIMEOUT
                    if self.wrong_passphrase_reason == DOT11_REASON_4WAY_HANDSHAKE_TIMEOUT
                    else RTW_WRONG_PASSWORD)
            return _I32.pack(RTW_ERROR)

    def wifi_disconnect(self, r):
        with self.wifi_lock:
            if self.ap is not None:
                self._link_lost()
        return _I32.pack(RTW_SUCCESS)

    def wifi_get_last_error(self, r):
        with self.wifi_lock:
            return _I32.pack(self.error_flag)

    def wifi_is_connected_to_ap(self, r):
        with self.wifi_lock:
            return _I32.pack(RTW_SUCCESS if self.ap is not None else RTW_ERROR)

    def wifi_is_up(self, r):
        itf = r.u32()
        with self.wifi_lock:
            up = self.mode != RTW_MODE_NONE and (
                (itf == 0 and self.mode in (RTW_MODE_STA, RTW_MODE_STA_AP))
                or (itf == 1 and self.softap is not None))
        return _I32.pack(1 if up else 0)

    def wifi_is_ready_to_transceive(self, r):
        itf = r.u32()
        with self.wifi_lock:  # the station: error_flag, which DHCP sets to RTW_NO_ERROR
            ready = (self.error_flag == RTW_NO_ERROR) if itf == 0 else (self.softap is not None)
        return _I32.pack(RTW_SUCCESS if ready else RTW_ERROR)

    def wifi_get_mac_address(self, r):
        return Writer().fixed(self.mac.encode() + b"\x00").i32(RTW_SUCCESS).bytes()

    def wifi_get_ap_bssid(self, r):
        with self.wifi_lock:
            bssid = self.ap.bssid if self.ap is not None else bytes(6)
        return Writer().fixed(bssid).i32(RTW_SUCCESS).bytes()

    def wifi_get_rssi(self, r):
        with self.wifi_lock:
            rssi = self.ap.rssi if self.ap is not None else 0
        return Writer().i32(rssi).i32(RTW_SUCCESS).bytes()

    def wifi_get_channel(self, r):
        with self.wifi_lock:
            if self.ap is not None:
                channel = self.ap.channel
            elif self.softap is not None:
                channel = self.softap[2]
            else:
                channel = 1
        return Writer().i32(channel).i32(RTW_SUCCESS).bytes()

    def wifi_get_autoreconnect(self, r):
        return Writer().u8(0).i32(RTW_SUCCESS).bytes()

    def wifi_start_ap(self, r):
        ssid = r.string()
        password = r.nullable_string()
        security = r.u32()
        channel = r.i32()
        with self.wifi_lock:
            if self.mode == RTW_MODE_NONE:
                return _I32.pack(RTW_ERROR)
            if security != RTW_SECURITY_OPEN and (password is None or len(password) < 8):
                return _I32.pack(RTW_ERROR)
            if self.mode != RTW_MODE_STA_AP:  # beside a station the AP is wlan1
                if self.ap is not None:
                    self._lose_link()
                self.mode = RTW_MODE_AP
            self.softap = (ssid, password if security != RTW_SECURITY_OPEN else None,
                           channel if 1 <= channel <= 13 else 6)
            self.charge(self.timing["start_ap"])
            self.event(EVENT_AP_START)
        return _I32.pack(RTW_SUCCESS)

    def wifi_scan_start(self, r):
        with self.wifi_lock:
            if self.mode not in (RTW_MODE_STA, RTW_MODE_STA_AP):
                return _I32.pack(RTW_ERROR)
            self.scan_deadline = time.monotonic() + self.timing["scan_wall"]
        return _I32.pack(RTW_SUCCESS)

    def wifi_is_scanning(self, r):
        with self.wifi_lock:
            return Writer().bool(self.scan_deadline is not None).bytes()

    def wifi_scan_get_ap_num(self, r):
        with self.wifi_lock:
            return Writer().u16(len(self.scan_results)).bytes()

    def wifi_scan_get_ap_records(self, r):
        number = r.u16()
        if number > 60:
            return Writer().binary(b"\x00").i32(RTW_ERROR).bytes()
        with self.wifi_lock:
            results = list(self.scan_results[:number])
        records = []
        for ap in results:
            ssid = ap.ssid.encode()[:32]
            security = RTW_SECURITY_OPEN if ap.open else RTW_SECURITY_WPA2_AES_PSK
            records.append(_SCAN_RECORD.pack(len(ssid), ssid, ap.bssid, ap.rssi, 0,
                                             security, 0, ap.channel, 1))
        data = b"".join(records).ljust(number * _SCAN_RECORD.size, b"\x00")
        return Writer().binary(data).i32(RTW_SUCCESS).bytes()

    # -- service 15: tcpip adapter ---------------------------------------------------------

    def _dhcp(self):
        with self.wifi_lock:
            self.dhcp_client = True
            if self.ap is None:
                self.charge(self.timing["dhcp_fail"])
                self.error_flag = RTW_DHCP_FAIL  # LwIP_DHCP's timeout (lwip_netconf.c)
                return RTW_ERROR
            self.error_flag = RTW_NO_ERROR  # LwIP_DHCP: address assigned
            self.sta_ip = (self.world.ip, self.world.netmask, self.world.gateway)
            self.dns_servers[0] = self.world.gateway
            self.charge(self.timing["dhcp_ok"])
            self.event(EVENT_STA_GOT_IP,
                       ip_info_bytes(*self.sta_ip) + b"\x01")  # ip_changed
            return 0

    def tcpip_sta_start(self, r):
        r.binary()  # mac
        r.binary()  # ip_info
        return _I32.pack(self._dhcp())

    def tcpip_ap_start(self, r):
        """wifi_tcpip_adapter.c: Wi-Fi off, on again in AP mode, the address given set on
        xnetif[0] and the DHCP server started there (the AP itself is rpc_wifi_start_ap's)."""
        r.binary()
        r.binary()
        with self.wifi_lock:
            self._radio_off()
            self.mode = RTW_MODE_AP
            self.dhcp_server = 0
        return _I32.pack(0)

    def tcpip_dhcpc_start(self, r):
        itf = r.u32()
        if itf == 1:
            return _I32.pack(-1)  # no DHCP client on the AP interface
        return _I32.pack(self._dhcp())

    def tcpip_dhcpc_stop(self, r):
        r.u32()
        with self.wifi_lock:
            self.dhcp_client = False
        return _I32.pack(0)

    def tcpip_stop(self, r):
        itf = r.u32()
        with self.wifi_lock:
            if itf != 1:
                self.dhcp_client = False
                if self.sta_ip[0] != "0.0.0.0":
                    self.sta_ip = ("0.0.0.0", "0.0.0.0", "0.0.0.0")
        return _I32.pack(0)

    def tcpip_down(self, r):
        r.u32()
        return self.wifi_off(r)

    def _ap_netif(self):
        """The netif the soft-AP uses: xnetif[0] in AP mode, whose interface is wlan0
        (rpc_wifi_start_ap in wifi_api.c, tcpip_adapter_ap_start in
        wifi_tcpip_adapter.c), xnetif[1] (wlan1) only in STA+AP mode."""
        return 1 if self.mode == RTW_MODE_STA_AP else 0

    def tcpip_get_ip_info(self, r):
        """``tcpip_if`` is a netif index (wifi_tcpip_adapter.c: ``xnetif[tcpip_if <= 1 ?
        tcpip_if : 0]``), not an interface kind: the soft-AP's address is on netif 0 in AP
        mode (the model gives it ``world.ip``), and netif 1 keeps what LwIP_Init set."""
        itf = r.u32()
        netif = itf if itf <= 1 else 0
        with self.wifi_lock:
            if self.softap is not None and netif == self._ap_netif():
                info = (self.world.ip, "255.255.255.0", self.world.ip)
            elif netif == 1:
                info = self.netif1
            else:
                info = self.sta_ip
        return Writer().binary(ip_info_bytes(*info)).i32(0).bytes()

    def tcpip_set_ip_info(self, r):
        itf = r.u32()
        info = r.binary()
        if len(info) < 12:
            return _I32.pack(-1)
        netif = itf if itf <= 1 else 0
        address = (ip_text(info[0:4]), ip_text(info[4:8]), ip_text(info[8:12]))
        with self.wifi_lock:
            if self.softap is not None and netif == self._ap_netif():
                pass  # the model's soft-AP keeps world.ip (its loopback stand-in)
            elif netif == 1:
                self.netif1 = address
            else:
                self.sta_ip = address
        return _I32.pack(0)

    def tcpip_dhcps_start(self, r):
        """dhcps_init(&xnetif[tcpip_if]): the DHCP server answers on that netif only; the
        soft-AP's stations get addresses when it is the AP's (``wifi_status()["ap_dhcp"]``)."""
        itf = r.u32()
        with self.wifi_lock:
            self.dhcp_server = itf if itf <= 1 else 0
        return _I32.pack(0)

    def tcpip_dhcps_stop(self, r):
        r.u32()
        with self.wifi_lock:
            self.dhcp_server = None  # dhcps_deinit: whatever netif it ran on
        return _I32.pack(0)

    def tcpip_set_dns_info(self, r):
        r.u32()
        dns_type = r.u32()
        dns = r.binary()
        if dns_type > 2 or len(dns) < 4:
            return _I32.pack(-1)
        self.dns_servers[dns_type] = ip_text(dns[:4])
        return _I32.pack(0)

    def tcpip_get_dns_info(self, r):
        r.u32()
        dns_type = r.u32()
        if dns_type > 2:
            return Writer().binary(bytes(4)).i32(-1).bytes()
        return Writer().binary(ip_bytes(self.dns_servers[dns_type])).i32(0).bytes()

    def tcpip_get_hostname(self, r):
        r.u32()
        # the firmware copies from a pointer it never sets: whatever is there (here: "")
        return Writer().string("").i32(0).bytes()

    def tcpip_get_mac(self, r):
        r.u32()
        return Writer().binary(self.mac.encode() + b"\x00").i32(0).bytes()

    def tcpip_ip4addr_ntoa(self, r):
        addr = r.binary()
        return Writer().string(ip_text(addr.ljust(4, b"\x00"))).bytes()

    def tcpip_inet_chksum(self, r):
        data = r.binary()
        if len(data) % 2:
            data += b"\x00"
        total = sum(struct.unpack(">%dH" % (len(data) // 2), data))
        while total >> 16:
            total = (total & 0xFFFF) + (total >> 16)
        value = ~total & 0xFFFF
        # lwIP returns the checksum in network order; little-endian storage swaps it
        return Writer().u16(((value & 0xFF) << 8) | (value >> 8)).bytes()

    # -- service 16: lwIP sockets and DNS --------------------------------------------------

    def lwip_accept(self, r):
        s = r.i32()
        r.binary()
        addrlen = r.u32()
        result = self.sockets.accept(s)
        if not self.profile.echo_lengths and result >= 0:
            addrlen = 16
        return Writer().u32(addrlen).i32(result).bytes()

    def lwip_bind(self, r):
        s = r.i32()
        name = r.binary()
        namelen = r.u32()
        return _I32.pack(self.sockets.bind(s, name, namelen))

    def lwip_shutdown(self, r):
        s = r.i32()
        how = r.i32()
        return _I32.pack(self.sockets.shutdown(s, how))

    def lwip_getpeername(self, r):
        s = r.i32()
        namelen = r.u32()
        result, name = self.sockets.getpeername(s)
        return self._addrname_reply(result, name, namelen)

    def lwip_getsockname(self, r):
        s = r.i32()
        namelen = r.u32()
        result, name = self.sockets.getsockname(s)
        return self._addrname_reply(result, name, namelen)

    def _addrname_reply(self, result, name, namelen):
        if not self.profile.echo_lengths:
            if result >= 0:
                namelen = 16
        elif result >= 0:
            # 2.1.1 onwards (wifi_api.c, rpc_lwip_getpeername/getsockname) pass lwIP the
            # dataLength of a binary_t the shim took from erpc_malloc and never set: lwIP
            # copies that many bytes of the 16-byte sockaddr_in (all of it when it is 16
            # or more) into a zeroed buffer (sockets.c, lwip_getaddrname)
            copied = min(next(self._namelens), 16)
            name = name[:copied] + bytes(16 - copied)
        return Writer().binary(name).u32(namelen).i32(result).bytes()

    def lwip_getsockopt(self, r):
        s = r.i32()
        level = r.i32()
        optname = r.i32()
        in_optval = r.binary()
        optlen = r.u32()
        result, value = self.sockets.getsockopt(s, level, optname, len(in_optval))
        return Writer().binary(value).u32(optlen).i32(result).bytes()

    def lwip_setsockopt(self, r):
        s = r.i32()
        level = r.i32()
        optname = r.i32()
        optval = r.binary()
        r.u32()  # optlen: the firmware passes the binary's length to lwIP
        return _I32.pack(self.sockets.setsockopt(s, level, optname, optval))

    def lwip_close(self, r):
        return _I32.pack(self.sockets.close(r.i32()))

    def lwip_connect(self, r):
        s = r.i32()
        name = r.binary()
        namelen = r.u32()
        return _I32.pack(self.sockets.connect(s, name, namelen))

    def lwip_listen(self, r):
        s = r.i32()
        backlog = r.i32()
        return _I32.pack(self.sockets.listen(s, backlog))

    def lwip_available(self, r):
        return _I32.pack(self.sockets.available(r.i32()))

    @staticmethod
    def _mem(result, data):
        # result <= 0: the firmware still sends its 1-byte buffer, uninitialised
        return data if result > 0 else b"\x00"

    # rpc_lwip_recv/read/recvfrom malloc(len) without a check. When that fails, lwIP still
    # receives, into NULL (pbuf_copy_partial copies nothing, the bytes are taken all the
    # same), and the reply's NULL binary makes eRPC's writeData fail: no reply. Up to
    # HEAP_LIMIT the model answers as if the malloc succeeded.

    def lwip_recv(self, r):
        s = r.i32()
        length = r.u32()
        flags = r.i32()
        r.u32()  # timeout: ignored by the firmware
        result, data, _ = self.sockets.recv(s, length, flags)
        if length > HEAP_LIMIT:
            return None  # malloc(len) failed: no reply
        return Writer().binary(self._mem(result, data)).i32(result).bytes()

    def lwip_read(self, r):
        s = r.i32()
        length = r.u32()
        r.u32()
        result, data, _ = self.sockets.recv(s, length, 0)
        if length > HEAP_LIMIT:
            return None  # malloc(len) failed: no reply
        return Writer().binary(self._mem(result, data)).i32(result).bytes()

    def lwip_recvfrom(self, r):
        s = r.i32()
        length = r.u32()
        flags = r.i32()
        fromlen = r.u32()
        r.u32()
        result, data, source = self.sockets.recv(s, length, flags)
        if length > HEAP_LIMIT:
            return None  # malloc(len) failed: no reply
        if result >= 0 and source is not None:
            from_addr = sockaddr_in(source[0], source[1])
            fromlen = 16
        else:
            from_addr = bytes(16)
        return (Writer().binary(self._mem(result, data)).binary(from_addr).u32(fromlen)
                .i32(result).bytes())

    def lwip_send(self, r):
        s = r.i32()
        data = r.binary()
        flags = r.i32()
        return _I32.pack(self.sockets.send(s, data, flags))

    def lwip_sendmsg(self, r):
        raise FirmwareCrash("rpc_lwip_sendmsg writes through an uninitialised iovec")

    def lwip_sendto(self, r):
        s = r.i32()
        data = r.binary()
        flags = r.i32()
        to = r.binary()
        tolen = r.u32()
        return _I32.pack(self.sockets.sendto(s, data, flags, to, tolen))

    def lwip_socket(self, r):
        domain = r.i32()
        stype = r.i32()
        protocol = r.i32()
        return _I32.pack(self.sockets.socket(domain, stype, protocol))

    def lwip_write(self, r):
        s = r.i32()
        data = r.binary()
        r.u32()  # size: the binary's length is used
        return _I32.pack(self.sockets.send(s, data, 0))

    def lwip_writev(self, r):
        s = r.i32()
        data = r.binary()
        r.i32()
        return _I32.pack(self.sockets.send(s, data, 0))

    def lwip_select(self, r):
        maxfdp1 = r.i32()
        readset = r.nullable_binary()
        writeset = r.nullable_binary()
        exceptset = r.nullable_binary()
        timeval = r.nullable_binary()
        timeout = None
        if timeval is not None:
            if len(timeval) >= 16:  # newlib struct timeval: i64 sec, i32 usec, padding
                sec, usec = struct.unpack_from("<qi", timeval, 0)
            elif len(timeval) >= 8:  # lwIP's own: i32 sec, i32 usec
                sec, usec = struct.unpack_from("<ii", timeval, 0)
            else:
                sec, usec = 0, 0
            timeout = max(0.0, sec + usec / 1e6)
        return _I32.pack(self.sockets.select(maxfdp1, readset, writeset, exceptset, timeout))

    def lwip_ioctl(self, r):
        s = r.i32()
        cmd = r.u32()
        argp = r.binary()
        result, out = self.sockets.ioctl(s, cmd, argp)
        return Writer().binary(out).i32(result).bytes()

    def lwip_fcntl(self, r):
        s = r.i32()
        cmd = r.i32()
        val = r.i32()
        return _I32.pack(self.sockets.fcntl(s, cmd, val))

    def lwip_errno(self, r):
        return _I32.pack(self.errno)

    def lwip_gethostbyname(self, r):
        name = r.string()
        ip = self.resolve(name)
        if ip is None:
            # the address bytes are garbage on failure; ERR_ARG for an empty name
            return Writer().binary(bytes(4)).i8(ERR_ARG if not name else ERR_VAL).bytes()
        return Writer().binary(ip_bytes(ip)).i8(ERR_OK).bytes()

    def lwip_dns_gethostbyname_addrtype(self, r):
        name = r.string()
        found = r.u32()
        arg = r.nullable_binary()
        r.u8()  # dns_addrtype
        parts = name.split(".")
        immediate = name in self.dns_cache or (
            len(parts) == 4 and all(p.isascii() and p.isdigit() and int(p) < 256 for p in parts))
        if immediate:
            ip = self.resolve(name)
            address = ip_bytes(ip)
            if found:
                # the firmware calls the host's callback first and waits for its reply,
                # serving other host calls meanwhile (nested eRPC calls)
                call = self.call_host_dns_found(name, address, arg)
                self.chip.serve_until(lambda: call.done)
            return Writer().binary(address).i8(ERR_OK).bytes()
        ip = self.resolve(name)
        address = ip_bytes(ip) if ip is not None else bytes(4)
        # ERR_INPROGRESS now; the lwIP task calls 19/2 once the answer is in
        self.deferred.append(lambda: self.call_host_dns_found(name, address, arg))
        return Writer().binary(bytes(4)).i8(ERR_INPROGRESS).bytes()

    # -- service 17: mbedTLS client --------------------------------------------------------

    def tls_create(self, r):
        return Writer().u32(self.tls.create()).bytes()

    def tls_destroy(self, r):
        self.tls.destroy(r.u32())
        return b""

    def tls_init(self, r):
        self.tls.get(r.u32()).initialised = True
        return b""

    def tls_set_socket(self, r):
        session = self.tls.get(r.u32())
        session.fd = r.i32()
        return b""

    def tls_set_timeout(self, r):
        session = self.tls.get(r.u32())
        session.timeout_ms = r.u32()
        return b""

    def tls_get_socket(self, r):
        return _I32.pack(self.tls.get(r.u32()).fd)

    def tls_get_timeout(self, r):
        return Writer().u32(self.tls.get(r.u32()).timeout_ms).bytes()

    def _tls_setter(self, r, field):
        session = self.tls.get(r.u32())
        setattr(session, field, r.string())
        return Writer().u32(0).bytes()  # "undefined": the C function returns nothing

    def tls_set_root_ca(self, r):
        return self._tls_setter(r, "root_ca")

    def tls_set_cli_cert(self, r):
        return self._tls_setter(r, "cli_cert")

    def tls_set_cli_key(self, r):
        return self._tls_setter(r, "cli_key")

    def tls_set_psk_ident(self, r):
        return self._tls_setter(r, "psk_ident")

    def tls_set_psk_key(self, r):
        return self._tls_setter(r, "psk_key")

    def tls_get_root_ca(self, r):
        session = self.tls.get(r.u32())
        w = Writer()
        if not r.is_null():
            w.string(session.root_ca or "")
        return w.u32(0).bytes()

    def tls_get_string(self, r):
        self.tls.get(r.u32())
        r.nullable_string()  # the broken getters copy into their const input: no effect
        return Writer().u32(0).bytes()

    def tls_start(self, r):
        handle = r.u32()
        host = r.nullable_string()
        port = r.u32()
        timeout = r.i32()
        return _I32.pack(self.tls.start(handle, host, port, timeout))

    def tls_stop(self, r):
        self.tls.stop(r.u32())
        return b""

    def tls_data_to_read(self, r):
        return _I32.pack(self.tls.data_to_read(r.u32()))

    def tls_send(self, r):
        handle = r.u32()
        data = r.binary()
        length = r.u16()
        return _I32.pack(self.tls.send(handle, data, length))

    def tls_receive(self, r):
        handle = r.u32()
        length = r.i32()
        result, data = self.tls.receive(handle, length)
        return Writer().binary(data if result > 0 else b"\x00").i32(result).bytes()

    def tls_verify_fingerprint(self, r):
        session = self.tls.get(r.u32())
        fingerprint = r.string()
        r.string()  # domain_name
        wanted = "".join(c for c in fingerprint.lower() if c in "0123456789abcdef")
        der = session.obj.getpeercert(binary_form=True) if session.obj is not None else None
        ok = bool(der) and hashlib.sha256(der).hexdigest() == wanted
        return Writer().bool(ok).bytes()

    def tls_verify_dn(self, r):
        session = self.tls.get(r.u32())
        domain = r.string().lower()
        cert = session.obj.getpeercert() if session.obj is not None else None
        names = set()
        for kind, value in (cert or {}).get("subjectAltName", ()):
            if kind == "DNS":
                names.add(value.lower())
        for rdn in (cert or {}).get("subject", ()):
            for key, value in rdn:
                if key == "commonName":
                    names.add(value.lower())
        return Writer().bool(domain in names).bytes()

    def tls_strerror(self, r):
        errnum = r.i32()
        buflen = r.u32()
        if buflen > MAX_BODY:  # the shim's malloc(buflen) fails: dropped, no reply (protocol-rtl8720dn.rst)
            raise DecodeError("no heap for a %d-byte strerror buffer" % buflen)
        text = MBEDTLS_MESSAGES.get(errnum, "UNKNOWN ERROR CODE (%04X)" % (-errnum & 0xFFFF))
        data = text.encode()[:max(0, buflen - 1)]
        return Writer().binary(data.ljust(buflen, b"\x00")).bytes()


def _connected_event(ap):
    ssid = ap.ssid.encode()[:32]
    authmode = 0 if ap.open else 3  # WIFI_AUTH_OPEN / WIFI_AUTH_WPA2_PSK
    return ssid.ljust(32, b"\x00") + bytes([len(ssid)]) + ap.bssid + bytes([ap.channel,
                                                                              authmode])


def _namelen_draws(setting):
    """The uninitialised lengths getpeername/getsockname pass to lwIP, one per call: what
    the heap block held before (see RTL8720Emulator's ``uninitialised_namelen``)."""
    if setting is None:
        rng = random.Random(8720)  # the same draws in every run: tests stay deterministic
        return (rng.randrange(16) if rng.randrange(8) == 0 else 16 for _ in itertools.count())
    if isinstance(setting, int):
        return itertools.repeat(setting)
    return itertools.cycle(list(setting))


def _disconnect_event(ap, reason):
    """The STA_DISCONNECTED info: all zero unless ``wifi_get_ap_info`` succeeded (``ap``
    is then the access point it reported)."""
    if ap is None:
        return bytes(40)
    name = ap.ssid.encode()[:32]
    return name.ljust(32, b"\x00") + bytes([len(name)]) + ap.bssid + bytes([reason])

