# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The numbers of lwIP 2.0.2 as the RTL8720DN firmware's build has them: its errno values
(``LWIP_PROVIDE_ERRNO``, lwIP ``include/lwip/errno.h``), the pool sizes and buffers of
the Ameba-D SDK's ``lwipopts.h`` for the 8721D, and the socket API's constants (lwIP
``include/lwip/sockets.h``). One place for the socket modules of the model:
:mod:`~netdev_emulator.rtl8720_sockets`, :mod:`~netdev_emulator.rtl8720_socket_io`,
:mod:`~netdev_emulator.rtl8720_sockopt`.
"""

# lwIP's errno numbers (LWIP_PROVIDE_ERRNO: the Linux values, whatever the host uses).
EIO = 5
EBADF = 9
EWOULDBLOCK = 11
ENOMEM = 12
EINVAL = 22
ENFILE = 23
ENOSYS = 38
ENOPROTOOPT = 92
EOPNOTSUPP = 95
EADDRINUSE = 98
ECONNABORTED = 103
ECONNRESET = 104
ENOBUFS = 105
EISCONN = 106
ENOTCONN = 107
EHOSTUNREACH = 113
EALREADY = 114
EINPROGRESS = 115

MAX_SOCKETS = 8  # MEMP_NUM_NETCONN
MAX_LISTENERS = 5  # MEMP_NUM_TCP_PCB_LISTEN
UDP_PCBS = 6  # MEMP_NUM_UDP_PCB; the DNS client holds one, the DHCP client another
TCP_SND_BUF = 7300  # 5 × TCP_MSS in the 8721D lwipopts.h
TCP_WND = 7300  # the receive window of the same build: what one recv can find queued

AF_INET = 2
SOCK_STREAM = 1
SOCK_DGRAM = 2
SOCK_RAW = 3

MSG_PEEK = 0x01
MSG_DONTWAIT = 0x08

SOL_SOCKET = 0xFFF
SO_REUSEADDR = 0x0004
SO_KEEPALIVE = 0x0008
SO_BROADCAST = 0x0020
SO_SNDTIMEO = 0x1005
SO_RCVTIMEO = 0x1006
SO_ERROR = 0x1007
SO_TYPE = 0x1008
SO_NO_CHECK = 0x100A
IPPROTO_IP = 0
IPPROTO_TCP = 6
IPPROTO_UDP = 17
TCP_NODELAY = 1
TCP_KEEPALIVE = 2
TCP_KEEPIDLE = 3
TCP_KEEPINTVL = 4
TCP_KEEPCNT = 5
IP_TOS = 1
IP_TTL = 2
IP_ADD_MEMBERSHIP = 3
IP_DROP_MEMBERSHIP = 4
IP_MULTICAST_TTL = 5
IP_MULTICAST_IF = 6
IP_MULTICAST_LOOP = 7
TF_NODELAY = 0x40  # what lwIP's getsockopt(TCP_NODELAY) really returns when set

F_GETFL = 3
F_SETFL = 4
O_NONBLOCK = 1
FIONBIO = 0x8004667E
FIONREAD = 0x4004667F
