# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""CircuitPython's ``wifi.radio`` (adafruit_netdev.radio.Radio) on every netdev, against the
emulated co-processors and the lab: the names, types and errors CircuitPython's
shared-bindings/wifi (Radio.c, Network.c, AuthMode.c) give, and a clear NotImplementedError
naming the firmware for what a firmware cannot do."""

import ipaddress
import pathlib
import re
import socket

import pytest

from adafruit_netdev.host import HostNetdev
from adafruit_netdev.radio import AuthMode, Network, Radio
from tests.device_wifinina import PERSONAS, wifinina_on

pytestmark = pytest.mark.timeout(120)

SSID, PASSWORD = "lab-ap", "lab-password"


def kind(dev):
    """ "wifinina", "rtl8720dn" or "host"."""
    if isinstance(dev, HostNetdev):
        return "host"
    return type(dev).__module__.split("_")[-1]


@pytest.fixture
def radio(dev):
    radio = Radio(dev)
    yield radio
    radio.stop_scanning_networks()
    if not radio.connected:  # a test that left the network: the next test expects it joined
        radio.stop_ap()
        radio.connect(SSID, PASSWORD)


def test_the_joined_station_as_circuitpython_reports_it(radio, dev):
    assert radio.connected is True
    assert radio.enabled is True
    address = radio.ipv4_address
    assert isinstance(address, ipaddress.IPv4Address)
    assert str(address) == dev.addr()
    assert radio.addresses == (str(address),)
    assert isinstance(radio.ipv4_subnet, ipaddress.IPv4Address)
    assert isinstance(radio.ipv4_gateway, ipaddress.IPv4Address)
    assert isinstance(radio.mac_address, bytes)
    assert radio.mac_address == bytes(dev.hardware_addr())
    assert len(radio.mac_address) == 6
    assert radio.ipv4_address_ap is None and radio.ap_active is False


def test_ap_info_names_the_joined_access_point(radio, dev, lab):
    info = radio.ap_info
    if kind(dev) == "host":
        assert info is None  # the host netdev knows no access point
        return
    ap = next(ap for ap in lab.network().visible_access_points() if ap.ssid == SSID)
    assert isinstance(info, Network)
    assert (info.ssid, info.bssid, info.rssi) == (SSID, ap.bssid, ap.rssi)
    assert info.authmode == [AuthMode.WPA2, AuthMode.PSK]
    assert info.country == ""
    # NINA-FW has no command for the joined channel (0); the RTL8720DN's rpc_wifi_get_channel
    assert info.channel == (0 if kind(dev) == "wifinina" else ap.channel)


def test_disconnect_then_connect_again(radio, dev):
    radio.disconnect()
    assert radio.connected is False
    assert (radio.ipv4_address, radio.ipv4_gateway, radio.ipv4_subnet, radio.ipv4_dns) == (None,) * 4
    assert radio.ap_info is None
    assert radio.addresses == ()
    radio.connect(SSID, PASSWORD, timeout=20)
    assert radio.connected is True
    assert str(radio.ipv4_address) == dev.addr()
    radio.connect(SSID.encode(), PASSWORD.encode())  # joined already: returns at once
    assert radio.connected is True


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("",), {}, "ssid length must be 1-32"),
        (("x" * 33,), {}, "ssid length must be 1-32"),
        ((SSID, "short"), {}, "password length must be 8-64"),
        ((SSID, PASSWORD), {"bssid": b"12345"}, "Invalid BSSID"),
    ],
)
def test_connect_checks_its_arguments_as_circuitpython_does(radio, args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        radio.connect(*args, **kwargs)
    assert radio.connected is True  # nothing was left


def test_connect_failures_are_circuitpythons_connection_errors(radio, dev):
    if kind(dev) == "host":
        pytest.skip("the host netdev is on the operating system's network: any SSID joins")
    radio.disconnect()
    with pytest.raises(ConnectionError, match="^Authentication failure$"):
        radio.connect(SSID, "not-the-password", timeout=10)
    assert radio.connected is False
    with pytest.raises(ConnectionError, match="^No network with that ssid$"):
        radio.connect("no-such-network", PASSWORD, timeout=10)
    assert radio.connected is False


def test_connect_to_a_bssid_names_the_firmware(radio, dev):
    with pytest.raises(NotImplementedError, match="connect.bssid") as info:
        radio.connect(SSID, PASSWORD, bssid=b"\x02\x00\x00\x00\x00\x01")
    assert firmware_name(dev) in str(info.value)


def firmware_name(dev):
    return {"wifinina": "NINA-FW", "rtl8720dn": "RTL8720DN", "host": "host netdev"}[kind(dev)]


# -- ping --------------------------------------------------------------------------------------


def test_ping_answers_in_seconds_or_none(radio, dev):
    if kind(dev) == "rtl8720dn":
        with pytest.raises(NotImplementedError, match="RTL8720DN.*no ping call"):
            radio.ping(radio.ipv4_gateway)
        return
    if kind(dev) == "host" and not _icmp_socket_available():
        pytest.skip("no ICMP socket for this user (not root, ping_group_range excludes it)")
    # (a generous timeout: the host's echo is real, and the machine may be busy)
    rtt = radio.ping(ipaddress.ip_address("127.0.0.1"), timeout=10)
    assert isinstance(rtt, float)
    assert 0 <= rtt <= 10
    if kind(dev) == "wifinina":
        # model time: the emulated firmware's echo takes 4 ms
        assert radio.ping("127.0.0.1") == 0.004
        assert radio.ping("127.0.0.1", timeout=None) == 0.004  # None: the 0.5 s default
        assert radio.ping("127.0.0.1", timeout=0.001) is None  # 4 ms: no answer in 1 ms
        # an address the emulated world cannot reach: the firmware's PING answers -1
        assert radio.ping("203.0.113.9", timeout=10) is None
    with pytest.raises(ValueError, match="ip must be an IPv4 address"):
        radio.ping("not-an-address")


def _icmp_socket_available():
    for kind_ in (socket.SOCK_DGRAM, socket.SOCK_RAW):
        try:
            socket.socket(socket.AF_INET, kind_, socket.IPPROTO_ICMP).close()
            return True
        except OSError:
            pass
    return False


# -- scanning ----------------------------------------------------------------------------------


def test_scan_yields_circuitpython_networks(radio, dev, lab):
    if kind(dev) == "host":
        with pytest.raises(NotImplementedError, match="host netdev cannot scan"):
            radio.start_scanning_networks()
        return
    with pytest.raises(ValueError, match="start_channel must be 1-14"):
        radio.start_scanning_networks(start_channel=0)
    scan = radio.start_scanning_networks()
    with pytest.raises(RuntimeError, match="Already scanning"):
        radio.start_scanning_networks()
    found = {net.ssid: net for net in scan}
    radio.stop_scanning_networks()
    expected = {ap.ssid: ap for ap in lab.network().visible_access_points()}
    assert set(found) == set(expected)
    for name, ap in expected.items():
        net = found[name]
        assert isinstance(net, Network)
        assert (net.bssid, net.rssi, net.channel) == (ap.bssid, ap.rssi, ap.channel)
        assert isinstance(net.bssid, bytes)
        assert net.authmode == ([AuthMode.OPEN] if ap.open else [AuthMode.WPA2, AuthMode.PSK])
    assert radio.connected is True  # NINA-FW's scan drops the association: the driver rejoined
    assert str(radio.ipv4_address) == dev.addr()
    again = list(radio.start_scanning_networks())  # stopped: a new scan may start
    radio.stop_scanning_networks()
    assert {net.ssid for net in again} == set(expected)


# -- addresses, DNS, DHCP ----------------------------------------------------------------------


def test_static_address_and_dns(radio, dev):
    if kind(dev) == "host":
        with pytest.raises(NotImplementedError, match="host netdev"):
            radio.set_ipv4_address(ipv4="127.0.0.1", netmask="255.0.0.0", gateway="127.0.0.1")
        with pytest.raises(NotImplementedError, match="host netdev"):
            radio.ipv4_dns = "127.0.0.1"
        nameserver = _first_nameserver()
        if nameserver:
            assert radio.ipv4_dns == ipaddress.ip_address(nameserver)
        return
    ip = radio.ipv4_address
    gateway = radio.ipv4_gateway
    subnet = radio.ipv4_subnet
    try:
        radio.set_ipv4_address(
            ipv4=ip,
            netmask=ipaddress.ip_address("255.255.255.0"),
            gateway=str(gateway),
            ipv4_dns="127.0.0.53",
        )
        assert radio.ipv4_address == ip
        assert radio.ipv4_subnet == ipaddress.ip_address("255.255.255.0")
        assert radio.ipv4_gateway == gateway
        if not _has_dns_config(dev):
            with pytest.raises(NotImplementedError, match="NINA-FW 1.7.7 has no GET_DNS_CONFIG"):
                radio.ipv4_dns  # noqa: B018
        else:
            assert radio.ipv4_dns == ipaddress.ip_address("127.0.0.53")
            assert radio.dns == ("127.0.0.53",)
            radio.ipv4_dns = "127.0.0.54"
            assert radio.ipv4_dns == ipaddress.ip_address("127.0.0.54")
        if kind(dev) == "wifinina" and _has_dns_config(dev):
            # SET_IP_CONFIG clears the DNS servers (WiFi.config: dns_clear_servers)
            radio.set_ipv4_address(ipv4=ip, netmask="255.255.255.0", gateway=gateway)
            assert radio.ipv4_dns is None
        with pytest.raises(ValueError, match="netmask must be an IPv4 address"):
            radio.set_ipv4_address(ipv4=ip, netmask="255.255.255", gateway=gateway)
    finally:
        if kind(dev) == "rtl8720dn":
            radio.start_dhcp()
        else:
            radio.set_ipv4_address(ipv4=ip, netmask=subnet, gateway=gateway, ipv4_dns=gateway)
    assert radio.ipv4_subnet == subnet


def _has_dns_config(dev):
    return kind(dev) != "wifinina" or dev.firmware_version != "1.7.7"


def _first_nameserver():
    """The system's first IPv4 name server, read independently of the netdev's reading."""
    try:
        text = pathlib.Path("/etc/resolv.conf").read_text()
    except OSError:
        return None
    found = re.search(r"^\s*nameserver\s+(\d+\.\d+\.\d+\.\d+)\s*$", text, re.M)
    return found.group(1) if found else None


def test_dhcp_again_after_a_static_address(radio, dev):
    if kind(dev) != "rtl8720dn":
        with pytest.raises(NotImplementedError, match=firmware_name(dev)):
            radio.start_dhcp()
        return
    subnet = radio.ipv4_subnet
    radio.set_ipv4_address(ipv4=radio.ipv4_address, netmask="255.255.255.128", gateway=radio.ipv4_gateway)
    assert radio.ipv4_subnet == ipaddress.ip_address("255.255.255.128")
    radio.start_dhcp()
    assert radio.ipv4_subnet == subnet  # the lease's again
    with pytest.raises(NotImplementedError, match="ipv6"):
        radio.start_dhcp(ipv6=True)


# -- host name, the rest of Radio -------------------------------------------------------------


def test_hostname(radio, dev):
    with pytest.raises(ValueError, match="invalid hostname"):
        radio.hostname = "not_valid!"
    with pytest.raises(ValueError, match="hostname length must be 1-253"):
        radio.hostname = ""
    if kind(dev) == "rtl8720dn":
        with pytest.raises(NotImplementedError, match="RTL8720DN.*cannot report"):
            radio.hostname  # noqa: B018
        with pytest.raises(NotImplementedError, match="RTL8720DN.*ignores"):
            radio.hostname = "wio-terminal"
        return
    if kind(dev) == "host":
        assert radio.hostname == socket.gethostname()
        with pytest.raises(NotImplementedError, match="host netdev"):
            radio.hostname = "pi"
        return
    mac = radio.mac_address
    if dev.firmware_version.startswith("3."):  # arduino-esp32's default
        assert radio.hostname == "esp32-%02X%02X%02X" % (mac[3], mac[4], mac[5])
    else:  # NINA-FW's WiFi.cpp
        assert radio.hostname == "arduino-%02x%02x" % (mac[4], mac[5])
    with pytest.raises(ValueError, match="NINA-FW .* at most 32"):
        radio.hostname = "a" * 33


@pytest.mark.parametrize("persona", PERSONAS)
def test_hostname_reaches_the_firmware_at_the_next_join(lab, persona):
    with wifinina_on(lab.network(), persona, join=False) as (nina, dev):
        radio = Radio(dev)
        radio.hostname = b"airlift-kitchen"
        assert radio.hostname == "airlift-kitchen"
        assert nina.firmware.hostname == b"airlift-kitchen"  # SET_HOSTNAME
        radio.connect(SSID, PASSWORD)
        assert radio.connected


def test_what_no_firmware_does_names_it(radio, dev):
    name = firmware_name(dev)
    for attribute in ("tx_power", "power_management", "stations_ap"):
        with pytest.raises(NotImplementedError, match=name):
            getattr(radio, attribute)
    with pytest.raises(NotImplementedError, match=name):
        radio.mac_address = b"\x02\x00\x00\x00\x00\x01"
    with pytest.raises(NotImplementedError, match=name):
        radio.set_ipv4_address_ap(ipv4="192.168.4.1", netmask="255.255.255.0", gateway="192.168.4.1")


# -- the access point ----------------------------------------------------------------------------


def test_access_point(radio, dev):
    with pytest.raises(ValueError, match="password length must be 8-63"):
        radio.start_ap("radio-ap", "short")
    with pytest.raises(ValueError, match="AuthMode.OPEN is not used with password"):
        radio.start_ap("radio-ap", "ap-password", authmode=(AuthMode.OPEN,))
    if kind(dev) == "host":
        with pytest.raises(NotImplementedError, match="host netdev cannot run an access point"):
            radio.start_ap("radio-ap", "ap-password")
        return
    radio.start_ap("radio-ap", "ap-password", channel=3)
    assert radio.ap_active is True
    assert radio.connected is False
    assert radio.ipv4_address is None
    assert isinstance(radio.ipv4_address_ap, ipaddress.IPv4Address)
    assert radio.addresses_ap == (str(radio.ipv4_address_ap),)
    radio.stop_ap()
    assert radio.ap_active is False
    radio.connect(SSID, PASSWORD)
    assert radio.connected is True


def test_a_static_address_outlives_the_access_point(radio, dev):
    """CircuitPython's station keeps set_ipv4_address's address while an access point
    starts and stops (ports/espressif/common-hal/wifi/Radio.c: the station's netif, the access
    point has its own). NINA-FW <= 2.x loses it when the access point stops (AP_STOP zeroes
    WiFiClass::_ipInfo: the next join gets 0.0.0.0, or DHCP on Adafruit 1.7.7): the radio
    sets it again."""
    if kind(dev) != "wifinina":
        pytest.skip("NINA-FW only: the host netdev has no access point, the RTL8720DN joins with DHCP")
    ip, gateway, subnet = radio.ipv4_address, radio.ipv4_gateway, radio.ipv4_subnet
    mask = ipaddress.ip_address("255.255.255.128")  # not the lease's: DHCP would show
    try:
        radio.set_ipv4_address(ipv4=ip, netmask=mask, gateway=gateway, ipv4_dns=gateway)
        radio.start_ap("radio-ap", "ap-password")
        radio.stop_ap()
        radio.connect(SSID, PASSWORD)
        assert (radio.ipv4_address, radio.ipv4_subnet, radio.ipv4_gateway) == (ip, mask, gateway)
        radio.start_ap("radio-ap", "ap-password")
        radio.start_ap("radio-ap", "ap-password")  # started again: the first one stops
        radio.connect(SSID, PASSWORD)  # straight from the access point
        assert (radio.ipv4_address, radio.ipv4_subnet, radio.ipv4_gateway) == (ip, mask, gateway)
    finally:
        radio.stop_ap()
        radio.set_ipv4_address(ipv4=ip, netmask=subnet, gateway=gateway, ipv4_dns=gateway)
        if not radio.connected:
            radio.connect(SSID, PASSWORD)
    assert radio.ipv4_subnet == subnet


@pytest.mark.parametrize(
    ("security", "modes"),
    [
        ("open", [AuthMode.OPEN]),
        ("wep", [AuthMode.WEP]),
        ("wpa", [AuthMode.WPA, AuthMode.PSK]),
        ("wpa2", [AuthMode.WPA2, AuthMode.PSK]),
        ("wpa/wpa2", [AuthMode.WPA, AuthMode.WPA2, AuthMode.PSK]),
        ("wpa2/wpa3", [AuthMode.WPA2, AuthMode.WPA3, AuthMode.PSK]),
        ("wpa3", [AuthMode.WPA3, AuthMode.PSK]),
        ("other", []),
    ],
)
def test_authmode_lists_as_circuitpython_builds_them(security, modes):
    # (ports/espressif/common-hal/wifi/Network.c: one AuthMode per bit, PSK with a passphrase)
    assert Network("n", bytes(6), -50, 1, security).authmode == modes
    assert repr(AuthMode.WPA2) == "wifi.AuthMode.WPA2"


def test_the_radio_of_the_bound_netdev_and_of_nothing_else(dev):
    import adafruit_netdev as nd  # noqa: PLC0415

    previous = nd._netdev
    nd.use_netdev(dev)
    try:
        assert Radio().netdev is dev
    finally:
        nd.use_netdev(previous)
    with pytest.raises(TypeError, match="Radio needs a WiFiNINA, RTL8720DN or HostNetdev"):
        Radio(object())
