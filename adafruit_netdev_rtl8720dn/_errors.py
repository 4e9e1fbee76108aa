# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The errors of :class:`~adafruit_netdev_rtl8720dn.RTL8720DN` that only a failure needs:
lwIP's errno numbers translated to the running interpreter's, and the messages that say
what went wrong. Loaded when the first such error is raised (``adafruit_netdev.load``), so
that a program that meets none keeps none of it in RAM."""

import errno

from micropython import const

from adafruit_netdev import (
    EBADF,
    ECONNABORTED,
    ECONNREFUSED,
    ECONNRESET,
    EIO,
    ENOMEM,
    EOPNOTSUPP,
    error,
    timeout_error,
)

# lwIP numbering (firmware side)
_L_EAGAIN = const(11)
_L_ENOMEM = const(12)
_L_ENFILE = const(23)
_L_ENOSYS = const(38)
_L_ENOPROTOOPT = const(92)
_L_EOPNOTSUPP = const(95)
_L_ECONNRESET = const(104)
_L_ECONNREFUSED = const(111)
_L_EINPROGRESS = const(115)

# lwIP errno numbers (Linux numbering), and at the same place in _NAMES the name the
# running interpreter knows each by: two constants, where 25 (number, name) pairs would be 25
# tuples in RAM. The numbers: 5 9 11 12 22 23 32 38 88 90 92 95 97 98 99 103 104 105 106 107
# 110 111 113 114 115.
_NUMBERS = (
    b"\x05\x09\x0b\x0c\x16\x17\x20\x26\x58\x5a\x5c\x5f\x61\x62\x63\x67\x68\x69\x6a\x6b\x6e\x6f\x71\x72\x73"
)
_NAMES = (
    "EIO EBADF EAGAIN ENOMEM EINVAL ENFILE EPIPE ENOSYS ENOTSOCK EMSGSIZE ENOPROTOOPT "
    "EOPNOTSUPP EAFNOSUPPORT EADDRINUSE EADDRNOTAVAIL ECONNABORTED ECONNRESET ENOBUFS "
    "EISCONN ENOTCONN ETIMEDOUT ECONNREFUSED EHOSTUNREACH EALREADY EINPROGRESS"
)


def lwip_errno(number):
    """The running interpreter's errno for an lwIP errno number (lwIP uses Linux's
    numbers, CircuitPython and MicroPython may not)."""
    name = errno_name(number)
    return getattr(errno, name, number) if name[0] == "E" else EIO  # not "errno N"


def errno_name(number):
    """The Linux name of an lwIP errno number, or ``"errno N"``."""
    for i in range(len(_NUMBERS)):
        if _NUMBERS[i] == number:
            return _NAMES.split()[i]
    return "errno %d" % number


def no_socket(what):
    return error(ENOMEM, "%s: the RTL8720DN has no free socket (all 8 in use); close one" % what)


def lwip_error(number, what):
    """The error for a call ``what`` that failed with lwIP errno ``number``."""
    if number in (_L_ENFILE, _L_ENOMEM):
        return no_socket(what)
    if number in (_L_ENOPROTOOPT, _L_ENOSYS, _L_EOPNOTSUPP):
        return error(EOPNOTSUPP, "%s: not supported by the RTL8720DN firmware" % what)
    return error(lwip_errno(number), "%s failed: %s" % (what, errno_name(number)))


def connect_error(number, where):
    """The error for a connect to ``where`` that failed with lwIP errno ``number``."""
    if number in (_L_ENFILE, _L_ENOMEM):  # a TLS connect makes its socket then
        return no_socket("connect to " + where)
    # lwIP reports a refused connection (RST to the SYN) as ECONNRESET
    if number in (_L_ECONNRESET, _L_ECONNREFUSED):
        return error(ECONNREFUSED, "connection to %s refused: nothing listens there" % where)
    if number in (0, _L_EAGAIN, _L_EINPROGRESS):  # a stale global errno: say what we know
        return error(ECONNREFUSED, "connection to %s failed" % where)
    return error(lwip_errno(number), "connect to %s failed: %s" % (where, errno_name(number)))


def lost(sock):
    """The error for a call on a socket that can no longer be used (``sock.broken``)."""
    if sock.broken == EBADF:
        return error(EBADF, "the socket was closed (by another thread) while this call used it")
    if sock.broken == ECONNRESET:
        return error(
            ECONNRESET,
            "connection lost: the RTL8720DN was reset after a link fault; close this socket",
        )
    return error(
        EIO,
        "connection abandoned: a link fault during a receive may have lost data; close this socket",
    )


def not_rejoined(ssid, exc):
    return error(
        EIO,
        "the RTL8720DN was reset after a link fault and could not rejoin %r (the next call tries "
        "again): %s" % (ssid, exc),
    )


# what to check when the chip does not answer
_CHECK = (
    "the UART pins (Wio Terminal: tx=board.RTL_MOSI, rx=board.RTL_MISO) and the baud rate "
    "(614400 for firmware 2.1.2+)"
)


def start_error(what, detail=None):
    """The error of a start or reset of the chip (``_startup``) that failed at ``what``."""
    if what == "silent":
        return error(
            EIO,
            "the RTL8720DN does not answer on this UART. Check %s; if it was left mid-frame "
            "by an earlier program it must be reset: power-cycle the board, or pass "
            "enable=board.RTL_PWR so the driver can reset it" % _CHECK,
        )
    if what == "no enable":
        return error(
            EIO,
            "the RTL8720DN stopped answering and must be reset: power-cycle the board, or "
            "pass enable=board.RTL_PWR (the chip-enable pin) so the driver can reset it",
        )
    if what == "reset":
        return error(
            EIO,
            "the RTL8720DN does not answer after a reset through its enable pin (%s). Check %s, "
            "and that the ambd eRPC firmware is flashed; the next call tries again"
            % (detail.args[1] if detail else "no answer", _CHECK),
        )
    if what == "old":
        return error(
            EIO,
            "RTL8720DN firmware %r is too old: this driver needs the ambd eRPC firmware "
            "2.0.3 or newer (2.1.3 recommended; update it with Seeed's ambd_flash_tool)" % detail,
        )
    return error(EIO, "%s failed" % what)


# mbedTLS 2.4 results of a TLS client's start (rpc_wifi_start_ssl_client)
_CERT_VERIFY = const(-0x2700)
_FATAL_ALERT = const(-0x7780)
_CONN_EOF = const(-0x7280)  # the peer closed during the handshake
_WANT_READ = const(-0x6900)
_WANT_WRITE = const(-0x6880)
_ALLOC_FAILED = (-0x7F00, -0x0010, -0x2880, -0x3F80)  # SSL, MPI, X509, PK: heap exhausted
_NET_RESET = (-0x0050, -0x004C, -0x004E)  # NET_CONN_RESET, NET_RECV_FAILED, NET_SEND_FAILED


def tls_start_error(result, number, where, client_cert):
    """The error of a TLS start (``_tls.connect``) to ``where`` that returned ``result``
    (-1: lwIP errno ``number``); ``client_cert``: a client certificate was given."""
    if result == -1:
        return connect_error(number, where)
    if result in _ALLOC_FAILED:
        return error(ENOMEM, "the RTL8720DN has no memory for another TLS session; close one")
    if result == _CERT_VERIFY:
        return error(
            ECONNABORTED,
            "TLS to %s refused: its certificate failed verification (not signed by the CA "
            "in root_ca, expired, or issued for another host name)" % where,
        )
    if result in (_FATAL_ALERT, _CONN_EOF):
        return error(
            ECONNABORTED,
            "TLS handshake with %s failed: the server %s (a server that requires a client "
            "certificate does so without one: set_client_cert)"
            % (where, "sent a fatal alert" if result == _FATAL_ALERT else "closed the connection"),
        )
    if -0x4000 < result <= -0x1000:  # PEM, X509, PK: what mbedTLS could not read
        return error(
            ECONNABORTED,
            "TLS to %s refused: the RTL8720DN could not read the root CA%s (mbedTLS error "
            "-0x%04x): check that it is PEM%s"
            % (
                where,
                ", the client certificate or its key" if client_cert else "",
                -result,
                ", and that the key has no password" if client_cert else "",
            ),
        )
    if result in (_WANT_READ, _WANT_WRITE):
        return timeout_error("TLS handshake with %s timed out" % where)
    if result in _NET_RESET:
        return error(ECONNRESET, "TLS handshake with %s failed: connection reset" % where)
    return error(ECONNABORTED, "TLS handshake with %s failed: mbedTLS error -0x%04x" % (where, -result))
