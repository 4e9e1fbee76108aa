# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The pure eRPC codec (its builders and readers), byte for byte against the worked frames
and CRC checks of docs/protocol-rtl8720dn.rst (Framing, Worked frames)."""

import binascii
import errno
import random

import pytest

from adafruit_netdev.netlink import AUTH_TYPE_OPEN, AUTH_TYPE_WPA2
from adafruit_netdev_rtl8720dn import codec, lwip_errno
from tests.rtl8720dn.spec import (  # the spec's numbers, not the driver's
    CALLBACK_EVENT,
    EVENT_STA_START,
    LWIP_CONNECT,
    LWIP_GETHOSTBYNAME,
    LWIP_RECV,
    LWIP_SEND,
    LWIP_SOCKET,
    ONEWAY,
    REASON_AUTH_FAIL,
    REPLY,
    SVC_CALLBACK,
    SVC_LWIP,
    SVC_SYSTEM,
    SVC_WIFI,
    SYSTEM_VERSION,
    WIFI_CONNECT,
)

FRAME_MAX = 4100  # the largest frame: the firmware's 4096-byte message buffer and the header


def hexbytes(text):
    return bytes.fromhex(text.replace(" ", ""))


def crc_bitwise(data, crc=0xEF4A):
    """The bit-by-bit CRC of docs/protocol-rtl8720dn.rst (Framing), to cross-check the table-driven path."""
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


@pytest.fixture(params=["native", "table"])
def crc_impl(request, monkeypatch):
    if request.param == "table":
        monkeypatch.setattr(codec, "_crc_hqx", None)
    return request.param


def test_crc_check_values(crc_impl):
    assert codec.crc16(b"") == 0xEF4A
    assert codec.crc16(b"123456789") == 0x89AC


def test_crc_matches_the_bitwise_reference(crc_impl):
    rng = random.Random(3)
    for _ in range(200):
        data = rng.randbytes(rng.randrange(0, 300))
        assert codec.crc16(data) == crc_bitwise(data)
        assert codec.crc16(memoryview(bytearray(data))) == crc_bitwise(data)


def build(builder, seq, *args):
    """The frame of the call ``builder(buf, *args)`` numbered ``seq`` (as the link numbers it)."""
    buf = bytearray(FRAME_MAX)
    end = builder(buf, *args)
    codec.put_u32(buf, 8, seq)
    return bytes(buf[: codec.finish(buf, end)])


def test_system_version_call(crc_impl):
    assert build(codec.ints, 0, codec.SYSTEM_VERSION) == hexbytes("08 00 c9 d0 00 01 01 01 00 00 00 00")
    assert codec.get_u32(build(codec.ints, 0, codec.SYSTEM_VERSION)[4:], 0) == codec.header_word(
        SVC_SYSTEM, SYSTEM_VERSION, 0
    )


def test_socket_call(crc_impl):
    frame = build(codec.ints, 5, codec.LWIP_SOCKET, 2, 1, 6)
    assert frame == hexbytes("14 00 cc f9 00 12 10 01 05 00 00 00 02 00 00 00 01 00 00 00 06 00 00 00")


def test_recv_call(crc_impl):
    frame = build(codec.lwip_recv, 7, 0, 1436, 8)
    assert codec.get_u32(frame[4:], 0) == codec.header_word(SVC_LWIP, LWIP_RECV, 0)
    assert frame == hexbytes(
        "18 00 12 ed 00 0c 10 01 07 00 00 00 00 00 00 00 9c 05 00 00 08 00 00 00 00 00 00 00"
    )


def test_connect_call_with_sockaddr(crc_impl):
    frame = build(codec.lwip_connect, 8, 0, bytes([93, 184, 216, 34]), 80)
    assert codec.get_u32(frame[4:], 0) == codec.header_word(SVC_LWIP, LWIP_CONNECT, 0)
    assert frame == hexbytes(
        "24 00 01 7d 00 09 10 01 08 00 00 00 00 00 00 00"
        "10 00 00 00 00 02 00 50 5d b8 d8 22 00 00 00 00 00 00 00 00 10 00 00 00"
    )


def test_wifi_connect_calls_with_and_without_password(crc_impl):
    frame = build(codec.wifi_connect, 4, "ssid", "password", AUTH_TYPE_WPA2)
    assert codec.get_u32(frame[4:], 0) == codec.header_word(SVC_WIFI, WIFI_CONNECT, 0)
    assert frame == hexbytes(
        "29 00 cb c4 00 01 0e 01 04 00 00 00 04 00 00 00 73 73 69 64 00"
        "08 00 00 00 70 61 73 73 77 6f 72 64 04 00 40 00 ff ff ff ff 00 00 00 00"
    )
    open_frame = hexbytes(
        "1d 00 6f aa 00 01 0e 01 04 00 00 00 04 00 00 00 6f 70 65 6e 0100 00 00 00 ff ff ff ff 00 00 00 00"
    )
    assert build(codec.wifi_connect, 4, "open", "", AUTH_TYPE_WPA2) == open_frame  # no passphrase: open
    assert build(codec.wifi_connect, 4, "open", "ignored!", AUTH_TYPE_OPEN) == open_frame


def parse(frame):
    """Header checks as the driver does them; returns the body."""
    length = codec.get_u16(frame, 0)
    assert 8 <= length <= codec.BODY_MAX  # a plausible header
    body = frame[4:]
    assert len(body) == length
    assert codec.crc16(body) == codec.get_u16(frame, 2)
    return body


def test_version_reply():
    body = parse(hexbytes("11 00 f0 bb 02 01 01 01 00 00 00 00 05 00 00 00 32 2e 31 2e 33"))
    word = codec.get_u32(body, 0)
    assert word == codec.header_word(SVC_SYSTEM, SYSTEM_VERSION, REPLY)
    assert codec.get_u32(body, 4) == 0
    assert codec.get_u32(body, 8) == 5 and body[12:17] == b"2.1.3"


def test_socket_and_recv_replies():
    body = parse(hexbytes("0c 00 25 88 02 12 10 01 05 00 00 00 00 00 00 00"))
    assert codec.get_u32(body, 0) == codec.header_word(SVC_LWIP, LWIP_SOCKET, REPLY)
    assert codec.get_u32(body, 4) == 5 and codec.get_i32(body, 8) == 0
    body = parse(hexbytes("11 00 e8 a1 02 0c 10 01 07 00 00 00 01 00 00 00 00 ff ff ff ff"))
    assert codec.get_u32(body, 8) == 1 and codec.get_i32(body, 13) == -1
    body = parse(hexbytes("12 00 06 2f 02 0c 10 01 07 00 00 00 02 00 00 00 68 69 02 00 00 00"))
    assert body[12:14] == b"hi" and codec.get_i32(body, 14) == 2


def test_gethostbyname_reply():
    body = parse(hexbytes("11 00 cd 2c 02 19 10 01 09 00 00 00 04 00 00 00 5d b8 d8 22 00"))
    assert codec.get_u32(body, 0) == codec.header_word(SVC_LWIP, LWIP_GETHOSTBYNAME, REPLY)
    assert bytes(body[12:16]) == bytes([93, 184, 216, 34]) and body[16] == 0


def test_event_frame():
    frame = hexbytes("3c 00 98 7c 01 01 13 01 01 00 00 00 30 00 00 00 02 00 00 00") + bytes(44)
    body = parse(frame)
    word = codec.get_u32(body, 0)
    assert word == codec.header_word(SVC_CALLBACK, CALLBACK_EVENT, ONEWAY)
    assert codec.parse_event(body, len(body)) == (EVENT_STA_START, 0)


def test_disconnect_event_reason():
    event = bytearray(48)
    event[0] = codec.EVENT_STA_DISCONNECTED
    event[4:8] = b"lab!"
    event[4 + 32] = 4
    event[4 + 39] = REASON_AUTH_FAIL
    buf = bytearray(FRAME_MAX)
    end = codec.begin(buf, SVC_CALLBACK, CALLBACK_EVENT, 3, ONEWAY)
    end = codec.put_bin(buf, end, event)
    body = parse(bytes(buf[: codec.finish(buf, end)]))
    assert codec.parse_event(body, len(body)) == (codec.EVENT_STA_DISCONNECTED, REASON_AUTH_FAIL)
    assert codec.parse_event(body, 12) is None


def test_sockaddr_mac_and_scan_record():
    addr = hexbytes("00 02 1f 90 c0 a8 01 02") + bytes(8)
    assert codec.parse_sockaddr(addr, 0) == ("192.168.1.2", 8080)
    assert codec.parse_mac(b"0a:1b:2c:3d:4e:5f\x00", 0) == hexbytes("0a1b2c3d4e5f")
    record = bytearray(62)
    record[0] = 6
    record[1:7] = b"lab-ap"
    record[34:40] = hexbytes("020304050607")
    record[40:42] = (-48 & 0xFFFF).to_bytes(2, "little")
    record[46:50] = (0x00400004).to_bytes(4, "little")
    record[54:58] = (6).to_bytes(4, "little")
    assert codec.parse_scan_record(record, 0) == ("lab-ap", hexbytes("020304050607"), -48, 0x00400004, 6)


def test_oversized_messages_are_refused_before_they_reach_the_wire():
    buf = bytearray(FRAME_MAX)
    end = codec.begin(buf, SVC_LWIP, LWIP_SEND, 1)
    end = codec.put_i32(buf, end, 0)
    end = codec.put_bin(buf, end, bytes(4076))
    end = codec.put_i32(buf, end, 8)
    assert codec.finish(buf, end) == FRAME_MAX  # exactly the firmware's 4096-byte limit
    end = codec.begin(buf, SVC_LWIP, LWIP_SEND, 1)
    with pytest.raises(ValueError):
        codec.put_bin(buf, end + 4, bytes(4077 + 4))


def test_native_crc_is_binascii_crc_hqx():
    assert binascii.crc_hqx(b"123456789", 0xEF4A) == 0x89AC


def test_crc_of_a_range(crc_impl):
    data = b"xx123456789yy"
    assert codec.crc16(data, 2, 11) == 0x89AC


def test_integer_readers_cover_the_signed_range():
    import struct

    for value in (0, 1, -1, 127, -128, 0x7FFFFFFF, -0x80000000, -0x6900, 4080):
        assert codec.get_i32(struct.pack("<i", value), 0) == value
    for value in (0, 1, 0xFFFFFFFF, 0x10004000):
        assert codec.get_u32(struct.pack("<I", value), 0) == value


@pytest.mark.parametrize(
    "name",
    ["EIO", "EAGAIN", "ENOMEM", "EINVAL", "EPIPE", "ENOTCONN", "ECONNRESET", "ECONNABORTED",
     "ECONNREFUSED", "ETIMEDOUT", "EHOSTUNREACH", "EINPROGRESS", "EISCONN", "EADDRINUSE"],
)  # fmt: skip
def test_lwip_errno_numbers_are_linux_ones(name):
    # lwIP numbers its errnos as Linux does (docs/protocol-rtl8720dn.rst); this runs on Linux, so CPython's
    # errno module is the reference for the driver's number -> name table
    assert lwip_errno(getattr(errno, name)) == getattr(errno, name)


def test_an_unknown_lwip_errno_is_eio():
    assert lwip_errno(250) == errno.EIO


def test_a_payload_sent_from_where_it_lies_makes_the_same_frame():
    """``finish(buf, end, payload)``: the frame whose body is ``buf[4:20]``, the payload,
    then ``buf[20:end]`` (as a payload builder such as ``lwip_send`` leaves them) has the
    same length and CRC as the frame built whole."""
    data = bytes(range(256)) * 15 + bytes(range(236))  # 4076 bytes: the largest send
    whole = bytearray(FRAME_MAX)
    end = codec.begin(whole, SVC_LWIP, LWIP_SEND, 9)
    end = codec.put_i32(whole, end, 3)
    end = codec.put_bin(whole, end, data)
    end = codec.put_i32(whole, end, 8)
    assert codec.finish(whole, end) == FRAME_MAX
    small = bytearray(64)
    tail = codec.lwip_send(small, 3, len(data), 8)
    codec.put_u32(small, 8, 9)
    assert tail == 24
    assert codec.finish(small, tail, memoryview(data)) == FRAME_MAX
    assert bytes(small[:20]) + data + bytes(small[20:tail]) == bytes(whole)
    with pytest.raises(ValueError):
        codec.finish(small, tail, bytes(4077))  # one byte past the firmware's buffer


def test_a_parameter_too_long_for_the_buffer_is_a_clear_error():
    small = bytearray(64)
    end = codec.begin(small, SVC_LWIP, LWIP_SEND, 1)
    with pytest.raises(ValueError, match="do not fit a 64-byte buffer"):
        codec.put_str(small, end, "x" * 60)
