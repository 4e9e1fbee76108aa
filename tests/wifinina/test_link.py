# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""WiFiNINA as a Netlinker, on every firmware persona: joining, failures, events, the
access-point mode, scans, the MAC, and the watchdog bringing the link back."""

import threading
import time

import pytest

import adafruit_netdev as nd
from adafruit_netdev.netlink import (
    CONNECT_MODE_AP,
    EVENT_NET_DOWN,
    EVENT_NET_UP,
    AuthError,
    ConnectError,
    ConnectParams,
    ConnectTimeoutError,
)
from tests.conftest import echo_once
from tests.device_wifinina import PERSONAS, wifinina_on
from tests.emulator.test_nina_raw import wait_for
from tests.wifinina.conftest import assert_clean_bus


class Events:
    """Link events as they fire, with a bounded wait for one to come."""

    def __init__(self):
        self.seen = []
        self._cond = threading.Condition()

    def __call__(self, event):
        with self._cond:
            self.seen.append(event)
            self._cond.notify_all()

    def wait_for(self, event, after=0, timeout=15):
        with self._cond:
            ok = self._cond.wait_for(lambda: event in self.seen[after:], timeout)
        assert ok, "event %d never fired (events so far: %r)" % (event, self.seen)
        return self.seen.index(event, after)


def test_join_with_the_right_passphrase_fires_up_and_disconnect_fires_down(unjoined, lab):
    nina, dev = unjoined
    events = Events()
    dev.net_notify(events)
    assert dev.addr() == "0.0.0.0"  # no address before the first join
    dev.net_connect(ConnectParams(ssid="lab-ap", passphrase="lab-password", retries=1))
    assert events.seen == [EVENT_NET_UP]
    assert dev.connected and dev.ssid == "lab-ap"
    assert nd.parse_ipv4(dev.addr()) is not None and dev.addr() != "0.0.0.0"
    assert -100 < dev.rssi < 0
    echo_once(dev, lab)
    dev.net_disconnect()
    assert events.seen == [EVENT_NET_UP, EVENT_NET_DOWN]
    assert not dev.connected and dev.ssid == ""
    assert_clean_bus(nina)


def test_open_network(unjoined):
    _nina, dev = unjoined
    dev.net_connect(ConnectParams(ssid="lab-open", passphrase="", retries=1))
    assert dev.ssid == "lab-open"


def test_wrong_passphrase_is_an_auth_error_at_once(unjoined, capsys):
    """Adafruit 3.x (arduino-esp32 STA.cpp) shows a refused passphrase only in its reason
    code (15) while it retries for ever with status DISCONNECTED: the driver still answers
    at once, not at the connect timeout."""
    _nina, dev = unjoined
    dev.debug = True
    started = time.monotonic()
    with pytest.raises(AuthError) as info:
        dev.net_connect(
            ConnectParams(ssid="lab-ap", passphrase="not-the-password", retries=5, connect_timeout=30)
        )
    assert time.monotonic() - started < 15, "an AuthError must not wait for the connect timeout"
    assert "lab-ap" in str(info.value)
    assert "retrying" not in capsys.readouterr().out, "a refused passphrase must not be retried"
    assert not dev.connected


def test_the_same_wrong_passphrase_twice_is_an_auth_error_both_times(unjoined):
    """Adafruit 3.x keeps the last disconnect reason: the second attempt's reason 15 cannot
    be told from the first's until its connect timeout, and then it is still an AuthError."""
    _nina, dev = unjoined
    for _ in range(2):
        with pytest.raises(AuthError):
            dev.net_connect(
                ConnectParams(ssid="lab-ap", passphrase="not-the-password", retries=1, connect_timeout=2)
            )
    dev.net_connect(ConnectParams(ssid="lab-ap", passphrase="lab-password", retries=1))
    assert dev.connected


def test_auth_fail_on_adafruit_33_is_an_auth_error_at_once(world):
    """The other refusal, AUTH_FAIL (202, e.g. WPA3): DISCONNECTED the first time since boot
    and retried, CONNECT_FAILED the second time (STA.cpp)."""
    from netdev_emulator.nina import PERSONAS

    persona = PERSONAS["adafruit-3.3"].copy(auth_failure_reason=202)
    with wifinina_on(world, persona, join=False) as (_nina, dev):
        for _ in range(2):
            started = time.monotonic()
            with pytest.raises(AuthError):
                dev.net_connect(
                    ConnectParams(ssid="lab-ap", passphrase="not-the-password", retries=1, connect_timeout=30)
                )
            assert time.monotonic() - started < 15


def test_a_join_after_one_that_associated_too_late(world, persona):
    """A join that timed out can still associate afterwards; the next join to another network
    replaces that association. On Arduino and Adafruit <= 2 begin() stops it and its
    disconnect (status 6, reason 8) lands during the new join: not a failure of it."""
    with wifinina_on(world, persona, join=False) as (nina, dev):
        nina.timing.join_ok = (3600, 1.5)  # held: the join cannot finish inside the timeout
        with pytest.raises(ConnectTimeoutError):
            dev.net_connect(
                ConnectParams(ssid="lab-ap", passphrase="lab-password", retries=1, connect_timeout=0.1)
            )
        nina.timing.join_ok = (0, 1.5)  # released: it associates after the driver gave up
        wait_for(lambda: dev.ssid == "lab-ap", what="the late association")
        nina.timing.join_ok = (0.05, 1.5)
        dev.net_connect(ConnectParams(ssid="lab-open", passphrase="", retries=1, connect_timeout=10))
        assert dev.ssid == "lab-open"


def test_unknown_ssid_fails_after_the_retries_asked_for(unjoined, capsys):
    _nina, dev = unjoined
    dev.debug = True
    with pytest.raises(ConnectError) as info:
        dev.net_connect(
            ConnectParams(ssid="no-such-ap", passphrase="whatever12", retries=3, connect_timeout=5)
        )
    assert not isinstance(info.value, AuthError)
    assert "no-such-ap" in str(info.value)
    assert capsys.readouterr().out.count("retrying") == 2  # 3 attempts
    # and the right network still works afterwards
    dev.net_connect(ConnectParams(ssid="lab-ap", passphrase="lab-password", retries=1))
    assert dev.connected


def test_access_point_mode(unjoined):
    _nina, dev = unjoined
    events = Events()
    dev.net_notify(events)
    dev.net_connect(
        ConnectParams(ssid="nina-ap", passphrase="ap-password", connect_mode=CONNECT_MODE_AP, retries=1)
    )
    assert events.seen == [EVENT_NET_UP]
    assert nd.parse_ipv4(dev.addr()) is not None
    dev.net_disconnect()
    assert events.seen == [EVENT_NET_UP, EVENT_NET_DOWN]


def test_scan_lists_the_access_points_and_keeps_the_link(joined, lab):
    _nina, dev = joined
    nets = dev.scan_networks()
    by_name = {net[0]: net for net in nets}
    assert {"lab-ap", "lab-open"} <= set(by_name)
    ssid, rssi, channel, encryption = by_name["lab-ap"]
    assert -100 < rssi < 0 and 1 <= channel <= 14
    assert encryption in ("wpa2", "wpa/wpa2")
    assert by_name["lab-open"][3] == "open"
    assert dev.connected and dev.ssid == "lab-ap"  # the scan dropped the association; rejoined
    echo_once(dev, lab)


def test_mac_address_is_in_natural_order_on_every_firmware(lab):
    macs = set()
    for persona in PERSONAS:
        with wifinina_on(lab.network(), persona, join=False) as (_nina, dev):
            mac = dev.hardware_addr()
            assert isinstance(mac, bytes) and len(mac) == 6
            assert not mac[0] & 1, "first octet is a unicast OUI octet (not a reversed MAC)"
            macs.add(mac)
    assert len(macs) == 1, "one emulated module, one MAC whatever the firmware's byte order: %r" % macs


def test_firmware_identity_and_adaptation(unjoined, persona):
    _nina, dev = unjoined
    assert dev.firmware_version[0].isdigit()
    expected = {"arduino-2.0": (10, 1), "adafruit-1.7": (10, 0), "adafruit-3.3": (6, 1)}[persona]
    assert (dev.max_sockets, dev.accept_flag) == expected
    assert dev.get_time() == 0  # no SNTP before joining
    dev.net_connect(ConnectParams(ssid="lab-ap", passphrase="lab-password", retries=1))
    seconds = dev.get_time()  # 4 bytes on the wire, 8 on Adafruit 3.x
    assert seconds == 0 or abs(seconds - time.time()) < 3600, seconds


def test_watchdog_reconnects_after_the_access_point_comes_back(world, persona, lab):
    with wifinina_on(world, persona, join=False) as (_nina, dev):
        events = Events()
        dev.net_notify(events)
        dev.net_connect(
            ConnectParams(
                ssid="lab-ap", passphrase="lab-password", retries=1, connect_timeout=2, watchdog_timeout=0.2
            )
        )
        assert events.seen == [EVENT_NET_UP]
        world.drop_access_point("lab-ap")
        down = events.wait_for(EVENT_NET_DOWN, after=1)
        world.restore_access_point("lab-ap")
        events.wait_for(EVENT_NET_UP, after=down + 1)
        echo_once(dev, lab)
