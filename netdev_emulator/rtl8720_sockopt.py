# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The option calls of the RTL8720DN firmware's lwIP sockets: ``getsockopt``,
``setsockopt``, ``fcntl`` and ``ioctl`` as lwIP 2.0.2's ``sockets.c`` (``lwip_getsockopt_impl``,
``lwip_setsockopt_impl``, ``lwip_fcntl``, ``lwip_ioctl``) answers them in the firmware's
build (``LWIP_SO_SNDRCVTIMEO_NONSTANDARD``: timeouts are int milliseconds; what
``TCP_NODELAY`` really reads back is the PCB flag). The firmware's shims pass the
caller's buffers through (seeed-ambd-firmware ``src/wifi/wifi_api.c``,
``rpc_lwip_getsockopt`` and friends).

:class:`SocketOptions` is a part of :class:`netdev_emulator.rtl8720_sockets.SocketTable`.
See docs/protocol-rtl8720dn.rst (Sockets).
"""

import socket
import struct

from netdev_emulator.rtl8720_lwip_defs import (
    EINPROGRESS,
    EINVAL,
    ENOPROTOOPT,
    ENOSYS,
    F_GETFL,
    F_SETFL,
    FIONBIO,
    FIONREAD,
    IP_ADD_MEMBERSHIP,
    IP_DROP_MEMBERSHIP,
    IP_MULTICAST_IF,
    IPPROTO_IP,
    IPPROTO_TCP,
    O_NONBLOCK,
    SO_BROADCAST,
    SO_ERROR,
    SO_KEEPALIVE,
    SO_NO_CHECK,
    SO_RCVTIMEO,
    SO_REUSEADDR,
    SO_SNDTIMEO,
    SO_TYPE,
    SOCK_DGRAM,
    SOCK_STREAM,
    SOL_SOCKET,
    TCP_NODELAY,
    TF_NODELAY,
)
from netdev_emulator.rtl8720_wire import ip_text

_INT = struct.Struct("<i")


class SocketOptions:
    """Options, file flags and ioctls (a part of ``SocketTable``)."""

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
