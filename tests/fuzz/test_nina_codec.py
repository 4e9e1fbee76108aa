# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Property tests of the WiFiNINA driver's codec (adafruit_netdev_wifinina/codec.py):
arbitrary bytes as a reply give a parameter count or the documented errors (ProtocolError
EIO, CommandError EOPNOTSUPP), nothing else; every command the driver builds decodes, by
an independent reading of the frame format (docs/protocol-nina.rst), to the parameters it was built from;
every reply the firmware could send parses back to its parameters."""

import errno

from hypothesis import given, settings
from hypothesis import strategies as st

from adafruit_netdev_wifinina import codec as c
from tests.wifinina.spec import (  # the spec's numbers, not the driver's
    AVAIL_DATA_TCP,
    END,
    ERROR,
    GET_DATABUF_TCP,
    INSERT_DATABUF,
    MAX_FRAME,
    MAX_READ,
    MAX_SEND,
    MODE_TCP,
    MODE_TLS,
    MODE_UDP,
    REPLY,
    SEND_DATA_TCP,
    START,
    START_CLIENT_TCP,
    START_SERVER_TCP,
)

REP_SIZE = 64  # the driver's reply buffer
opcodes = st.integers(0, 0x7F)


def decode_command(frame, wide=False):
    """``(cmd, [params])`` of a command frame, read per docs/protocol-nina.rst, Framing:
    ``E0 cmd n {len data}* EE`` padded with zeros to a multiple of 4."""
    assert frame[0] == 0xE0
    cmd, count = frame[1], frame[2]
    pos, params = 3, []
    for _ in range(count):
        if wide:
            n = (frame[pos] << 8) | frame[pos + 1]
            pos += 2
        else:
            n = frame[pos]
            pos += 1
        params.append(bytes(frame[pos : pos + n]))
        pos += n
    assert frame[pos] == 0xEE, "END missing at %d: %r" % (pos, bytes(frame))
    assert len(frame) % 4 == 0 and not any(frame[pos + 1 :]), "bad padding: %r" % bytes(frame)
    return cmd, params


def encode_reply(cmd, params):
    """A reply frame as the firmware sends it (independent of the driver's code)."""
    out = bytearray((0xE0, cmd | 0x80, len(params)))
    for p in params:
        out.append(len(p))
        out += p
    out.append(0xEE)
    while len(out) % 4:
        out.append(0)
    return bytes(out)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=REP_SIZE), opcodes, st.booleans(), st.integers(-1, 6), st.data())
def test_any_reply_bytes_parse_or_raise_the_documented_error(data, cmd, wide, nparams, draw):
    buf = bytearray(REP_SIZE)
    buf[: len(data)] = data
    have = draw.draw(st.integers(0, len(data)))
    need = c.reply_size(buf, have, wide)
    assert isinstance(need, int) and need >= 3
    try:
        count = c.check_reply(buf, have, cmd, wide, nparams)
    except c.CommandError as exc:
        assert exc.args[0] == errno.EOPNOTSUPP and buf[0] == ERROR
        return
    except c.ProtocolError as exc:
        assert exc.args[0] == errno.EIO and ("0x%02x" % cmd) in exc.args[1]
        return
    # accepted: it is a well-formed reply to cmd, with END where the lengths say
    assert buf[0] == START and buf[1] == cmd | REPLY and count == buf[2]
    assert nparams < 0 or count == nparams
    assert buf[c.reply_size(buf, have, wide) - 1] == END


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=5, max_size=5), opcodes)
def test_any_data_reply_header_gives_a_length_or_eio(header, cmd):
    buf = bytearray(header)
    try:
        n = c.data_reply_length(buf, cmd)
    except c.CommandError as exc:
        assert exc.args[0] == errno.EOPNOTSUPP
    except c.ProtocolError as exc:
        assert exc.args[0] == errno.EIO
    else:
        assert 0 <= n <= 0xFFFF and buf[:3] == bytes((0xE0, cmd | 0x80, 1))
    try:
        c.check_end(buf, cmd)
    except c.ProtocolError as exc:
        assert exc.args[0] == errno.EIO and buf[0] != END
    else:
        assert buf[0] == END


params = st.lists(st.binary(max_size=20), max_size=4)


@settings(max_examples=300, deadline=None)
@given(opcodes, params)
def test_every_well_formed_reply_parses_back_to_its_parameters(cmd, values):
    frame = encode_reply(cmd, values)
    buf = bytearray(max(REP_SIZE, len(frame)))
    buf[: len(frame)] = frame
    assert c.reply_size(buf, len(frame)) <= len(frame)
    assert c.check_reply(buf, len(frame), cmd, False, len(values)) == len(values)
    for index, value in enumerate(values):
        at = c.param(buf, index)
        assert bytes(buf[at : at + c.param_len(buf, at)]) == value


text = st.binary(min_size=0, max_size=255)
slots = st.integers(0, 255)


@settings(max_examples=300, deadline=None)
@given(opcodes, text, st.one_of(st.none(), st.integers(0, 255)))
def test_string_commands_round_trip(cmd, value, extra):
    buf = bytearray(MAX_FRAME)
    length = c.string_command(buf, cmd, value, extra)
    got = decode_command(buf[:length])
    assert got == (cmd, [value] if extra is None else [value, bytes((extra,))])


@settings(max_examples=200, deadline=None)
@given(opcodes, text, text, st.one_of(st.none(), st.integers(0, 255)))
def test_pair_commands_round_trip(cmd, first, second, extra):
    buf = bytearray(MAX_FRAME)
    length = c.pair_command(buf, cmd, first, second, extra)
    expected = [first, second] + ([] if extra is None else [bytes((extra,))])
    assert decode_command(buf[:length]) == (cmd, expected)


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=255),
    st.binary(min_size=4, max_size=4),
    st.integers(0, 65535),
    slots,
    st.sampled_from((MODE_TCP, MODE_UDP, MODE_TLS)),
)
def test_start_client_round_trips(host, ip, port, slot, mode):
    buf = bytearray(MAX_FRAME)
    length = c.start_client(buf, host, ip, port, slot, mode=mode)
    cmd, values = decode_command(buf[:length])
    assert cmd == START_CLIENT_TCP
    tail = [ip, port.to_bytes(2, "big"), bytes((slot,)), bytes((mode,))]
    assert values == ([host] + tail if host else tail)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 65535), slots, st.sampled_from((MODE_TCP, MODE_UDP)), st.integers(0, 1))
def test_server_and_avail_requests_round_trip(port, slot, mode, accept):
    buf = bytearray(MAX_FRAME)
    length = c.start_server(buf, port, slot, mode)
    assert decode_command(buf[:length]) == (
        START_SERVER_TCP,
        [port.to_bytes(2, "big"), bytes((slot,)), bytes((mode,))],
    )
    length = c.avail_request(buf, slot, accept)
    assert decode_command(buf[:length]) == (AVAIL_DATA_TCP, [bytes((slot,)), bytes((accept,))])


@settings(max_examples=200, deadline=None)
@given(slots, st.binary(max_size=MAX_SEND), st.sampled_from((SEND_DATA_TCP, INSERT_DATABUF)))
def test_data_commands_round_trip(slot, data, cmd):
    head = bytearray(8)
    tail = bytearray(4)
    c.data_header(head, cmd, slot, len(data))
    n = c.trailer(tail, 8 + len(data))
    frame = bytes(head) + data + bytes(tail[:n])
    assert decode_command(frame, wide=True) == (cmd, [bytes((slot,)), data])


@settings(max_examples=200, deadline=None)
@given(slots, st.integers(1, MAX_READ))
def test_databuf_request_round_trips(slot, size):
    buf = bytearray(16)
    length = c.databuf_request(buf, slot, size)
    assert decode_command(buf[:length], wide=True) == (
        GET_DATABUF_TCP,
        [bytes((slot,)), size.to_bytes(2, "little")],
    )


@given(st.binary(min_size=1, max_size=8))
def test_integers_round_trip(raw):
    n = len(raw)
    assert c.uint_le(raw, 0, n) == int.from_bytes(raw, "little")
    assert c.int_le(raw, 0, n) == int.from_bytes(raw, "little", signed=True)
    assert c.port_be(raw + b"\0", 0) == int.from_bytes((raw + b"\0")[:2], "big")
