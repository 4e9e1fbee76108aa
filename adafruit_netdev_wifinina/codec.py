# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""
`adafruit_netdev_wifinina.codec`
================================================================================

The NINA-FW SPI frame format, and nothing else: bytes in, bytes or numbers out, no bus, no
sleeping (the sans-I/O half of the driver).

A command is ``E0 cmd nparams {len data}* EE`` padded to a multiple of 4 bytes; each length is
one byte, or two big-endian bytes for the "wide" commands (SEND_DATA_TCP, GET_DATABUF_TCP,
INSERT_DATABUF). A reply is ``E0 cmd|80 nparams {len data}* EE``; only GET_DATABUF_TCP's reply
has a two-byte length. The error reply is ``EF 00 EE``.

Frames are built into a caller's preallocated ``bytearray`` (opcodes are the callers' private
consts, e.g. the driver's ``_GET_SOCKET = const(0x3F)``; see below)::

    pos = begin(buf, _GET_SOCKET, 0)
    length = finish(buf, pos)            # E0 3F 00 EE

and replies are checked in place::

    count = check_reply(buf, have, _GET_SOCKET)
    number = buf[param(buf, 0)]
"""

from micropython import const

from adafruit_netdev import EIO, EOPNOTSUPP

# Framing and sizes (docs/protocol-nina.rst, Framing and Sizes). Public: START and REPLY (link.py
# streams the scan's reply and checks the header itself), MAX_SEND and MAX_READ (the
# driver's chunk sizes); the rest only this module uses.
START = const(0xE0)
_END = const(0xEE)
_ERROR = const(0xEF)
REPLY = const(0x80)
_MAX_FRAME = const(4092)  # the firmware's SPI DMA buffer
MAX_SEND = const(4083)  # _MAX_FRAME - 8 header bytes - END
MAX_READ = const(4086)  # _MAX_FRAME - 5 header bytes - END

# Opcodes (docs/protocol-nina.rst, Commands; the firmware's CommandHandler names). Only those that more than
# one module of the driver uses are here; every other opcode is a private const
# (``_GET_SOCKET = const(0x3F)``) in the module that sends it, where MicroPython folds it into
# the bytecode: a public name costs a globals entry in RAM, a private const nothing.
START_SERVER_TCP = const(0x28)  # start_server, _server.py
AVAIL_DATA_TCP = const(0x2B)  # avail_request, _server.py
START_CLIENT_TCP = const(0x2D)  # start_client, the driver, link.py, _udp.py (the destination)
STOP_CLIENT_TCP = const(0x2E)  # the driver, link.py, _server.py, _tls.py, _recovery.py
GET_DATABUF_TCP = const(0x45)  # databuf_request, link.py

# The mode (docs/protocol-nina.rst, Codes) of START_CLIENT_TCP / START_SERVER_TCP that the driver and
# _server.py both use (UDP 1 is _udp.py's, TLS 2 the driver's).
MODE_TCP = const(0)


class ProtocolError(OSError):
    """The co-processor's reply is not a well-formed frame for the command sent (errno EIO):
    the link is out of step or the device is not answering."""


class CommandError(OSError):
    """The co-processor answered with the error reply ``EF 00 EE``: it has no handler for the
    command (errno EOPNOTSUPP). The link is still in step."""


def protocol_error(cmd, expected, got):
    """A :class:`ProtocolError` saying what the reply to ``cmd`` should have held and what came."""
    return ProtocolError(
        EIO,
        "bad reply to NINA command 0x%02x: expected %s, got %s" % (cmd, expected, got),
    )


# -- commands -------------------------------------------------------------------------------


def begin(buf, cmd, nparams):
    """Start a command frame in ``buf``; returns the position of the first parameter."""
    buf[0] = START
    buf[1] = cmd & 0x7F
    buf[2] = nparams
    return 3


def put_byte(buf, pos, value):
    """Append a one-byte parameter (8-bit length); returns the next position."""
    buf[pos] = 1
    buf[pos + 1] = value
    return pos + 2


def put_u16be(buf, pos, value):
    """Append a two-byte big-endian parameter (a port); returns the next position."""
    buf[pos] = 2
    buf[pos + 1] = (value >> 8) & 0xFF
    buf[pos + 2] = value & 0xFF
    return pos + 3


def put_bytes(buf, pos, data):
    """Append ``data`` (bytes or str, at most 255 bytes) with an 8-bit length; returns the
    next position."""
    if isinstance(data, str):
        data = data.encode()
    n = len(data)
    if n > 255:
        raise ValueError("NINA parameter longer than 255 bytes")
    buf[pos] = n
    buf[pos + 1 : pos + 1 + n] = data
    return pos + 1 + n


def put_wide_byte(buf, pos, value):
    """Append a one-byte parameter with a 16-bit length (wide commands); returns the next position."""
    buf[pos] = 0
    buf[pos + 1] = 1
    buf[pos + 2] = value
    return pos + 3


def finish(buf, pos):
    """Terminate the frame with END and zero padding to a multiple of 4; returns its length."""
    buf[pos] = _END
    pos += 1
    while pos & 3:
        buf[pos] = 0
        pos += 1
    return pos


def command(buf, cmd, value=None):
    """The common frame with no parameter or one one-byte parameter (a socket number, an index);
    returns its length."""
    if value is None:
        return finish(buf, begin(buf, cmd, 0))
    return finish(buf, put_byte(buf, begin(buf, cmd, 1), value))


def data_header(buf, cmd, number, length):
    """The first 8 bytes of SEND_DATA_TCP / INSERT_DATABUF (``P16(number) P16(length)``); the
    ``length`` data bytes follow, then :func:`trailer`. Returns 8."""
    if length > MAX_SEND:
        raise ValueError("at most %d data bytes per command" % MAX_SEND)
    buf[0] = START
    buf[1] = cmd
    buf[2] = 2
    buf[3] = 0
    buf[4] = 1
    buf[5] = number
    buf[6] = length >> 8
    buf[7] = length & 0xFF
    return 8


def trailer(buf, sent):
    """END and padding after ``sent`` frame bytes, written at ``buf[0:]``; returns its length."""
    buf[0] = _END
    n = 1
    while (sent + n) & 3:
        buf[n] = 0
        n += 1
    return n


def databuf_request(buf, number, size):
    """GET_DATABUF_TCP for up to ``size`` bytes (the size travels little-endian inside a
    16-bit-length parameter); returns the frame length (12)."""
    if not 0 < size <= MAX_READ:
        raise ValueError("GET_DATABUF size must be 1 to %d" % MAX_READ)
    pos = put_wide_byte(buf, begin(buf, GET_DATABUF_TCP, 2), number)
    buf[pos] = 0
    buf[pos + 1] = 2
    buf[pos + 2] = size & 0xFF
    buf[pos + 3] = size >> 8
    return finish(buf, pos + 4)


def avail_request(buf, number, accept):
    """AVAIL_DATA_TCP with its accept flag always explicit (the firmware reads it at offset 6
    even when a host sends only the number); returns the frame length (8)."""
    return finish(buf, put_byte(buf, put_byte(buf, begin(buf, AVAIL_DATA_TCP, 2), number), accept))


def start_client(buf, host, ip, port, number, *, mode):
    """START_CLIENT_TCP: the 4-parameter form when ``host`` is empty, else the 5-parameter
    form that lets the co-processor resolve ``host`` (and use it for TLS SNI and
    verification). ``ip`` is 4 bytes. Returns the frame length."""
    if host:
        pos = put_bytes(buf, begin(buf, START_CLIENT_TCP, 5), host)
    else:
        pos = begin(buf, START_CLIENT_TCP, 4)
    pos = put_bytes(buf, pos, ip)
    pos = put_u16be(buf, pos, port)
    pos = put_byte(buf, pos, number)
    return finish(buf, put_byte(buf, pos, mode))


def start_server(buf, port, number, mode):
    """START_SERVER_TCP in its 3-parameter form (listen/bind on any address); returns the length."""
    pos = put_u16be(buf, begin(buf, START_SERVER_TCP, 3), port)
    return finish(buf, put_byte(buf, put_byte(buf, pos, number), mode))


def string_command(buf, cmd, text, value=None):
    """A command whose first parameter is ``text`` (SET_NET, REQ_HOST_BY_NAME, ...), followed
    by an optional one-byte parameter (SET_AP_NET's channel); returns the frame length."""
    pos = put_bytes(buf, begin(buf, cmd, 1 if value is None else 2), text)
    if value is not None:
        pos = put_byte(buf, pos, value)
    return finish(buf, pos)


def pair_command(buf, cmd, first, second, value=None):
    """SET_PASSPHRASE (``ssid, passphrase``) or SET_AP_PASSPHRASE (``ssid, passphrase,
    channel``); returns the frame length."""
    pos = begin(buf, cmd, 2 if value is None else 3)
    pos = put_bytes(buf, put_bytes(buf, pos, first), second)
    if value is not None:
        pos = put_byte(buf, pos, value)
    return finish(buf, pos)


# -- replies ----------------------------------------------------------------------------------


def reply_size(buf, have, wide=False):
    """How many bytes the reply in ``buf`` needs, judged from its first ``have`` bytes. A result
    above ``have`` means: clock in that many in total and ask again; otherwise the frame (up
    to and including END) is complete. Contents are not checked here (see :func:`check_reply`)."""
    if have < 3:
        return 3
    if buf[0] == _ERROR:
        return 3
    pos = 3
    width = 2 if wide else 1
    for _ in range(buf[2]):
        if have < pos + width:
            return pos + width
        if wide:
            pos += 2 + ((buf[pos] << 8) | buf[pos + 1])
        else:
            pos += 1 + buf[pos]
    return pos + 1


def check_reply(buf, have, cmd, wide=False, nparams=-1):
    """Validate the reply to ``cmd`` held in ``buf[:have]`` and return its parameter count.
    With ``nparams`` >= 0 the count must match. Raises :class:`CommandError` for the error
    reply and :class:`ProtocolError` (with what was expected and what came) otherwise."""
    first = buf[0]
    if first == _ERROR:
        raise CommandError(
            EOPNOTSUPP,
            "NINA co-processor rejected command 0x%02x (error reply): this firmware lacks it" % cmd,
        )
    if first != START:
        return _fail(cmd, "start byte 0xe0", buf, have)
    if have < 3:
        return _fail(cmd, "at least 3 bytes", buf, have)
    if buf[1] != (cmd | REPLY):
        raise protocol_error(cmd, "reply code 0x%02x" % (cmd | REPLY), "0x%02x" % buf[1])
    count = buf[2]
    if nparams >= 0 and count != nparams:
        raise protocol_error(cmd, "%d parameter(s)" % nparams, "%d" % count)
    size = reply_size(buf, have, wide)
    if size > have:
        return _fail(cmd, "%d bytes of frame" % size, buf, have)
    if buf[size - 1] != _END:
        raise protocol_error(cmd, "end byte 0xee at offset %d" % (size - 1), "0x%02x" % buf[size - 1])
    return count


def _fail(cmd, expected, buf, have):
    shown = have if have < 8 else 8
    got = " ".join("%02x" % buf[i] for i in range(shown)) or "nothing"
    raise protocol_error(cmd, expected, got + (" ..." if have > shown else ""))


def data_reply_length(buf, cmd):
    """Check the first 5 bytes of a GET_DATABUF_TCP reply (``E0 C5 01 len_hi len_lo``) and
    return the data length that follows; END comes after the data (:func:`check_end`)."""
    if buf[0] == START and buf[1] == (cmd | REPLY) and buf[2] == 1:
        return (buf[3] << 8) | buf[4]
    if buf[0] == _ERROR:
        check_reply(buf, 5, cmd)
    return _fail(cmd, "e0 %02x 01 <length>" % (cmd | REPLY), buf, 5)


def check_end(buf, cmd):
    """Check that ``buf[0]`` is the END byte that closes a data reply."""
    if buf[0] != _END:
        raise protocol_error(cmd, "end byte 0xee after the data", "0x%02x" % buf[0])


def param(buf, index, wide=False):
    """Offset of parameter ``index``'s data in a checked reply (its length is just before it:
    ``buf[offset - 1]``, or :func:`param_len` for wide replies)."""
    pos = 3
    for _ in range(index):
        if wide:
            pos += 2 + ((buf[pos] << 8) | buf[pos + 1])
        else:
            pos += 1 + buf[pos]
    return pos + (2 if wide else 1)


def param_len(buf, offset, wide=False):
    """Length of the parameter whose data starts at ``offset``."""
    if wide:
        return (buf[offset - 2] << 8) | buf[offset - 1]
    return buf[offset - 1]


def uint_le(buf, offset, length):
    """Unsigned little-endian integer (counts, time; 2, 4 or 8 bytes)."""
    value = 0
    for i in range(length - 1, -1, -1):
        value = (value << 8) | buf[offset + i]
    return value


def int_le(buf, offset, length):
    """Signed little-endian integer (RSSI, ping time)."""
    value = uint_le(buf, offset, length)
    if value >= 1 << (8 * length - 1):
        value -= 1 << (8 * length)
    return value


def port_be(buf, offset):
    """A port, big-endian as the firmware sends it in GET_REMOTE_DATA."""
    return (buf[offset] << 8) | buf[offset + 1]
