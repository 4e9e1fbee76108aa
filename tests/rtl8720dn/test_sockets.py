# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""RTL8720DN socket behaviour beyond the shared contract: option mapping, error mapping
from lwIP and mbedTLS, the TLS root CA, and the firmware's socket limits."""

import errno
import socket
import struct
import threading
import time

import pytest

import adafruit_netdev as nd
from tests.conftest import free_port
from tests.rtl8720dn.conftest import radio
from tests.rtl8720dn.spec import LWIP_GETHOSTBYNAME, SVC_LWIP

pytestmark = pytest.mark.timeout(120)


def tcp(dev, address):
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
    try:
        dev.connect(fd, "", address, nd.deadline(10))
    except BaseException:
        dev.close(fd)
        raise
    return fd


def test_socket_options_map_to_lwip_or_are_eopnotsupp(world, lab):
    with radio(world) as (_rtl, dev, _uart):
        fd = tcp(dev, lab.tcp_echo)
        try:
            dev.setsockopt(fd, nd.SOL_SOCKET, nd.SO_KEEPALIVE, 1)
            dev.setsockopt(fd, nd.SOL_TCP, nd.TCP_KEEPINTVL, 5)
            try:  # lwIP 2.0.2 builds without LWIP_SO_LINGER refuse it: then EOPNOTSUPP
                dev.setsockopt(fd, nd.SOL_SOCKET, nd.SO_LINGER, 0)
            except OSError as exc:
                assert exc.args[0] == nd.EOPNOTSUPP
            dev.setsockopt(fd, nd.IPPROTO_TCP, 1, 1)  # TCP_NODELAY
            for level, opt in ((nd.SOL_SOCKET, 0x7777), (0x7777, 1), (nd.SOL_SOCKET, 0x1006)):
                with pytest.raises(OSError) as info:
                    dev.setsockopt(fd, level, opt, 1)
                assert info.value.args[0] == nd.EOPNOTSUPP
            dev.send(fd, b"still fine", 0, nd.deadline(5))
            buf = bytearray(16)
            assert dev.recv(fd, buf, 0, nd.deadline(5)) > 0
        finally:
            dev.close(fd)


def test_tls_socket_options_wait_for_the_connect(world, lab):
    with radio(world, cafile=lab.cafile) as (_rtl, dev, _uart):
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
        try:
            dev.setsockopt(fd, nd.SOL_SOCKET, nd.SO_KEEPALIVE, 1)  # no chip socket yet
            dev.connect(fd, "localhost", ("", lab.https[1]), nd.deadline(10))
            dev.send(fd, b"GET /get HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 0, None)
            buf = bytearray(64)
            assert dev.recv(fd, buf, 0, nd.deadline(10)) > 0 and buf.startswith(b"HTTP/1.1 200")
        finally:
            dev.close(fd)


def test_a_refused_connect_is_connection_refused(world):
    with radio(world) as (_rtl, dev, _uart):
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        try:
            with pytest.raises(ConnectionRefusedError):
                dev.connect(fd, "", ("127.0.0.1", free_port()), nd.deadline(10))
        finally:
            dev.close(fd)


def test_a_reset_by_the_peer_is_connection_reset(world):
    with radio(world) as (_rtl, dev, _uart), socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        fd = tcp(dev, server.getsockname())
        try:
            conn, _ = server.accept()
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()  # RST
            with pytest.raises(ConnectionResetError) as info:
                dev.recv(fd, bytearray(8), 0, nd.deadline(5))
            assert info.value.args[0] == nd.ECONNRESET
        finally:
            dev.close(fd)


def test_dns_failure_is_host_unknown(world):
    with radio(world) as (_rtl, dev, _uart):
        world.dns_failing = True
        try:
            with pytest.raises(nd.HostUnknownError):
                dev.gethostbyname("httpbin.org")
            fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
            try:
                with pytest.raises(nd.HostUnknownError):
                    dev.connect(fd, "httpbin.org", ("", 443), nd.deadline(5))
            finally:
                dev.close(fd)
        finally:
            world.dns_failing = False
        assert dev.gethostbyname("httpbin.org") == "127.0.0.1"


def test_a_tls_connect_gives_its_deadline_to_the_name_lookup(world, lab):
    """The TLS connect looked its server's name up with the driver's own 25 s bound,
    whatever the connect's deadline: a lookup whose reply never came held a 2 s connect for
    25 s, then failed with EIO instead of ETIMEDOUT."""
    with radio(world, cafile=lab.cafile) as (rtl, dev, _uart):
        rtl.faults.arm("no_reply", at="call %d/%d" % (SVC_LWIP, LWIP_GETHOSTBYNAME))
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
        try:
            started = time.monotonic()
            with pytest.raises(OSError) as info:
                dev.connect(fd, "localhost", ("", lab.https[1]), nd.deadline(2))
            took = time.monotonic() - started
        finally:
            dev.close(fd)
        assert info.value.args[0] == errno.ETIMEDOUT, info.value.args
        assert "DNS lookup" in info.value.args[1] and took < 15, (took, info.value.args)
        assert dev.gethostbyname("localhost") == "127.0.0.1"  # the link recovered


def test_without_a_root_ca_tls_is_refused_not_unverified(lab):
    # The real firmware verifies nothing without a CA (protocol-rtl8720dn.rst; the emulator models it with
    # tls_without_ca="none"), so the driver refuses rather than connect unverified.
    from adafruit_netdev_rtl8720dn import RTL8720DN
    from netdev_emulator import RTL8720Emulator
    from tests.rtl8720dn.conftest import LAB_AP

    rtl = RTL8720Emulator(lab.network(), tls_without_ca="none")
    try:
        dev = RTL8720DN(rtl.uart, rtl.enable)
        dev.net_connect(LAB_AP)
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
        with pytest.raises(ConnectionAbortedError, match="root CA"):
            dev.connect(fd, "localhost", ("", lab.https_self_signed[1]), nd.deadline(10))
        dev.close(fd)
        dev.root_ca = open(lab.cafile).read()  # now the chip checks
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
        with pytest.raises(ConnectionAbortedError):
            dev.connect(fd, "localhost", ("", lab.https_self_signed[1]), nd.deadline(10))
        dev.close(fd)
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
        dev.connect(fd, "localhost", ("", lab.https[1]), nd.deadline(10))
        dev.close(fd)
        assert dev.open_fds() == []
    finally:
        rtl.close()


def test_tls_sessions_beyond_the_chip_heap_fail_cleanly(world, lab):
    with radio(world, cafile=lab.cafile) as (_rtl, dev, _uart):
        fds, error = [], None
        try:
            for _ in range(8):
                fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
                fds.append(fd)
                try:
                    dev.connect(fd, "localhost", ("", lab.https[1]), nd.deadline(10))
                except OSError as exc:
                    error = exc
                    break
            assert error is not None, "8 TLS sessions on one RTL8720DN"
            assert isinstance(error, nd.NoMoreSocketsError), error  # ConnectionManager recycles on it
        finally:
            for fd in fds:
                dev.close(fd)
        assert dev.open_fds() == []
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
        try:
            dev.connect(fd, "localhost", ("", lab.https[1]), nd.deadline(10))  # all were freed
        finally:
            dev.close(fd)


def test_eight_sockets_including_accepted_ones(world):
    with radio(world) as (_rtl, dev, _uart):
        port = free_port()
        listener = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        fds = [listener]
        clients = []
        try:
            dev.bind(listener, ("", port))
            dev.listen(listener, 5)
            for _ in range(3):
                clients.append(socket.create_connection((world.ip, port), timeout=10))
                conn, peer = dev.accept(listener, nd.deadline(10))
                fds.append(conn)
                assert peer == clients[-1].getsockname()
            while len(fds) < 8:
                fds.append(dev.socket(nd.AF_INET, nd.SOCK_DGRAM, nd.IPPROTO_UDP))
            with pytest.raises(nd.NoMoreSocketsError):
                dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        finally:
            for fd in fds:
                dev.close(fd)
            for c in clients:
                c.close()
        assert dev.open_fds() == []


def test_udp_empty_datagram_and_bound_receive(world, lab):
    with radio(world) as (_rtl, dev, _uart):
        fd = dev.socket(nd.AF_INET, nd.SOCK_DGRAM, nd.IPPROTO_UDP)
        try:
            dev.connect(fd, "", lab.udp_echo)
            assert dev.send(fd, b"", 0, nd.deadline(5)) == 0
            assert dev.send(fd, b"after", 0, nd.deadline(5)) == 5
            buf = bytearray(64)
            got = [dev.recv(fd, buf, 0, nd.deadline(5)) for _ in range(2)]
            assert got == [0, 5] and buf[:5] == b"after"
        finally:
            dev.close(fd)


def test_close_from_two_threads_closes_once(world, lab):
    with radio(world) as (_rtl, dev, _uart):
        fd = tcp(dev, lab.tcp_echo)
        barrier = threading.Barrier(2)

        def closer():
            barrier.wait(5)
            dev.close(fd)

        threads = [threading.Thread(target=closer) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert dev.open_fds() == []
        other = tcp(dev, lab.tcp_echo)  # the chip's socket numbers are consistent
        try:
            dev.send(other, b"ok", 0, nd.deadline(5))
            assert dev.recv(other, bytearray(4), 0, nd.deadline(5)) > 0
        finally:
            dev.close(other)


def test_tls_close_notify_is_end_of_stream_while_tcp_stays_open(world, lab):
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    lab.ca.issue_cert("localhost").configure_cert(context)
    done = threading.Event()
    with radio(world, cafile=lab.cafile) as (_rtl, dev, _uart), socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)

        def serve():
            raw, _ = server.accept()
            with raw:
                tls = context.wrap_socket(raw, server_side=True)
                tls.sendall(b"bye")
                tls.settimeout(2)
                try:
                    tls.unwrap()  # sends close_notify; the chip never answers one
                except (OSError, ValueError):
                    pass
                done.wait(10)  # the TCP connection stays open until the test is over

        thread = threading.Thread(target=serve)
        thread.start()
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
        try:
            dev.connect(fd, "localhost", ("", server.getsockname()[1]), nd.deadline(10))
            got = bytearray()
            buf = bytearray(16)
            while True:
                n = dev.recv(fd, buf, 0, nd.deadline(5))
                if n == 0:
                    break
                got += buf[:n]
            assert bytes(got) == b"bye"
            assert dev.recv(fd, buf, 0, nd.deadline(1)) == 0  # and it stays at EOF
        finally:
            done.set()
            dev.close(fd)
            thread.join(10)


def test_a_root_ca_file_is_read_at_the_first_tls_connect(lab, tmp_path):
    """``root_ca_file`` (what probe() sets from NETDEV_CA_FILE): a program that never
    connects TLS never holds the PEM; the first TLS connect reads it, and verifies with it.
    A file that cannot be read is an error that names it, at that connect."""
    from adafruit_netdev_rtl8720dn import RTL8720DN
    from netdev_emulator import RTL8720Emulator
    from tests.rtl8720dn.conftest import LAB_AP

    rtl = RTL8720Emulator(lab.network(), tls_without_ca="none")
    try:
        dev = RTL8720DN(rtl.uart, rtl.enable)
        dev.net_connect(LAB_AP)
        dev.root_ca_file = str(tmp_path / "missing.pem")
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
        with pytest.raises(OSError, match="missing.pem") as info:
            dev.connect(fd, "localhost", ("", lab.https[1]), nd.deadline(10))
        assert info.value.args[0] == errno.ENOENT
        dev.close(fd)
        dev.root_ca_file = lab.cafile
        assert dev._root_ca is None  # not read yet
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
        dev.connect(fd, "localhost", ("", lab.https[1]), nd.deadline(10))  # verified by the lab CA
        dev.close(fd)
        assert bytes(dev.root_ca) == open(lab.cafile, "rb").read() + b"\x00"
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
        with pytest.raises(ConnectionAbortedError):  # a server that CA did not sign
            dev.connect(fd, "localhost", ("", lab.https_self_signed[1]), nd.deadline(10))
        dev.close(fd)
    finally:
        rtl.close()
