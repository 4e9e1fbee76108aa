# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The NINA emulator's sockets, driven with raw frames against real peers on 127.0.0.1:
slots, TCP client, TLS client, TCP server accept semantics, UDP datagrams."""

import os
import socket
import socketserver
import ssl
import struct
import threading

import pytest

from netdev_emulator import Network
from netdev_emulator.nina import NinaEmulator, NinaTiming
from tests.conftest import free_port
from tests.emulator.test_nina_raw import RawHost, frame, wait_for

LOCALHOST = bytes((127, 0, 0, 1))


class _Echo(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            try:
                data = self.request.recv(65536)
            except OSError:
                return
            if not data:
                return
            self.request.sendall(data)


class _ByeServer(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.sendall(b"bye")
        self.request.close()


def _serve(handler, tls_context=None):
    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

        def get_request(self):
            sock, addr = super().get_request()
            if tls_context is not None:
                sock = tls_context.wrap_socket(sock, server_side=True)
            return sock, addr

        def handle_error(self, request, client_address):
            pass  # failed handshakes are part of the tests

    server = Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    return server


@pytest.fixture(scope="module")
def tls_material(tmp_path_factory):
    import trustme

    ca = trustme.CA()
    folder = tmp_path_factory.mktemp("nina-tls")
    cafile = str(folder / "ca.pem")
    ca.cert_pem.write_to_path(cafile)
    good = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("secure.lab").configure_cert(good)
    wrong = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("other.lab").configure_cert(wrong)
    return cafile, good, wrong


@pytest.fixture(scope="module")
def peers(tls_material):
    cafile, good, wrong = tls_material
    servers = {
        "echo": _serve(_Echo),
        "bye": _serve(_ByeServer),
        "tls": _serve(_Echo, good),
        "badtls": _serve(_Echo, wrong),
    }
    yield {name: server.server_address[1] for name, server in servers.items()}
    for server in servers.values():
        server.shutdown()
        server.server_close()


@pytest.fixture
def world(peers, tls_material):
    return Network(
        access_points={"lab-ap": "lab-password"},
        hosts={"echo.lab": "127.0.0.1", "secure.lab": "127.0.0.1", "bad.lab": "127.0.0.1"},
        ports={("echo.lab", 7): peers["echo"], ("secure.lab", 443): peers["tls"],
               ("bad.lab", 443): peers["badtls"]},
        cafile=tls_material[0],
        resolve_host_names=False,
    )


def _up(world, persona="arduino-2.0"):
    nina = NinaEmulator(world, persona=persona)
    host = RawHost(nina)
    host.boot()
    assert host.join("lab-ap", "lab-password") == 3
    return nina, host


@pytest.fixture
def up(world):
    nina, host = _up(world)
    yield nina, host
    nina.close()


def start_client_ip(ip, port, slot, mode):
    """START_CLIENT_TCP, 4-parameter form (docs/protocol-nina.rst, Worked frames)."""
    return frame(0x2D, ip, struct.pack(">H", port), bytes((slot,)), bytes((mode,)))


def start_client_host(name, port, slot, mode, ip=b"\0\0\0\0"):
    """START_CLIENT_TCP, 5-parameter form with a host name."""
    return frame(0x2D, name, ip, struct.pack(">H", port), bytes((slot,)), bytes((mode,)))


def avail(host, slot):
    return struct.unpack("<H", host.cmd(0x2B, bytes((slot,)))[0])[0]


def read_buf(host, slot, size=4000):
    (data,) = host.cmd(0x45, bytes((slot,)), struct.pack("<H", size), wide=True,
                       wide_reply=True)
    return data


def send_tcp(host, slot, data):
    (count,) = host.cmd(0x44, bytes((slot,)), data, wide=True)
    assert len(count) == 2
    return struct.unpack("<H", count)[0]


def read_exactly(host, slot, count):
    out = bytearray()
    wait_for(lambda: _pull(host, slot, out, count), what="%d bytes" % count)
    return bytes(out)


def _pull(host, slot, out, count):
    if avail(host, slot):
        out += read_buf(host, slot, min(4000, count - len(out)))
    return len(out) >= count


def remote(host, slot):
    ip, port = host.cmd(0x3A, bytes((slot,)))
    return ip, struct.unpack(">H", port)[0]


# -- slots ----------------------------------------------------------------------------------


def test_get_socket_does_not_reserve(up, peers):
    nina, host = up
    assert host.cmd1(0x3F) == 0
    assert host.cmd1(0x3F) == 0  # same slot until a START_CLIENT succeeds
    host.send(start_client_ip(LOCALHOST, peers["echo"], 0, 0))
    assert host.reply(0x2D) == [b"\x01"]
    assert host.cmd1(0x3F) == 1
    assert host.cmd1(0x2E, b"\x00") == 1
    assert host.cmd1(0x3F) == 0


def test_failed_connect_replies_zero_params_and_leaves_the_slot_free(up):
    nina, host = up
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    host.send(start_client_ip(LOCALHOST, port, 0, 0))
    assert host.raw_reply(4) == bytes.fromhex("E0 AD 00 EE")
    assert host.cmd1(0x3F) == 0
    assert nina.open_sockets() == []


def test_stop_and_state_on_unusual_slots(up):
    nina, host = up
    for slot in (0, 9, 255):
        assert host.cmd1(0x2E, bytes((slot,))) == 1
        assert host.cmd1(0x2F, bytes((slot,))) == 0
        assert avail(host, slot) == 0
        assert read_buf(host, slot) == b""
    assert host.cmd(0x3A, b"\x00") == [bytes(4), bytes(2)]


# -- TCP client -------------------------------------------------------------------------------


def test_tcp_client_round_trip_with_spec_frames(up, peers):
    nina, host = up
    host.send(start_client_ip(LOCALHOST, peers["echo"], 0, 0))
    assert host.raw_reply(8) == bytes.fromhex("E0 AD 01 01 01 EE 00 00")
    assert host.cmd1(0x2F, b"\x00") == 4
    request = b"GET / HTTP/1.0\r\n\r\n"
    host.send(bytes.fromhex("E0 44 02 00 01 00 00 12") + request + b"\xee\xff")
    assert host.raw_reply(8) == bytes.fromhex("E0 C4 01 02 12 00 EE 00")
    assert host.cmd1(0x2A, b"\x00") == 1
    assert read_exactly(host, 0, len(request)) == request
    assert remote(host, 0) == (LOCALHOST, peers["echo"])
    assert host.cmd1(0x2E, b"\x00") == 1
    assert nina.open_sockets() == []


def test_tcp_large_payload_is_byte_exact(up, peers):
    nina, host = up
    host.send(start_client_host(b"echo.lab", 7, 0, 0))
    assert host.reply(0x2D) == [b"\x01"]
    assert remote(host, 0) == (LOCALHOST, 7)  # the address the host asked for
    payload = os.urandom(300 * 1024)
    received = bytearray()
    sent = 0
    while sent < len(payload) or len(received) < len(payload):
        if sent < len(payload):
            sent += send_tcp(host, 0, payload[sent : sent + 4083])
        if avail(host, 0):
            received += read_buf(host, 0, 4086)
        assert nina.stats.commands < 20000, "no progress"
    assert bytes(received) == payload
    assert host.cmd1(0x2E, b"\x00") == 1


def test_peer_close_keeps_unread_data_then_frees_the_slot(up, peers):
    nina, host = up
    host.send(start_client_ip(LOCALHOST, peers["bye"], 0, 0))
    assert host.reply(0x2D) == [b"\x01"]
    wait_for(lambda: avail(host, 0) == 3, what="the goodbye")
    assert host.cmd1(0x2F, b"\x00") == 4  # closed by the peer, data still unread
    assert read_buf(host, 0) == b"bye"
    wait_for(lambda: host.cmd1(0x2F, b"\x00") == 0, what="close seen")
    assert host.cmd1(0x3F) == 0  # GET_CLIENT_STATE freed it
    assert nina.open_sockets() == []


def test_get_data_tcp_reads_and_peeks_one_byte(up, peers):
    nina, host = up
    host.send(start_client_ip(LOCALHOST, peers["echo"], 0, 0))
    assert host.reply(0x2D) == [b"\x01"]
    assert send_tcp(host, 0, b"AB") == 2
    wait_for(lambda: avail(host, 0) == 2, what="echo")
    assert host.cmd1(0x2C, b"\x00", b"\x01") == ord("A")  # peek
    assert host.cmd1(0x2C, b"\x00", b"\x00") == ord("A")
    assert host.cmd1(0x2C, b"\x00", b"\x00") == ord("B")
    assert host.cmd1(0x2C, b"\x00", b"\x00") == 0xFF  # nothing left
    host.cmd(0x2E, b"\x00")


def slow_reader(tls_context=None):
    """A peer with tiny buffers that does not read until told to (TLS with ``tls_context``)."""
    go = threading.Event()
    got = bytearray()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def run():
        conn, _ = listener.accept()
        if tls_context is not None:
            conn = tls_context.wrap_socket(conn, server_side=True)  # the handshake, at once
        go.wait(30)
        conn.settimeout(10)
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                break
            if not data:
                break
            got.extend(data)
        conn.close()

    threading.Thread(target=run, daemon=True).start()
    return listener, go, got


@pytest.mark.parametrize("persona, survives", [("arduino-2.0", True), ("adafruit-1.7", False)])
def test_full_send_buffer(world, persona, survives):
    listener, go, got = slow_reader()
    nina, host = _up(world, persona)
    try:
        host.send(start_client_ip(LOCALHOST, listener.getsockname()[1], 0, 0))
        assert host.reply(0x2D) == [b"\x01"]
        chunk = bytes(4083)
        total = 0
        for _ in range(5000):
            written = send_tcp(host, 0, chunk)
            total += written
            if written < len(chunk):
                break
        else:
            pytest.fail("the send buffer never filled")
        zero_seen = written == 0 or send_tcp(host, 0, chunk) == 0
        assert zero_seen or survives
        state = host.cmd1(0x2F, b"\x00")
        if survives:
            assert state == 4  # a full buffer is not an error on Arduino firmware
        else:
            assert state == 0  # Adafruit 1.x closed the socket on EAGAIN
    finally:
        go.set()
        host.cmd(0x2E, b"\x00")
        nina.close()
        listener.close()


# -- TLS client ------------------------------------------------------------------------------


def test_tls_client_with_sni_and_verification(up):
    nina, host = up
    # the 5-parameter worked frame's layout (docs/protocol-nina.rst), with the world's host name
    host.send(start_client_host(b"secure.lab", 443, 1, 2))
    assert host.reply(0x2D) == [b"\x01"]
    assert host.cmd1(0x2F, b"\x01") == 4
    assert send_tcp(host, 1, b"over tls") == 8
    assert read_exactly(host, 1, 8) == b"over tls"
    assert [s["type"] for s in nina.open_sockets()] == ["tls"]
    assert host.cmd1(0x2E, b"\x01") == 1


def test_tls_bad_certificate_fails_the_connect(up):
    nina, host = up
    host.send(start_client_host(b"bad.lab", 443, 0, 2))
    assert host.raw_reply(4) == bytes.fromhex("E0 AD 00 EE")
    assert host.cmd1(0x3F) == 0
    assert nina.open_sockets() == []


def test_tls_by_ip_fails_on_arduino_firmware(up, peers):
    nina, host = up
    host.send(start_client_ip(LOCALHOST, peers["tls"], 0, 2))
    assert host.raw_reply(4) == bytes.fromhex("E0 AD 00 EE")


def test_only_one_tls_session_fits_on_idf33_builds(up):
    nina, host = up
    host.send(start_client_host(b"secure.lab", 443, 0, 2))
    assert host.reply(0x2D) == [b"\x01"]
    host.send(start_client_host(b"secure.lab", 443, 1, 2))
    assert host.raw_reply(4) == bytes.fromhex("E0 AD 00 EE")
    host.cmd(0x2E, b"\x00")


# -- TCP server --------------------------------------------------------------------------------


def _free_port():
    """A TCP port free on every address (the chip listens on its own, 127.0.0.2)."""
    return free_port()


def _free_udp_ports(count):
    """``count`` different UDP ports free right now (held open together while chosen, so
    the kernel cannot hand out one twice)."""
    held = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(count)]
    try:
        for s in held:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in held]
    finally:
        for s in held:
            s.close()


def test_server_accept_flag_at_offset_6(up):
    nina, host = up
    port = _free_port()
    # START_SERVER, 3-parameter form as in docs/protocol-nina.rst, Worked frames
    host.send(frame(0x28, struct.pack(">H", port), b"\x02", b"\x00", pad=0xFF))
    assert host.reply(0x28) == [b"\x01"]
    assert host.cmd1(0x29, b"\x02") == 1
    with socket.create_connection((nina.world.ip, port)) as client:
        # explicit accept flag (docs/protocol-nina.rst, Worked frames): E0 2B 02 01 02 01 01 EE
        host.send(bytes.fromhex("E0 2B 02 01 02 01 01 EE"))
        reply = host.raw_reply(8)
        assert reply[:4] == bytes.fromhex("E0 AB 01 02")
        slot = reply[4]
        assert slot == 0 and reply[5] == 0  # lowest free slot; reported once
        assert avail(host, 2) == 0xFF  # FF padding: accept semantics, nothing pending
        assert remote(host, slot) == (LOCALHOST, client.getsockname()[1])
        client.sendall(b"hello")
        assert read_exactly(host, slot, 5) == b"hello"
        assert send_tcp(host, slot, b"world") == 5
        client.settimeout(5)
        assert client.recv(5) == b"world"
        assert host.cmd1(0x2E, bytes((slot,))) == 1
    # nobody waiting now: FF 00
    host.send(bytes.fromhex("E0 2B 02 01 02 01 01 EE"))
    assert host.raw_reply(8) == bytes.fromhex("E0 AB 01 02 FF 00 EE 00")


def test_server_available_semantics_when_offset_6_is_zero(up):
    nina, host = up
    port = _free_port()
    assert host.cmd1(0x28, struct.pack(">H", port), b"\x02", b"\x00") == 1
    poll = bytes.fromhex("E0 2B 01 01 02 EE 00 00")  # one param, zero padding
    with socket.create_connection((nina.world.ip, port)) as client:
        host.send(poll)
        assert host.raw_reply(8)[4:6] == b"\xff\x00"  # a silent client is not reported
        client.sendall(b"data")

        def reported():
            host.send(poll)
            return host.raw_reply(8)[4] != 0xFF

        wait_for(reported, what="client with data")
        host.send(poll)
        slot = host.raw_reply(8)[4]
        host.send(poll)
        assert host.raw_reply(8)[4] == slot  # reported again while data is unread
        assert read_exactly(host, slot, 4) == b"data"
        host.send(poll)
        assert host.raw_reply(8)[4:6] == b"\xff\x00"
        host.cmd(0x2E, bytes((slot,)))


@pytest.mark.parametrize("persona, flag, accepts", [
    ("adafruit-1.7", 1, False),  # no accept flag before 2.0: "available" semantics
    ("arduino-1.5", 1, False),  # the flag is read from Arduino 1.6.0
    ("adafruit-3.3", 0, True),  # arduino-esp32: accept() on both paths
])
def test_server_semantics_per_persona(world, persona, flag, accepts):
    nina, host = _up(world, persona)
    try:
        port = _free_port()
        assert host.cmd1(0x28, struct.pack(">H", port), b"\x01", b"\x00") == 1
        with socket.create_connection((nina.world.ip, port)):
            found = []

            def poll():
                value = struct.unpack("<H", host.cmd(0x2B, b"\x01", bytes((flag,)))[0])[0]
                found.append(value)
                return value != 0xFF

            if accepts:
                wait_for(poll, what="accept")
                assert found[-1] == 0
            else:
                assert not poll()
    finally:
        nina.close()


@pytest.mark.parametrize("persona, answer", [("arduino-2.0", 0), ("adafruit-1.7", 1), ("adafruit-3.3", 0)])
def test_start_server_on_a_port_in_use(world, persona, answer):
    """Adafruit 1.x startServerTcp answers 1 whatever WiFiServer::begin() did; the slot's
    server is not listening, and GET_STATE_TCP says so."""
    nina, host = _up(world, persona)
    try:
        port = _free_port()
        assert host.cmd1(0x28, struct.pack(">H", port), b"\x00", b"\x00") == 1
        assert host.cmd1(0x28, struct.pack(">H", port), b"\x01", b"\x00") == answer  # bind fails
        assert host.cmd1(0x29, b"\x01") == 0
        assert host.cmd1(0x29, b"\x00") == 1
        assert [s.get("listening") for s in nina.open_sockets() if "listening" in s] == [port]
    finally:
        nina.close()


def test_accept_race_on_adafruit_33_drops_a_client_the_host_never_sees(world):
    """Adafruit 3.x updateGpio0Pin: hasClient() || accept(). A client landing between the
    two is accepted into a temporary NetworkClient and closed at once."""
    nina, host = _up(world, "adafruit-3.3")
    try:
        port = _free_port()
        assert host.cmd1(0x28, struct.pack(">H", port), b"\x00", b"\x00") == 1
        nina.faults.arm("accept_race")
        with socket.create_connection(world.listen_address(port), timeout=10) as lost:
            wait_for(lambda: host.cmd1(0x20) == 3 and nina.faults.injected["accept_race"] == 1,
                     what="the race")
            assert lost.recv(1) == b""  # accepted, then closed by the firmware
            assert avail(host, 0) == 0xFF  # the host is told of nothing
        with socket.create_connection(world.listen_address(port), timeout=10) as kept:
            found = []
            wait_for(lambda: found.append(avail(host, 0)) or found[-1] != 0xFF, what="the next client")
            assert remote(host, found[-1]) == (LOCALHOST, kept.getsockname()[1])
            host.cmd(0x2E, bytes((found[-1],)))
    finally:
        nina.close()


def test_connect_held_until_released(up, peers):
    nina, host = up
    nina.faults.arm("connect_held")
    host.send(start_client_ip(LOCALHOST, peers["echo"], 0, 0))
    assert nina.faults.wait_injected("connect_held", 1, timeout=10)
    assert nina.ready.value  # busy in its connect: the peer has not answered
    nina.faults.release()
    assert host.reply(0x2D) == [b"\x01"]
    assert send_tcp(host, 0, b"late") == 4
    assert read_exactly(host, 0, 4) == b"late"
    host.cmd(0x2E, b"\x00")


def test_stop_client_leaves_the_listener_running(up):
    nina, host = up
    port = _free_port()
    assert host.cmd1(0x28, struct.pack(">H", port), b"\x00", b"\x00") == 1
    assert host.cmd1(0x2E, b"\x00") == 1
    assert host.cmd1(0x29, b"\x00") == 1  # still listening
    assert [s.get("listening") for s in nina.open_sockets()] == [port]
    host.boot()  # only a reset stops it
    assert nina.open_sockets() == []


def test_server_slot_write_goes_to_remembered_clients(up):
    nina, host = up
    port = _free_port()
    assert host.cmd1(0x28, struct.pack(">H", port), b"\x00", b"\x00") == 1
    poll = bytes.fromhex("E0 2B 01 01 00 EE 00 00")
    with socket.create_connection((nina.world.ip, port)) as client:
        client.sendall(b"x")

        def reported():
            host.send(poll)
            return host.raw_reply(8)[4] != 0xFF

        wait_for(reported, what="client")
        assert send_tcp(host, 0, b"to all") == 6
        client.settimeout(5)
        assert client.recv(6) == b"to all"


# -- UDP ------------------------------------------------------------------------------------------


def test_udp_datagram_boundaries_and_remote(up):
    nina, host = up
    port = _free_port()
    assert host.cmd1(0x28, struct.pack(">H", port), b"\x03", b"\x01") == 1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as peer:
        peer.bind(("127.0.0.1", 0))
        peer.sendto(b"first", (nina.world.ip, port))
        peer.sendto(b"second datagram", (nina.world.ip, port))
        wait_for(lambda: avail(host, 3) == 5, what="first datagram")
        assert read_buf(host, 3) == b"first"  # never spans into the next datagram
        assert avail(host, 3) == 15
        assert remote(host, 3) == (LOCALHOST, peer.getsockname()[1])
        assert read_buf(host, 3, 6) == b"second"
        assert avail(host, 3) == 9
        assert read_buf(host, 3) == b" datagram"
        assert avail(host, 3) == 0
        # reply to the sender: the remote was overwritten by the datagram's source
        assert host.cmd1(0x46, b"\x03", b"pong", wide=True) == 1
        assert host.cmd1(0x39, b"\x03") == 1
        peer.settimeout(5)
        assert peer.recvfrom(100) == (b"pong", (nina.world.ip, port))


def test_udp_send_buffer_is_not_cleared_by_send(up):
    nina, host = up
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as peer:
        peer.bind(("127.0.0.1", 0))
        peer.settimeout(5)
        peer_port = peer.getsockname()[1]
        assert host.cmd1(0x28, struct.pack(">H", _free_port()), b"\x04", b"\x01") == 1
        # docs/protocol-nina.rst, Worked frames: START_CLIENT(dest, mode 1), INSERT "hi", SEND
        host.send(start_client_ip(LOCALHOST, peer_port, 4, 1))
        assert host.reply(0x2D) == [b"\x01"]
        host.send(bytes.fromhex("E0 46 02 00 01 04 00 02 68 69 EE FF"))
        assert host.raw_reply(8) == bytes.fromhex("E0 C6 01 01 01 EE 00 00")
        host.send(bytes.fromhex("E0 39 01 01 04 EE FF FF"))
        assert host.raw_reply(8) == bytes.fromhex("E0 B9 01 01 01 EE 00 00")
        assert peer.recv(100) == b"hi"
        assert host.cmd1(0x39, b"\x04") == 1
        assert peer.recv(100) == b"hi"  # the buffer was not cleared
        assert host.cmd1(0x46, b"\x04", b"", wide=True) == 0  # empty append replies 0
        assert host.cmd1(0x46, b"\x04", b"!", wide=True) == 1
        assert host.cmd1(0x39, b"\x04") == 1
        assert peer.recv(100) == b"hi!"
        host.send(start_client_ip(LOCALHOST, peer_port, 4, 1))  # clears the buffer
        assert host.reply(0x2D) == [b"\x01"]
        assert host.cmd1(0x46, b"\x04", b"new", wide=True) == 1
        assert host.cmd1(0x39, b"\x04") == 1
        assert peer.recv(100) == b"new"


@pytest.mark.parametrize("persona, works", [("arduino-2.0", False), ("adafruit-3.3", True)])
def test_udp_send_without_bind(world, persona, works):
    nina, host = _up(world, persona)
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as peer:
            peer.bind(("127.0.0.1", 0))
            host.send(start_client_ip(LOCALHOST, peer.getsockname()[1], 0, 1))
            assert host.reply(0x2D) == [b"\x01"]
            assert host.cmd1(0x46, b"\x00", b"x", wide=True) == 1
            assert host.cmd1(0x39, b"\x00") == (1 if works else 0)
    finally:
        nina.close()


def test_udp_rebind_same_port_fails_and_leaks(up):
    nina, host = up
    port = _free_port()
    assert host.cmd1(0x28, struct.pack(">H", port), b"\x00", b"\x01") == 1
    assert host.cmd1(0x28, struct.pack(">H", port), b"\x00", b"\x01") == 0
    assert [s["type"] for s in nina.open_sockets()] == ["udp", "leaked"]


@pytest.mark.parametrize("persona, silent_raises", [
    ("arduino-2.0", True),  # updateGpio0Pin: hasClient() || available()
    ("arduino-1.5", False),  # available(): a client counts once it has data
    ("adafruit-1.7", False),
])
def test_gpio0_for_a_pending_client(world, persona, silent_raises):
    nina, host = _up(world, persona)
    try:
        port = _free_port()
        assert host.cmd1(0x28, struct.pack(">H", port), b"\x01", b"\x00") == 1
        with socket.create_connection(world.listen_address(port)) as client:
            if silent_raises:
                wait_for(lambda: nina.gpio0.value is True, what="GPIO0 high")
            else:  # taken into the server's book keeping, GPIO0 stays low
                wait_for(lambda: not nina.gpio0.value
                         and [s.get("remembered") for s in nina.open_sockets()] == [1],
                         what="the client remembered")
                client.sendall(b"data")
                wait_for(lambda: nina.gpio0.value is True, what="GPIO0 high")
    finally:
        nina.close()


def test_gpio0_signals_data_available(up):
    nina, host = up
    assert nina.gpio0.value is False
    port = _free_port()
    assert host.cmd1(0x28, struct.pack(">H", port), b"\x00", b"\x01") == 1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as peer:
        peer.sendto(b"ping", (nina.world.ip, port))
        wait_for(lambda: nina.gpio0.value is True, what="GPIO0 high")
        assert avail(host, 0) == 4
        read_buf(host, 0)
        wait_for(lambda: nina.gpio0.value is False, what="GPIO0 low")


def test_dropping_the_ap_stops_open_sockets(up, world, peers):
    nina, host = up
    host.send(start_client_ip(LOCALHOST, peers["echo"], 0, 0))
    assert host.reply(0x2D) == [b"\x01"]
    world.drop_access_point("lab-ap")
    assert host.cmd1(0x20) == 6
    assert send_tcp(host, 0, b"lost") == 0
    assert host.cmd1(0x2F, b"\x00") == 0
    host.send(start_client_ip(LOCALHOST, peers["echo"], 0, 0))
    assert host.raw_reply(4) == bytes.fromhex("E0 AD 00 EE")  # no link: no connect
    world.restore_access_point("lab-ap")


def test_socket_budget_is_shared_with_listeners(up):
    nina, host = up
    for slot in range(10):
        assert host.cmd1(0x28, struct.pack(">H", 0), bytes((slot,)), b"\x01") == 1
    assert host.cmd1(0x3F) == 0xFF  # every slot used
    assert host.cmd1(0x2E, b"\x09") == 1
    assert host.cmd1(0x3F) == 9


def test_worked_examples_avail_and_get_databuf(up, peers):
    nina, host = up
    host.send(start_client_ip(LOCALHOST, peers["echo"], 0, 0))
    assert host.reply(0x2D) == [b"\x01"]
    payload = os.urandom(1440)
    assert send_tcp(host, 0, payload) == 1440

    def all_echoed():
        host.send(bytes.fromhex("E0 2B 01 01 00 EE FF FF"))
        return host.raw_reply(8)

    wait_for(lambda: all_echoed() == bytes.fromhex("E0 AB 01 02 A0 05 EE 00"), what="1440 bytes")
    host.send(bytes.fromhex("E0 45 02 00 01 00 00 02 00 04 EE FF"))  # max 1024, size LE
    reply = host.raw_reply(1032)
    assert reply[:5] == bytes.fromhex("E0 C5 01 04 00")  # length 0x0400, big-endian
    assert reply[5:1029] == payload[:1024]
    assert reply[1029:] == b"\xee\x00\x00"
    assert read_buf(host, 0) == payload[1024:]
    host.cmd(0x2E, b"\x00")


@pytest.mark.parametrize("tls", [False, True], ids=["tcp", "tls"])
def test_blocking_send_on_adafruit_33_waits_for_room(world, tls_material, tls):
    listener, go, got = slow_reader(tls_material[1] if tls else None)
    port = listener.getsockname()[1]
    if tls:
        world = Network(access_points={"lab-ap": "lab-password"}, hosts={"secure.lab": "127.0.0.1"},
                        ports={("secure.lab", 443): port}, cafile=tls_material[0],
                        resolve_host_names=False)
    nina, host = _up(world, "adafruit-3.3")
    try:
        start = start_client_host(b"secure.lab", 443, 0, 2) if tls else start_client_ip(LOCALHOST, port, 0, 0)
        host.send(start)
        assert host.reply(0x2D) == [b"\x01"]
        chunk = bytes(4083)
        sent = 0
        for _ in range(5000):
            host.send(frame(0x44, b"\x00", chunk, wide=True))
            if nina.ready.value:  # the firmware is blocked inside the write
                break
            assert host.reply(0x44) == [struct.pack("<H", len(chunk))]
            sent += len(chunk)
        else:
            pytest.fail("the send never blocked")
        go.set()  # the peer reads: the blocked write completes, whole
        assert host.reply(0x44) == [struct.pack("<H", len(chunk))]
        sent += len(chunk)
        wait_for(lambda: len(got) == sent, timeout=20, what="all bytes at the peer")
        assert host.cmd1(0x2E, b"\x00") == 1
    finally:
        go.set()
        nina.close()
        listener.close()


def _tls_world(tls_material, port):
    return Network(access_points={"lab-ap": "lab-password"}, hosts={"secure.lab": "127.0.0.1"},
                   ports={("secure.lab", 443): port}, cafile=tls_material[0],
                   resolve_host_names=False)


def _fill(host, nina, chunk, blocks):
    """SEND_DATA_TCP ``chunk`` on slot 0 until the firmware takes nothing (answers 0) or,
    with ``blocks``, stays busy in the write (READY high, its reply not read yet)."""
    sent = 0
    for _ in range(5000):
        if blocks:
            host.send(frame(0x44, b"\x00", chunk, wide=True))
            if nina.ready.value:
                return sent
            written = struct.unpack("<H", host.reply(0x44)[0])[0]
        else:
            written = send_tcp(host, 0, chunk)
        if written == 0:
            return sent
        assert written == len(chunk)
        sent += written
    pytest.fail("the send buffer never filled")


@pytest.mark.parametrize("persona", ["arduino-2.0", "adafruit-1.7"])
def test_tls_send_on_idf33_firmware_answers_0_and_holds_the_record(tls_material, persona):
    """<= 2.x: WiFiSSLClient::write is one mbedtls_ssl_write on a non-blocking socket: with
    no room it answers 0 at once, and mbedTLS keeps the record. The next write flushes it
    and answers its own length, whatever bytes it carried (ssl_write_real, out_left != 0)."""
    listener, go, got = slow_reader(tls_material[1])
    nina, host = _up(_tls_world(tls_material, listener.getsockname()[1]), persona)
    try:
        host.send(start_client_host(b"secure.lab", 443, 0, 2))
        assert host.reply(0x2D) == [b"\x01"]
        held = b"A" * 4083
        sent = _fill(host, nina, held, blocks=False)  # each answer comes at once
        other = b"B" * 10
        assert send_tcp(host, 0, other) == 0  # still no room
        go.set()
        wait_for(lambda: send_tcp(host, 0, other) == len(other), timeout=20, what="the flush")
        # (before STOP_CLIENT: a close with unread bytes, such as TLS session tickets, resets)
        wait_for(lambda: len(got) >= sent + len(held), timeout=20, what="the bytes at the peer")
        assert bytes(got) == held * (sent // len(held) + 1)  # the held record, not the Bs
        assert host.cmd1(0x2E, b"\x00") == 1
    finally:
        go.set()
        nina.close()
        listener.close()


def test_tls_send_on_adafruit_33_gives_up_after_the_socket_timeout_and_stops(tls_material):
    """Adafruit 3.x: send_ssl_data retries until NetworkClientSecure's 30 s socket timeout,
    then fails; NetworkClientSecure::write stops the client and answers 0."""
    assert NinaTiming().tls_send_timeout == 30.0
    listener, go, got = slow_reader(tls_material[1])
    world = _tls_world(tls_material, listener.getsockname()[1])
    nina = NinaEmulator(world, persona="adafruit-3.3", timing=NinaTiming(tls_send_timeout=1.0))
    try:
        host = RawHost(nina)
        host.boot()
        assert host.join("lab-ap", "lab-password") == 3
        host.send(start_client_host(b"secure.lab", 443, 0, 2))
        assert host.reply(0x2D) == [b"\x01"]
        # The host's loopback may still open its window a little after the first send that
        # blocks (the kernel's buffers are not lwIP's): send until one makes no progress.
        for _ in range(20):
            _fill(host, nina, bytes(4083), blocks=True)
            if host.reply(0x44) == [struct.pack("<H", 0)]:  # after tls_send_timeout
                break
        else:
            pytest.fail("every blocked TLS send went through in the end")
        assert host.cmd1(0x2F, b"\x00") == 0  # the client was stopped
    finally:
        go.set()
        nina.close()
        listener.close()


def test_leaked_sockets_use_up_the_lwip_budget(up):
    nina, host = up
    ports = _free_udp_ports(11)
    for slot in range(9):
        assert host.cmd1(0x28, struct.pack(">H", ports[slot]), bytes((slot,)), b"\x01") == 1
    # binding slot 0's port again: fails, the old socket leaks (still bound, still counted)
    assert host.cmd1(0x28, struct.pack(">H", ports[0]), b"\x00", b"\x01") == 0
    assert host.cmd1(0x28, struct.pack(">H", ports[9]), b"\x09", b"\x01") == 1  # 10th socket
    assert host.cmd1(0x28, struct.pack(">H", ports[10]), b"\x00", b"\x01") == 0  # none left
    assert sum(1 for s in nina.open_sockets() if s["type"] == "leaked") == 1
    host.boot()
    assert nina.open_sockets() == []


def test_a_persona_copy_changes_one_quirk(world):
    from netdev_emulator.nina import PERSONAS

    roomy = PERSONAS["arduino-2.0"].copy(max_tls=2)
    with NinaEmulator(world, persona=roomy) as nina:
        host = RawHost(nina)
        host.boot()
        assert host.join("lab-ap", "lab-password") == 3
        for slot in (0, 1):
            host.send(start_client_host(b"secure.lab", 443, slot, 2))
            assert host.reply(0x2D) == [b"\x01"]
        assert [s["type"] for s in nina.open_sockets()] == ["tls", "tls"]
        assert PERSONAS["arduino-2.0"].max_tls == 1


def test_stop_client_can_be_told_to_stop_listeners(up):
    nina, host = up
    nina.stop_client_stops_listener = True
    port = _free_port()
    assert host.cmd1(0x28, struct.pack(">H", port), b"\x00", b"\x00") == 1
    assert host.cmd1(0x2E, b"\x00") == 1
    assert host.cmd1(0x29, b"\x00") == 0
    assert nina.open_sockets() == []
    assert host.cmd1(0x28, struct.pack(">H", port), b"\x00", b"\x00") == 1  # port free again
