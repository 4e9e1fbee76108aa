# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``python -m netdev_emulator demo`` (``make demo``): every example in ``examples/`` run on
every netdev (the host's own network and each virtual co-processor) against the lab,
one line per example and device, then a summary. Exits non-zero when anything failed.

Each example runs as its own process, configured only through the environment, the way
a user runs it on a computer (``NETDEV=emulated-wifinina python netdev_http_get.py``).
On the virtual co-processors it keeps its real defaults (httpbin.org, test.mosquitto.org,
0.pool.ntp.org, 10.0.0.100:8080 ...): the emulator's world maps those names and ports
onto the lab. On the host netdev the settings point it at the lab's ports instead.

The checks live here, once: :data:`SCENARIOS` maps each example to a function that starts
it (and its peers or clients), drives it and checks what matters; ``tests/examples`` runs
the same scenarios under pytest.
"""

import argparse
import atexit
import concurrent.futures
import contextlib
import json
import os
import pathlib
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# name -> the environment that selects it (probe() reads NETDEV and friends)
DEVICES = {
    "host": {"NETDEV": "host"},
    "wifinina-arduino-2.0": {"NETDEV": "emulated-wifinina", "NETDEV_PERSONA": "arduino-2.0"},
    "wifinina-adafruit-3.3": {"NETDEV": "emulated-wifinina", "NETDEV_PERSONA": "adafruit-3.3"},
    "rtl8720dn": {"NETDEV": "emulated-rtl8720dn", "NETDEV_FIRMWARE": "2.1.3"},
}
# sockets of a device when it has fewer than the 7 the snake wants (NINA-FW spec:
# MAX_SOCKETS is 6 on Adafruit's 2.x/3.x firmware, 10 on Arduino's)
SOCKETS = {"wifinina-adafruit-3.3": 6}
TINYGO_SERVER = ("10.0.0.100", 8080)  # the TinyGo examples' hard-coded peer
PROCESS_TIMEOUT = 90.0  # no example run may take longer (a hang fails, it does not block)
READY_TIMEOUT = 60.0  # a server example must say it listens within this


class ExampleFailed(Exception):
    """A check failed; ``output`` is what the example printed."""

    def __init__(self, message, output=""):
        Exception.__init__(self, message)
        self.output = output


def check(condition, message, program=None):
    if not condition:
        raise ExampleFailed(message, program.output if program is not None else "")


def free_port(ip="127.0.0.1"):
    """A TCP port free on ``ip`` now."""
    with socket.socket() as s:
        s.bind((ip, 0))
        return s.getsockname()[1]


def device_ip(device):
    """Where the computer reaches a server on ``device``: the computer itself for the host
    netdev, else the emulated co-processor's own address (127.0.0.2 where it can be had)."""
    if device == "host":
        return "127.0.0.1"
    from netdev_emulator.network import default_device_ip  # pylint: disable=import-outside-toplevel

    return default_device_ip()


# -- a program under test ----------------------------------------------------------------------


class Program:
    """One example running as its own process; its output (stderr merged) is collected line
    by line with the wall-clock time each line arrived."""

    def __init__(self, name, argv, env):
        self.name = name
        self.started = time.monotonic()
        self._cond = threading.Condition()
        self._lines = []  # (time.time(), line without "\n")
        self._done = False
        self.proc = subprocess.Popen(
            argv, env=env, cwd=str(ROOT), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace",
        )
        self._reader = threading.Thread(target=self._read, name="demo-" + name, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            with self._cond:
                self._lines.append((time.time(), line.rstrip("\n")))
                self._cond.notify_all()
        with self._cond:
            self._done = True
            self._cond.notify_all()

    @property
    def output(self):
        with self._cond:
            return "".join(line + "\n" for _, line in self._lines)

    def lines(self):
        """``[(arrival time, line), ...]`` so far."""
        with self._cond:
            return list(self._lines)

    def wait_for(self, pattern, timeout=READY_TIMEOUT):
        """The first ``re.search`` match of ``pattern`` in a line; fails when the program
        ends or ``timeout`` passes first."""
        regex = re.compile(pattern)
        limit = time.monotonic() + timeout
        with self._cond:
            seen = 0
            while True:
                for _, line in self._lines[seen:]:
                    match = regex.search(line)
                    if match:
                        return match
                seen = len(self._lines)
                left = limit - time.monotonic()
                if self._done or left <= 0:
                    break
                self._cond.wait(left)
        self.kill()
        raise ExampleFailed(
            "%s: no line matching %r (%s)" % (self.name, pattern, "it ended" if self._done else "timed out"),
            self.output,
        )

    def finish(self, timeout=PROCESS_TIMEOUT):
        """Wait for the program to end by itself; it must exit with status 0."""
        left = max(1.0, self.started + timeout - time.monotonic())
        try:
            code = self.proc.wait(left)
        except subprocess.TimeoutExpired:
            self.kill()
            raise ExampleFailed("%s: still running after %.0f s" % (self.name, timeout), self.output)
        self._reader.join(10)
        if code != 0:
            raise ExampleFailed("%s: exit status %d" % (self.name, code), self.output)
        return self.output

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._reader.join(10)


# -- one example on one device -------------------------------------------------------------------


class Run:
    """Runs the programs of one (example, device) scenario: builds their environment
    (device, world or host addresses, settings), starts them, and records what moved."""

    def __init__(self, lab, example, device, instrument=False):
        self.lab = lab
        self.example = example
        self.device = device
        self.emulated = device != "host"
        self.instrument = instrument
        self.routes = {}  # (name, port) -> local port, added to the emulated world
        self.programs = []
        self.stats = None  # what the instrumented example reported
        self._stats_file = None

    # addresses: on a virtual co-processor the example keeps its real default and the
    # world routes it to the lab; on the host netdev the setting names the lab's port.

    def tinygo_server(self, peer):
        """Settings making SERVER_ADDRESS (default 10.0.0.100:8080) reach ``peer``."""
        if self.emulated:
            self.routes[TINYGO_SERVER] = peer[1]
            return {}
        return {"SERVER_ADDRESS": "127.0.0.1:%d" % peer[1]}

    def httpbin(self):
        return {} if self.emulated else {"HTTPBIN_URL": "https://localhost:%d" % self.lab.https[1]}

    @property
    def ip(self):
        """The address of this run's device, where its server examples are reached."""
        return device_ip(self.device)

    def free_port(self):
        """A port free on this run's device address, for a server example."""
        return free_port(self.ip)

    def listen(self, port):
        """LISTEN_ADDRESS for a server example: loopback only on the host netdev (an
        emulated co-processor listens on its own address, 127.0.0.2 where it can)."""
        return {"LISTEN_ADDRESS": (":%d" if self.emulated else "127.0.0.1:%d") % port}

    def environ(self, device, settings):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NETDEV", "CIRCUITPY_", "EXAMPLE_"))}
        env.update(
            PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
            PYTHONUNBUFFERED="1",
            PYTHONDONTWRITEBYTECODE="1",
            CIRCUITPY_WIFI_SSID="lab-ap",
            CIRCUITPY_WIFI_PASSWORD="lab-password",
        )
        env.update(DEVICES[device])
        if device == "host":
            env["NETDEV_CAFILE"] = self.lab.cafile
        else:
            from netdev_emulator.network import world_to_environ  # pylint: disable=import-outside-toplevel

            world = self.lab.network_settings()
            world["ports"].update(self.routes)
            env.update(world_to_environ(self.lab.network(**world)))
        env.update({key: str(value) for key, value in settings.items()})
        return env

    def start(self, example=None, settings=None, device=None):
        """Start ``examples/netdev_<example>.py`` (default: this run's) on ``device``
        (default: this run's). The run's own example is instrumented when asked."""
        example = example or self.example
        device = device or self.device
        env = self.environ(device, settings or {})
        path = str(EXAMPLES / ("netdev_%s.py" % example))
        argv = [sys.executable, path]
        if self.instrument and example == self.example and device == self.device:
            handle, self._stats_file = tempfile.mkstemp(prefix="netdev-demo-", suffix=".json")
            os.close(handle)
            env["NETDEV_DEMO_STATS"] = self._stats_file
            argv = [sys.executable, "-m", "netdev_emulator.demo", "--child", path]
        program = Program("%s@%s" % (example, device), argv, env)
        self.programs.append(program)
        return program

    def close(self):
        for program in self.programs:
            program.kill()
        if self._stats_file:
            try:
                with open(self._stats_file) as f:
                    text = f.read()
                self.stats = json.loads(text) if text else None
            finally:
                os.unlink(self._stats_file)


class Result:
    """The outcome of one (example, device) scenario."""

    def __init__(self, example, device, ok, seconds, *, detail="", output="", stats=None):
        self.example = example
        self.device = device
        self.ok = ok
        self.seconds = seconds
        self.detail = detail
        self.output = output
        self.stats = stats or {}

    @property
    def payload_bytes(self):
        """Bytes the example sent and received through the netdev (None if not measured)."""
        if "sent" not in self.stats:
            return None
        return self.stats["sent"] + self.stats["received"]

    def __repr__(self):
        return "<Result %s@%s %s %.1fs %s>" % (
            self.example, self.device, "ok" if self.ok else "FAILED", self.seconds, self.detail,
        )


def run_scenario(lab, example, device, instrument=False, scenario=None):
    """Run the scenario of ``example`` (or ``scenario``, a function of a :class:`Run`) on
    ``device``; never raises, returns a :class:`Result`."""
    began = time.monotonic()
    run = Run(lab, example, device, instrument)
    try:
        detail = (scenario or SCENARIOS[example])(run) or ""
        ok, output = True, run.programs[0].output if run.programs else ""
    except ExampleFailed as failure:
        ok, detail, output = False, str(failure), failure.output
    except Exception as exc:  # pylint: disable=broad-except
        ok, detail = False, "%s: %s" % (type(exc).__name__, exc)
        output = "\n".join(p.output for p in run.programs)
    finally:
        run.close()
    seconds = time.monotonic() - began
    return Result(example, device, ok, seconds, detail=detail, output=output, stats=run.stats)


# -- the scenarios -----------------------------------------------------------------------------

SETTINGS_FAST = {"EXAMPLE_INTERVAL": 0}


def json_documents(text):
    """The JSON objects printed in ``text`` (pretty-printed: from a line "{" to a line "}")."""
    documents, block = [], None
    for line in text.splitlines():
        if line == "{":
            block = [line]
        elif block is not None:
            block.append(line)
            if line == "}":
                documents.append(json.loads("\n".join(block)))
                block = None
    return documents


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


def scenario_http_post(run):
    program = run.start(settings=run.httpbin())
    docs = json_documents(program.finish())
    check(len(docs) == 1, "expected one JSON body", program)
    check(docs[0]["json"] == {"name": "John Doe", "occupation": "gardener"}, "wrong json", program)
    check(docs[0]["headers"].get("Content-Type") == "application/json", "wrong Content-Type", program)
    return "JSON echoed"


def scenario_http_postform(run):
    program = run.start(settings=run.httpbin())
    docs = json_documents(program.finish())
    check(len(docs) == 1, "expected one JSON body", program)
    check(docs[0]["form"] == {"name": "John Doe", "occupation": "gardener"}, "wrong form", program)
    check(docs[0]["data"] == "" and docs[0]["json"] is None, "the body was not a form", program)
    check(
        docs[0]["headers"].get("Content-Type") == "application/x-www-form-urlencoded",
        "wrong Content-Type", program,
    )
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


def _http(address, method, path, body=None, headers=None):
    import http.client  # pylint: disable=import-outside-toplevel

    conn = http.client.HTTPConnection(*address, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        reply = conn.getresponse()
        return reply.status, reply.getheader("Set-Cookie"), reply.getheader("Content-Type"), reply.read()
    finally:
        conn.close()


def scenario_webserver(run):
    port = run.free_port()
    at = (run.ip, port)
    requests = 9
    program = run.start(settings=dict(run.listen(port), EXAMPLE_ITERATIONS=requests, EXAMPLE_LIFETIME=60))
    program.wait_for(r"Listening on http://")
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, cookie, _, page = _http(at, "GET", "/")
    check(status == 200 and cookie == "access=1" and b"access: 1" in page, "first visit", program)
    status, cookie, _, page = _http(at, "GET", "/", headers={"Cookie": cookie})
    check(status == 200 and cookie == "access=2" and b"access: 2" in page, "cookie counter", program)
    check(_http(at, "GET", "/hello")[3] == b"hello", "/hello", program)
    check(_http(at, "POST", "/cnt", "cnt=0x10", form)[3] == b'{"cnt": 16}', "POST /cnt", program)
    check(_http(at, "GET", "/cnt")[3] == b'{"cnt": 16}', "GET /cnt", program)
    check(_http(at, "GET", "/on")[3] == b"led.value = True", "/on", program)
    check(b"led: on" in _http(at, "GET", "/", headers={"Cookie": "access=7"})[3], "LED on", program)
    check(_http(at, "GET", "/off")[3] == b"led.value = False", "/off", program)
    status, _, kind, page = _http(at, "GET", "/6")
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
    check(_http(at, "GET", "/")[2:] == ("text/html", index), "/ is not index.html", program)
    check(_http(at, "GET", "/index.html")[2:] == ("text/html", index), "/index.html", program)
    check(_http(at, "GET", "/images/netdev.png")[2:] == ("image/png", image), "the image", program)
    check(_http(at, "GET", "/nope")[0] == 404, "/nope must be 404", program)
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
    "webclient": scenario_webclient,
    "webclient_terminal": scenario_webclient_terminal,
    "webserver": scenario_webserver,
    "webstatic": scenario_webstatic,
    "websocket_dial": scenario_websocket_dial,
    "websocket_handler": scenario_websocket_handler,
}


def run_all(lab, examples, devices, jobs, report=None):
    """Every (example, device) scenario, ``jobs`` at a time; ``report(result)`` is called as
    each ends. Returns the results in (example, device) order."""
    pairs = [(example, device) for example in examples for device in devices]
    # The longest first, so that the pool is not left waiting on them at the end.
    slow = ("snake", "snake_server", "mqttclient", "tcpecho", "webserver", "websocket_handler")
    order = sorted(pairs, key=lambda pair: (pair[0] not in slow, pair[1] == "host"))
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run_scenario, lab, ex, dev, True): (ex, dev) for ex, dev in order}
        for future in concurrent.futures.as_completed(futures):
            result = future.result()
            results[futures[future]] = result
            if report is not None:
                report(result)
    return [results[pair] for pair in pairs]


# -- the report ----------------------------------------------------------------------------------


def _size(count):
    if count is None:
        return "-"
    for unit in ("B", "kB", "MB"):
        if count < 1000 or unit == "MB":
            return ("%d %s" if unit == "B" else "%.1f %s") % (count, unit)
        count /= 1000.0
    return "-"


def format_result(result):
    bus = result.stats.get("bus") or {}
    bus_bytes = bus.get("bytes_to_device", 0) + bus.get("bytes_from_device", 0) if bus else None
    return "%-19s %-22s %-6s %6.1f s %10s %10s %9s  %s" % (
        result.example,
        result.device,
        "ok" if result.ok else "FAILED",
        result.seconds,
        _size(result.payload_bytes),
        _size(bus_bytes),
        "%.2f s" % bus["model_seconds"] if bus else "-",
        result.detail,
    )


HEADER = "%-19s %-22s %-6s %8s %10s %10s %9s  %s" % (
    "example", "device", "result", "time", "payload", "bus", "model", "what was checked",
)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m netdev_emulator demo",
        description="Run every example on every netdev against the lab, one line each.",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--examples", help="comma-separated examples (default: all)")
    parser.add_argument("--devices", help="comma-separated devices (default: %s)" % ",".join(DEVICES))
    parser.add_argument("--jobs", type=int, default=6, help="scenarios at a time (default 6)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the output of failures")
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.child)
    examples = args.examples.split(",") if args.examples else list(SCENARIOS)
    devices = args.devices.split(",") if args.devices else list(DEVICES)
    unknown = [e for e in examples if e not in SCENARIOS] + [d for d in devices if d not in DEVICES]
    if unknown:
        parser.error("unknown example or device: %s" % ", ".join(unknown))

    from netdev_emulator.lab import Lab  # pylint: disable=import-outside-toplevel

    began = time.monotonic()
    print("adafruit_netdev demo: %d examples x %d netdevs, %d at a time"
          % (len(examples), len(devices), args.jobs))
    with Lab() as lab:
        print("lab up in %.1f s: %s" % (lab.startup_seconds, ", ".join(sorted(lab.addresses()))))
        sys.stdout.flush()
        lock = threading.Lock()
        finished = []
        live = sys.stderr.isatty()

        def report(result):  # while they run: a progress counter on a terminal
            with lock:
                finished.append(result)
                if live:
                    sys.stderr.write("\r%d/%d %-45s" % (
                        len(finished), len(examples) * len(devices),
                        "%s@%s %s" % (result.example, result.device, "ok" if result.ok else "FAILED")))
                    sys.stderr.flush()

        results = run_all(lab, examples, devices, args.jobs, report)
        if live:
            sys.stderr.write("\r%s\r" % (" " * 60))
    print()
    print(HEADER)
    for result in results:  # in (example, device) order
        print(format_result(result))
        if args.verbose and not result.ok:
            print("    " + result.output[-4000:].replace("\n", "\n    "))
    failed = [r for r in results if not r.ok]
    print()
    passed = len(results) - len(failed)
    print("%d of %d runs passed in %.0f s" % (passed, len(results), time.monotonic() - began))
    for device in devices:
        mine = [r for r in results if r.device == device]
        print("  %-22s %d/%d" % (device, sum(r.ok for r in mine), len(mine)))
    if failed:
        print("FAILED: " + ", ".join("%s@%s" % (r.example, r.device) for r in failed))
        return 1
    return 0


# -- the instrumented child: the example, plus what it moved -------------------------------------


def _child(path):
    """Run the example at ``path`` as ``__main__`` and, at exit, write what its netdev moved
    (payload bytes through send/recv; the bus counters of a virtual co-processor) to the
    file named by ``NETDEV_DEMO_STATS``. The example itself is not changed."""
    import runpy  # pylint: disable=import-outside-toplevel

    import adafruit_netdev.probe as probe_module  # pylint: disable=import-outside-toplevel

    counts = {"sent": 0, "received": 0}
    devices = []
    real_probe = probe_module.probe

    def probe(kind=None):
        link, dev = real_probe(kind)
        real_send, real_recv = dev.send, dev.recv

        def send(fd, buf, flags=0, deadline=None):
            n = real_send(fd, buf, flags, deadline)
            counts["sent"] += n or 0
            return n

        def recv(fd, buf, flags=0, deadline=None):
            n = real_recv(fd, buf, flags, deadline)
            counts["received"] += n or 0
            return n

        dev.send, dev.recv = send, recv
        devices.append(dev)
        return link, dev

    def write_stats():
        stats = dict(counts)
        emulator = getattr(devices[0], "emulator", None) if devices else None
        if emulator is not None:
            stats["bus"] = emulator.stats.snapshot()
        with open(os.environ["NETDEV_DEMO_STATS"], "w") as f:
            json.dump(stats, f)

    probe_module.probe = probe
    atexit.register(write_stats)
    sys.argv = [path]
    sys.path.insert(0, os.path.dirname(path))
    runpy.run_path(path, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
