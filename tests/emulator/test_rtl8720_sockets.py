# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The RTL8720DN emulator's lwIP sockets and DNS, driven by raw frames against real
peers on 127.0.0.1: byte-exact echo, errno rules, slot limits, non-blocking connect with
select, listening sockets, UDP, EOF, link loss."""

import hashlib
import socket
import struct
import threading

import pytest

from netdev_emulator import Network, RTL8720Emulator
from netdev_emulator.network import WIRE_SLACK
from netdev_emulator.rtl8720_sockets import TCP_SND_BUF
from tests.emulator.heap import HeapPeak
from tests.emulator.rtl8720_client import (
    Client,
    binary,
    body,
    fdset,
    frame,
    i32,
    null,
    present,
    sockaddr,
    string,
    u32,
)
from tests.emulator.test_rtl8720_raw import EchoServer

EWOULDBLOCK = 11
EBADF = 9
ENFILE = 23
ENOTCONN = 107
ECONNRESET = 104
ECONNABORTED = 103
EINPROGRESS = 115
EHOSTUNREACH = 113
EOPNOTSUPP = 95
ENOSYS = 38
ENOPROTOOPT = 92


@pytest.fixture
def echo():
    server = EchoServer()
    yield server
    server.close()


@pytest.fixture
def quiet_server():
    """A server that accepts and leaves the connections to the test."""
    server = EchoServer(echo=False)
    yield server
    server.close()


@pytest.fixture
def world(echo):
    return Network(
        access_points={"lab-ap": "lab-password"},
        hosts={"echo.test": "10.1.2.3"},
        ports={("echo.test", 7): echo.port},
        resolve_host_names=False,
    )


@pytest.fixture
def rtl(world):
    chip = RTL8720Emulator(world)
    yield chip
    chip.close()


@pytest.fixture
def client(rtl):
    c = Client(rtl.uart)
    assert c.join("lab-ap", "lab-password") == 0
    return c


def connected_socket(client, port):
    fd = client.socket()
    assert fd >= 0
    assert client.connect(fd, "127.0.0.1", port) == 0
    return fd


def recv_exactly(client, fd, count, chunk=4080):
    data = bytearray()
    while len(data) < count:
        result, mem = client.recv(fd, min(chunk, count - len(data)))
        if result > 0:
            data += mem
        else:
            assert result == -1 and client.errno() == EWOULDBLOCK, result
            # nothing yet: wait on the firmware side (a blocking select on the socket)
            client.result(16, 21, i32(fd + 1) + present(binary(fdset(fd))) + null() + null()
                          + present(binary(struct.pack("<qi4x", 1, 0))))
    return bytes(data)


def test_echo_byte_exact_small(client, rtl, echo):
    fd = connected_socket(client, echo.port)
    assert client.send_data(fd, b"hello, lwIP") == 11
    assert recv_exactly(client, fd, 11) == b"hello, lwIP"
    info = rtl.open_sockets()[fd]
    assert info["type"] == "tcp" and info["state"] == "connected"
    assert info["peer"] == ("127.0.0.1", echo.port)
    assert client.close(fd) == 0
    assert rtl.open_sockets() == {}


def test_echo_large_payload_byte_exact(client, echo):
    payload = hashlib.sha256(b"seed").digest() * (300 * 1024 // 32)  # 300 KiB
    fd = connected_socket(client, echo.port)
    received = bytearray()
    sent = 0
    while sent < len(payload):
        chunk = payload[sent:sent + 4076]  # the biggest send that fits a 4096-byte message
        count = client.send_data(fd, chunk)
        if count < 0:
            assert client.errno() == EWOULDBLOCK
        else:
            assert 0 < count <= len(chunk)
            sent += count
        # drain the echo as we go, so neither side's buffers fill
        result, mem = client.recv(fd, 4080)
        if result > 0:
            received += mem
    received += recv_exactly(client, fd, len(payload) - len(received))
    assert bytes(received) == payload
    assert client.close(fd) == 0


def test_connect_by_name_through_dns_and_port_map(client, rtl, echo):
    reply, _ = client.call(16, 25, string("echo.test"))
    assert reply.binary() == bytes([10, 1, 2, 3]) and reply.i8() == 0
    fd = client.socket()
    assert client.connect(fd, "10.1.2.3", 7) == 0  # the world routes it to the echo server
    assert rtl.open_sockets()[fd]["peer"] == ("10.1.2.3", 7)
    reply, _ = client.call(16, 4, i32(fd) + u32(16))  # getpeername: what the device asked for
    assert reply.binary() == bytes([16, 2, 0, 7, 10, 1, 2, 3]) + bytes(8)
    assert reply.u32() == 16 and reply.i32() == 0
    assert client.send_data(fd, b"via name") == 8
    assert recv_exactly(client, fd, 8) == b"via name"
    client.close(fd)


def test_dns_failure_is_err_val(client, world):
    reply, _ = client.call(16, 25, string("nowhere.test"))
    assert len(reply.binary()) == 4 and reply.i8() == -6
    reply, _ = client.call(16, 25, string("192.0.2.9"))
    assert reply.binary() == bytes([192, 0, 2, 9]) and reply.i8() == 0
    world.dns_failing = True
    reply, _ = client.call(16, 25, string("other.test"))
    assert len(reply.binary()) == 4 and reply.i8() == -6


def test_errno_after_failed_calls(client):
    assert client.close(5) == -1
    assert client.errno() == EBADF
    assert client.errno() == EBADF  # sticky: reading it does not clear it
    fd = client.socket()
    assert fd == 0
    assert client.errno() == EBADF  # a successful call does not clear it either
    result, _ = client.recv(fd, 10)  # unconnected TCP, MSG_DONTWAIT
    assert result == -1 and client.errno() == EWOULDBLOCK
    assert client.send_data(fd, b"x") == -1 and client.errno() == ENOTCONN
    assert client.fcntl(fd, 4, 2) == -1 and client.errno() == ENOSYS
    assert client.fcntl(fd, 99, 0) == -1 and client.errno() == ENOSYS
    udp = client.socket(2, 17)
    assert client.result(16, 10, i32(udp) + i32(1)) == -1  # listen on UDP
    assert client.errno() == EOPNOTSUPP
    client.close(fd)
    client.close(udp)


def test_connect_refused_is_econnreset(client):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening: the kernel refuses
        fd = client.socket()
        assert client.connect(fd, "127.0.0.1", port) == -1
        assert client.errno() == ECONNRESET  # lwIP has no ECONNREFUSED
        assert client.connect(fd, "127.0.0.1", port) == -1  # the PCB is gone
        assert client.errno() == ENOTCONN
        assert client.close(fd) == 0


def test_connect_without_link_is_ehostunreach(rtl, echo):
    client = Client(rtl.uart)
    fd = client.socket()
    assert client.connect(fd, "127.0.0.1", echo.port) == -1
    assert client.errno() == EHOSTUNREACH
    client.close(fd)


def test_eight_sockets_then_enfile_and_lowest_free_reuse(client, rtl, echo):
    fds = [client.socket() for _ in range(4)] + [client.socket(2, 17) for _ in range(2)]
    fds += [client.socket() for _ in range(2)]
    assert fds == list(range(8))
    assert client.socket() == -1
    assert client.errno() == ENFILE
    assert client.close(3) == 0 and client.close(5) == 0
    assert client.socket() == 3  # the lowest free index, at once
    assert client.socket() == 5
    for fd in range(8):
        assert client.close(fd) == 0
    assert rtl.open_sockets() == {}


def test_udp_pcb_limit(client):
    # 6 UDP PCBs, one held by the DNS client and one by the DHCP client (running)
    fds = [client.socket(2, 17) for _ in range(4)]
    assert fds == [0, 1, 2, 3]
    assert client.socket(2, 17) == -1
    assert client.errno() == 105  # ENOBUFS
    for fd in fds:
        client.close(fd)


def test_nonblocking_connect_select_so_error(client, echo):
    fd = client.socket()
    assert client.fcntl(fd, 4, 1) == 0
    assert client.fcntl(fd, 3, 0) == 1
    result = client.connect(fd, "127.0.0.1", echo.port)
    if result == -1:
        assert client.errno() == EINPROGRESS
    count = client.result(16, 21, i32(fd + 1) + null() + present(binary(fdset(fd))) + null()
                          + present(binary(struct.pack("<qi4x", 2, 0))))
    assert count == 1
    reply, _ = client.call(16, 6, i32(fd) + i32(0xFFF) + i32(0x1007) + binary(bytes(4)) + u32(4))
    assert reply.binary() == bytes(4) and reply.u32() == 4 and reply.i32() == 0
    assert client.fcntl(fd, 4, 0) == 0
    assert client.send_data(fd, b"after select") == 12
    assert recv_exactly(client, fd, 12) == b"after select"
    client.close(fd)


def test_nonblocking_connect_refused_reports_so_error(client):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        fd = client.socket()
        client.fcntl(fd, 4, 1)
        client.connect(fd, "127.0.0.1", port)
        client.result(16, 21, i32(fd + 1) + null() + present(binary(fdset(fd))) + null()
                      + present(binary(struct.pack("<qi4x", 2, 0))))
        reply, _ = client.call(16, 6, i32(fd) + i32(0xFFF) + i32(0x1007) + binary(bytes(4))
                               + u32(4))
        assert struct.unpack("<i", reply.binary())[0] == ECONNRESET
        client.close(fd)


def test_listen_accept_getpeername(client, rtl, world):
    fd = client.socket()
    assert client.result(16, 2, i32(fd) + binary(sockaddr("0.0.0.0", 0)) + u32(16)) == 0
    assert client.result(16, 10, i32(fd) + i32(5)) == 0
    assert client.fcntl(fd, 4, 1) == 0
    reply, _ = client.call(16, 5, i32(fd) + u32(16))  # getsockname: the port the host bound
    name = reply.binary()
    port = (name[2] << 8) | name[3]
    assert port and reply.u32() == 16 and reply.i32() == 0
    reply, _ = client.call(16, 1, i32(fd) + binary(bytes(16)) + u32(16))
    assert reply.u32() == 16 and reply.i32() == -1 and client.errno() == EWOULDBLOCK
    peer = socket.create_connection(world.listen_address(port), timeout=5)
    # the listener becomes readable once the connection is queued
    assert client.result(16, 21, i32(fd + 1) + present(binary(fdset(fd))) + null() + null()
                         + present(binary(struct.pack("<qi4x", 2, 0)))) == 1
    reply, _ = client.call(16, 1, i32(fd) + binary(bytes(16)) + u32(16))
    assert reply.u32() == 16  # accept returns no address, only the unchanged length
    new = reply.i32()
    assert new == 1
    assert rtl.open_sockets()[new]["accepted"]
    reply, _ = client.call(16, 4, i32(new) + u32(16))
    name = reply.binary()
    assert name[4:8] == bytes([127, 0, 0, 1])
    assert (name[2] << 8 | name[3]) == peer.getsockname()[1]
    peer.sendall(b"ping")
    assert recv_exactly(client, new, 4) == b"ping"
    assert client.send_data(new, b"pong") == 4
    assert peer.recv(4) == b"pong"
    peer.close()
    # EOF: 0, and 0 again
    while True:
        result, _ = client.recv(new, 10)
        if result == 0:
            break
        assert client.errno() == EWOULDBLOCK
        client.result(16, 21, i32(new + 1) + present(binary(fdset(new))) + null() + null()
                      + present(binary(struct.pack("<qi4x", 1, 0))))
    assert client.recv(new, 10)[0] == 0
    client.close(new)
    client.close(fd)


def test_udp_sendto_recvfrom(client):
    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.bind(("127.0.0.1", 0))
    peer.settimeout(5)
    fd = client.socket(2, 17)
    assert client.result(16, 2, i32(fd) + binary(sockaddr("0.0.0.0", 0)) + u32(16)) == 0
    to = sockaddr("127.0.0.1", peer.getsockname()[1])
    assert client.result(16, 17, i32(fd) + binary(b"datagram") + i32(0) + binary(to) + u32(16)) == 8
    data, addr = peer.recvfrom(100)
    assert data == b"datagram"
    peer.sendto(b"reply-datagram-longer", addr)
    for _ in range(100):
        client.result(16, 21, i32(fd + 1) + present(binary(fdset(fd))) + null() + null()
                      + present(binary(struct.pack("<qi4x", 1, 0))))
        reply, _ = client.call(16, 14, i32(fd) + u32(5) + i32(8) + u32(16) + u32(0))
        mem, source, fromlen, result = reply.binary(), reply.binary(), reply.u32(), reply.i32()
        if result > 0:
            break
    assert (mem, result, fromlen) == (b"reply", 5, 16)  # the rest of the datagram is dropped
    assert source[4:8] == bytes([127, 0, 0, 1])
    assert (source[2] << 8 | source[3]) == peer.getsockname()[1]
    reply, _ = client.call(16, 14, i32(fd) + u32(5) + i32(8) + u32(16) + u32(0))
    assert len(reply.binary()) == 1 and len(reply.binary()) == 16
    assert reply.u32() == 16 and reply.i32() == -1  # nothing more: fromlen echoed
    peer.close()
    client.close(fd)


def recvfrom(client, fd, length, fromlen):
    """16/14 on a blocking UDP socket once select says readable: (data, from, fromlen, result)."""
    client.result(16, 21, i32(fd + 1) + present(binary(fdset(fd))) + null() + null()
                  + present(binary(struct.pack("<qi4x", 5, 0))))
    reply, _ = client.call(16, 14, i32(fd) + u32(length) + i32(0) + u32(fromlen) + u32(0))
    found = reply.binary(), reply.binary(), reply.u32(), reply.i32()
    assert reply.done()
    return found


def test_recvfrom_reports_each_sender_as_lwip_copies_it(rtl, client):
    """A UDP server on the chip: lwip_recvfrom copies min(fromlen, 16) bytes of the
    sender's sockaddr_in (sin_len 16, AF_INET, port, address) into the firmware's 16-byte
    buffer and lowers fromlen to that (lwIP sockets.c; rpc_lwip_recvfrom, wifi_api.c)."""
    fd = client.socket(2, 17)
    assert client.result(16, 2, i32(fd) + binary(sockaddr("0.0.0.0", 0)) + u32(16)) == 0
    reply, _ = client.call(16, 5, i32(fd) + u32(16))  # getsockname: the port it listens on
    name = reply.binary()
    port = name[2] << 8 | name[3]
    senders = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
    for sender in senders:
        sender.bind(("127.0.0.1", 0))
    try:
        for number, sender in enumerate(senders):
            sender.sendto(b"from %d" % number, (rtl.world.ip, port))
            data, source, fromlen, result = recvfrom(client, fd, 64, 16)
            assert (data, result, fromlen) == (b"from %d" % number, 6, 16)
            assert source == sockaddr("127.0.0.1", sender.getsockname()[1], sin_len=16)
        senders[0].sendto(b"short", (rtl.world.ip, port))
        data, source, fromlen, result = recvfrom(client, fd, 64, 6)
        assert (data, result, fromlen) == (b"short", 5, 6)
        whole = sockaddr("127.0.0.1", senders[0].getsockname()[1], sin_len=16)
        assert source[:6] == whole[:6] and len(source) == 16  # the rest: never written
    finally:
        for sender in senders:
            sender.close()
    client.close(fd)


def test_recvfrom_on_tcp_reports_the_peer(client, echo):
    fd = connected_socket(client, echo.port)
    assert client.send_data(fd, b"echo me") == 7
    for _ in range(100):
        reply, _ = client.call(16, 14, i32(fd) + u32(7) + i32(0) + u32(16) + u32(0))
        data, source, fromlen, result = reply.binary(), reply.binary(), reply.u32(), reply.i32()
        if result > 0:
            break
    assert (data, fromlen) == (b"echo me", 16)
    assert source == sockaddr("127.0.0.1", echo.port, sin_len=16)
    client.close(fd)


def test_a_peer_that_stops_reading_fills_the_send_buffer(client, quiet_server):
    """lwIP's TCP_SND_BUF on top of the model's slack (WIRE_SLACK unsent host bytes still
    count as on the wire): a send then moves nothing and select says not writable, until
    the peer reads again."""
    fd = connected_socket(client, quiet_server.port)
    peer = quiet_server.connection()
    chunk = bytes(4076)
    accepted = 0
    for _ in range(16 * 1024 * 1024 // len(chunk)):  # bounded: far past any host buffer
        count = client.send_data(fd, chunk)
        if count < 0:
            assert client.errno() == EWOULDBLOCK
            break
        accepted += count
    else:
        pytest.fail("16 MiB went to a peer that never reads, without pushing back")
    assert accepted >= WIRE_SLACK + TCP_SND_BUF  # a moment's stall of the peer is not this
    never = struct.pack("<qi4x", 0, 0)  # a zero timeval: poll
    assert client.result(16, 21, i32(fd + 1) + null() + present(binary(fdset(fd))) + null()
                         + present(binary(never))) == 0
    received = 0
    peer.settimeout(5)
    while received < accepted:
        data = peer.recv(1 << 20)
        assert data
        received += len(data)
    assert received == accepted  # nothing the firmware did not report was sent
    one_second = struct.pack("<qi4x", 1, 0)
    assert client.result(16, 21, i32(fd + 1) + null() + present(binary(fdset(fd))) + null()
                         + present(binary(one_second))) == 1
    assert client.send_data(fd, chunk) == len(chunk)
    client.close(fd)


def test_blocking_recv_blocks_the_firmware_until_data(client, quiet_server):
    fd = connected_socket(client, quiet_server.port)
    peer = quiet_server.connection()
    done = threading.Event()

    def later():
        # released by the test thread only after the blocking recv was sent
        done.wait(5)
        peer.sendall(b"late")

    threading.Thread(target=later, daemon=True).start()
    seq = client.send(16, 12, i32(fd) + u32(100) + i32(0) + u32(0))  # flags 0: blocking
    assert client.read_frame(timeout=0.2) is None  # the firmware is stuck in recv
    done.set()
    reply = client.read_frame(timeout=5)
    assert reply.seq == seq and reply.binary() == b"late" and reply.i32() == 4
    client.close(fd)


def test_so_rcvtimeo_bounds_a_blocking_recv(client, echo):
    fd = connected_socket(client, echo.port)
    assert client.result(16, 7, i32(fd) + i32(0xFFF) + i32(0x1006) + binary(struct.pack("<i", 50))
                         + u32(4)) == 0
    result, _ = client.recv(fd, 10, flags=0)
    assert result == -1 and client.errno() == EWOULDBLOCK
    client.close(fd)


def test_sockopts(client, echo):
    fd = connected_socket(client, echo.port)

    def get(level, opt):
        reply, _ = client.call(16, 6, i32(fd) + i32(level) + i32(opt) + binary(bytes(4)) + u32(4))
        value = struct.unpack("<i", reply.binary())[0]
        reply.u32()
        return reply.i32(), value

    def put(level, opt, value):
        return client.result(16, 7, i32(fd) + i32(level) + i32(opt) + binary(struct.pack("<i", value))
                             + u32(4))

    assert put(0xFFF, 0x0008, 1) == 0  # SO_KEEPALIVE
    assert get(0xFFF, 0x0008) == (0, 0x0008)  # lwIP returns the option bit
    assert put(6, 1, 1) == 0  # TCP_NODELAY
    assert get(6, 1) == (0, 0x40)
    assert get(0xFFF, 0x1008) == (0, 1)  # SO_TYPE
    assert put(0xFFF, 0x7777, 1) == -1 and client.errno() == ENOPROTOOPT
    reply, _ = client.call(16, 6, i32(fd) + i32(0xFFF) + i32(0x1008) + binary(bytes(2)) + u32(2))
    assert len(reply.binary()) == 2 and reply.u32() == 2 and reply.i32() == -1
    client.close(fd)


def test_peer_reset_surfaces_as_econnreset(client, quiet_server):
    fd = connected_socket(client, quiet_server.port)
    peer = quiet_server.connection()
    peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    peer.close()  # RST
    for _ in range(200):
        result, _ = client.recv(fd, 10)
        if result == -1 and client.errno() == ECONNRESET:
            break
        assert result == -1 and client.errno() == EWOULDBLOCK
        client.result(16, 21, i32(fd + 1) + present(binary(fdset(fd))) + null() + null()
                      + present(binary(struct.pack("<qi4x", 1, 0))))
    else:
        pytest.fail("no ECONNRESET")
    assert client.send_data(fd, b"x") == -1 and client.errno() == ECONNRESET
    client.close(fd)


def test_link_loss_aborts_connections(client, world, echo):
    fd = connected_socket(client, echo.port)
    world.drop_access_point("lab-ap")
    reply, events = client.call(14, 4)
    assert reply.i32() == -1 and [e.event()[0] for e in events] == [5]
    result, _ = client.recv(fd, 10)
    assert result == -1 and client.errno() == ECONNABORTED
    assert client.close(fd) == 0


def test_reply_too_big_for_the_buffer_is_not_sent(client, echo, rtl):
    fd = connected_socket(client, echo.port)
    assert client.send_data(fd, bytes(4076)) == 4076
    assert client.send_data(fd, bytes(100)) == 100
    for _ in range(200):  # FIONREAD until the whole echo is there
        reply, _ = client.call(16, 22, i32(fd) + u32(0x4004667F) + binary(bytes(4)))
        if struct.unpack("<i", reply.binary())[0] >= 4176:
            break
        client.result(16, 21, i32(fd + 1) + present(binary(fdset(fd))) + null() + null()
                      + present(binary(struct.pack("<qi4x", 0, 10000))))
    # a recv of 4100 bytes makes a 4116-byte reply: the firmware's codec overflows its
    # 4096-byte buffer and sends nothing, and the data it read is gone
    client.send(16, 12, i32(fd) + u32(4100) + i32(8) + u32(0))
    assert client.read_frame(timeout=0.3) is None
    assert recv_exactly(client, fd, 76) == bytes(76)
    client.close(fd)


# the three receive calls: (method, parameters for an fd and a length), flags 0 (a blocking
# socket waits for data)
RECEIVES = {
    "recv": (12, lambda fd, n: i32(fd) + u32(n) + i32(0) + u32(0)),
    "read": (13, lambda fd, n: i32(fd) + u32(n) + u32(0)),
    "recvfrom": (14, lambda fd, n: i32(fd) + u32(n) + i32(0) + u32(16) + u32(0)),
}


@pytest.mark.parametrize("call", sorted(RECEIVES))
def test_receive_longer_than_the_heap_gets_no_reply(client, quiet_server, call):
    # the firmware mallocs len bytes unchecked: past its 512 KiB of SRAM the malloc fails,
    # lwIP receives into NULL (the bytes are taken and lost) and eRPC refuses to encode a
    # NULL binary, so nothing is sent. The emulator reads what lwIP holds, not 3.7 GB.
    method, params = RECEIVES[call]
    fd = connected_socket(client, quiet_server.port)
    peer = quiet_server.connection()
    peer.sendall(b"lost")
    with HeapPeak() as heap:
        client.send(16, method, params(fd, 0xDEADBEEF))
        reply, _ = client.call(1, 1)  # the first reply is this one's (it checks the sequence)
    assert reply.string() == "2.1.3"
    assert heap.peak < 1024 * 1024
    peer.sendall(b"next")
    reply, _ = client.call(16, method, params(fd, 64))
    assert reply.binary() == b"next"
    client.close(fd)


def test_receive_longer_than_the_window_reads_what_lwip_holds(client, quiet_server):
    # 200 000 bytes fit the heap: the firmware answers with what lwIP had queued (never
    # more than its 7300-byte receive window), and the emulator reads no more than that
    fd = connected_socket(client, quiet_server.port)
    peer = quiet_server.connection()
    peer.sendall(b"small")
    with HeapPeak() as heap:
        reply, _ = client.call(16, 12, i32(fd) + u32(200_000) + i32(0) + u32(0))
    assert reply.binary() == b"small" and reply.i32() == 5
    assert heap.peak < 64 * 1024
    client.close(fd)


def test_dns_with_host_callback_is_a_nested_call(client):
    # a literal (or cached) name with a callback: the firmware invokes 19/2 on the host
    # before its reply, and keeps serving host calls while it waits for the host's answer
    arg = bytes(range(8))
    seq = client.send(16, 26, string("192.0.2.7") + u32(0x2000_1234) + present(binary(arg))
                      + bytes([0]))
    call = client.read_frame()
    assert (call.type, call.service, call.method) == (0, 19, 2)
    assert call.string() == "192.0.2.7"
    assert call.binary() == bytes([192, 0, 2, 7])
    assert call.u8() == 0 and call.binary() == arg and call.done()
    reply, _ = client.call(1, 1)  # served while the firmware waits (nested call)
    assert reply.string() == "2.1.3"
    client.write(frame(body(2, 19, 2, call.seq)))  # the host's void reply
    reply = client.read_frame()
    assert (reply.type, reply.service, reply.method, reply.seq) == (2, 16, 26, seq)
    assert reply.binary() == bytes([192, 0, 2, 7]) and reply.i8() == 0


def test_dns_lookup_in_progress_then_callback(client):
    seq = client.send(16, 26, string("echo.test") + u32(0) + null() + bytes([0]))
    reply = client.read_frame()
    assert reply.seq == seq and reply.binary() == bytes(4) and reply.i8() == -5  # INPROGRESS
    call = client.read_frame()  # later, from the lwIP task
    assert (call.type, call.service, call.method) == (0, 19, 2)
    assert call.string() == "echo.test" and call.binary() == bytes([10, 1, 2, 3])
    assert call.u8() == 1  # arg NULL


def test_reset_while_the_firmware_blocks(client, rtl, quiet_server):
    fd = connected_socket(client, quiet_server.port)
    peer = quiet_server.connection()
    client.send(16, 12, i32(fd) + u32(100) + i32(0) + u32(0))  # a blocking recv: stuck
    assert client.read_frame(timeout=0.1) is None
    rtl.enable.switch_to_output(False)  # returns once the chip has let go of everything
    assert rtl.open_sockets() == {}
    peer.settimeout(5)
    with pytest.raises(ConnectionResetError):  # the peer hears of it at once
        peer.recv(10)
    rtl.enable.value = True
    assert rtl.wait_running()
    assert client.read_frame(timeout=0.2) is None  # the stuck call never answers
    assert client.call(1, 1)[0].string() == "2.1.3"


@pytest.mark.parametrize("firmware", ["2.1.3", "2.1.0"])
def test_getpeername_copies_an_uninitialised_length(world, firmware):
    # 2.1.1+ (wifi_api.c) give lwip_getpeername the dataLength of a binary_t nobody set;
    # lwIP copies that many bytes of the sockaddr_in into a zeroed buffer. 2.1.0 passed
    # the host's namelen (16): always whole.
    lengths = [0, 1, 3, 4, 6, 16, 200]
    with RTL8720Emulator(world, firmware=firmware, uninitialised_namelen=lengths) as chip:
        client = Client(chip.uart)
        assert client.join("lab-ap", "lab-password") == 0
        fd = client.socket()
        assert client.result(16, 2, i32(fd) + binary(sockaddr("0.0.0.0", 0)) + u32(16)) == 0
        assert client.result(16, 10, i32(fd) + i32(5)) == 0
        reply, _ = client.call(16, 5, i32(fd) + u32(16))  # getsockname: draws 0 too
        assert reply.binary() == bytes(16) if firmware == "2.1.3" else reply.binary()[1] == 2
        peer = socket.create_connection(
            world.listen_address(chip.open_sockets()[fd]["local_port"]), timeout=5)
        reply, _ = client.call(16, 1, i32(fd) + binary(bytes(16)) + u32(16))  # blocks
        assert reply.u32() == 16
        new = reply.i32()
        assert new >= 0, client.errno()
        port = peer.getsockname()[1]
        whole = bytes([16, 2, port >> 8, port & 0xFF, 127, 0, 0, 1]) + bytes(8)
        seen = []
        for _ in lengths[1:]:
            reply, _ = client.call(16, 4, i32(new) + u32(16))
            seen.append(reply.binary())
            assert reply.u32() == 16 and reply.i32() == 0  # success, the length echoed
        if firmware == "2.1.0":
            assert seen == [whole] * 6
        else:
            assert seen == [whole[:k] + bytes(16 - k) for k in (1, 3, 4, 6, 16, 16)]
        peer.close()
        client.close(new)
        client.close(fd)
