# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The NINA bridge (the emulator's wires over TCP) and ``python -m netdev_emulator nina``."""

import os
import selectors
import socket
import subprocess
import sys
import time
import types

import pytest

from netdev_emulator import Network
from netdev_emulator.nina import NinaEmulator
from netdev_emulator.nina_bridge import NinaBridge, NinaBridgeClient, main
from tests.emulator.test_nina_raw import RawHost, frame

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _wires(client, persona):
    """What RawHost needs, taken from a bridge client."""
    return types.SimpleNamespace(
        spi=client.spi, cs=client.cs, ready=client.ready, reset=client.reset,
        gpio0=client.gpio0, mode="bridged", persona=persona,
    )


@pytest.fixture
def bridged():
    world = Network(access_points={"lab-ap": "lab-password"}, resolve_host_names=False)
    with NinaEmulator(world, persona="adafruit-1.7") as nina:
        with NinaBridge(nina) as bridge:
            yield nina, bridge


def test_raw_frames_through_the_bridge(bridged):
    nina, bridge = bridged
    with NinaBridgeClient(bridge.address) as client:
        assert client.hello == "nina-bridge 1 adafruit-1.7"
        host = RawHost(_wires(client, nina.persona))
        host.boot()
        assert host.cmd(0x37) == [b"1.7.7\x00"]
        host.send(bytes.fromhex("E0 20 00 EE"))
        assert host.raw_reply(8) == bytes.fromhex("E0 A0 01 01 00 EE 00 00")
        assert host.join("lab-ap", "lab-password") == 3
        # write_readinto through the bridge: the reply clocked with a dummy write
        host.send(frame(0x20))
        host.wait_ready(False)
        assert client.spi.try_lock()
        try:
            client.cs.value = False
            got = bytearray(6)
            client.spi.write_readinto(b"\xff" * 6, got)
            client.cs.value = True
        finally:
            client.spi.unlock()
        assert bytes(got) == bytes.fromhex("E0 A0 01 01 03 EE")
        stats = client.stats()
        assert stats["commands"] >= 4 and stats["torn_transactions"] == 0


def test_bridge_refusals_keep_the_connection(bridged):
    nina, bridge = bridged
    with NinaBridgeClient(bridge.address) as client:
        with pytest.raises(RuntimeError, match="requires lock"):
            client.spi.write(b"\x00")
        with pytest.raises(RuntimeError, match="input"):
            client.ready.value = True
        with pytest.raises(RuntimeError, match="unknown bridge op"):
            client.call("Z")
        assert client.call("?").startswith(b"nina-bridge 1")


def test_bridge_releases_the_bus_lock_of_a_vanished_client(bridged):
    nina, bridge = bridged
    client = NinaBridgeClient(bridge.address)
    assert client.spi.try_lock()
    client.close()
    deadline = time.monotonic() + 5
    while not nina.spi.try_lock():
        assert time.monotonic() < deadline, "the bridge kept the lock"
        time.sleep(0.01)
    nina.spi.unlock()


def test_bridge_protocol_is_plain_bytes(bridged):
    """What a MicroPython client sends: op, 2-byte BE length, payload."""
    nina, bridge = bridged
    with socket.create_connection(bridge.address, timeout=5) as sock:
        sock.sendall(b"O\x00\x03r\x00\x00")  # RESET output low: held in reset
        assert sock.recv(3) == b"\x00\x00\x00"
        assert nina.mode == "reset"
        sock.sendall(b"G\x00\x01y")
        assert sock.recv(4) == b"\x00\x00\x01\x01"  # READY reads HIGH in reset
        sock.sendall(b"S\x00\x02y\x01")
        reply = sock.recv(100)
        assert reply[0] == 1 and b"input" in reply[3:]


def test_cli_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for flag in ("--persona", "--ap", "--host", "--map", "--cafile", "--port"):
        assert flag in text


def _readline(proc, selector, timeout=10.0):
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        assert left > 0, "no output from the emulator process: %r" % line
        if selector.select(left):
            chunk = os.read(proc.stdout.fileno(), 1)
            assert chunk, "the emulator process ended: %r" % line
            line += chunk
    return line.decode()


def test_cli_serves_the_bridge_and_reports_connections():
    code = "import sys; from netdev_emulator.nina import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "--persona", "adafruit-3.3", "--ap", "home:secret12",
         "--host", "echo.lab=127.0.0.1", "--map", "echo.lab:7=9", "--no-resolve"],
        stdout=subprocess.PIPE, cwd=ROOT,
    )
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    try:
        banner = _readline(proc, selector)
        assert "adafruit-3.3" in banner and "home" in banner
        port = int(banner.split("127.0.0.1:")[1].split(";")[0])
        with NinaBridgeClient(("127.0.0.1", port)) as client:
            assert _readline(proc, selector).startswith("connection from 127.0.0.1:")
            host = RawHost(_wires(client, types.SimpleNamespace(esp32_status=True)))
            host.boot()
            assert host.cmd(0x37) == [b"3.3.0\x00"]
            assert host.join("home", "secret12") == 3
            assert host.cmd1(0x34, b"echo.lab") == 1
            assert host.cmd(0x35) == [bytes((127, 0, 0, 1))]
        closed = _readline(proc, selector)
        assert closed.startswith("closed 127.0.0.1:") and "commands" in closed
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()
        selector.close()


def test_world_from_cli_options():
    from netdev_emulator.network import world_from_args
    from netdev_emulator.nina_bridge import _parser

    args = _parser().parse_args(
        ["--ap", "home:secret12", "--ap", "cafe", "--host", "a.lab=127.0.0.2",
         "--map", "a.lab:443=8443", "--no-resolve"]
    )
    world = world_from_args(args)
    assert world.join("home", "secret12") == "ok"
    assert world.join("cafe", None) == "ok"
    assert world.resolve("a.lab") == "127.0.0.2"
    assert world.route("127.0.0.2", 443, "a.lab") == ("127.0.0.1", 8443)
    assert world.resolve("elsewhere.example") is None
