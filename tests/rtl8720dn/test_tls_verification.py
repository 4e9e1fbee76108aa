# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""TLS that fails verification on the RTL8720DN. The ambd firmware's
``wifi_start_ssl_client`` (with mbedTLS 2.4.0) completes the handshake with a server whose
certificate is untrusted or issued for another name, stops the session and returns 0, a
valid socket number (the emulator does the same: tests/emulator/test_rtl8720_tls.py). The
driver must see that the session has no socket (``rpc_wifi_ssl_get_socket`` reads -1) and
refuse the connection at connect, never at first use, with nothing left on the chip."""

import errno

import pytest
import trustme

import adafruit_netdev as nd
import net
from adafruit_netdev import socketpool
from netdev_emulator import lab_tls
from tests.rtl8720dn.conftest import radio


@pytest.fixture(scope="module")
def stranger_ca():
    return trustme.CA().cert_pem.bytes().decode()


def check_refused(info, rtl, dev):
    assert info.value.args[0] == errno.ECONNABORTED, info.value.args
    assert "certificate failed verification" in str(info.value), info.value.args
    assert dev.open_fds() == []
    assert rtl.open_sockets() == {}
    assert rtl.tls_sessions() == {}  # stopped and destroyed
    # the chip answered the start with 0 (it always does here) and the driver asked
    assert rtl.call_counts.get((17, 6), 0) >= 1


def cases(lab, stranger_ca):
    """(root CA the driver sends, host, port): an untrusted CA, a wrong host name."""
    ca = open(lab.cafile).read()
    return {
        "untrusted-ca": (stranger_ca, "localhost", lab.https[1]),
        "wrong-host": (ca, lab_tls.WRONG_HOST_NAME, 443),
    }


@pytest.mark.parametrize("case", ["untrusted-ca", "wrong-host"])
def test_net_dial_tls_is_refused_at_connect(lab, stranger_ca, case):
    root_ca, host, port = cases(lab, stranger_ca)[case]
    with radio(lab.network()) as (rtl, dev, _uart):
        dev.root_ca = root_ca
        nd.use_netdev(dev)
        try:
            with pytest.raises(ConnectionAbortedError) as info:
                net.dial_tls((host, port), timeout=20)
        finally:
            nd.use_netdev(None)
        check_refused(info, rtl, dev)


@pytest.mark.parametrize("case", ["untrusted-ca", "wrong-host"])
def test_socketpool_wrap_socket_is_refused_at_connect(lab, stranger_ca, case):
    root_ca, host, port = cases(lab, stranger_ca)[case]
    with radio(lab.network()) as (rtl, dev, _uart):
        dev.root_ca = root_ca
        pool = socketpool.SocketPool(dev)
        sock = socketpool.create_default_context().wrap_socket(pool.socket(), server_hostname=host)
        try:
            sock.settimeout(20)
            with pytest.raises(OSError) as info:
                sock.connect((host, port))
        finally:
            sock.close()
        check_refused(info, rtl, dev)


def test_refused_then_a_verified_server_works(lab, stranger_ca):
    # the refusal leaves the chip as it was: the next TLS connection (socket 0 again) works
    with radio(lab.network()) as (rtl, dev, _uart):
        dev.root_ca = stranger_ca
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
        with pytest.raises(ConnectionAbortedError):
            dev.connect(fd, "localhost", ("", lab.https[1]), nd.deadline(20))
        with pytest.raises(OSError) as info:  # the fd was never connected
            dev.send(fd, b"GET / HTTP/1.0\r\n\r\n", 0, nd.deadline(5))
        assert info.value.args[0] == errno.ENOTCONN
        dev.close(fd)
        dev.root_ca = open(lab.cafile).read()
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
        try:
            dev.connect(fd, "localhost", ("", lab.https[1]), nd.deadline(20))
            request = b"GET /get HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            dev.send(fd, request, 0, nd.deadline(10))
            buf = bytearray(12)
            assert dev.recv(fd, buf, 0, nd.deadline(10)) > 0
        finally:
            dev.close(fd)
        assert rtl.open_sockets() == {} and rtl.tls_sessions() == {}
