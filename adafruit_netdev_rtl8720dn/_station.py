# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The RTL8720DN's Wi-Fi, but for the join itself (the driver's ``_link_join``): why a
join failed, the interface's address, switching between station and access-point mode,
leaving the network, the MAC address, the access point and the scan. Loaded on first use
(a client that joins once never holds it). Each function takes the driver as ``dev`` and
uses the interface of the driver's module docstring."""

from micropython import const

from adafruit_netdev import EIO, deadline, error, format_ipv4, wait
from adafruit_netdev.netlink import (
    AuthError,
    auth_error,
    connect_timeout_error,
    failed_error,
    no_network_error,
)
from adafruit_netdev_rtl8720dn import codec

_RTW_MODE_STA = const(1)  # codec.WIFI_ON's modes
_RTW_MODE_AP = const(2)
_RTW_TIMEOUT = const(2)  # rpc_wifi_connect / rpc_wifi_start_ap's RTW_TIMEOUT result
_AP_CHANNEL = const(6)
_AP_MS = const(25000)
_MODE_MS = const(5000)
_SCAN_S = const(15)
_SCAN_MAX = const(60)  # records asked for at most


# -- joining --------------------------------------------------------------------------------------


def join_error(dev, ssid, result, seconds):
    """The error for a join that ``rpc_wifi_connect`` failed with ``result``.

    The firmware tells why only through ``rpc_wifi_get_last_error``: the SDK's error_flag,
    set by its disconnect handler during the join (wifi_conf.c). The STA_DISCONNECTED event
    the join sends carries no reason (it is built before that handler runs, and is empty
    unless the chip still knows the access point); a later one might, so it is read too.
    error_flag is classified only for WPA2-AES and open joins, and a wrong passphrase on
    WPA2 is a 4-way handshake timeout far more often than a "wrong password"."""
    link = dev.link
    last = dev.locked_call(codec.WIFI_GET_LAST_ERROR)
    reason = link.disconnect_reason  # wifi_err_reason_t: 201-205, else 0
    link.log("join %r failed: result %d, last error %d, reason %d" % (ssid, result, last, reason))
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
    if result == _RTW_TIMEOUT:
        return connect_timeout_error(ssid, seconds)
    return failed_error(
        ssid,
        "the RTL8720DN does not say why (it tells only for WPA2-AES and open networks): "
        "a wrong passphrase, a security type the network does not use (WPA, WPA2, mixed, "
        "open), or an access point out of range or refusing the station",
    )


def addr(dev):
    """The driver's ``addr``: the interface's IPv4 address."""
    link = dev.link
    dev.claim()
    try:
        # netif 0: the station's, or the soft-AP's in AP mode (wlan0; only the STA+AP
        # mode, never used here, puts the AP on netif 1: docs/protocol-rtl8720dn.rst)
        link.call(codec.ints(link.tx, codec.TCPIP_GET_IP_INFO, 0), 0, None, 28)
        if codec.get_u32(link.rx, 8) < 4:
            raise link.fail("malformed rpc_tcpip_adapter_get_ip_info reply")
        return format_ipv4(link.rx[12:16])
    finally:
        link.release()


# -- the mode, leaving, the MAC address ------------------------------------------------------------


def switch_mode(dev, mode):
    """Wi-Fi off, then on in ``mode`` (station or access point): the association is gone."""
    dev.locked_call(codec.WIFI_OFF, None, _MODE_MS)
    dev.wifi_mode = 0
    if dev.locked_call(codec.WIFI_ON, mode, _MODE_MS) < 0:
        raise error(EIO, "rpc_wifi_on(%d) failed" % mode)
    dev.wifi_mode = mode
    dev.joined = None


def link_leave(dev):
    """Leave the network, or stop the access point (back to station mode)."""
    dev.joined = None
    if dev.wifi_mode == _RTW_MODE_AP:
        switch_mode(dev, _RTW_MODE_STA)
    else:
        dev.locked_call(codec.WIFI_DISCONNECT, None, _MODE_MS)


def hardware_addr(dev):
    """The station MAC address (6 bytes), asked once."""
    if dev.mac_cache is None:
        link = dev.link
        dev.claim()
        try:
            length = link.call(codec.ints(link.tx, codec.WIFI_GET_MAC))
            if length < 8 + 18 + 4 or codec.get_i32(link.rx, 26) != 0:
                raise error(EIO, "rpc_wifi_get_mac_address failed")
            try:
                dev.mac_cache = codec.parse_mac(link.rx, 8)
            except ValueError:
                raise error(EIO, "the firmware reported a malformed MAC address")
        finally:
            link.release()
    return dev.mac_cache


# -- the access point ----------------------------------------------------------------------------


def start_ap(dev, params):
    """The driver's join in ``CONNECT_MODE_AP``: an access point on channel 6, with DHCP."""
    link = dev.link
    switch_mode(dev, _RTW_MODE_AP)
    dev.claim()
    try:
        end = codec.wifi_start_ap(link.tx, params.ssid, params.passphrase, params.auth_type, _AP_CHANNEL)
        result = link.call_i32(end, _AP_MS)
    finally:
        link.release()
    if result == _RTW_TIMEOUT:
        raise connect_timeout_error(params.ssid, params.connect_timeout)
    if result != 0:
        raise failed_error(params.ssid, "rpc_wifi_start_ap returned %d" % result)
    if dev.locked_call(codec.TCPIP_DHCPS_START, 0) != 0:  # the AP's netif (see addr)
        raise failed_error(params.ssid, "the DHCP server did not start")
    dev.joined = params.ssid
    dev.rejoin_due = False


# -- scanning ------------------------------------------------------------------------------------


def scan_networks(dev):
    """The driver's ``scan_networks``: ``[(ssid, rssi, channel, encryption), ...]``."""
    return [(ssid, rssi, channel, encryption) for ssid, _bssid, rssi, channel, encryption in scan(dev)]


def scan(dev):
    """Start a scan, wait for its end, read the records: ``[(ssid, bssid, rssi, channel,
    encryption), ...]``, strongest first (also the radio's scan, adafruit_netdev.radio)."""
    if dev.locked_call(codec.WIFI_SCAN_START, None, _SCAN_S * 1000) < 0:
        raise error(EIO, "rpc_wifi_scan_start failed")
    wait(_scan_once, None, dev, deadline(_SCAN_S), "Wi-Fi scan")
    link = dev.link
    dev.claim()
    try:
        link.call(codec.ints(link.tx, codec.WIFI_SCAN_COUNT), 0, None, 10)  # u16
        count = min(codec.get_u16(link.rx, 8), _SCAN_MAX)
    finally:
        link.release()
    if not count:
        return []
    size = codec.SCAN_RECORD_SIZE
    records = bytearray(count * size)  # the reply's records come into it
    dev.claim()
    try:
        length = link.call(codec.wifi_scan_records(link.tx, count), 0, memoryview(records))
        got = codec.get_u32(link.rx, 8)
        if length < 16 or codec.get_i32(link.rx, 12) < 0:
            raise error(EIO, "rpc_wifi_scan_get_ap_records failed")
        found = []
        for i in range(min(count, got // size)):
            ssid, bssid, rssi, security, channel = codec.parse_scan_record(records, i * size)
            found.append((ssid, bssid, rssi, channel, _encryption(security)))
    finally:
        link.release()
    found.sort(key=lambda net: -net[2])
    return found


def _scan_once(_sock, dev):
    link = dev.link
    dev.claim()
    try:
        link.call(codec.ints(link.tx, codec.WIFI_IS_SCANNING), 0, None, 9)  # bool
        return None if link.rx[8] else True
    finally:
        link.release()


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
