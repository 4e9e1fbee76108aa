# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Loose input, on every netdev: DNS takes a deadline like every other call; host names
are checked before any firmware sees them (firmware takes C strings: a NUL would cut the
name short there); IPv4 literals are ASCII digits only; flags the contract does not have
are refused, not ignored."""

import errno

import pytest

import adafruit_netdev as nd
from tests.contract.test_contract import recv_exact, tcp_connect

pytestmark = pytest.mark.timeout(120)


def test_gethostbyname_takes_a_deadline(dev):
    assert dev.gethostbyname("httpbin.org", nd.deadline(10)) == "127.0.0.1"
    assert dev.gethostbyname("httpbin.org", None) == "127.0.0.1"
    assert dev.gethostbyname("10.1.2.3", nd.deadline(0)) == "10.1.2.3"  # no lookup: no wait
    with pytest.raises(nd.HostUnknownError):
        dev.gethostbyname("no-such-host.invalid", nd.deadline(10))


BAD_NAMES = [None, "", 42, b"httpbin.org", "httpbin.org\0.evil.example", "a" * 254]


@pytest.mark.parametrize("name", BAD_NAMES, ids=["None", "empty", "int", "bytes", "NUL", "254 chars"])
def test_a_bad_host_name_is_a_value_error_before_any_lookup(dev, name):
    with pytest.raises(ValueError):
        dev.gethostbyname(name)


def test_a_tls_server_name_with_a_nul_is_refused(dev, lab):
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
    try:
        with pytest.raises(ValueError):
            dev.connect(fd, "localhost\0.evil.example", ("", lab.https[1]), nd.deadline(10))
    finally:
        dev.close(fd)


def test_ipv4_literals_are_ascii_digits_only(dev, lab):
    ip, port = lab.tcp_echo
    arabic = "".join(chr(0x660 + int(ch)) if ch.isdigit() else ch for ch in ip)  # "١٢٧.٠.٠.١"
    assert nd.parse_ipv4(arabic) is None
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
    try:
        with pytest.raises(ValueError):
            dev.connect(fd, "", (arabic, port), nd.deadline(10))
    finally:
        dev.close(fd)


def test_flags_are_refused_not_ignored(dev, lab):
    fd = tcp_connect(dev, lab.tcp_echo)
    try:
        with pytest.raises(OSError) as info:
            dev.send(fd, b"flagged", 0x40, nd.deadline(5))  # MSG_DONTWAIT on Linux
        assert info.value.args[0] == errno.EOPNOTSUPP
        with pytest.raises(OSError) as info:
            dev.recv(fd, bytearray(8), 0x2, nd.deadline(5))  # MSG_PEEK
        assert info.value.args[0] == errno.EOPNOTSUPP
        assert dev.send(fd, b"plain", 0, nd.deadline(5)) == 5  # nothing went before it
        assert recv_exact(dev, fd, 5) == b"plain"
    finally:
        dev.close(fd)
