# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The ``net`` package over the host netdev, against real loopback peers on 127.0.0.1:
dialing, listening, deadlines, UDP, TLS, errors, fd hygiene; plus the CircuitPython gate
(mpy-cross, import and an allocation check under the MicroPython unix port)."""

import errno
import os
import pathlib
import shutil
import socket
import subprocess
import time

import pytest

import adafruit_netdev as nd
import net
import net.tls
from adafruit_netdev.host import HostNetdev
from net import _more as net_more
from tests.conftest import device_ip, free_port
from tests.micropython.harness import MICROPYTHON, MPY_CROSS

pytestmark = pytest.mark.timeout(60)

ROOT = pathlib.Path(__file__).resolve().parent.parent


# -- peers and netdevs -------------------------------------------------------------------------
#
# Peers are the session Lab's (tests/conftest.py ``lab``): tcp_echo, udp_echo, http, https,
# https_wrong_host, plus plain listening sockets made here. Most tests run over the host
# netdev (``host``); the "every netdev" section uses conftest's ``dev``, parametrized over each
# netdev registered in tests/device_*.py.


@pytest.fixture
def silent():
    """A listener that never accepts: connects complete (the kernel queues them), nothing
    is ever sent and nothing read."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()


def bound_netdev():
    try:
        return nd.netdev()
    except OSError:
        return None


@pytest.fixture
def make_host(lab):
    """Build HostNetdevs that trust the lab CA and know its names, bound to ``net``; each
    must end the test with no fd open."""
    made = []
    previous = bound_netdev()

    def make(**kw):
        kw.setdefault("cafile", lab.cafile)
        kw.setdefault("hosts", lab.network_settings()["hosts"])
        kw.setdefault("any_address", "127.0.0.1")
        dev = HostNetdev(**kw)
        made.append(dev)
        return nd.use_netdev(dev)

    yield make
    nd.use_netdev(previous)
    leaked = [(dev, dev.open_fds()) for dev in made if dev.open_fds()]
    for dev, fds in leaked:
        for fd in fds:
            dev.close(fd)
    assert not leaked, "fds left open: %r" % [fds for _, fds in leaked]


@pytest.fixture
def host(make_host):
    return make_host()


@pytest.fixture
def echo(lab):
    return lab.tcp_echo


@pytest.fixture
def udp_echo(lab):
    return lab.udp_echo


HTTP_GET = b"GET /get HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"


def read_to_eof(conn):
    data = b""
    while True:
        chunk = conn.read(1500)
        if not chunk:
            return data
        data += chunk


def read_exact(conn, count):
    out = bytearray()
    while len(out) < count:
        chunk = conn.read(count - len(out))
        assert chunk, "end of stream after %d of %d bytes" % (len(out), count)
        out += chunk
    return bytes(out)


def check_timeout(exc_info, text=None):
    exc = exc_info.value
    assert isinstance(exc, TimeoutError)
    assert exc.errno == errno.ETIMEDOUT
    if text is not None:
        assert exc.args[1] == text


# -- dialing and streams ----------------------------------------------------------------------


def test_dial_tcp_echo_round_trip(host, echo):
    payload = os.urandom(100_000)
    with net.dial("tcp", "%s:%d" % echo, timeout=5) as conn:
        assert isinstance(conn, net.TCPConn)
        assert conn.remote_addr == net.TCPAddr("127.0.0.1", echo[1])
        assert str(conn.remote_addr) == "127.0.0.1:%d" % echo[1]
        assert conn.remote_addr.network() == "tcp"
        assert conn.local_addr is None
        conn.set_deadline(net.deadline(10))
        assert conn.write(payload) == len(payload)
        assert read_exact(conn, len(payload)) == payload
        buf = bytearray(8)
        conn.write(b"readinto")
        assert conn.readinto(memoryview(buf)) > 0
    assert host.open_fds() == []


def test_dial_accepts_tuples_names_and_the_http_port_name(host, echo):
    with net.dial("tcp4", ("localhost", echo[1])) as conn:
        assert conn.remote_addr.ip == "127.0.0.1"
        conn.write(b"x")
        assert conn.read(1) == b"x"
    assert net.resolve_tcp_addr("tcp", "httpbin.org:http") == net.TCPAddr("127.0.0.1", 80)
    assert net.resolve_tcp_addr("tcp", ":https") == net.TCPAddr(None, 443)
    assert net.resolve_udp_addr("udp", ("pool.ntp.org", "123")) == net.UDPAddr("127.0.0.1", 123)


def test_dial_tcp_takes_addresses_not_names(host, echo):
    with net.dial_tcp(net.TCPAddr(*echo), timeout=5) as conn:
        conn.write(b"ok")
        assert conn.read(2) == b"ok"
    with net.dial_tcp(echo, laddr=("0.0.0.0", 0)) as conn:
        assert conn.remote_addr == net.TCPAddr(*echo)
    with pytest.raises(ValueError, match="not an IPv4 address"):
        net.dial_tcp(("localhost", echo[1]))
    with pytest.raises(NotImplementedError):
        net.dial_tcp(echo, laddr=("127.0.0.1", 5000))


def test_read_returns_empty_at_end_of_stream(host, lab):
    with net.dial("tcp", lab.http, timeout=5) as conn:
        conn.set_read_deadline(net.deadline(10))
        conn.write(HTTP_GET)
        assert read_to_eof(conn).startswith(b"HTTP/1.1 200 ")
        assert conn.readinto(bytearray(10)) == 0
        assert conn.read(10) == b""
        assert conn.read(0) == b""


def test_close_is_idempotent_and_use_after_close_is_ebadf(host, echo):
    conn = net.dial("tcp", echo)
    conn.close()
    conn.close()
    assert host.open_fds() == []
    for call in (lambda: conn.read(1), lambda: conn.write(b"x"), lambda: conn.set_keepalive(True)):
        with pytest.raises(OSError) as info:
            call()
        assert info.value.errno == errno.EBADF
        assert "use of closed network connection" in str(info.value)
    assert "closed" in repr(conn)


def test_refused_dial_is_quick_and_releases_the_fd(host):
    port = free_port()
    with pytest.raises(ConnectionRefusedError) as info:
        net.dial("tcp", ("127.0.0.1", port), timeout=10)
    assert info.value.errno == errno.ECONNREFUSED
    assert info.value.args[1].startswith("dial tcp 127.0.0.1:%d: " % port)
    assert host.open_fds() == []


def test_dial_timeout_is_honoured_against_a_full_backlog(host):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        address = listener.getsockname()
        fillers = []
        try:
            # Fill the accept queue until the kernel drops SYNs: then a connect hangs.
            for _ in range(8):
                filler = socket.socket()
                fillers.append(filler)
                filler.settimeout(0.2)
                try:
                    filler.connect(address)
                except socket.timeout:
                    break
            else:
                pytest.fail("the kernel kept accepting connections on a full backlog")
            with pytest.raises(OSError) as info:
                net.dial("tcp", address, timeout=0.2)
            check_timeout(info, "dial tcp 127.0.0.1:%d: i/o timeout" % address[1])
            assert host.open_fds() == []
        finally:
            for filler in fillers:
                filler.close()


def test_out_of_sockets_is_enomem(make_host, echo):
    make_host(max_sockets=2)
    with net.dial("tcp", echo) as first, net.dial("tcp", echo) as second:
        with pytest.raises(nd.NoMoreSocketsError) as info:
            net.dial("tcp", echo)
        assert info.value.errno == errno.ENOMEM
        assert first.write(b"a") == second.write(b"b") == 1


# -- deadlines and timeouts -------------------------------------------------------------------


def test_read_deadline_raises_timeout_with_errno(host, silent):
    with net.dial("tcp", silent) as conn:
        conn.set_read_deadline(net.deadline(0.05))
        with pytest.raises(OSError) as info:
            conn.read(10)
        check_timeout(info, "read tcp 127.0.0.1:%d: i/o timeout" % silent[1])
        # A deadline already past is a timeout too (Go), not "would block".
        conn.set_read_deadline(net.deadline(0))
        with pytest.raises(OSError) as info:
            conn.readinto(bytearray(4))
        check_timeout(info)
        conn.set_deadline(None)
        conn.settimeout(0.05)
        assert conn.gettimeout() == 0.05
        with pytest.raises(OSError) as info:
            conn.read(10)
        check_timeout(info)


def test_the_earlier_of_timeout_and_deadline_wins(host, silent):
    with net.dial("tcp", silent) as conn:
        conn.settimeout(3600)
        conn.set_read_deadline(net.deadline(0.05))
        with pytest.raises(OSError) as info:
            conn.read(1)
        check_timeout(info)
        conn.settimeout(0.05)
        conn.set_read_deadline(net.deadline(3600))
        with pytest.raises(OSError) as info:
            conn.read(1)
        check_timeout(info)


def test_settimeout_zero_is_non_blocking(host, echo):
    with net.dial("tcp", echo) as conn:
        conn.settimeout(0)
        with pytest.raises(BlockingIOError) as info:
            conn.read(10)
        assert info.value.errno == errno.EAGAIN
        conn.write(b"ping")
        got = b""
        give_up = time.monotonic() + 10
        while got != b"ping" and time.monotonic() < give_up:
            try:
                got += conn.read(10)
            except BlockingIOError:
                pass
        assert got == b"ping"
        conn.settimeout(None)
        assert conn.gettimeout() is None


def test_write_deadline_raises_timeout_when_the_peer_does_not_read(host, silent):
    chunk = bytes(256 * 1024)
    with net.dial("tcp", silent) as conn:
        conn.set_write_deadline(net.deadline(0.2))
        with pytest.raises(OSError) as info:
            for _ in range(2000):  # at most 512 MB; loopback buffers fill after a few MB
                conn.write(chunk)
        check_timeout(info)
        assert info.value.args[1].startswith("write tcp ")


def test_non_blocking_write_sends_what_fits_then_would_block(host, silent):
    chunk = bytes(256 * 1024)
    with net.dial("tcp", silent) as conn:
        conn.settimeout(0)
        sent = 0
        with pytest.raises(BlockingIOError) as info:
            for _ in range(2000):  # at most 512 MB; loopback buffers fill after a few MB
                n = conn.write(chunk)
                assert 0 < n <= len(chunk)
                sent += n
        assert info.value.errno == errno.EAGAIN
        assert info.value.args[1].startswith("write tcp ")
        assert sent > 0


def test_bad_timeouts_and_deadlines(host, echo):
    with net.dial("tcp", echo) as conn:
        with pytest.raises(ValueError):
            conn.settimeout(-1)
        with pytest.raises(TypeError, match="net.deadline"):
            conn.set_read_deadline(time.monotonic() + 5)
    assert net.deadline is nd.deadline
    assert net.deadline(None) is None


@pytest.mark.parametrize("bad", ["5", "0.5", b"5"])
def test_a_timeout_that_is_not_a_number_says_so(host, echo, bad):
    """``timeout="5"`` (a value from settings.toml, not yet converted) is a TypeError about
    the timeout; it was 'timeout too long', since "5" * 1000 is a long string of fives."""
    with pytest.raises(TypeError, match="timeout"):
        net.dial("tcp", echo, timeout=bad)
    with net.dial("tcp", echo) as conn:
        with pytest.raises(TypeError, match="timeout"):
            conn.settimeout(bad)
    with pytest.raises(TypeError, match="timeout"):
        nd.deadline(bad)
    assert host.open_fds() == []


def test_ports_and_addresses_are_ascii_digits(host):
    """str.isdigit() takes the digits of every script: ":\u0668\u0660" was port 80."""
    for address in (":\u0668\u0660", "127.0.0.1:\u0668\u0660"):
        with pytest.raises(ValueError):
            net.dial("tcp", address, timeout=1)
    assert net.parse_ip("\u0661\u0662\u0667.0.0.1") is None  # (a name, then: no literal)
    with pytest.raises(ValueError):
        net.dial_tcp(("\u0661\u0662\u0667.0.0.1", 80))
    assert net.resolve_tcp_addr("tcp", ":80").port == 80


# -- listening --------------------------------------------------------------------------------


def test_listen_accept_and_talk(host):
    port = free_port()
    with net.listen("tcp", ":%d" % port) as ln:
        assert isinstance(ln, net.TCPListener)
        assert str(ln.addr) == ":%d" % port
        with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
            with ln.accept(timeout=5) as conn:
                assert conn.remote_addr == net.TCPAddr("127.0.0.1", client.getsockname()[1])
                assert conn.local_addr == ln.addr
                client.sendall(b"hi device")
                conn.set_read_deadline(net.deadline(5))
                assert read_exact(conn, 9) == b"hi device"
                conn.write(b"hi host")
                assert client.recv(100) == b"hi host"
                client.shutdown(socket.SHUT_WR)
                assert conn.read(10) == b""
    assert host.open_fds() == []


def test_accept_timeout_and_poll(host):
    port = free_port()
    with net.listen("tcp", "0.0.0.0:%d" % port, backlog=2) as ln:
        assert ln.addr == net.TCPAddr(None, port)
        with pytest.raises(OSError) as info:
            ln.accept(timeout=0.05)
        check_timeout(info, "accept tcp :%d: i/o timeout" % port)
        with pytest.raises(BlockingIOError) as info:
            ln.accept(timeout=0)
        assert info.value.errno == errno.EAGAIN
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            conn = None
            give_up = time.monotonic() + 10
            while conn is None and time.monotonic() < give_up:
                try:
                    conn = ln.accept(timeout=0)
                except BlockingIOError:
                    pass
            assert conn is not None
            conn.close()
    ln.close()
    with pytest.raises(OSError) as info:
        ln.accept()
    assert info.value.errno == errno.EBADF


def test_failed_listen_releases_the_fd(host):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        with pytest.raises(OSError) as info:
            net.listen("tcp", ":%d" % port)
        assert info.value.errno == errno.EADDRINUSE
        assert info.value.args[1].startswith("listen tcp :%d: " % port)
    assert host.open_fds() == []
    with pytest.raises(ValueError, match="port"):
        net.listen("tcp", ":0")
    with pytest.raises(ValueError, match="'tcp'"):
        net.listen("udp", ":5000")


def test_linger_zero_resets_the_peer(host):
    port = free_port()
    with net.listen("tcp", ":%d" % port) as ln:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
            conn = ln.accept(timeout=5)
            conn.set_keepalive(True)
            conn.set_keepalive_period(5)
            conn.set_linger(0)
            conn.close()
            with pytest.raises(ConnectionResetError):
                client.recv(10)


# -- UDP --------------------------------------------------------------------------------------


def test_udp_exchange_with_an_echo(host, udp_echo):
    with net.dial("udp", "%s:%d" % udp_echo) as conn:
        assert isinstance(conn, net.UDPConn)
        assert conn.remote_addr == net.UDPAddr(*udp_echo)
        assert conn.remote_addr.network() == "udp"
        assert 49152 <= conn.local_addr.port <= 65535
        conn.set_read_deadline(net.deadline(5))
        conn.write(b"first datagram")
        conn.write(b"second")
        buf = bytearray(100)
        n = conn.readinto(buf)
        assert bytes(buf[:n]) == b"first datagram"
        n, addr = conn.read_from(buf)
        assert bytes(buf[:n]) == b"second" and addr == conn.remote_addr
        with pytest.raises(OSError) as info:
            conn.write_to(b"x", net.UDPAddr("127.0.0.1", 9))
        assert info.value.errno == errno.EISCONN


def test_udp_skips_an_ephemeral_port_in_use(host, udp_echo, monkeypatch):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as holder:
        for port in range(60000, 60100):
            try:
                holder.bind(("127.0.0.1", port))
                break
            except OSError:
                continue
        monkeypatch.setattr(net_more, "_next_port", port)
        with net.dial_udp(udp_echo) as conn:
            assert conn.local_addr.port not in (0, port)
            conn.settimeout(5)
            conn.write(b"x")
            assert conn.read(10) == b"x"


def test_dial_udp_binds_a_given_local_port(host, udp_echo):
    port = free_port()
    with net.dial_udp(net.UDPAddr(*udp_echo), laddr=net.UDPAddr(None, port)) as conn:
        assert conn.local_addr == net.UDPAddr(None, port)
        assert str(conn.local_addr) == ":%d" % port


def test_udp_read_deadline(host):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as quiet:
        quiet.bind(("127.0.0.1", 0))
        with net.dial("udp", quiet.getsockname()) as conn:
            conn.set_read_deadline(net.deadline(0.05))
            with pytest.raises(OSError) as info:
                conn.read(10)
            check_timeout(info)
            assert info.value.args[1].startswith("read udp :%d->127.0.0.1:" % conn.local_addr.port)


# -- TLS --------------------------------------------------------------------------------------


def test_tls_dial_with_a_trusted_ca(host, lab):
    port = lab.https[1]
    address = "localhost:%d" % port
    with net.dial_tls(address, timeout=10) as conn:
        assert isinstance(conn, net.TLSConn)
        assert conn.remote_addr == net.TLSAddr("localhost", port)
        assert str(conn.remote_addr) == address
        assert conn.remote_addr.network() == "tls"
        assert conn.remote_addr.ip is None
        assert conn.local_addr is None
        conn.settimeout(10)
        conn.write(HTTP_GET)
        assert read_to_eof(conn).startswith(b"HTTP/1.1 200 ")
    with net.dial("tls", ("httpbin.org", port)) as conn:
        conn.set_deadline(net.deadline(10))
        conn.write(HTTP_GET)
        assert read_to_eof(conn).startswith(b"HTTP/1.1 200 ")
    with net.tls.dial("tcp", "127.0.0.1:%d" % port, timeout=10) as conn:
        assert conn.remote_addr.ip == "127.0.0.1"
        conn.write(HTTP_GET)
        assert read_to_eof(conn).startswith(b"HTTP/1.1 200 ")
    assert host.open_fds() == []


def test_tls_wrong_host_fails_clearly_and_releases_the_fd(host, lab):
    port = lab.https_wrong_host[1]
    with pytest.raises(ConnectionAbortedError) as info:
        net.dial_tls(("wrong.host.badssl.com", port), timeout=10)
    assert info.value.errno == errno.ECONNABORTED
    assert info.value.args[1].startswith("dial tls wrong.host.badssl.com:%d: " % port)
    assert host.open_fds() == []


def test_tls_untrusted_ca_fails(make_host, lab):
    dev = make_host(cafile=None)
    with pytest.raises(OSError) as info:
        net.dial_tls(("localhost", lab.https[1]), timeout=10)
    assert info.value.errno == errno.ECONNABORTED
    assert dev.open_fds() == []


def test_tls_package_refuses_what_it_cannot_do(host):
    with pytest.raises(ValueError, match="'tcp'"):
        net.tls.dial("udp", "localhost:443")
    with pytest.raises(NotImplementedError, match="CA bundle"):
        net.tls.dial("tcp", "localhost:443", config={"InsecureSkipVerify": True})
    with pytest.raises(ValueError, match="server name"):
        net.dial_tls(":443")


# -- errors and address helpers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "network,address,match",
    [
        ("tcp6", "127.0.0.1:80", "unsupported network 'tcp6'.*'tcp'"),
        ("unix", "/tmp/x", "unsupported network"),
        ("tcp", "127.0.0.1:notaport", "invalid port 'notaport'"),
        ("tcp", "127.0.0.1:70000", "out of range"),
        ("tcp", "127.0.0.1", "missing port"),
        ("tcp", "127.0.0.1:", "missing port"),
        ("tcp", "0.0.0.0:80", "not a destination|no destination"),
        ("tcp", ":80", "no destination host"),
        ("udp", "0.0.0.0:123", "no destination host"),
        ("tcp", "[::1]:80", "IPv6 is not supported"),
        ("tcp", "::1:80", "too many colons"),
        ("tcp", "[::1:80", "missing ']'"),
        ("tls", "[::1]:443", "IPv6 is not supported"),
        ("tls", "0.0.0.0:443", "server name"),
    ],
)
def test_bad_networks_and_addresses_are_value_errors(host, network, address, match):
    with pytest.raises(ValueError, match=match):
        net.dial(network, address)
    assert host.open_fds() == []


def test_bad_address_types(host):
    with pytest.raises(TypeError):
        net.dial("tcp", 8080)
    with pytest.raises(TypeError):
        net.dial("tcp", (None, 80))
    with pytest.raises(ValueError, match="'tcp' or 'tcp4'"):
        net.resolve_tcp_addr("udp", ":80")
    with pytest.raises(ValueError, match="'udp' or 'udp4'"):
        net.resolve_udp_addr("tcp6", ":80")


def test_no_netdev_bound_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(nd, "_netdev", None)
    with pytest.raises(OSError, match="use_netdev"):
        net.dial("tcp", "127.0.0.1:80")


@pytest.mark.parametrize(
    "hostport,expected",
    [
        ("127.0.0.1:80", ("127.0.0.1", "80")),
        ("example.com:http", ("example.com", "http")),
        (":8080", ("", "8080")),
        ("[::1]:443", ("::1", "443")),
        ("[fe80::1%eth0]:22", ("fe80::1%eth0", "22")),
        ("host:", ("host", "")),
    ],
)
def test_split_host_port(hostport, expected):
    assert net.split_host_port(hostport) == expected
    assert net.join_host_port(*expected) == hostport


@pytest.mark.parametrize(
    "hostport,match",
    [
        ("example.com", "missing port"),
        ("::1", "too many colons"),
        ("[::1]", "missing port"),
        ("[::1", "missing ']'"),
        ("a]:80", "unexpected bracket"),
        ("[a]b]:80", "missing port"),
        ("[a]:[80]", "unexpected bracket"),
        ("a:[80]", "unexpected bracket"),
    ],
)
def test_split_host_port_errors(hostport, match):
    with pytest.raises(ValueError, match=match):
        net.split_host_port(hostport)


def test_join_host_port_and_parse_ip():
    assert net.split_host_port("[]:1") == ("", "1")
    assert net.join_host_port("10.0.0.1", 8080) == "10.0.0.1:8080"
    assert net.join_host_port("::1", "80") == "[::1]:80"
    assert net.parse_ip("10.0.0.100") == "10.0.0.100"
    assert net.parse_ip("010.000.000.001") == "10.0.0.1"
    for bad in ("256.0.0.1", "1.2.3", "::1", "example.com", "", None, "1.2.3.4 "):
        assert net.parse_ip(bad) is None


def test_addresses_compare_hash_and_print():
    a = net.TCPAddr("10.0.0.1", 80)
    assert a == net.TCPAddr("10.0.0.1", 80) and a != net.UDPAddr("10.0.0.1", 80)
    assert len({a, net.TCPAddr("10.0.0.1", 80), net.UDPAddr("10.0.0.1", 80)}) == 2
    assert repr(a) == "TCPAddr('10.0.0.1', 80)"
    assert str(net.TCPAddr("", 8080)) == ":8080" and net.TCPAddr("", 1).ip is None
    tls = net.TLSAddr("10.0.0.1", 443)
    assert tls.ip == "10.0.0.1" and tls.host == "10.0.0.1" and tls != a
    assert str(net.TLSAddr("httpbin.org", 443)) == "httpbin.org:443"


# -- over every netdev ------------------------------------------------------------------------
#
# The same net code over each netdev registered in tests/device_*.py (conftest's ``dev``
# checks that no fd is left open). Addresses are the lab's own, which every netdev reaches.


@pytest.fixture
def bound(dev):
    previous = bound_netdev()
    yield nd.use_netdev(dev)
    nd.use_netdev(previous)


def test_every_netdev_tcp_echo_and_end_of_stream(bound, lab):
    payload = os.urandom(20_000)
    with net.dial("tcp", lab.tcp_echo, timeout=10) as conn:
        conn.set_deadline(net.deadline(20))
        conn.write(payload)
        assert read_exact(conn, len(payload)) == payload
    with net.dial("tcp", lab.http, timeout=10) as conn:
        conn.set_deadline(net.deadline(20))
        conn.write(HTTP_GET)
        assert read_to_eof(conn).startswith(b"HTTP/1.1 200 ")
        assert conn.read(10) == b""


def test_every_netdev_udp_echo(bound, lab):
    with net.dial("udp", lab.udp_echo) as conn:
        assert 49152 <= conn.local_addr.port <= 65535
        conn.settimeout(10)
        conn.write(b"datagram")
        assert conn.read(100) == b"datagram"


def test_every_netdev_tls(bound, lab):
    with net.dial_tls(("localhost", lab.https[1]), timeout=20) as conn:
        conn.set_deadline(net.deadline(20))
        conn.write(HTTP_GET)
        assert read_to_eof(conn).startswith(b"HTTP/1.1 200 ")
    with pytest.raises(OSError):
        net.dial_tls(("wrong.host.badssl.com", lab.https_wrong_host[1]), timeout=20)


def test_every_netdev_timeouts_and_non_blocking_reads(bound, lab):
    with net.dial("tcp", lab.tcp_sink, timeout=10) as conn:
        conn.write(b"nothing comes back")
        conn.set_read_deadline(net.deadline(0.1))
        with pytest.raises(OSError) as info:
            conn.read(10)
        check_timeout(info, "read tcp %s:%d: i/o timeout" % lab.tcp_sink)
        conn.set_read_deadline(None)
        conn.settimeout(0)
        with pytest.raises(OSError) as info:
            conn.read(10)
        assert info.value.errno == errno.EAGAIN


def test_every_netdev_listen_and_accept(bound):
    ip = device_ip(bound)  # an emulated co-processor's own address (127.0.0.2)
    port = free_port()
    with net.listen("tcp", ":%d" % port) as ln:
        with pytest.raises(OSError) as info:
            ln.accept(timeout=0)
        assert info.value.errno == errno.EAGAIN
        with socket.create_connection((ip, port), timeout=10) as client:
            # The client speaks first: NINA-FW 1.x only reports a client once it has data.
            client.sendall(b"to device")
            with ln.accept(timeout=10) as conn:
                # None: a peer the device could not tell (the RTL8720DN, now and then)
                assert conn.remote_addr is None or conn.remote_addr.port == client.getsockname()[1]
                conn.set_deadline(net.deadline(10))
                assert read_exact(conn, 9) == b"to device"
                conn.write(b"to host")
                assert client.recv(100) == b"to host"


def test_every_netdev_refused_dial_releases_the_fd(bound):
    with pytest.raises(OSError):
        net.dial("tcp", ("127.0.0.1", free_port()), timeout=10)


# -- CircuitPython compatibility --------------------------------------------------------------

PACKAGES = ("net/__init__.py", "net/_more.py", "net/tls.py", "adafruit_netdev/__init__.py")

# Runs under MicroPython: imports the .mpy files, exercises the pure helpers, then checks
# that a steady-state readinto/write on an open conn allocates nothing (heap locked),
# over a minimal in-memory netdev that echoes what was sent (the allocation is measured
# in net, not in a device).
MICROPYTHON_SCRIPT = """
import sys, micropython
import net, net.tls, adafruit_netdev as nd
assert net.split_host_port("[::1]:80") == ("::1", "80")
assert net.join_host_port("::1", 80) == "[::1]:80"
assert net.parse_ip("10.0.0.1") == "10.0.0.1" and net.parse_ip("::1") is None
assert str(net.resolve_tcp_addr("tcp", ":8080")) == ":8080"
try:
    net.dial("tcp6", "1.2.3.4:80")
    raise SystemExit("tcp6 accepted")
except ValueError:
    pass

class Pipe:
    def __init__(self):
        self.data = bytearray(64)
        self.n = 0
        self.fail = None
    def socket(self, domain, stype, proto):
        return 3
    def connect(self, fd, host, address, deadline=None):
        pass
    def send(self, fd, buf, flags=0, deadline=None):
        n = len(buf)
        data = self.data
        for i in range(n):
            data[i] = buf[i]
        self.n = n
        return n
    def recv(self, fd, buf, flags=0, deadline=None):
        if self.fail is not None:
            raise self.fail
        n = self.n
        data = self.data
        for i in range(n):
            buf[i] = data[i]
        return n
    def close(self, fd):
        pass

def steady_state(conn, out, buf):
    # Locals only: a first store into a global would grow the module's dict.
    micropython.heap_lock()
    try:
        for _ in range(100):
            conn.write(out)
            n = conn.readinto(buf)
    finally:
        micropython.heap_unlock()
    return n

nd.use_netdev(Pipe())
conn = net.dial("tcp", "10.0.0.1:80")
out = b"0123456789abcdef"
buf = bytearray(32)
for timeout in (None, 5):
    conn.settimeout(timeout)
    conn.set_read_deadline(net.deadline(60))
    conn.write(out)
    conn.readinto(buf)
    n = steady_state(conn, out, buf)
    assert n == 16 and bytes(buf[:n]) == out
# Error paths: Go's OpError text, the errno kept, EAGAIN only for non-blocking calls.
pipe = nd.netdev()
for timeout, code, text in ((None, nd.ETIMEDOUT, "i/o timeout"), (0, nd.EAGAIN, "would block")):
    conn.settimeout(timeout)
    conn.set_read_deadline(None)
    for fail in (nd.timeout_error("recv timed out"), OSError(nd.EAGAIN, "recv: would block")):
        pipe.fail = fail
        try:
            conn.read(4)
            raise SystemExit("no error")
        except OSError as e:
            assert e.args[0] == code, e.args
            assert e.args[1].startswith("read tcp 10.0.0.1:80: " + text), e.args
pipe.fail = None
conn.close()
conn.close()
try:
    conn.write(b"x")
    raise SystemExit("write after close")
except OSError as e:
    assert e.args[0] == nd.EBADF
print("MICROPYTHON-OK", sys.implementation.name)
"""


def test_net_byte_compiles_imports_and_does_not_allocate_under_micropython(tmp_path):
    for rel in PACKAGES:
        out = tmp_path / (rel[:-3] + ".mpy")
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([MPY_CROSS, "-o", str(out), str(ROOT / rel)], check=True, capture_output=True)
    import adafruit_ticks

    shutil.copy(adafruit_ticks.__file__, tmp_path / "adafruit_ticks.py")
    script = tmp_path / "check.py"
    script.write_text(MICROPYTHON_SCRIPT)
    env = dict(os.environ, MICROPYPATH=str(tmp_path))
    result = subprocess.run(
        [MICROPYTHON, str(script)],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "MICROPYTHON-OK micropython" in result.stdout
