# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""
`adafruit_netdev_rtl8720dn.erpc`
================================================================================

The wire format of the RTL8720DN "ambd" firmware, without any I/O: the 4-byte frame
header (``<u16 body length><u16 CRC-16 of the body>``, little-endian), the eRPC
BasicCodec message header (``<u32 1<<24 | service<<16 | method<<8 | type><u32
sequence>``), the service and method ids more than one module of the driver uses, and
helpers that build a call into a preallocated buffer and read values out of a received
body.

A frame is built in place::

    end = begin(buf, SVC_LWIP, LWIP_SOCKET, seq)
    end = put_i32(buf, end, 2)
    ...
    size = finish(buf, end)      # writes length and CRC; buf[:size] is the frame

Offsets are absolute offsets into ``buf``; the body starts at ``FRAME_HEADER``.
"""

import struct

from micropython import const

from adafruit_netdev import decode_text

try:
    from binascii import crc_hqx as _crc_hqx  # CPython: the same CRC, in C
except ImportError:
    _crc_hqx = None

_CRC_INIT = const(0xEF4A)
FRAME_HEADER = const(4)
_MESSAGE_HEADER = const(8)
BODY_MAX = const(4096)  # the firmware's message buffer; a longer frame desynchronises it
FRAME_MAX = const(4100)
CODEC_VERSION = const(1)

# message types (INVOCATION 0, ONEWAY 1, REPLY 2, NOTIFICATION 3)
INVOCATION = const(0)

# Service and method ids (firmware >= 2.0.3 tables; ids assigned by erpcgen). Only those
# that modules always loaded together share are here; every other id is a private const
# (``_LWIP_RECV = const(12)``) in the module that sends it, where MicroPython folds it into
# the bytecode: a public name costs a globals entry in RAM, a private const nothing. (The
# modules loaded on demand, _boot and _more, each repeat the few ids they share.)
SVC_WIFI = const(14)
SVC_TCPIP = const(15)
SVC_LWIP = const(16)
LWIP_CLOSE = const(8)
LWIP_SOCKET = const(18)
SVC_TLS = const(17)
TLS_DESTROY = const(2)
TLS_STOP = const(19)

# the Wi-Fi event (system_event_t.event_id) both this codec and the transport look at
EVENT_STA_DISCONNECTED = const(5)

# rpc_wifi_on's access-point mode; rpc_wifi_connect / rpc_wifi_start_ap's RTW_TIMEOUT result
RTW_MODE_AP = const(2)
RTW_TIMEOUT = const(2)

SOCKADDR_SIZE = const(16)
SCAN_RECORD_SIZE = const(62)  # one record of rpc_wifi_get_scan_records (parse_scan_record)

_table = None


def _crc_table():
    global _table  # noqa: PLW0603
    if _table is None:
        import array

        table = array.array("H", range(256))  # (sized from the range: no temporary buffer)
        for i in range(256):
            crc = i << 8
            for _ in range(8):
                crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            table[i] = crc & 0xFFFF
        _table = table
    return _table


def crc16(data, start=0, end=-1, crc=_CRC_INIT):
    """CRC-16 of ``data[start:end]`` (``end`` -1: to the end) as the firmware computes it:
    polynomial 0x1021, MSB first, initial value 0xEF4A, no final XOR."""
    if end < 0:
        end = len(data)
    if _crc_hqx is not None:
        return _crc_hqx(memoryview(data)[start:end], crc)
    table = _crc_table()
    for i in range(start, end):
        crc = ((crc << 8) & 0xFFFF) ^ table[(crc >> 8) ^ data[i]]
    return crc


def header_word(service, method, mtype):
    """The first u32 of a message body."""
    return (CODEC_VERSION << 24) | (service << 16) | (method << 8) | mtype


# -- building ------------------------------------------------------------------------------------


def begin(buf, service, method, seq, mtype=INVOCATION):
    """Start a message in ``buf``; returns the offset of the first parameter."""
    struct.pack_into("<II", buf, FRAME_HEADER, header_word(service, method, mtype), seq)
    return FRAME_HEADER + _MESSAGE_HEADER


def put_u8(buf, off, value):
    buf[off] = value & 0xFF
    return off + 1


def put_u16(buf, off, value):
    struct.pack_into("<H", buf, off, value & 0xFFFF)
    return off + 2


def put_i32(buf, off, value):
    struct.pack_into("<i", buf, off, value)
    return off + 4


def put_u32(buf, off, value):
    struct.pack_into("<I", buf, off, value)
    return off + 4


def put_bin(buf, off, data):
    """``binary`` or ``string``: u32 length, then the bytes (no terminator)."""
    n = len(data)
    if off + 4 + n > min(len(buf), FRAME_MAX):
        raise ValueError("message too long: %d bytes do not fit a %d-byte buffer" % (off + 4 + n, len(buf)))
    struct.pack_into("<I", buf, off, n)
    off += 4
    buf[off : off + n] = data
    return off + n


def put_str(buf, off, text):
    """A ``string`` parameter from ``str`` or bytes."""
    return put_bin(buf, off, text.encode() if isinstance(text, str) else text)


def put_nullable_str(buf, off, text):
    """A ``string @nullable``: flag byte 1 for None, else 0 and the string."""
    if text is None:
        buf[off] = 1
        return off + 1
    buf[off] = 0
    return put_str(buf, off + 1, text)


def put_sockaddr(buf, off, ip, port):
    """A ``bin`` holding a 16-byte ``struct sockaddr_in`` (``ip``: 4 bytes, network order)."""
    struct.pack_into("<IBB", buf, off, SOCKADDR_SIZE, 0, 2)
    struct.pack_into(">H", buf, off + 6, port)
    buf[off + 8 : off + 12] = ip
    for i in range(off + 12, off + 20):
        buf[i] = 0
    return off + 4 + SOCKADDR_SIZE


def put_zeros(buf, off, count):
    for i in range(off, off + count):
        buf[i] = 0
    return off + count


def finish(buf, end, payload=None, at=0):
    """Write the frame header for a body ending at ``end``; returns the frame length.
    With ``payload``, the body is ``buf[4:at]``, then ``payload``, then ``buf[at:end]``:
    a large binary parameter (its u32 length already at ``buf[at-4:at]``) goes on the wire
    from where it lies, never copied into ``buf``."""
    length = end - FRAME_HEADER
    if payload is None:
        crc = crc16(buf, FRAME_HEADER, end)
    else:
        length += len(payload)
        crc = crc16(buf, at, end, crc16(payload, 0, -1, crc16(buf, FRAME_HEADER, at)))
    if length > BODY_MAX:
        raise ValueError("message too long for the firmware's %d-byte buffer" % BODY_MAX)
    struct.pack_into("<HH", buf, 0, length, crc)
    return end + (0 if payload is None else len(payload))


# -- reading ---------------------------------------------------------------------------------------


def frame_length(buf):
    """The body length of the frame header at ``buf[0:4]``."""
    return buf[0] | buf[1] << 8


def frame_crc(buf):
    """The CRC of the frame header at ``buf[0:4]``."""
    return buf[2] | buf[3] << 8


def plausible_header(length):
    """False when a body length can only be garbage (too short for a message, or longer
    than the firmware ever sends)."""
    return _MESSAGE_HEADER <= length <= BODY_MAX


def get_i8(buf, off):
    value = buf[off]
    return value - 256 if value > 127 else value


def get_u16(buf, off):
    return buf[off] | buf[off + 1] << 8


# Byte arithmetic rather than struct.unpack_from: no tuple per value read.
def get_i32(buf, off):
    top = buf[off + 3]
    return (((top ^ 0x80) - 0x80) << 24) + (buf[off + 2] << 16 | buf[off + 1] << 8 | buf[off])


def get_u32(buf, off):
    return (buf[off + 3] << 24) + (buf[off + 2] << 16 | buf[off + 1] << 8 | buf[off])


def message_word(body):
    """The message header's first u32 (type, method, service, version) of ``body``."""
    return get_u32(body, 0)


def message_seq(body):
    return get_u32(body, 4)


def describe(word):
    """``"type t service s method m"`` for error messages."""
    return "type %d service %d method %d (codec version %d)" % (
        word & 0xFF,
        (word >> 16) & 0xFF,
        (word >> 8) & 0xFF,
        word >> 24,
    )


def parse_sockaddr(buf, off):
    """``("a.b.c.d", port)`` from a 16-byte ``sockaddr_in`` at ``off``."""
    return (
        "%d.%d.%d.%d" % (buf[off + 4], buf[off + 5], buf[off + 6], buf[off + 7]),
        buf[off + 2] << 8 | buf[off + 3],
    )


def parse_event(body, length):
    """``(event_id, reason)`` from a 19/1 event body (``reason``: the STA_DISCONNECTED
    reason code, else 0); ``None`` when the body is not a well-formed event."""
    if length < _MESSAGE_HEADER + 4 + 4:
        return None
    size = get_u32(body, _MESSAGE_HEADER)
    if size < 4 or _MESSAGE_HEADER + 4 + size > length:
        return None
    event = get_u32(body, _MESSAGE_HEADER + 4)
    reason = 0
    if event == EVENT_STA_DISCONNECTED and size >= 40:
        reason = body[_MESSAGE_HEADER + 8 + 39]  # ssid[32], ssid_len, bssid[6], reason
    return event, reason


def parse_mac(buf, off):
    """6 bytes from the firmware's ``"xx:xx:xx:xx:xx:xx\\0"`` (18 bytes at ``off``)."""
    out = bytearray(6)
    for i in range(6):
        out[i] = int(bytes(buf[off + 3 * i : off + 3 * i + 2]), 16)
    return bytes(out)


def parse_scan_record(buf, off):
    """``(ssid, bssid, rssi, security, channel)`` from a packed 62-byte
    ``rtw_scan_result_t`` at ``off``."""
    n = buf[off]
    n = min(n, 32)
    ssid = decode_text(bytes(buf[off + 1 : off + 1 + n]))
    bssid = bytes(buf[off + 34 : off + 40])
    rssi = struct.unpack_from("<h", buf, off + 40)[0]
    security = get_u32(buf, off + 46)
    channel = get_u32(buf, off + 54)
    return ssid, bssid, rssi, security, channel


def put_fdset(buf, off, fd):
    """A present ``bin? fd_set``: flag 0, then an 8-byte newlib set with bit ``fd``."""
    buf[off] = 0
    struct.pack_into("<I", buf, off + 1, 8)
    put_zeros(buf, off + 5, 8)
    buf[off + 5 + (fd >> 3)] = 1 << (fd & 7)
    return off + 13
