# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""adafruit_connection_manager, the real and unmodified package from PyPI (the version pinned in
requirements-test.txt), hands out this library's pool and SSL context for a
:class:`adafruit_netdev.radio.Radio` on every netdev, and adafruit_requests obtained through it
fetches from the lab's HTTP(S) server. docs/radio.rst, "ConnectionManager", says how it works
and what would break it; the first tests here are the ones that would see it break."""

import base64
import hashlib
import importlib.metadata
import pathlib

import adafruit_connection_manager as cm
import adafruit_requests
import pytest

from adafruit_netdev.host import HostNetdev
from adafruit_netdev.radio import Radio, register_with_connection_manager
from adafruit_netdev.socketpool import SocketPool, SSLContext

pytestmark = pytest.mark.timeout(120)

ROOT = pathlib.Path(__file__).resolve().parents[2]


def release(pool):
    """Close the pool's sockets and drop it from the package's caches (as a program does when
    it is done with a radio)."""
    cm.get_connection_manager(pool)  # (close_all refuses a pool it never managed)
    cm.connection_manager_close_all(pool, release_references=True)


def pinned_version():
    for line in (ROOT / "requirements-test.txt").read_text().splitlines():
        if line.startswith("adafruit-circuitpython-connectionmanager=="):
            return line.split("==")[1].split()[0]
    raise AssertionError("requirements-test.txt does not pin adafruit-circuitpython-connectionmanager")


def test_the_package_is_the_pinned_release_unmodified():
    dist = importlib.metadata.distribution("adafruit-circuitpython-connectionmanager")
    assert dist.version == pinned_version()
    record = {str(f): f.hash for f in dist.files if f.hash is not None}
    module = pathlib.Path(cm.__file__)
    expected = record["adafruit_connection_manager.py"]
    digest = base64.urlsafe_b64encode(hashlib.new(expected.mode, module.read_bytes()).digest()).rstrip(b"=")
    assert digest.decode() == expected.value, "adafruit_connection_manager.py differs from the wheel's RECORD"


def test_what_the_registration_relies_on():
    """The package's radio caches and key function, which register_with_connection_manager
    fills: if a release renames or drops them, this fails (and Radio() raises RuntimeError
    saying to make the pool with SocketPool(radio))."""
    for name in ("_global_socketpools", "_global_ssl_contexts", "_global_key_by_socketpool"):
        assert isinstance(getattr(cm, name), dict), name
    assert callable(cm._get_radio_hash_key)


def test_without_the_registration_the_package_rejects_the_radio(dev):
    """It dispatches on the class name: "Radio" is CircuitPython's native one, for which it
    imports the board's own ``socketpool`` module (none here: ImportError; on a board with
    native Wi-Fi, a native pool that cannot use this radio). The registration is what makes
    it work (if a release learns this library's radio, this fails: simplify the
    registration)."""
    radio = Radio(dev)
    pool = cm.get_radio_socketpool(radio)
    release(pool)  # empties its caches
    with pytest.raises(ImportError, match="socketpool"):
        cm.get_radio_socketpool(radio)
    assert register_with_connection_manager(radio) is True  # again, as its docstring says
    assert cm.get_radio_socketpool(radio).dev is dev
    release(cm.get_radio_socketpool(radio))


def test_the_pool_and_context_are_this_librarys(dev):
    radio = Radio(dev)
    pool = cm.get_radio_socketpool(radio)
    context = cm.get_radio_ssl_context(radio)
    try:
        assert isinstance(pool, SocketPool)
        assert pool.dev is dev
        assert isinstance(context, SSLContext)
        assert cm.get_radio_socketpool(radio) is pool  # cached, as for a native radio
        assert cm.get_radio_ssl_context(radio) is context
        assert isinstance(SocketPool(radio), SocketPool)  # socketpool.SocketPool(wifi.radio)
        assert SocketPool(radio).dev is dev
    finally:
        release(pool)


def test_requests_through_connection_manager_fetches_http_and_https(dev, lab):
    radio = Radio(dev)
    pool = cm.get_radio_socketpool(radio)
    requests = adafruit_requests.Session(pool, cm.get_radio_ssl_context(radio))
    try:
        with requests.get("http://httpbin.org:%d/get?via=cm" % lab.http[1]) as response:
            assert response.status_code == 200
            assert response.json()["args"] == {"via": "cm"}
        with requests.post("https://httpbin.org:%d/post" % lab.https[1], json={"tls": True}) as response:
            assert response.status_code == 200
            assert response.json()["json"] == {"tls": True}
        manager = cm.get_connection_manager(pool)
        assert manager.managed_socket_count >= 1
    finally:
        release(pool)
    assert dev.open_fds() == []


def test_a_package_without_the_caches_is_a_clear_error(dev, monkeypatch):
    monkeypatch.delattr(cm, "_global_ssl_contexts")
    with pytest.raises(RuntimeError, match=r"no radio caches .*SocketPool\(radio\)"):
        Radio(dev)


def test_a_new_radio_never_gets_a_dead_radios_pool(dev, lab, monkeypatch):
    """The package keys its caches by hash(radio): a radio made after another was dropped
    (without release_references) may get the dead one's hash, and must still get a pool of
    its own netdev. A constant key stands in for that collision."""
    monkeypatch.setattr(cm, "_get_radio_hash_key", lambda _radio: "one-key")
    other = HostNetdev(cafile=lab.cafile, any_address="127.0.0.1")
    first = Radio(other)
    assert cm.get_radio_socketpool(first).dev is other
    second = Radio(dev)
    try:
        assert cm.get_radio_socketpool(second).dev is dev
        assert cm.get_radio_ssl_context(second)._dev is dev
    finally:
        release(cm.get_radio_socketpool(second))
