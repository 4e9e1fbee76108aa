# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""adafruit_netdev itself: errors, deadlines, the shared wait, validation, the binding,
and the Netlinker base (events, retries, watchdog) with a small link that joins the
emulator's Network world."""

import errno
import threading

import pytest

import adafruit_netdev as nd
from adafruit_netdev import netlink
from netdev_emulator import Network


def test_error_maps_errno_to_the_builtin_classes():
    assert isinstance(nd.error(errno.ETIMEDOUT, "x"), TimeoutError)
    assert isinstance(nd.error(errno.ECONNRESET, "x"), ConnectionResetError)
    assert isinstance(nd.error(errno.ECONNREFUSED, "x"), ConnectionRefusedError)
    assert isinstance(nd.error(errno.EPIPE, "x"), BrokenPipeError)
    assert isinstance(nd.error(errno.ENOMEM, "x"), nd.NoMoreSocketsError)
    assert isinstance(nd.error(nd.EAI_NONAME, "x"), nd.HostUnknownError)
    err = nd.error(errno.EAGAIN, "x")
    assert isinstance(err, BlockingIOError) and err.errno == errno.EAGAIN
    assert nd.timeout_error().errno == errno.ETIMEDOUT  # adafruit_minimqtt relies on it


def test_deadlines():
    assert nd.deadline(None) is None and not nd.expired(None)
    assert nd.expired(nd.deadline(0))
    assert not nd.expired(nd.deadline(10))
    assert 9000 < nd.remaining_ms(nd.deadline(10)) <= 10000
    with pytest.raises(ValueError):
        nd.deadline(10 * 24 * 3600)


class Countdown:
    """An attempt that succeeds on its n-th try (and counts its tries)."""

    def __init__(self, n):
        self.n = n
        self.tries = 0

    def __call__(self, fd, arg):
        self.tries += 1
        return (fd, arg) if self.tries >= self.n else None


def test_wait_tries_once_with_an_expired_deadline():
    attempt = Countdown(1)
    assert nd.wait(attempt, 3, "a", nd.deadline(0), "recv") == (3, "a")
    attempt = Countdown(2)
    with pytest.raises(OSError) as info:
        nd.wait(attempt, 3, "a", nd.deadline(0), "recv")
    assert info.value.errno == errno.EAGAIN and attempt.tries == 1


def test_wait_backs_off_until_success_or_timeout():
    attempt = Countdown(5)
    assert nd.wait(attempt, 1, 2, nd.deadline(5), "recv") == (1, 2)
    assert attempt.tries == 5
    attempt = Countdown(10**9)
    with pytest.raises(TimeoutError) as info:
        nd.wait(attempt, 1, 2, nd.deadline(0.2), "recv")
    assert info.value.errno == errno.ETIMEDOUT
    # 200 ms of back-off from 1 ms to a 25 ms cap: more than a handful of tries, far fewer than a spin
    assert 5 < attempt.tries < 60


def test_validation_helpers():
    assert nd.check_socket_args(nd.AF_INET, nd.SOCK_STREAM, 0) == nd.IPPROTO_TCP
    assert nd.check_socket_args(nd.AF_INET, nd.SOCK_DGRAM, 0) == nd.IPPROTO_UDP
    assert nd.check_socket_args(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS) == nd.IPPROTO_TLS
    with pytest.raises(OSError):
        nd.check_socket_args(nd.AF_INET, nd.SOCK_DGRAM, nd.IPPROTO_TLS)
    assert nd.check_address(("0.0.0.0", 80)) == ("", 80)
    with pytest.raises(ValueError):
        nd.check_address(("1.2.3", 80))
    with pytest.raises(ValueError):
        nd.check_address("1.2.3.4:80")
    assert nd.check_buffer(bytearray(8)) == 8
    assert nd.check_buffer(bytearray(8), 3) == 3
    with pytest.raises(ValueError):
        nd.check_buffer(bytearray(8), 9)
    assert nd.parse_ipv4("192.168.0.1") == bytes([192, 168, 0, 1])
    assert nd.parse_ipv4("256.0.0.1") is None and nd.parse_ipv4("a.b.c.d") is None
    assert nd.format_ipv4(b"\x0a\x00\x00\x64") == "10.0.0.100"


def test_netdev_binding():
    old = nd._netdev
    try:
        nd.use_netdev(None)
        with pytest.raises(OSError) as info:
            nd.netdev()
        assert "use_netdev" in str(info.value)
        marker = nd.Netdever()
        assert nd.use_netdev(marker) is marker and nd.netdev() is marker
        with pytest.raises(OSError) as info:
            marker.socket(nd.AF_INET, nd.SOCK_STREAM, 0)
        assert info.value.errno == nd.EOPNOTSUPP
    finally:
        nd.use_netdev(old)


def test_connect_params_validation():
    with pytest.raises(ValueError, match="SSID"):
        netlink.ConnectParams().validate()
    with pytest.raises(ValueError, match="8 to 63"):
        netlink.ConnectParams("ap", "short").validate()
    netlink.ConnectParams("ap", "").validate()  # open network
    netlink.ConnectParams("ap", "long enough").validate()


class WorldLink(netlink.Netlinker):
    """The smallest Netlinker: association decided by a netdev_emulator.Network."""

    def __init__(self, world):
        netlink.Netlinker.__init__(self)
        self.world = world
        self.ssid = None
        self.joins = 0

    def _link_join(self, params):
        self.joins += 1
        outcome = self.world.join(params.ssid, params.passphrase)
        if outcome == "auth":
            raise netlink.auth_error(params.ssid)
        if outcome == "no-ap":
            raise netlink.no_network_error(params.ssid)
        self.ssid = params.ssid

    def _link_leave(self):
        self.ssid = None

    def _link_up(self):
        return self.ssid is not None and self.world.is_up(self.ssid)

    def _link_reset(self):
        self.ssid = None


def test_netlinker_events_errors_and_retries():
    world = Network(access_points={"lab-ap": "lab-password"})
    link = WorldLink(world)
    events = []
    link.net_notify(events.append)
    with pytest.raises(netlink.AuthError):
        link.net_connect(netlink.ConnectParams("lab-ap", "wrong-password", retries=5))
    assert link.joins == 1  # a refused passphrase is not retried
    with pytest.raises(netlink.ConnectError) as info:
        link.net_connect(netlink.ConnectParams("nowhere", "lab-password", retries=3))
    assert link.joins == 4 and info.value.errno == errno.EHOSTUNREACH
    link.net_connect(netlink.ConnectParams("lab-ap", "lab-password"))
    assert events == [netlink.EVENT_NET_UP] and link.connected
    with pytest.raises(netlink.ConnectError):
        link.net_connect(netlink.ConnectParams("lab-ap", "lab-password"))
    link.net_disconnect()
    link.net_disconnect()
    assert events == [netlink.EVENT_NET_UP, netlink.EVENT_NET_DOWN] and not link.connected


def test_watchdog_reconnects_when_the_access_point_returns():
    world = Network(access_points={"lab-ap": "lab-password"})
    link = WorldLink(world)
    seen = []
    changed = threading.Condition()

    def record(event):
        with changed:
            seen.append(event)
            changed.notify_all()

    link.net_notify(record)
    link.net_connect(netlink.ConnectParams("lab-ap", "lab-password", watchdog_timeout=0.05))
    try:
        world.drop_access_point("lab-ap")
        with changed:
            assert changed.wait_for(lambda: netlink.EVENT_NET_DOWN in seen, timeout=5)
        world.restore_access_point("lab-ap")
        with changed:
            assert changed.wait_for(lambda: seen[-1] == netlink.EVENT_NET_UP and len(seen) >= 3, timeout=5)
    finally:
        link.net_disconnect()
    assert seen[0] == netlink.EVENT_NET_UP and seen[-1] == netlink.EVENT_NET_DOWN


def test_decode_text_never_raises_on_names_from_the_air():
    assert nd.decode_text(b"caf\xc3\xa9") == "café"
    assert nd.decode_text(bytearray(b"caf\xe9")) == "caf\xe9"  # Latin-1 SSID: one character per byte
    assert nd.decode_text(b"") == ""


def test_call_once_imports_runs_and_drops_the_module(tmp_path, monkeypatch):
    """adafruit_netdev.call_once: start-up code runs, then nothing holds it (neither
    sys.modules nor its package), so on a board its bytecode is garbage."""
    import sys

    package = tmp_path / "once_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "_boot.py").write_text(
        "RUNS = []\nRUNS.append(1)\n\ndef start(x):\n    return x * 2 + len(RUNS)\n"
    )
    (package / "_bad.py").write_text("def start(x):\n    raise OSError(5, 'no chip')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import once_pkg

    try:
        assert nd.call_once("once_pkg._boot", "start", 20) == 41
        assert "once_pkg._boot" not in sys.modules and not hasattr(once_pkg, "_boot")
        assert nd.call_once("once_pkg._boot", "start", 1) == 3  # imported afresh: RUNS is [1] again
        with pytest.raises(OSError, match="no chip"):
            nd.call_once("once_pkg._bad", "start", 0)
        assert "once_pkg._bad" not in sys.modules and not hasattr(once_pkg, "_bad")
    finally:
        for name in [n for n in sys.modules if n.startswith("once_pkg")]:
            del sys.modules[name]


def _waiting_in_an_import(thread):
    """True while ``thread`` waits in CPython's import machinery for a module another thread
    is importing (importlib's per-module lock)."""
    import sys

    frame = sys._current_frames().get(thread.ident)  # noqa: SLF001
    while frame is not None:
        if frame.f_code.co_name == "_lock_unlock_module" and "importlib" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


def test_load_hands_out_a_module_only_once_its_import_has_finished(tmp_path, monkeypatch):
    """adafruit_netdev.load from two threads: while the first is still importing the module
    (its body waits on a gate here), the second must wait for it, not be given the module
    that ``sys.modules`` already holds half made ("partially initialized module")."""
    import sys
    import time
    import types

    gate = types.ModuleType("load_gate_i22")
    gate.started = threading.Event()
    gate.release = threading.Event()
    monkeypatch.setitem(sys.modules, "load_gate_i22", gate)
    package = tmp_path / "load_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "slow.py").write_text(
        "import load_gate_i22 as gate\ngate.started.set()\ngate.release.wait(20)\nVALUE = 42\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    got = {}

    def first():
        got["first"] = nd.load("load_pkg.slow")

    def second():
        got["second"] = hasattr(nd.load("load_pkg.slow"), "VALUE")

    one = threading.Thread(target=first, daemon=True)
    two = threading.Thread(target=second, daemon=True)
    try:
        one.start()
        assert gate.started.wait(20), "the first import did not begin"
        two.start()
        limit = nd.deadline(20)  # the second load returns, or waits for the first one's import
        while "second" not in got and not _waiting_in_an_import(two) and not nd.expired(limit):
            time.sleep(0.01)
        assert "second" in got or _waiting_in_an_import(two), "the second load neither returned nor waited"
        gate.release.set()
        one.join(20)
        two.join(20)
        assert not one.is_alive() and not two.is_alive()
        assert got["first"].VALUE == 42
        assert got["second"], "load() gave the second thread a module still being imported"
        assert nd.load("load_pkg.slow") is got["first"]
    finally:
        gate.release.set()
        for name in [n for n in sys.modules if n.startswith("load_pkg")]:
            del sys.modules[name]
        getattr(nd, "_loaded", {}).pop("load_pkg.slow", None)
