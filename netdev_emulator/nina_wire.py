# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""What every part of the NINA-FW model shares: the command and reply buffers' limits, the codes
the firmware answers with, the reply frame, and :class:`Deferred` (a command whose reply needs
blocking work).

Reply frames are built as main/CommandHandler.cpp builds them in ``response[]`` (arduino/nina-fw
and adafruit/nina-fw): ``E0 cmd|80 nparams {len param}* EE``, padded to a multiple of 4 by the
SPI slave (main/sketch.ino.cpp; not Adafruit 1.x, see :class:`~netdev_emulator.nina_personas.Persona`).
"""

import socket

BUFFER_SIZE = 4092  # SPI_MAX_DMA_LEN: both the command and the reply buffer
MAX_READ = BUFFER_SIZE - 6  # GET_DATABUF payload ceiling (E0 C5 01 hi lo ... EE)
TCP_SND_BUF = 5744  # lwIP send buffer of the IDF 3.3 builds
TCP_WND = 5744  # lwIP receive window: what AVAIL can report for one TCP socket
# lwIP's select() calls a TCP socket writable once more than TCP_SNDLOWAT bytes of its send
# buffer are free (api_msg.c sent_tcp; opt.h's default, max(TCP_SND_BUF / 2, 2 * MSS + 1))
TCP_SNDLOWAT = 2 * 1436 + 1
UDP_BUFFER = 1500  # WiFiUDP transmit and receive buffers
ERROR_REPLY = b"\xef\x00\xee\x00"
FREE = 0xFF  # slot type of a free slot; also "no socket" in replies
TYPE_TCP, TYPE_UDP, TYPE_TLS = 0, 1, 2

# GET_CONN_STATUS values (docs/protocol-nina.rst, Codes)
IDLE, NO_SSID_AVAIL, SCAN_COMPLETED, CONNECTED = 0, 1, 2, 3
CONNECT_FAILED, CONNECTION_LOST, DISCONNECTED = 4, 5, 6
AP_LISTENING, AP_CONNECTED, AP_FAILED, STOPPED = 7, 8, 9, 254

# Disconnect reason codes (ESP-IDF wifi_err_reason_t)
REASON_AUTH_EXPIRE, REASON_ASSOC_LEAVE, REASON_4WAY_TIMEOUT = 2, 8, 15
REASON_BEACON_TIMEOUT, REASON_NO_AP_FOUND, REASON_AUTH_FAIL = 200, 201, 202
REASON_ASSOC_FAIL, REASON_HANDSHAKE_TIMEOUT = 203, 204
# arduino-esp32 STA.cpp _is_staReconnectableReason: the reasons its auto-reconnect retries
# (1 unspecified, 2 auth expire, 15/16 4-way/group key timeouts, 23 802.1X, 204 handshake
# timeout; 3-7, 9, 14, 17, 53, 200, 201, 203, 205-207 transient). AUTH_FAIL (202) is not one.
RECONNECTABLE = frozenset(
    (1, 2, 3, 4, 5, 6, 7, 9, 14, 15, 16, 17, 23, 53, 200, 201, 203, 204, 205, 206, 207)
)

PAD = (b"", b"\0\0\0", b"\0\0", b"\0")

# IPv4 addresses as the firmware's replies carry them
ZERO_IP = b"\0\0\0\0"
NO_HOST = b"\xff\xff\xff\xff"

def frame(cmd, *params):
    """A reply frame: ``E0 cmd|80 n {len param}* EE`` zero-padded to a multiple of 4."""
    parts = [bytes((0xE0, cmd | 0x80, len(params)))]
    for p in params:
        parts.append(bytes((len(p),)))
        parts.append(p)
    parts.append(b"\xee")
    out = b"".join(parts)
    return out + PAD[len(out) & 3]


def one(cmd, value):
    return frame(cmd, bytes((value & 0xFF,)))


def ip_str(raw):
    return "%d.%d.%d.%d" % (raw[0], raw[1], raw[2], raw[3])


def ip_raw(text):
    try:
        return socket.inet_aton(text)
    except (OSError, TypeError):
        return ZERO_IP


def is_dotted_quad(name):
    parts = name.split(".")
    return len(parts) == 4 and all(p.isascii() and p.isdigit() and int(p) < 256 for p in parts)

class Deferred:
    """A command whose reply needs blocking work: ``fn()`` runs in the firmware thread
    and returns the reply bytes; READY stays HIGH meanwhile."""

    __slots__ = ("fn", "name")

    def __init__(self, fn, name):
        self.fn = fn
        self.name = name
