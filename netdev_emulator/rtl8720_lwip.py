# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The RTL8720DN firmware's lwIP calls, as a model: eRPC service 16 (the ``rpc_wifi_lwip``
interface: BSD sockets and DNS). Each handler decodes a request as the firmware's server
shim does (seeed-ambd-firmware ``src/erpc_shim/rpc_wifi_api_server.cpp``), calls what
``rpc_lwip_*`` in ``src/wifi/wifi_api.c`` calls, and encodes the reply the shim writes,
with the shims' quirks (uninitialised lengths, unchecked mallocs, the 1-byte buffer of a
failed read). The sockets themselves are lwIP 2.0.2's ``sockets.c``
(:mod:`netdev_emulator.rtl8720_sockets`); names go through ``netconn_gethostbyname`` and
``dns_gethostbyname_addrtype`` (lwIP ``api_lib.c``, ``dns.c``), whose answer reaches the
host through the callback service (``rpc_wifi_dns_found``).

:class:`LwipCalls` is a part of :class:`netdev_emulator.rtl8720_firmware.Firmware`
(``self.sockets`` is its socket table). See docs/protocol-rtl8720dn.rst (Sockets, DNS).
"""

import itertools
import random
import struct

from netdev_emulator.rtl8720_tls import FirmwareCrash
from netdev_emulator.rtl8720_wire import Writer, ip_bytes, sockaddr_in

ERR_OK = 0
ERR_INPROGRESS = -5
ERR_VAL = -6
ERR_ARG = -16

# The KM4 SRAM the heap lives in (0x1000_0000-0x1007_FFFF; protocol-rtl8720dn.rst): no malloc larger
# than this can succeed, whatever else holds the heap at the time
HEAP_LIMIT = 512 * 1024

_I32 = struct.Struct("<i")


class LwipCalls:
    """Service 16 (a part of ``Firmware``)."""

    # -- service 16: lwIP sockets and DNS --------------------------------------------------

    def lwip_accept(self, r):
        s = r.i32()
        r.binary()
        addrlen = r.u32()
        result = self.sockets.accept(s)
        if not self.profile.echo_lengths and result >= 0:
            addrlen = 16
        return Writer().u32(addrlen).i32(result).bytes()

    def lwip_bind(self, r):
        s = r.i32()
        name = r.binary()
        namelen = r.u32()
        return _I32.pack(self.sockets.bind(s, name, namelen))

    def lwip_shutdown(self, r):
        s = r.i32()
        how = r.i32()
        return _I32.pack(self.sockets.shutdown(s, how))

    def lwip_getpeername(self, r):
        s = r.i32()
        namelen = r.u32()
        result, name = self.sockets.getpeername(s)
        return self._addrname_reply(result, name, namelen)

    def lwip_getsockname(self, r):
        s = r.i32()
        namelen = r.u32()
        result, name = self.sockets.getsockname(s)
        return self._addrname_reply(result, name, namelen)

    def _addrname_reply(self, result, name, namelen):
        if not self.profile.echo_lengths:
            if result >= 0:
                namelen = 16
        elif result >= 0:
            # 2.1.1 onwards (wifi_api.c, rpc_lwip_getpeername/getsockname) pass lwIP the
            # dataLength of a binary_t the shim took from erpc_malloc and never set: lwIP
            # copies that many bytes of the 16-byte sockaddr_in (all of it when it is 16
            # or more) into a zeroed buffer (sockets.c, lwip_getaddrname)
            copied = min(next(self._namelens), 16)
            name = name[:copied] + bytes(16 - copied)
        return Writer().binary(name).u32(namelen).i32(result).bytes()

    def lwip_getsockopt(self, r):
        s = r.i32()
        level = r.i32()
        optname = r.i32()
        in_optval = r.binary()
        optlen = r.u32()
        result, value = self.sockets.getsockopt(s, level, optname, len(in_optval))
        return Writer().binary(value).u32(optlen).i32(result).bytes()

    def lwip_setsockopt(self, r):
        s = r.i32()
        level = r.i32()
        optname = r.i32()
        optval = r.binary()
        r.u32()  # optlen: the firmware passes the binary's length to lwIP
        return _I32.pack(self.sockets.setsockopt(s, level, optname, optval))

    def lwip_close(self, r):
        return _I32.pack(self.sockets.close(r.i32()))

    def lwip_connect(self, r):
        s = r.i32()
        name = r.binary()
        namelen = r.u32()
        return _I32.pack(self.sockets.connect(s, name, namelen))

    def lwip_listen(self, r):
        s = r.i32()
        backlog = r.i32()
        return _I32.pack(self.sockets.listen(s, backlog))

    def lwip_available(self, r):
        return _I32.pack(self.sockets.available(r.i32()))

    @staticmethod
    def _mem(result, data):
        # result <= 0: the firmware still sends its 1-byte buffer, uninitialised
        return data if result > 0 else b"\x00"

    # rpc_lwip_recv/read/recvfrom malloc(len) without a check. When that fails, lwIP still
    # receives, into NULL (pbuf_copy_partial copies nothing, the bytes are taken all the
    # same), and the reply's NULL binary makes eRPC's writeData fail: no reply. Up to
    # HEAP_LIMIT the model answers as if the malloc succeeded.

    def lwip_recv(self, r):
        s = r.i32()
        length = r.u32()
        flags = r.i32()
        r.u32()  # timeout: ignored by the firmware
        result, data, _ = self.sockets.recv(s, length, flags)
        if length > HEAP_LIMIT:
            return None  # malloc(len) failed: no reply
        return Writer().binary(self._mem(result, data)).i32(result).bytes()

    def lwip_read(self, r):
        s = r.i32()
        length = r.u32()
        r.u32()
        result, data, _ = self.sockets.recv(s, length, 0)
        if length > HEAP_LIMIT:
            return None  # malloc(len) failed: no reply
        return Writer().binary(self._mem(result, data)).i32(result).bytes()

    def lwip_recvfrom(self, r):
        """``rpc_lwip_recvfrom`` (wifi_api.c) hands lwIP a 16-byte ``struct sockaddr`` it
        mallocs (never zeroed) and the host's ``fromlen``. When data came (a datagram,
        even an empty one, or TCP bytes), ``lwip_recvfrom`` (sockets.c) copies
        min(fromlen, 16) bytes of the sender's ``sockaddr_in`` (sin_len 16, AF_INET, port
        and address in network order; a TCP socket's peer) and lowers ``fromlen`` to that.
        Otherwise (an error, or 0 at a TCP end) it copies nothing and ``fromlen`` comes back
        as sent. The reply always carries the 16 bytes; what lwIP did not write is
        whatever the heap held (the model: zeros)."""
        s = r.i32()
        length = r.u32()
        flags = r.i32()
        fromlen = r.u32()
        r.u32()
        result, data, source = self.sockets.recv(s, length, flags)
        if length > HEAP_LIMIT:
            return None  # malloc(len) failed: no reply
        from_addr = bytes(16)
        if result >= 0 and source is not None:
            fromlen = min(fromlen, 16)
            from_addr = sockaddr_in(source[0], source[1])[:fromlen].ljust(16, b"\x00")
        return (Writer().binary(self._mem(result, data)).binary(from_addr).u32(fromlen)
                .i32(result).bytes())

    def lwip_send(self, r):
        s = r.i32()
        data = r.binary()
        flags = r.i32()
        return _I32.pack(self.sockets.send(s, data, flags))

    def lwip_sendmsg(self, r):
        raise FirmwareCrash("rpc_lwip_sendmsg writes through an uninitialised iovec")

    def lwip_sendto(self, r):
        s = r.i32()
        data = r.binary()
        flags = r.i32()
        to = r.binary()
        tolen = r.u32()
        return _I32.pack(self.sockets.sendto(s, data, flags, to, tolen))

    def lwip_socket(self, r):
        domain = r.i32()
        stype = r.i32()
        protocol = r.i32()
        return _I32.pack(self.sockets.socket(domain, stype, protocol))

    def lwip_write(self, r):
        s = r.i32()
        data = r.binary()
        r.u32()  # size: the binary's length is used
        return _I32.pack(self.sockets.send(s, data, 0))

    def lwip_writev(self, r):
        s = r.i32()
        data = r.binary()
        r.i32()
        return _I32.pack(self.sockets.send(s, data, 0))

    def lwip_select(self, r):
        maxfdp1 = r.i32()
        readset = r.nullable_binary()
        writeset = r.nullable_binary()
        exceptset = r.nullable_binary()
        timeval = r.nullable_binary()
        timeout = None
        if timeval is not None:
            if len(timeval) >= 16:  # newlib struct timeval: i64 sec, i32 usec, padding
                sec, usec = struct.unpack_from("<qi", timeval, 0)
            elif len(timeval) >= 8:  # lwIP's own: i32 sec, i32 usec
                sec, usec = struct.unpack_from("<ii", timeval, 0)
            else:
                sec, usec = 0, 0
            timeout = max(0.0, sec + usec / 1e6)
        return _I32.pack(self.sockets.select(maxfdp1, readset, writeset, exceptset, timeout))

    def lwip_ioctl(self, r):
        s = r.i32()
        cmd = r.u32()
        argp = r.binary()
        result, out = self.sockets.ioctl(s, cmd, argp)
        return Writer().binary(out).i32(result).bytes()

    def lwip_fcntl(self, r):
        s = r.i32()
        cmd = r.i32()
        val = r.i32()
        return _I32.pack(self.sockets.fcntl(s, cmd, val))

    def lwip_errno(self, r):
        return _I32.pack(self.errno)

    def lwip_gethostbyname(self, r):
        name = r.string()
        ip = self.resolve(name)
        if ip is None:
            # the address bytes are garbage on failure; ERR_ARG for an empty name
            return Writer().binary(bytes(4)).i8(ERR_ARG if not name else ERR_VAL).bytes()
        return Writer().binary(ip_bytes(ip)).i8(ERR_OK).bytes()

    def lwip_dns_gethostbyname_addrtype(self, r):
        name = r.string()
        found = r.u32()
        arg = r.nullable_binary()
        r.u8()  # dns_addrtype
        parts = name.split(".")
        immediate = name in self.dns_cache or (
            len(parts) == 4 and all(p.isascii() and p.isdigit() and int(p) < 256 for p in parts))
        if immediate:
            ip = self.resolve(name)
            address = ip_bytes(ip)
            if found:
                # the firmware calls the host's callback first and waits for its reply,
                # serving other host calls meanwhile (nested eRPC calls)
                call = self.call_host_dns_found(name, address, arg)
                self.chip.serve_until(lambda: call.done)
            return Writer().binary(address).i8(ERR_OK).bytes()
        ip = self.resolve(name)
        address = ip_bytes(ip) if ip is not None else bytes(4)
        # ERR_INPROGRESS now; the lwIP task calls 19/2 once the answer is in
        self.deferred.append(lambda: self.call_host_dns_found(name, address, arg))
        return Writer().binary(bytes(4)).i8(ERR_INPROGRESS).bytes()


def namelen_draws(setting):
    """The uninitialised lengths getpeername/getsockname pass to lwIP, one per call: what
    the heap block held before (see RTL8720Emulator's ``uninitialised_namelen``)."""
    if setting is None:
        rng = random.Random(8720)  # the same draws in every run: tests stay deterministic
        return (rng.randrange(16) if rng.randrange(8) == 0 else 16 for _ in itertools.count())
    if isinstance(setting, int):
        return itertools.repeat(setting)
    return itertools.cycle(list(setting))
