# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""What differs between NINA-FW lines at the wire, where an emulator that did the same
everywhere would be kinder than a board: how a connection's end is seen (Adafruit 1.x
never reports one), what a Wi-Fi loss closes, which slots GET_CLIENT_STATE frees, sends
that block on an accepted connection, how long a TLS handshake may take, when Adafruit
3.x's TCP send goes, what a failed lookup leaves (docs/protocol-nina.rst, each with its
source file)."""

import contextlib
import socket
import struct
import threading
import time

import pytest

from netdev_emulator import Network, nina_tcp
from netdev_emulator.nina import NinaEmulator, NinaTiming
from netdev_emulator.nina_firmware import PERSONAS, TCP_SNDLOWAT
from tests.emulator import test_nina_sockets as _sockets
from tests.emulator.test_nina_raw import RawHost, frame, wait_for
from tests.emulator.test_nina_sockets import (
    LOCALHOST,
    _fill,
    _free_port,
    _up,
    avail,
    read_buf,
    read_exactly,
    send_tcp,
    start_client_host,
    start_client_ip,
)

# the fixtures of the raw socket tests: real echo, "bye" and TLS peers, and their world
tls_material = _sockets.tls_material
peers = _sockets.peers
world = _sockets.world


def _accepted(host, listener):
    """AVAIL_DATA_TCP with the accept flag on a listening slot: a client's slot, or 255."""
    return struct.unpack("<H", host.cmd(0x2B, bytes((listener,)), b"\x01")[0])[0]


def _state(host, slot):
    return host.cmd1(0x2F, bytes((slot,)))


def _peek(host, slot):
    return host.cmd1(0x2C, bytes((slot,)), b"\x01")


def _conn(nina, slot):
    return nina.firmware.slots[slot].client


@contextlib.contextmanager
def _chip(world, persona, port=None):
    """``(nina, host)``: an emulated chip of ``persona`` joined to "lab-ap", its slot 0
    connected to ``port`` on this computer when one is given; closed afterwards."""
    nina, host = _up(world, persona)
    try:
        if port is not None:
            host.send(start_client_ip(LOCALHOST, port, 0, 0))
            assert host.reply(0x2D) == [b"\x01"]
        yield nina, host
    finally:
        nina.close()


# -- the end of a connection ----------------------------------------------------------------


def test_adafruit_17_never_reports_a_peers_close_until_a_peek_finds_it(world, peers):
    """Adafruit 1.x (1.7.2 on) WiFiClient::connected only asks FIONREAD: after the peer's
    FIN, GET_CLIENT_STATE keeps answering 4 and the data commands find nothing. Its
    WiFiClient::peek is a recv whatever FIONREAD says: it meets the end of the stream and
    closes the socket, and the state says 0 from then on."""
    with _chip(world, "adafruit-1.7", peers["bye"]) as (nina, host):
        assert read_exactly(host, 0, 3) == b"bye"
        wait_for(lambda: avail(host, 0) == 0 and _conn(nina, 0).eof, what="the peer's FIN")
        for _ in range(3):
            assert _state(host, 0) == 4
            assert read_buf(host, 0) == b""
        assert host.cmd1(0x2C, b"\x00", b"\x00") == 0xFF  # a plain read does not look
        assert _state(host, 0) == 4
        assert _peek(host, 0) == 0xFF
        assert _state(host, 0) == 0
        assert host.cmd1(0x3F) == 0  # the slot is free again
        assert nina.open_sockets() == []


def test_a_peek_with_data_waiting_only_looks(world, peers):
    with _chip(world, "adafruit-1.7", peers["bye"]) as (nina, host):
        wait_for(lambda: avail(host, 0) == 3 and _conn(nina, 0).eof, what="data, then the FIN")
        assert _peek(host, 0) == ord("b")
        assert _state(host, 0) == 4
        assert read_buf(host, 0) == b"bye"


# -- Wi-Fi loss -------------------------------------------------------------------------------------


def _udp_and_listener(host):
    """Slot 1 a UDP socket, slot 2 a listener; returns (udp port, listening port)."""
    udp_port, tcp_port = _free_udp_port(), _free_port()
    assert host.cmd1(0x28, struct.pack(">H", udp_port), b"\x01", b"\x01") == 1
    assert host.cmd1(0x28, struct.pack(">H", tcp_port), b"\x02", b"\x00") == 1
    return udp_port, tcp_port


def _free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rejoin(host, persona):
    if persona == "adafruit-3.3":
        wait_for(lambda: host.cmd1(0x20) == 3, what="the automatic reconnection")
    else:
        assert host.join("lab-ap", "lab-password") == 3


@pytest.mark.parametrize("persona", ["arduino-2.0", "adafruit-3.3", "adafruit-1.7"])
def test_a_wifi_loss_ends_connections_but_not_udp_sockets_or_listeners(world, peers, persona):
    """Arduino, Adafruit 2.x and 3.x: handleWiFiDisconnect closes the sockets whose local
    address is not 0.0.0.0, the connections; a UDP socket and a listener are bound to
    0.0.0.0 and work again once the station is back. Adafruit 1.x closes nothing: the
    connection's slot stays "connected" (lwIP aborted it underneath) until a write or a
    peek meets the abort."""
    with _chip(world, persona, peers["echo"]) as (nina, host):
        udp_port, tcp_port = _udp_and_listener(host)
        world.drop_access_point("lab-ap")
        assert host.cmd1(0x20) in (5, 6)
        if persona == "adafruit-1.7":
            assert _state(host, 0) == 4
            assert avail(host, 0) == 0
            assert _peek(host, 0) == 0xFF  # the recv meets ECONNABORTED: closed
        assert _state(host, 0) == 0
        world.restore_access_point("lab-ap")
        _rejoin(host, persona)
        assert host.cmd1(0x29, b"\x02") == 1  # the listener runs
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as peer:
            peer.sendto(b"still bound", (nina.world.ip, udp_port))
            wait_for(lambda: avail(host, 1) == 11, what="the datagram")
            assert read_buf(host, 1) == b"still bound"
        with socket.create_connection((nina.world.ip, tcp_port), timeout=5) as client:
            client.sendall(b"hi")

            wait_for(lambda: _accepted(host, 2) in (0, 1), what="a client of the listener")


def test_adafruit_17_a_write_after_a_wifi_loss_closes_the_connection(world, peers):
    with _chip(world, "adafruit-1.7", peers["echo"]) as (_nina, host):
        world.drop_access_point("lab-ap")
        assert host.cmd1(0x20) == 6
        assert _state(host, 0) == 4
        assert send_tcp(host, 0, b"lost") == 0  # lwip_send fails: WiFiClient::write closes
        assert _state(host, 0) == 0


# -- slots of accepted connections ------------------------------------------------------------


@pytest.mark.parametrize("persona, freed", [("arduino-2.0", True), ("adafruit-3.3", False)])
def test_client_state_0_frees_an_accepted_slot_except_on_adafruit_33(world, persona, freed):
    """Adafruit 3.3 frees a slot on GET_CLIENT_STATE 0 only when socketWasConnected, which
    only START_CLIENT_TCP sets (availDataTcp never does): an accepted connection's slot
    stays taken until STOP_CLIENT_TCP."""
    with _chip(world, persona) as (nina, host):
        port = _free_port()
        assert host.cmd1(0x28, struct.pack(">H", port), b"\x00", b"\x00") == 1
        with socket.create_connection((nina.world.ip, port), timeout=5):
            wait_for(lambda: _accepted(host, 0) == 1, what="the client in slot 1")
        wait_for(lambda: _state(host, 1) == 0, what="the client's close")
        assert host.cmd1(0x3F) == (1 if freed else 2)
        assert host.cmd1(0x2E, b"\x01") == 1
        assert host.cmd1(0x3F) == 1


# -- sends that block ---------------------------------------------------------------------------


def _quiet_client(address):
    """A client with a tiny receive buffer that reads nothing until ``go`` is set."""
    client = socket.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    client.connect(address)
    go = threading.Event()
    got = bytearray()

    def run():
        go.wait(30)
        client.settimeout(10)
        while True:
            try:
                data = client.recv(65536)
            except OSError:
                return
            if not data:
                return
            got.extend(data)

    reader = threading.Thread(target=run, daemon=True)
    reader.start()
    return client, go, got


@pytest.mark.parametrize("persona", ["arduino-2.0", "arduino-1.5"])
def test_a_send_on_an_accepted_connection_blocks_until_it_fits(world, persona):
    """Arduino (from 1.4.3) and Adafruit 2.x: WiFiClient::write passes MSG_PEEK, not
    MSG_DONTWAIT, and lwip_accept's socket is blocking: SEND_DATA_TCP waits, READY high,
    until the client takes the bytes, and then answers all of them (a connection made by
    START_CLIENT_TCP answers a short count at once: test_full_send_buffer)."""
    with _chip(world, persona) as (nina, host):
        port = _free_port()
        assert host.cmd1(0x28, struct.pack(">H", port), b"\x01", b"\x00") == 1  # listener: slot 1
        client, go, got = _quiet_client((nina.world.ip, port))
        try:
            client.sendall(b"x")  # so that the "available" semantics of 1.5 report it too
            wait_for(lambda: _accepted(host, 1) == 0, what="the client in slot 0")
            assert read_exactly(host, 0, 1) == b"x"
            chunk = bytes(4083)
            sent = _fill(host, nina, chunk, blocks=True)  # every answer whole, never short
            go.set()
            assert host.reply(0x44) == [struct.pack("<H", len(chunk))]
            wait_for(lambda: len(got) == sent + len(chunk), timeout=20, what="every byte at the client")
            assert host.cmd1(0x2E, b"\x00") == 1
        finally:
            go.set()
            client.close()


def test_adafruit_33_tcp_send_goes_once_more_than_tcp_sndlowat_bytes_are_free(world, peers, monkeypatch):
    """NetworkClient::write (arduino-esp32) sends only after select calls the socket
    writable, which lwIP does once more than TCP_SNDLOWAT bytes of its send buffer are
    free (api_msg.c sent_tcp): a send of up to that many then goes in one step. The free
    space is given here (send_room replaced), the rest is the firmware model."""
    room = [0]
    asked = [0]

    def scripted_room(sock, size):
        asked[0] += 1
        return room[0]

    with _chip(world, "adafruit-3.3", peers["echo"]) as (nina, host):
        monkeypatch.setattr(nina_tcp, "send_room", scripted_room)
        host.send(frame(0x44, b"\x00", bytes(TCP_SNDLOWAT), wide=True))
        room[0] = TCP_SNDLOWAT  # not more: not writable yet
        seen = asked[0]
        wait_for(lambda: asked[0] > seen + 20, what="the firmware looking again and again")
        assert nina.ready.value, "a send went without more than TCP_SNDLOWAT bytes free"
        room[0] = TCP_SNDLOWAT + 1
        assert host.reply(0x44) == [struct.pack("<H", TCP_SNDLOWAT)]  # all at once
        monkeypatch.undo()
        assert read_exactly(host, 0, TCP_SNDLOWAT) == bytes(TCP_SNDLOWAT)


# -- TLS handshakes -----------------------------------------------------------------------------


def _late_tls_server(context, delay, answer=True):
    """A TLS server that accepts at once and starts its handshake ``delay`` seconds later
    (or never, without ``answer``): a server under load."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    stop = threading.Event()

    def run():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            if stop.wait(delay) or not answer:
                stop.wait(30)
                conn.close()
                continue
            try:
                tls = context.wrap_socket(conn, server_side=True)
                tls.settimeout(5)
                tls.recv(1)
                tls.close()
            except OSError:
                conn.close()

    threading.Thread(target=run, daemon=True).start()
    return listener, stop


def _tls_world(tls_material, port):
    return Network(access_points={"lab-ap": "lab-password"}, hosts={"secure.lab": "127.0.0.1"},
                   ports={("secure.lab", 443): port}, cafile=tls_material[0],
                   resolve_host_names=False)


@contextlib.contextmanager
def _tls_chip(tls_material, persona, delay, timing=None):
    """``(nina, host)`` joined, in a world whose secure.lab:443 is a late TLS server
    (``delay`` seconds; None: it never answers)."""
    listener, stop = _late_tls_server(tls_material[1], delay or 0, answer=delay is not None)
    nina = NinaEmulator(_tls_world(tls_material, listener.getsockname()[1]), persona=persona,
                        timing=timing)
    try:
        host = RawHost(nina, timeout=10)
        host.boot()
        assert host.join("lab-ap", "lab-password") == 3
        yield nina, host
    finally:
        stop.set()
        listener.close()
        nina.close()


@pytest.mark.parametrize("persona", ["arduino-2.0", "adafruit-3.3"])
def test_a_tls_handshake_takes_as_long_as_the_server_within_the_firmwares_bound(tls_material, persona):
    """The handshake inside START_CLIENT_TCP is not cut by the TCP connect's timeout:
    Arduino and Adafruit <= 2 wait for the server without a bound (WiFiSSLClient::connect),
    Adafruit 3.x up to its 120 s handshake_timeout (NetworkClientSecure). Here the TCP
    connect timeout is 0.5 s and the server answers after 1 s."""
    quick = PERSONAS[persona].copy(connect_timeout=0.5, tls_connect_timeout=0.5)
    with _tls_chip(tls_material, quick, delay=1.0) as (_nina, host):
        started = time.monotonic()
        host.send(start_client_host(b"secure.lab", 443, 0, 2))
        assert host.reply(0x2D) == [b"\x01"]
        assert time.monotonic() - started >= 1.0
        assert _state(host, 0) == 4


def test_adafruit_33_gives_a_tls_handshake_up_after_its_handshake_timeout(tls_material):
    assert NinaTiming().tls_handshake_timeout == 120.0
    timing = NinaTiming(tls_handshake_timeout=0.5)
    with _tls_chip(tls_material, "adafruit-3.3", delay=None, timing=timing) as (nina, host):
        started = time.monotonic()
        host.send(start_client_host(b"secure.lab", 443, 0, 2))
        assert host.raw_reply(4) == bytes.fromhex("E0 AD 00 EE")
        assert time.monotonic() - started >= 0.5
        assert nina.open_sockets() == []


# -- lookups and names --------------------------------------------------------------------------


@pytest.mark.parametrize("persona, after_failure", [
    ("arduino-2.0", b"\xff\xff\xff\xff"),  # reqHostByName stores 255.255.255.255 first
    ("adafruit-3.3", LOCALHOST),  # arduino-esp32's hostByName: the previous result stays
])
def test_what_a_failed_lookup_leaves_for_get_host_by_name(world, persona, after_failure):
    with _chip(world, persona) as (_nina, host):
        assert host.cmd1(0x34, b"echo.lab") == 1
        assert host.cmd(0x35) == [LOCALHOST]
        assert host.cmd1(0x34, b"nowhere.invalid") == 0
        assert host.cmd(0x35) == [after_failure]


def test_the_default_host_name_is_lower_case_hex(world):
    """WiFiClass::handleSystemEvent: "arduino-%.2x%.2x" of the MAC's last two bytes."""
    with NinaEmulator(world, mac=bytes.fromhex("246F28AABBCC")) as nina:
        host = RawHost(nina)
        host.boot()
        assert nina.firmware.hostname == b"arduino-bbcc"


def test_no_ssl_error_escapes_a_refused_handshake(tls_material):
    """A server that closes instead of answering: START_CLIENT_TCP fails cleanly."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def refuse():
        conn, _ = listener.accept()
        conn.close()

    threading.Thread(target=refuse, daemon=True).start()
    nina, host = _up(_tls_world(tls_material, listener.getsockname()[1]), "arduino-2.0")
    try:
        host.send(start_client_host(b"secure.lab", 443, 0, 2))
        assert host.raw_reply(4) == bytes.fromhex("E0 AD 00 EE")
    finally:
        listener.close()
        nina.close()



@pytest.mark.parametrize("persona", ["arduino-2.0", "adafruit-1.7", "adafruit-2.0", "adafruit-3.3"])
def test_a_failed_tls_handshake_on_adafruit_17_answers_1_after_two_minutes(world, persona):
    """Adafruit 1.x (WiFiSSLClient::connect, 1.4.0 to 1.7.7) tries a failed handshake again
    every 10 ms until its 120 s _handshake_timeout, then stops the client and returns -1,
    which startClientTcp takes for success: START_CLIENT answers 1 after two minutes (model
    time) on a closed client, which GET_CLIENT_STATE reports (0, freeing the slot). The other
    lines answer "failed" (no parameter) at once."""
    with _chip(world, persona) as (nina, host):
        before = nina.stats.model_seconds
        host.send(start_client_host(b"bad.lab", 443, 0, 2))  # a certificate for another name
        if persona != "adafruit-1.7":
            assert host.raw_reply(4) == bytes.fromhex("E0 AD 00 EE")
            assert nina.stats.model_seconds - before < 120.0
            assert host.cmd1(0x3F) == 0
            return
        assert host.reply(0x2D) == [b"\x01"]
        assert nina.stats.model_seconds - before >= 120.0
        assert [(s["type"], s["connected"]) for s in nina.open_sockets()] == [("tls", False)]
        assert host.cmd1(0x3F) == 1  # the slot is taken: socketTypes says TLS
        assert avail(host, 0) == 0
        assert send_tcp(host, 0, b"data") == 0
        assert _state(host, 0) == 0  # connected(): the client was stopped
        assert host.cmd1(0x3F) == 0  # ... and that frees the slot
        assert nina.open_sockets() == []
        host.send(start_client_host(b"secure.lab", 443, 0, 2))  # the next handshake is fine
        assert host.reply(0x2D) == [b"\x01"]
        assert _state(host, 0) == 4


# -- static addresses ---------------------------------------------------------------------------


def _set_ip_config(host, ip, gateway, mask):
    """SET_IP_CONFIG as the driver frames it: a count, then the addresses (the firmware reads
    them at offsets 6, 11 and 16: docs/protocol-nina.rst)."""
    return host.cmd1(0x14, b"\x03", ip, gateway, mask)


def _set_dns_config(host, dns1, dns2=b"\0\0\0\0"):
    return host.cmd1(0x15, b"\x02", dns1, dns2)


@pytest.mark.parametrize("persona", ["arduino-1.5", "arduino-2.0", "adafruit-1.7", "adafruit-2.0"])
def test_a_static_address_clears_the_dns_servers(world, persona):
    """SET_IP_CONFIG's WiFiClass::config starts with dns_clear_servers (WiFi.cpp, Arduino and
    Adafruit <= 2.x), and lwIP's dns_gethostbyname fails at once while server 0 is unset: names
    do not resolve (REQ_HOST_BY_NAME 0, a connect by name fails), literals do, until
    SET_DNS_CONFIG sets server 0 (server 1 alone is not enough). A later join with the
    static address re-applies what SET_DNS_CONFIG gave (STA_CONNECTED: setDNS(_dnsServers))."""
    gateway = socket.inet_aton(world.gateway)
    static = (socket.inet_aton(world.ip), gateway, b"\xff\xff\xff\x00")
    with _chip(world, persona) as (nina, host):
        assert host.cmd1(0x34, b"echo.lab") == 1
        _set_ip_config(host, *static)
        before = nina.stats.model_seconds
        assert host.cmd1(0x34, b"echo.lab") == 0
        assert nina.stats.model_seconds - before < 1.0  # ERR_VAL at once: no query went out
        assert host.cmd(0x35) == [b"\xff\xff\xff\xff"]
        assert host.cmd1(0x34, b"127.0.0.1") == 1  # a dotted quad needs no server
        host.send(start_client_host(b"echo.lab", 7, 0, 0))
        assert host.raw_reply(4) == bytes.fromhex("E0 AD 00 EE")
        assert _set_dns_config(host, b"\0\0\0\0", gateway) == 1  # server 1 only
        assert host.cmd1(0x34, b"echo.lab") == 0
        assert _set_dns_config(host, gateway) == 1
        assert host.cmd1(0x34, b"echo.lab") == 1
        assert host.cmd(0x35) == [LOCALHOST]
        _set_ip_config(host, *static)  # cleared again; _dnsServers keeps SET_DNS_CONFIG's pair
        assert host.cmd1(0x34, b"echo.lab") == 0
        assert host.cmd1(0x30, b"\xff") == 1  # DISCONNECT, then a new join
        assert host.join("lab-ap", "lab-password") == 3  # STA_CONNECTED re-applies them
        assert host.cmd1(0x34, b"echo.lab") == 1


_AP_DEFAULT = b"\xc0\xa8\x04\x01"  # 192.168.4.1, the soft AP's address by default


@pytest.mark.parametrize("persona", ["arduino-1.5", "arduino-2.0", "adafruit-1.7", "adafruit-2.0",
                                     "adafruit-3.3"])
def test_set_ip_config_during_the_soft_ap(world, persona):
    """WiFiClass::config (Arduino and Adafruit <= 2.x, WiFi.cpp) applies the address at once
    to the interface of the last begin, the access point's after SET_AP_PASSPHRASE
    (tcpip_adapter_set_ip_info on TCPIP_ADAPTER_IF_AP, DHCP server restarted), and GET_IPADDR
    reports it at once (_ipInfo). Starting the access point again stops it first: AP_STOP
    zeroes _ipInfo, and AP_START then puts 0.0.0.0 on it where _staticIp is set (Arduino,
    Adafruit 2.x), or on Adafruit 1.7.7 (no _staticIp) takes the AP interface's address,
    which config set. Adafruit 3.x's SET_IP_CONFIG is WiFiSTAClass::config, the station's
    only: the access point keeps its address, now and when it starts again."""
    static = (b"\x0a\x00\x00\x01", b"\x0a\x00\x00\x01", b"\xff\xff\xff\x00")
    nina = NinaEmulator(world, persona=persona)
    try:
        host = RawHost(nina, timeout=10)
        host.boot()
        ap = (b"chip-ap", b"chip-password", b"\x05")
        assert host.cmd1(0x19, *ap) == 1
        assert host.cmd(0x21) == [_AP_DEFAULT, b"\xff\xff\xff\x00", _AP_DEFAULT]
        _set_ip_config(host, *static)
        expected = [_AP_DEFAULT, b"\xff\xff\xff\x00", _AP_DEFAULT]
        if persona != "adafruit-3.3":
            expected = [static[0], static[2], static[1]]  # GET_IPADDR: ip, mask, gateway
        assert host.cmd(0x21) == expected  # at once, the access point still up
        if persona != "adafruit-3.3":
            assert host.cmd1(0x20) == 7  # AP_LISTENING: the access point was not restarted
        assert host.cmd1(0x19, *ap) == 1  # started again
        if persona not in ("adafruit-1.7", "adafruit-3.3"):
            expected = [_ZERO] * 3
        assert host.cmd(0x21) == expected
    finally:
        nina.close()


_ZERO = b"\0\0\0\0"
_STATIC = (b"\x0a\x00\x00\x09", b"\x0a\x00\x00\x01", b"\xff\xff\xff\x00")  # ip, gw, mask


def _ipaddr(ip, gateway, mask):
    return [ip, mask, gateway]  # GET_IPADDR's order


def _joined(host):
    """Waits for the join under way (its status: 3 once associated)."""
    wait_for(lambda: host.cmd1(0x20) not in (1, 6), what="the join's end")
    return host.cmd1(0x20)


@pytest.mark.parametrize("persona", ["arduino-1.5", "arduino-2.0", "adafruit-1.7", "adafruit-2.0",
                                     "adafruit-3.3"])
@pytest.mark.parametrize("stop", ["disconnect", "join"])
def test_an_access_point_stop_forgets_the_static_address(world, persona, stop):
    """AP_STOP (WiFi.cpp handleSystemEvent, Arduino and Adafruit <= 2.x) zeroes _ipInfo:
    after the access point stops (DISCONNECT, or the join's own esp_wifi_stop), the next join
    of Arduino and Adafruit 2.x, whose _staticIp stays set, gives the station _ipInfo,
    0.0.0.0, and reports CONNECTED; Adafruit 1.7.7 has no _staticIp: the zeroed _ipInfo
    means DHCP, and the static address is forgotten. Adafruit 3.x's station keeps its own
    (esp_netif's) static address."""
    lease = [socket.inet_aton(a) for a in (world.ip, world.netmask, world.gateway)]
    nina = NinaEmulator(world, persona=persona)
    try:
        host = RawHost(nina, timeout=10)
        host.boot()
        _set_ip_config(host, *_STATIC)
        assert host.cmd1(0x19, b"chip-ap", b"chip-password", b"\x05") == 1
        if persona != "adafruit-3.3":
            assert host.cmd(0x21) == _ipaddr(*_STATIC)  # AP_START: the static address
        if stop == "disconnect":
            assert host.cmd1(0x30, b"\xff") == 1
            if persona != "adafruit-3.3":
                assert host.cmd(0x21) == [_ZERO] * 3  # AP_STOP
        assert host.cmd1(0x11, b"lab-ap", b"lab-password") == 1
        assert _joined(host) == 3
        expected = {"adafruit-1.7": lease, "adafruit-3.3": _ipaddr(*_STATIC)}
        assert host.cmd(0x21) == expected.get(persona, [_ZERO] * 3)
    finally:
        nina.close()


@pytest.mark.parametrize("persona", ["arduino-2.0", "adafruit-1.7", "adafruit-2.0"])
def test_get_ipaddr_reports_a_static_address_before_any_join(world, persona):
    """GET_IPADDR is WiFiClass::localIP, _ipInfo, which SET_IP_CONFIG's config sets whatever
    the station does (<= 2.x); the join then keeps it."""
    static = (socket.inet_aton(world.ip), socket.inet_aton(world.gateway), b"\xff\xff\xff\x00")
    nina = NinaEmulator(world, persona=persona)
    try:
        host = RawHost(nina, timeout=10)
        host.boot()
        assert host.cmd(0x21) == [b"\0\0\0\0"] * 3
        _set_ip_config(host, *static)
        assert host.cmd(0x21) == [static[0], static[2], static[1]]
        assert host.join("lab-ap", "lab-password") == 3
        assert host.cmd(0x21) == [static[0], static[2], static[1]]
    finally:
        nina.close()


@pytest.mark.parametrize("persona", ["arduino-2.0", "adafruit-1.7", "adafruit-2.0", "adafruit-3.3"])
def test_adafruit_17_keeps_the_last_lease_as_a_static_address(world, persona):
    """Adafruit 1.7.7's WiFiClass has no _staticIp: begin and AP_START take whatever
    _ipInfo holds for a static address (WiFi.cpp at 1.7.7), and STA_GOT_IP stores each DHCP
    lease there, which a disconnect leaves: the next join keeps the old lease's address,
    mask and gateway without asking DHCP (here the network now offers another mask and
    gateway), and an access point starts on it. SET_IP_CONFIG 0.0.0.0 empties _ipInfo: the
    join after it asks DHCP, whose lease brings back the DNS server config cleared (lwIP's
    dhcp_handle_ack). Arduino and Adafruit 2.x/3.x take a new lease at every join."""
    old = [socket.inet_aton(a) for a in (world.ip, world.netmask, world.gateway)]
    saved = (world.netmask, world.gateway)
    nina = NinaEmulator(world, persona=persona)
    try:
        host = RawHost(nina, timeout=10)
        host.boot()
        assert host.join("lab-ap", "lab-password") == 3
        assert host.cmd(0x21) == old
        world.netmask, world.gateway = "255.255.0.0", "127.0.0.9"  # the next lease's
        new = [old[0], b"\xff\xff\x00\x00", b"\x7f\x00\x00\x09"]
        assert host.cmd1(0x30, b"\xff") == 1
        assert host.join("lab-ap", "lab-password") == 3
        assert host.cmd(0x21) == (old if persona == "adafruit-1.7" else new)
        assert host.cmd1(0x19, b"chip-ap", b"chip-password", b"\x05") == 1
        ap = [_AP_DEFAULT, b"\xff\xff\xff\x00", _AP_DEFAULT]
        assert host.cmd(0x21) == (old if persona == "adafruit-1.7" else ap)
        assert host.cmd1(0x30, b"\xff") == 1  # AP_STOP empties _ipInfo: DHCP again
        assert host.join("lab-ap", "lab-password") == 3
        assert host.cmd(0x21) == new
        if persona == "adafruit-1.7":
            _set_ip_config(host, _ZERO, _ZERO, _ZERO)  # the driver's way out, before a join
            assert host.cmd1(0x34, b"echo.lab") == 0  # config cleared the DNS servers
            world.netmask, world.gateway = saved
            assert host.cmd1(0x30, b"\xff") == 1
            assert host.join("lab-ap", "lab-password") == 3
            assert host.cmd(0x21) == old  # a new lease
            assert host.cmd1(0x34, b"echo.lab") == 1  # with its DNS server
    finally:
        world.netmask, world.gateway = saved
        nina.close()
