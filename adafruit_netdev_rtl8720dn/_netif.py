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

from adafruit_netdev import EIO, error, format_ipv4, load
from adafruit_netdev_rtl8720dn import codec

_DHCP_MS = const(30000)
_STA = const(0)  # netif 0: the station's (and the soft-AP's in AP mode)

# The calls only the radio sends, for codec.ints (``service << 8 | method``; docs/protocol-
# rtl8720dn.rst): private here, and their two builders below, rather than in codec.py, which
# every TCP client loads (a public name there costs its heap).
_WIFI_GET_AP_BSSID = const(0x0E0F)  # rpc_wifi_get_ap_bssid() -> (u8[6], i32)
_WIFI_GET_RSSI = const(0x0E13)  # rpc_wifi_get_rssi() -> (i32 rssi, i32)
_WIFI_GET_CHANNEL = const(0x0E15)  # rpc_wifi_get_channel() -> (i32 channel, i32)
_TCPIP_GET_DNS_INFO = const(0x0F0A)  # rpc_tcpip_adapter_get_dns_info(u32 netif, u32 type) -> (bin 4, i32)
_TCPIP_DHCPC_STOP = const(0x0F0E)  # rpc_tcpip_adapter_dhcpc_stop(u32 netif) -> i32
_SVC_TCPIP = const(15)
_TCPIP_SET_IP_INFO = const(8)
_TCPIP_SET_DNS_INFO = const(9)


def _set_ip_info(tx, ip, netmask, gateway):
    """rpc_tcpip_adapter_set_ip_info(u32 netif, binary ip_info: ip, netmask, gw) -> i32"""
    off = codec.put_u32(tx, codec.begin(tx, _SVC_TCPIP, _TCPIP_SET_IP_INFO), _STA)
    return codec.put_bin(tx, off, ip + netmask + gateway)


def _set_dns_info(tx, ip):
    """rpc_tcpip_adapter_set_dns_info(u32 netif, u32 type: 0 main, binary 4 bytes) -> i32"""
    off = codec.put_u32(tx, codec.put_u32(tx, codec.begin(tx, _SVC_TCPIP, _TCPIP_SET_DNS_INFO), _STA), 0)
    return codec.put_bin(tx, off, ip)


def firmware(dev):
    """The firmware's name for messages."""
    return "the RTL8720DN ambd firmware %s" % dev.firmware_version


# -- the driver: the only place this module reaches into it ---------------------------------------


def _call(dev, build, size=12, timeout_ms=0):
    """One call: ``build(tx)`` writes it with a codec builder and returns where it ends.
    Returns a copy of the reply body (at least ``size`` bytes)."""
    link = dev.link
    dev.claim()
    try:
        length = link.call(build(link.tx), timeout_ms, None, size)
        return bytes(link.rx[:length])
    finally:
        link.release()


def _joined(dev):
    """The SSID the driver joined (None when none), and the parameters it joined with."""
    return dev.joined, dev._params  # (Netlinker's parameters of the last join)


# -------------------------------------------------------------------------------------------------


def _result(dev, rx, what):
    result = codec.get_i32(rx, 8)
    if result != 0:
        raise error(EIO, "%s returned %d (%s)" % (what, result, firmware(dev)))


def ip_info(dev):
    """``[ip, netmask, gateway]`` of netif 0 as dotted strings."""
    rx = _call(dev, lambda tx: codec.ints(tx, codec.TCPIP_GET_IP_INFO, _STA), 28)
    if codec.get_u32(rx, 8) < 12:
        raise error(EIO, "malformed rpc_tcpip_adapter_get_ip_info reply (%s)" % firmware(dev))
    return [format_ipv4(rx[12 + 4 * i : 16 + 4 * i]) for i in range(3)]


def dns(dev):
    """lwIP's first DNS server (dns_getserver(0))."""
    rx = _call(dev, lambda tx: codec.ints(tx, _TCPIP_GET_DNS_INFO, _STA, 0), 20)
    if codec.get_u32(rx, 8) < 4:
        raise error(EIO, "malformed rpc_tcpip_adapter_get_dns_info reply (%s)" % firmware(dev))
    return format_ipv4(rx[12:16])


def set_dns(dev, raw):
    """lwIP's first DNS server (dns_setserver(0))."""
    rx = _call(dev, lambda tx: _set_dns_info(tx, raw))
    _result(dev, rx, "rpc_tcpip_adapter_set_dns_info")


def set_ip(dev, ip, netmask, gateway):
    """Stop the DHCP client, then set netif 0's address (netif_set_addr)."""
    stop_dhcp(dev)
    rx = _call(dev, lambda tx: _set_ip_info(tx, ip, netmask, gateway))
    _result(dev, rx, "rpc_tcpip_adapter_set_ip_info")


def start_dhcp(dev):
    """A DHCP exchange on netif 0 (blocks until it ends)."""
    rx = _call(dev, lambda tx: codec.ints(tx, codec.TCPIP_DHCPC_START, _STA), 12, _DHCP_MS)
    _result(dev, rx, "rpc_tcpip_adapter_dhcpc_start")


def stop_dhcp(dev):
    rx = _call(dev, lambda tx: codec.ints(tx, _TCPIP_DHCPC_STOP, _STA))
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


def scan(dev):
    """``[(ssid, bssid, rssi, channel, security), ...]``, strongest first (the association
    is kept): the driver's scan (_station)."""
    return load("adafruit_netdev_rtl8720dn._station").scan(dev)


def ap_info(dev):
    """``(ssid, bssid, rssi, channel, security)`` of the joined access point; the security
    is what the driver joined with."""
    name, params = _joined(dev)
    if name is None or params is None:
        return None
    bssid = _call(dev, lambda tx: codec.ints(tx, _WIFI_GET_AP_BSSID), 18)[8:14]  # u8[6], i32
    rssi = codec.get_i32(_call(dev, lambda tx: codec.ints(tx, _WIFI_GET_RSSI), 16), 8)  # i32, i32
    channel = codec.get_i32(_call(dev, lambda tx: codec.ints(tx, _WIFI_GET_CHANNEL), 16), 8)
    return name, bssid, rssi, channel, "open" if not params.passphrase else "wpa2"


def start_ap(dev, params):
    dev.net_connect(params)
