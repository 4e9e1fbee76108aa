# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The TCP connection under both emulator bridges (``netdev_bridge``, ``uart_bridge``), over
the MicroPython unix port's ``socket`` and ``select``. Test support only (tests/micropython):
never part of a library package or a bundle. (On CircuitPython's core the board's own
busio and digitalio reach the emulator: tools/circuitpython/board.)"""

import select
import socket


class Link:
    """``write`` sends all of a buffer. ``readinto``: blocking, it waits for at least one
    byte (0: the emulator hung up); non-blocking, it takes what has come (0 if nothing).
    ``ready(ms)``: has data come within ``ms``?"""

    def __init__(self, host, port, blocking):
        self._blocking = blocking
        self._sock = sock = socket.socket()
        sock.connect(socket.getaddrinfo(host, port)[0][-1])
        try:
            sock.setsockopt(6, 1, 1)  # IPPROTO_TCP, TCP_NODELAY (Linux numbers): no Nagle delays
        except OSError:
            pass
        sock.setblocking(blocking)
        self._poller = select.poll()
        self._poller.register(sock, select.POLLIN)

    def write(self, buf):
        if self._blocking:
            return self._sock.write(buf)
        view = memoryview(buf)
        done = 0
        while done < len(view):
            try:
                n = self._sock.write(view[done:])
            except OSError:
                n = 0
            if n:
                done += n
            else:
                select.poll().poll(5)
        return done

    def readinto(self, view):
        return self._sock.readinto(view) or 0

    def ready(self, ms):
        return bool(self._poller.poll(ms))

    def close(self):
        self._sock.close()


def connect(address, blocking=True):
    """A :class:`Link` to ``host:port`` (or ``socket://host:port``)."""
    if address.startswith("socket://"):
        address = address[len("socket://") :]
    host, _, port = address.rpartition(":")
    return Link(host or "127.0.0.1", int(port), blocking)
