# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""eRPC numbers of the RTL8720DN firmware as docs/protocol-rtl8720dn.rst gives them, for
tests that check the driver's frames against the protocol rather than against the driver's own
constants (most of which are private consts, folded into the bytecode under MicroPython)."""

# message types (Messages)
ONEWAY = 1
REPLY = 2
# services and methods (Services, Calls)
SVC_SYSTEM = 1
SYSTEM_VERSION = 1
SYSTEM_ACK = 2
SVC_WIFI = 14
WIFI_CONNECT = 1
SVC_LWIP = 16
LWIP_ACCEPT = 1
LWIP_GETPEERNAME = 4
LWIP_CLOSE = 8
LWIP_CONNECT = 9
LWIP_RECV = 12
LWIP_RECVFROM = 14
LWIP_SEND = 15
LWIP_SENDTO = 17
LWIP_SOCKET = 18
LWIP_SELECT = 21
LWIP_GETHOSTBYNAME = 25
SVC_TLS = 17
TLS_CREATE = 1
TLS_DESTROY = 2
TLS_START = 18
TLS_STOP = 19
TLS_SEND = 21
SVC_CALLBACK = 19
CALLBACK_EVENT = 1
# Wi-Fi events and STA_DISCONNECTED reasons (Wi-Fi events)
EVENT_STA_START = 2
REASON_AUTH_FAIL = 202
