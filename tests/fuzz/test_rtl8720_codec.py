# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Property tests of the RTL8720DN driver's codec (adafruit_netdev_rtl8720dn/codec.py):
frames the driver builds decode, with the emulator's independent BasicCodec reader, to
the values they were built from (and the CRC is the one docs/protocol-rtl8720dn.rst defines); the readers
given arbitrary bytes return a value or the documented ``None``/``ValueError``, nothing
else."""

import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from adafruit_netdev_rtl8720dn import codec
from netdev_emulator import rtl8720_wire as wire

u8s = st.integers(0, 255)
i32s = st.integers(-(1 << 31), (1 << 31) - 1)
u32s = st.integers(0, (1 << 32) - 1)

FRAME_MAX = 4100  # the largest frame: the firmware's 4096-byte message buffer and the header


def crc_bitwise(data, crc=0xEF4A):
    """The bit-by-bit CRC-16 of docs/protocol-rtl8720dn.rst (poly 0x1021, MSB first, no final XOR)."""
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_crc_matches_the_spec_and_the_pure_python_table(data):
    assert codec.crc16(data) == crc_bitwise(data)
    saved = codec._crc_hqx
    codec._crc_hqx = None  # the table path MicroPython takes
    try:
        assert codec.crc16(data) == crc_bitwise(data)
    finally:
        codec._crc_hqx = saved


# one parameter of each kind the driver writes, with the emulator reader that reads it back
values = st.one_of(
    st.tuples(st.just("u8"), u8s),
    st.tuples(st.just("u16"), st.integers(0, 0xFFFF)),
    st.tuples(st.just("i32"), i32s),
    st.tuples(st.just("u32"), u32s),
    st.tuples(st.just("bin"), st.binary(max_size=200)),
    st.tuples(st.just("str"), st.text(max_size=40)),
    st.tuples(st.just("nstr"), st.one_of(st.none(), st.text(max_size=40))),
    st.tuples(st.just("sockaddr"), st.tuples(st.binary(min_size=4, max_size=4), st.integers(0, 0xFFFF))),
    st.tuples(st.just("fdset"), st.integers(0, 63)),
)


def put(buf, off, kind, value):
    return {
        "u8": lambda: (buf.__setitem__(off, value & 0xFF), off + 1)[1],  # (system_ack's tag)
        "u16": lambda: (struct.pack_into("<H", buf, off, value), off + 2)[1],  # (scan count, TLS length)
        "i32": lambda: codec.put_i32(buf, off, value),
        "u32": lambda: codec.put_u32(buf, off, value),
        "bin": lambda: codec.put_bin(buf, off, value),
        "str": lambda: codec.put_str(buf, off, value),
        "nstr": lambda: codec.put_nullable_str(buf, off, value),
        "sockaddr": lambda: codec.put_sockaddr(buf, off, value[0], value[1]),
        "fdset": lambda: codec.put_fdset(buf, off, value),
    }[kind]()


def read_back(reader, kind, value):
    if kind == "u8":
        return reader.u8()
    if kind == "u16":
        return reader.u16()
    if kind == "i32":
        return reader.i32()
    if kind == "u32":
        return reader.u32()
    if kind == "bin":
        return reader.binary()
    if kind == "str":
        return reader.string()
    if kind == "nstr":
        return reader.nullable_string()
    if kind == "sockaddr":
        raw = reader.binary()
        family, ip, port = wire.parse_sockaddr_in(raw)
        assert len(raw) == 16 and family == 2
        return bytes(int(p) for p in ip.split(".")), port
    if kind == "fdset":
        assert reader.is_null() is False
        raw = reader.binary()
        assert len(raw) == 8
        return [i for i in range(64) if raw[i >> 3] >> (i & 7) & 1][0]
    raise AssertionError(kind)


@settings(max_examples=300, deadline=None)
@given(u8s, u8s, st.integers(0, 0x3FFFFFFF), st.lists(values, max_size=8))
def test_calls_round_trip_through_the_emulators_reader(service, method, seq, params):
    buf = bytearray(FRAME_MAX)
    off = codec.begin(buf, service, method, seq)
    for kind, value in params:
        off = put(buf, off, kind, value)
    size = codec.finish(buf, off)
    frame = bytes(buf[:size])
    length, crc = wire.parse_frame_header(frame[:4])
    body = frame[4:]
    assert length == len(body) and crc == wire.crc16(body) == crc_bitwise(body)
    assert wire.parse_message_header(body) == (wire.MSG_INVOCATION, service, method, 1, seq)
    reader = wire.Reader(body)
    for kind, value in params:
        assert read_back(reader, kind, value) == value
    assert reader.pos == len(body)


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=8, max_size=300), st.data())
def test_reading_arbitrary_bodies_gives_values_or_none(body, draw):
    length = draw.draw(st.integers(0, len(body)))
    buf = bytearray(body) + bytearray(FRAME_MAX - len(body))
    word = codec.get_u32(buf, 0)
    rebuilt = codec.header_word((word >> 16) & 0xFF, (word >> 8) & 0xFF, word & 0xFF)
    assert rebuilt == (word & 0x00FFFFFF) | (1 << 24)
    assert isinstance(codec.describe(word), str)
    assert 0 <= codec.get_u32(buf, 4) < 1 << 32
    event = codec.parse_event(buf, length)
    assert event is None or (isinstance(event[0], int) and 0 <= event[1] <= 255)
    ip, port = codec.parse_sockaddr(buf, 0)
    assert len(ip.split(".")) == 4 and 0 <= port <= 0xFFFF
    assert -(1 << 31) <= codec.get_i32(buf, 0) < 1 << 31 and 0 <= codec.get_u32(buf, 0) < 1 << 32
    assert 0 <= codec.get_u16(buf, 0) <= 0xFFFF


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=18, max_size=18))
def test_mac_text_parses_or_is_a_value_error(raw):
    try:
        mac = codec.parse_mac(raw, 0)
    except ValueError:
        return  # the driver turns this into OSError(EIO)
    assert len(mac) == 6


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=codec.SCAN_RECORD_SIZE, max_size=codec.SCAN_RECORD_SIZE))
def test_any_scan_record_parses(raw):
    """Access points name themselves with any bytes (an SSID need not be UTF-8)."""
    ssid, bssid, rssi, security, channel = codec.parse_scan_record(raw, 0)
    assert isinstance(ssid, str) and len(ssid) <= 32
    assert len(bssid) == 6 and -32768 <= rssi <= 32767
    assert security == struct.unpack_from("<I", raw, 46)[0]
    assert channel == struct.unpack_from("<I", raw, 54)[0]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=32))
def test_utf8_ssids_read_back_exactly(name):
    raw = name.encode()
    if len(raw) > 32:
        return
    record = struct.pack("<B33s6shIIIII", len(raw), raw, bytes(6), -50, 0, 4, 0, 6, 0)
    assert codec.parse_scan_record(record, 0)[0] == name
