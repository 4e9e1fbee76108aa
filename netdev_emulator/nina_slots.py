# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The NINA firmware's socket table: one :class:`Slot` per socket number, holding what
main/CommandHandler.cpp keeps per socket (``socketTypes[]``, ``tcpClients[]``/``tlsClients[]``,
``tcpServers[]``, ``udps[]``, ``socketWasConnected[]``), and the connection records behind them.
"""

import errno

from netdev_emulator.nina_wire import FREE, ZERO_IP


class Conn:
    """One TCP or TLS connection of the firmware (a WiFiClient / WiFiSSLClient)."""

    __slots__ = ("sock", "tls", "rx", "eof", "stopped", "peer", "raw", "held", "accepted")

    def __init__(self, sock, tls, peer, accepted=False):
        self.sock = sock
        self.tls = tls
        self.rx = bytearray()
        self.eof = False  # the peer closed (or an error): nothing more will arrive
        self.stopped = False  # TLS: the session was stopped after eof was seen
        self.peer = peer  # (ip bytes, port) the firmware reports
        self.held = None  # TLS <= 2.x: the record mbedTLS took but could not write yet
        self.accepted = accepted  # a server's client (lwip_accept), not a START_CLIENT one


class AbortedSocket:
    """The lwIP socket of a connection lwIP aborted underneath the firmware: the station
    lost its address (ESP-IDF 3.x's tcpip_adapter_down on STA_DISCONNECTED zeroes it, and
    lwIP aborts every connection bound to the old one) while nothing closed the socket
    (Adafruit 1.x). It still exists and counts against lwIP's sockets; every operation
    fails with ECONNABORTED. The host socket that carried it is kept open elsewhere, so
    that the peer is not told (its reset never made it over the lost radio link)."""

    def fileno(self):
        return -1

    def recv(self, *args):
        raise ConnectionAbortedError(errno.ECONNABORTED, "connection aborted by lwIP")

    send = recv

    def pending(self):
        return 0

    def setsockopt(self, *args):
        pass

    def close(self):
        pass


class Server:
    __slots__ = ("sock", "port", "spawned")

    def __init__(self, sock, port):
        self.sock = sock
        self.port = port
        self.spawned = []  # connections remembered by "available" semantics


class Udp:
    __slots__ = ("sock", "port", "tx", "cur", "idx", "remote_ip", "remote_port", "name")

    def __init__(self):
        self.sock = None
        self.port = 0
        self.tx = bytearray()
        self.cur = b""
        self.idx = 0
        self.remote_ip = ZERO_IP
        self.remote_port = 0
        self.name = None


class Slot:
    __slots__ = ("index", "type", "client", "server", "udp", "ever_connected", "tls_bundle")

    def __init__(self, index):
        self.index = index
        self.type = FREE
        self.client = None
        self.server = None
        self.udp = Udp()
        self.ever_connected = False
        # Adafruit 3.x: this socket number's NetworkClientSecure was given the CA bundle
        # (_use_ca_bundle), which it keeps for the rest of the boot
        self.tls_bundle = False
