# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The RTL8720DN link as the "ambd" firmware sees it: the eRPC 1.7.4 framed transport
(4-byte header, CRC-16 0x1021/0xEF4A) and the BasicCodec (little-endian scalars,
``u32``-length strings and binaries, nullable flags). Pure functions over bytes.

Written from docs/protocol-rtl8720dn.rst (Framing, Messages) for the emulator only; the drivers carry
their own codec, so a codec bug cannot hide on both sides.
"""

import binascii
import struct

CRC_INIT = 0xEF4A
MAX_BODY = 4096  # the firmware's message buffer (docs/protocol-rtl8720dn.rst, Framing)

MSG_INVOCATION = 0
MSG_ONEWAY = 1
MSG_REPLY = 2
MSG_NOTIFICATION = 3

_HEADER = struct.Struct("<HH")
_MSG_HEADER = struct.Struct("<II")
_U8 = struct.Struct("<B")
_I8 = struct.Struct("<b")
_U16 = struct.Struct("<H")
_I16 = struct.Struct("<h")
_U32 = struct.Struct("<I")
_I32 = struct.Struct("<i")


def crc16(data, crc=CRC_INIT):
    """CRC-16 of the eRPC framed transport: poly 0x1021, MSB first, no final XOR.

    ``binascii.crc_hqx`` is exactly this CRC family with a free initial value, and runs
    in C: a whole 4 KiB frame costs microseconds, not a Python loop per byte.
    """
    return binascii.crc_hqx(data, crc)


def frame(body):
    """The bytes on the wire for one message body: ``<u16 len><u16 crc>`` + body."""
    return _HEADER.pack(len(body), crc16(body)) + body


def parse_frame_header(header4):
    """``(body_length, crc)`` from the 4 header bytes."""
    return _HEADER.unpack(header4)


def message_header(msg_type, service, method, sequence):
    """The 8-byte BasicCodec message header."""
    return _MSG_HEADER.pack(
        (1 << 24) | ((service & 0xFF) << 16) | ((method & 0xFF) << 8) | (msg_type & 0xFF),
        sequence & 0xFFFFFFFF,
    )


def parse_message_header(body):
    """``(msg_type, service, method, version, sequence)`` of a message body (≥ 8 bytes)."""
    return body[0], body[2], body[1], body[3], _U32.unpack_from(body, 4)[0]


class DecodeError(Exception):
    """The parameters of a request do not decode (the firmware drops such a message)."""


class Reader:
    """Reads BasicCodec parameters from a message body, in IDL order.

    Reading past the end raises :class:`DecodeError`, as the firmware's codec fails on a
    truncated message (and then sends no reply).
    """

    __slots__ = ("data", "pos")

    def __init__(self, data, pos=8):
        self.data = data
        self.pos = pos

    def _scalar(self, st):
        pos = self.pos
        end = pos + st.size
        if end > len(self.data):
            raise DecodeError("message truncated at offset %d" % pos)
        self.pos = end
        return st.unpack_from(self.data, pos)[0]

    def u8(self):
        return self._scalar(_U8)

    def i8(self):
        return self._scalar(_I8)

    def u16(self):
        return self._scalar(_U16)

    def i16(self):
        return self._scalar(_I16)

    def u32(self):
        return self._scalar(_U32)

    def i32(self):
        return self._scalar(_I32)

    def bool(self):
        return self._scalar(_U8) != 0

    def fixed(self, count):
        """``count`` raw bytes (a fixed-size array: no length prefix)."""
        pos = self.pos
        end = pos + count
        if end > len(self.data):
            raise DecodeError("message truncated at offset %d" % pos)
        self.pos = end
        return bytes(self.data[pos:end])

    def binary(self):
        return self.fixed(self.u32())

    def string(self):
        return self.binary().decode("utf-8", "replace")

    def is_null(self):
        """Reads a ``@nullable`` flag: True when the value is NULL (flag byte 1)."""
        return self._scalar(_U8) != 0

    def nullable_binary(self):
        return None if self.is_null() else self.binary()

    def nullable_string(self):
        return None if self.is_null() else self.string()


class Writer:
    """Builds the parameters of a reply (or of a firmware-originated call)."""

    __slots__ = ("parts",)

    def __init__(self):
        self.parts = []

    def u8(self, value):
        self.parts.append(_U8.pack(value & 0xFF))
        return self

    def i8(self, value):
        self.parts.append(_I8.pack(value))
        return self

    def u16(self, value):
        self.parts.append(_U16.pack(value & 0xFFFF))
        return self

    def u32(self, value):
        self.parts.append(_U32.pack(value & 0xFFFFFFFF))
        return self

    def i32(self, value):
        self.parts.append(_I32.pack(value))
        return self

    def bool(self, value):
        self.parts.append(b"\x01" if value else b"\x00")
        return self

    def fixed(self, data):
        self.parts.append(bytes(data))
        return self

    def binary(self, data):
        self.parts.append(_U32.pack(len(data)))
        self.parts.append(bytes(data))
        return self

    def string(self, text):
        return self.binary(text.encode("utf-8") if isinstance(text, str) else text)

    def bytes(self):
        return b"".join(self.parts)


def sockaddr_in(ip, port):
    """lwIP's 16-byte ``struct sockaddr_in`` (len 16, AF_INET, port and address in network
    order)."""
    return struct.pack(">BBH4s8x", 16, 2, port & 0xFFFF, ip_bytes(ip))


def parse_sockaddr_in(data):
    """``(family, ip, port)`` of a sockaddr_in binary (``None`` when too short)."""
    if len(data) < 8:
        return None
    return data[1], ip_text(data[4:8]), (data[2] << 8) | data[3]


def ip_bytes(ip):
    """``"a.b.c.d"`` to 4 bytes in network order (``""``/None: 0.0.0.0)."""
    if not ip:
        return b"\x00\x00\x00\x00"
    return bytes(int(part) for part in ip.split("."))


def ip_text(data):
    return "%d.%d.%d.%d" % (data[0], data[1], data[2], data[3])
