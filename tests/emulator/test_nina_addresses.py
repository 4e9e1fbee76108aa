# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The WiFiNINA driver's addresses across joins on each emulated firmware line: what
NINA-FW's WiFiClass keeps in ``_ipInfo`` between joins (arduino/libraries/WiFi/src/WiFi.cpp)
and what the driver does so that a program sees what CircuitPython's radio would
(docs/wifinina.rst)."""

import ipaddress

import pytest

from adafruit_netdev.radio import Radio
from tests.device_wifinina import wifinina_on

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize("persona", ["adafruit-1.7", "arduino-2.0", "adafruit-3.3"])
def test_each_join_takes_a_new_lease(lab, persona):
    """Adafruit 1.7.7 would keep a DHCP lease's address as a static one at the next join
    and give it to an access point (``begin``, ``AP_START``: ``_ipInfo.ip.addr``); the
    driver empties ``_ipInfo`` first (SET_IP_CONFIG 0.0.0.0), so every join asks DHCP, as
    on the other lines, and the access point has its own address."""
    world = lab.network()
    with wifinina_on(world, persona) as (_nina, dev):
        radio = Radio(dev)
        first = (radio.ipv4_address, radio.ipv4_subnet, radio.ipv4_gateway)
        assert first == tuple(ipaddress.ip_address(a) for a in (world.ip, world.netmask, world.gateway))
        world.netmask, world.gateway = "255.255.0.0", "127.0.0.9"  # another network's lease
        radio.disconnect()
        radio.connect("lab-ap", "lab-password")
        lease = (first[0], ipaddress.ip_address("255.255.0.0"), ipaddress.ip_address("127.0.0.9"))
        assert (radio.ipv4_address, radio.ipv4_subnet, radio.ipv4_gateway) == lease
        radio.start_ap("chip-ap", "chip-password")
        assert radio.ipv4_address_ap == ipaddress.ip_address("192.168.4.1")
        radio.stop_ap()
        radio.connect("lab-ap", "lab-password")
        assert (radio.ipv4_address, radio.ipv4_subnet, radio.ipv4_gateway) == lease
