# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The Seeed "ambd" eRPC firmware of the RTL8720DN, as a model: the eRPC server's message
handling (decode, the (service, method) -> handler table, reply), the state the services
share, the system service (1) and the firmware's own calls to the host (the callback
service, 19 or 18: Wi-Fi events, DNS answers).

The server is seeed-ambd-firmware's one server task (``src/erpc_setup.cpp``, eRPC's
``erpc_simple_server.cpp`` and ``erpc_basic_codec.cpp``, the service ids of
``src/erpc_shim/rpc_wifi_api.h`` and ``rpc_system.h``); the callbacks are the client of
``src/erpc_shim/rpc_wifi_callback_client.cpp``. The handlers are in one module a
service: :mod:`~netdev_emulator.rtl8720_wifi` (14, 15), :mod:`~netdev_emulator.rtl8720_lwip`
(16), :mod:`~netdev_emulator.rtl8720_mbedtls` (17); :class:`Firmware` is made of them.

Everything here runs in the emulator's single firmware thread, one request at a time,
as the firmware's one eRPC server task does; blocking calls block everything. See
docs/protocol-rtl8720dn.rst (Errors on the link, The callback service, Calls, Firmware versions).
"""

import itertools
import logging
import struct
import threading

from netdev_emulator.rtl8720_lwip import LwipCalls, namelen_draws
from netdev_emulator.rtl8720_mbedtls import MbedtlsCalls
from netdev_emulator.rtl8720_sockets import SocketTable
from netdev_emulator.rtl8720_tls import FirmwareCrash, TlsClients
from netdev_emulator.rtl8720_wifi import DOT11_REASON_4WAY_HANDSHAKE_TIMEOUT, WifiCalls
from netdev_emulator.rtl8720_wire import (
    MAX_BODY,
    MSG_INVOCATION,
    MSG_ONEWAY,
    MSG_REPLY,
    DecodeError,
    Reader,
    Writer,
    message_header,
    parse_message_header,
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

SERVICE_SYSTEM = 1
SERVICE_WIFI = 14
SERVICE_TCPIP = 15
SERVICE_LWIP = 16
SERVICE_TLS = 17
RESET_SERVICE = 0xFF  # the out-of-process stand-in for an EN pulse (see RTL8720Emulator)

#: The firmware releases the model knows (the tags of seeed-ambd-firmware with the eRPC
#: firmware, newest first): what ``RTL8720Emulator(firmware=...)`` takes. The one list
#: of them: tests, tools and the demo take it from here.
FIRMWARE_RELEASES = ("2.1.3", "2.1.2", "2.1.1", "2.1.0", "2.0.4", "2.0.3", "2.0.2", "2.0.1",
                     "2.0.0")
DEFAULT_FIRMWARE = FIRMWARE_RELEASES[0]

_SERIALS = itertools.count(1)
_I32 = struct.Struct("<i")


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


class Firmware(WifiCalls, LwipCalls, MbedtlsCalls):
    """The firmware state and its request handlers. ``chip`` is the emulator around it:
    ``emit(body, kind)`` puts a message on the wire (the one place frames leave),
    ``account(...)`` feeds the bus stats, ``check()`` raises when the chip is reset,
    ``wake`` is readable when ``check()`` should run, and ``serve_until(pred)`` serves
    host calls while the firmware waits for the host (eRPC nested calls)."""

    def __init__(self, chip, world, version=DEFAULT_FIRMWARE, *, mac=None, timing=None,
                 tls_without_ca="world", tls_max_content_len=None, max_tls_sessions=4,
                 allow_reset_frame=False, wrong_passphrase_reason=DOT11_REASON_4WAY_HANDSHAKE_TIMEOUT,
                 uninitialised_namelen=None):
        self.chip = chip
        self.wrong_passphrase_reason = wrong_passphrase_reason
        self._namelens = namelen_draws(uninitialised_namelen)
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
            self.wifi_power_on()
            self.event_seq = 1
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
