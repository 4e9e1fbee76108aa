# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The demo's machinery: one example run as its own process (:class:`Program`), the
programs of one (example, device) scenario and their environment (:class:`Run`), and its
outcome (:class:`Result`). What each scenario runs and checks is in
:mod:`tools.demo.scenarios`.

An example runs the way a user runs it on a computer, configured only through the
environment: on the host netdev ``NETDEV=host python examples/netdev_<name>.py``, on a
virtual co-processor ``python -m netdev_emulator run --device <device> examples/...`` in the
world the lab describes (``NETDEV_EMULATOR_*`` variables). On the virtual co-processors an
example keeps its real defaults (httpbin.org, test.mosquitto.org, 0.pool.ntp.org,
10.0.0.100:8080 ...): the emulator's world maps those names and ports onto the lab. On the
host netdev the settings point it at the lab's ports instead.
"""

import json
import os
import pathlib
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

from netdev_emulator import rig

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
EXAMPLES = ROOT / "examples"

# The netdevs the examples run on: the host's own network, then every virtual co-processor
# the suites cover (netdev_emulator.rig's device names).
DEVICES = ("host",) + rig.DEVICES
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
        if device == "host":
            env.update(NETDEV="host", NETDEV_CA_FILE=self.lab.cafile)
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
        on = [] if device == "host" else ["-m", "netdev_emulator", "run", "--device", device]
        if self.instrument and example == self.example and device == self.device:
            handle, self._stats_file = tempfile.mkstemp(prefix="netdev-demo-", suffix=".json")
            os.close(handle)
            env["NETDEV_DEMO_STATS"] = self._stats_file
            on = ["-m", "tools.demo", "--devices", device, "--child"]
        argv = [sys.executable] + on + [path]
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
        if scenario is None:
            from tools.demo.scenarios import SCENARIOS  # pylint: disable=import-outside-toplevel

            scenario = SCENARIOS[example]
        detail = scenario(run) or ""
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


def http_request(address, method, path, body=None, headers=None):
    """``(status, Set-Cookie, Content-Type, body)`` of one HTTP request to ``address``."""
    import http.client  # pylint: disable=import-outside-toplevel

    conn = http.client.HTTPConnection(*address, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        reply = conn.getresponse()
        return reply.status, reply.getheader("Set-Cookie"), reply.getheader("Content-Type"), reply.read()
    finally:
        conn.close()

