# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The Wi-Fi interface calls of :class:`~adafruit_netdev_rtl8720dn.RTL8720DN` that only
:class:`adafruit_netdev.radio.Radio` makes: addresses, DNS, DHCP, the scan with BSSIDs,
the joined access point's details. The radio loads this module (it finds it by the
driver's package; a method on the driver class would cost every TCP client heap), so a
program without a radio never holds it. Each function takes the driver as ``dev``; the
interface is the same in every driver's ``_netif`` (docs/radio.rst, "Inside").

Facts from the firmware source (seeed-ambd-firmware src/wifi/wifi_tcpip_adapter.c;
docs/radio.rst, "RTL8720DN"): set_ip_info sets the netif's address (netif_set_addr),
set/get_dns_info are lwIP's dns_setserver/getserver, dhcpc_start runs a DHCP exchange and
blocks until it ends; set_hostname and get_hostname do nothing (their netif calls are
commented out), and the firmware has no ping call (Seeed's host library builds ICMP
echoes itself over raw lwIP sockets; this driver does not)."""

from micropython import const

import adafruit_netdev as nd
from adafruit_netdev import EIO, deadline, error, wait
from adafruit_netdev_rtl8720dn import erpc
from adafruit_netdev_rtl8720dn.erpc import get_i32, get_u16, get_u32, put_bin, put_u16, put_u32

_WIFI_GET_AP_BSSID = const(15)
_WIFI_GET_RSSI = const(19)
_WIFI_GET_CHANNEL = const(21)
_WIFI_SCAN_START = const(64)
_WIFI_IS_SCANNING = const(65)
_WIFI_SCAN_RECORDS = const(66)
_WIFI_SCAN_COUNT = const(67)
_TCPIP_GET_IP_INFO = const(7)
_TCPIP_SET_IP_INFO = const(8)
_TCPIP_SET_DNS_INFO = const(9)
_TCPIP_GET_DNS_INFO = const(10)
_TCPIP_DHCPC_START = const(13)
_TCPIP_DHCPC_STOP = const(14)
_DHCP_MS = const(30000)
_SCAN_S = const(15)


def firmware(dev):
    """The firmware's name for messages."""
    return "the RTL8720DN ambd firmware %s" % dev.firmware_version


def ip_info(dev):
    """``(ip, netmask, gateway)`` of netif 0 as dotted strings."""
    t = dev._t
    dev._enter()
    try:
        t.call(put_u32(t.tx, t.begin(erpc.SVC_TCPIP, _TCPIP_GET_IP_INFO), 0), 0, None, 28)
        if get_u32(t.rx, 8) < 12:
            raise t.fail("malformed rpc_tcpip_adapter_get_ip_info reply")
        return [nd.format_ipv4(t.rx[12 + 4 * i : 16 + 4 * i]) for i in range(3)]
    finally:
        t.leave()


def dns(dev):
    """lwIP's first DNS server."""
    t = dev._t
    dev._enter()
    try:
        off = put_u32(t.tx, put_u32(t.tx, t.begin(erpc.SVC_TCPIP, _TCPIP_GET_DNS_INFO), 0), 0)
        t.call(off, 0, None, 20)
        if get_u32(t.rx, 8) < 4:
            raise t.fail("malformed rpc_tcpip_adapter_get_dns_info reply")
        return nd.format_ipv4(t.rx[12:16])
    finally:
        t.leave()


def _checked(dev, result, what):
    if result != 0:
        raise error(EIO, "%s returned %d (%s)" % (what, result, firmware(dev)))


def set_dns(dev, raw):
    t = dev._t
    dev._enter()
    try:
        off = put_u32(t.tx, put_u32(t.tx, t.begin(erpc.SVC_TCPIP, _TCPIP_SET_DNS_INFO), 0), 0)
        t.call(put_bin(t.tx, off, raw))
        result = get_i32(t.rx, 8)
    finally:
        t.leave()
    _checked(dev, result, "rpc_tcpip_adapter_set_dns_info")


def set_ip(dev, ip, netmask, gateway):
    """Stop the DHCP client, then set netif 0's address (ip_info: ip, netmask, gateway)."""
    stop_dhcp(dev)
    t = dev._t
    dev._enter()
    try:
        off = put_u32(t.tx, t.begin(erpc.SVC_TCPIP, _TCPIP_SET_IP_INFO), 0)
        t.call(put_bin(t.tx, off, ip + netmask + gateway))
        result = get_i32(t.rx, 8)
    finally:
        t.leave()
    _checked(dev, result, "rpc_tcpip_adapter_set_ip_info")


def start_dhcp(dev):
    """A DHCP exchange on netif 0 (blocks until it ends)."""
    _checked(
        dev,
        dev._int_call(erpc.SVC_TCPIP, _TCPIP_DHCPC_START, 0, timeout_ms=_DHCP_MS),
        "rpc_tcpip_adapter_dhcpc_start",
    )


def stop_dhcp(dev):
    _checked(dev, dev._int_call(erpc.SVC_TCPIP, _TCPIP_DHCPC_STOP, 0), "rpc_tcpip_adapter_dhcpc_stop")


def set_hostname(dev, name):
    raise NotImplementedError(
        "hostname: %s ignores rpc_tcpip_adapter_set_hostname (its netif call is commented out)"
        % firmware(dev)
    )


def hostname(dev):
    raise NotImplementedError(
        "hostname: %s cannot report one (rpc_tcpip_adapter_get_hostname reads an unset pointer)"
        % firmware(dev)
    )


def mac_address_ap(dev):
    """The soft-AP uses the station's MAC (netif 0 in AP mode)."""
    return bytes(dev.hardware_addr())


def ssid(dev):
    return dev._joined


def ping(dev, ip, timeout):
    raise NotImplementedError(
        "ping: %s has no ping call (Seeed's host library pings through raw lwIP sockets, "
        "which this driver does not drive)" % firmware(dev)
    )


def _scan_done(dev, _arg):
    t = dev._t
    dev._enter()
    try:
        t.call(t.begin(erpc.SVC_WIFI, _WIFI_IS_SCANNING), 0, None, 9)  # bool
        return None if t.rx[8] else True
    finally:
        t.leave()


def _security(code):
    """A name for an RTW_SECURITY_* value (Realtek flag bits: WEP 1, WPA 0x200000, WPA2
    0x400000, WPA3 0x800000)."""
    if code == 0:
        return "open"
    names = [name for bit, name in ((0x200000, "wpa"), (0x400000, "wpa2"), (0x800000, "wpa3")) if code & bit]
    if names:
        return "/".join(names)
    return "wep" if code & 1 else "other"


def scan(dev):
    """``[(ssid, bssid, rssi, channel, security), ...]``, strongest first (the association
    is kept)."""
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
    records = bytearray(count * erpc.SCAN_RECORD_SIZE)
    dev._enter()
    try:
        length = t.call(
            put_u16(t.tx, t.begin(erpc.SVC_WIFI, _WIFI_SCAN_RECORDS), count), 0, memoryview(records)
        )
        size = get_u32(t.rx, 8)
        if length < 16 or get_i32(t.rx, 12) < 0:
            raise error(EIO, "rpc_wifi_scan_get_ap_records failed")
    finally:
        t.leave()
    found = []
    for i in range(min(count, size // erpc.SCAN_RECORD_SIZE)):
        name, bssid, rssi, security, channel = erpc.parse_scan_record(records, i * erpc.SCAN_RECORD_SIZE)
        found.append((name, bssid, rssi, channel, _security(security)))
    found.sort(key=lambda net: -net[2])
    return found


def ap_info(dev):
    """``(ssid, bssid, rssi, channel, security)`` of the joined access point."""
    name = dev._joined
    params = dev._params
    if name is None or params is None:
        return None
    t = dev._t
    dev._enter()
    try:
        t.call(t.begin(erpc.SVC_WIFI, _WIFI_GET_AP_BSSID), 0, None, 18)
        bssid = bytes(t.rx[8:14])
    finally:
        t.leave()
    rssi = _i32_pair(dev, _WIFI_GET_RSSI)
    channel = _i32_pair(dev, _WIFI_GET_CHANNEL)
    security = "open" if not params.passphrase else "wpa2"  # what the driver joined with
    return name, bssid, rssi, channel, security


def _i32_pair(dev, method):
    """A call whose reply is ``i32 value, i32 result``: the value."""
    t = dev._t
    dev._enter()
    try:
        t.call(t.begin(erpc.SVC_WIFI, method), 0, None, 16)
        return get_i32(t.rx, 8)
    finally:
        t.leave()


def start_ap(dev, params):
    dev.net_connect(params)
