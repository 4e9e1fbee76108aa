# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Netlinker on the RTL8720DN: joining, refusals, events, leaving, the watchdog, AP mode,
scanning and the firmware check, against the emulated ambd firmware."""

import errno
import threading

import pytest

import adafruit_netdev as nd
from adafruit_netdev import netlink
from adafruit_netdev.netlink import ConnectParams
from adafruit_netdev_rtl8720dn import RTL8720DN
from tests.conftest import echo_once
from tests.rtl8720dn.conftest import LAB_AP, radio

pytestmark = pytest.mark.timeout(120)


class Events:
    """Collects net_notify events; wait_for blocks (bounded) until one is seen."""

    def __init__(self):
        self.seen = []
        self._cond = threading.Condition()

    def __call__(self, event):
        with self._cond:
            self.seen.append(event)
            self._cond.notify_all()

    def wait_for(self, event, count=1, timeout=20):
        with self._cond:
            ok = self._cond.wait_for(lambda: self.seen.count(event) >= count, timeout)
        assert ok, "event %r not seen %d time(s) within %ss: %r" % (event, count, timeout, self.seen)


def test_join_with_the_right_passphrase(world, lab):
    events = Events()
    with radio(world, join=False) as (_rtl, dev, _uart):
        assert dev.firmware_version == "2.1.3"
        dev.net_notify(events)
        dev.net_connect(LAB_AP)
        assert dev.connected
        assert events.seen == [netlink.EVENT_NET_UP]
        ip = dev.addr()
        assert nd.parse_ipv4(ip) is not None and ip != "0.0.0.0"
        mac = dev.hardware_addr()
        assert isinstance(mac, bytes) and len(mac) == 6
        echo_once(dev, lab)


def test_wrong_passphrase_is_an_auth_error_at_once(world):
    with radio(world, join=False) as (_rtl, dev, _uart):
        attempts = count_attempts(dev)
        with pytest.raises(netlink.AuthError) as info:
            dev.net_connect(ConnectParams("lab-ap", "not-the-password", retries=0, connect_timeout=5))
        assert info.value.args[0] == errno.EACCES
        assert attempts == [1]  # retries=0 would retry forever: an auth failure is final
        assert not dev.connected
        dev.net_connect(LAB_AP)  # and the right one still works
        assert dev.connected


def count_attempts(dev):
    """Counts join attempts by wrapping the driver's join hook on this instance."""
    attempts = [0]
    join = dev._link_join

    def counted(params):
        attempts[0] += 1
        return join(params)

    dev._link_join = counted
    return attempts


def test_unknown_ssid_retries_then_fails(world):
    with radio(world, join=False) as (_rtl, dev, _uart):
        attempts = count_attempts(dev)
        with pytest.raises(netlink.ConnectError) as info:
            dev.net_connect(ConnectParams("no-such-ap", "whatever-pass", retries=3, connect_timeout=5))
        assert not isinstance(info.value, netlink.AuthError)
        assert info.value.args[0] in (errno.EHOSTUNREACH, errno.ETIMEDOUT)
        assert attempts == [3]
        assert "no-such-ap" in str(info.value)


def test_open_network(world, lab):
    with radio(world, join=False) as (_rtl, dev, _uart):
        dev.net_connect(ConnectParams("lab-open", ""))
        echo_once(dev, lab)


def test_disconnect_fires_down_and_rejoin_works(world, lab):
    events = Events()
    with radio(world, join=False) as (_rtl, dev, _uart):
        dev.net_notify(events)
        dev.net_connect(LAB_AP)
        dev.net_disconnect()
        assert events.seen == [netlink.EVENT_NET_UP, netlink.EVENT_NET_DOWN]
        assert not dev.connected and not dev._link_up()
        dev.net_disconnect()  # a no-op
        assert events.seen == [netlink.EVENT_NET_UP, netlink.EVENT_NET_DOWN]
        dev.net_connect(LAB_AP)
        echo_once(dev, lab)


def test_watchdog_reconnects_after_the_access_point_comes_back(world, lab):
    events = Events()
    with radio(world, join=False) as (_rtl, dev, _uart):
        dev.net_notify(events)
        dev.net_connect(ConnectParams("lab-ap", "lab-password", connect_timeout=2, watchdog_timeout=0.2))
        events.wait_for(netlink.EVENT_NET_UP)
        world.drop_access_point("lab-ap")
        events.wait_for(netlink.EVENT_NET_DOWN)
        world.restore_access_point("lab-ap")
        events.wait_for(netlink.EVENT_NET_UP, count=2)
        assert events.seen.count(netlink.EVENT_NET_DOWN) == 1
        echo_once(dev, lab)


def test_scan_finds_the_lab_access_points(world):
    with radio(world, join=False) as (_rtl, dev, _uart):
        found = dev.scan_networks()
        names = [net[0] for net in found]
        assert "lab-ap" in names and "lab-open" in names
        by_name = {net[0]: net for net in found}
        assert by_name["lab-open"][3] == "open"
        assert by_name["lab-ap"][3] in ("wpa2", "wpa/wpa2")
        rssis = [net[1] for net in found]
        assert rssis == sorted(rssis, reverse=True)


def test_access_point_mode(world):
    """In AP mode the soft-AP is the firmware's netif 0 (wlan0; netif 1 only beside a
    station): the driver reads its address and starts its DHCP server there."""
    with radio(world, join=False) as (rtl, dev, _uart):
        dev.net_connect(ConnectParams("wio-ap", "wio-password", connect_mode=netlink.CONNECT_MODE_AP))
        assert dev.connected
        assert dev.addr() == world.ip  # the access point's own address
        assert rtl.wifi_status()["ap_dhcp"], "the DHCP server is not on the access point's netif"
        dev.net_disconnect()
        dev.net_connect(LAB_AP)  # back to a station
        assert dev._link_up()


@pytest.mark.parametrize("firmware", ["2.0.2", "2.0.0"])
def test_old_firmware_is_refused_naming_its_version(world, firmware):
    from netdev_emulator import RTL8720Emulator

    rtl = RTL8720Emulator(world, firmware=firmware)
    try:
        with pytest.raises(OSError) as info:
            RTL8720DN(rtl.uart, rtl.enable)
        assert firmware in str(info.value) and "2.0.3" in str(info.value)
    finally:
        close = getattr(rtl, "close", None)
        if close is not None:
            close()


def test_no_chip_answering_is_a_clear_error(world):
    from netdev_emulator import RTL8720Emulator
    from tests.rtl8720dn.faults import FaultyUART

    rtl = RTL8720Emulator(world, firmware="2.1.3")
    try:
        uart = FaultyUART(rtl.uart)
        uart.silent = True
        with pytest.raises(OSError) as info:
            RTL8720DN(uart)
        assert info.value.args[0] == errno.EIO
        assert "reset" in str(info.value) and "RTL_PWR" in str(info.value)
    finally:
        close = getattr(rtl, "close", None)
        if close is not None:
            close()


# -- why a join failed: rpc_wifi_get_last_error (the SDK's error_flag), not the event ---------


def join_failure(world, params, **emulator):
    """The error ``net_connect(params)`` raises on a fresh chip, and the join attempts."""
    from netdev_emulator import RTL8720Emulator

    rtl = RTL8720Emulator(world, **emulator)
    try:
        dev = RTL8720DN(rtl.uart, rtl.enable)
        attempts = count_attempts(dev)
        with pytest.raises(netlink.ConnectError) as info:
            dev.net_connect(params)
        assert not dev.connected
        assert rtl.call_counts.get((14, 49), 0) >= 1  # the driver asked the firmware why
        return info.value, attempts[0]
    finally:
        rtl.close()


@pytest.mark.parametrize("reason", [15, 2])
def test_a_wrong_wpa2_passphrase_is_an_auth_error_whatever_the_ap_says(world, reason):
    # 15 (4-way handshake timeout, what most access points send) makes the SDK's error
    # flag RTW_4WAY_HANDSHAKE_TIMEOUT, other reasons RTW_WRONG_PASSWORD; the event the
    # host sees carries no reason either way
    exc, attempts = join_failure(
        world,
        ConnectParams("lab-ap", "not-the-password", retries=3, connect_timeout=5),
        wrong_passphrase_reason=reason,
    )
    assert isinstance(exc, netlink.AuthError) and exc.args[0] == errno.EACCES
    assert "refused the passphrase" in exc.args[1]
    assert ("4-way handshake" in exc.args[1]) == (reason == 15)
    assert attempts == 1  # final: not retried


def test_a_missing_access_point_is_no_network(world):
    exc, attempts = join_failure(
        world, ConnectParams("no-such-ap", "whatever-pass", retries=2, connect_timeout=5)
    )
    assert not isinstance(exc, netlink.AuthError)
    assert exc.args[0] == errno.EHOSTUNREACH and "no access point named 'no-such-ap'" in exc.args[1]
    assert attempts == 2


@pytest.mark.parametrize(
    "params",
    [
        # WPA (TKIP) and mixed joins are not classified by the SDK: it cannot tell
        ConnectParams(
            "lab-ap", "not-the-password", auth_type=netlink.AUTH_TYPE_WPA, retries=1, connect_timeout=5
        ),
        # a passphrase for an open network (WPA2 asked for): no association, nothing classified
        ConnectParams("lab-open", "a-passphrase", retries=1, connect_timeout=5),
    ],
    ids=["wpa-tkip-wrong-passphrase", "passphrase-for-an-open-network"],
)
def test_an_unclassified_failure_says_what_it_may_be(world, params):
    exc, attempts = join_failure(world, params)
    assert not isinstance(exc, netlink.AuthError)
    assert exc.args[0] == errno.EIO
    for possibility in ("wrong passphrase", "security type", "out of range"):
        assert possibility in exc.args[1]
    assert attempts == 1
