# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The data calls of the RTL8720DN firmware's lwIP sockets, served by real host sockets:
``recv``/``recvfrom``/``read`` (one datagram a call on UDP, the sender as the device
addressed it), ``send``/``sendto``/``write``, the firmware's own ``rpc_lwip_available``
(a 1-byte peek retried 20 x 20 ms, seeed-ambd-firmware ``src/wifi/wifi_api.c``) and
``select``. What each returns and which errno it sets is lwIP 2.0.2's ``sockets.c``
(``lwip_recvfrom``, ``lwip_send``, ``lwip_sendto``, ``lwip_select``) over its netconns
(``api_lib.c``), with the send buffer and window of the firmware's ``lwipopts.h``.

:class:`SocketIO` is a part of :class:`netdev_emulator.rtl8720_sockets.SocketTable`.
See docs/protocol-rtl8720dn.rst (Sockets).
"""

import select
import socket
import time

from netdev_emulator.network import send_room
from netdev_emulator.rtl8720_lwip_defs import (
    AF_INET,
    ECONNRESET,
    EHOSTUNREACH,
    EINPROGRESS,
    EIO,
    ENOMEM,
    ENOTCONN,
    EWOULDBLOCK,
    MAX_SOCKETS,
    MSG_DONTWAIT,
    MSG_PEEK,
    TCP_SND_BUF,
    TCP_WND,
)
from netdev_emulator.rtl8720_wire import parse_sockaddr_in


class SocketIO:
    """Moving data and waiting for it (a part of ``SocketTable``)."""

    # -- data ------------------------------------------------------------------------------

    def recv(self, fd, length, flags, want_from=False):
        """lwIP recv/recvfrom. Returns ``(result, data, from_addr)``."""
        slot = self._slot(fd)
        if slot is None:
            return -1, b"", None
        self._alive(slot)
        dontwait = slot.nonblocking or (flags & MSG_DONTWAIT)
        peek = socket.MSG_PEEK if flags & MSG_PEEK else 0
        wait = self._timeout_of(slot.rcvtimeo)
        waited = time.monotonic()
        try:
            while True:
                result = self._recv_once(slot, length, peek)
                if result is not None:
                    return result
                if dontwait:
                    return self._fail(slot, EWOULDBLOCK), b"", None
                readers = [slot.sock] if slot.sock is not None else []
                wait = self._wait(readers, [], wait)
                self._alive(slot)
                if wait == 0:
                    return self._fail(slot, EWOULDBLOCK), b"", None
        finally:
            if not dontwait:
                self.fw.charge(time.monotonic() - waited)

    def _recv_once(self, slot, length, peek):
        """One attempt: ``(result, data, from)`` or None when nothing is there yet."""
        if slot.kind == "tcp":
            if slot.state == "listening":
                return self._fail(slot, ENOTCONN), b"", None
            if slot.fatal:
                return self._fail(slot, slot.fatal), b"", None
            if slot.eof or slot.shut_rd:
                return self._ok(slot, 0), b"", None
            if slot.state != "connected":
                return None  # nothing can arrive on an unconnected netconn yet
            try:
                if length == 0:  # lwIP copies 0 bytes of the next segment: 0, or -1 if none
                    data = slot.sock.recv(1, socket.MSG_PEEK)
                    if not data:
                        slot.eof = True
                    return self._ok(slot, 0), b"", None
                # lwIP copies what it has queued, never more than its window: a bigger
                # len (a u32 from the wire) allocates nothing more
                data = slot.sock.recv(min(length, TCP_WND), peek)
            except (BlockingIOError, InterruptedError):
                return None
            except OSError:
                self._set_fatal(slot, ECONNRESET)
                return self._fail(slot, ECONNRESET), b"", None
            if not data:
                slot.eof = True
                return self._ok(slot, 0), b"", None
            return self._ok(slot, len(data)), data, slot.peer
        if slot.sock is None:
            return None
        try:
            data, source = slot.sock.recvfrom(65535, peek)
        except (BlockingIOError, InterruptedError):
            return None
        except OSError:
            return None  # ICMP errors on loopback: lwIP would not see them either
        data = data[:length]  # one datagram per call; the rest is discarded
        device_source = self.reverse.get(source[:2], source[:2])
        return self._ok(slot, len(data)), data, device_source

    def send(self, fd, data, flags, to=None):
        slot = self._slot(fd)
        if slot is None:
            return -1
        self._alive(slot)
        if slot.kind == "udp":
            return self._send_udp(slot, data, to)
        if slot.fatal:
            return self._fail(slot, slot.fatal)
        if slot.state == "connecting":
            return self._fail(slot, EINPROGRESS)
        if slot.state != "connected" or slot.shut_wr:
            return self._fail(slot, ENOTCONN)
        if not data:
            return self._ok(slot, 0)
        dontwait = slot.nonblocking or (flags & MSG_DONTWAIT)
        view = memoryview(data)
        sent = 0
        wait = self._timeout_of(slot.sndtimeo)
        waited = time.monotonic()
        try:
            while sent < len(data):
                room = send_room(slot.sock, TCP_SND_BUF)  # lwIP's buffer, not the host's
                if room:
                    try:
                        sent += slot.sock.send(view[sent : sent + room])
                        continue
                    except (BlockingIOError, InterruptedError):
                        pass
                    except OSError:
                        self._set_fatal(slot, ECONNRESET)
                        return self._fail(slot, ECONNRESET)
                if dontwait:
                    break
                wait = self._wait([], [slot.sock] if room else [], wait)
                self._alive(slot)
                if slot.fatal:
                    return self._fail(slot, slot.fatal)
                if wait == 0:
                    break
        finally:
            if not dontwait:
                self.fw.charge(time.monotonic() - waited)
        if sent == 0:
            return self._fail(slot, EWOULDBLOCK)
        return self._ok(slot, sent)

    def _send_udp(self, slot, data, to):
        if to is None:
            if slot.state != "connected":
                return self._fail(slot, ENOTCONN)
        if not self.fw.can_route():
            return self._fail(slot, EHOSTUNREACH)
        sock = slot.sock
        if sock is None:  # lwIP binds an unbound PCB to an ephemeral port on first send
            sock = self._new_host_socket(slot)
            sock.bind(self.world.listen_address(0))
            slot.local_port = sock.getsockname()[1]
            slot.state = "bound"
        try:
            if to is None:
                sent = sock.send(data)
            else:
                host = self.world.route(to[0], to[1], self.fw.name_for(to[0]))
                self.reverse[host] = to
                sent = sock.sendto(data, host)
        except (BlockingIOError, InterruptedError):
            return self._fail(slot, ENOMEM)  # no pbuf for the datagram
        except OSError:
            return self._fail(slot, EHOSTUNREACH)
        return self._ok(slot, sent)

    def sendto(self, fd, data, flags, to, tolen):
        slot = self._slot(fd)
        if slot is None:
            return -1
        if slot.kind == "tcp":
            return self.send(fd, data, flags)  # lwIP ignores the address on TCP
        addr = parse_sockaddr_in(to)
        if tolen != 16 or len(to) < 16 or addr is None or addr[0] != AF_INET:
            return self._fail(slot, EIO)
        return self.send(fd, data, flags, (addr[1], addr[2]))

    def available(self, fd):
        """rpc_lwip_available: a 1-byte MSG_PEEK, retried 20 × 20 ms (1 data, 0 EOF,
        -1 nothing). The idle retries cost model time, not wall time."""
        slot = self._slot(fd)
        if slot is None:
            return -1
        for attempt in range(2):
            result, _, _ = self.recv(fd, 1, MSG_PEEK | MSG_DONTWAIT)
            if result >= 0:
                return result
            if attempt == 0 and slot.sock is not None:
                self._wait([slot.sock], [], self.timing["idle_poll_wall"])
        self.fw.charge(self.timing["available_idle"])
        return -1

    # -- select ----------------------------------------------------------------------------

    def select(self, maxfdp1, readset, writeset, exceptset, timeout):
        """lwIP select over slots 0-7 (bit n of the first byte of each set). Only the
        count goes back to the host (the sets are ``in`` parameters). ``timeout`` is
        seconds, or None to block."""
        wanted = []
        for fd in range(min(max(maxfdp1, 0), MAX_SOCKETS)):
            r = bool(readset) and bool(readset[0] >> fd & 1)
            w = bool(writeset) and bool(writeset[0] >> fd & 1)
            e = bool(exceptset) and bool(exceptset[0] >> fd & 1)
            if (r or w or e) and self.slots[fd] is not None:
                wanted.append((self.slots[fd], r, w, e))
        waited = time.monotonic()
        left = timeout
        while True:
            count = 0
            readers, writers = [], []
            for slot, r, w, e in wanted:
                self._alive(slot)
                readable, writable, error = self._readiness(slot)
                count += (r and readable) + (w and writable) + (e and error)
                if slot.sock is not None:
                    if r:
                        readers.append(slot.sock)
                    if w and slot.state == "connecting":
                        writers.append(slot.sock)
                    elif w and slot.state == "connected" and slot.kind == "tcp" and send_room(
                        slot.sock, TCP_SND_BUF
                    ):
                        writers.append(slot.sock)
            if count or left == 0:
                break
            left = self._wait(readers, writers, left)
        if timeout != 0:
            self.fw.charge(time.monotonic() - waited)
        return count

    def _readiness(self, slot):
        if slot.fatal:
            return True, True, True
        if slot.kind == "udp":
            readable = False
            if slot.sock is not None:
                readable = bool(select.select([slot.sock], [], [], 0)[0])
            return readable, True, False
        if slot.state in ("listening", "connected"):
            if slot.eof:
                readable = True
            else:
                readable = bool(select.select([slot.sock], [], [], 0)[0])
            writable = False
            if slot.state == "connected" and send_room(slot.sock, TCP_SND_BUF):
                writable = bool(select.select([], [slot.sock], [], 0)[1])
            return readable, writable, False
        return False, False, False
