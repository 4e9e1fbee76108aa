# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The TCP connection under both emulator bridges (``netdev_bridge``, ``uart_bridge``).
Test support only (tests/micropython): never part of a library package or a bundle."""

import socket


def connect(host, port):
    sock = socket.socket()
    sock.connect(socket.getaddrinfo(host, port)[0][-1])
    try:
        sock.setsockopt(6, 1, 1)  # IPPROTO_TCP, TCP_NODELAY (Linux numbers): no Nagle delays
    except OSError:
        pass
    return sock


def split(address):
    if address.startswith("socket://"):
        address = address[len("socket://") :]
    host, _, port = address.rpartition(":")
    return host or "127.0.0.1", int(port)
