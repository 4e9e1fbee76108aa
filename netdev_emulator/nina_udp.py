# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""UDP sockets of the NINA-FW model: binding (START_SERVER_TCP's UDP and multicast modes), a packet
to a peer (START_CLIENT_TCP's UDP mode), INSERT_DATABUF and SEND_DATA_UDP, and received datagrams
(read through AVAIL_DATA_TCP, GET_DATA_TCP, GET_DATABUF_TCP, GET_REMOTE_DATA); opcodes 0x39,
0x46 and the UDP modes of 0x28 and 0x2D.

Modelled on main/CommandHandler.cpp (startServerTcp, startClientTcp, insertDataBuf, sendUDPdata,
getRemoteData) over arduino/libraries/WiFi/src/WiFiUdp.cpp (arduino/nina-fw; adafruit/nina-fw up
to 2.x) and, for Adafruit 3.x, espressif/arduino-esp32 libraries/Network/src/NetworkUdp.cpp.
docs/protocol-nina.rst (UDP).
"""

import socket

from netdev_emulator.nina_wire import TYPE_UDP, UDP_BUFFER, ZERO_IP, frame, ip_str, one


class UdpCommands:
    """The UDP commands of :class:`~netdev_emulator.nina_firmware.NinaFirmware`."""

    # -- UDP -------------------------------------------------------------------------------

    def _udp_bind(self, slot, port, group):
        udp = slot.udp
        if udp.sock is not None:
            if self.persona.udp_send_needs_bind:
                # <=2.0 begin() without stop(): the old socket is leaked, still bound
                self._forget(udp.sock)
                self.leaked.append(udp.sock)
            else:  # arduino-esp32's begin() stops the old socket first
                self._close(udp.sock)
            udp.sock = None
        if not self._room_for_socket():
            return 0
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.bind(self.world.listen_address(port))
            sock.setblocking(False)
            if group is not None and group != ZERO_IP:
                try:
                    sock.setsockopt(
                        socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, group + ZERO_IP
                    )
                except OSError:
                    pass  # the firmware ignores the result of the join
        except OSError:
            sock.close()
            return 0
        self._own(sock)
        udp.sock = sock
        udp.port = sock.getsockname()[1]
        udp.cur = b""
        udp.idx = 0
        slot.type = TYPE_UDP
        return 1

    def _udp_begin_locked(self, slot, host, ip, port):
        resolved = self._resolve(host)
        with self.lock:
            if resolved is None:
                return frame(0x2D)
            return self._udp_begin_packet(slot, b"", resolved, port, host)

    def _udp_begin_packet(self, slot, host, ip, port, name=b""):
        if host:
            resolved = self._resolve(host)
            if resolved is None:
                return frame(0x2D)
            ip = resolved
        udp = slot.udp
        udp.remote_ip = ip
        udp.remote_port = port
        name = name or host
        udp.name = name.decode("utf-8", "replace") if name else None
        del udp.tx[:]
        if udp.sock is None and not self.persona.udp_send_needs_bind and self._room_for_socket():
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            if self._source():
                sock.bind(self._source())
            sock.setblocking(False)
            self._own(sock)
            udp.sock = sock
        slot.type = TYPE_UDP
        return one(0x2D, 1)

    def insert_databuf(self, c):  # INSERT_DATABUF: sock c[5], length BE c[6..7], data c[8..]
        slot = self._slot(c[5])
        length = (c[6] << 8) | c[7]
        if slot is None:
            return one(0x46, 1 if length else 0)
        tx = slot.udp.tx
        accepted = min(length, UDP_BUFFER - len(tx))
        if accepted > 0:
            tx += c[8 : 8 + accepted]
        return one(0x46, 1 if accepted > 0 else 0)

    def send_data_udp(self, c):  # SEND_DATA_UDP: one datagram, the buffer is not cleared
        slot = self._slot(c[4])
        if slot is None or slot.type != TYPE_UDP:
            return one(0x39, 0)
        udp = slot.udp
        if udp.sock is None or not self.link_up():
            return one(0x39, 0)
        ip_text = ip_str(udp.remote_ip)
        real = self.world.route(ip_text, udp.remote_port, udp.name)
        self.emu.remember_route(real, (udp.remote_ip, udp.remote_port))
        if not self._reachable(real[0]):
            return one(0x39, 1)  # sent into the void: UDP does not know
        try:
            udp.sock.sendto(bytes(udp.tx), real)
        except OSError:
            return one(0x39, 0)
        return one(0x39, 1)

    def _udp_load(self, udp):
        """Make the next waiting datagram current (zero-length ones are discarded)."""
        while True:
            try:
                data, addr = udp.sock.recvfrom(UDP_BUFFER)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            if data:
                break
        udp.cur = data
        udp.idx = 0
        virtual = self.emu.virtual_source(addr)
        udp.remote_ip, udp.remote_port = virtual
