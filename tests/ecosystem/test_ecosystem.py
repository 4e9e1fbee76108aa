# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Unmodified Adafruit libraries from PyPI over ``SocketPool(dev)``, on every netdev, against
real peers: the lab's httpbin-like HTTP(S) server, mosquitto, an SNTP responder, and
adafruit_httpserver hit by http.client."""

import errno
import http.client
import threading
import time
import uuid

import adafruit_connection_manager
import adafruit_minimqtt.adafruit_minimqtt as MQTT
import adafruit_ntp
import adafruit_requests
import pytest
from adafruit_httpserver import Request, Response, Server

from adafruit_netdev.host import HostNetdev
from adafruit_netdev.socketpool import SocketPool, create_default_context
from tests.conftest import device_ip, free_port

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def pool(dev):
    pool = SocketPool(dev)
    adafruit_connection_manager.get_connection_manager(pool)
    yield pool
    adafruit_connection_manager.connection_manager_close_all(pool)


@pytest.fixture
def session(pool):
    return adafruit_requests.Session(pool, create_default_context())


def http_url(lab, path):
    return "http://httpbin.org:%d%s" % (lab.http[1], path)


def https_url(lab, path):
    return "https://httpbin.org:%d%s" % (lab.https[1], path)


# -- adafruit_requests ---------------------------------------------------------------------------


def test_requests_get_post_head_over_http(session, lab):
    with session.get(http_url(lab, "/get?name=John+Doe&occupation=gardener")) as r:
        assert r.status_code == 200
        assert r.json()["args"] == {"name": "John Doe", "occupation": "gardener"}
    with session.post(http_url(lab, "/post"), json={"name": "John Doe"}) as r:
        assert r.json()["json"] == {"name": "John Doe"}
    with session.post(http_url(lab, "/post"), data={"name": "John Doe", "occupation": "gardener"}) as r:
        assert r.json()["form"] == {"name": "John Doe", "occupation": "gardener"}
    with session.head(http_url(lab, "/get")) as r:
        assert r.status_code == 200
        assert r.content == b""


def test_requests_https_with_the_lab_ca(session, lab):
    with session.get(https_url(lab, "/get?secure=yes")) as r:
        assert r.status_code == 200
        assert r.json()["args"] == {"secure": "yes"}


def test_requests_chunked_response(session, lab):
    with session.get(http_url(lab, "/stream-bytes/5000?seed=3")) as r:
        assert r.headers.get("transfer-encoding") == "chunked"
        assert len(r.content) == 5000


def test_requests_reuses_its_socket(session, pool, lab, dev):
    for i in range(3):
        with session.get(http_url(lab, "/get?i=%d" % i)) as r:
            assert r.json()["args"] == {"i": str(i)}
    assert len(dev.open_fds()) == 1  # one keep-alive device socket served all three


# -- adafruit_minimqtt against mosquitto -------------------------------------------------------


def test_minimqtt_subscribe_publish_receive_own_messages(pool, lab):
    received = []
    topic = "netdev/test/%s" % uuid.uuid4().hex[:8]
    client = MQTT.MQTT(
        broker="test.mosquitto.org",
        port=lab.mqtt[1],
        socket_pool=pool,
        client_id="netdev-" + uuid.uuid4().hex[:10],
        socket_timeout=0.5,
        recv_timeout=5,
    )
    client.on_message = lambda _c, t, msg: received.append((t, msg))
    client.connect()
    try:
        client.subscribe(topic)
        for i in range(3):
            client.publish(topic, "message %d" % i)
        limit = time.monotonic() + 10
        while len(received) < 3 and time.monotonic() < limit:
            client.loop(timeout=1)
        assert received == [(topic, "message %d" % i) for i in range(3)]
        assert client.loop(timeout=1) is None  # an idle loop times out quietly
    finally:
        client.disconnect()


# -- adafruit_ntp ----------------------------------------------------------------------------------


def test_adafruit_ntp_against_the_lab_responder(pool, lab):
    ntp = adafruit_ntp.NTP(pool, server="pool.ntp.org", port=lab.ntp[1], socket_timeout=5)
    assert abs(ntp.utc_ns / 1e9 - time.time()) < 2


# -- adafruit_httpserver ----------------------------------------------------------------------------


def test_httpserver_serves_routes_to_http_client(pool, dev):
    server = Server(pool, debug=False)

    @server.route("/hello")
    def hello(request: Request):
        return Response(request, "hello from the netdev")

    @server.route("/echo", methods=["POST"])
    def echo(request: Request):
        return Response(request, request.body.decode().upper())

    ip = device_ip(dev)  # an emulated co-processor's own address (127.0.0.2)
    port = free_port(ip)
    server.start("0.0.0.0", port)
    done = threading.Event()

    def serve():
        while not done.is_set():
            server.poll()

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        conn = http.client.HTTPConnection(ip, port, timeout=10)
        conn.request("GET", "/hello")
        reply = conn.getresponse()
        assert (reply.status, reply.read()) == (200, b"hello from the netdev")
        conn.close()
        conn = http.client.HTTPConnection(ip, port, timeout=10)
        conn.request("POST", "/echo", body=b"shout")
        assert conn.getresponse().read() == b"SHOUT"
        conn.close()
    finally:
        done.set()
        thread.join(10)
        server.stop()


# -- connection_manager recycles idle sockets when the device runs out --------------------------


def test_connection_manager_recovers_from_exhaustion(lab):
    world = lab.network()
    dev = HostNetdev(max_sockets=1, cafile=lab.cafile, hosts=world.hosts, any_address="127.0.0.1")
    pool = SocketPool(dev)
    session = adafruit_requests.Session(pool, create_default_context())
    try:
        with session.get(http_url(lab, "/get?n=1")) as r:
            assert r.json()["args"] == {"n": "1"}
        assert len(dev.open_fds()) == 1  # kept open for reuse...
        with session.get(https_url(lab, "/get?n=2")) as r:  # ...and recycled for another host
            assert r.json()["args"] == {"n": "2"}
        assert len(dev.open_fds()) == 1
    finally:
        adafruit_connection_manager.connection_manager_close_all(pool)
    assert dev.open_fds() == []


def test_pool_basics(pool):
    assert pool.getaddrinfo("httpbin.org", 80)[0][4] == ("127.0.0.1", 80)
    with pytest.raises(pool.gaierror) as info:
        pool.getaddrinfo("no-such-host.invalid", 80)
    assert info.value.args[0] == pool.EAI_NONAME
    sock = pool.socket(pool.AF_INET, pool.SOCK_STREAM)
    with pytest.raises(ValueError):
        sock.recv_into(bytearray(4), -1)
    sock.setsockopt(pool.SOL_SOCKET, pool.SO_REUSEADDR, 1)
    sock.close()
    sock.close()
    with pytest.raises(OSError) as info:
        sock.send(b"x")
    assert info.value.args[0] in (errno.EBADF, errno.EPIPE)
    ctx = create_default_context()
    with pytest.raises(ValueError):
        ctx.check_hostname = False
