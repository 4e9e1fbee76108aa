# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Socket options on the RTL8720DN: :meth:`~adafruit_netdev_rtl8720dn.RTL8720DN.setsockopt`
(the driver's method hands over to it), the options set on a TLS socket before the chip
has it applied at its connect. Loaded on first use. Each function takes the driver as
``dev`` and uses the interface of the driver's module docstring."""

from micropython import const

from adafruit_netdev import EOPNOTSUPP, IPPROTO_TLS, error
from adafruit_netdev_rtl8720dn import codec

_L_SOL_SOCKET = const(0xFFF)
_L_SO_LINGER = const(0x0080)

# setsockopt: (level, option) in TinyGo/Linux numbers -> lwIP's (level, option)
_OPTIONS = (
    (1, 9, _L_SOL_SOCKET, 0x0008),  # SOL_SOCKET, SO_KEEPALIVE
    (1, 2, _L_SOL_SOCKET, 0x0004),  # SO_REUSEADDR
    (1, 6, _L_SOL_SOCKET, 0x0020),  # SO_BROADCAST
    (1, 0xD, _L_SOL_SOCKET, _L_SO_LINGER),  # SO_LINGER (value: seconds)
    (6, 1, 6, 1),  # IPPROTO_TCP, TCP_NODELAY
    (6, 4, 6, 3),  # TCP_KEEPIDLE
    (6, 5, 6, 4),  # TCP_KEEPINTVL
    (6, 6, 6, 5),  # TCP_KEEPCNT
)


def setsockopt(dev, fd, level, opt, value):
    sock = dev.socket_of(fd)
    found = None
    for lvl, name, dlevel, dopt in _OPTIONS:
        if lvl == level and name == opt:
            found = dlevel, dopt
            break
    if found is None:
        raise error(EOPNOTSUPP, "socket option (%r, %r) is not supported" % (level, opt))
    dlevel, dopt = found
    if sock.proto == IPPROTO_TLS and not sock.connected:
        if sock.options is None:
            sock.options = []
        sock.options.append((dlevel, dopt, value))  # applied once the chip has the socket
        return
    _setsockopt(dev, sock, dlevel, dopt, value)


def apply_options(dev, sock):
    """The options set on a TLS socket before the chip had it (its connect calls this)."""
    options = sock.options
    sock.options = None
    for dlevel, dopt, value in options or ():
        _setsockopt(dev, sock, dlevel, dopt, value)


def _setsockopt(dev, sock, dlevel, dopt, value):
    if dopt == _L_SO_LINGER and dlevel == _L_SOL_SOCKET:
        optval = bytearray(8)  # struct linger: l_onoff 1, l_linger seconds
        optval[0] = 1
        codec.put_i32(optval, 4, int(value))
    else:
        optval = bytearray(4)
        codec.put_i32(optval, 0, int(value))
    link = dev.link
    dev.claim(sock)
    try:
        if link.call_i32(codec.lwip_setsockopt(link.tx, sock.number, dlevel, dopt, optval)) < 0:
            raise dev.failed("setsockopt")
    finally:
        link.release()
