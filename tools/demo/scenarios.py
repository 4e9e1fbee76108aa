# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""What each example is given and what is checked when it runs: :data:`SCENARIOS` maps each
example to a function of a :class:`tools.demo.runner.Run` that starts it (and its peers or
clients), drives it and checks what matters, returning a few words on what was checked.
``make demo`` and ``tests/examples`` run the same scenarios.
"""

import contextlib
import random
import re
import socket
import threading
import time
import uuid

from tools.demo.runner import (
    EXAMPLES,
    SOCKETS,
    TINYGO_SERVER,
    ExampleFailed,
    check,
    device_ip,
    free_port,
    http_request,
    json_documents,
)

SETTINGS_FAST = {"EXAMPLE_INTERVAL": 0}


def scenario_simpletest(run):
    program = run.start(settings=dict(run.tinygo_server(run.lab.tcp_echo), **run.httpbin()))
    out = program.finish()
    check("Echo from" in out and "Hello from adafruit_netdev!" in out, "no TCP echo", program)
    got = re.search(r"GET \S+/get\?hello=netdev: 200, args \{'hello': 'netdev'\}", out)
    check(got, "no HTTP GET", program)
    check(re.search(r"MAC address ([0-9a-f]{2}:){5}[0-9a-f]{2}", out), "no MAC address", program)
    check(out.rstrip().endswith("Done"), "did not finish", program)
    return "echo and GET ok"


def scenario_http_get(run):
    program = run.start(settings=dict(SETTINGS_FAST, EXAMPLE_ITERATIONS=2, **run.httpbin()))
    out = program.finish()
    check(out.count("HTTP/1.1 200 OK") == 2, "expected two 200 answers", program)
    docs = json_documents(out)
    check(len(docs) == 2, "expected two JSON bodies", program)
    for doc in docs:
        check(doc["args"] == {"name": "John Doe", "occupation": "gardener"}, "wrong args %r" % doc, program)
    check("-------- 2 --------" in out, "no second round", program)
    return "2 GETs, args echoed"


def scenario_http_head(run):
    program = run.start(settings=run.httpbin())
    out = program.finish()
    check(out.startswith("HTTP/1.1 200 OK"), "no 200 status line", program)
    check(re.search(r"(?im)^content-type: text/html", out), "no Content-Type header", program)
    check("<html" not in out and "{" not in out, "a HEAD answer must have no body", program)
    return "headers, no body"


def _posted(run, content_type):
    """Run the example (a POST to httpbin); its one JSON answer, whose Content-Type was checked."""
    program = run.start(settings=run.httpbin())
    docs = json_documents(program.finish())
    check(len(docs) == 1, "expected one JSON body", program)
    check(docs[0]["headers"].get("Content-Type") == content_type, "wrong Content-Type", program)
    return docs[0], program


def scenario_http_post(run):
    doc, program = _posted(run, "application/json")
    check(doc["json"] == {"name": "John Doe", "occupation": "gardener"}, "wrong json", program)
    return "JSON echoed"


def scenario_http_postform(run):
    doc, program = _posted(run, "application/x-www-form-urlencoded")
    check(doc["form"] == {"name": "John Doe", "occupation": "gardener"}, "wrong form", program)
    check(doc["data"] == "" and doc["json"] is None, "the body was not a form", program)
    return "form echoed"


def scenario_mqttclient(run):
    topic = "netdev/demo/%s" % uuid.uuid4().hex[:12]  # runs share the broker
    settings = dict(SETTINGS_FAST, MQTT_TOPIC=topic)
    if not run.emulated:
        settings.update(MQTT_BROKER="127.0.0.1", MQTT_PORT=run.lab.mqtt[1])
    program = run.start(settings=settings)
    out = program.finish()
    received = re.findall(r"(?m)^Message (\S+) received on topic (\S+)$", out)
    check(len(received) == 10, "expected 10 messages back, got %d" % len(received), program)
    check(all(t == topic and m.endswith("Mhz") for m, t in received), "wrong messages", program)
    check("Subscribed to topic " + topic in out, "did not subscribe", program)
    return "10 messages back"


def scenario_ntpclient(run):
    settings = dict(SETTINGS_FAST, EXAMPLE_ITERATIONS=1)
    if not run.emulated:
        settings["NTP_SERVER"] = "127.0.0.1:%d" % run.lab.ntp[1]
    program = run.start(settings=settings)
    program.finish()
    for arrived, line in program.lines():
        match = re.match(r"NTP time: (\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+) \+0000 UTC$", line)
        if match:
            printed = time.mktime(tuple(int(x) for x in match.groups()) + (0, 0, 0)) - time.timezone
            check(abs(arrived - printed) <= 2, "NTP time off by %.1f s" % (arrived - printed), program)
            check("Current time:" in program.output, "no time kept after", program)
            return "within %.1f s" % abs(arrived - printed)
    raise ExampleFailed("no 'NTP time:' line", program.output)


def _snake_expectation():
    lines = (EXAMPLES / "netdev_snake.py").read_text().split("\n")
    messages = ["\n---0---\n"] + [line or " " for line in lines]
    return "".join(message + "\n" for message in messages), len(messages)


def _snake(run, server_device, snake_device):
    """netdev_snake_server.py on ``server_device``, netdev_snake.py on ``snake_device``.
    The snake has 7 segments, or as many as the snake's device has sockets, or as many
    clients as the server's device can accept at once (one socket listens)."""
    segments = min(7, SOCKETS.get(snake_device, 7), SOCKETS.get(server_device, 8) - 1)
    server_ip = device_ip(server_device)
    port = free_port(server_ip)
    server_settings = {"EXAMPLE_ITERATIONS": segments, "EXAMPLE_LIFETIME": 60}
    if server_device == "host":
        server_settings["LISTEN_ADDRESS"] = "127.0.0.1:%d" % port
    else:
        server_settings["LISTEN_ADDRESS"] = ":%d" % port
    server = run.start("snake_server", server_settings, server_device)
    server.wait_for(r"Listening on port")
    snake_settings = dict(SETTINGS_FAST, EXAMPLE_ITERATIONS=1)
    if snake_device == "host" or server_device != "host":
        snake_settings["SERVER_ADDRESS"] = "%s:%d" % (server_ip, port)
    else:  # the snake keeps its default address; the world routes it to the computer
        run.routes[TINYGO_SERVER] = port
    if segments < SOCKETS.get(snake_device, 7):  # the server's device is the limit
        snake_settings["SNAKE_SEGMENTS"] = segments
    snake = run.start("snake", snake_settings, snake_device)
    out = snake.finish()
    expected, count = _snake_expectation()
    check(expected in out, "the tail did not print the program's lines in order", snake)
    check("%d messages through %d segments" % (count, segments) in out, "wrong count", snake)
    server_out = server.finish()
    check(server_out.count("Accepted connection from") == segments,
          "the server did not see %d connections" % segments, server)
    return "%d messages through %d sockets" % (count, segments)


def scenario_snake(run):
    return _snake(run, "host", run.device)


def scenario_snake_server(run):
    detail = _snake(run, run.device, "host")
    return detail.split(" through ")[1].replace("sockets", "clients at once")


def _sink_run(run):
    from netdev_emulator.lab_peers import Sink, TCPPeer  # pylint: disable=import-outside-toplevel

    sink = Sink()
    peer = TCPPeer("sink-%s-%s" % (run.example, run.device), sink.serve).start()
    try:
        settings = dict(SETTINGS_FAST, EXAMPLE_ITERATIONS=2, **run.tinygo_server(peer.address))
        program = run.start(settings=settings)
        out = program.finish()
        received = sink.wait_closed(2, 30)
    finally:
        peer.stop(time.monotonic() + 10)
    lines = b"".join(
        (("\r" + "-" * 28 + " i == %d " % i + "-" * 28) * 2).encode() for i in range(1000)
    )
    check(len(lines) == 133780, "the expected batch is not 133780 bytes")
    trailers = re.findall(r"(?m)^(Wrote 133780 bytes in \d+ ms)$", out)
    check(len(trailers) == 2, "expected two 'Wrote 133780 bytes' lines", program)
    for batch, trailer in zip(received, trailers):
        check(batch.startswith(lines), "the sink did not get the 1000 lines intact", program)
        check(len(batch) == 133780 + len(trailer) + 4, "the sink counted %d bytes" % len(batch), program)
        check(batch[133780:].strip().decode() in trailers, "wrong trailer %r" % batch[133780:], program)
    return "2 x 133780 bytes + trailer"


scenario_socket = _sink_run
scenario_tcpclient = _sink_run


def scenario_tcpecho(run):
    port = run.free_port()
    program = run.start(settings=dict(run.listen(port), EXAMPLE_ITERATIONS=3, EXAMPLE_LIFETIME=60))
    program.wait_for(r"listening on")
    payloads = [random.Random(i).randbytes(32 * 1024) for i in range(3)]
    echoes = [None] * 3

    def client(i):
        try:
            with socket.create_connection((run.ip, port), timeout=30) as sock:
                sender = threading.Thread(
                    target=lambda: (sock.sendall(payloads[i]), sock.shutdown(socket.SHUT_WR))
                )
                sender.start()
                parts = []
                while True:
                    data = sock.recv(65536)
                    if not data:
                        break
                    parts.append(data)
                sender.join(30)
                echoes[i] = b"".join(parts)
        except OSError as exc:
            echoes[i] = exc

    threads = [threading.Thread(target=client, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    out = program.finish()
    for i in range(3):
        got = echoes[i]
        check(got == payloads[i], "client %d: %s" % (
            i, got if not isinstance(got, bytes) else "echo differs (%d bytes back)" % len(got)), program)
    check(len(re.findall(r"(?m)^Client \S+ closed$", out)) == 3, "expected 3 'closed' lines", program)
    return "3 clients x 32 KiB echoed"


def scenario_udpecho(run):
    """Three senders at once, two datagrams each: every one comes back to its own sender."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe_sock:
        probe_sock.bind((run.ip, 0))  # a UDP port free on the device's address
        port = probe_sock.getsockname()[1]
    program = run.start(settings=dict(run.listen(port), EXAMPLE_ITERATIONS=6, EXAMPLE_LIFETIME=60))
    program.wait_for(r"listening on")
    senders = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(3)]
    try:
        for sender in senders:
            sender.bind(("127.0.0.1", 0))
            sender.settimeout(30)
        for rnd in range(2):
            for i, sender in enumerate(senders):
                sender.sendto(b"sender %d, datagram %d" % (i, rnd), (run.ip, port))
            for i, sender in enumerate(senders):
                try:
                    data = sender.recv(2048)
                except OSError as exc:
                    data = exc
                check(data == b"sender %d, datagram %d" % (i, rnd), "sender %d got %r" % (i, data), program)
    finally:
        for sender in senders:
            sender.close()
    out = program.finish()
    check(out.count("Echoed ") == 6, "expected 6 'Echoed' lines", program)
    return "3 senders x 2 datagrams, each answered"


def scenario_tlsclient(run):
    settings = dict(SETTINGS_FAST, EXAMPLE_ITERATIONS=1)
    if not run.emulated:
        settings["TLS_SERVER"] = "localhost:%d" % run.lab.https[1]
    program = run.start(settings=settings)
    out = program.finish()
    check("Connected!" in out and "HTTP/1.1 200 OK" in out, "no verified TLS exchange", program)
    docs = json_documents(out)
    check(len(docs) == 1 and docs[0]["url"].startswith("https://"), "no JSON answer", program)
    check("-------- 1 --------" in out, "did not finish the round", program)
    return "verified by the lab CA"


def scenario_webclient(run):
    program = run.start(settings=dict(SETTINGS_FAST, EXAMPLE_ITERATIONS=1, **run.tinygo_server(run.lab.http)))
    out = program.finish()
    check("HTTP/1.1 200 OK" in out and "<h1>hello</h1>" in out, "no page", program)
    check("-------- 1 --------" in out, "did not finish the round", program)
    return "page read to EOF"


def scenario_webclient_terminal(run):
    program = run.start(settings=dict(SETTINGS_FAST, EXAMPLE_ITERATIONS=1, **run.httpbin()))
    out = program.finish()
    check(out.startswith("Connecting to lab-ap..."), "no connecting line", program)
    docs = json_documents(out)
    check(len(docs) == 1 and docs[0]["args"] == {"name": "John Doe", "occupation": "gardener"},
          "no JSON answer", program)
    return "GET on the console"



def scenario_webserver(run):
    port = run.free_port()
    at = (run.ip, port)
    requests = 9
    program = run.start(settings=dict(run.listen(port), EXAMPLE_ITERATIONS=requests, EXAMPLE_LIFETIME=60))
    program.wait_for(r"Listening on http://")
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, cookie, _, page = http_request(at, "GET", "/")
    check(status == 200 and cookie == "access=1" and b"access: 1" in page, "first visit", program)
    status, cookie, _, page = http_request(at, "GET", "/", headers={"Cookie": cookie})
    check(status == 200 and cookie == "access=2" and b"access: 2" in page, "cookie counter", program)
    check(http_request(at, "GET", "/hello")[3] == b"hello", "/hello", program)
    check(http_request(at, "POST", "/cnt", "cnt=0x10", form)[3] == b'{"cnt": 16}', "POST /cnt", program)
    check(http_request(at, "GET", "/cnt")[3] == b'{"cnt": 16}', "GET /cnt", program)
    check(http_request(at, "GET", "/on")[3] == b"led.value = True", "/on", program)
    check(b"led: on" in http_request(at, "GET", "/", headers={"Cookie": "access=7"})[3], "LED on", program)
    check(http_request(at, "GET", "/off")[3] == b"led.value = False", "/off", program)
    status, _, kind, page = http_request(at, "GET", "/6")
    check(status == 200 and kind.startswith("text/html") and b"<canvas" in page, "/6", program)
    out = program.finish()
    check("LED on" in out and "LED off" in out, "the LED was not switched", program)
    check("Server stopped after %d requests" % requests in out, "wrong request count", program)
    return "routes, cookie, LED"


def scenario_webstatic(run):
    port = run.free_port()
    at = (run.ip, port)
    program = run.start(settings=dict(run.listen(port), EXAMPLE_ITERATIONS=4, EXAMPLE_LIFETIME=60))
    program.wait_for(r"Serving .* on http://")
    site = EXAMPLES / "webstatic"
    index = (site / "index.html").read_bytes()
    image = (site / "images" / "netdev.png").read_bytes()
    check(http_request(at, "GET", "/")[2:] == ("text/html", index), "/ is not index.html", program)
    check(http_request(at, "GET", "/index.html")[2:] == ("text/html", index), "/index.html", program)
    check(http_request(at, "GET", "/images/netdev.png")[2:] == ("image/png", image), "the image", program)
    check(http_request(at, "GET", "/nope")[0] == 404, "/nope must be 404", program)
    program.finish()
    return "page and image byte for byte"


def scenario_websocket_dial(run):
    if run.emulated:
        run.routes[TINYGO_SERVER] = run.lab.ws[1]
        settings = {}
    else:
        settings = {"WEBSOCKET_URL": "ws://127.0.0.1:%d/echo" % run.lab.ws[1]}
    program = run.start(settings=settings)
    out = program.finish()
    check("Received: hello, world!\n" in out, "no echo", program)
    return "text frame echoed"


def scenario_websocket_handler(run):
    from websockets.exceptions import InvalidStatus  # pylint: disable=import-outside-toplevel
    from websockets.sync.client import connect  # pylint: disable=import-outside-toplevel

    port = run.free_port()
    program = run.start(settings=dict(run.listen(port), EXAMPLE_ITERATIONS=2, EXAMPLE_LIFETIME=60))
    program.wait_for(r"Listening on ws://")
    url = "ws://%s:%d/echo" % (run.ip, port)
    try:
        with connect(url, open_timeout=30):
            raise ExampleFailed("a websocket without Origin was accepted", program.output)
    except InvalidStatus as refusal:
        check(refusal.response.status_code == 403, "no Origin: expected 403", program)
    with contextlib.ExitStack() as stack:
        clients = [stack.enter_context(connect(url, origin="http://localhost", open_timeout=30))
                   for _ in range(2)]
        for i, ws in enumerate(clients):  # both open at once
            ws.send("hello %d" % i)
            ws.send(bytes(range(256)) * 4)
        for i, ws in enumerate(clients):
            check(ws.recv(timeout=30) == "hello %d" % i, "text echo", program)
            check(ws.recv(timeout=30) == bytes(range(256)) * 4, "binary echo", program)
    out = program.finish()
    check(out.count("Websocket client closed") == 2, "expected 2 closed clients", program)
    return "2 clients, text and binary"


SCENARIOS = {
    "simpletest": scenario_simpletest,
    "http_get": scenario_http_get,
    "http_head": scenario_http_head,
    "http_post": scenario_http_post,
    "http_postform": scenario_http_postform,
    "mqttclient": scenario_mqttclient,
    "ntpclient": scenario_ntpclient,
    "snake": scenario_snake,
    "snake_server": scenario_snake_server,
    "socket": scenario_socket,
    "tcpclient": scenario_tcpclient,
    "tcpecho": scenario_tcpecho,
    "tlsclient": scenario_tlsclient,
    "udpecho": scenario_udpecho,
    "webclient": scenario_webclient,
    "webclient_terminal": scenario_webclient_terminal,
    "webserver": scenario_webserver,
    "webstatic": scenario_webstatic,
    "websocket_dial": scenario_websocket_dial,
    "websocket_handler": scenario_websocket_handler,
}

