# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The RTL8720DN emulator driven by raw frames built in the test: framing, CRC, the
worked frames of docs/protocol-rtl8720dn.rst, link errors, Wi-Fi with its event frames, chip enable, and
the model clock."""

import socket
import struct
import threading

import pytest

from netdev_emulator import Network, RTL8720Emulator
from netdev_emulator.rtl8720_wire import crc16 as emulator_crc16
from tests.emulator.rtl8720_client import (
    Client,
    binary,
    body,
    crc16,
    crc16_bitwise,
    frame,
    i32,
    null,
    present,
    sockaddr,
    string,
    u8,
    u32,
)


def hexbytes(text):
    return bytes.fromhex(text.replace(" ", ""))


@pytest.fixture
def world():
    return Network(
        access_points={"ssid": "password", "open": None, "lab-ap": "lab-password"},
        hosts={"example.com": "93.184.216.34"},
        resolve_host_names=False,
    )


@pytest.fixture
def rtl(world):
    chip = RTL8720Emulator(world)
    yield chip
    chip.close()


@pytest.fixture
def client(rtl):
    return Client(rtl.uart)


def quiet(client, wait=0.1):
    """True when the chip sends nothing for ``wait`` seconds."""
    return client.read_frame(timeout=wait) is None


# -- CRC and framing ----------------------------------------------------------------------


@pytest.mark.parametrize("impl", [emulator_crc16, crc16, crc16_bitwise])
def test_crc_check_values(impl):
    assert impl(b"") == 0xEF4A
    assert impl(b"123456789") == 0x89AC


def test_emulator_crc_matches_reference_on_random_frames():
    import random

    rng = random.Random(1)
    for size in (1, 2, 7, 64, 1000, 4096):
        data = bytes(rng.randrange(256) for _ in range(size))
        assert emulator_crc16(data) == crc16_bitwise(data)


def test_version_call_worked_frame(client, rtl):
    client.write(hexbytes("08 00 c9 d0 00 01 01 01 00 00 00 00"))
    reply = client.read_frame()
    assert reply.raw == hexbytes("11 00 f0 bb 02 01 01 01 00 00 00 00 05 00 00 00 32 2e 31 2e 33")
    assert rtl.firmware == "2.1.3"


def test_version_follows_firmware_setting(world):
    with RTL8720Emulator(world, firmware="2.1.2") as chip:
        reply, _ = Client(chip.uart).call(1, 1)
        assert reply.string() == "2.1.2"


def test_sequence_number_echoed_and_ack(client):
    reply, events = client.call(1, 2, u8(0x5A), seq=0xDEADBEEF)
    assert not events
    assert reply.seq == 0xDEADBEEF
    assert reply.u8() == 0x5A and reply.done()


def test_bad_crc_gets_no_reply(client, rtl):
    good = frame(body(0, 1, 1, 3))
    bad = good[:2] + bytes([good[2] ^ 0x01]) + good[3:]
    client.write(bad)
    assert quiet(client)
    assert rtl.dropped_frames == 1
    reply, _ = client.call(1, 1)  # the link is still in step
    assert reply.string() == "2.1.3"


@pytest.mark.parametrize(
    "raw",
    [
        body(0, 13, 1, 1),  # a service the firmware does not register (BLE callbacks)
        body(0, 1, 99, 1),  # an unknown method
        body(0, 16, 18, 1, i32(2) + i32(1)),  # truncated parameters (protocol missing)
        struct.pack("<II", (2 << 24) | (1 << 16) | (1 << 8), 1),  # codec version 2
        b"\x00\x01\x01",  # shorter than a message header
    ],
    ids=["unknown-service", "unknown-method", "truncated", "bad-version", "short"],
)
def test_undecodable_messages_get_no_reply(client, rtl, raw):
    client.write(frame(raw))
    assert quiet(client)
    assert rtl.dropped_frames == 1
    assert client.call(1, 1)[0].string() == "2.1.3"


def test_oneway_invocation_runs_without_reply(client, rtl):
    client.send(16, 18, i32(2) + i32(1) + i32(6), msg_type=1)  # socket() as a oneway
    assert quiet(client)
    assert list(rtl.open_sockets()) == [0]


def test_oversize_length_is_rejected_before_the_body(client, rtl):
    client.write(struct.pack("<HH", 5000, 0))  # the header alone: nothing else consumed
    assert quiet(client)
    assert rtl.dropped_frames == 1
    assert client.call(1, 1)[0].string() == "2.1.3"


def test_oversize_body_desynchronises_the_firmware(client, rtl):
    # the firmware drops the 4-byte header and parses the body bytes as frame headers;
    # only an EN reset brings it back in step
    # here the "body" starts with bytes that read as a 1000-byte frame: it swallows the
    # next real frame
    client.write(struct.pack("<HH", 4100, 0) + struct.pack("<HH", 1000, 0) + bytes(4))
    client.write(frame(body(0, 1, 1, 7)))
    assert quiet(client)
    rtl.reset()
    assert client.call(1, 1)[0].string() == "2.1.3"


def test_split_writes_assemble_one_frame(client):
    raw = frame(body(0, 1, 1, 9))
    for i in range(len(raw)):
        client.write(raw[i:i + 1])
    reply = client.read_frame()
    assert reply.seq == 9 and reply.string() == "2.1.3"


# -- the worked frames of docs/protocol-rtl8720dn.rst ---------------------------------------


class EchoServer:
    """A TCP echo server on 127.0.0.1 (one thread per connection)."""

    def __init__(self, echo=True):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.echo = echo
        self.conns = []
        self.accepted = threading.Semaphore(0)
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            self.accepted.release()
            if self.echo:
                threading.Thread(target=self._echo, args=(conn,), daemon=True).start()

    @staticmethod
    def _echo(conn):
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                conn.sendall(data)
        except OSError:
            pass
        finally:
            conn.close()

    def connection(self, timeout=5):
        assert self.accepted.acquire(timeout=timeout), "no connection arrived"
        return self.conns[-1]

    def close(self):
        self.sock.close()
        for conn in self.conns:
            conn.close()


def test_worked_socket_connect_recv_frames(world):
    server = EchoServer(echo=False)
    world.ports[("93.184.216.34", 80)] = server.port
    with RTL8720Emulator(world) as chip:
        client = Client(chip.uart)
        assert client.join("ssid", "password") == 0
        client.write(hexbytes("14 00 cc f9 00 12 10 01 05 00 00 00 02 00 00 00 01 00 00 00 06 00 00 00"))
        assert client.read_frame().raw == hexbytes("0c 00 25 88 02 12 10 01 05 00 00 00 00 00 00 00")
        connect = hexbytes(
            "24 00 01 7d 00 09 10 01 08 00 00 00 00 00 00 00"
            "10 00 00 00 00 02 00 50 5d b8 d8 22 00 00 00 00 00 00 00 00 10 00 00 00")
        # the test's own encoder builds the same bytes
        assert connect == frame(body(0, 16, 9, 8, i32(0) + binary(sockaddr("93.184.216.34", 80)) + u32(16)))
        client.write(connect)
        reply = client.read_frame()
        assert (reply.seq, reply.i32()) == (8, 0)
        peer = server.connection()
        recv = hexbytes("18 00 12 ed 00 0c 10 01 07 00 00 00 00 00 00 00 9c 05 00 00 08 00 00 00 00 00 00 00")
        client.write(recv)
        assert client.read_frame().raw == hexbytes(
            "11 00 e8 a1 02 0c 10 01 07 00 00 00 01 00 00 00 00 ff ff ff ff")
        peer.sendall(b"hi")
        # wait for the bytes to be there (a MSG_PEEK recv of 0 bytes would not tell)
        for _ in range(200):
            reply, _ = client.call(16, 11, i32(0))  # rpc_lwip_available
            if reply.i32() == 1:
                break
        client.write(recv)
        assert client.read_frame().raw == hexbytes(
            "12 00 06 2f 02 0c 10 01 07 00 00 00 02 00 00 00 68 69 02 00 00 00")
    server.close()


def test_worked_gethostbyname_reply(client):
    assert client.join("ssid", "password") == 0
    reply, _ = client.call(16, 25, string("example.com"), seq=9)
    assert reply.raw == hexbytes("11 00 cd 2c 02 19 10 01 09 00 00 00 04 00 00 00 5d b8 d8 22 00")


def test_worked_wifi_on_event_comes_before_its_reply(client):
    reply, events = client.call(14, 27, u32(1))
    assert [e.raw for e in events] == [
        hexbytes("3c 00 98 7c 01 01 13 01 01 00 00 00 30 00 00 00 02 00 00 00") + bytes(44)]
    assert reply.i32() == 0


@pytest.mark.parametrize("password", ["password", None])
def test_worked_wifi_connect_frames(client, password):
    client.call(14, 27, u32(1))
    if password:
        raw = hexbytes("29 00 cb c4 00 01 0e 01 04 00 00 00 04 00 00 00 73 73 69 64 00"
                       "08 00 00 00 70 61 73 73 77 6f 72 64 04 00 40 00 ff ff ff ff 00 00 00 00")
        ssid = b"ssid"
    else:
        raw = hexbytes("1d 00 6f aa 00 01 0e 01 04 00 00 00 04 00 00 00 6f 70 65 6e 01"
                       "00 00 00 00 ff ff ff ff 00 00 00 00")
        ssid = b"open"
    client.write(raw)
    event = client.read_frame()
    event_id, data = event.event()
    assert event_id == 4  # STA_CONNECTED, before the reply
    assert data[:32].rstrip(b"\x00") == ssid and data[32] == len(ssid)
    reply = client.read_frame()
    assert (reply.type, reply.seq, reply.i32()) == (2, 4, 0)


# -- Wi-Fi ---------------------------------------------------------------------------------


def connect_call(client, ssid, password):
    pw = null() if password is None else present(string(password))
    return client.call(14, 1, string(ssid) + pw + u32(0x00400004 if password else 0)
                       + i32(-1) + u32(0))


def test_wifi_connect_needs_wifi_on(client):
    reply, events = connect_call(client, "ssid", "password")
    assert reply.i32() == -1 and not events


def connect_with(client, ssid, password, security):
    pw = null() if password is None else present(string(password))
    return client.call(14, 1, string(ssid) + pw + u32(security) + i32(-1) + u32(0))


WPA2_AES, WPA_TKIP, WPA2_MIXED = 0x00400004, 0x00200002, 0x00400006


@pytest.mark.parametrize("ssid,password,security,events_seen,last_error", [
    # wrong passphrase: associated (STA_CONNECTED), then the 4-way handshake times out
    ("ssid", "wrong-password", WPA2_AES, [4, 5], 4),  # RTW_4WAY_HANDSHAKE_TIMEOUT
    ("nowhere", "password", WPA2_AES, [5], 1),  # RTW_NONE_NETWORK
    ("nowhere", None, 0, [5], 1),  # open security: NONE_NETWORK too
    # the security asked for is not the network's: no association, nothing classified
    ("open", "a-password", WPA2_AES, [5], 6),  # RTW_UNKNOWN
    ("ssid", None, 0, [5], 6),
    # wifi_disconn_hdl classifies only OPEN, WEP and WPA2-AES joins
    ("ssid", "wrong-password", WPA_TKIP, [4, 5], 6),
    ("nowhere", "password", WPA2_MIXED, [5], 6),
])
def test_wifi_connect_failures(client, rtl, ssid, password, security, events_seen, last_error):
    client.call(14, 27, u32(1))
    reply, events = connect_with(client, ssid, password, security)
    assert reply.i32() == -1
    assert [e.event()[0] for e in events] == events_seen
    # The Seeed callback runs before the SDK's wifi_disconn_hdl has set error_flag, and
    # fills the event only when wifi_get_ap_info succeeds: after a failed join, all zero
    assert not any(events[-1].event()[1])
    assert client.result(14, 49) == last_error  # rpc_wifi_get_last_error says why
    assert client.result(14, 4) == -1  # is_connected_to_ap
    assert rtl.wifi_status()["ssid"] is None


@pytest.mark.parametrize("reason,last_error", [(15, 4), (2, 3), (23, 3)])
def test_the_wrong_passphrase_flag_follows_the_access_points_reason(world, reason, last_error):
    with RTL8720Emulator(world, wrong_passphrase_reason=reason) as chip:
        client = Client(chip.uart)
        client.call(14, 27, u32(1))
        reply, _ = connect_with(client, "ssid", "wrong-password", WPA2_AES)
        assert reply.i32() == -1
        assert client.result(14, 49) == last_error  # 4WAY_HANDSHAKE_TIMEOUT or WRONG_PASSWORD


@pytest.mark.parametrize("password", ["short", "x" * 65])
def test_a_passphrase_of_the_wrong_length_is_refused_at_once(client, password):
    client.call(14, 27, u32(1))
    reply, events = connect_with(client, "ssid", password, WPA2_AES)
    assert reply.i32() == 4 and not events  # RTW_INVALID_KEY, before the radio
    assert client.result(14, 49) == 3  # RTW_WRONG_PASSWORD


def test_last_error_after_a_join_dhcp_and_a_loss(client, rtl, world):
    assert client.result(14, 49) == 6  # RTW_UNKNOWN from boot
    client.call(14, 27, u32(1))
    assert connect_with(client, "lab-ap", "lab-password", WPA2_AES)[0].i32() == 0
    assert client.result(14, 49) == 6  # a join alone leaves it unknown...
    assert client.result(14, 6, u32(0)) == -1  # ...so the station is not ready to transceive
    assert client.call(15, 13, u32(0))[0].i32() == 0  # DHCP (STA_GOT_IP before the reply)
    assert client.result(14, 49) == 0  # RTW_NO_ERROR
    assert client.result(14, 6, u32(0)) == 0
    world.drop_access_point("lab-ap")
    event = client.read_frame(timeout=5)
    assert event.event()[0] == 5 and event.event()[1][39] == 0  # no error: reason 0
    assert client.result(14, 49) == 6
    world.restore_access_point("lab-ap")
    assert client.result(15, 13, u32(0)) == -1  # DHCP without an association
    assert client.result(14, 49) == 5  # RTW_DHCP_FAIL


def test_wifi_join_dhcp_ip_info_and_disconnect(client, rtl, world):
    client.call(14, 27, u32(1))
    reply, events = connect_call(client, "lab-ap", "lab-password")
    assert reply.i32() == 0 and [e.event()[0] for e in events] == [4]
    reply, events = client.call(15, 13, u32(0))  # dhcpc_start
    assert reply.i32() == 0
    event_id, data = events[0].event()
    own = bytes(int(part) for part in world.ip.split("."))  # 127.0.0.2 where the system has it
    assert event_id == 7 and data[:4] == own  # STA_GOT_IP first: the chip's own address
    assert client.result(14, 4) == 0
    reply, _ = client.call(15, 7, u32(0))
    # its own address, a /8, the computer as its gateway
    assert reply.binary() == own + bytes([255, 0, 0, 0, 127, 0, 0, 1])
    assert reply.i32() == 0
    reply, _ = client.call(14, 19)  # rssi
    assert reply.i32() == world.access_points["lab-ap"].rssi
    reply, events = client.call(14, 3)  # disconnect
    assert reply.i32() == 0 and events[0].event()[0] == 5
    assert client.result(14, 4) == -1
    reply, _ = client.call(15, 7, u32(0))
    assert reply.binary() == bytes(12)


def test_dhcp_without_association_fails(client):
    client.call(14, 27, u32(1))
    assert client.result(15, 13, u32(0)) == -1


def test_mac_address(world):
    with RTL8720Emulator(world, mac="2C:F7:F1:01:02:03") as chip:
        reply, _ = Client(chip.uart).call(14, 8)
        assert reply.fixed(18) == b"2c:f7:f1:01:02:03\x00"
        assert reply.i32() == 0 and reply.done()


def test_access_point_lost_and_back(client, rtl, world):
    assert client.join("lab-ap", "lab-password") == 0
    world.drop_access_point("lab-ap")
    event = client.read_frame(timeout=5)  # unsolicited, from the Wi-Fi task
    assert event is not None and event.type == 1
    event_id, data = event.event()
    assert event_id == 5 and data[:6] == b"lab-ap"
    assert client.result(14, 4) == -1
    reply, events = connect_call(client, "lab-ap", "lab-password")
    assert reply.i32() == -1 and not any(events[0].event()[1])
    assert client.result(14, 49) == 1  # RTW_NONE_NETWORK
    world.restore_access_point("lab-ap")
    reply, events = connect_call(client, "lab-ap", "lab-password")
    assert reply.i32() == 0 and events[0].event()[0] == 4


def test_access_point_loss_noticed_before_the_next_reply(client, world):
    assert client.join("lab-ap", "lab-password") == 0
    world.drop_access_point("lab-ap")
    # whether the radio task or the call noticed first, the event precedes the reply
    reply, events = client.call(14, 4)
    assert reply.i32() == -1
    assert [e.event()[0] for e in events] == [5]


def test_scan(client, rtl):
    client.call(14, 27, u32(1))
    assert client.result(14, 64) == 0
    event = client.read_frame(timeout=5)
    assert event.event()[0] == 1  # SCAN_DONE
    reply, _ = client.call(14, 65)
    assert reply.u8() == 0
    reply, _ = client.call(14, 67)
    count = reply.u16()
    assert count == 3
    reply, _ = client.call(14, 66, struct.pack("<H", count))
    data = reply.binary()
    assert reply.i32() == 0 and len(data) == 62 * count
    ssids = set()
    for k in range(count):
        rec = data[62 * k:62 * (k + 1)]
        ssids.add(rec[1:1 + rec[0]].decode())
        security = struct.unpack_from("<I", rec, 46)[0]  # after len, ssid[33], bssid, rssi, bss_type
        assert security == (0 if rec[1:1 + rec[0]] == b"open" else 0x00400004)
    assert ssids == {"ssid", "open", "lab-ap"}
    reply, _ = client.call(14, 66, struct.pack("<H", 61))
    assert len(reply.binary()) == 1 and reply.i32() == -1


def _netif_address(client, netif):
    reply, _ = client.call(15, 7, u32(netif))
    return ".".join(str(b) for b in reply.binary()[:4])


@pytest.mark.parametrize("mode, ap_netif", [(2, 0), (3, 1)])
def test_softap_is_on_netif_0_in_ap_mode_and_on_netif_1_beside_a_station(client, rtl, world, mode, ap_netif):
    """The tcpip calls take a netif index (wifi_tcpip_adapter.c: xnetif[tcpip_if]): the
    soft-AP is wlan0, netif 0, in AP mode (rpc_wifi_start_ap, tcpip_adapter_ap_start) and
    wlan1, netif 1, only in STA+AP mode; the other netif keeps what it had (netif 1:
    LwIP_Init's 192.168.43.1). The DHCP server serves the netif it was started on."""
    client.call(14, 27, u32(mode))
    reply, events = client.call(14, 38, string("my-ap") + present(string("secret123"))
                                + u32(0x00400004) + i32(6))
    assert reply.i32() == 0 and events[-1].event()[0] == 14  # AP_START
    assert rtl.wifi_status()["ap"] == "my-ap"
    assert _netif_address(client, ap_netif) == world.ip
    if mode == 2:
        assert _netif_address(client, 1) == "192.168.43.1"
    assert client.result(15, 11, u32(1 - ap_netif)) == 0  # dhcps_start on the other one
    assert not rtl.wifi_status()["ap_dhcp"]
    assert client.result(15, 11, u32(ap_netif)) == 0
    assert rtl.wifi_status()["ap_dhcp"]
    assert client.result(14, 5, u32(1)) == 1  # wifi_is_up(RTW_AP_INTERFACE)
    assert client.result(14, 5, u32(0)) == (0 if mode == 2 else 1)  # the station's


def test_station_events_only_in_station_mode_and_never_lost_ip(client, world):
    """wifi_callback.c passes STA_CONNECTED / STA_DISCONNECTED on only in RTW_MODE_STA, and
    never registers its STA_LOST_IP callback: in STA+AP mode a join and its loss send
    nothing; in station mode a loss sends STA_DISCONNECTED and no LOST_IP after it."""
    client.call(14, 27, u32(3))  # STA+AP
    reply, events = connect_call(client, "lab-ap", "lab-password")
    assert reply.i32() == 0 and events == []
    reply, events = client.call(14, 3)  # disconnect
    assert reply.i32() == 0 and events == []
    assert client.result(14, 28) == 0  # wifi_off
    client.call(14, 27, u32(1))
    assert client.join("lab-ap", "lab-password") == 0
    world.drop_access_point("lab-ap")
    event = client.read_frame(timeout=5)
    assert event.event()[0] == 5  # STA_DISCONNECTED
    assert quiet(client), "nothing more: no STA_LOST_IP"


# -- chip enable ---------------------------------------------------------------------------


def test_enable_low_clears_everything(client, rtl):
    assert client.join("lab-ap", "lab-password") == 0
    assert client.socket() == 0
    assert client.socket(2, 17) == 1
    assert set(rtl.open_sockets()) == {0, 1}
    rtl.enable.switch_to_output(value=False)
    assert rtl.open_sockets() == {}
    assert rtl.wifi_status()["ssid"] is None
    client.write(frame(body(0, 1, 1, 1)))  # nobody listens while in reset
    assert quiet(client)
    rtl.enable.value = True
    assert rtl.wait_running()
    reply, events = client.call(1, 1)
    assert reply.string() == "2.1.3" and not events
    assert client.result(14, 4) == -1  # Wi-Fi down after the reset
    assert client.socket() == 0


def test_enable_direction_output_resets_like_digitalio(rtl, client):
    import digitalio

    assert client.socket() == 0
    rtl.enable.direction = digitalio.Direction.OUTPUT  # drives low: reset
    assert rtl.enable.direction is digitalio.Direction.OUTPUT
    assert rtl.enable.value is False
    assert rtl.open_sockets() == {}
    rtl.enable.value = True
    assert rtl.wait_running()
    assert client.call(1, 1)[0].string() == "2.1.3"


def test_bytes_during_boot_are_lost(world):
    with RTL8720Emulator(world, boot_seconds=0.5) as chip:
        client = Client(chip.uart)
        chip.enable.switch_to_output(False)
        chip.enable.value = True
        client.write(frame(body(0, 1, 1, 1)))  # too early: the chip is still booting
        assert chip.wait_running()
        assert quiet(client)
        assert chip.bytes_lost > 0
        assert client.call(1, 1)[0].string() == "2.1.3"


def test_wrong_baudrate_gets_nothing(world):
    with RTL8720Emulator(world, firmware="2.1.1") as chip:
        assert chip.uart.baudrate == 1843200
        client = Client(chip.uart)
        assert client.call(1, 1)[0].string() == "2.1.1"
        chip.uart.baudrate = 614400  # a host that assumes the current firmware
        client.write(frame(body(0, 1, 1, 5)))
        assert quiet(client)
        chip.uart.baudrate = 1843200
        assert client.call(1, 1)[0].string() == "2.1.1"


# -- the UART object -----------------------------------------------------------------------


def test_uart_like_busio(rtl, client):
    uart = rtl.uart
    uart.timeout = 0.05
    assert uart.read(4) is None
    assert uart.in_waiting == 0
    client.send(1, 1)
    assert uart.read(2) is not None  # part of the reply
    assert uart.in_waiting == 19
    uart.reset_input_buffer()
    assert uart.in_waiting == 0
    client.send(1, 1)
    buf = bytearray(64)
    assert uart.readinto(buf) == 21  # what came before the timeout
    assert bytes(buf[4:8]) == b"\x02\x01\x01\x01"
    uart.deinit()
    with pytest.raises(ValueError):
        uart.write(b"x")


# -- the model clock -----------------------------------------------------------------------


def test_model_clock_charges_bytes_and_turnaround(rtl, client):
    rtl.stats.reset()
    client.call(1, 1)
    snap = rtl.stats.snapshot()
    assert snap["bytes_to_device"] == 12 and snap["bytes_from_device"] == 21
    assert snap["commands"] == 1
    assert snap["model_seconds"] == pytest.approx(33 * 10 / 614400 + 200e-6)


def test_model_clock_charges_association(rtl, client):
    client.call(14, 27, u32(1))
    before = rtl.stats.snapshot()["model_seconds"]
    connect_call(client, "lab-ap", "lab-password")
    assert rtl.stats.snapshot()["model_seconds"] - before > 1.0  # seconds, not microseconds


# -- firmware releases ----------------------------------------------------------------------


def test_old_firmware_id_tables(world):
    # 2.0.1: scan calls at 63-66, Wi-Fi events on service 18, 1 843 200 baud
    with RTL8720Emulator(world, firmware="2.0.1") as chip:
        assert chip.uart.baudrate == 1843200
        client = Client(chip.uart)
        reply, events = client.call(14, 27, u32(1))
        assert (events[0].service, events[0].method, events[0].type) == (18, 1, 1)
        assert client.result(14, 63) == 0  # scan_start here
        event = client.read_frame(timeout=5)
        assert (event.service, event.raw[16]) == (18, 1)  # SCAN_DONE
        reply, _ = client.call(14, 66)  # scan_get_ap_num
        assert reply.u16() == 3
        client.send(15, 36, binary(bytes([1, 2, 3, 4])))  # ip4addr_ntoa came in 2.1.2
        assert quiet(client)


def test_ping_helpers_from_2_1_2(client):
    reply, _ = client.call(15, 36, binary(bytes([192, 168, 1, 20])))
    assert reply.string() == "192.168.1.20"
    # an ICMP echo header with a zero checksum field: the checksum of it, as stored
    reply, _ = client.call(15, 37, binary(bytes([8, 0, 0, 0, 0, 1, 0, 1])))
    value = reply.u16()
    assert struct.pack("<H", value) == bytes([0xF7, 0xFD])  # network order in memory
