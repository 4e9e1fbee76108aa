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
"""

import errno as _host_errno
import select
import socket
import struct
import time

from netdev_emulator.network import send_room
from netdev_emulator.rtl8720_wire import ip_bytes, ip_text, parse_sockaddr_in, sockaddr_in

# lwIP's errno numbers (LWIP_PROVIDE_ERRNO: the Linux values, whatever the host uses).
EIO = 5
EBADF = 9
EWOULDBLOCK = 11
ENOMEM = 12
EINVAL = 22
ENFILE = 23
ENOSYS = 38
ENOPROTOOPT = 92
EOPNOTSUPP = 95
EADDRINUSE = 98
ECONNABORTED = 103
ECONNRESET = 104
ENOBUFS = 105
EISCONN = 106
ENOTCONN = 107
EHOSTUNREACH = 113
EALREADY = 114
EINPROGRESS = 115

MAX_SOCKETS = 8  # MEMP_NUM_NETCONN
MAX_LISTENERS = 5  # MEMP_NUM_TCP_PCB_LISTEN
UDP_PCBS = 6  # MEMP_NUM_UDP_PCB; the DNS client holds one, the DHCP client another
TCP_SND_BUF = 7300  # 5 × TCP_MSS in the 8721D lwipopts.h
TCP_WND = 7300  # the receive window of the same build: what one recv can find queued

AF_INET = 2
SOCK_STREAM = 1
SOCK_DGRAM = 2
SOCK_RAW = 3

MSG_PEEK = 0x01
MSG_DONTWAIT = 0x08

SOL_SOCKET = 0xFFF
SO_REUSEADDR = 0x0004
SO_KEEPALIVE = 0x0008
SO_BROADCAST = 0x0020
SO_SNDTIMEO = 0x1005
SO_RCVTIMEO = 0x1006
SO_ERROR = 0x1007
SO_TYPE = 0x1008
SO_NO_CHECK = 0x100A
IPPROTO_IP = 0
IPPROTO_TCP = 6
IPPROTO_UDP = 17
TCP_NODELAY = 1
TCP_KEEPALIVE = 2
TCP_KEEPIDLE = 3
TCP_KEEPINTVL = 4
TCP_KEEPCNT = 5
IP_TOS = 1
IP_TTL = 2
IP_ADD_MEMBERSHIP = 3
IP_DROP_MEMBERSHIP = 4
IP_MULTICAST_TTL = 5
IP_MULTICAST_IF = 6
IP_MULTICAST_LOOP = 7
TF_NODELAY = 0x40  # what lwIP's getsockopt(TCP_NODELAY) really returns when set

F_GETFL = 3
F_SETFL = 4
O_NONBLOCK = 1
FIONBIO = 0x8004667E
FIONREAD = 0x4004667F

_INT = struct.Struct("<i")
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


class SocketTable:
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

    # -- options ---------------------------------------------------------------------------

    def getsockopt(self, fd, level, optname, optlen):
        """Returns ``(result, value_bytes)``; the value has ``optlen`` bytes."""
        slot = self._slot(fd)
        out = bytearray(optlen)
        if slot is None:
            return -1, bytes(out)
        self._alive(slot)
        if optlen < 4:
            return self._fail(slot, EINVAL), bytes(out)
        value = self._option_value(slot, level, optname)
        if value is None:
            return self._fail(slot, ENOPROTOOPT), bytes(out)
        if isinstance(value, tuple):  # an error code, not a value
            return self._fail(slot, value[0]), bytes(out)
        out[0:4] = _INT.pack(value)
        if not (level == SOL_SOCKET and optname == SO_ERROR):
            slot.err = 0
        return 0, bytes(out)

    def _option_value(self, slot, level, optname):
        if level == SOL_SOCKET:
            if optname == SO_ERROR:
                if slot.err in (0, EINPROGRESS):
                    if slot.state == "connecting":
                        slot.err = EINPROGRESS
                    elif slot.fatal:
                        slot.err = slot.fatal
                    else:
                        slot.err = 0
                value = slot.err
                slot.err = 0
                return value
            if optname in (SO_REUSEADDR, SO_KEEPALIVE, SO_BROADCAST):
                return slot.so_options & optname
            if optname == SO_TYPE:
                return SOCK_STREAM if slot.kind == "tcp" else SOCK_DGRAM
            if optname == SO_RCVTIMEO:
                return slot.rcvtimeo
            if optname == SO_SNDTIMEO:
                return slot.sndtimeo
            if optname == SO_NO_CHECK and slot.kind == "udp":
                return 0
            return None
        if level == IPPROTO_TCP:
            if slot.kind != "tcp":
                return None
            if slot.state == "listening":
                return (EINVAL,)
            if optname == TCP_NODELAY:
                return TF_NODELAY if slot.tcp_nodelay else 0
            return slot.tcp_keep.get(optname)
        if level == IPPROTO_IP:
            return slot.ip_options.get(optname)
        return None

    def setsockopt(self, fd, level, optname, optval):
        slot = self._slot(fd)
        if slot is None:
            return -1
        if level == IPPROTO_IP and optname in (IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP):
            if slot.kind != "udp":
                return self._fail(slot, ENOPROTOOPT)
            if len(optval) < 8:
                return self._fail(slot, EINVAL)
            group = ip_text(optval[0:4])
            if optname == IP_ADD_MEMBERSHIP:
                slot.memberships.add(group)
            else:
                slot.memberships.discard(group)
            return self._ok(slot)
        if len(optval) < 4:
            return self._fail(slot, EINVAL)
        value = _INT.unpack_from(optval, 0)[0]
        if level == SOL_SOCKET:
            if optname in (SO_REUSEADDR, SO_KEEPALIVE, SO_BROADCAST):
                if value:
                    slot.so_options |= optname
                else:
                    slot.so_options &= ~optname
                if optname == SO_KEEPALIVE and slot.sock is not None and slot.kind == "tcp":
                    slot.sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1 if value else 0)
                if optname == SO_BROADCAST and slot.sock is not None and slot.kind == "udp":
                    slot.sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1 if value else 0)
                return self._ok(slot)
            if optname == SO_RCVTIMEO:  # int milliseconds (LWIP_SO_SNDRCVTIMEO_NONSTANDARD)
                slot.rcvtimeo = max(0, value)
                return self._ok(slot)
            if optname == SO_SNDTIMEO:
                slot.sndtimeo = max(0, value)
                return self._ok(slot)
            if optname == SO_NO_CHECK and slot.kind == "udp":
                return self._ok(slot)
            return self._fail(slot, ENOPROTOOPT)
        if level == IPPROTO_TCP:
            if slot.kind != "tcp":
                return self._fail(slot, ENOPROTOOPT)
            if slot.state == "listening":
                return self._fail(slot, EINVAL)
            if optname == TCP_NODELAY:
                slot.tcp_nodelay = bool(value)
                return self._ok(slot)
            if optname in slot.tcp_keep:
                slot.tcp_keep[optname] = value
                return self._ok(slot)
            return self._fail(slot, ENOPROTOOPT)
        if level == IPPROTO_IP:
            if optname in slot.ip_options:
                slot.ip_options[optname] = value
                return self._ok(slot)
            if optname == IP_MULTICAST_IF:
                return self._ok(slot)
            return self._fail(slot, ENOPROTOOPT)
        return self._fail(slot, ENOPROTOOPT)

    def fcntl(self, fd, cmd, val):
        slot = self._slot(fd)
        if slot is None:
            return -1
        if cmd == F_GETFL:
            return self._ok(slot, O_NONBLOCK if slot.nonblocking else 0)
        if cmd == F_SETFL and (val & ~O_NONBLOCK) == 0:
            slot.nonblocking = bool(val & O_NONBLOCK)
            return self._ok(slot)
        return self._fail(slot, ENOSYS)

    def ioctl(self, fd, cmd, argp):
        """Returns ``(result, argp_out)``."""
        slot = self._slot(fd)
        out = bytearray(argp)
        if slot is None:
            return -1, bytes(out)
        if cmd == FIONBIO and len(argp) >= 4:
            slot.nonblocking = _INT.unpack_from(argp, 0)[0] != 0
            return self._ok(slot), bytes(out)
        if cmd == FIONREAD and len(argp) >= 4:
            self._alive(slot)
            count = 0
            if slot.sock is not None and slot.state not in ("listening", "failed"):
                try:
                    count = len(slot.sock.recv(65536, socket.MSG_PEEK))
                except OSError:
                    count = 0
            out[0:4] = _INT.pack(count)
            return self._ok(slot), bytes(out)
        return self._fail(slot, ENOSYS), bytes(out)

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


def ip_info_bytes(ip, netmask, gateway):
    """``tcpip_adapter_ip_info_t``: ip, netmask, gateway, 4 bytes each, network order."""
    return ip_bytes(ip) + ip_bytes(netmask) + ip_bytes(gateway)
