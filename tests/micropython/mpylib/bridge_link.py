# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The TCP connection under both emulator bridges (``netdev_bridge``, ``uart_bridge``), as a
socket behaves: over the unix port's ``socket`` and ``select``, or over ``hostlink``, the
module of tools/mp32 (the 32-bit MicroPython that measures a board's heap), which has no
sockets. Test support only (tests/micropython): never part of a library package or a
bundle."""

try:
    import select
    import socket
except ImportError:  # tools/mp32
    socket = None
    import hostlink


class Link:
    """``write`` sends all of a buffer. ``readinto``: blocking, it waits for at least one
    byte (0: the emulator hung up); non-blocking, it takes what has come (0 if nothing).
    ``ready(ms)``: has data come within ``ms``?"""

    def __init__(self, host, port, blocking):
        self._blocking = blocking
        if socket is None:
            self._fd = hostlink.connect(host, port)
            return
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
        if socket is None:
            return hostlink.write(self._fd, buf)
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
        if socket is not None:
            return self._sock.readinto(view) or 0
        if not self._blocking and not hostlink.wait(self._fd, 0):
            return 0
        return hostlink.readinto(self._fd, view)

    def ready(self, ms):
        if socket is None:
            return hostlink.wait(self._fd, ms)
        return bool(self._poller.poll(ms))

    def close(self):
        if socket is None:
            hostlink.close(self._fd)
        else:
            self._sock.close()


def connect(address, blocking=True):
    """A :class:`Link` to ``host:port`` (or ``socket://host:port``)."""
    if address.startswith("socket://"):
        address = address[len("socket://") :]
    host, _, port = address.rpartition(":")
    return Link(host or "127.0.0.1", int(port), blocking)
