# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""NINA-FW numbers as docs/protocol-nina.rst gives them, for tests that check the
driver's frames against the protocol rather than against the driver's own constants (most of
which are private consts, folded into the bytecode under MicroPython)."""

# Framing
START = 0xE0
END = 0xEE
ERROR = 0xEF
REPLY = 0x80
# sizes: the firmware's 4092-byte buffer, the largest send and read
MAX_FRAME = 4092
MAX_SEND = 4083
MAX_READ = 4086
# opcodes (Commands)
SET_PASSPHRASE = 0x11
SET_AP_NET = 0x18
SET_AP_PASSPHRASE = 0x19
GET_CONN_STATUS = 0x20
GET_CURR_RSSI = 0x25
SCAN_NETWORKS = 0x27
START_SERVER_TCP = 0x28
AVAIL_DATA_TCP = 0x2B
START_CLIENT_TCP = 0x2D
STOP_CLIENT_TCP = 0x2E
GET_CLIENT_STATE_TCP = 0x2F
REQ_HOST_BY_NAME = 0x34
GET_FW_VERSION = 0x37
SEND_DATA_UDP = 0x39
GET_REMOTE_DATA = 0x3A
GET_TIME = 0x3B
GET_SOCKET = 0x3F
SEND_DATA_TCP = 0x44
GET_DATABUF_TCP = 0x45
INSERT_DATABUF = 0x46
# protocol modes of START_CLIENT_TCP / START_SERVER_TCP (Codes)
MODE_TCP = 0
MODE_UDP = 1
MODE_TLS = 2
