# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""MicroPython side of the RTL8720DN emulator's UART: ``python -m netdev_emulator rtl8720dn
--tcp PORT`` serves the UART's raw byte stream, here a ``busio.UART`` (and pyserial)
look-alike. Test support only (tests/micropython): never part of a library package or a
bundle. Setting: ``NETDEV_PORT`` (``socket://host:port``)."""

from bridge_link import connect


class StreamUART:
    """``busio.UART`` (and enough of ``serial.Serial``) over a TCP byte stream."""

    def __init__(self, address, baudrate=614400, timeout=0.05):
        self.link = connect(address, blocking=False)
        self.baudrate = baudrate
        self.timeout = timeout
        self._pending = bytearray(8192)  # busio.UART(receiver_buffer_size=8192), as probe() asks
        self._have = 0

    def _wait(self, seconds):
        return self.link.ready(int(seconds * 1000))

    def _fill(self):
        if self._have < len(self._pending):
            n = self.link.readinto(memoryview(self._pending)[self._have :])
            if n:
                self._have += n

    @property
    def in_waiting(self):
        if self._wait(0):
            self._fill()
        return self._have

    def readinto(self, buf):
        want = len(buf)
        if not self._have and self._wait(self.timeout or 0):
            self._fill()
        n = min(want, self._have)
        if not n:
            return None
        buf[:n] = memoryview(self._pending)[:n]
        rest = self._have - n
        if rest:
            self._pending[:rest] = memoryview(self._pending)[n : self._have]
        self._have = rest
        return n

    def read(self, count=1):
        buf = bytearray(count)
        n = self.readinto(buf)
        return bytes(buf[:n]) if n else None

    def write(self, buf):
        return self.link.write(buf)

    def reset_input_buffer(self):
        while self.in_waiting:
            self._have = 0

    def deinit(self):
        self.link.close()

    close = deinit
