# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The Wi-Fi interface calls of :class:`~adafruit_netdev.host.HostNetdev` for
:class:`adafruit_netdev.radio.Radio` (CPython only; loaded by ``dev.netif()``). The host's
network belongs to its operating system: this reads what the system has (Linux's
``/proc/net/route`` and ``/etc/resolv.conf``), pings with an ICMP socket, and refuses what
only the system may change (addresses, DNS, the host name) or what a computer's stack does
not offer a program (a scan, an access point). The interface is the same in every
driver's ``_netif`` (docs/radio.rst, "Inside")."""

import errno
import os
import socket
import struct
import time

from adafruit_netdev import format_ipv4

_NAME = "the host netdev"


def firmware(dev):
    """The netdev's name for messages."""
    return _NAME


def _refused(what):
    return NotImplementedError(
        "%s: %s cannot set it: the operating system owns its network (use the system's tools)" % (what, _NAME)
    )


def _routes():
    """``[(iface, destination, gateway, mask), ...]`` from Linux's /proc/net/route ([] else)."""
    try:
        with open("/proc/net/route") as f:
            lines = f.read().splitlines()[1:]
    except OSError:
        return []
    out = []
    for line in lines:
        parts = line.split()
        if len(parts) >= 8:
            out.append((parts[0],) + tuple(struct.pack("<I", int(parts[i], 16)) for i in (1, 2, 7)))
    return out


def ip_info(dev):
    """``(ip, netmask, gateway)``: the netdev's address, and the default route's gateway
    and its interface's netmask where the system says (else 0.0.0.0)."""
    mask = gateway = "0.0.0.0"
    routes = _routes()
    for iface, destination, via, _mask in routes:
        if destination == bytes(4):
            gateway = format_ipv4(via)
            for other, dest, _via, netmask in routes:
                if other == iface and dest != bytes(4):
                    mask = format_ipv4(netmask)
                    break
            break
    return [dev.addr(), mask, gateway]


def dns(dev):
    """The first ``nameserver`` of /etc/resolv.conf (0.0.0.0 when none)."""
    try:
        with open("/etc/resolv.conf") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[0] == "nameserver" and parts[1].count(".") == 3:
                    return parts[1]
    except OSError:
        pass
    return "0.0.0.0"


def set_dns(dev, raw):
    raise _refused("ipv4_dns")


def set_ip(dev, ip, netmask, gateway):
    raise _refused("set_ipv4_address")


def start_dhcp(dev):
    raise _refused("start_dhcp")


def stop_dhcp(dev):
    raise _refused("stop_dhcp")


def set_hostname(dev, name):
    raise _refused("hostname")


def hostname(dev):
    return socket.gethostname()


def mac_address_ap(dev):
    raise NotImplementedError("mac_address_ap: %s has no access point" % _NAME)


def ssid(dev):
    params = dev._params
    return None if params is None else params.ssid


def _checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def ping(dev, ip, timeout):
    """One ICMP echo to ``ip`` (4 bytes): the round trip in ms, or -1 when none came within
    ``timeout`` seconds. Needs an ICMP socket: root, or Linux's
    ``net.ipv4.ping_group_range`` including the user's group."""
    target = format_ipv4(ip)
    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)
        raw = False
    except OSError:
        try:
            sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
            raw = True
        except OSError as exc:
            raise OSError(
                errno.EPERM,
                "ping: %s needs an ICMP socket (root, or sysctl net.ipv4.ping_group_range "
                "including your group): %s" % (_NAME, exc),
            )
    with sock:
        ident = os.getpid() & 0xFFFF
        seq = int.from_bytes(os.urandom(2), "big")
        payload = b"adafruit_netdev!" * 2  # 32 bytes, as NINA-FW sends
        header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
        packet = struct.pack("!BBHHH", 8, 0, _checksum(header + payload), ident, seq) + payload
        start = time.perf_counter()
        limit = start + timeout
        sock.sendto(packet, (target, 0))
        while True:
            left = limit - time.perf_counter()
            if left <= 0:
                return -1
            sock.settimeout(left)
            try:
                data, peer = sock.recvfrom(1024)
            except socket.timeout:
                return -1
            if raw:
                data = data[(data[0] & 0x0F) * 4 :]  # past the IP header
            # (a datagram ICMP socket's kernel rewrites the identifier: match the sequence)
            if (
                peer[0] == target
                and len(data) >= 8
                and data[0] == 0
                and struct.unpack("!H", data[6:8])[0] == seq
            ):
                return int((time.perf_counter() - start) * 1000)


def scan(dev):
    raise NotImplementedError("start_scanning_networks: %s cannot scan" % _NAME)


def ap_info(dev):
    """None: the host netdev knows no access point."""
    return None


def start_ap(dev, params):
    raise NotImplementedError("start_ap: %s cannot run an access point" % _NAME)
