# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The Wi-Fi interface calls of :class:`~adafruit_netdev_wifinina.WiFiNINA` that only
:class:`adafruit_netdev.radio.Radio` makes: addresses, DNS, host name, ping, the scan with
BSSIDs, the joined access point's details. The radio loads this module (it finds it by the
driver's package; a method on the driver class would cost every TCP client heap), so a
program without a radio never holds it. Each function takes the driver as ``dev``; the
interface is the same in every driver's ``_netif`` (docs/radio.rst, "Inside").

Facts from the firmware source (docs/radio.rst, "NINA-FW"): SET_IP_CONFIG stops DHCP and
clears the DNS servers (WiFi.config); there is no command to start DHCP again, nor to read
the host name back (the firmware's default is "arduino-xxyy" from the last two MAC bytes,
arduino-esp32's "esp32-XXXXXX" from the last three on Adafruit 3.x); PING blocks the
co-processor for up to 5 s on a host that does not answer."""

from micropython import const

import adafruit_netdev as nd
from adafruit_netdev_wifinina import codec as c
from adafruit_netdev_wifinina.codec import CommandError

_SET_IP_CONFIG = const(0x14)
_SET_DNS_CONFIG = const(0x15)
_SET_HOSTNAME = const(0x16)
_GET_DNS_CONFIG = const(0x1E)
_GET_IPADDR = const(0x21)
_GET_CURR_SSID = const(0x23)
_GET_CURR_BSSID = const(0x24)
_GET_CURR_RSSI = const(0x25)
_GET_CURR_ENCT = const(0x26)
_GET_IDX_BSSID = const(0x3C)
_PING = const(0x3E)
_PING_MS = const(7000)  # the firmware's 5 s wait for an echo, and a margin
_QUICK_MS = const(2000)  # a reply to a command the firmware answers at once
_TTL = const(250)  # what Adafruit's ESP32SPI sends


def firmware(dev):
    """The firmware's name for messages."""
    return "NINA-FW %s" % dev.firmware_version


# -- the driver's exchange (its link: the interface of the driver module's docstring) -------------


def _exchange(dev, build, cmd, nparams=1, limit_ms=_QUICK_MS):
    """One command/reply exchange: ``build(buf)`` frames the command in the driver's command
    buffer (device lock held) and returns its length. Returns a copy of the reply frame."""
    dev.check()
    link = dev.link
    link.take(None)
    try:
        link.exchange(build(link.cmd), cmd, limit_ms, nparams)
        rep = link.rep
        return bytes(rep[: c.reply_size(rep, len(rep))])
    finally:
        link.release()


def _esp32_core(dev):
    """Adafruit NINA-FW 3.x (arduino-esp32): MACs in natural order, its own default names."""
    return dev.esp32_core


# -------------------------------------------------------------------------------------------------


def _query(dev, cmd, value=0xFF, nparams=1):
    return _exchange(dev, lambda buf: c.command(buf, cmd, value), cmd, nparams)


def _param(rep, index, size):
    at = c.param(rep, index)
    return rep[at : at + size]


def _mac(dev, raw):
    """6 bytes in natural order (firmware before 3.x sends them last octet first)."""
    return bytes(raw) if _esp32_core(dev) else bytes(raw[5 - i] for i in range(6))


def ip_info(dev):
    """``[ip, netmask, gateway]`` as dotted strings (GET_IPADDR's order)."""
    rep = _query(dev, _GET_IPADDR, 0xFF, 3)
    return [nd.format_ipv4(_param(rep, i, 4)) for i in range(3)]


def dns(dev):
    """The first DNS server (GET_DNS_CONFIG: Arduino 1.6.0+, Adafruit 2.0+)."""
    try:
        rep = _query(dev, _GET_DNS_CONFIG, None, 2)
    except CommandError:
        raise NotImplementedError(
            "ipv4_dns: %s has no GET_DNS_CONFIG (Arduino 1.6.0 and Adafruit 2.0 have)" % firmware(dev)
        )
    return nd.format_ipv4(_param(rep, 0, 4))


def _addresses(buf, cmd, raws):
    """SET_IP_CONFIG / SET_DNS_CONFIG: a count, then 4-byte addresses."""
    pos = c.put_byte(buf, c.begin(buf, cmd, 1 + len(raws)), len(raws))
    for raw in raws:
        pos = c.put_bytes(buf, pos, raw)
    return c.finish(buf, pos)


def set_dns(dev, raw):
    """SET_DNS_CONFIG with ``raw`` as the first server (0.0.0.0 leaves the second as it is)."""
    _exchange(dev, lambda buf: _addresses(buf, _SET_DNS_CONFIG, (raw, b"\0\0\0\0")), _SET_DNS_CONFIG)


def set_ip(dev, ip, netmask, gateway):
    """SET_IP_CONFIG: a static address now (and at every later join); stops DHCP and
    clears the DNS servers (WiFi.config). The firmware reads ip, gateway, mask."""
    _exchange(dev, lambda buf: _addresses(buf, _SET_IP_CONFIG, (ip, gateway, netmask)), _SET_IP_CONFIG)
    dev._static_ip = (ip, netmask, gateway)  # for ap_stopped (the firmware keeps it until reset)


def ap_stopped(dev):
    """After an access point stopped: SET_IP_CONFIG again with the last static address.
    AP_STOP zeroes ``WiFiClass::_ipInfo`` (<= 2.x, WiFi.cpp ``handleSystemEvent``), so the
    next join would take 0.0.0.0 (``_staticIp`` is still set) or, on Adafruit 1.7.7, DHCP;
    Adafruit 3.x's station keeps its own."""
    static = getattr(dev, "_static_ip", None)
    if static is not None and not _esp32_core(dev):
        set_ip(dev, *static)


def start_dhcp(dev):
    raise NotImplementedError(
        "start_dhcp: %s keeps a static address until it is reset (no command turns DHCP back on)"
        % firmware(dev)
    )


def stop_dhcp(dev):
    raise NotImplementedError(
        "stop_dhcp: %s stops DHCP only by setting an address: use set_ipv4_address()" % firmware(dev)
    )


def set_hostname(dev, name):
    """SET_HOSTNAME (the firmware keeps 32 bytes); used at the next join."""
    if len(name) > 32:
        raise ValueError("hostname: %s keeps at most 32 characters" % firmware(dev))
    _exchange(dev, lambda buf: c.string_command(buf, _SET_HOSTNAME, name), _SET_HOSTNAME)


def hostname(dev):
    """The firmware's default name (there is no command to read it back)."""
    mac = dev.hardware_addr()
    if _esp32_core(dev):  # arduino-esp32 (WiFiGeneric.cpp, get_esp_netif_hostname)
        return "esp32-%02X%02X%02X" % (mac[3], mac[4], mac[5])
    return "arduino-%02x%02x" % (mac[4], mac[5])  # WiFi.cpp, SYSTEM_EVENT_STA_START


def mac_address_ap(dev):
    """The soft-AP's MAC: NINA-FW reports the station's only (GET_MACADDR)."""
    raise NotImplementedError("mac_address_ap: %s reports only the station's MAC" % firmware(dev))


def ssid(dev):
    return dev.ssid


def _ping_command(buf, ip):
    pos = c.put_bytes(buf, c.begin(buf, _PING, 2), ip)
    return c.finish(buf, c.put_byte(buf, pos, _TTL))


def ping(dev, ip, timeout):
    """PING ``ip`` (4 bytes): the round trip in ms, or -1 when none came (the firmware
    waits up to 5 s whatever ``timeout`` is, holding the co-processor)."""
    rep = _exchange(dev, lambda buf: _ping_command(buf, ip), _PING, 1, _PING_MS)
    return c.int_le(rep, c.param(rep, 0), 2)


def _security(code):
    """GET_CURR_ENCT's code (the Arduino enum on every firmware line) as a name."""
    return {7: "open", 5: "wep", 2: "wpa", 4: "wpa2"}.get(code, "other")


def scan(dev):
    """``[(ssid, bssid, rssi, channel, security), ...]``: the driver's scan (it drops the
    association; the driver joins again), and each result's BSSID (GET_IDX_BSSID: the
    firmware keeps the results until the next scan, WiFi.cpp's _scanResults)."""
    found = []
    for i, (name, rssi, channel, security) in enumerate(dev.scan_networks()):
        bssid = _mac(dev, _param(_query(dev, _GET_IDX_BSSID, i), 0, 6))
        found.append((name, bssid, rssi, channel, security))
    return found


def ap_info(dev):
    """``(ssid, bssid, rssi, channel, security)`` of the joined access point; NINA-FW has
    no command for its channel (0)."""
    name = dev.ssid
    if not name:
        return None
    bssid = _mac(dev, _param(_query(dev, _GET_CURR_BSSID), 0, 6))
    rssi = c.int_le(_query(dev, _GET_CURR_RSSI), 4, 4)
    security = _security(_param(_query(dev, _GET_CURR_ENCT), 0, 1)[0])
    return name, bssid, rssi, 0, security


def start_ap(dev, params):
    dev.net_connect(params)
