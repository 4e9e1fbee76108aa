# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The driver under the real MicroPython interpreter (the closest to CircuitPython here):
byte-compiled with mpy-cross, the codec checked against the protocol's worked frames (with the
table CRC, as on a board), then the whole driver driving the emulator (out of process, over
its TCP byte stream) through a join and an echo, counting the heap bytes a steady-state
send/recv allocates."""

import os
import shutil
import subprocess
import sys

import pytest

from tests.device_rtl8720dn import ROOT
from tests.micropython.harness import MICROPYTHON, MPY_CROSS
from tests.rtl8720dn.test_allocation import ECHO_PEER, process

pytestmark = pytest.mark.timeout(120)

MODULES = (
    "adafruit_netdev/__init__.py",
    "adafruit_netdev/netlink.py",
    "adafruit_netdev_rtl8720dn/__init__.py",
    "adafruit_netdev_rtl8720dn/_errors.py",
    "adafruit_netdev_rtl8720dn/_recovery.py",
    "adafruit_netdev_rtl8720dn/_server.py",
    "adafruit_netdev_rtl8720dn/_sockopt.py",
    "adafruit_netdev_rtl8720dn/_startup.py",
    "adafruit_netdev_rtl8720dn/_station.py",
    "adafruit_netdev_rtl8720dn/codec.py",
    "adafruit_netdev_rtl8720dn/link.py",
)

SCRIPT = """
import gc, select, socket, sys
import adafruit_netdev as nd
from adafruit_netdev.netlink import ConnectParams
from adafruit_netdev_rtl8720dn import RTL8720DN, codec

# the codec, table CRC (no binascii.crc_hqx here), docs/protocol-rtl8720dn.rst worked frames
assert codec._crc_hqx is None
assert codec.crc16(b"123456789") == 0x89AC and codec.crc16(b"") == 0xEF4A
buf = bytearray(4100)
off = codec.ints(buf, codec.LWIP_SOCKET, 2, 1, 6)
codec.put_u32(buf, 8, 5)  # the sequence number (the link's)
assert bytes(buf[:codec.finish(buf, off)]) == bytes.fromhex(
    "1400ccf9" "00121001" "05000000" "02000000" "01000000" "06000000")
assert codec.parse_mac(b"0a:1b:2c:3d:4e:5f\\x00", 0) == bytes.fromhex("0a1b2c3d4e5f")


class SocketUART:
    # the emulator's TCP byte stream as a UART (busio.UART's read surface)
    def __init__(self, host, port):
        self.sock = socket.socket()
        self.sock.connect(socket.getaddrinfo(host, port)[0][-1])
        self.poller = select.poll()
        self.poller.register(self.sock, select.POLLIN)
        self.timeout = 0.05

    @property
    def in_waiting(self):
        for _ in self.poller.ipoll(0):
            return 1
        return 0

    def readinto(self, buf):
        for _ in self.poller.ipoll(int(self.timeout * 1000)):
            return self.sock.readinto(buf)
        return None

    def write(self, buf):
        return self.sock.write(buf)


uart = SocketUART("127.0.0.1", int(sys.argv[1]))
dev = RTL8720DN(uart)
dev.net_connect(ConnectParams("lab-ap", "lab-password"))
print("firmware", dev.firmware_version, "ip", dev.addr(), "mac", len(dev.hardware_addr()))
fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
dev.connect(fd, "", ("127.0.0.1", int(sys.argv[2])), nd.deadline(10))
out = bytes(range(256)) * 15
inb = bytearray(4096)


def cycle(count):
    total = 0
    for _ in range(count):
        dev.send(fd, out, 0, None)
        got = 0
        while got < len(out):
            got += dev.recv(fd, inb, 0, None)
        total += got
    return total


cycle(5)
gc.collect()
gc.disable()
before = gc.mem_alloc()
moved = cycle(50)
per_cycle = (gc.mem_alloc() - before) // 50
gc.enable()
assert moved == 50 * len(out)
dev.close(fd)
dev.net_disconnect()
print("MICROPYTHON-OK bytes-per-round-trip", per_cycle)
"""


def test_driver_runs_under_micropython_and_allocates_little(tmp_path):
    for rel in MODULES:
        target = tmp_path / (rel[:-3] + ".mpy")
        target.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([MPY_CROSS, "-o", str(target), str(ROOT / rel)], check=True, capture_output=True)
    import adafruit_ticks

    shutil.copy(adafruit_ticks.__file__, tmp_path / "adafruit_ticks.py")
    script = tmp_path / "check.py"
    script.write_text(SCRIPT)
    emulator = [sys.executable, "-m", "netdev_emulator", "rtl8720dn", "--tcp", "0"]
    with process([sys.executable, "-c", ECHO_PEER], "port") as (echo_port, *_), process(
        emulator + ["--ap", "lab-ap:lab-password", "--offline"], "emulator on"
    ) as (url, *_):
        port = url.rsplit(":", 1)[1]
        result = subprocess.run(
            [MICROPYTHON, str(script), port, echo_port],
            check=False,
            env=dict(os.environ, MICROPYPATH=str(tmp_path)),
            capture_output=True,
            text=True,
            timeout=90,
            cwd=str(tmp_path),
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "MICROPYTHON-OK" in result.stdout, result.stdout
    per_cycle = int(result.stdout.split("bytes-per-round-trip")[1].split()[0])
    # A 3840-byte send and its echo: a few small objects (memoryview slices) per exchange,
    # never a copy of the data.
    assert per_cycle < 1024, result.stdout
    print(result.stdout)
