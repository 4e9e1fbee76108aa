# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""TCP listeners of the NINA-FW model: START_SERVER_TCP (mode 0) and GET_STATE_TCP, and how a
listener's clients reach the host through AVAIL_DATA_TCP (the accept flag, "available"
semantics, or always) and GPIO0; opcodes 0x28 (TCP modes), 0x29.

Modelled on main/CommandHandler.cpp (startServerTcp, getStateTcp, availDataTcp's server path,
updateGpio0Pin) over arduino/libraries/WiFi/src/WiFiServer.cpp (arduino/nina-fw; adafruit/nina-fw
up to 2.x) and, for Adafruit 3.x, espressif/arduino-esp32 libraries/Network/src/NetworkServer.cpp.
docs/protocol-nina.rst (Servers, GPIO0).
"""

import select
import socket

from netdev_emulator.nina_slots import Conn, Server
from netdev_emulator.nina_wire import FREE, TYPE_TCP, ip_raw, one


class ServerCommands:
    """The TCP listener commands of :class:`~netdev_emulator.nina_firmware.NinaFirmware`."""

    def _gpio0_accept_race(self):
        """Adafruit 3.x updateGpio0Pin (main/CommandHandler.cpp), after every command and
        WiFi event: ``tcpServers[i].hasClient() || tcpServers[i].accept()``. A client that
        completes its handshake after hasClient() looked and before accept() does is
        accepted into a temporary NetworkClient, whose destructor closes it at once
        (arduino-esp32 NetworkServer.cpp): the host never hears of it. The window is
        microseconds wide, so the model takes it only when the ``accept_race`` fault says so."""
        for slot in self.slots:
            server = slot.server
            if server is None or slot.type != TYPE_TCP or not self.link_up():
                continue
            try:
                pending, _, _ = select.select([server.sock], [], [], 0)
            except (OSError, ValueError):
                continue
            if not pending or not self.emu.faults.take("accept_race", "port %d" % server.port):
                continue
            try:
                sock, _ = server.sock.accept()
            except OSError:
                continue
            self._close(sock, abort=self._has_unread(sock))  # lwIP resets when data is unread

    def _stop_server(self, slot):
        server = slot.server
        slot.server = None
        self._close(server.sock)
        for spawned in server.spawned:
            self._close(spawned.sock)

    def _server_path(self, slot):
        return slot.type == TYPE_TCP and slot.server is not None

    def _accept_one(self, server):
        if not self._room_for_socket() or not self.link_up():
            return None
        try:
            sock, addr = server.sock.accept()
        except (BlockingIOError, InterruptedError):
            return None
        except OSError:
            return None
        sock.setblocking(False)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        self._own(sock)
        return Conn(sock, False, (ip_raw(addr[0]), addr[1]), accepted=True)

    def _assign(self, slot, conn):
        # an accepted connection is never "once connected": Adafruit 3.3's availDataTcp does
        # not set socketWasConnected, so GET_CLIENT_STATE answering 0 does not free its slot
        self._drop_client(slot)
        slot.client = conn
        slot.type = TYPE_TCP

    def _server_avail(self, server_slot, flag):
        server = server_slot.server
        mode = self.persona.accept
        if mode == "always" or (mode == "flag" and flag):
            free = self._free_slot()
            if free is None:
                return FREE
            conn = self._accept_one(server)
            if conn is None:
                return FREE
            self._assign(free, conn)
            return free.index
        # "available" semantics: report a remembered connection that has data
        self._remember_pending(server)
        alive = []
        chosen = None
        for spawned in server.spawned:
            self._tcp_fill(spawned)
            if spawned.sock is None or (spawned.eof and not spawned.rx and self.persona.state_sees_close):
                # dropped from the book keeping (its socket stays open); Adafruit 1.x's
                # connected() never says no, so it keeps a client that left in the list
                continue
            alive.append(spawned)
            if chosen is None and spawned.rx:
                chosen = spawned
        server.spawned = alive
        if chosen is None:
            return FREE
        for slot in self.slots:
            if slot is not server_slot and slot.type == TYPE_TCP and slot.client is chosen:
                return slot.index
        free = self._free_slot(skip=server_slot)
        if free is None:
            return FREE
        free.client = chosen
        free.type = TYPE_TCP
        return free.index

    def _remember_pending(self, server):
        """WiFiServer::available() (Arduino <= 1.5, Adafruit 1.x): lwip_accept one pending
        client into the server's book keeping (_spawnedSockets)."""
        conn = self._accept_one(server)
        if conn is not None:
            if len(server.spawned) < self.persona.max_sockets:
                server.spawned.append(conn)
            else:
                self._forget(conn.sock)
                self.leaked.append(conn.sock)

    def start_server_tcp(self, c):  # START_SERVER_TCP
        if c[2] == 3:
            group, port, sock_no, mode = None, (c[4] << 8) | c[5], c[7], c[9]
        else:
            group, port, sock_no, mode = bytes(c[4:8]), (c[9] << 8) | c[10], c[12], c[14]
        slot = self._slot(sock_no)
        if slot is None or mode not in (0, 1, 3):
            return one(0x28, 0)
        if mode == 0:
            listening = self._listen(slot, port)
            if not self.persona.tcp_bind_checked:
                # Adafruit 1.x startServerTcp (main/CommandHandler.cpp, 1.7.7) ignores what
                # WiFiServer::begin() did: a failed bind still answers 1, on a TCP slot whose
                # server is not listening (GET_STATE_TCP says 0)
                slot.type = TYPE_TCP
                return one(0x28, 1)
            return one(0x28, listening)
        return one(0x28, self._udp_bind(slot, port, group if mode == 3 else None))

    def _listen(self, slot, port):
        if slot.server is not None:
            # WiFiServer::begin() on a slot whose listener still runs: the old listener
            # is no longer referenced, but it keeps its port (only a reset frees it).
            old = slot.server
            slot.server = None
            self._forget(old.sock)
            self.leaked.append(old.sock)
        if not self._room_for_socket():
            return 0
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(self.world.listen_address(port))
            sock.listen(1)
            sock.setblocking(False)
        except OSError:
            sock.close()
            return 0
        self._own(sock)
        slot.server = Server(sock, port)
        slot.type = TYPE_TCP
        return 1

    def get_state_tcp(self, c):  # GET_STATE_TCP: the listener, whatever the slot's type
        slot = self._slot(c[4])
        return one(0x29, 1 if slot is not None and slot.server is not None else 0)
