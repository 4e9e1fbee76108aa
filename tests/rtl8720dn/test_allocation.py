# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Steady-state send/recv allocate nothing in the driver: measured with tracemalloc while the
only Python code running in this process is the driver and a raw pty serial port (the
emulator and the echo peer run in other processes, so their allocations do not count)."""

import contextlib
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
import tty

import pytest

import adafruit_netdev as nd
from adafruit_netdev.netlink import ConnectParams
from adafruit_netdev_rtl8720dn import RTL8720DN
from tests.device_rtl8720dn import ROOT

pytestmark = pytest.mark.timeout(120)

ECHO_PEER = """
import socket, sys, threading
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(4)
print("port", server.getsockname()[1], flush=True)
def serve(conn):
    with conn:
        while data := conn.recv(65536):
            conn.sendall(data)
while True:
    conn, _ = server.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
"""


class PtyPort:
    """A serial port on a pty that reads straight into the caller's buffer (``os.readv``),
    so that the port itself allocates no data-sized objects (pyserial's ``readinto`` reads
    a new bytes object and copies it)."""

    def __init__(self, path, timeout=0.05):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)
        self.timeout = timeout
        self._poll = select.poll()
        self._poll.register(self.fd, select.POLLIN)

    @property
    def in_waiting(self):
        return 1 if self._poll.poll(0) else 0

    def readinto(self, buf):
        if not self._poll.poll(int(self.timeout * 1000)):
            return None
        return os.readv(self.fd, [buf])

    def write(self, buf):
        return os.write(self.fd, buf)

    def close(self):
        os.close(self.fd)


@contextlib.contextmanager
def process(args, marker, timeout=20):
    """Run ``args``; yields the first output line's words after ``marker``; kills it by pid."""
    with tempfile.TemporaryFile(mode="w+") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=str(ROOT), text=True)
        try:
            limit = time.monotonic() + timeout
            while True:
                out.seek(0)
                text = out.read()
                if marker in text:
                    yield text.split(marker, 1)[1].split()
                    break
                if proc.poll() is not None or time.monotonic() > limit:
                    raise RuntimeError("%s: no %r in %r" % (args[:4], marker, text))
                time.sleep(0.02)  # polling a subprocess's output file; bounded above
        finally:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGTERM)
                proc.wait(10)


def test_steady_state_send_and_recv_allocate_nothing_in_the_driver():
    emulator = [sys.executable, "-m", "netdev_emulator", "rtl8720dn", "--pty", "--ap", "lab-ap:lab-password"]
    with process([sys.executable, "-c", ECHO_PEER], "port") as (port, *_rest), process(
        emulator + ["--offline"], "emulator on"
    ) as (path, *_more):
        uart = PtyPort(path)
        try:
            dev = RTL8720DN(uart)
            dev.net_connect(ConnectParams("lab-ap", "lab-password"))
            fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
            dev.connect(fd, "", ("127.0.0.1", int(port)), nd.deadline(10))
            out = os.urandom(4000)
            buf = bytearray(4096)
            view = memoryview(buf)

            expect = memoryview(out)

            def cycle(count):
                for _ in range(count):
                    assert dev.send(fd, out, 0, None) == len(out)
                    got = 0
                    while got < len(out):  # into a bytearray, as most callers do
                        n = dev.recv(fd, buf, 0, None)
                        assert view[:n] == expect[got : got + n]  # compared without copies
                        got += n

            cycle(20)  # warm up: first-use caches, interned ints
            tracemalloc.start()
            try:
                base = tracemalloc.get_traced_memory()[0]
                tracemalloc.reset_peak()
                cycle(200)
                current, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            dev.close(fd)
            dev.net_disconnect()
        finally:
            uart.close()
    # 200 round trips of 4000 bytes each way: a copy of the data anywhere on the path
    # would lift the peak by 4 KB; what remains is a few small objects (memoryview slices,
    # ints) alive at a time, and nothing kept.
    assert peak - base < 2048, "transient allocations peaked at %d bytes" % (peak - base)
    assert current - base < 512, "the steady state kept %d bytes" % (current - base)
