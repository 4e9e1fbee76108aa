# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The emulated co-processor has an address of its own (127.0.0.2 where the system has
it), as a real one has: its sockets never take a port of this computer's 127.0.0.1, so a
device socket can use the port number a peer on the computer uses. Adafruit's own
adafruit_esp32spi needs that: its UDP "connect" starts a UDP server on the peer's port."""

import contextlib
import socket
import threading
import warnings

import pytest

import adafruit_netdev as nd
from adafruit_netdev.netlink import ConnectParams
from netdev_emulator import NinaEmulator, RTL8720Emulator, network
from netdev_emulator.network import default_device_ip

LAB_AP = ConnectParams("lab-ap", "lab-password")

own_address = pytest.mark.skipif(
    default_device_ip() != "127.0.0.2", reason="this system has no loopback address 127.0.0.2"
)


def test_the_default_address_and_its_fallback(monkeypatch):
    world = network.Network()
    assert world.ip == default_device_ip()
    assert world.gateway == "127.0.0.1" and world.netmask == "255.0.0.0"  # the computer
    assert network.world_from_environ({}.get).ip == default_device_ip()
    # where 127.0.0.2 cannot be bound (macOS without an alias): 127.0.0.1, with a warning
    monkeypatch.setattr(network, "DEVICE_ADDRESS", "192.0.2.1")  # TEST-NET: never local
    monkeypatch.setattr(network, "_device_address", None)
    with pytest.warns(RuntimeWarning, match="192.0.2.1 is not a loopback address here"):
        assert network.default_device_ip() == "127.0.0.1"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # decided once: no second warning
        assert network.Network().ip == "127.0.0.1"


@contextlib.contextmanager
def udp_echo_peer():
    """A UDP echo on 127.0.0.1 (the computer), for the duration of the block."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))

        def serve():
            try:
                while True:
                    data, peer = sock.recvfrom(2048)
                    sock.sendto(data, peer)
            except OSError:  # closed
                return

        threading.Thread(target=serve, daemon=True).start()
        yield sock.getsockname()


def esp32spi_udp_round_trip(world):
    """adafruit_esp32spi (Adafruit's own driver) on the NINA emulator: a UDP datagram to a
    peer on the computer and its echo. Its connect starts a UDP server on the peer's port."""
    from adafruit_esp32spi import adafruit_esp32spi
    from adafruit_esp32spi import adafruit_esp32spi_socketpool as pool_module

    with udp_echo_peer() as peer, NinaEmulator(world, persona="adafruit-1.7") as nina:
        esp = adafruit_esp32spi.ESP_SPIcontrol(nina.spi, nina.cs, nina.ready, nina.reset, nina.gpio0)
        esp.connect_AP("lab-ap", "lab-password")
        pool = pool_module.SocketPool(esp)
        with pool.socket(pool.AF_INET, pool.SOCK_DGRAM) as sock:
            sock.settimeout(10)
            sock.connect(peer)
            sock.send(b"same port")
            buf = bytearray(32)
            return bytes(buf[: sock.recv_into(buf)]), esp.pretty_ip(esp.ip_address)


@own_address
def test_esp32spi_udp_to_a_peer_on_the_same_port_number():
    data, ip = esp32spi_udp_round_trip(network.Network(access_points={"lab-ap": "lab-password"}))
    assert data == b"same port" and ip == "127.0.0.2"


def test_esp32spi_udp_collides_when_the_device_shares_the_computers_address():
    # what happened before the device had its own address (and still does on a system
    # without 127.0.0.2): the device's UDP server cannot bind the peer's port
    world = network.Network(access_points={"lab-ap": "lab-password"}, ip="127.0.0.1")
    with pytest.raises(OSError, match="Could not start server"):
        esp32spi_udp_round_trip(world)


def rtl_udp_on_the_peers_port(world):
    """This project's RTL8720DN driver on its emulator: a UDP socket bound to the port
    number of its peer on the computer, one datagram and its echo."""
    from adafruit_netdev_rtl8720dn import RTL8720DN

    with udp_echo_peer() as peer, RTL8720Emulator(world) as rtl:
        dev = RTL8720DN(rtl.uart, rtl.enable)
        dev.net_connect(LAB_AP)
        fd = dev.socket(nd.AF_INET, nd.SOCK_DGRAM, nd.IPPROTO_UDP)
        try:
            dev.bind(fd, ("", peer[1]))
            dev.connect(fd, "", peer)
            dev.send(fd, b"same port", 0, nd.deadline(10))
            buf = bytearray(32)
            return bytes(buf[: dev.recv(fd, buf, 0, nd.deadline(10))]), dev.addr()
        finally:
            dev.close(fd)


@own_address
def test_rtl8720dn_udp_bound_to_the_peers_port_number():
    data, ip = rtl_udp_on_the_peers_port(network.Network(access_points={"lab-ap": "lab-password"}))
    assert data == b"same port" and ip == "127.0.0.2"


def test_rtl8720dn_udp_collides_when_the_device_shares_the_computers_address():
    world = network.Network(access_points={"lab-ap": "lab-password"}, ip="127.0.0.1")
    with pytest.raises(OSError) as info:
        rtl_udp_on_the_peers_port(world)
    assert info.value.args[0] == nd.EADDRINUSE


@own_address
@pytest.mark.parametrize("device", ["wifinina", "rtl8720dn"])
def test_the_computer_sees_the_device_at_its_own_address(device, lab):
    """Both emulators: a TCP connection from the device reaches a server on the computer
    from 127.0.0.2, and a server on the device listens on a port number the computer
    already uses on 127.0.0.1."""
    from adafruit_netdev_rtl8720dn import RTL8720DN
    from adafruit_netdev_wifinina import WiFiNINA

    world = lab.network()
    if device == "wifinina":
        chip = NinaEmulator(world, persona="arduino-2.0")
        dev = WiFiNINA(chip.spi, chip.cs, chip.ready, chip.reset, chip.gpio0)
    else:
        chip = RTL8720Emulator(world)
        dev = RTL8720DN(chip.uart, chip.enable)
    try:
        dev.net_connect(LAB_AP)
        assert dev.addr() == "127.0.0.2"
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen(1)
            server.settimeout(10)
            fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
            dev.connect(fd, "", server.getsockname(), nd.deadline(10))
            conn, peer = server.accept()
            conn.close()
            dev.close(fd)
            assert peer[0] == "127.0.0.2"
            # the computer's port, taken on 127.0.0.1, is free on the device
            port = server.getsockname()[1]
            fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
            try:
                dev.bind(fd, ("", port))
                dev.listen(fd, 1)
                with socket.create_connection((dev.addr(), port), timeout=10) as client:
                    new, _ = dev.accept(fd, nd.deadline(10))
                    client.sendall(b"hi")
                    buf = bytearray(2)
                    assert dev.recv(new, buf, 0, nd.deadline(10)) == 2 and buf == b"hi"
                    dev.close(new)
            finally:
                dev.close(fd)
    finally:
        chip.close()
