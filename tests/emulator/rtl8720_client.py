# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""A minimal eRPC client for the RTL8720DN emulator's tests, written from the protocol
(docs/protocol-rtl8720dn.rst, Framing, Messages) independently of both the emulator's codec and the driver's:
frames are built here, byte by byte, and replies parsed here."""

import struct
import time

# A 256-entry table for CRC-16 poly 0x1021 (MSB first), built here from the polynomial.
_TABLE = []
for _byte in range(256):
    _crc = _byte << 8
    for _ in range(8):
        _crc = ((_crc << 1) ^ 0x1021) if _crc & 0x8000 else (_crc << 1)
    _TABLE.append(_crc & 0xFFFF)


def crc16(data, crc=0xEF4A):
    for b in data:
        crc = ((crc << 8) & 0xFFFF) ^ _TABLE[(crc >> 8) ^ b]
    return crc


def crc16_bitwise(data, crc=0xEF4A):
    """The CRC of docs/protocol-rtl8720dn.rst (Framing), bit by bit."""
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if (crc & 0x8000) else (crc << 1)
            crc &= 0xFFFF
    return crc


def u8(v):
    return struct.pack("<B", v)


def u16(v):
    return struct.pack("<H", v)


def u32(v):
    return struct.pack("<I", v & 0xFFFFFFFF)


def i32(v):
    return struct.pack("<i", v)


def binary(data):
    return u32(len(data)) + bytes(data)


def string(text):
    return binary(text.encode())


def null():
    return b"\x01"


def present(encoded):
    return b"\x00" + encoded


def sockaddr(ip, port, sin_len=0):
    """struct sockaddr_in; sin_len 0 as TinyGo sends it (lwIP ignores it on input)."""
    return bytes([sin_len, 2, port >> 8, port & 0xFF]) + bytes(int(x) for x in ip.split(".")) + bytes(8)


def fdset(*fds):
    mask = 0
    for fd in fds:
        mask |= 1 << fd
    return bytes([mask]) + bytes(7)


def body(msg_type, service, method, seq, params=b""):
    header = (1 << 24) | (service << 16) | (method << 8) | msg_type
    return struct.pack("<II", header, seq) + params


def frame(body_bytes):
    return struct.pack("<HH", len(body_bytes), crc16(body_bytes)) + body_bytes


class Message:
    """A frame from the chip."""

    def __init__(self, raw):
        self.raw = raw
        self.length, self.crc = struct.unpack_from("<HH", raw, 0)
        self.body = raw[4:]
        self.type = self.body[0]
        self.method = self.body[1]
        self.service = self.body[2]
        self.version = self.body[3]
        self.seq = struct.unpack_from("<I", self.body, 4)[0]
        self.pos = 8

    def __repr__(self):
        return "Message(type=%d, %d/%d, seq=%d, %s)" % (
            self.type, self.service, self.method, self.seq, self.body[8:40].hex())

    def take(self, fmt):
        value = struct.unpack_from(fmt, self.body, self.pos)
        self.pos += struct.calcsize(fmt)
        return value[0]

    def u8(self):
        return self.take("<B")

    def i8(self):
        return self.take("<b")

    def u16(self):
        return self.take("<H")

    def u32(self):
        return self.take("<I")

    def i32(self):
        return self.take("<i")

    def fixed(self, n):
        data = self.body[self.pos:self.pos + n]
        self.pos += n
        return data

    def binary(self):
        return self.fixed(self.u32())

    def string(self):
        return self.binary().decode()

    def done(self):
        return self.pos == len(self.body)

    def event(self):
        """(event_id, 44-byte union) of a Wi-Fi event frame."""
        assert (self.type, self.service, self.method) == (1, 19, 1), self
        data = Message(self.raw).skip_header().binary()
        assert len(data) == 48
        return struct.unpack_from("<I", data, 0)[0], data[4:]

    def skip_header(self):
        self.pos = 8
        return self


class Client:
    """Calls over the emulator's UART: ``call()`` sends one invocation and returns
    ``(reply, events)``, the events being the one-way frames that came before it."""

    def __init__(self, uart, timeout=10.0):
        self.uart = uart
        self.seq = 0
        self.timeout = timeout

    def write(self, data):
        assert self.uart.write(data) == len(data)

    def read_frame(self, timeout=None):
        """The next frame, or None when nothing comes within ``timeout`` seconds."""
        self.uart.timeout = self.timeout if timeout is None else timeout
        header = self.uart.read(4)
        if header is None:
            return None
        assert len(header) == 4, header
        length, crc = struct.unpack("<HH", header)
        rest = b""
        end = time.monotonic() + 10
        while len(rest) < length and time.monotonic() < end:
            part = self.uart.read(length - len(rest))
            if part:
                rest += part
        assert len(rest) == length, "frame body truncated"
        assert crc16(rest) == crc, "bad CRC from the chip"
        return Message(header + rest)

    def send(self, service, method, params=b"", seq=None, msg_type=0):
        if seq is None:
            seq = self.seq
            self.seq += 1
        self.write(frame(body(msg_type, service, method, seq, params)))
        return seq

    def call(self, service, method, params=b"", seq=None, timeout=None):
        seq = self.send(service, method, params, seq)
        events = []
        while True:
            msg = self.read_frame(timeout)
            assert msg is not None, "no reply to %d/%d" % (service, method)
            if msg.type == 2:
                assert (msg.service, msg.method, msg.seq) == (service, method, seq), msg
                return msg, events
            events.append(msg)

    def result(self, service, method, params=b""):
        """The i32 a call returns, with no events expected before it."""
        reply, events = self.call(service, method, params)
        assert not events, events
        value = reply.i32()
        assert reply.done()
        return value

    # -- a few calls by name --------------------------------------------------------------

    def errno(self):
        return self.result(16, 24)

    def socket(self, stype=1, proto=6):
        return self.result(16, 18, i32(2) + i32(stype) + i32(proto))

    def connect(self, fd, ip, port):
        return self.result(16, 9, i32(fd) + binary(sockaddr(ip, port)) + u32(16))

    def send_data(self, fd, data, flags=8):
        return self.result(16, 15, i32(fd) + binary(data) + i32(flags))

    def recv(self, fd, length, flags=8):
        reply, events = self.call(16, 12, i32(fd) + u32(length) + i32(flags) + u32(0))
        assert not events
        mem = reply.binary()
        result = reply.i32()
        assert reply.done()
        if result <= 0:
            assert len(mem) == 1  # the firmware's 1-byte dummy buffer
            return result, b""
        assert len(mem) == result
        return result, mem

    def close(self, fd):
        return self.result(16, 8, i32(fd))

    def fcntl(self, fd, cmd, val):
        return self.result(16, 23, i32(fd) + i32(cmd) + i32(val))

    def join(self, ssid, password):
        """wifi_on(STA) + wifi_connect + dhcpc_start; returns wifi_connect's result."""
        reply, events = self.call(14, 27, u32(1))
        assert reply.i32() in (0, 1)
        pw = null() if password is None else present(string(password))
        sec = 0 if password is None else 0x00400004
        reply, events = self.call(14, 1, string(ssid) + pw + u32(sec) + i32(-1) + u32(0))
        result = reply.i32()
        if result == 0:
            reply, _ = self.call(15, 13, u32(0))
            assert reply.i32() == 0
        return result
