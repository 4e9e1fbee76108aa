# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The RTL8720DN firmware's Wi-Fi calls, as a model: eRPC service 14 (the
``rpc_wifi_drv`` interface: power, mode, join, leave, scan, soft-AP) and 15
(``rpc_wifi_tcpip``: DHCP client and server, addresses, DNS servers), plus what the Wi-Fi
task does on its own (losing an access point, finishing a scan) and the events it sends.

What each call does comes from seeed-ambd-firmware ``src/wifi/wifi_api.c`` (the ``rpc_*``
functions), ``src/wifi/wifi_tcpip_adapter.c`` (``tcpip_adapter_*``), ``src/wifi/wifi_callback.c``
(which Wi-Fi events reach the host, and with what), ``src/wifi/wifi_main.c``, and the
Ameba-D SDK they call: ``wifi_conf.c`` (``wifi_connect``, ``wifi_disconn_hdl``,
``error_flag``), ``wifi_constants.h`` and ``lwip_netconf.c`` (``LwIP_Init``,
``LwIP_DHCP``). :class:`WifiCalls` is a part of
:class:`netdev_emulator.rtl8720_firmware.Firmware`, whose state (``mode``, ``ap``,
``sta_ip``, ``wifi_lock``, ...) it works on. See docs/protocol-rtl8720dn.rst (Wi-Fi).
"""

import struct
import time

from netdev_emulator.rtl8720_sockets import ip_info_bytes
from netdev_emulator.rtl8720_wire import Writer, ip_bytes, ip_text

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

_SCAN_RECORD = struct.Struct("<B33s6shIIIII")  # rtw_scan_result_t, packed: 62 bytes
_I32 = struct.Struct("<i")


class WifiCalls:
    """Services 14 and 15 and the Wi-Fi task (a part of ``Firmware``)."""

    # -- the Wi-Fi state at boot and the events the Seeed callbacks pass on ----------------

    def wifi_power_on(self):
        """The Wi-Fi state right after boot (wifi_lock held): off, no address."""
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
        self.scan_deadline = None
        self.scan_results = []

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


def _connected_event(ap):
    ssid = ap.ssid.encode()[:32]
    authmode = 0 if ap.open else 3  # WIFI_AUTH_OPEN / WIFI_AUTH_WPA2_PSK
    return ssid.ljust(32, b"\x00") + bytes([len(ssid)]) + ap.bssid + bytes([ap.channel,
                                                                              authmode])


def _disconnect_event(ap, reason):
    """The STA_DISCONNECTED info: all zero unless ``wifi_get_ap_info`` succeeded (``ap``
    is then the access point it reported)."""
    if ap is None:
        return bytes(40)
    name = ap.ssid.encode()[:32]
    return name.ljust(32, b"\x00") + bytes([len(name)]) + ap.bssid + bytes([reason])
