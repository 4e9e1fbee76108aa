# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The firmware lines the NINA emulator models, as data: one :class:`Persona` per release, and
:data:`PERSONAS`, the one list of them (tools and tests take their names from here).

Each attribute is a difference read from the firmware source of that line: arduino/nina-fw
(main/CommandHandler.cpp, arduino/libraries/WiFi/src/WiFi.cpp, WiFiClient.cpp, WiFiServer.cpp,
WiFiUdp.cpp, WiFiSSLClient.cpp) and adafruit/nina-fw (the same files up to 2.x; from 3.x
main/CommandHandler.cpp over espressif/arduino-esp32's libraries/Network and
libraries/NetworkClientSecure). docs/emulator-nina.rst tabulates them.
"""

from netdev_emulator.nina_wire import REASON_4WAY_TIMEOUT


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
        # What a client certificate (SET_CLI_CERT + SET_PK, Adafruit) does to the CA: "roots"
        # (<= 2.x: WiFiSSLClient loads the root CAs for every connection, the certificate is
        # added) or "bundle-flag" (3.x: startClientTcp sets the certificate INSTEAD of the CA
        # bundle; NetworkClientSecure then has no CA, unless this socket number had the bundle
        # before, and even then its attach callback did not survive stop())
        self.client_cert_ca = kw.get("client_cert_ca", "roots")
        # A failed TLS handshake (Adafruit 1.x: WiFiSSLClient::connect, tags 1.4.0 to 1.7.7)
        # is tried again every 10 ms until _handshake_timeout (120 s) has passed; connect then
        # stops the client and returns -1, which startClientTcp's "if (result)" takes for
        # success: START_CLIENT answers 1 on a closed client (GET_CLIENT_STATE then says 0)
        self.tls_failure_answers_1 = kw.get("tls_failure_answers_1", False)
        # WiFiClass has _staticIp (arduino/libraries/WiFi/src/WiFi.cpp: Arduino 1.5+, Adafruit
        # 2.x): SET_IP_CONFIG sets it for good. False (Adafruit 1.7.7): begin and AP_START take
        # any address _ipInfo holds for a static one, a DHCP lease included, and AP_STOP's
        # zeroing of _ipInfo forgets the static address
        self.static_flag = kw.get("static_flag", True)

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
        tls_failure_answers_1=True, static_flag=False,
    ),
    "adafruit-3.3": Persona(
        "adafruit-3.3", family="adafruit", version=b"3.3.0\0", max_sockets=6, accept="always",
        state_frees="once-connected", send="blocking", mac_reversed=False, time_width=8,
        esp32_status=True, opcodes_absent=(0x4D, 0x4E), auto_reconnect=True,
        connect_timeout=3.0, tls_connect_timeout=30.0, tls_by_ip=True, udp_send_needs_bind=False,
        max_tls=None,
        scan_cap=None, auth_failure_reason=REASON_4WAY_TIMEOUT, server_write_broadcast=False,
        gpio0_accept_race=True, dns_failure_keeps=True, client_cert_ca="bundle-flag",
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
