# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The lab's peers, each checked with a real stdlib (or websockets) client, the bad TLS
servers rejected by a verifying client, and a clean, bounded start and stop."""

import contextlib
import http.client
import json
import os
import socket
import ssl
import struct
import threading
import time

import pytest

from netdev_emulator import Lab, Network
from netdev_emulator.lab_http import CHUNKED_PARTS, HOME_PAGE, deterministic_bytes
from netdev_emulator.lab_peers import NTP_UNIX_OFFSET, sntp_reply

TIMEOUT = 10.0


def connect(address, timeout=TIMEOUT):
    return socket.create_connection(address, timeout=timeout)


def read_to_eof(sock):
    parts = []
    while True:
        data = sock.recv(65536)
        if not data:
            return b"".join(parts)
        parts.append(data)


def tls_connect(lab, address, server_hostname):
    ctx = ssl.create_default_context(cafile=lab.cafile)
    raw = connect(address)
    try:
        return ctx.wrap_socket(raw, server_hostname=server_hostname)
    except BaseException:
        raw.close()
        raise


def http_connection(lab):
    return http.client.HTTPConnection(*lab.http, timeout=TIMEOUT)


def request(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response, response.read()


# -- TCP / UDP ----------------------------------------------------------------------------


def test_tcp_echo_serves_concurrent_clients_until_half_close(lab):
    payloads = [os.urandom(64 * 1024 + i) for i in range(4)]
    results = [None] * len(payloads)
    socks = [connect(lab.tcp_echo) for _ in payloads]

    def run(index):
        sock = socks[index]
        sock.sendall(payloads[index])
        sock.shutdown(socket.SHUT_WR)
        results[index] = read_to_eof(sock)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(payloads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    for sock in socks:
        sock.close()
    assert results == payloads


def test_tcp_echo_answers_before_the_client_is_done(lab):
    with connect(lab.tcp_echo) as sock:
        for line in (b"first\n", b"second\n"):
            sock.sendall(line)
            got = b""
            while len(got) < len(line):
                got += sock.recv(100)
            assert got == line


def test_tcp_sink_records_each_connection(lab):
    lab.sink.clear()
    payloads = [b"a" * 10, os.urandom(133780), b""]
    for payload in payloads:
        with connect(lab.tcp_sink) as sock:
            sock.sendall(payload)
            sock.shutdown(socket.SHUT_WR)
            assert read_to_eof(sock) == b""  # the sink closes after the end
    assert lab.sink.wait_closed(3, TIMEOUT) == payloads
    lab.sink.clear()
    assert lab.sink.closed == []


def test_tcp_sink_records_a_reset_connection(lab):
    lab.sink.clear()
    sock = connect(lab.tcp_sink)
    sock.sendall(b"partial")
    # A reset, not a FIN: close with SO_LINGER 0 once the sink has read the bytes... the
    # sink records what it received either way, so only the content is checked.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
    (received,) = lab.sink.wait_closed(1, TIMEOUT)
    assert received in (b"", b"partial")
    lab.sink.clear()


def test_sink_wait_closed_times_out_when_nothing_closes(lab):
    lab.sink.clear()
    with pytest.raises(TimeoutError, match="0 of 1"):
        lab.sink.wait_closed(1, 0.05)


def test_udp_echo(lab):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(TIMEOUT)
        for datagram in (b"hello", os.urandom(1400), b"x"):
            sock.sendto(datagram, lab.udp_echo)
            data, addr = sock.recvfrom(65535)
            assert (data, addr) == (datagram, lab.udp_echo)


def test_ntp_reply_like_tinygo_ntpclient_expects(lab):
    request = bytearray(48)
    request[0] = 0xE3  # LI 3, VN 4, mode 3 (TinyGo's ntpclient)
    request[40:48] = b"\x12\x34\x56\x78\x9a\xbc\xde\xf0"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(TIMEOUT)
        sock.sendto(request, lab.ntp)
        reply, _ = sock.recvfrom(1024)
    assert len(reply) == 48
    assert reply[0] == 0x24 and reply[1] == 1  # LI 0, VN 4, mode 4; stratum 1
    assert reply[24:32] == request[40:48]  # originate = the client's transmit time
    transmit = struct.unpack(">I", reply[40:44])[0] - NTP_UNIX_OFFSET
    assert abs(transmit - time.time()) < 60
    assert reply[32:40] <= reply[40:48]  # received no later than transmitted


def test_sntp_reply_timestamps_and_fraction():
    request = bytes([0x1B]) + bytes(47)  # adafruit_ntp: LI 0, VN 3, mode 3
    reply = sntp_reply(request, clock=lambda: 1700000000.75)
    seconds, fraction = struct.unpack(">II", reply[40:48])
    assert seconds == 1700000000 + NTP_UNIX_OFFSET
    assert fraction == 3 << 30  # 0.75 of 2**32
    assert reply[32:40] == reply[40:48] == reply[16:24]
    assert sntp_reply(bytes([0x24]) + bytes(47)) is None  # a server packet: no answer
    assert sntp_reply(b"\x1b" * 47) is None  # too short


# -- HTTP ------------------------------------------------------------------------------


def test_http_get_like_httpbin_and_keep_alive(lab):
    conn = http_connection(lab)
    try:
        response, body = request(conn, "GET", "/get?name=John+Doe&occupation=gardener",
                                 headers={"Host": "httpbin.org", "X-Lab": "1"})
        assert response.status == 200
        assert response.getheader("Content-Type") == "application/json"
        data = json.loads(body)
        assert data["args"] == {"name": "John Doe", "occupation": "gardener"}
        assert data["headers"]["Host"] == "httpbin.org"
        assert data["headers"]["X-Lab"] == "1"
        assert data["origin"] == "127.0.0.1"
        assert data["url"] == "http://httpbin.org/get?name=John+Doe&occupation=gardener"
        first_socket = conn.sock
        response, body = request(conn, "GET", "/get?a=1&a=2")
        assert json.loads(body)["args"] == {"a": ["1", "2"]}
        assert conn.sock is first_socket  # the same connection served both
    finally:
        conn.close()


def test_adafruit_requests_reuses_one_connection(lab):
    adafruit_requests = pytest.importorskip("adafruit_requests")
    import adafruit_connection_manager

    session = adafruit_requests.Session(socket, ssl.create_default_context(cafile=lab.cafile))
    for scheme, address in (("http", lab.http), ("https", lab.https)):
        peer = lab.peer(scheme)
        before = peer.accepted
        base = "%s://localhost:%d" % (scheme, address[1])
        for index in range(3):
            response = session.get(base + "/get?i=%d" % index)
            assert response.json()["args"] == {"i": str(index)}
            response.close()
        response = session.post(base + "/post", json={"a": 1})
        assert response.json()["json"] == {"a": 1}
        response.close()
        assert peer.accepted - before == 1, scheme
    adafruit_connection_manager.connection_manager_close_all(socket)


def test_http_post_json_form_multipart_and_raw(lab):
    conn = http_connection(lab)
    try:
        sent = {"name": "John Doe", "occupation": "gardener"}
        _, body = request(conn, "POST", "/post?x=y", json.dumps(sent),
                          {"Content-Type": "application/json"})
        data = json.loads(body)
        assert data["json"] == sent and data["data"] == json.dumps(sent)
        assert data["args"] == {"x": "y"}
        assert data["headers"]["Content-Type"] == "application/json"

        _, body = request(conn, "POST", "/post", "name=John+Doe&occupation=gardener",
                          {"Content-Type": "application/x-www-form-urlencoded"})
        data = json.loads(body)
        assert data["form"] == sent and data["json"] is None and data["data"] == ""

        multipart = (
            b"--XyZ\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue\r\n"
            b"--XyZ\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"a.txt\"\r\n"
            b"Content-Type: text/plain\r\n\r\nfile body\r\n--XyZ--\r\n"
        )
        _, body = request(conn, "POST", "/post", multipart,
                          {"Content-Type": "multipart/form-data; boundary=XyZ"})
        data = json.loads(body)
        assert data["form"] == {"field": "value"}
        assert data["files"] == {"upload": "file body"}

        _, body = request(conn, "POST", "/post", b"\xff\x00")
        assert json.loads(body)["data"] == "data:application/octet-stream;base64,/wA="

        response, _ = request(conn, "GET", "/post")
        assert response.status == 405
        _, body = request(conn, "PUT", "/anything/x", b"hi")
        data = json.loads(body)
        assert data["method"] == "PUT" and data["data"] == "hi"
    finally:
        conn.close()


def test_http_post_chunked_request_body(lab):
    with connect(lab.http) as sock:
        sock.sendall(
            b"POST /post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Connection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        )
        reply = read_to_eof(sock)
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert json.loads(body)["data"] == "hello world"


def test_http_routes_and_head_on_each(lab):
    conn = http_connection(lab)
    routes = ["/", "/get", "/headers", "/ip", "/user-agent", "/json", "/bytes/1000",
              "/status/418", "/stream-bytes/5000?chunk_size=1000", "/chunked", "/post"]
    try:
        for path in routes:
            method = "POST" if path == "/post" else "GET"
            get_response, get_body = request(conn, method, path)
            head_response, head_body = request(conn, "HEAD", path)
            assert head_body == b"", path
            assert head_response.status == get_response.status, path
            assert head_response.getheader("Content-Type") == get_response.getheader(
                "Content-Type"), path
            if get_response.getheader("Transfer-Encoding") == "chunked":
                assert head_response.getheader("Transfer-Encoding") == "chunked", path
            elif path != "/post":  # (the echo of a POST differs: its request had a body)
                assert head_response.getheader("Content-Length") == str(len(get_body)), path
    finally:
        conn.close()


def test_http_bodies(lab):
    conn = http_connection(lab)
    try:
        response, body = request(conn, "GET", "/")
        assert body == HOME_PAGE and b"hello" in body
        response, body = request(conn, "GET", "/bytes/3000?seed=7")
        assert body == deterministic_bytes(3000, 7)
        assert body != deterministic_bytes(3000)
        response, body = request(conn, "GET", "/stream-bytes/25000?chunk_size=4096")
        assert response.getheader("Transfer-Encoding") == "chunked"
        assert body == deterministic_bytes(25000)
        response, body = request(conn, "GET", "/chunked")
        assert response.getheader("Transfer-Encoding") == "chunked"
        assert body == b"".join(CHUNKED_PARTS)
        response, body = request(conn, "GET", "/status/404")
        assert (response.status, body) == (404, b"")
        response, body = request(conn, "GET", "/status/204")
        assert (response.status, body) == (204, b"")
        response, body = request(conn, "GET", "/redirect/2")
        assert (response.status, response.getheader("Location")) == (302, "/redirect/1")
        response, body = request(conn, "GET", "/nowhere")
        assert response.status == 404
        response, body = request(conn, "GET", "/bytes/x1")
        assert response.status == 404
        response, body = request(conn, "GET", "/delay/0")
        assert response.status == 200 and json.loads(body)["url"].endswith("/delay/0")
    finally:
        conn.close()


def test_http_lf_only_request_and_connection_close(lab):
    """TinyGo's tlsclient/webclient write their request with bare LF line ends."""
    with connect(lab.http) as sock:
        sock.sendall(b"GET /get HTTP/1.1\nHost: httpbin.org\nUser-Agent: TinyGo\n"
                     b"Connection: close\n\n")
        reply = read_to_eof(sock)  # the server closes after one response
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"\r\nConnection: close" in head
    data = json.loads(body)
    assert data["url"] == "http://httpbin.org/get"
    assert data["headers"]["User-Agent"] == "TinyGo"


def test_http_bad_request_is_answered(lab):
    with connect(lab.http) as sock:
        sock.sendall(b"POST /post HTTP/1.1\r\nContent-Length: nope\r\n\r\n")
        reply = read_to_eof(sock)
    assert reply.startswith(b"HTTP/1.1 400")


# -- HTTPS and the bad TLS servers --------------------------------------------------------


@pytest.mark.parametrize("name", ["httpbin.org", "localhost", "127.0.0.1", "example.com",
                                  "test.mosquitto.org", "0.pool.ntp.org"])
def test_https_verifies_for_the_examples_names(lab, name):
    with tls_connect(lab, lab.https, name) as sock:
        sock.sendall(("GET /get HTTP/1.1\nHost: %s\nConnection: close\n\n" % name).encode())
        reply = read_to_eof(sock)  # a clean close_notify: no SSLEOFError
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert b"\r\nStrict-Transport-Security: " in head
    assert json.loads(body)["url"] == "https://%s/get" % name


def test_https_keep_alive_with_http_client(lab):
    ctx = ssl.create_default_context(cafile=lab.cafile)
    ctx.check_hostname = False  # http.client sends SNI for the address; names tested above
    conn = http.client.HTTPSConnection(*lab.https, timeout=TIMEOUT, context=ctx)
    try:
        _, body = request(conn, "POST", "/post", b'{"a": 1}',
                          {"Content-Type": "application/json"})
        assert json.loads(body)["json"] == {"a": 1}
        first_socket = conn.sock
        _, body = request(conn, "GET", "/bytes/20000")
        assert body == deterministic_bytes(20000)
        assert conn.sock is first_socket
    finally:
        conn.close()


def verify_failure(lab, address, name):
    with pytest.raises(ssl.SSLCertVerificationError) as info:
        tls_connect(lab, address, name).close()
    return info.value


def test_wrong_host_certificate_is_rejected(lab):
    error = verify_failure(lab, lab.https_wrong_host, "httpbin.org")
    assert "mismatch" in error.verify_message.lower()
    # The certificate itself is from the lab CA: for its own name it verifies.
    tls_connect(lab, lab.https_wrong_host, "wrong.example").close()


def test_self_signed_certificate_is_rejected(lab):
    error = verify_failure(lab, lab.https_self_signed, "localhost")
    assert "self-signed" in error.verify_message or "self signed" in error.verify_message


def test_expired_certificate_is_rejected(lab):
    error = verify_failure(lab, lab.https_expired, "localhost")
    assert "expired" in error.verify_message


# -- websocket ----------------------------------------------------------------------------


def test_websocket_echo_text_and_binary(lab):
    from websockets.sync.client import connect as ws_connect

    url = "ws://%s:%d/echo" % lab.ws
    with ws_connect(url, origin="http://localhost", open_timeout=TIMEOUT) as ws:
        ws.send("hello, world!\n")
        assert ws.recv(TIMEOUT) == "hello, world!\n"
        payload = os.urandom(3000)
        ws.send(payload)
        assert ws.recv(TIMEOUT) == payload


def test_websocket_other_paths_are_404(lab):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect as ws_connect

    with pytest.raises(InvalidStatus) as info:
        ws_connect("ws://%s:%d/nope" % lab.ws, open_timeout=TIMEOUT).close()
    assert info.value.response.status_code == 404


# -- MQTT (hand-built MQTT 3.1.1 packets) ------------------------------------------------


def mqtt_string(text):
    data = text.encode()
    return struct.pack(">H", len(data)) + data


def mqtt_packet(first, body):
    length, encoded = len(body), b""
    while True:
        byte, length = length % 128, length // 128
        encoded += bytes([byte | (0x80 if length else 0)])
        if not length:
            return bytes([first]) + encoded + body


def mqtt_read(sock):
    def exactly(n):
        data = b""
        while len(data) < n:
            more = sock.recv(n - len(data))
            assert more, "broker closed the connection"
            data += more
        return data

    first = exactly(1)[0]
    length, shift = 0, 0
    while True:
        byte = exactly(1)[0]
        length |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return first, exactly(length)


def mqtt_round_trip(sock):
    client_id = "tinygo-client-ABCDEFGHIJ"
    sock.sendall(mqtt_packet(0x10, mqtt_string("MQTT") + b"\x04\x02\x00\x3c"
                             + mqtt_string(client_id)))
    assert mqtt_read(sock) == (0x20, b"\x00\x00")  # CONNACK, accepted
    sock.sendall(mqtt_packet(0x82, b"\x00\x17" + mqtt_string("cpu/freq") + b"\x00"))
    assert mqtt_read(sock) == (0x90, b"\x00\x17\x00")  # SUBACK id 23, QoS 0
    publish = mqtt_packet(0x30, mqtt_string("cpu/freq") + b"120.00Mhz")
    sock.sendall(publish)
    first, body = mqtt_read(sock)
    assert mqtt_packet(first, body) == publish  # our own publish comes back
    sock.sendall(b"\xe0\x00")  # DISCONNECT
    assert read_to_eof(sock) == b""


def test_mqtt_connect_subscribe_publish(lab):
    with connect(lab.mqtt) as sock:
        mqtt_round_trip(sock)


def test_mqtt_over_tls_with_the_lab_ca(lab):
    with tls_connect(lab, lab.mqtts, "test.mosquitto.org") as sock:
        mqtt_round_trip(sock)


def test_the_client_certificate_listener_requires_the_labs_client_certificate(lab):
    """mqtts_client_cert: mutual TLS. With lab.client_certfile/keyfile the broker answers;
    without a certificate (TLS 1.2, as NINA-FW's mbedTLS speaks it) the handshake fails, and
    a certificate from no CA the lab knows is refused too."""
    with_cert = ssl.create_default_context(cafile=lab.cafile)
    with_cert.load_cert_chain(lab.client_certfile, lab.client_keyfile)
    with connect(lab.mqtts_client_cert) as raw:
        with with_cert.wrap_socket(raw, server_hostname="test.mosquitto.org") as sock:
            mqtt_round_trip(sock)
    for certificate in (None, lab.certificates.self_signed):
        context = ssl.create_default_context(cafile=lab.cafile)
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        if certificate:
            context.load_cert_chain(*certificate)
        with connect(lab.mqtts_client_cert) as raw:
            with pytest.raises(ssl.SSLError):
                context.wrap_socket(raw, server_hostname="test.mosquitto.org")
    assert lab.peer("mqtts_client_cert") is lab.peer("mqtt")
    assert lab.network().route("127.0.0.1", 8884, "test.mosquitto.org") == lab.mqtts_client_cert


# -- the virtual world --------------------------------------------------------------------


def test_network_points_the_examples_names_at_the_lab(lab):
    world = lab.network()
    assert isinstance(world, Network)
    for name in ("httpbin.org", "test.mosquitto.org", "pool.ntp.org", "0.pool.ntp.org",
                 "example.com", "www.example.com"):
        assert world.resolve(name) == "127.0.0.1", name
    assert world.resolve("10.0.0.100") == "10.0.0.100"
    assert world.resolve("nowhere.example") is None  # nothing escapes to the real DNS
    assert world.route("127.0.0.1", 443, "httpbin.org") == lab.https
    assert world.route("127.0.0.1", 80, "httpbin.org") == lab.http
    assert world.route("127.0.0.1", 1883, "test.mosquitto.org") == lab.mqtt
    assert world.route("127.0.0.1", 8883, "test.mosquitto.org") == lab.mqtts
    assert world.route("127.0.0.1", 123, "0.pool.ntp.org") == lab.ntp
    assert world.route("127.0.0.1", 443, "wrong.host.badssl.com") == lab.https_wrong_host
    assert world.join("lab-ap", "lab-password") == "ok"
    assert world.join("lab-ap", "wrong-password") == "auth"
    assert world.join("lab-open", "") == "ok"
    assert world.cafile == lab.cafile

    # What the firmware's TLS client does: the world's CA store, names verified.
    raw = connect(world.route(world.resolve("httpbin.org"), 443, "httpbin.org"))
    with world.client_context().wrap_socket(raw, server_hostname="httpbin.org") as sock:
        sock.sendall(b"HEAD / HTTP/1.1\r\nHost: httpbin.org\r\nConnection: close\r\n\r\n")
        assert read_to_eof(sock).startswith(b"HTTP/1.1 200")
    raw = connect(world.route("127.0.0.1", 443, "expired.badssl.com"))
    with pytest.raises(ssl.SSLCertVerificationError):
        world.client_context().wrap_socket(raw, server_hostname="expired.badssl.com")
    raw.close()


def test_network_overrides_replace_settings(lab):
    world = lab.network(access_points={"other": "password1"}, resolve_host_names=True)
    assert list(world.access_points) == ["other"]
    assert world.resolve_host_names
    assert world.resolve("httpbin.org") == "127.0.0.1"  # the rest stays
    hosts = dict(lab.network_settings()["hosts"], extra="10.1.2.3")
    assert lab.network(hosts=hosts).resolve("extra") == "10.1.2.3"


def test_addresses_environ_describe(lab):
    addresses = lab.addresses()
    names = ["tcp_echo", "tcp_sink", "udp_echo", "ntp", "http", "https", "https_wrong_host",
             "https_self_signed", "https_expired", "ws", "mqtt", "mqtts", "mqtts_client_cert"]
    assert sorted(addresses) == sorted(names)
    for name in names:
        assert addresses[name] == "127.0.0.1:%d" % getattr(lab, name)[1]
    ports = [getattr(lab, name)[1] for name in names if name not in ("udp_echo", "ntp")]
    assert len(set(ports)) == len(ports)
    env = lab.environ()
    assert env["NETDEV_LAB_HTTPS"] == addresses["https"]
    assert env["NETDEV_LAB_CAFILE"] == lab.cafile
    assert env["NETDEV_LAB_CLIENT_CERTFILE"] == lab.client_certfile
    assert env["NETDEV_LAB_CLIENT_KEYFILE"] == lab.client_keyfile
    text = lab.describe()
    for name in names:
        assert addresses[name] in text
    assert lab.cafile in text and "127.0.0.1" in repr(lab)
    assert lab.client_certfile in text and lab.client_keyfile in text


# -- start and stop -----------------------------------------------------------------------


def lab_threads():
    return [t.name for t in threading.enumerate() if t.name.startswith("lab-")]


def refused(address):
    try:
        socket.create_connection(address, timeout=TIMEOUT).close()
    except ConnectionRefusedError:
        return True
    return False


def test_stop_is_clean_with_connections_open():
    from websockets.sync.client import connect as ws_connect

    before = set(lab_threads())  # (the session lab's threads)
    with contextlib.ExitStack() as clients:
        with Lab() as lab:
            assert lab.startup_seconds < 10  # generous: typically about 0.1 s
            addresses = {name: getattr(lab, name) for name in
                         ("tcp_echo", "tcp_sink", "http", "https", "https_expired", "ws",
                          "mqtt", "mqtts")}
            pid, cafile = lab.mqtt_pid, lab.cafile
            assert os.path.exists(cafile)
            # Clients left open mid-conversation: the stop must not wait on them.
            idle_echo = clients.enter_context(connect(lab.tcp_echo))
            idle_sink = clients.enter_context(connect(lab.tcp_sink))
            idle_sink.sendall(b"unfinished")
            keep_alive = http_connection(lab)
            clients.callback(keep_alive.close)
            assert request(keep_alive, "GET", "/get")[0].status == 200
            clients.enter_context(connect(lab.https))  # never starts the TLS handshake
            ws = clients.enter_context(
                ws_connect("ws://%s:%d/echo" % lab.ws, open_timeout=TIMEOUT))
            ws.send("x")
            assert ws.recv(TIMEOUT) == "x"
            mqtt = clients.enter_context(connect(lab.mqtt))
            mqtt.sendall(mqtt_packet(0x10, mqtt_string("MQTT") + b"\x04\x02\x00\x3c"
                                     + mqtt_string("idle")))
            assert mqtt_read(mqtt)[0] == 0x20
        assert read_to_eof(idle_echo) == b""
        assert read_to_eof(mqtt) == b""
        assert lab.sink.wait_closed(1, TIMEOUT) == [b"unfinished"]
    for name, address in addresses.items():
        assert refused(address), name
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not os.path.exists(cafile)
    assert set(lab_threads()) <= before
    assert not lab.running and lab.close() == []  # idempotent


def test_without_mqtt():
    with Lab(mqtt=False) as lab:
        assert lab.mqtt is None and lab.mqtts is None and lab.mqtt_pid is None
        assert "mqtt" not in lab.addresses()
        world = lab.network()
        assert world.route("127.0.0.1", 1883, "test.mosquitto.org") == ("127.0.0.1", 1883)
        assert world.route("127.0.0.1", 443, "httpbin.org") == lab.https


def test_missing_mosquitto_names_the_package_and_leaves_nothing_running():
    before = set(lab_threads())
    lab = Lab(mosquitto="/nonexistent/mosquitto")
    with pytest.raises(RuntimeError, match="apt-get install mosquitto"):
        lab.start()
    assert set(lab_threads()) <= before
    assert not lab.running


def test_broker_that_exits_at_once_is_reported():
    before = set(lab_threads())
    lab = Lab(mosquitto="/bin/false", mqtt_timeout=TIMEOUT)
    with pytest.raises(RuntimeError, match="'mqtt'.*did not start"):
        lab.start()
    assert set(lab_threads()) <= before


def test_network_before_start_is_an_error():
    with pytest.raises(RuntimeError, match="not started"):
        Lab().network()


def test_main_prints_the_peers_and_stops_on_ctrl_c():
    import signal
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from netdev_emulator.lab import main; "
         "sys.exit(main(['--no-mqtt']))"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    try:
        lines = []
        for line in process.stdout:  # ends at the cafile line, or EOF if it fails
            lines.append(line)
            if line.startswith("cafile"):
                break
        text = "".join(lines)
        assert "https " in text and "cafile" in text, text + process.stderr.read()
        http_port = int(text.split("\nhttp ")[1].split()[0].split(":")[1])
        conn = http.client.HTTPConnection("127.0.0.1", http_port, timeout=TIMEOUT)
        assert request(conn, "GET", "/")[0].status == 200
        conn.close()
        process.send_signal(signal.SIGINT)
        assert process.wait(TIMEOUT) == 0
        assert "lab stopping" in process.stdout.read()
        assert refused(("127.0.0.1", http_port))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()
