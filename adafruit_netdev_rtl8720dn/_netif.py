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


# -- the driver's link: the only place this module reaches into the driver -----------------------


def _call(dev, service, method, put=None, size=12, timeout_ms=0, into=None):
    """One call: ``put(tx, off)`` writes its parameters and returns where they end. Returns a
    copy of the reply body (``into``: a memoryview the reply's first binary goes to)."""
    t = dev._t
    dev._enter()
    try:
        off = t.begin(service, method)
        if put is not None:
            off = put(t.tx, off)
        length = t.call(off, timeout_ms, into, size)
        return bytes(t.rx[:length])
    finally:
        t.leave()


def _joined(dev):
    """The SSID the driver joined (None when none), and the parameters it joined with."""
    return dev._joined, dev._params


# -------------------------------------------------------------------------------------------------


def _result(dev, rx, what, at=8):
    result = get_i32(rx, at)
    if result != 0:
        raise error(EIO, "%s returned %d (%s)" % (what, result, firmware(dev)))


def ip_info(dev):
    """``[ip, netmask, gateway]`` of netif 0 as dotted strings."""
    rx = _call(dev, erpc.SVC_TCPIP, _TCPIP_GET_IP_INFO, lambda tx, off: put_u32(tx, off, 0), 28)
    if get_u32(rx, 8) < 12:
        raise error(EIO, "malformed rpc_tcpip_adapter_get_ip_info reply (%s)" % firmware(dev))
    return [nd.format_ipv4(rx[12 + 4 * i : 16 + 4 * i]) for i in range(3)]


def dns(dev):
    """lwIP's first DNS server."""
    rx = _call(
        dev, erpc.SVC_TCPIP, _TCPIP_GET_DNS_INFO, lambda tx, off: put_u32(tx, put_u32(tx, off, 0), 0), 20
    )
    if get_u32(rx, 8) < 4:
        raise error(EIO, "malformed rpc_tcpip_adapter_get_dns_info reply (%s)" % firmware(dev))
    return nd.format_ipv4(rx[12:16])


def set_dns(dev, raw):
    """lwIP's first DNS server (dns_type 0, main)."""
    rx = _call(
        dev,
        erpc.SVC_TCPIP,
        _TCPIP_SET_DNS_INFO,
        lambda tx, off: put_bin(tx, put_u32(tx, put_u32(tx, off, 0), 0), raw),
    )
    _result(dev, rx, "rpc_tcpip_adapter_set_dns_info")


def set_ip(dev, ip, netmask, gateway):
    """Stop the DHCP client, then set netif 0's address (ip_info: ip, netmask, gateway)."""
    stop_dhcp(dev)
    info = ip + netmask + gateway
    rx = _call(
        dev, erpc.SVC_TCPIP, _TCPIP_SET_IP_INFO, lambda tx, off: put_bin(tx, put_u32(tx, off, 0), info)
    )
    _result(dev, rx, "rpc_tcpip_adapter_set_ip_info")


def start_dhcp(dev):
    """A DHCP exchange on netif 0 (blocks until it ends)."""
    rx = _call(
        dev, erpc.SVC_TCPIP, _TCPIP_DHCPC_START, lambda tx, off: put_u32(tx, off, 0), timeout_ms=_DHCP_MS
    )
    _result(dev, rx, "rpc_tcpip_adapter_dhcpc_start")


def stop_dhcp(dev):
    rx = _call(dev, erpc.SVC_TCPIP, _TCPIP_DHCPC_STOP, lambda tx, off: put_u32(tx, off, 0))
    _result(dev, rx, "rpc_tcpip_adapter_dhcpc_stop")


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
    return _joined(dev)[0]


def ping(dev, ip, timeout):
    raise NotImplementedError(
        "ping: %s has no ping call (Seeed's host library pings through raw lwIP sockets, "
        "which this driver does not drive)" % firmware(dev)
    )


def _scan_done(dev, _arg):
    return None if _call(dev, erpc.SVC_WIFI, _WIFI_IS_SCANNING, size=9)[8] else True  # bool


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
    rx = _call(dev, erpc.SVC_WIFI, _WIFI_SCAN_START, timeout_ms=_SCAN_S * 1000)
    if get_i32(rx, 8) < 0:
        raise error(EIO, "rpc_wifi_scan_start failed (%s)" % firmware(dev))
    wait(_scan_done, dev, None, deadline(_SCAN_S), "Wi-Fi scan")
    count = min(get_u16(_call(dev, erpc.SVC_WIFI, _WIFI_SCAN_COUNT, size=10), 8), 60)
    if not count:
        return []
    records = bytearray(count * erpc.SCAN_RECORD_SIZE)  # the reply's records come into it
    rx = _call(
        dev,
        erpc.SVC_WIFI,
        _WIFI_SCAN_RECORDS,
        lambda tx, off: put_u16(tx, off, count),
        into=memoryview(records),
    )
    if len(rx) < 16 or get_i32(rx, 12) < 0:
        raise error(EIO, "rpc_wifi_scan_get_ap_records failed (%s)" % firmware(dev))
    found = []
    for i in range(min(count, get_u32(rx, 8) // erpc.SCAN_RECORD_SIZE)):
        name, bssid, rssi, security, channel = erpc.parse_scan_record(records, i * erpc.SCAN_RECORD_SIZE)
        found.append((name, bssid, rssi, channel, _security(security)))
    found.sort(key=lambda net: -net[2])
    return found


def ap_info(dev):
    """``(ssid, bssid, rssi, channel, security)`` of the joined access point; the security
    is what the driver joined with."""
    name, params = _joined(dev)
    if name is None or params is None:
        return None
    bssid = _call(dev, erpc.SVC_WIFI, _WIFI_GET_AP_BSSID, size=18)[8:14]  # u8[6], i32
    rssi = get_i32(_call(dev, erpc.SVC_WIFI, _WIFI_GET_RSSI, size=16), 8)  # i32 value, i32
    channel = get_i32(_call(dev, erpc.SVC_WIFI, _WIFI_GET_CHANNEL, size=16), 8)
    return name, bssid, rssi, channel, "open" if not params.passphrase else "wpa2"


def start_ap(dev, params):
    dev.net_connect(params)
