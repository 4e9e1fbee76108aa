# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Network faults on every emulated driver (and the host netdev where the fault exists for
it): the access point going away and coming back (the watchdog reconnects and fires the
events, sockets from before report errors), DNS failing, peers that reset, half-close,
read one byte at a time or never answer, bad TLS certificates, every socket in use. Each
ends in a clear OSError or the exact data, within bounded time, and nothing leaks."""

import errno
import time

import pytest

import adafruit_netdev as nd
import net
from adafruit_netdev import socketpool
from netdev_emulator import lab_tls
from netdev_emulator.faults import fault_peers
from tools.rigs import DOWN, EMULATED, UP, Events, Rig, chunk, echo_round, recv_some

BOUND = 15.0


def connect_peer(rig, kind, lab):
    """An fd connected to a misbehaving peer of ``kind``: through the emulator's switchboard
    (the chip's next connection is routed there), or directly for the host netdev."""
    dev = rig.dev
    if rig.emu is not None:
        rig.faults.arm(kind)
        address = lab.tcp_echo
    else:
        address = fault_peers().address(kind, 1024)
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
    try:
        dev.connect(fd, "", address, nd.deadline(10))
    except BaseException:
        dev.close(fd)
        raise
    if rig.emu is not None:
        assert rig.faults.armed(kind) == 0, "the connection did not meet the %s fault" % kind
    return fd


# -- access point --------------------------------------------------------------------------


@pytest.mark.parametrize("name", EMULATED)
def test_access_point_lost_and_back(name, lab):
    rig = Rig(name, lab, watchdog=0.1)
    try:
        dev = rig.dev
        events = Events()
        dev.net_notify(events)
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))
        dev.send(fd, b"before", 0, nd.deadline(5))
        assert recv_some(dev, fd, 6) == (b"before", None)

        rig.faults.outage_seconds = 1.0
        rig.faults.arm("ap_outage")
        dev.addr()  # the exchange the outage happens at
        assert rig.faults.injected["ap_outage"] == 1
        # the connection went with the link: it reports an error, not a clean end of stream
        errors = []
        for op in ("recv", "send"):
            started = time.monotonic()
            try:
                if op == "recv":
                    n = dev.recv(fd, bytearray(16), 0, nd.deadline(2))
                    errors.append("recv returned %d" % n)
                else:
                    dev.send(fd, b"after", 0, nd.deadline(2))
                    errors.append("send returned")
            except OSError as exc:
                errors.append(exc.args[0])
                assert exc.args[0] != nd.ETIMEDOUT, exc.args
            assert time.monotonic() - started < BOUND
        assert all(isinstance(e, int) for e in errors), errors
        dev.close(fd)
        # the watchdog saw the link go, reconnects when the access point is back, and says so
        assert events.wait_for(DOWN), events.seen
        assert events.wait_for(UP), events.seen
        assert events.seen[-2:] == [DOWN, UP], events.seen
        payload = chunk(1, 3000)
        assert echo_round(dev, lab.tcp_echo, payload) == payload
        assert rig.leaks() == ([], [])
    finally:
        rig.close()


# -- DNS -------------------------------------------------------------------------------------


def test_dns_failure_is_a_clear_error_then_lookups_work(rig):
    dev = rig.dev
    rig.faults.arm("dns_failure")
    with pytest.raises(OSError) as info:
        dev.gethostbyname("httpbin.org")
    assert isinstance(info.value, nd.HostUnknownError)
    assert info.value.args[0] == nd.EAI_NONAME and "httpbin.org" in info.value.args[1]
    assert rig.faults.injected["dns_failure"] >= 1
    assert dev.gethostbyname("httpbin.org") == "127.0.0.1"
    # through the socketpool: the gaierror the Adafruit libraries expect
    rig.faults.arm("dns_failure")
    pool = socketpool.SocketPool(dev)
    with pytest.raises(pool.gaierror):
        pool.getaddrinfo("httpbin.org", 443)
    assert pool.getaddrinfo("httpbin.org", 443)[0][4] == ("127.0.0.1", 443)


# -- peers -----------------------------------------------------------------------------------


def test_peer_resets_the_connection(any_rig, lab):
    dev = any_rig.dev
    fd = connect_peer(any_rig, "peer_reset", lab)
    try:
        payload = chunk(1, 2048)
        try:
            dev.send(fd, payload, 0, nd.deadline(5))
        except OSError as exc:  # the RST may already be there
            assert exc.args[0] in (nd.ECONNRESET, nd.EPIPE), exc.args
        got, exc = recv_some(dev, fd, len(payload))
        assert payload.startswith(got) and len(got) <= 1024  # exact, then the end
        if any_rig.kind == "nina":
            # NINA-FW reports a reset connection as closed, like an orderly end: the driver
            # cannot tell them apart (documented); it must not pretend more data came
            assert exc is None or exc.args[0] in (nd.ECONNRESET, nd.EPIPE), exc
        else:
            assert exc is not None and exc.args[0] == nd.ECONNRESET, (got, exc)
            assert "reset" in exc.args[1].lower(), exc.args
        with pytest.raises(OSError) as info:
            for _ in range(3):
                dev.send(fd, b"more", 0, nd.deadline(2))
        assert info.value.args[0] in (nd.ECONNRESET, nd.EPIPE, nd.ENOTCONN), info.value.args
    finally:
        dev.close(fd)


def test_peer_half_closes_the_connection(any_rig, lab):
    dev = any_rig.dev
    fd = connect_peer(any_rig, "peer_half_close", lab)
    try:
        payload = chunk(2, 2048)
        dev.send(fd, payload, 0, nd.deadline(5))
        got, exc = recv_some(dev, fd, len(payload))
        assert exc is None, exc
        assert got == payload[:1024]  # the echo up to the half-close, then end of stream
        assert dev.recv(fd, bytearray(16), 0, nd.deadline(2)) == 0  # and it stays ended
        try:  # the peer still reads: sending works, or (NINA-FW) the socket is closed
            dev.send(fd, b"still here", 0, nd.deadline(2))
        except OSError as exc:
            assert any_rig.kind == "nina" and exc.args[0] == nd.EPIPE, exc.args
    finally:
        dev.close(fd)


def test_peer_reading_one_byte_at_a_time(any_rig, lab):
    dev = any_rig.dev
    fd = connect_peer(any_rig, "peer_slow", lab)
    try:
        payload = b"".join(chunk(i, 1000) for i in range(12))
        dev.send(fd, payload, 0, nd.deadline(20))
        got, exc = recv_some(dev, fd, len(payload), timeout=20)
        assert exc is None, exc
        assert got == payload
    finally:
        dev.close(fd)


def test_peer_that_never_answers(any_rig, lab):
    dev = any_rig.dev
    fd = connect_peer(any_rig, "peer_silent", lab)
    try:
        buf = bytearray(64)
        started = time.monotonic()
        with pytest.raises(OSError) as info:
            dev.recv(fd, buf, 0, nd.deadline(0.3))
        assert info.value.args[0] == nd.ETIMEDOUT and isinstance(info.value, TimeoutError)
        assert time.monotonic() - started < BOUND
        with pytest.raises(OSError) as info:
            dev.recv(fd, buf, 0, nd.deadline(0))  # non-blocking: nothing there
        assert info.value.args[0] == nd.EAGAIN
        dev.send(fd, b"anyone there?", 0, nd.deadline(5))  # fits the buffers: no error
    finally:
        dev.close(fd)


# -- TLS -------------------------------------------------------------------------------------

BAD_CERTIFICATES = (
    (lab_tls.EXPIRED_NAME, "expired"),
    (lab_tls.SELF_SIGNED_NAME, "self-signed"),
    (lab_tls.WRONG_HOST_NAME, "wrong host"),
)


def tls_port(rig, lab, host):
    """443 for a chip (its world maps the port to the lab's server); the lab server's own
    port for the host netdev (which maps names, not ports)."""
    if rig.emu is not None:
        return 443
    return lab.network_settings()["ports"][(host, 443)]


@pytest.mark.parametrize(("host", "why"), BAD_CERTIFICATES)
def test_bad_certificate_is_refused_with_the_reason(any_rig, host, why, lab):
    dev = any_rig.dev
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
    try:
        started = time.monotonic()
        with pytest.raises(OSError) as info:
            dev.connect(fd, host, (dev.gethostbyname(host), tls_port(any_rig, lab, host)), nd.deadline(10))
        assert time.monotonic() - started < BOUND
        assert info.value.args[0] in (nd.ECONNABORTED, nd.ECONNREFUSED), info.value.args
        assert "certificate" in info.value.args[1], info.value.args
    finally:
        dev.close(fd)
    # the net package (TinyGo's DialTLS) refuses it too
    nd.use_netdev(dev)
    try:
        with pytest.raises(OSError) as info:
            net.dial_tls("%s:%d" % (host, tls_port(any_rig, lab, host)), timeout=10)
        assert "certificate" in info.value.args[1], info.value.args
    finally:
        nd.use_netdev(None)
    # the socketpool path (what adafruit_requests uses) refuses it too, also when asked not to
    pool = socketpool.SocketPool(dev)
    context = socketpool.create_default_context()
    with pytest.raises(ValueError):
        context.check_hostname = False
    context.verify_mode = 0  # ssl.CERT_NONE: not honoured, the device always verifies
    sock = context.wrap_socket(pool.socket(), server_hostname=host)
    try:
        sock.settimeout(10)
        with pytest.raises(OSError) as info:
            sock.connect((host, tls_port(any_rig, lab, host)))
        assert "certificate" in str(info.value)
    finally:
        sock.close()
    # and a good certificate still works afterwards
    sock = context.wrap_socket(pool.socket(), server_hostname="httpbin.org")
    try:
        sock.settimeout(10)
        sock.connect(("httpbin.org", tls_port(any_rig, lab, "httpbin.org")))
        sock.sendall(b"GET /get HTTP/1.1\r\nHost: httpbin.org\r\nConnection: close\r\n\r\n")
        assert sock.recv(12) == b"HTTP/1.1 200"
    finally:
        sock.close()


# -- resources -------------------------------------------------------------------------------


def test_every_socket_in_use(rig, lab):
    dev = rig.dev
    connected, error = [], None
    try:
        for _ in range(20):
            try:
                fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
            except OSError as exc:
                error = exc
                break
            try:
                dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))
            except OSError as exc:  # the fd table had room, the chip did not
                dev.close(fd)
                error = exc
                break
            connected.append(fd)
        assert isinstance(error, nd.NoMoreSocketsError), error
        assert error.args[0] == errno.ENOMEM and "socket" in error.args[1], error.args
        assert len(connected) >= 4
        for index, fd in enumerate(connected):  # every connection made works
            data = chunk(index, 100)
            dev.send(fd, data, 0, nd.deadline(5))
            assert recv_some(dev, fd, 100) == (data, None)
        dev.close(connected.pop(0))  # one freed makes room for a new one
        payload = chunk(99, 2000)
        assert echo_round(dev, lab.tcp_echo, payload) == payload
    finally:
        for fd in connected:
            dev.close(fd)
