# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``SSLContext.set_default_verify_paths`` on every netdev: CircuitPython's (shared-module/ssl
SSLContext.c) forgets the CA ``load_verify_locations`` gave and trusts its built-in roots
again. Here each netdev's default store: NINA-FW's built-in bundle (always in use), the
RTL8720DN's ``root_ca_file`` (the ``NETDEV_CA_FILE`` setting; it has no store of its own),
the host's system CA paths. A fresh netdev per test: the call changes what it trusts."""

import errno

import pytest
import trustme

from adafruit_netdev.socketpool import SocketPool, create_default_context
from tests.devices import load

DEVICES = load()


@pytest.fixture(scope="module")
def stranger_ca():
    return trustme.CA().cert_pem.bytes().decode()


def https_status_line(lab, dev, context):
    """The first bytes of the lab's HTTPS server's answer to a GET over ``context``."""
    pool = SocketPool(dev)
    address = "127.0.0.1" if type(dev).__name__ == "HostNetdev" else "localhost"
    with context.wrap_socket(pool.socket(), server_hostname="localhost") as sock:
        sock.settimeout(30)
        sock.connect((address, lab.https[1]))
        sock.send(b"GET /get HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        buf = bytearray(12)
        return bytes(buf[: sock.recv_into(buf)])


@pytest.mark.parametrize("name", sorted(DEVICES))
def test_set_default_verify_paths_trusts_the_netdevs_default_store_again(lab, name, stranger_ca):
    with DEVICES[name](lab) as (_link, dev):
        context = create_default_context(dev)
        kind = type(dev).__name__
        if kind == "WiFiNINA":  # its built-in store is the only one: nothing changes
            with pytest.raises(NotImplementedError):
                context.load_verify_locations(cadata=stranger_ca)
            context.set_default_verify_paths()
            assert https_status_line(lab, dev, context) == b"HTTP/1.1 200"
        elif kind == "RTL8720DN":
            context.load_verify_locations(cadata=stranger_ca)
            with pytest.raises(OSError) as info:
                https_status_line(lab, dev, context)
            assert "certificate failed verification" in str(info.value)
            dev.root_ca_file = lab.cafile  # what probe() sets from NETDEV_CA_FILE
            context.set_default_verify_paths()
            assert https_status_line(lab, dev, context) == b"HTTP/1.1 200"
            dev.root_ca_file = None  # no setting: no CA at all, and TLS is refused
            context.set_default_verify_paths()
            assert dev.root_ca is None
            with pytest.raises(OSError) as info:
                https_status_line(lab, dev, context)
            assert info.value.args[0] == errno.ECONNABORTED
            assert "no root CA is set" in str(info.value)
        else:  # the host netdev, built with cafile=lab.cafile
            assert kind == "HostNetdev", kind
            assert https_status_line(lab, dev, context) == b"HTTP/1.1 200"
            context.set_default_verify_paths()  # the system's store does not know the lab's CA
            with pytest.raises(OSError) as info:
                https_status_line(lab, dev, context)
            assert "certificate" in str(info.value).lower(), info.value
