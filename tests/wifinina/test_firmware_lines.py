# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The WiFiNINA driver where NINA-FW lines differ in ways a kind emulator would hide
(docs/protocol-nina.rst): a Wi-Fi loss (Adafruit 1.x never reports its end), Adafruit 3.3
keeping an accepted client's slot, sends that block on an accepted connection (Arduino,
Adafruit 2.x) or until lwIP's writable threshold (Adafruit 3.x), TLS handshakes of up to
120 s (Adafruit 3.x)."""

import socket
import threading
import time

import pytest

import adafruit_netdev as nd
import adafruit_netdev_wifinina as wifinina
from adafruit_netdev.netlink import ConnectParams
from tests.conftest import echo_once, free_port
from tests.device_wifinina import wifinina_on
from tests.emulator.test_nina_raw import wait_for
from tests.wifinina.conftest import assert_clean_bus
from tests.wifinina.test_sockets import _tls_peer_world, connect, recv_exact

_PARAMS = ConnectParams(ssid="lab-ap", passphrase="lab-password", retries=3)


def test_a_wifi_loss_aborts_connections_and_keeps_udp_sockets_and_listeners(world, persona, lab):
    """Every firmware line ends its connections when the station loses its access point
    (Adafruit 1.x without saying so: the driver's peek meets the abort), and none closes a
    UDP socket or a listener: after the rejoin they work as before."""
    with wifinina_on(world, persona) as (nina, dev):
        tcp = connect(dev, lab.tcp_echo)
        udp = dev.socket(nd.AF_INET, nd.SOCK_DGRAM, nd.IPPROTO_UDP)
        listener = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        port = free_port(dev.addr())
        try:
            dev.connect(udp, "", lab.udp_echo)
            dev.bind(listener, ("", port))
            dev.listen(listener, 1)
            bound = _udp_ports(nina)
            world.drop_access_point("lab-ap")
            with pytest.raises(OSError) as info:
                dev.recv(tcp, bytearray(8), 0, nd.deadline(10))
            assert info.value.args[0] == nd.ECONNABORTED
            world.restore_access_point("lab-ap")
            dev.net_disconnect()
            dev.net_connect(_PARAMS)
            assert dev.send(udp, b"same socket", 0, nd.deadline(5)) == 11
            buf = bytearray(32)
            assert dev.recv(udp, buf, 0, nd.deadline(5)) == 11 and buf[:11] == b"same socket"
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as peer:
                peer.sendto(b"same port", (dev.addr(), bound[0]))  # where it was bound
                assert dev.recv(udp, buf, 0, nd.deadline(5)) == 9 and buf[:9] == b"same port"
            with socket.create_connection((dev.addr(), port), timeout=10) as client:
                client.sendall(b"after the loss")
                conn, _ = dev.accept(listener, nd.deadline(10))
                try:
                    assert recv_exact(dev, conn, 14, bytearray(16)) == b"after the loss"
                finally:
                    dev.close(conn)
            assert dev.link_fault is None
        finally:
            for fd in (tcp, udp, listener):
                dev.close(fd)
        assert_clean_bus(nina)


def test_adafruit_20_is_told_by_its_release_candidate_version(world, lab):
    """Adafruit 2.0.0 answers "2.0.0-rc.0+adafruit" (never bumped): the driver takes it for
    what it is, Arduino 2.0 with Adafruit's 6 slots, and works."""
    with wifinina_on(world, "adafruit-2.0") as (_nina, dev):
        assert dev.firmware_version == "2.0.0-rc.0+adafruit"
        assert (dev.max_sockets, dev.accept_flag, dev.adafruit, dev.esp32_core) == (6, 1, True, False)
        echo_once(dev, lab)


def _udp_ports(nina):
    return [s["udp_port"] for s in nina.open_sockets() if "udp_port" in s]


def test_clients_that_leave_give_their_slots_back_on_adafruit_33(world, lab):
    """Adafruit 3.3 never frees an accepted client's slot when GET_CLIENT_STATE says 0
    (socketWasConnected is only set by START_CLIENT_TCP): the driver stops every slot whose
    connection ended, so a server serves more clients than there are slots."""
    with wifinina_on(world, "adafruit-3.3") as (nina, dev):
        port = free_port(dev.addr())
        listener = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        try:
            dev.bind(listener, ("", port))
            dev.listen(listener, 1)
            for i in range(dev.max_sockets + 3):
                with socket.create_connection((dev.addr(), port), timeout=10) as client:
                    client.sendall(b"#%d" % i)
                    client.shutdown(socket.SHUT_WR)
                    conn, _ = dev.accept(listener, nd.deadline(10))
                    try:
                        assert recv_exact(dev, conn, len(b"#%d" % i), bytearray(8)) == b"#%d" % i
                        assert dev.recv(conn, bytearray(8), 0, nd.deadline(10)) == 0
                    finally:
                        dev.close(conn)
            assert [s["slot"] for s in nina.open_sockets()] == [dev.fds[listener].number]
        finally:
            dev.close(listener)


def test_a_server_waits_for_a_slow_client_on_arduino_firmware(world):
    """Arduino (from 1.4.3) and Adafruit 2.x block SEND_DATA_TCP on an accepted connection
    until the client takes the bytes: a client that pauses 3 s (longer than a quick
    command's 2 s) costs no reset."""
    with wifinina_on(world, "arduino-2.0") as (nina, dev):
        port = free_port(dev.addr())
        listener = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        payload = bytes(range(256)) * 4096  # 1 MiB
        got = bytearray()
        go = threading.Event()
        try:
            dev.bind(listener, ("", port))
            dev.listen(listener, 1)
            client = socket.socket()
            client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            client.connect((dev.addr(), port))

            def read():
                go.wait(10)
                client.settimeout(10)
                while len(got) < len(payload):
                    data = client.recv(65536)
                    if not data:
                        return
                    got.extend(data)

            reader = threading.Thread(target=read, daemon=True)
            reader.start()
            timer = threading.Timer(3.0, go.set)
            timer.start()
            conn, _ = dev.accept(listener, nd.deadline(10))
            try:
                started = time.monotonic()
                assert dev.send(conn, payload, 0, nd.deadline(30)) == len(payload)
                assert time.monotonic() - started > 2.5, "the firmware never blocked: no test"
                assert dev.link_fault is None
                reader.join(20)
                assert bytes(got) == payload
            finally:
                timer.cancel()
                go.set()
                dev.close(conn)
                client.close()
        finally:
            dev.close(listener)
        assert_clean_bus(nina)


@pytest.mark.parametrize("persona, largest", [("arduino-2.0", 4083), ("adafruit-3.3", 2872)])
def test_adafruit_33_tcp_sends_go_in_chunks_its_firmware_answers_within_10_s(world, lab, persona, largest):
    """Adafruit 3.x answers a blocked TCP send within its 10 s without progress, but
    progress starts them again: the driver sends at most 2872 bytes a command there (less
    than lwIP's writable threshold, TCP_SNDLOWAT), which one writable select takes whole,
    so a reply later than its 12 s bound is a dead co-processor, not a slow peer."""
    sizes = []

    def trace(command, reply):
        if command[1] == 0x44:  # SEND_DATA_TCP: P16 slot, P16 length (docs/protocol-nina.rst)
            sizes.append((command[6] << 8) | command[7])

    with wifinina_on(world, persona) as (nina, dev):
        lab.sink.clear()
        fd = connect(dev, lab.tcp_sink)
        nina.trace = trace
        try:
            payload = bytes(100_000)
            assert dev.send(fd, payload, 0, nd.deadline(20)) == len(payload)
        finally:
            nina.trace = None
            dev.close(fd)
        assert lab.sink.wait_closed(1, timeout=10) == [payload]
    assert max(sizes) == largest


def _late_tls_server(lab, delay):
    """A TLS server with the lab's certificate that starts each handshake ``delay`` seconds
    after accepting (a server under load), then echoes."""
    from netdev_emulator.lab_tls import server_context

    context = server_context(lab.certificates.server)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    stop = threading.Event()

    def serve(conn):
        if stop.wait(delay):
            conn.close()
            return
        try:
            tls = context.wrap_socket(conn, server_side=True)
            tls.settimeout(10)
            while True:
                data = tls.recv(4096)
                if not data:
                    break
                tls.sendall(data)
            tls.close()
        except OSError:
            conn.close()

    def run():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=run, daemon=True).start()
    return listener, stop


def test_adafruit_33_may_take_longer_than_a_connect_to_handshake(lab):
    """Adafruit 3.x allows a TLS handshake 120 s (NetworkClientSecure's handshake_timeout),
    more than the driver's bound on a connect: a server that takes its time is not a dead
    co-processor (the bound is 1 s here, the server waits 2 s), and a caller's deadline
    is still kept, the late reply collected by the next exchange."""
    listener, stop = _late_tls_server(lab, 2.0)
    connect_ms = wifinina._CONNECT_MS
    try:
        world = _tls_peer_world(lab, listener.getsockname()[1])
        with wifinina_on(world, "adafruit-3.3") as (nina, dev):
            wifinina._CONNECT_MS = 1000  # CPython: the const is a module global
            fd = connect(dev, ("", 8443), nd.IPPROTO_TLS, host="example.com")
            try:
                dev.send(fd, b"late but fine", 0, nd.deadline(5))
                assert recv_exact(dev, fd, 13, bytearray(16)) == b"late but fine"
                assert dev.link_fault is None
            finally:
                dev.close(fd)
            fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
            try:
                started = time.monotonic()
                with pytest.raises(OSError) as info:
                    dev.connect(fd, "example.com", ("", 8443), nd.deadline(0.5))
                assert info.value.args[0] == nd.ETIMEDOUT
                assert time.monotonic() - started < 1.5, "the deadline was not kept"
            finally:
                dev.close(fd)
            echo_once(dev, lab)  # waits for the owed reply first
            assert dev.link_fault is None
            wait_for(lambda: [s for s in nina.open_sockets() if s.get("tls")] == [],
                     what="the late TLS connection closed again")
            assert_clean_bus(nina)
    finally:
        wifinina._CONNECT_MS = connect_ms
        stop.set()
        listener.close()
