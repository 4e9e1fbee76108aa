# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The RTL8720DN firmware's lwIP 2.0.2 socket layer, served by real host sockets.

Eight socket slots (MEMP_NUM_NETCONN), lowest free index first, shared by TCP, UDP,
listeners and the TCP socket under every TLS session. Every call returns what lwIP
returns: a value ≥ 0, or -1 with the firmware's errno set (a per-socket ``err`` for
SO_ERROR and the global, sticky C ``errno`` that ``rpc_lwip_errno`` reads).

Host sockets are always non-blocking; lwIP's blocking behaviour (a blocking recv,
accept, connect or select stalls the whole firmware) is rebuilt on top with waits that
a chip reset interrupts. See docs/protocol-rtl8720dn.rst (Structures, Errors and errno, Sockets).

The rules are lwIP 2.0.2's ``sockets.c`` (``alloc_socket``, ``lwip_bind``, ``lwip_listen``,
``lwip_accept``, ``lwip_connect``, ``lwip_close``, ``lwip_shutdown``, ``lwip_getaddrname``),
its netconns (``api_lib.c``, ``api_msg.c``) and the pool sizes of the firmware's
``lwipopts.h`` (:mod:`~netdev_emulator.rtl8720_lwip_defs`), reached through
seeed-ambd-firmware's ``rpc_lwip_*`` (``src/wifi/wifi_api.c``). This module holds the slot
table, the socket's life (socket, bind, listen, accept, connect, close, shutdown, names)
and the bounded waits; moving data and select are :mod:`~netdev_emulator.rtl8720_socket_io`,
options :mod:`~netdev_emulator.rtl8720_sockopt`.
"""

import errno as _host_errno
import select
import socket
import struct
import time

from netdev_emulator.rtl8720_lwip_defs import (
    AF_INET,
    EADDRINUSE,
    EALREADY,
    EBADF,
    ECONNABORTED,
    ECONNRESET,
    EHOSTUNREACH,
    EINPROGRESS,
    EINVAL,
    EIO,
    EISCONN,
    ENFILE,
    ENOBUFS,
    ENOMEM,
    ENOTCONN,
    EOPNOTSUPP,
    EWOULDBLOCK,
    IP_MULTICAST_LOOP,
    IP_MULTICAST_TTL,
    IP_TOS,
    IP_TTL,
    MAX_LISTENERS,
    MAX_SOCKETS,
    SOCK_DGRAM,
    SOCK_STREAM,
    TCP_KEEPALIVE,
    TCP_KEEPCNT,
    TCP_KEEPIDLE,
    TCP_KEEPINTVL,
    TCP_SND_BUF,
    UDP_PCBS,
)
from netdev_emulator.rtl8720_socket_io import SocketIO
from netdev_emulator.rtl8720_sockopt import SocketOptions
from netdev_emulator.rtl8720_wire import ip_bytes, parse_sockaddr_in, sockaddr_in

_SLICE = 0.05  # how often a blocking wait looks at the link and the reset line


class Slot:
    """One lwIP socket (what :meth:`SocketTable.describe` reports for inspection)."""

    def __init__(self, fd, kind):
        self.fd = fd
        self.kind = kind  # "tcp" or "udp"
        self.sock = None  # the host socket (non-blocking), made at bind/connect/listen
        self.state = "new"  # new, bound, listening, connecting, connected, failed
        self.nonblocking = False
        self.err = 0  # lwIP sock->err: what SO_ERROR returns (and clears)
        self.fatal = 0  # errno of a fatal connection error (lwIP conn->last_err), sticky
        self.eof = False
        self.local_port = 0
        self.peer = None  # the peer as the device sees it
        self.so_options = 0
        self.rcvtimeo = 0
        self.sndtimeo = 0
        self.tcp_nodelay = False
        self.tcp_keep = {TCP_KEEPALIVE: 7200000, TCP_KEEPIDLE: 7200, TCP_KEEPINTVL: 75,
                         TCP_KEEPCNT: 9}
        self.ip_options = {IP_TOS: 0, IP_TTL: 255, IP_MULTICAST_TTL: 1, IP_MULTICAST_LOOP: 1}
        self.memberships = set()
        self.epoch = None  # the link epoch a connection was made in
        self.tls = None  # handle of the TLS session that opened this socket
        self.accepted = False
        self.connect_deadline = 0.0
        self.shut_rd = False
        self.shut_wr = False

    def close_host(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None


class SocketTable(SocketIO, SocketOptions):
    """The firmware's socket slots. ``fw`` is the firmware model: it provides ``errno``
    (the global C errno), ``can_route()``, ``link_epoch``, ``name_for(ip)`` (the name a
    lookup returned that address for), ``dhcp_client``, ``charge(seconds)`` and
    ``check()`` (raises when the chip is reset); ``wake`` is a socket that becomes
    readable when ``check()`` should be called."""

    def __init__(self, fw, world, wake, timing):
        self.fw = fw
        self.world = world
        self.wake = wake
        self.timing = timing
        self.slots = [None] * MAX_SOCKETS
        self.reverse = {}  # host (ip, port) -> the (ip, port) the device addressed

    # -- bookkeeping ---------------------------------------------------------------------

    def reset(self):
        """Power off: every socket closes at once, nothing is sent (no FIN handshake
        the firmware could complete)."""
        for slot in self.slots:
            if slot is not None:
                if slot.sock is not None:
                    try:  # an abortive close, as a chip losing power
                        slot.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                             struct.pack("ii", 1, 0))
                    except OSError:
                        pass
                slot.close_host()
        self.slots = [None] * MAX_SOCKETS
        self.reverse.clear()

    def describe(self):
        out = {}
        for slot in self.slots:
            if slot is None:
                continue
            out[slot.fd] = {
                "type": slot.kind,
                "state": slot.state,
                "nonblocking": slot.nonblocking,
                "local_port": slot.local_port,
                "peer": slot.peer,
                "tls": slot.tls,
                "accepted": slot.accepted,
                "eof": slot.eof,
                "error": slot.fatal,
            }
        return out

    def _fail(self, slot, code):
        if slot is not None:
            slot.err = code
        self.fw.errno = code
        return -1

    def _ok(self, slot, value=0):
        slot.err = 0  # lwIP's sock_set_errno(sock, 0): the global errno stays as it was
        return value

    def get(self, fd):
        if 0 <= fd < MAX_SOCKETS:
            return self.slots[fd]
        return None

    def _slot(self, fd):
        slot = self.get(fd)
        if slot is None:
            self.fw.errno = EBADF
        return slot

    def _alive(self, slot):
        """Applies what happened since the last call: a non-blocking connect finished,
        or the Wi-Fi link went away under a connection (lwIP would give up after its
        retransmissions; the model fast-forwards to that)."""
        if slot.state == "connecting":
            self._poll_connect(slot)
        if (slot.epoch is not None and slot.epoch != self.fw.link_epoch
                and slot.state in ("connected", "connecting")):
            self._set_fatal(slot, ECONNABORTED)

    def _set_fatal(self, slot, code):
        slot.fatal = code
        slot.state = "failed"
        slot.close_host()

    # -- socket, bind, listen, accept ------------------------------------------------------

    def socket(self, domain, stype, protocol):
        if stype == SOCK_STREAM:
            kind = "tcp"
        elif stype == SOCK_DGRAM:
            kind = "udp"
            udp_in_use = sum(1 for s in self.slots if s is not None and s.kind == "udp")
            reserved = 1 + (1 if self.fw.dhcp_client else 0)
            if udp_in_use + reserved >= UDP_PCBS:
                return self._fail(None, ENOBUFS)  # udp_new() failed: no PCB
        else:
            # SOCK_RAW (ping) would need raw host sockets: not modelled
            return self._fail(None, EINVAL)
        for fd in range(MAX_SOCKETS):
            if self.slots[fd] is None:
                self.slots[fd] = Slot(fd, kind)
                return fd
        return self._fail(None, ENFILE)

    def _new_host_socket(self, slot):
        sock = socket.socket(socket.AF_INET,
                             socket.SOCK_STREAM if slot.kind == "tcp" else socket.SOCK_DGRAM)
        sock.setblocking(False)
        if slot.kind == "tcp":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        slot.sock = sock
        return sock

    def bind(self, fd, name, namelen):
        slot = self._slot(fd)
        if slot is None:
            return -1
        addr = parse_sockaddr_in(name)
        if namelen != 16 or len(name) < 16 or addr is None or addr[0] != AF_INET:
            return self._fail(slot, EIO)  # LWIP_ERROR(..., ERR_ARG): err_to_errno -> EIO
        if slot.state != "new" or slot.sock is not None:
            return self._fail(slot, EINVAL)  # tcp_bind/udp_bind only from CLOSED
        port = addr[2]
        if port:
            for other in self.slots:
                if other is not None and other is not slot and other.kind == slot.kind \
                        and other.local_port == port:
                    return self._fail(slot, EADDRINUSE)
        sock = self._new_host_socket(slot)
        try:
            sock.bind(self.world.listen_address(port))
        except OSError:
            slot.close_host()
            return self._fail(slot, EADDRINUSE)
        slot.local_port = sock.getsockname()[1]
        slot.state = "bound"
        return self._ok(slot)

    def listen(self, fd, backlog):
        slot = self._slot(fd)
        if slot is None:
            return -1
        if slot.kind != "tcp":
            return self._fail(slot, EOPNOTSUPP)
        if slot.state == "listening":
            return self._ok(slot)
        if slot.state not in ("new", "bound"):
            return self._fail(slot, EINVAL)
        listeners = sum(1 for s in self.slots if s is not None and s.state == "listening")
        if listeners >= MAX_LISTENERS:
            return self._fail(slot, ENOMEM)
        if slot.sock is None:
            sock = self._new_host_socket(slot)
            try:
                sock.bind(self.world.listen_address(0))
            except OSError:
                slot.close_host()
                return self._fail(slot, EADDRINUSE)
            slot.local_port = sock.getsockname()[1]
        slot.sock.listen(max(1, min(backlog, 6)) if backlog > 0 else 1)
        slot.state = "listening"
        return self._ok(slot)

    def accept(self, fd):
        slot = self._slot(fd)
        if slot is None:
            return -1
        if slot.kind != "tcp":
            return self._fail(slot, EOPNOTSUPP)
        if slot.state != "listening":
            return self._fail(slot, EIO)  # netconn_accept: no accept mailbox (ERR_ARG)
        wait = None if slot.nonblocking else self._timeout_of(slot.rcvtimeo)
        waited = time.monotonic()
        while True:
            try:
                conn, addr = slot.sock.accept()
                break
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                return self._fail(slot, ECONNABORTED)
            if slot.nonblocking:
                return self._fail(slot, EWOULDBLOCK)
            wait = self._wait([slot.sock], [], wait)
            if wait == 0:
                self.fw.charge(time.monotonic() - waited)
                return self._fail(slot, EWOULDBLOCK)  # SO_RCVTIMEO expired
        if not slot.nonblocking:
            self.fw.charge(time.monotonic() - waited)
        for new_fd in range(MAX_SOCKETS):
            if self.slots[new_fd] is None:
                break
        else:
            conn.close()  # lwIP deletes the new netconn when no socket is free
            return self._fail(slot, ENFILE)
        conn.setblocking(False)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        new = Slot(new_fd, "tcp")
        new.sock = conn
        new.state = "connected"
        new.accepted = True
        new.peer = addr[:2]
        new.local_port = slot.local_port
        new.epoch = self.fw.link_epoch
        self.slots[new_fd] = new
        return self._ok(slot, new_fd)

    # -- connect ---------------------------------------------------------------------------

    def connect(self, fd, name, namelen):
        slot = self._slot(fd)
        if slot is None:
            return -1
        addr = parse_sockaddr_in(name)
        if namelen != 16 or len(name) < 16 or addr is None or addr[0] != AF_INET:
            return self._fail(slot, EIO)
        ip, port = addr[1], addr[2]
        if slot.kind == "udp":
            return self._udp_connect(slot, ip, port)
        self._alive(slot)
        if slot.state == "connecting":
            return self._fail(slot, EALREADY)
        if slot.state in ("connected", "listening"):
            return self._fail(slot, EISCONN)
        if slot.state == "failed":
            return self._fail(slot, ENOTCONN)  # the PCB is gone (ERR_CLSD)
        if not self.fw.can_route():
            return self._fail(slot, EHOSTUNREACH)  # no netif up: ERR_RTE
        host = self.fw.chip.faults.reroute(self.world.route(ip, port, self.fw.name_for(ip)))
        sock = slot.sock
        if sock is None:  # lwIP binds an unbound PCB to the netif's address, ephemeral port
            sock = self._new_host_socket(slot)
            if self.world.ip.startswith("127."):  # the chip's own loopback address
                try:
                    sock.bind(self.world.listen_address(0))
                    slot.local_port = sock.getsockname()[1]
                except OSError:
                    pass  # connect_ex picks a source then
        code = sock.connect_ex(host)
        slot.peer = (ip, port)
        slot.epoch = self.fw.link_epoch
        slot.state = "connecting"
        slot.connect_deadline = time.monotonic() + self.timing["connect_giveup_wall"]
        if code not in (0, _host_errno.EINPROGRESS, _host_errno.EWOULDBLOCK):
            self._connect_failed(slot, code)
            return self._fail(slot, slot.fatal)
        if code == 0:
            self._connected(slot)
        if slot.nonblocking:
            if slot.state == "connected":
                return self._ok(slot)
            slot.err = EINPROGRESS
            self.fw.errno = EINPROGRESS
            return -1
        waited = time.monotonic()
        while slot.state == "connecting":
            left = slot.connect_deadline - time.monotonic()
            if left <= 0:
                self._poll_connect(slot)
                break
            self._wait([], [slot.sock], min(left, _SLICE))
            self._poll_connect(slot)
        self.fw.charge(time.monotonic() - waited)
        if slot.state == "connected":
            self.fw.charge(self.timing["tcp_connect"])
            return self._ok(slot)
        if slot.fatal == ECONNABORTED:
            self.fw.charge(self.timing["tcp_syn_giveup"])
        return self._fail(slot, slot.fatal)

    def _udp_connect(self, slot, ip, port):
        sock = slot.sock
        if sock is None:
            sock = self._new_host_socket(slot)
            sock.bind(self.world.listen_address(0))
            slot.local_port = sock.getsockname()[1]
        host = self.world.route(ip, port, self.fw.name_for(ip))
        try:
            sock.connect(host)
        except OSError:
            return self._fail(slot, EHOSTUNREACH)
        self.reverse[host] = (ip, port)
        slot.peer = (ip, port)
        slot.state = "connected"
        return self._ok(slot)

    def _connected(self, slot):
        slot.state = "connected"
        if slot.err == EINPROGRESS:
            slot.err = 0
        try:
            slot.local_port = slot.local_port or slot.sock.getsockname()[1]
        except OSError:
            pass

    def _connect_failed(self, slot, code):
        # lwIP has no ECONNREFUSED: a RST to the SYN is ERR_RST; SYN retransmissions
        # running out is ERR_ABRT
        if code in (_host_errno.ECONNREFUSED, _host_errno.ECONNRESET):
            self._set_fatal(slot, ECONNRESET)
        else:
            self._set_fatal(slot, ECONNABORTED)
        slot.err = slot.fatal

    def _poll_connect(self, slot):
        sock = slot.sock
        if sock is None:
            return
        try:
            _, writable, _ = select.select([], [sock], [], 0)
        except (OSError, ValueError):
            writable = [sock]
        if writable:
            code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if code == 0:
                self._connected(slot)
            else:
                self._connect_failed(slot, code)
        elif time.monotonic() > slot.connect_deadline:
            self._connect_failed(slot, _host_errno.ETIMEDOUT)

    # -- waiting ---------------------------------------------------------------------------

    @staticmethod
    def _timeout_of(ms):
        return ms / 1000.0 if ms > 0 else None

    def _wait(self, readers, writers, timeout):
        """One bounded wait for host sockets; returns the time left (None: no limit, 0:
        expired). Raises (through ``fw.check``) when the chip is reset."""
        self.fw.check()
        start = time.monotonic()
        step = _SLICE if timeout is None else max(0.0, min(timeout, _SLICE))
        try:
            select.select(list(readers) + [self.wake], list(writers), [], step)
        except (OSError, ValueError):
            pass
        self.fw.check()
        if timeout is None:
            return None
        left = timeout - (time.monotonic() - start)
        return left if left > 0 else 0

    # -- close, shutdown, names -------------------------------------------------------------

    def close(self, fd):
        slot = self._slot(fd)
        if slot is None:
            return -1
        slot.close_host()
        self.slots[fd] = None
        return 0

    def shutdown(self, fd, how):
        slot = self._slot(fd)
        if slot is None:
            return -1
        if slot.kind != "tcp":
            return self._fail(slot, EOPNOTSUPP)
        self._alive(slot)
        if slot.state != "connected":
            return self._fail(slot, ENOTCONN)
        if how not in (0, 1, 2):
            return self._fail(slot, EINVAL)
        modes = (socket.SHUT_RD, socket.SHUT_WR, socket.SHUT_RDWR)
        try:
            slot.sock.shutdown(modes[how])
        except OSError:
            pass
        if how in (0, 2):
            slot.shut_rd = True
        if how in (1, 2):
            slot.shut_wr = True
        return self._ok(slot)

    def getpeername(self, fd):
        slot = self._slot(fd)
        if slot is None:
            return -1, bytes(16)
        self._alive(slot)
        if slot.peer is None or slot.state not in ("connected", "failed") or (
                slot.state == "failed" and slot.kind == "tcp"):
            return self._fail(slot, ENOTCONN), bytes(16)
        return self._ok(slot), sockaddr_in(slot.peer[0], slot.peer[1])

    def getsockname(self, fd):
        slot = self._slot(fd)
        if slot is None:
            return -1, bytes(16)
        ip = self.fw.ip if (slot.state in ("connected", "connecting") or slot.accepted) \
            else "0.0.0.0"
        return self._ok(slot), sockaddr_in(ip, slot.local_port)

def ip_info_bytes(ip, netmask, gateway):
    """``tcpip_adapter_ip_info_t``: ip, netmask, gateway, 4 bytes each, network order."""
    return ip_bytes(ip) + ip_bytes(netmask) + ip_bytes(gateway)


# TCP_SND_BUF: imported from here by the TLS model and tests (the lwIP send buffer)
__all__ = ["MAX_SOCKETS", "TCP_SND_BUF", "Slot", "SocketTable", "ip_info_bytes"]
