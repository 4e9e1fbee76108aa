# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The parts of :class:`~adafruit_netdev_rtl8720dn.RTL8720DN` a plain client never runs:
binding, listening and accepting, socket options, the access point, leaving the network,
the MAC address and the scan. They load on first use (the driver's methods of the same
names call them), so that a program that only dials does not keep their bytecode in RAM.
Each function takes the driver as ``dev``."""

from micropython import const

from adafruit_netdev import (
    EINVAL,
    EIO,
    ENOMEM,
    EOPNOTSUPP,
    IPPROTO_TCP,
    IPPROTO_TLS,
    check_address,
    deadline,
    error,
    parse_ipv4,
    wait,
)
from adafruit_netdev.netlink import (
    AuthError,
    auth_error,
    connect_timeout_error,
    failed_error,
    no_network_error,
)
from adafruit_netdev_rtl8720dn import MAX_SOCKETS, _security, _Socket, erpc
from adafruit_netdev_rtl8720dn.erpc import (
    get_i32,
    get_u16,
    get_u32,
    put_bin,
    put_i32,
    put_nullable_str,
    put_sockaddr,
    put_str,
    put_u16,
    put_u32,
)

# The eRPC method ids this module calls (erpc.py has the services)
_WIFI_START_AP = const(38)
_WIFI_SCAN_START = const(64)
_WIFI_IS_SCANNING = const(65)
_WIFI_SCAN_RECORDS = const(66)
_WIFI_SCAN_COUNT = const(67)
_TCPIP_DHCPS_START = const(11)
_LWIP_ACCEPT = const(1)
_LWIP_BIND = const(2)
_LWIP_GETPEERNAME = const(4)
_LWIP_LISTEN = const(10)
_LWIP_SETSOCKOPT = const(7)
_WIFI_DISCONNECT = const(3)
_WIFI_GET_LAST_ERROR = const(49)
_WIFI_GET_MAC = const(8)
_WIFI_ON = const(27)
_WIFI_OFF = const(28)
_RTW_MODE_STA = const(1)
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

_PEERNAME_TRIES = const(3)
_AP_MS = const(25000)
_SCAN_S = const(15)


# -- servers -------------------------------------------------------------------------------------


def bind(dev, fd, address):
    sock = dev._socket(fd)
    ip, port = check_address(address)
    if sock.proto == IPPROTO_TLS:
        raise error(EOPNOTSUPP, "bind on a TLS socket: the firmware's TLS is client-only")
    t = dev._t
    dev._enter_socket(sock)
    try:
        off = put_i32(t.tx, t.begin(erpc.SVC_LWIP, _LWIP_BIND), sock.dev)
        off = put_sockaddr(t.tx, off, parse_ipv4(ip or "0.0.0.0"), port)
        t.call(put_u32(t.tx, off, erpc.SOCKADDR_SIZE))
        if get_i32(t.rx, 8) < 0:
            raise dev._lwip_error(dev._errno(), "bind to %s:%d" % (ip or "0.0.0.0", port))
    finally:
        t.leave()


def listen(dev, fd, backlog):
    sock = dev._socket(fd)
    if sock.proto == IPPROTO_TLS:
        raise error(EOPNOTSUPP, "TLS servers are not supported: the firmware's TLS is client-only")
    dev._socket_call(sock, "listen", _LWIP_LISTEN, max(1, backlog))
    dev._set_nonblocking(sock)
    sock.listening = True


def accept(dev, fd, dl):
    sock = dev._socket(fd)
    if not sock.listening:
        raise error(EINVAL, "fd %d is not listening: call listen() first" % fd)
    return wait(_accept_once, dev, sock, dl, "accept")


def _accept_once(dev, sock):
    t = dev._t
    tx = t.tx
    dev._enter_socket(sock)
    try:
        off = put_i32(tx, t.begin(erpc.SVC_LWIP, _LWIP_ACCEPT), sock.dev)
        off = put_u32(tx, off, erpc.SOCKADDR_SIZE)
        off = erpc.put_zeros(tx, off, erpc.SOCKADDR_SIZE)
        try:
            new = _accept_call(dev, put_u32(tx, off, erpc.SOCKADDR_SIZE))
        except OSError:
            dev._lost_socket()  # the chip may have accepted one that no fd holds
            raise
        if new is None:
            return None
        slots = dev._slots
        for newfd in range(MAX_SOCKETS):
            if slots[newfd] is None:
                slots[newfd] = new[0]
                return newfd, new[1]
        dev._raw_int(erpc.SVC_LWIP, erpc.LWIP_CLOSE, new[0].dev)
    finally:
        t.leave()
    raise error(ENOMEM, "no free socket for the accepted connection: all %d are in use" % MAX_SOCKETS)


def _accept_call(dev, end):
    """rpc_lwip_accept built up to ``end``, then the peer's address (lock held):
    ``(socket, peer)``, or None when no connection waits."""
    t = dev._t
    t.call(end, 0, None, 16)  # u32 addrlen, i32 result
    new = get_i32(t.rx, 12)
    if new < 0:
        dev._would_block("accept")
        return None
    if new >= MAX_SOCKETS:  # the chip accepted one, but not that (recovery closes it)
        raise t.bad_count(new, MAX_SOCKETS - 1)
    conn = _Socket(IPPROTO_TCP, new)
    conn.connected = True
    # the firmware's accept does not return the peer (docs/protocol-rtl8720dn.rst, Calls): ask for it
    return conn, _peer(t, new)


def _peer(t, s):
    """The peer of chip socket ``s``, or ``("0.0.0.0", 0)`` when it cannot be known.

    From firmware 2.1.1, rpc_lwip_getpeername hands lwIP an uninitialised length
    (wifi_api.c), and lwIP copies that many bytes of the sockaddr_in into a zeroed buffer:
    the answer may be any prefix of the address, zeros after it. A prefix short of the
    whole address is impossible for a peer (length or family not set, port 0, an address
    starting or ending with 0): ask again, a few times, and never trust such an answer. (A
    peer whose address really ends in .0 is therefore reported unknown.)"""
    rx = t.rx
    for _ in range(_PEERNAME_TRIES):
        off = put_i32(t.tx, t.begin(erpc.SVC_LWIP, _LWIP_GETPEERNAME), s)
        length = t.call(put_u32(t.tx, off, erpc.SOCKADDR_SIZE))
        if length < 20 + erpc.SOCKADDR_SIZE or get_u32(rx, 8) != erpc.SOCKADDR_SIZE:
            raise t.fail("malformed rpc_lwip_getpeername reply")
        if get_i32(rx, 32) < 0:
            break  # the connection is gone already
        if rx[12] == erpc.SOCKADDR_SIZE and rx[13] == 2 and (rx[14] or rx[15]) and rx[16] and rx[19]:
            return erpc.parse_sockaddr(rx, 12)
    return ("0.0.0.0", 0)


# -- joining --------------------------------------------------------------------------------------


def join_error(dev, ssid, result, seconds):
    """The error for a join that ``rpc_wifi_connect`` failed with ``result``.

    The firmware tells why only through ``rpc_wifi_get_last_error``: the SDK's error_flag,
    set by its disconnect handler during the join (wifi_conf.c). The STA_DISCONNECTED event
    the join sends carries no reason (it is built before that handler runs, and is empty
    unless the chip still knows the access point); a later one might, so it is read too.
    error_flag is classified only for WPA2-AES and open joins, and a wrong passphrase on
    WPA2 is a 4-way handshake timeout far more often than a "wrong password"."""
    last = dev._int_call(erpc.SVC_WIFI, _WIFI_GET_LAST_ERROR)
    reason = dev._t.disconnect_reason  # wifi_err_reason_t: 201-205, else 0
    dev._log("join %r failed: result %d, last error %d, reason %d" % (ssid, result, last, reason))
    if last == 3 or reason == 202 or result == 4:  # RTW_WRONG_PASSWORD, RTW_INVALID_KEY
        return auth_error(ssid)
    if last == 4 or reason == 204:  # RTW_4WAY_HANDSHAKE_TIMEOUT
        return AuthError(
            auth_error(ssid).args[0],
            "access point %r refused the passphrase (the WPA2 4-way handshake timed out, "
            "which is what a wrong passphrase does)" % (ssid,),
        )
    if last == 1 or reason == 201:  # RTW_NONE_NETWORK
        return no_network_error(ssid)
    if last == 2 or reason in (203, 205):  # RTW_CONNECT_FAIL
        return failed_error(ssid, "the access point refused the association")
    if result == erpc.RTW_TIMEOUT:
        return connect_timeout_error(ssid, seconds)
    return failed_error(
        ssid,
        "the RTL8720DN does not say why (it tells only for WPA2-AES and open networks): "
        "a wrong passphrase, a security type the network does not use (WPA, WPA2, mixed, "
        "open), or an access point out of range or refusing the station",
    )


# -- socket options ------------------------------------------------------------------------------


def setsockopt(dev, fd, level, opt, value):
    sock = dev._socket(fd)
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
    t = dev._t
    tx = t.tx
    if dopt == _L_SO_LINGER and dlevel == _L_SOL_SOCKET:
        optval = bytearray(8)
        optval[0] = 1
        put_i32(optval, 4, int(value))
    else:
        optval = bytearray(4)
        put_i32(optval, 0, int(value))
    dev._enter_socket(sock)
    try:
        off = put_i32(tx, t.begin(erpc.SVC_LWIP, _LWIP_SETSOCKOPT), sock.dev)
        off = put_i32(tx, off, dlevel)
        off = put_i32(tx, off, dopt)
        off = put_bin(tx, off, optval)
        t.call(put_u32(tx, off, len(optval)))
        if get_i32(t.rx, 8) < 0:
            raise dev._lwip_error(dev._errno(), "setsockopt")
    finally:
        t.leave()


# -- the link: mode, leaving, the MAC address ---------------------------------------------------


def switch_mode(dev, mode):
    dev._int_call(erpc.SVC_WIFI, _WIFI_OFF, timeout_ms=5000)
    dev._mode = 0
    if dev._int_call(erpc.SVC_WIFI, _WIFI_ON, mode, timeout_ms=5000) < 0:
        raise error(EIO, "rpc_wifi_on(%d) failed" % mode)
    dev._mode = mode
    dev._joined = None


def link_leave(dev):
    dev._joined = None
    if dev._mode == erpc.RTW_MODE_AP:
        switch_mode(dev, _RTW_MODE_STA)
    else:
        dev._int_call(erpc.SVC_WIFI, _WIFI_DISCONNECT, timeout_ms=5000)


def hardware_addr(dev):
    if dev._mac is None:
        t = dev._t
        dev._enter()
        try:
            length = t.call(t.begin(erpc.SVC_WIFI, _WIFI_GET_MAC))
            if length < 8 + 18 + 4 or get_i32(t.rx, 26) != 0:
                raise error(EIO, "rpc_wifi_get_mac_address failed")
            try:
                dev._mac = erpc.parse_mac(t.rx, 8)
            except ValueError:
                raise error(EIO, "the firmware reported a malformed MAC address")
        finally:
            t.leave()
    return dev._mac


# -- the access point ----------------------------------------------------------------------------


def start_ap(dev, params):
    t = dev._t
    switch_mode(dev, erpc.RTW_MODE_AP)
    security, password = _security(params)
    dev._enter()
    try:
        off = put_str(t.tx, t.begin(erpc.SVC_WIFI, _WIFI_START_AP), params.ssid)
        off = put_nullable_str(t.tx, off, password)
        off = put_u32(t.tx, off, security)
        t.call(put_i32(t.tx, off, 6), _AP_MS)
        result = get_i32(t.rx, 8)
    finally:
        t.leave()
    if result == erpc.RTW_TIMEOUT:
        raise connect_timeout_error(params.ssid, params.connect_timeout)
    if result != 0:
        raise failed_error(params.ssid, "rpc_wifi_start_ap returned %d" % result)
    if dev._int_call(erpc.SVC_TCPIP, _TCPIP_DHCPS_START, 0) != 0:  # the AP's netif (see addr)
        raise failed_error(params.ssid, "the DHCP server did not start")
    dev._joined = params.ssid
    dev._rejoin_due = False


# -- scanning ------------------------------------------------------------------------------------


def scan_networks(dev):
    if dev._int_call(erpc.SVC_WIFI, _WIFI_SCAN_START, timeout_ms=_SCAN_S * 1000) < 0:
        raise error(EIO, "rpc_wifi_scan_start failed")
    wait(_scan_done, dev, None, deadline(_SCAN_S), "Wi-Fi scan")
    t = dev._t
    dev._enter()
    try:
        t.call(t.begin(erpc.SVC_WIFI, _WIFI_SCAN_COUNT), 0, None, 10)  # u16
        count = min(get_u16(t.rx, 8), 60)
    finally:
        t.leave()
    if not count:
        return []
    records = bytearray(count * erpc.SCAN_RECORD_SIZE)  # the reply's records come into it
    dev._enter()
    try:
        length = t.call(
            put_u16(t.tx, t.begin(erpc.SVC_WIFI, _WIFI_SCAN_RECORDS), count), 0, memoryview(records)
        )
        size = get_u32(t.rx, 8)
        if length < 16 or get_i32(t.rx, 12) < 0:
            raise error(EIO, "rpc_wifi_scan_get_ap_records failed")
        found = []
        for i in range(min(count, size // erpc.SCAN_RECORD_SIZE)):
            ssid, _bssid, rssi, security, channel = erpc.parse_scan_record(records, i * erpc.SCAN_RECORD_SIZE)
            found.append((ssid, rssi, channel, _encryption(security)))
    finally:
        t.leave()
    found.sort(key=lambda net: -net[1])
    return found


def _scan_done(dev, _arg):
    t = dev._t
    dev._enter()
    try:
        t.call(t.begin(erpc.SVC_WIFI, _WIFI_IS_SCANNING), 0, None, 9)  # bool
        return None if t.rx[8] else True
    finally:
        t.leave()


def _encryption(security):
    """A name for an RTW_SECURITY_* value (Realtek flag bits: WEP 1, WPA 0x200000,
    WPA2 0x400000, WPA3 0x800000)."""
    if security == 0:
        return "open"
    if security & 0x00800000:
        return "wpa3"
    if security & 0x00600000 == 0x00600000:
        return "wpa/wpa2"
    if security & 0x00400000:
        return "wpa2"
    if security & 0x00200000:
        return "wpa"
    if security & 1:
        return "wep"
    return "other"
