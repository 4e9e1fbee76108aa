# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The WiFiNINA station's rarely run parts: why a join or a connect failed, the access point,
the scan, leaving, and the extras (address, SSID, MAC, RSSI, time). The driver's methods of
the same names hand over to these; loaded on first use, so that a TCP client does not keep
this code in RAM."""

from micropython import const

import adafruit_netdev as nd
from adafruit_netdev import error, timeout_error
from adafruit_netdev.netlink import (
    CONNECT_MODE_AP,
    auth_error,
    connect_timeout_error,
    failed_error,
    no_network_error,
)
from adafruit_netdev_wifinina import codec as c

_SCAN_MS = const(15000)
_AP_MS = const(15000)
_WL_DISCONNECTED = const(6)
_SLOW_CONNECT_MS = const(2500)  # a connect failing later than this was unanswered, not refused
_SET_IP_CONFIG = const(0x14)
_SET_AP_NET = const(0x18)
_SET_AP_PASSPHRASE = const(0x19)
_GET_CONN_STATUS = const(0x20)
_GET_IPADDR = const(0x21)
_GET_CURR_SSID = const(0x23)
_DISCONNECT = const(0x30)
_GET_MACADDR = const(0x22)
_GET_CURR_RSSI = const(0x25)
_SCAN_NETWORKS = const(0x27)
_GET_IDX_RSSI = const(0x32)
_GET_IDX_ENCT = const(0x33)
_GET_TIME = const(0x3B)
_GET_IDX_CHANNEL = const(0x3D)


# -- why a join or a connect failed --------------------------------------------------------------


def join_error(dev, params, status):
    """The error for a join that ended with ``status`` other than connected (None: no
    association within ``params.connect_timeout``)."""
    if status is None:
        # arduino-esp32 retries a refused passphrase for ever; its reason code says so
        if not dev.esp32_core or dev.reason() not in (15, 202, 204):
            return connect_timeout_error(params.ssid, params.connect_timeout)
        status = _WL_DISCONNECTED
    reason = dev.reason()
    if reason is None:  # Adafruit 1.x has no reason code: is the network there at all?
        for net in scan(dev):
            if net[0] == params.ssid:
                return auth_error(params.ssid)
        return no_network_error(params.ssid)
    if reason == 201:
        return no_network_error(params.ssid)
    if reason in (15, 202, 204):
        return auth_error(params.ssid)
    return failed_error(params.ssid, "status %d, reason %d" % (status, reason))


def connect_error(dev, tls, target, took):
    """The error for a START_CLIENT that answered "not connected" after ``took`` ms."""
    if not dev._link_up():  # (the Netlinker hook)
        return error(
            nd.EHOSTUNREACH,
            "connection to %s failed: the co-processor is not on a Wi-Fi network "
            "(lost or still joining)" % target,
        )
    if tls:
        return error(
            nd.ECONNREFUSED,
            "TLS connection to %s failed: refused, unreachable, its certificate not trusted "
            "for that name, or it requires a client certificate (SSLContext.load_cert_chain)" % target,
        )
    if took >= _SLOW_CONNECT_MS:
        return timeout_error("connection to %s: no answer within %d ms" % (target, took))
    return error(nd.ECONNREFUSED, "connection to %s refused" % target)


# -- the access point and the scan ---------------------------------------------------------------


def forget_lease(dev):
    """Before a join or an access point start on Adafruit 1.x, whose WiFiClass has no
    ``_staticIp`` (``arduino/libraries/WiFi/src/WiFi.cpp`` at 1.7.7): ``begin`` and
    ``AP_START`` take any address ``_ipInfo`` holds for a static one, and after a DHCP join
    that is the old lease (``STA_GOT_IP`` stores it; a disconnect leaves it): the next join
    would keep it without asking DHCP, on whatever network, and an access point would take
    it. SET_IP_CONFIG with 0.0.0.0 empties ``_ipInfo`` (``config`` applies it to the station:
    the last ``begin`` was the station's), so ``begin`` starts DHCP, whose lease also brings
    the DNS server ``config`` clears. Not with a static address (``_netif.set_ip``), nor after
    an access point (``config`` would re-address its interface; ``AP_STOP`` empties
    ``_ipInfo`` itself)."""
    if dev.mode == CONNECT_MODE_AP or getattr(dev, "_static_ip", None) is not None:
        return
    link = dev.link
    link.take(None)
    try:
        buf = link.cmd
        pos = c.put_byte(buf, c.begin(buf, _SET_IP_CONFIG, 4), 3)
        for _ in range(3):
            pos = c.put_bytes(buf, pos, b"\0\0\0\0")
        link.exchange(c.finish(buf, pos), _SET_IP_CONFIG, 2000, 1)
    finally:
        link.release()


def start_ap(dev, params, ssid, passphrase):
    """Start the access point ``params`` asks for (``ssid``, ``passphrase`` encoded)."""
    channel = getattr(params, "channel", 1) or 1  # always explicit: the firmware reads it
    if dev.close_when_full:  # Adafruit 1.x
        forget_lease(dev)
    link = dev.link
    link.take(None)
    try:
        if passphrase:
            length = c.pair_command(link.cmd, _SET_AP_PASSPHRASE, ssid, passphrase, channel)
            link.exchange(length, _SET_AP_PASSPHRASE, _AP_MS, 1)
        else:
            length = c.string_command(link.cmd, _SET_AP_NET, ssid, channel)
            link.exchange(length, _SET_AP_NET, _AP_MS, 1)
        ok = link.rep[4]
    finally:
        link.release()
    if ok != 1:
        raise failed_error(params.ssid, "the co-processor refused the access point settings")
    dev.mode = CONNECT_MODE_AP
    if not dev._link_up():
        status = link.call(_GET_CONN_STATUS)
        raise failed_error(params.ssid, "access point did not start (status %d)" % status)


def scan_networks(dev):
    """Scan, then rejoin the network the scan left."""
    dev.check()
    nets = scan(dev)
    if dev._connected and dev._params is not None and dev.mode != CONNECT_MODE_AP:
        dev._link_join(dev._params)  # (the Netlinker's record and hook)
    return nets


def scan(dev):
    """The access points in range: ``[(ssid, rssi, channel, encryption), ...]``."""
    link = dev.link
    link.take(None)
    try:
        link.send(c.command(link.cmd, _SCAN_NETWORKS), _SCAN_NETWORKS)
        found = _read_names(link, _SCAN_NETWORKS, _SCAN_MS)
    finally:
        link.release()
    nets = []
    for i, name in enumerate(found):
        rssi = c.int_le(link.query(_GET_IDX_RSSI, i), 4, 4)
        channel = link.call(_GET_IDX_CHANNEL, i)
        enc = link.call(_GET_IDX_ENCT, i)
        nets.append((name, rssi, channel, _encryption(dev, enc)))
    return nets


def _read_names(link, cmd, limit_ms):
    """The reply to ``cmd`` (sent, lock held) streamed as a list of strings of at most 32
    bytes: SCAN_NETWORKS's SSIDs (the link's exchange, read here: only the scan needs it)."""
    link.await_reply(cmd, limit_ms)
    rep = link.rep
    found = []
    try:
        with link.device as spi:
            link.select(cmd)
            spi.readinto(rep, end=3)
            if rep[0] != c.START:
                link.align(spi, rep, 3)
            if rep[0] != c.START or rep[1] != cmd | c.REPLY:
                c.check_reply(rep, 3, cmd)
            for _ in range(rep[2]):
                spi.readinto(rep, end=1)
                n = rep[0]
                if n > 32:
                    raise c.protocol_error(cmd, "an SSID of at most 32 bytes", "%d" % n)
                if n:
                    spi.readinto(rep, end=n)
                found.append(nd.decode_text(bytes(rep[:n])))
            spi.readinto(rep, end=1)
            c.check_end(rep, cmd)
    except c.ProtocolError as exc:
        link.mark_broken(exc)
        raise
    return found


def _encryption(dev, code):
    if dev.esp32_core:  # Adafruit 3.x: ESP-IDF wifi_auth_mode_t
        names = ("open", "wep", "wpa", "wpa2", "wpa/wpa2")
        return names[code] if code < 5 else "other"
    return {7: "open", 5: "wep", 2: "wpa", 4: "wpa2"}.get(code, "other")


# -- the extras ----------------------------------------------------------------------------------


def addr(dev):
    """The co-processor's IPv4 address."""
    dev.check()
    rep = dev.link.query(_GET_IPADDR, 0xFF, 3, 20)
    at = c.param(rep, 0)
    return nd.format_ipv4(rep[at : at + 4])


def ssid(dev):
    """The SSID of the network joined."""
    dev.check()
    rep = dev.link.query(_GET_CURR_SSID, 0xFF, 1, 40)
    at = c.param(rep, 0)
    return nd.decode_text(rep[at : at + c.param_len(rep, at)])


def _link_leave(dev):
    """DISCONNECT (unless the link is out of step: the recovery's reset leaves anyway)."""
    if dev.link.broken is None:
        dev.link.call(_DISCONNECT, 0xFF)


def hardware_addr(dev):
    """The MAC address, first octet first."""
    dev.check()
    rep = dev.link.query(_GET_MACADDR, 0xFF, 1, 12)
    at = c.param(rep, 0)
    mac = rep[at : at + 6]
    return mac if dev.esp32_core else bytes(mac[5 - i] for i in range(6))


def rssi(dev):
    """The joined network's signal strength in dBm."""
    dev.check()
    return c.int_le(dev.link.query(_GET_CURR_RSSI, 0xFF), 4, 4)


def get_time(dev):
    """Seconds since 1970 from the co-processor's SNTP client."""
    dev.check()
    rep = dev.link.query(_GET_TIME, None, 1, 16)
    return c.uint_le(rep, 4, rep[3])  # 4 bytes, 8 on Adafruit 3.x
