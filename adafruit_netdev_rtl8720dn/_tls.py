# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The TLS sockets of :class:`~adafruit_netdev_rtl8720dn.RTL8720DN`: connecting (the
firmware's TLS client is made, given its handshake timeout and root CA, and started),
one send or receive exchange (the driver's ``send`` and ``recv`` wait and loop), and
freeing a TLS client, also after a link fault. Loaded on the first TLS connect (a program
without TLS does not keep it in RAM). Each function takes the driver as ``dev`` and uses
the interface of the driver's module docstring."""

import os

from micropython import const

from adafruit_netdev import (
    ECONNABORTED,
    ECONNRESET,
    EIO,
    EISCONN,
    ENOMEM,
    EPIPE,
    check_address,
    error,
    load,
    parse_ipv4,
    remaining_ms,
)
from adafruit_netdev_rtl8720dn import _ERRORS, _RECOVERY, _SOCKOPT, MAX_SOCKETS, codec
from adafruit_netdev_rtl8720dn.codec import get_i32, get_u32

_SEND_MAX = const(4078)  # rpc_wifi_send_ssl_data payload that fits the firmware's buffer
_RECV_MAX = const(4080)
# How long past the caller's deadline the driver waits for the reply of a call that holds
# the chip (docs/rtl8720dn.rst): start_ssl_client's TCP connect and the handshake step under
# way when its timeout (the deadline) passes; send_ssl_data, which returns only once the
# peer has taken the record. Then the reply counts as lost (EIO, recovery on the next call).
_START_MARGIN_MS = const(5000)
_SEND_MARGIN_MS = const(5000)
# send_ssl_data busy-loops until the peer takes the record (docs/protocol-rtl8720dn.rst, TLS): with no
# deadline, a peer that stops reading for longer than this costs a chip reset
_SEND_MS = const(30000)
_HANDSHAKE_MS = const(120000)
# mbedTLS 2.4 results of the TLS calls
_WANT_READ = const(-0x6900)
_WANT_WRITE = const(-0x6880)
_CLOSE_NOTIFY = const(-0x7880)
_NET_RESET = const(-0x0050)
_NET_RECV = const(-0x004C)
_NET_SEND = const(-0x004E)
# a TLS client whose destroy (or create) may or may not have run on the chip: in the
# driver's list of orphans, it is freed only by a reset (destroying twice corrupts the heap)
_LOST = (True, 0)
# the result a handshake that failed verification gives (see connect)
_CERT_VERIFY = const(-0x2700)


def check_pem(pem, what="root CA"):
    """The ``what`` PEM ``pem`` (text or bytes) as the driver keeps it: bytes with the NUL
    mbedTLS wants after the text (the driver's ``root_ca`` setter, ``set_client_cert``).
    One message carries it: at most about 4000 bytes."""
    if isinstance(pem, str):
        pem = pem.encode()
    if not isinstance(pem, (bytes, bytearray)):
        raise TypeError("%s must be PEM text (str or bytes), not %r" % (what, type(pem).__name__))
    if len(pem) + 1 > codec.BODY_MAX - 24:
        raise ValueError("%s PEM too long for the firmware (at most ~4000 bytes)" % what)
    if not pem or pem[-1]:  # (MicroPython 1.19's bytearray has no endswith)
        pem = pem + b"\x00"  # mbedTLS parses PEM text with its terminator
    return pem


def set_client_cert(dev, cert_pem, key_pem):
    """The driver's ``set_client_cert``: kept, and given to each TLS client before its
    start (``rpc_wifi_ssl_set_cliCert``, ``set_cliKey``)."""
    if cert_pem is None and key_pem is None:
        dev.client_cert = None
        return
    if cert_pem is None or key_pem is None:
        raise ValueError("set_client_cert needs the certificate and its private key (or None, None to clear)")
    dev.client_cert = (check_pem(cert_pem, "client certificate"), check_pem(key_pem, "client key"))


def connect(dev, sock, host, address, dl):
    """The driver's ``connect`` of a TLS socket to ``host`` (the server's name, or ``""``
    for the address's IP) and the port of ``address``."""
    ip, port = address if isinstance(address, tuple) and len(address) == 2 else (None, None)
    if not ip and host:
        address = ("", port)
    ip, port = check_address(address)
    name = host or ip
    if not name or not 0 < port < 65536:
        raise ValueError("a TLS connect needs the server's host name (or address) and port")
    if sock.connected:
        raise error(EISCONN, "TLS socket already connected")
    if parse_ipv4(name) is None:
        dev.gethostbyname(name, dl)  # a clear HostUnknownError before the chip tries, by dl
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
    link = dev.link
    handle = _setup(dev, sock, handshake)
    number = 0
    dev.claim(sock)
    try:
        result = link.call_i32(codec.tls_start(link.tx, handle, name, port), handshake + _START_MARGIN_MS)
        if result >= MAX_SOCKETS:  # a reply that lies (sock.tls names the session: close frees it)
            raise link.bad_count(result, MAX_SOCKETS - 1)
        if result == -1:
            number = dev.read_errno()
        elif result >= 0:
            # A server whose certificate or name fails verification makes start return 0
            # (mbedTLS 2.4 completes the handshake; wifi_start_ssl_client then stops the
            # session and returns the handshake's 0), which is also a valid socket number.
            # The stopped session's socket reads -1: only a verified session has its own.
            if link.call_i32(codec.ints(link.tx, codec.TLS_GET_SOCKET, handle)) != result:
                result = _CERT_VERIFY
    finally:
        link.release()
    if result >= 0:
        sock.number = result
        sock.connected = True
        if sock.options:  # setsockopt before the connect (it loaded _sockopt)
            load(_SOCKOPT).apply_options(dev, sock)
        return
    _teardown(dev, sock)
    raise load(_ERRORS).tls_start_error(result, number, where, dev.client_cert is not None)


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
    dev.root_ca = pem  # (its setter keeps this buffer: it ends with the NUL)


def _setup(dev, sock, handshake_ms):
    link = dev.link
    dev.claim(sock)
    try:
        try:
            link.call(codec.ints(link.tx, codec.TLS_CREATE))
        except OSError:  # its reply lost: the chip may hold a client no handle names
            dev.orphans.append(_LOST)
            raise
        handle = get_u32(link.rx, 8)
        if handle == 0:
            raise error(ENOMEM, "the RTL8720DN has no memory for another TLS session; close one")
        sock.tls = handle
    finally:
        link.release()
    _void(dev, codec.TLS_INIT, handle)
    _void(dev, codec.TLS_SET_TIMEOUT, handle, handshake_ms)
    _set_text(dev, sock, codec.TLS_SET_ROOT_CA, handle, dev.root_ca)
    if dev.client_cert is not None:  # before the start, which parses them (wifi_ssl_client.c)
        _set_text(dev, sock, codec.TLS_SET_CLI_CERT, handle, dev.client_cert[0])
        _set_text(dev, sock, codec.TLS_SET_CLI_KEY, handle, dev.client_cert[1])
    return handle


def _set_text(dev, sock, call, handle, pem):
    """The root CA, client certificate or key ``pem`` given to TLS client ``handle``."""
    link = dev.link
    dev.claim(sock)
    try:
        link.call(codec.tls_set_text(link.tx, call, handle, len(pem)), 0, None, 12, memoryview(pem))
    finally:
        link.release()


def _void(dev, call, handle, arg=None):
    """One TLS call that returns nothing (``codec.ints(tx, call, handle[, arg])``), the lock
    taken."""
    link = dev.link
    dev.claim()
    try:
        link.call(codec.ints(link.tx, call, handle, arg), 0, None, 8)
    finally:
        link.release()


def _teardown(dev, sock):
    """After a failed start: the TLS client freed (:func:`free`). No rejoin first (a
    teardown needs no network, like a close); when the lock cannot be had (the link's
    recovery failed), the client waits in the orphans for a recovery, unless the chip was
    reset under it (its handle then names nothing)."""
    handle = sock.tls
    sock.tls = 0
    sock.number = -1
    sock.connected = False
    if handle:
        try:
            dev.claim(None, False)
        except OSError:
            if sock.broken != ECONNRESET:
                dev.orphans.append((True, handle))
                load(_RECOVERY).due(dev)
            raise
        try:
            if sock.broken != ECONNRESET:
                free(dev, handle)
        finally:
            dev.link.release()


def free(dev, handle):
    """rpc_wifi_stop_ssl_socket (closes its TCP socket) and ssl_client_destroy (lock held).
    When the link faults on the way, the client stays in the driver's orphans: recovery
    stops and destroys it again when the stop went unanswered (a second stop is harmless);
    when the destroy did, it may or may not have run, and only a chip reset frees it for
    sure (:func:`lost_clients`)."""
    link = dev.link
    orphans = dev.orphans
    orphan = (True, handle)
    orphans.append(orphan)
    link.call(codec.ints(link.tx, codec.TLS_STOP, handle), 0, None, 8)
    orphans.remove(orphan)
    orphans.append(_LOST)
    link.call(codec.ints(link.tx, codec.TLS_DESTROY, handle), 0, None, 8)
    orphans.remove(_LOST)


def holds_nothing(dev):
    """True when no fd holds a socket or TLS client on the chip: a reset loses nothing."""
    for sock in dev.slots:
        if sock is not None and sock.broken != ECONNRESET and (sock.number >= 0 or sock.tls):
            return False
    return True


def lost_clients(dev):
    """After a close, when the chip may still hold TLS clients that link faults left on it
    (_LOST): once no fd holds anything there, the next call's recovery resets the chip,
    which frees them (a program that keeps a socket open keeps them until it closes it)."""
    link = dev.link
    if link.fault is None and link.enable is not None and _LOST in dev.orphans and holds_nothing(dev):
        link.fault = error(EIO, "TLS clients lost to link faults are freed by a reset of the RTL8720DN")


# -- one send or receive exchange (the driver's send and recv loop and wait) -----------------------


def send_once(dev, sock, view):
    """``rpc_wifi_send_ssl_data`` of the next chunk of ``view`` (from ``sock.offset``): the
    count mbedTLS took, or None to try again. The firmware returns only once the peer has
    taken the record, so the reply is awaited until the send's deadline (``sock.deadline``)
    and ``_SEND_MARGIN_MS`` more, 30 s with no deadline: after that it counts as lost."""
    link = dev.link
    start = sock.offset
    n = len(view) - start
    n = min(n, _SEND_MAX)
    ms = remaining_ms(sock.deadline)
    ms = _SEND_MS if ms is None else max(ms, 0) + _SEND_MARGIN_MS
    dev.claim(sock)
    try:
        result = link.call_i32(
            codec.tls_send(link.tx, sock.tls, n), min(ms, _SEND_MS), view[start : start + n]
        )
    finally:
        link.release()
    if result > n:  # more than was sent: going on from there would lose or repeat bytes
        raise link.bad_count(result, n)
    if result > 0:
        return result
    if result == 0 or _tls_again(result):
        return None
    if _tls_reset(result):
        raise error(EPIPE, "send failed: the peer closed the TLS connection")
    raise error(EIO, "TLS send failed: mbedTLS error -0x%04x" % -result)


def recv_once(dev, sock, buf):
    """``rpc_wifi_get_ssl_receive`` into ``buf``: the count, 0 at the end of the stream, or
    None when nothing came."""
    size = len(buf)
    size = min(size, _RECV_MAX)
    link = dev.link
    rx = link.rx
    dev.claim(sock)
    try:
        link.call(codec.ints(link.tx, codec.TLS_RECV, sock.tls, size), 0, memoryview(buf)[:size], 16)
        n = get_u32(rx, 8)  # the data bytes the reply carried (at most size: Link)
        result = get_i32(rx, 12)
        if result > 0 and result != n:  # the firmware sends exactly what mbedTLS gave
            raise link.bad_count(result, n)
    except OSError:
        if link.fault is not None and not sock.broken:
            sock.broken = EIO  # the chip may have handed over bytes that never arrived
        raise
    finally:
        link.release()
    if result > 0:
        sock.idle = False
        return result
    if result == 0 or result == _CLOSE_NOTIFY:  # noqa: PLR1714 (see _tls_again)
        sock.eof = True
        return 0
    if _tls_again(result):
        return None
    if _tls_reset(result):
        raise error(ECONNRESET, "recv failed: the peer reset the TLS connection")
    raise error(EIO, "TLS receive failed: mbedTLS error -0x%04x" % -result)


def _tls_again(result):
    """mbedTLS's "nothing yet, call again" results. (Comparisons, not ``in`` a tuple: a tuple
    of module attributes is built at each call, and an idle TLS recv polls this.)"""
    return result == _WANT_READ or result == _WANT_WRITE  # noqa: PLR1714


def _tls_reset(result):
    """mbedTLS's results for a connection the network ended."""
    return result == _NET_RESET or result == _NET_RECV or result == _NET_SEND  # noqa: PLR1714
