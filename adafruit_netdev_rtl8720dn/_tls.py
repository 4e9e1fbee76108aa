# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Connecting a TLS socket of :class:`~adafruit_netdev_rtl8720dn.RTL8720DN`: the firmware's
TLS client is made, given its handshake timeout and root CA, and started. Loaded on the
first TLS connect (a program without TLS does not keep it in RAM); sending, receiving
and closing are the driver's own. Each function takes the driver as ``dev``."""

import os

from micropython import const

from adafruit_netdev import (
    ECONNABORTED,
    ECONNRESET,
    EISCONN,
    ENOMEM,
    error,
    load,
    parse_ipv4,
    remaining_ms,
    timeout_error,
)
from adafruit_netdev_rtl8720dn import _MORE, _connect_error, _tls_again, _tls_reset, erpc
from adafruit_netdev_rtl8720dn.erpc import get_i32, get_u32, put_i32, put_nullable_str, put_u32

# The eRPC method ids this module calls (erpc.py has the services)
_TLS_CREATE = const(1)
_TLS_INIT = const(3)
_TLS_SET_TIMEOUT = const(5)
_TLS_GET_SOCKET = const(6)
_TLS_SET_ROOT_CA = const(8)
_TLS_START = const(18)
_EXTRA_MS = const(35000)  # DNS + TCP connect inside rpc_wifi_start_ssl_client
_HANDSHAKE_MS = const(120000)
# mbedTLS 2.4 results only a handshake gives
_FATAL_ALERT = const(-0x7780)
_CERT_VERIFY = const(-0x2700)
_ALLOC_FAILED = (-0x7F00, -0x0010, -0x2880, -0x3F80)  # SSL, MPI, X509, PK: heap exhausted


def connect(dev, sock, name, port, dl):
    if sock.connected:
        raise error(EISCONN, "TLS socket already connected")
    if parse_ipv4(name) is None:
        dev.gethostbyname(name)  # a clear HostUnknownError before the chip tries
    if dev.root_ca is None:  # (reads root_ca_file when that is set)
        raise error(
            ECONNABORTED,
            "TLS to %s refused: no root CA is set, and without one the RTL8720DN would not "
            "verify the server; set dev.root_ca to the PEM of the CA that signs it "
            "(NETDEV_CA_FILE in settings.toml)" % name,
        )
    ms = remaining_ms(dl)
    handshake = _HANDSHAKE_MS if ms is None else min(max(ms, 1000), _HANDSHAKE_MS)
    where = "%s:%d" % (name, port)
    t = dev._t
    handle = _setup(dev, sock, handshake)
    number = 0
    dev._enter_socket(sock)
    try:
        off = put_u32(t.tx, t.begin(erpc.SVC_TLS, _TLS_START), handle)
        off = put_nullable_str(t.tx, off, name)
        off = put_u32(t.tx, off, port)
        t.call(put_i32(t.tx, off, 0), handshake + _EXTRA_MS)
        result = get_i32(t.rx, 8)
        if result == -1:
            number = dev._errno()
        elif result >= 0:
            # A server whose certificate or name fails verification makes start return 0
            # (mbedTLS 2.4 completes the handshake; wifi_start_ssl_client then stops the
            # session and returns the handshake's 0), which is also a valid socket number.
            # The stopped session's socket reads -1: only a verified session has its own.
            t.call(put_u32(t.tx, t.begin(erpc.SVC_TLS, _TLS_GET_SOCKET), handle))
            if get_i32(t.rx, 8) != result:
                result = _CERT_VERIFY
    finally:
        t.leave()
    if result >= 0:
        sock.dev = result
        sock.connected = True
        if sock.options:  # setsockopt before the connect (it loaded _more)
            load(_MORE).apply_options(dev, sock)
        return
    _teardown(dev, sock)
    if result == -1:
        raise _connect_error(number, where)
    if result in _ALLOC_FAILED:
        raise error(ENOMEM, "the RTL8720DN has no memory for another TLS session; close one")
    if result == _CERT_VERIFY:
        raise error(
            ECONNABORTED,
            "TLS to %s refused: its certificate failed verification (not signed by the CA "
            "in root_ca, expired, or issued for another host name)" % where,
        )
    if result == _FATAL_ALERT:
        raise error(ECONNABORTED, "TLS handshake with %s failed: the server sent a fatal alert" % where)
    if _tls_again(result):
        raise timeout_error("TLS handshake with %s timed out" % where)
    if _tls_reset(result):
        raise error(ECONNRESET, "TLS handshake with %s failed: connection reset" % where)
    raise error(ECONNABORTED, "TLS handshake with %s failed: mbedTLS error -0x%04x" % (where, -result))


def read_root_ca(dev):
    """``dev.root_ca`` from the PEM file ``dev.root_ca_file``, read straight into the buffer
    the driver keeps, with the NUL mbedTLS wants after it: one allocation, no copies."""
    path = dev.root_ca_file
    try:
        pem = bytearray(os.stat(path)[6] + 1)
        with open(path, "rb") as f:
            f.readinto(pem)
    except OSError as exc:
        raise error(exc.args[0], "cannot read the root CA file %r (NETDEV_CA_FILE): %s" % (path, exc))
    dev.root_ca = pem


def _setup(dev, sock, handshake_ms):
    t = dev._t
    dev._enter_socket(sock)
    try:
        t.call(t.begin(erpc.SVC_TLS, _TLS_CREATE))
        handle = get_u32(t.rx, 8)
        if handle == 0:
            raise error(ENOMEM, "the RTL8720DN has no memory for another TLS session; close one")
        sock.tls = handle
    finally:
        t.leave()
    _void(dev, sock, _TLS_INIT)
    _void(dev, sock, _TLS_SET_TIMEOUT, handshake_ms)
    if dev._root_ca is not None:
        dev._enter_socket(sock)
        try:
            off = put_u32(t.tx, t.begin(erpc.SVC_TLS, _TLS_SET_ROOT_CA), handle)
            t.call(t.put_payload(off, memoryview(dev._root_ca)))
        finally:
            t.leave()
    return handle


def _void(dev, sock, method, arg=None):
    dev._enter()
    try:
        dev._raw_tls(sock.tls, method, arg)
    finally:
        dev._t.leave()


def _teardown(dev, sock):
    """rpc_wifi_stop_ssl_socket (closes its TCP socket) and ssl_client_destroy."""
    handle = sock.tls
    sock.tls = 0
    sock.dev = -1
    sock.connected = False
    if handle:
        dev._enter()
        try:
            dev._raw_tls(handle, erpc.TLS_STOP)
            dev._raw_tls(handle, erpc.TLS_DESTROY)
        finally:
            dev._t.leave()
