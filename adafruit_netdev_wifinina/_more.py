# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The parts of :class:`~adafruit_netdev_wifinina.WiFiNINA` a TCP client never runs:
listening and accepting, UDP, the access point and the scan, the extras (MAC, RSSI, time),
why a connect failed, and waiting while another call's blocking command holds the
co-processor. They load on first use (the driver's methods of the same names call them),
so that a program that only dials does not keep their bytecode in RAM. Each function
takes the driver as ``dev``."""

import errno

from adafruit_ticks import ticks_diff, ticks_ms
from micropython import const

import adafruit_netdev as nd
from adafruit_netdev import EIO, error, timeout_error, wait
from adafruit_netdev.netlink import CONNECT_MODE_AP, failed_error
from adafruit_netdev_wifinina import _Sock
from adafruit_netdev_wifinina import codec as c
from adafruit_netdev_wifinina.codec import ProtocolError

_SCAN_MS = const(15000)
_AP_MS = const(15000)
_MAX_DATAGRAM = const(1460)  # the firmware's UDP transmit buffer (Adafruit 3.x flushes at 1460)
_NONE = const(255)
_EMSGSIZE = getattr(errno, "EMSGSIZE", 90)
_DESTADDRREQ = getattr(errno, "EDESTADDRREQ", 89)

# NINA-FW opcodes only this module uses (docs/protocol-nina.rst, Commands; names follow the firmware's
# CommandHandler), private so that MicroPython folds them into the bytecode. Those that the
# driver or the codec need too are public in codec.py (c.START_SERVER_TCP, c.STOP_CLIENT_TCP, ...).
_SET_AP_NET = const(0x18)
_SET_AP_PASSPHRASE = const(0x19)
_SCAN_NETWORKS = const(0x27)
_GET_STATE_TCP = const(0x29)
_GET_DATA_TCP = const(0x2C)
_GET_IDX_RSSI = const(0x32)
_GET_IDX_ENCT = const(0x33)
_SEND_DATA_UDP = const(0x39)
_GET_REMOTE_DATA = const(0x3A)
_GET_IDX_CHANNEL = const(0x3D)
_INSERT_DATABUF = const(0x46)
_MODE_UDP = const(1)  # START_CLIENT_TCP / START_SERVER_TCP's protocol mode (docs/protocol-nina.rst, Codes)
_GET_MACADDR = const(0x22)
_GET_CURR_RSSI = const(0x25)
_GET_TIME = const(0x3B)
_SLOW_CONNECT_MS = const(2500)  # a connect failing later than this was unanswered, not refused


# -- servers -------------------------------------------------------------------------------------


def bind(dev, fd, address):
    ip, port = nd.check_address(address)
    dev._check()
    sock = dev._get(fd)
    if sock.slot >= 0 or sock.port >= 0:
        raise error(nd.EINVAL, "socket already bound")
    if sock.proto == nd.IPPROTO_UDP:
        udp_bind(dev, sock, port)
    sock.port = port


def udp_bind(dev, sock, port):
    with dev._seq:
        slot = dev._claim()
        if _start_server(dev, port, slot, _MODE_UDP) != 1:
            raise error(nd.EADDRINUSE, "co-processor could not bind UDP port %d (in use?)" % port)
        sock.slot = slot
        sock.gen = dev._gen


def listen(dev, fd, backlog):
    dev._check()
    sock = dev._get(fd)
    if sock.proto != nd.IPPROTO_TCP:
        raise error(nd.EOPNOTSUPP, "listen needs a TCP socket")
    if sock.listening:
        return
    port = sock.port
    if port <= 0 or sock.slot >= 0:
        raise error(nd.EINVAL, "bind a port (not 0: NINA-FW cannot report it) before listen")
    with dev._seq:
        slot = _idle_listener(dev, port)
        if slot < 0:
            slot = dev._claim()
            # Adafruit 1.x answers START_SERVER with 1 even when its bind failed: only
            # GET_STATE_TCP tells (and the slot it took must be given back)
            if _start_server(dev, port, slot, c.MODE_TCP) != 1 or dev._call(_GET_STATE_TCP, slot) != 1:
                dev._call(c.STOP_CLIENT_TCP, slot)
                raise error(nd.EADDRINUSE, "co-processor could not listen on port %d (in use?)" % port)
        sock.slot = slot
        sock.gen = dev._gen
        sock.listening = True


def _start_server(dev, port, slot, mode):
    dev._take(None)
    try:
        dev._transact(c.start_server(dev._cmd, port, slot, mode), c.START_SERVER_TCP, nparams=1)
        return dev._rep[4]
    finally:
        dev._lock.release()


def _avail(dev, slot, accept):
    """AVAIL_DATA_TCP: a byte count, or on a server the slot of a client (255: none)."""
    dev._take(None)
    try:
        dev._transact(c.avail_request(dev._cmd, slot, accept), c.AVAIL_DATA_TCP, nparams=1)
        return c.uint_le(dev._rep, 4, 2)
    finally:
        dev._lock.release()


def _idle_listener(dev, port):
    """The slot of a closed listener on ``port`` still running in the firmware, with the
    connections that queued while nobody listened turned away; -1 if none (seq lock held)."""
    slot = dev._idle.pop(port, -1) if dev._idle_gen == dev._gen else -1
    if slot < 0:
        return -1
    if dev._call(_GET_STATE_TCP, slot) != 1:
        dev._call(c.STOP_CLIENT_TCP, slot)
        return -1
    if dev._accept_flag:
        slots = len(dev._fds)  # the firmware's slot numbers
        for _ in range(slots):
            stale = _avail(dev, slot, 1)
            if stale >= slots or stale == slot:
                break
            dev._call(c.STOP_CLIENT_TCP, stale)
    return slot


def accept(dev, fd, deadline):
    dev._check()
    sock = dev._get(fd)
    if not sock.listening:
        raise error(nd.EINVAL, "accept needs a listening socket")
    return wait(_accept_attempt, dev, sock, deadline, "accept")


def _accept_attempt(dev, sock):
    if dev._busy():
        return None  # the co-processor works on a connect or DNS lookup: look again later
    fds = dev._fds
    new = -1
    for i in range(dev.max_sockets):
        if fds[i] is None:
            new = i
            break
    if new < 0:
        raise error(nd.ENOMEM, "every fd is open: close one to accept another client")
    with dev._seq:  # with the accept flag the firmware claims a slot itself
        server = sock.slot  # (before closed: close() sets closed, then the slot to -1)
        if sock.closed:  # (a new socket may have its fd by now)
            raise error(nd.EBADF, "the listener was closed (by another thread) while accept waited")
        if server < 0 or sock.gen != dev._gen:
            raise error(nd.ECONNRESET, "listener lost: the co-processor was reset")
        client = _avail(dev, server, dev._accept_flag)
        if client in (_NONE, server):
            return None
        if client >= len(fds):
            raise dev._fault("AVAIL_DATA on a server returned slot %d" % client)
        for other in fds:
            if other is not None and other.slot == client and other.gen == dev._gen:
                return None  # "available" semantics report an owned client again
        conn = _Sock(nd.IPPROTO_TCP, dev._gen)
        conn.slot = client
        fds[new] = conn
    rep = dev._query(_GET_REMOTE_DATA, client, 2, 12)
    return new, (nd.format_ipv4(rep[4:8]), c.port_be(rep, 9))


# -- connections ---------------------------------------------------------------------------------


def peek(dev, slot):
    """GET_DATA_TCP with its peek flag, before the driver asks a TCP slot's state (seq lock
    held): Adafruit 1.x's GET_CLIENT_STATE never sees a connection end (its
    WiFiClient::connected only asks FIONREAD), but its peek is a recv that closes the socket
    at the end of the stream or after an error (a reset; a connection lwIP aborted when the
    Wi-Fi went). The state asked next then says 0. A byte that arrived meanwhile is only
    peeked at, and stays to be read."""
    dev._take(None)
    try:
        cmd = dev._cmd
        pos = c.put_byte(cmd, c.put_byte(cmd, c.begin(cmd, _GET_DATA_TCP, 2), slot), 1)
        dev._transact(c.finish(cmd, pos), _GET_DATA_TCP, nparams=1)
    finally:
        dev._lock.release()


# -- TLS -----------------------------------------------------------------------------------------


def drop_held(dev, sock, exc, limit_ms):
    """``send`` failed with ``exc`` while the firmware (<= 2.x) held a TLS record of it. When
    the bound for that record passed, the session is stuck behind a peer that takes nothing
    (and any other bytes written now would be answered for that record): the connection is
    closed, as Adafruit 3.x's firmware closes one after 30 s. Returns the error to report."""
    sock.held = None
    if exc.args[0] not in (nd.ETIMEDOUT, nd.EAGAIN):
        return exc  # the connection or the link failed meanwhile: nothing is held any more
    if sock.slot >= 0 and sock.gen == dev._gen and dev._broken is None:
        dev._call(c.STOP_CLIENT_TCP, sock.slot)
    sock.slot = -1
    sock.eof = True
    return timeout_error(
        "send: the TLS peer took no data for %d s; the connection is closed" % (limit_ms // 1000)
    )


# -- UDP -----------------------------------------------------------------------------------------


def send_datagram(dev, sock, buf, size):
    if sock.peer is None:
        raise error(_DESTADDRREQ, "UDP socket has no peer: connect it first")
    if size > _MAX_DATAGRAM:
        raise error(
            _EMSGSIZE, "datagram of %d bytes too long (NINA-FW sends at most %d)" % (size, _MAX_DATAGRAM)
        )
    slot = dev._live(sock)
    # START_CLIENT empties the firmware's transmit buffer and sets the destination;
    # SEND_DATA_UDP does not empty it, so every datagram starts here.
    dev._take(None)
    try:
        length = c.start_client(dev._cmd, "", sock.peer, sock.peer_port, slot, mode=_MODE_UDP)
        dev._transact(length, c.START_CLIENT_TCP)
        ok = dev._rep[2] == 1 and dev._rep[4] == 1
    finally:
        dev._lock.release()
    if not ok:
        raise error(EIO, "co-processor refused the UDP destination")
    if size:
        dev._take(None)
        try:
            dev._send_data(_INSERT_DATABUF, slot, buf, 0, size)
            dev._receive(_INSERT_DATABUF, nparams=1)
            ok = dev._rep[4] == 1
        finally:
            dev._lock.release()
        if not ok:
            raise error(EIO, "co-processor did not take the datagram's %d bytes" % size)
    if dev._call(_SEND_DATA_UDP, slot) != 1:
        raise error(EIO, "co-processor could not send the datagram")
    return size


# -- the access point and the scan ---------------------------------------------------------------


def start_ap(dev, params, ssid, passphrase):
    channel = getattr(params, "channel", 1) or 1  # always explicit: the firmware reads it
    dev._take(None)
    try:
        if passphrase:
            length = c.pair_command(dev._cmd, _SET_AP_PASSPHRASE, ssid, passphrase, channel)
            dev._transact(length, _SET_AP_PASSPHRASE, _AP_MS, 1)
        else:
            length = c.string_command(dev._cmd, _SET_AP_NET, ssid, channel)
            dev._transact(length, _SET_AP_NET, _AP_MS, 1)
        ok = dev._rep[4]
    finally:
        dev._lock.release()
    if ok != 1:
        raise failed_error(params.ssid, "the co-processor refused the access point settings")
    dev._mode = CONNECT_MODE_AP
    if not dev._link_up():
        raise failed_error(params.ssid, "access point did not start (status %d)" % dev._status())


def scan_networks(dev):
    dev._check()
    nets = scan(dev)
    if dev._connected and dev._params is not None and dev._mode != CONNECT_MODE_AP:
        dev._join(dev._params)
    return nets


def scan(dev):
    """The access points in range: ``[(ssid, rssi, channel, encryption), ...]``."""
    found = []
    dev._take(None)
    try:
        dev._send(c.command(dev._cmd, _SCAN_NETWORKS), _SCAN_NETWORKS)
        dev._await_reply(_SCAN_NETWORKS, _SCAN_MS)
        rep = dev._rep
        try:
            with dev._device as spi:
                dev._select(_SCAN_NETWORKS)
                spi.readinto(rep, end=3)
                if rep[0] != c.START:
                    dev._align(spi, rep, 3)
                if rep[0] != c.START or rep[1] != _SCAN_NETWORKS | c.REPLY:
                    c.check_reply(rep, 3, _SCAN_NETWORKS)
                for _ in range(rep[2]):
                    spi.readinto(rep, end=1)
                    n = rep[0]
                    if n > 32:
                        raise c.protocol_error(_SCAN_NETWORKS, "an SSID of at most 32 bytes", "%d" % n)
                    if n:
                        spi.readinto(rep, end=n)
                    found.append(nd.decode_text(bytes(rep[:n])))
                spi.readinto(rep, end=1)
                c.check_end(rep, _SCAN_NETWORKS)
        except ProtocolError as exc:
            dev._mark_broken(exc)
            raise
    finally:
        dev._lock.release()
    nets = []
    for i, name in enumerate(found):
        rssi = c.int_le(dev._query(_GET_IDX_RSSI, i), 4, 4)
        channel = dev._call(_GET_IDX_CHANNEL, i)
        enc = dev._call(_GET_IDX_ENCT, i)
        nets.append((name, rssi, channel, _encryption(dev, enc)))
    return nets


def _encryption(dev, code):
    if dev._esp32_core:  # Adafruit 3.x: ESP-IDF wifi_auth_mode_t
        names = ("open", "wep", "wpa", "wpa2", "wpa/wpa2")
        return names[code] if code < 5 else "other"
    return {7: "open", 5: "wep", 2: "wpa", 4: "wpa2"}.get(code, "other")


# -- the extras, why a connect failed, a co-processor held by another call ------------------------


def hardware_addr(dev):
    dev._check()
    rep = dev._query(_GET_MACADDR, 0xFF, 1, 12)
    at = c.param(rep, 0)
    mac = rep[at : at + 6]
    return mac if dev._esp32_core else bytes(mac[5 - i] for i in range(6))


def rssi(dev):
    dev._check()
    return c.int_le(dev._query(_GET_CURR_RSSI, 0xFF), 4, 4)


def get_time(dev):
    dev._check()
    rep = dev._query(_GET_TIME, None, 1, 16)
    return c.uint_le(rep, 4, rep[3])  # 4 bytes, 8 on Adafruit 3.x


def connect_error(dev, tls, target, took):
    """The error for a START_CLIENT that answered "not connected" after ``took`` ms."""
    if not dev._link_up():
        return error(
            nd.EHOSTUNREACH,
            "connection to %s failed: the co-processor is not on a Wi-Fi network "
            "(lost or still joining)" % target,
        )
    if tls:
        return error(
            nd.ECONNREFUSED,
            "TLS connection to %s failed: refused, unreachable, or its certificate "
            "is not trusted for that name" % target,
        )
    if took >= _SLOW_CONNECT_MS:
        return timeout_error("connection to %s: no answer within %d ms" % (target, took))
    return error(nd.ECONNREFUSED, "connection to %s refused" % target)


def free_attempt(dev, _arg):
    """(An attempt of ``dev._take``.) True once no other call's blocking command holds
    the co-processor (an owed reply is collected then, and it is a link fault when it did
    not come within its limit); None while one does."""
    if dev._busy() and (dev._waiter or ticks_diff(dev._pending_until, ticks_ms()) >= 0):
        return None
    with dev._lock:
        dev._settle()
    return True
