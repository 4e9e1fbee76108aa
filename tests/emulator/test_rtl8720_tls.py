# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The RTL8720DN emulator's mbedTLS client (service 17) against a TLS server on
127.0.0.1 with a trustme certificate: verification, SNI, handles, return codes, the
session's lwIP socket, and the firmware's crash on a freed context."""

import queue
import socket
import ssl
import threading

import pytest
import trustme

from netdev_emulator import Network, RTL8720Emulator
from tests.emulator.heap import HeapPeak
from tests.emulator.rtl8720_client import Client, binary, i32, null, present, string, u16, u32

WANT_READ = -0x6900
PEER_CLOSE_NOTIFY = -0x7880
X509_CERT_VERIFY_FAILED = -0x2700
CONN_EOF = -0x7280


class TlsServer:
    """Echoes lines; ``CLOSE`` answers with a close_notify, ``DROP`` closes the TCP
    connection without one. Records the SNI each handshake carried, and each completed
    handshake (in ``ends``: what the client did next, "eof" when it closed the connection
    without sending anything)."""

    def __init__(self, ca):
        cert = ca.issue_cert("tls.test")
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(self.context)
        self.server_names = []
        self.ends = queue.Queue()
        self.context.sni_callback = self._sni
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _sni(self, sslobj, name, context):
        self.server_names.append(name)

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        conn.settimeout(10)
        try:
            tls = self.context.wrap_socket(conn, server_side=True)
        except (OSError, ssl.SSLError):
            conn.close()
            return
        first = True
        try:
            buf = b""
            while True:
                data = tls.recv(65536)
                if first:
                    self.ends.put("data" if data else "eof")
                    first = False
                if not data:
                    break
                buf += data
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    if line == b"CLOSE":
                        tls.unwrap().close()
                        return
                    if line == b"DROP":
                        conn.close()
                        return
                    if line.startswith(b"BIG"):
                        tls.sendall(bytes(int(line[3:])))
                        continue
                    tls.sendall(line + b"\n")
        except (OSError, ssl.SSLError) as exc:
            if first:
                self.ends.put("error: %s" % exc)
        finally:
            tls.close()

    def drain(self):
        while not self.ends.empty():
            self.ends.get_nowait()

    def close(self):
        self.sock.close()


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture(scope="module")
def other_ca():
    return trustme.CA()


@pytest.fixture(scope="module")
def server(ca):
    srv = TlsServer(ca)
    yield srv
    srv.close()


def make_world(server, cafile):
    return Network(
        access_points={"lab-ap": "lab-password"},
        hosts={"tls.test": "127.0.0.1", "other.test": "127.0.0.1"},
        ports={("tls.test", 443): server.port, ("other.test", 443): server.port},
        cafile=cafile,
        resolve_host_names=False,
    )


@pytest.fixture
def trusted(tmp_path, ca, server):
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return make_world(server, str(path))


@pytest.fixture
def untrusted(tmp_path, other_ca, server):
    path = tmp_path / "other-ca.pem"
    other_ca.cert_pem.write_to_path(str(path))
    return make_world(server, str(path))


def joined(chip):
    client = Client(chip.uart)
    assert client.join("lab-ap", "lab-password") == 0
    return client


def new_session(client, timeout_ms=120000):
    reply, _ = client.call(17, 1)
    handle = reply.u32()
    assert handle >= 0x10000000  # an AmebaD heap address: never 0, never an lwIP fd
    assert client.call(17, 3, u32(handle))[0].done()  # init: void
    if timeout_ms is not None:
        assert client.call(17, 5, u32(handle) + u32(timeout_ms))[0].done()
    return handle


def start(client, handle, host, port=443, timeout=0):
    host_param = null() if host is None else present(string(host))
    return client.result(17, 18, u32(handle) + host_param + u32(port) + i32(timeout))


def tls_send(client, handle, data):
    return client.result(17, 21, u32(handle) + binary(data) + u16(len(data)))


def tls_recv(client, handle, length=4080):
    reply, events = client.call(17, 22, u32(handle) + i32(length))
    assert not events
    data = reply.binary()
    result = reply.i32()
    assert reply.done()
    if result <= 0:
        assert len(data) == 1
        return result, b""
    assert len(data) == result
    return result, data


def read_until(client, handle, count, length=4080):
    data = b""
    for _ in range(500):
        result, chunk = tls_recv(client, handle, length)
        if result > 0:
            data += chunk
            if len(data) >= count:
                return data
        else:
            assert result == WANT_READ, result
            client.result(17, 20, u32(handle))  # data_to_read: waits a little on the chip
    raise AssertionError("only %d of %d bytes arrived" % (len(data), count))


def finish(client, handle):
    assert client.call(17, 19, u32(handle))[0].done()  # stop: void
    assert client.call(17, 2, u32(handle))[0].done()  # destroy: void


def test_trusted_server_round_trip(trusted, server):
    with RTL8720Emulator(trusted) as chip:
        client = joined(chip)
        handle = new_session(client)
        fd = start(client, handle, "tls.test")
        assert 0 <= fd < 8
        assert client.result(17, 6, u32(handle)) == fd  # get_socket
        assert chip.open_sockets()[fd]["tls"] == handle
        session = chip.tls_sessions()[handle]
        assert (session["state"], session["fd"], session["verify"]) == ("connected", fd, True)
        assert server.server_names[-1] == "tls.test"  # SNI sent
        assert tls_send(client, handle, b"hello over TLS\n") == 15
        assert read_until(client, handle, 15) == b"hello over TLS\n"
        assert tls_send(client, handle, b"BIG20000\n") == 9
        assert read_until(client, handle, 20000) == bytes(20000)
        assert tls_send(client, handle, b"CLOSE\n") == 6
        for _ in range(500):
            result, _ = tls_recv(client, handle)
            if result != WANT_READ:
                break
            client.result(17, 20, u32(handle))
        assert result == PEER_CLOSE_NOTIFY
        assert tls_recv(client, handle)[0] == PEER_CLOSE_NOTIFY
        finish(client, handle)
        assert chip.open_sockets() == {}
        assert chip.tls_sessions() == {}


def check_unverified_start(chip, client, handle, server, host, flags):
    """What wifi_ssl_client.c does with a certificate that fails verification under
    mbedTLS 2.4: the handshake completes (the server sees it end with the client closing
    the connection), the session is stopped, and start_ssl_client returns 0."""
    server.drain()
    assert start(client, handle, host) == 0  # a valid socket number, on the chip too
    assert server.ends.get(timeout=10) == "eof"  # handshake done, then closed unused
    # rpc_wifi_ssl_get_socket: the stop set the session's socket to -1
    assert client.result(17, 6, u32(handle)) == -1
    assert chip.open_sockets() == {}
    session = chip.tls_sessions()[handle]
    assert (session["state"], session["fd"]) == ("stopped", -1)
    assert session["verify_result"] == flags
    # the stopped session's context is freed: a send fails, nothing reaches the server
    assert tls_send(client, handle, b"x") < 0
    finish(client, handle)
    assert chip.tls_sessions() == {}


def test_untrusted_server_looks_connected_then_reads_no_socket(untrusted, server):
    with RTL8720Emulator(untrusted) as chip:
        client = joined(chip)
        handle = new_session(client)
        check_unverified_start(chip, client, handle, server, "tls.test", 0x08)  # NOT_TRUSTED


def test_wrong_name_looks_connected_then_reads_no_socket(trusted, server):
    with RTL8720Emulator(trusted) as chip:
        client = joined(chip)
        handle = new_session(client)
        check_unverified_start(chip, client, handle, server, "other.test", 0x04)  # CN_MISMATCH


def test_untrusted_root_ca_from_the_host(untrusted, other_ca, server):
    with RTL8720Emulator(untrusted, tls_without_ca="none") as chip:
        client = joined(chip)
        handle = new_session(client)
        pem = other_ca.cert_pem.bytes().decode()
        assert client.call(17, 8, u32(handle) + string(pem))[0].u32() == 0
        check_unverified_start(chip, client, handle, server, "tls.test", 0x08)


def test_a_verified_start_reads_its_socket(trusted, server):
    with RTL8720Emulator(trusted) as chip:
        client = joined(chip)
        handle = new_session(client)
        server.drain()
        fd = start(client, handle, "tls.test")
        assert fd >= 0 and client.result(17, 6, u32(handle)) == fd
        assert chip.tls_sessions()[handle]["verify_result"] == 0
        finish(client, handle)
        assert server.ends.get(timeout=10) == "eof"


def test_root_ca_from_the_host_verifies(untrusted, ca, server):
    with RTL8720Emulator(untrusted) as chip:
        client = joined(chip)
        handle = new_session(client)
        pem = ca.cert_pem.bytes().decode()
        reply, _ = client.call(17, 8, u32(handle) + string(pem))
        assert reply.u32() == 0 and reply.done()
        reply, _ = client.call(17, 9, u32(handle) + b"\x00")  # get_rootCA, value wanted
        assert reply.string() == pem
        fd = start(client, handle, "tls.test")
        assert fd >= 0
        assert tls_send(client, handle, b"ca\n") == 3
        assert read_until(client, handle, 3) == b"ca\n"
        finish(client, handle)
        assert chip.open_sockets() == {}


def test_real_firmware_without_ca_neither_verifies_nor_sends_sni(untrusted, server):
    with RTL8720Emulator(untrusted, tls_without_ca="none") as chip:
        client = joined(chip)
        handle = new_session(client)
        before = len(server.server_names)
        assert start(client, handle, "tls.test") >= 0
        assert tls_send(client, handle, b"no verify\n") == 10
        assert read_until(client, handle, 10) == b"no verify\n"
        assert server.server_names[before:] == [None]
        assert chip.tls_sessions()[handle]["verify"] is False
        finish(client, handle)


def test_drop_without_close_notify_reads_zero(trusted):
    with RTL8720Emulator(trusted) as chip:
        client = joined(chip)
        handle = new_session(client)
        assert start(client, handle, "tls.test") >= 0
        tls_send(client, handle, b"DROP\n")
        for _ in range(500):
            result, _ = tls_recv(client, handle)
            if result != WANT_READ:
                break
            client.result(17, 20, u32(handle))
        assert result == 0
        finish(client, handle)


def test_handshake_timeout_never_set_gives_up_at_once(trusted):
    with RTL8720Emulator(trusted) as chip:
        client = joined(chip)
        handle = new_session(client, timeout_ms=None)  # a clean context: 0 ms
        assert start(client, handle, "tls.test") == WANT_READ
        fd_left = list(chip.open_sockets())
        assert len(fd_left) == 1  # not a verification failure: the socket stays open
        finish(client, handle)  # stop closes it
        assert chip.open_sockets() == {}


def test_a_server_that_hangs_up_in_the_handshake_is_retried_until_the_timeout(tmp_path, ca):
    """mbedTLS 2.4 keeps no error: the firmware's loop calls the handshake again every
    10 ms until handshake_timeout, and returns the last result, the connection's end."""
    closer = socket.socket()
    closer.bind(("127.0.0.1", 0))
    closer.listen(4)

    def hang_up():
        conn, _ = closer.accept()
        conn.recv(1024)  # the ClientHello
        conn.close()

    threading.Thread(target=hang_up, daemon=True).start()
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    world = Network(access_points={"lab-ap": "lab-password"}, hosts={"tls.test": "127.0.0.1"},
                    ports={("tls.test", 443): closer.getsockname()[1]}, cafile=str(path),
                    resolve_host_names=False)
    try:
        with RTL8720Emulator(world) as chip:
            client = joined(chip)
            handle = new_session(client, timeout_ms=3000)
            before = chip.stats.snapshot()["model_seconds"]
            assert start(client, handle, "tls.test") == CONN_EOF
            assert chip.stats.snapshot()["model_seconds"] - before >= 2.5  # model time, not waited
            finish(client, handle)
    finally:
        closer.close()


def test_unknown_host_leaks_the_socket_until_stop(trusted):
    with RTL8720Emulator(trusted) as chip:
        client = joined(chip)
        handle = new_session(client)
        assert start(client, handle, "nowhere.test") == -1
        assert [info["tls"] for info in chip.open_sockets().values()] == [handle]
        finish(client, handle)
        assert chip.open_sockets() == {}


def test_destroy_without_stop_leaks_the_socket(trusted):
    with RTL8720Emulator(trusted) as chip:
        client = joined(chip)
        handle = new_session(client)
        fd = start(client, handle, "tls.test")
        assert client.call(17, 2, u32(handle))[0].done()
        assert chip.tls_sessions() == {}
        assert list(chip.open_sockets()) == [fd]  # what a leak test should catch
        assert client.close(fd) == 0


def test_freed_context_crashes_the_firmware(trusted):
    with RTL8720Emulator(trusted) as chip:
        client = joined(chip)
        handle = new_session(client)
        finish(client, handle)
        client.send(17, 22, u32(handle) + i32(10))  # use after free
        assert client.read_frame(timeout=0.2) is None
        assert chip.crashed
        client.send(1, 1)
        assert client.read_frame(timeout=0.2) is None  # nothing answers any more
        chip.reset()
        assert chip.crashed is None
        assert client.call(1, 1)[0].string() == "2.1.3"


def test_sessions_share_the_eight_slots(trusted):
    with RTL8720Emulator(trusted) as chip:
        client = joined(chip)
        tcp = [client.socket() for _ in range(7)]
        handle = new_session(client)
        assert start(client, handle, "tls.test") == 7
        extra = new_session(client)
        assert start(client, extra, "tls.test") == -1
        assert client.errno() == 23  # ENFILE: no socket for the second session
        finish(client, extra)
        finish(client, handle)
        for fd in tcp:
            client.close(fd)
        assert chip.open_sockets() == {} and chip.tls_sessions() == {}


def test_strerror(trusted):
    with RTL8720Emulator(trusted) as chip:
        client = Client(chip.uart)
        reply, _ = client.call(17, 25, i32(X509_CERT_VERIFY_FAILED) + u32(64))
        text = reply.binary()
        assert len(text) == 64 and text.startswith(b"X509 - Certificate verification failed")


def test_strerror_with_a_buffer_no_heap_holds_is_dropped(trusted):
    # the shim cannot allocate a 3.7 GB buffer: no reply, and the next call is answered
    with RTL8720Emulator(trusted) as chip:
        client = Client(chip.uart)
        client.send(17, 25, i32(X509_CERT_VERIFY_FAILED) + u32(0xDEADBEEF))
        reply, _ = client.call(1, 1)  # the first reply is this one's (it checks the sequence)
        assert reply.string() == chip.firmware


@pytest.mark.parametrize("max_content_len", [None, 8192])
def test_a_send_longer_than_a_record_writes_one_record(trusted, max_content_len):
    # send_ssl_data with a u16 len past the max fragment writes one record and says how
    # much went (docs/protocol-rtl8720dn.rst, TLS); the firmware reads `len` bytes from a shorter buffer
    with RTL8720Emulator(trusted, tls_max_content_len=max_content_len) as chip:
        client = joined(chip)
        handle = new_session(client)
        assert start(client, handle, "tls.test") >= 0
        sent = client.result(17, 21, u32(handle) + binary(b"long\n") + u16(60000))
        assert sent == (max_content_len or 16384)
        assert tls_send(client, handle, b"after\n") == 6  # the session goes on
        finish(client, handle)


def test_receive_with_a_huge_length_reads_at_most_one_record(trusted):
    # mbedtls_ssl_read hands over at most the rest of one record (16 KiB of content at the
    # most): a length of 2 GiB must not make the emulator allocate 2 GiB
    with RTL8720Emulator(trusted) as chip:
        client = joined(chip)
        handle = new_session(client)
        assert start(client, handle, "tls.test") >= 0
        assert tls_send(client, handle, b"huge\n") == 5
        with HeapPeak() as heap:
            assert read_until(client, handle, 5, length=0x7FFFFFFF) == b"huge\n"
        assert heap.peak < 1024 * 1024
        assert tls_send(client, handle, b"after\n") == 6
        assert read_until(client, handle, 6) == b"after\n"
        finish(client, handle)
