# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Wi-Fi of the NINA-FW model: joining and leaving (station and soft AP), the status and reason
codes, addresses and names, scanning, DNS, time and ping, and WPA2-Enterprise; opcodes
0x10-0x27, 0x30, 0x32-0x37, 0x3B-0x3E, Arduino's 0x40 (SET_ENT) and Adafruit's 0x4A-0x4F.

Modelled on main/CommandHandler.cpp (setNet, setPassPhrase, setKey, setIPconfig, setDNSconfig,
setHostname, setApNet, getConnStatus, scanNetworks, reqHostByName, getTime, ping, setEnt,
wpa2EntSet*) and the Wi-Fi event handling it relies on: arduino/libraries/WiFi/src/WiFi.cpp
(WiFiClass::begin, handleSystemEvent; arduino/nina-fw and adafruit/nina-fw up to 2.x) and, for
Adafruit 3.x, espressif/arduino-esp32 libraries/WiFi/src/STA.cpp (_onStaArduinoEvent, the
reconnection rules) and libraries/Network/src/NetworkManager.cpp (hostByName).
docs/protocol-nina.rst (Wi-Fi, Codes) and docs/emulator-nina.rst say what each line does.
"""

import struct
import time

from netdev_emulator.nina_slots import AbortedSocket
from netdev_emulator.nina_wire import (
    AP_FAILED,
    AP_LISTENING,
    BUFFER_SIZE,
    CONNECT_FAILED,
    CONNECTED,
    CONNECTION_LOST,
    DISCONNECTED,
    IDLE,
    NO_HOST,
    NO_SSID_AVAIL,
    REASON_ASSOC_FAIL,
    REASON_ASSOC_LEAVE,
    REASON_AUTH_EXPIRE,
    REASON_AUTH_FAIL,
    REASON_BEACON_TIMEOUT,
    REASON_HANDSHAKE_TIMEOUT,
    REASON_NO_AP_FOUND,
    RECONNECTABLE,
    SCAN_COMPLETED,
    STOPPED,
    ZERO_IP,
    Deferred,
    frame,
    ip_raw,
    ip_str,
    is_dotted_quad,
    one,
)


class StationCommands:
    """The Wi-Fi commands and events of :class:`~netdev_emulator.nina_firmware.NinaFirmware`."""

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
        elif self.persona.auto_reconnect and reason in RECONNECTABLE:
            again = True
        elif reason == REASON_ASSOC_FAIL:
            self.status = CONNECT_FAILED
        if again and self.ssid:
            self.reconnect_at = time.monotonic() + self.timing.join_ok[0]

    def _update_link(self):
        now = time.monotonic()
        # the delay is read now, not when the join started: a test holds an association with
        # a long wall figure and lets it finish with a short one (NinaTiming)
        if self.join is not None and now >= self.join[0] + getattr(self.timing, self.join[2])[0]:
            _started, model_started, kind, ssid, passphrase = self.join
            self.join = None
            self._finish_join(ssid, passphrase, model_started + getattr(self.timing, kind)[1])
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
        self.interface_ap = False  # begin: _interface = ESP_IF_WIFI_STA
        self.ssid = ssid
        self.passphrase = passphrase
        outcome = self.world.join(ssid.decode("utf-8", "replace"), passphrase)
        kind = {"ok": "join_ok", "no-ap": "join_no_ap"}.get(outcome, "join_auth")
        self.join = (time.monotonic(), self.emu.model_now(), kind, ssid, passphrase)

    def _finish_join(self, ssid, passphrase, model_due):
        # The world is asked again at the end: an AP dropped meanwhile is not found.
        outcome = self.world.join(ssid.decode("utf-8", "replace"), passphrase)
        self.emu.model_advance_to(model_due)
        if outcome == "ok":
            self.ap = self.world.access_points.get(ssid.decode("utf-8", "replace"))
            self.status = CONNECTED
            if not self.persona.esp32_status:
                self.reason = 0  # STA_CONNECTED clears _reasonCode (Adafruit 3.x keeps the last)
            if self.persona.esp32_status and self.static:
                self.ip, self.gateway, self.mask = self.static
            elif not self.persona.esp32_status and self._static_ip():
                # WiFiClass::begin (<= 2.x) gave the station _ipInfo, whatever it holds now
                # (0.0.0.0 after an AP_STOP on Arduino and Adafruit 2.x, the last DHCP lease
                # on Adafruit 1.7.7); STA_CONNECTED re-applies _dnsServers
                self._reapply_dns()
            else:
                self.ip = ip_raw(self.world.ip)
                self.mask = ip_raw(self.world.netmask)
                self.gateway = ip_raw(self.world.gateway)
                # the lease's DNS server becomes lwIP's server 0 (lwIP's dhcp.c, dhcp_handle_ack:
                # dns_setserver for each server the offer names; the lab's is its gateway)
                self.dns[0] = ip_raw(self.world.gateway)
            self.connected_at = time.monotonic()
            return
        self._disconnected(REASON_NO_AP_FOUND if outcome == "no-ap" else self.persona.auth_failure_reason)

    def _link_down(self, reason):
        """The station lost its AP: its connections end (docs/protocol-nina.rst, TCP)."""
        self.ap = None
        self.connected_at = None
        self._connections_lost()
        self._disconnected(reason)

    def _static_ip(self):
        """Whether a join or an access point start of Arduino and Adafruit <= 2.x takes
        _ipInfo as a static address (WiFi.cpp, WiFiClass::begin, STA_CONNECTED and AP_START):
        ``_staticIp``, which SET_IP_CONFIG sets and nothing clears (Arduino 1.5+, Adafruit
        2.x), or on Adafruit 1.7.7, which has no such flag, any address in ``_ipInfo``: the
        static one, the last DHCP lease (STA_GOT_IP) or the access point's (AP_START)."""
        if self.persona.static_flag:
            return self.static is not None
        return self.ip != ZERO_IP

    def _stop_wifi(self, reason):
        self.join = None
        self.reconnect_at = None
        if self.ap is not None:
            self.ap = None
            self.connected_at = None
            self.reason = reason
            self._connections_lost()
        if self.softap is not None and not self.persona.esp32_status:
            # esp_wifi_stop() ends the access point: AP_STOP (handleSystemEvent, <= 2.x) zeroes
            # _ipInfo, the static address with it; the event task handles it before begin or
            # beginAP reads _ipInfo (STA_START / AP_START come after it)
            self.ip = self.gateway = self.mask = ZERO_IP
        self.softap = None

    def _connections_lost(self):
        """The station's disconnect: Arduino, Adafruit 2.x and 3.x run handleWiFiDisconnect
        (main/CommandHandler.cpp), which closes every lwIP socket whose local address is
        not 0.0.0.0: the TCP and TLS connections, accepted ones included, but not the
        listeners nor the UDP sockets (bound to 0.0.0.0), which go on working once the
        station is back. Adafruit 1.x has no such handler: its slots keep their sockets,
        whose connections lwIP has aborted (:class:`AbortedSocket`). Either way the peers
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
            if sock is None or isinstance(sock, AbortedSocket):
                continue
            self._forget(sock)
            self.limbo.append(sock)
            if closes:
                conn.sock = None
                conn.eof = True
                conn.stopped = True
            else:
                conn.sock = AbortedSocket()
                self.lwip.add(conn.sock)

    def link_up(self):
        return self.status == CONNECTED or self.softap is not None

    # -- resolving ---------------------------------------------------------------------

    def _resolve(self, name):
        """Blocking resolution as lwIP does it: literals always, names only with a link. The
        name is a C string (CommandHandler.cpp reqHostByName, startClientTcp: memcpy into
        ``char host[256]``): it ends at its first NUL. A lookup no DNS server answers takes
        ``timing.dns_unanswered`` (lwIP's retries)."""
        text = name.split(b"\0", 1)[0].decode("utf-8", "replace")
        if is_dotted_quad(text):
            return ip_raw(text)
        if not self.link_up():
            return None
        if self.dns[0] == ZERO_IP and not self.persona.esp32_status:
            # lwIP's dns_gethostbyname (IDF 3.3's lwIP 2.1): ERR_VAL at once while DNS server 0
            # is unset (after SET_IP_CONFIG's dns_clear_servers, until SET_DNS_CONFIG)
            return None
        if self.world.dns_failing or self.emu.faults.take("dns_failure", text):
            time.sleep(self.timing.dns_unanswered[0])
            self.model += self.timing.dns_unanswered[1]
            return None
        ip = self.world.resolve(text)
        return ip_raw(ip) if ip else None

    # -- 0x10-0x1F WiFi configuration -------------------------------------------------------

    def set_net(self, c):  # SET_NET
        length = c[3]
        self._start_join(bytes(c[4 : 4 + length]), None)
        return one(0x10, 1)

    def set_passphrase(self, c):  # SET_PASSPHRASE
        l1 = c[3]
        l2 = c[4 + l1]
        ssid = bytes(c[4 : 4 + l1])
        passphrase = bytes(c[5 + l1 : 5 + l1 + l2]).decode("utf-8", "replace")
        self._start_join(ssid, passphrase)
        return one(0x11, 1)

    def set_key(self, c):  # SET_KEY (WEP): as SET_PASSPHRASE with the key
        l1 = c[3]
        lk = c[6 + l1]
        key = bytes(c[7 + l1 : 7 + l1 + lk]).decode("utf-8", "replace")
        self._start_join(bytes(c[4 : 4 + l1]), key)
        return one(0x12, 1)

    def set_ip_config(self, c):  # SET_IP_CONFIG: the handler never sets its result (0)
        """WiFiClass::config (arduino/libraries/WiFi/src/WiFi.cpp, Arduino and Adafruit
        <= 2.x) starts with dns_clear_servers(true): lwIP's DNS servers are gone, and a name
        no longer resolves (:meth:`_resolve`) until SET_DNS_CONFIG sets server 0, or a join
        or an access point start with the static address re-applies the servers
        SET_DNS_CONFIG gave before (``_dnsServers``, which config keeps)."""
        self.static = (bytes(c[6:10]), bytes(c[11:15]), bytes(c[16:20]))
        self.dns = [ZERO_IP, ZERO_IP]
        if not self.persona.esp32_status:
            # config sets _ipInfo, which GET_IPADDR reports (WiFiClass::localIP), and applies
            # it at once to the interface of the last begin: the access point's
            # (tcpip_adapter_set_ip_info on TCPIP_ADAPTER_IF_AP, its DHCP server restarted)
            # after SET_AP_NET/SET_AP_PASSPHRASE, else the station's (its DHCP client stopped)
            self.ip, self.gateway, self.mask = self.static
            if self.interface_ap:
                self.ap_if = self.static
        elif self.status == CONNECTED:
            # Adafruit 3.x: WiFiSTAClass::config, the station's interface only
            self.ip, self.gateway, self.mask = self.static
        return one(0x14, 0)

    def set_dns_config(self, c):  # SET_DNS_CONFIG
        """WiFiClass::setDNS: keeps both in ``_dnsServers``, sets lwIP's server 0 and 1 from
        those that are not 0.0.0.0."""
        self.dns_saved = [bytes(c[6:10]), bytes(c[11:15])]
        self._reapply_dns()
        return one(0x15, 1)

    def _reapply_dns(self):
        """setDNS(_dnsServers[0], _dnsServers[1]): SET_DNS_CONFIG, and (Arduino and Adafruit
        <= 2.x) STA_CONNECTED and AP_START with a static address."""
        for index, value in enumerate(self.dns_saved):
            if value != ZERO_IP:
                self.dns[index] = value

    def set_hostname(self, c):  # SET_HOSTNAME
        self.hostname = bytes(c[4 : 4 + c[3]])[:32]
        return one(0x16, 1)

    def set_power_mode(self, c):  # SET_POWER_MODE
        self.power_mode = c[4]
        return one(0x17, 1)

    def _start_softap(self, cmd, ssid, passphrase, channel):
        self._stop_wifi(REASON_ASSOC_LEAVE)
        self.status = IDLE
        self.wall += self.timing.ap_start[0]
        self.model += self.timing.ap_start[1]
        if not self.persona.esp32_status:
            self.interface_ap = True  # beginAP: _interface = ESP_IF_WIFI_AP, whatever follows
        if passphrase is not None and not 8 <= len(passphrase) <= 63:
            if not self.persona.esp32_status:
                self.status = AP_FAILED
            return one(cmd, 0)
        self.softap = (ssid, passphrase, channel or 1)
        if self.persona.esp32_status:
            # Adafruit 3.x's SET_IP_CONFIG only ever configured the station
            self.ip, self.gateway, self.mask = self.ap_if
            return one(cmd, 1)
        self.status = AP_LISTENING
        if self._static_ip():
            # AP_START (handleSystemEvent, <= 2.x) puts _ipInfo on the access point: the
            # static address, or 0.0.0.0 once an AP_STOP zeroed it (Arduino, Adafruit 2.x),
            # or on Adafruit 1.7.7 the station's last DHCP lease
            self.ap_if = (self.ip, self.gateway, self.mask)
            self._reapply_dns()
        else:
            # tcpip_adapter_get_ip_info(TCPIP_ADAPTER_IF_AP, &_ipInfo): the AP's own address
            self.ip, self.gateway, self.mask = self.ap_if
        return one(cmd, 1)

    def set_ap_net(self, c):  # SET_AP_NET
        l1 = c[3]
        return self._start_softap(0x18, bytes(c[4 : 4 + l1]), None, c[5 + l1])

    def set_ap_passphrase(self, c):  # SET_AP_PASSPHRASE
        l1 = c[3]
        l2 = c[4 + l1]
        passphrase = bytes(c[5 + l1 : 5 + l1 + l2])
        return self._start_softap(0x19, bytes(c[4 : 4 + l1]), passphrase, c[6 + l1 + l2])

    def set_debug(self, c):  # SET_DEBUG
        self.debug = c[4]
        return one(0x1A, 1)

    def get_dns_config(self, c):  # GET_DNS_CONFIG
        return frame(0x1E, self.dns[0], self.dns[1])

    def get_reason_code(self, c):  # GET_REASON_CODE
        return one(0x1F, self.reason)

    # -- 0x20-0x27, 0x30-0x37, 0x3B-0x3E status and information ------------------------------

    def get_conn_status(self, c):  # GET_CONN_STATUS
        return one(0x20, self.status)

    def get_ipaddr(self, c):  # GET_IPADDR: ip, mask, gateway
        return frame(0x21, self.ip, self.mask, self.gateway)

    def _mac_order(self, mac):
        return mac[::-1] if self.persona.mac_reversed else mac

    def get_macaddr(self, c):  # GET_MACADDR
        return frame(0x22, self._mac_order(self.mac))

    def get_curr_ssid(self, c):  # GET_CURR_SSID
        if self.ap is not None:
            return frame(0x23, self.ssid[:32])
        if self.softap is not None:
            return frame(0x23, self.softap[0][:32])
        return frame(0x23, b"")

    def get_curr_bssid(self, c):  # GET_CURR_BSSID
        if self.ap is not None:
            return frame(0x24, self._mac_order(self.ap.bssid))
        if self.softap is not None:
            return frame(0x24, self._mac_order(self.mac))
        return frame(0x24, bytes(6))

    def get_curr_rssi(self, c):  # GET_CURR_RSSI
        rssi = self.ap.rssi if self.ap is not None else 0
        return frame(0x25, struct.pack("<i", rssi))

    def _enc(self, ap, raw=False):
        if raw:  # ESP-IDF wifi_auth_mode_t (adafruit-3.3 GET_IDX_ENCT)
            return 0 if ap.open else 3
        return 7 if ap.open else 4

    def get_curr_enct(self, c):  # GET_CURR_ENCT
        return one(0x26, self._enc(self.ap) if self.ap is not None else 7)

    def scan_networks(self, c):  # SCAN_NETWORKS: blocking scan, drops an association
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

    def get_idx_rssi(self, c):  # GET_IDX_RSSI
        ap = self._scan_entry(c)
        return frame(0x32, struct.pack("<i", ap.rssi if ap else 0))

    def get_idx_enct(self, c):  # GET_IDX_ENCT
        ap = self._scan_entry(c)
        raw = self.persona.esp32_status
        return one(0x33, self._enc(ap, raw) if ap else 0)

    def get_idx_bssid(self, c):  # GET_IDX_BSSID
        ap = self._scan_entry(c)
        return frame(0x3C, self._mac_order(ap.bssid) if ap else bytes(6))

    def get_idx_channel(self, c):  # GET_IDX_CHANNEL
        ap = self._scan_entry(c)
        return one(0x3D, ap.channel if ap else 0)

    def disconnect(self, c):  # DISCONNECT: WiFi stopped
        self._stop_wifi(REASON_ASSOC_LEAVE)
        self.wall += self.timing.wifi_start[0]
        self.model += self.timing.wifi_start[1]
        self.status = STOPPED if self.persona.esp32_status else DISCONNECTED
        return one(0x30, 1)

    def req_host_by_name(self, c):  # REQ_HOST_BY_NAME (blocking)
        name = bytes(c[4 : 4 + c[3]])

        def resolve():
            ip = self._resolve(name)
            with self.lock:
                if ip is not None:
                    self.host_by_name = ip
                elif not self.persona.dns_failure_keeps:
                    self.host_by_name = NO_HOST  # reqHostByName (<= 2.x) stores it first
            return one(0x34, 1 if ip is not None else 0)

        return Deferred(resolve, "REQ_HOST_BY_NAME")

    def get_host_by_name(self, c):  # GET_HOST_BY_NAME
        return frame(0x35, self.host_by_name)

    def start_scan_networks(self, c):  # START_SCAN_NETWORKS: a no-op, the scan is 0x27
        return one(0x36, 1)

    def get_fw_version(self, c):  # GET_FW_VERSION
        return frame(0x37, self.persona.version)

    def get_time(self, c):  # GET_TIME: 0 until SNTP synced
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

    def ping(self, c):  # PING
        ip = ip_str(c[4:8])
        if self.link_up() and (ip == self.world.ip or self._reachable(ip)):
            self.model += self.timing.ping_rtt
            rtt = max(1, int(round(self.timing.ping_rtt * 1000)))
        else:
            self.wall += self.timing.unreachable_wall
            self.model += 5.0
            rtt = -1
        return frame(0x3E, struct.pack("<h", rtt))

    # -- WPA2-Enterprise: Arduino's SET_ENT (0x40), Adafruit's 0x4A-0x4F -----------------------

    def set_ent(self, c):  # SET_ENT (Arduino): sequential P16 fields from offset 3
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
        return one(0x40, 1)

    def _enterprise_string(self, c, key, op):
        self.enterprise[key] = bytes(c[4 : 4 + c[3]])[:32]
        return one(op, 1)

    def set_ent_ident(self, c):  # SET_ENT_IDENT (Adafruit)
        return self._enterprise_string(c, "identity", 0x4A)

    def set_ent_uname(self, c):  # SET_ENT_UNAME (Adafruit)
        return self._enterprise_string(c, "username", 0x4B)

    def set_ent_passwd(self, c):  # SET_ENT_PASSWD (Adafruit)
        return self._enterprise_string(c, "password", 0x4C)

    def set_ent_enable(self, c):  # SET_ENT_ENABLE (Adafruit)
        self.enterprise["enabled"] = True
        return one(0x4F, 1)
