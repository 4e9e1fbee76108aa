# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``python -m netdev_emulator rtl8720dn`` out of process: a pseudo-terminal opened with
pyserial (the Blinka-on-Linux path) and a TCP port opened with pyserial's socket://."""

import os
import subprocess
import sys
import time

import pytest
import serial

from tests.emulator.rtl8720_client import Client, body, frame, i32, u32

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def launch(*args):
    main = os.path.join(ROOT, "netdev_emulator", "__main__.py")
    if os.path.exists(main):
        cmd = [sys.executable, "-m", "netdev_emulator", "rtl8720dn"]
    else:  # the CLI entry point's module may not be there yet: the same main()
        cmd = [sys.executable, "-c",
               "import sys; from netdev_emulator.rtl8720_bridge import main; main(sys.argv[1:])"]
    proc = subprocess.Popen(cmd + list(args), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # printed and flushed once the port is served
    if not line.startswith("RTL8720DN emulator on "):
        proc.kill()
        raise AssertionError("unexpected first line %r; stderr: %s"
                             % (line, proc.stderr.read()))
    return proc, line.split(" on ", 1)[1].strip()


def stop(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.stdout.close()
    proc.stderr.close()


class SerialUART:
    """pyserial as busio.UART looks to the test client (read returns None on timeout)."""

    def __init__(self, port):
        self.port = port

    @property
    def timeout(self):
        return self.port.timeout

    @timeout.setter
    def timeout(self, value):
        self.port.timeout = value

    def read(self, n):
        data = self.port.read(n)
        return data or None

    def write(self, data):
        return self.port.write(data)


@pytest.fixture
def pty_chip():
    proc, path = launch("--pty", "--ap", "lab-ap:lab-password", "--offline")
    yield path
    stop(proc)


def test_pty_round_trip_with_pyserial(pty_chip):
    assert pty_chip.startswith("/dev/")
    with serial.Serial(pty_chip, 614400, timeout=10) as port:
        client = Client(SerialUART(port))
        reply, events = client.call(1, 1)
        assert reply.string() == "2.1.3" and not events
        assert client.join("lab-ap", "lab-password") == 0
        assert client.socket() == 0


def test_pty_reopen_resets_the_chip():
    proc, path = launch("--pty", "-v")
    try:
        with serial.Serial(path, 614400, timeout=10) as port:
            client = Client(SerialUART(port))
            assert client.socket() == 0
        # wait (bounded) until the emulator saw the port close, then open it again
        for _ in range(100):
            line = proc.stderr.readline()
            if "pty closed" in line or not line:
                break
        assert "pty closed" in line
        with serial.Serial(path, 614400, timeout=10) as port:
            client = Client(SerialUART(port))
            assert client.socket() == 0  # the previous socket went with the reset
    finally:
        stop(proc)


def test_reset_frame_stands_in_for_the_enable_pin(pty_chip):
    from netdev_emulator.rtl8720 import RESET_FRAME

    assert RESET_FRAME == frame(body(1, 255, 255, 0))
    with serial.Serial(pty_chip, 614400, timeout=10) as port:
        client = Client(SerialUART(port))
        assert client.socket() == 0
        assert client.socket() == 1
        port.write(RESET_FRAME)
        reply, _ = client.call(14, 4)  # the chip answers again at once
        assert reply.i32() == -1  # not associated any more
        assert client.socket() == 0


def test_tcp_port_with_pyserial_url():
    proc, url = launch("--tcp", "0", "--ap", "lab-ap:lab-password", "--offline")
    try:
        assert url.startswith("socket://127.0.0.1:")
        port = serial.serial_for_url(url, timeout=10)
        try:
            client = Client(SerialUART(port))
            assert client.call(1, 1)[0].string() == "2.1.3"
            reply, events = client.call(14, 27, u32(1))
            assert reply.i32() == 0 and events[0].event()[0] == 2
            assert client.result(16, 18, i32(2) + i32(2) + i32(17)) == 0
        finally:
            port.close()
        # a new connection is a new session: the chip was reset
        deadline = time.monotonic() + 10
        while True:
            try:
                port = serial.serial_for_url(url, timeout=10)
                break
            except serial.SerialException:
                assert time.monotonic() < deadline
        try:
            assert Client(SerialUART(port)).socket() == 0
        finally:
            port.close()
    finally:
        stop(proc)
