# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The lab: every loopback peer the examples, tests and demo talk to, started together on
127.0.0.1 (free ports chosen at run time) and stopped together.

::

    with Lab() as lab:
        lab.http, lab.https, lab.tcp_echo, ...    # ("127.0.0.1", port) tuples
        world = lab.network()                     # a Network whose names lead here

``python -m netdev_emulator lab`` runs one until Ctrl-C (see :func:`main`).
"""

import argparse
import contextlib
import ipaddress
import json
import os
import pathlib
import shutil
import signal
import sys
import tempfile
import threading
import time

from netdev_emulator import lab_tls
from netdev_emulator.lab_http import serve_http
from netdev_emulator.lab_peers import (
    DatagramPeer,
    Sink,
    TCPPeer,
    WebSocketPeer,
    serve_echo,
    sntp_reply,
)
from netdev_emulator.network import Network, world_to_environ

STOP_TIMEOUT = 10.0  # for everything together
TINYGO_SERVER = ("10.0.0.100", 8080)  # the TinyGo examples' hard-coded server

# name -> what it is, in the order describe() lists them
PEERS = (
    ("tcp_echo", "TCP echo (until the client half-closes)"),
    ("tcp_sink", "TCP counting sink (lab.sink)"),
    ("udp_echo", "UDP datagram echo"),
    ("ntp", "SNTP server (UDP)"),
    ("http", "httpbin-like HTTP/1.1"),
    ("https", "httpbin-like HTTPS (lab CA)"),
    ("https_wrong_host", "HTTPS, certificate for another host only"),
    ("https_self_signed", "HTTPS, self-signed certificate"),
    ("https_expired", "HTTPS, expired certificate (lab CA)"),
    ("ws", "websocket echo at /echo"),
    ("mqtt", "MQTT broker (mosquitto)"),
    ("mqtts", "MQTT broker over TLS (mosquitto, lab CA)"),
    ("mqtts_client_cert", "MQTT over TLS, client certificate required (lab CA)"),
)


def _is_ip(name):
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class Lab:
    """The loopback peers, started by ``with Lab() as lab:`` (or :meth:`start`) and stopped
    when the block ends (or by :meth:`close`).

    :param bool mqtt: start the mosquitto broker (``lab.mqtt``/``lab.mqtts`` are None
        without it)
    :param str mosquitto: the mosquitto executable (default: found on PATH or /usr/sbin)
    :param float mqtt_timeout: how long to wait for mosquitto to run

    Peer addresses, each a ``("127.0.0.1", port)`` tuple: ``tcp_echo``, ``tcp_sink``,
    ``udp_echo``, ``ntp``, ``http``, ``https``, ``https_wrong_host``,
    ``https_self_signed``, ``https_expired``, ``ws``, ``mqtt``, ``mqtts``,
    ``mqtts_client_cert`` (a TLS listener that requires a client certificate from the lab CA:
    ``client_certfile`` and ``client_keyfile`` are one, PEM files).
    Also ``sink`` (what the sink received: ``wait_closed(count, timeout)``, ``clear()``),
    ``cafile`` (the lab CA certificate, PEM), ``ca`` (its ``trustme.CA``), ``certificates``
    (:class:`netdev_emulator.lab_tls.LabCertificates`), ``mqtt_pid``.
    """

    def __init__(self, mqtt=True, mosquitto=None, mqtt_timeout=10.0):
        self._want_mqtt = mqtt
        self._mosquitto = mosquitto
        self._mqtt_timeout = mqtt_timeout
        self._peers = []  # started, in start order
        self._directory = None
        self.sink = Sink()
        self.certificates = self.ca = self.cafile = None
        self.client_certfile = self.client_keyfile = None
        self.mqtt_pid = None
        self.startup_seconds = None
        for name, _ in PEERS:
            setattr(self, name, None)

    # -- lifetime ------------------------------------------------------------------------

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        stuck = self.close()
        if stuck and exc_type is None:
            raise RuntimeError("lab: threads did not stop in time: %s" % ", ".join(stuck))

    def start(self):
        """Start every peer; returns self. A peer that cannot start stops the others and
        raises an error naming it."""
        if self._directory is not None:
            raise RuntimeError("lab: already started")
        began = time.monotonic()
        self._directory = pathlib.Path(tempfile.mkdtemp(prefix="netdev-lab-"))
        try:
            self._start_peers()
        except BaseException:
            self.close()
            raise
        self.startup_seconds = time.monotonic() - began
        return self

    def _start_peers(self):
        certs = self.certificates = lab_tls.LabCertificates(self._directory)
        self.ca, self.cafile = certs.ca, certs.cafile
        self.client_certfile, self.client_keyfile = certs.client_certfile, certs.client_keyfile
        tls = lab_tls.server_context
        self._add("tcp_echo", lambda: TCPPeer("tcp_echo", serve_echo))
        self._add("tcp_sink", lambda: TCPPeer("tcp_sink", self.sink.serve))
        self._add("udp_echo", lambda: DatagramPeer("udp_echo", lambda data, addr: data))
        self._add("ntp", lambda: DatagramPeer("ntp", sntp_reply))
        self._add("http", lambda: TCPPeer("http", serve_http))
        self._add("https", lambda: TCPPeer("https", serve_http, tls(certs.server)))
        self._add("https_wrong_host",
                  lambda: TCPPeer("https_wrong_host", serve_http, tls(certs.wrong_host)))
        self._add("https_self_signed",
                  lambda: TCPPeer("https_self_signed", serve_http, tls(certs.self_signed)))
        self._add("https_expired",
                  lambda: TCPPeer("https_expired", serve_http, tls(certs.expired)))
        self._add("ws", lambda: WebSocketPeer("ws"))
        if self._want_mqtt:
            from netdev_emulator.lab_mqtt import Mosquitto  # pylint: disable=import-outside-toplevel

            broker = self._add(
                "mqtt",
                lambda: Mosquitto(self._directory, certs.server_files, self._mqtt_timeout,
                                  self._mosquitto, client_cafile=certs.cafile),
            )
            self.mqtts = broker.tls_address
            self.mqtts_client_cert = broker.client_cert_address
            self.mqtt_pid = broker.pid

    def _add(self, name, make):
        try:
            peer = make()
        except RuntimeError:
            raise
        except Exception as exc:
            raise RuntimeError("lab peer %r failed to start: %s" % (name, exc)) from exc
        self._peers.append(peer)  # before start(): close() must stop what half-started
        peer.start()
        setattr(self, name, peer.address)
        return peer

    def close(self):
        """Stop every peer (threads joined, the broker killed, sockets closed, the
        certificate directory removed), bounded by STOP_TIMEOUT; returns the names of
        threads that did not stop. Idempotent."""
        deadline = time.monotonic() + STOP_TIMEOUT
        stuck = []
        peers, self._peers = self._peers, []
        for peer in reversed(peers):
            stuck += peer.stop(deadline)
        if self._directory is not None:
            shutil.rmtree(self._directory, ignore_errors=True)
            self._directory = None
        return stuck

    def peer(self, name):
        """The server object behind peer ``name`` (a TCPPeer has ``accepted`` and
        ``connection_count()``, a DatagramPeer ``requests``, the broker ``pid`` and
        ``log()``)."""
        for peer in self._peers:
            if peer.name == name or (name.startswith("mqtts") and peer.name == "mqtt"):
                return peer
        raise KeyError("lab: no running peer %r" % name)

    @property
    def running(self):
        return self._directory is not None

    # -- what the lab offers ---------------------------------------------------------------

    def network_settings(self):
        """The keyword arguments :meth:`network` passes to ``Network`` (before overrides):
        a copy to extend, e.g. ``hosts=dict(lab.network_settings()["hosts"], x="1.2.3.4")``."""
        hosts = {name: "127.0.0.1" for name in lab_tls.SERVER_NAMES if not _is_ip(name)}
        for name in ("adafruit.pool.ntp.org", lab_tls.WRONG_HOST_NAME,
                     lab_tls.SELF_SIGNED_NAME, lab_tls.EXPIRED_NAME):
            hosts[name] = "127.0.0.1"
        ports = {}
        web = ("httpbin.org", "www.httpbin.org", "example.com", "www.example.com", "localhost")
        for name in web:
            ports[(name, 80)] = self.http[1]
            ports[(name, 443)] = self.https[1]
        for name in ("pool.ntp.org", "0.pool.ntp.org", "0.adafruit.pool.ntp.org",
                     "adafruit.pool.ntp.org"):
            ports[(name, 123)] = self.ntp[1]
        ports[(lab_tls.WRONG_HOST_NAME, 443)] = self.https_wrong_host[1]
        ports[(lab_tls.SELF_SIGNED_NAME, 443)] = self.https_self_signed[1]
        ports[(lab_tls.EXPIRED_NAME, 443)] = self.https_expired[1]
        if self.mqtt is not None:
            ports[("test.mosquitto.org", 1883)] = self.mqtt[1]
            ports[("test.mosquitto.org", 8883)] = self.mqtts[1]
            ports[("test.mosquitto.org", 8884)] = self.mqtts_client_cert[1]  # as the real one
        return {
            "access_points": {"lab-ap": "lab-password", "lab-open": None},
            "hosts": hosts,
            "ports": ports,
            "cafile": self.cafile,
            "resolve_host_names": False,
        }

    def network(self, **overrides):
        """A :class:`netdev_emulator.Network` pointing the examples' real names at the lab:
        access points ``lab-ap`` (passphrase ``lab-password``) and ``lab-open`` (open),
        httpbin.org/example.com (80 and 443), test.mosquitto.org (1883, 8883, 8884),
        pool.ntp.org and friends (123), the badssl-style names of the bad TLS servers
        (443), the lab CA as the trusted store, and no host resolver (nothing escapes).
        ``overrides`` replace those keyword arguments."""
        if not self.running:
            raise RuntimeError("lab: not started (use `with Lab() as lab:`)")
        settings = self.network_settings()
        settings.update(overrides)
        return Network(**settings)

    def addresses(self):
        """``{peer name: "127.0.0.1:port"}`` for every running peer."""
        return {
            name: "%s:%d" % getattr(self, name)
            for name, _ in PEERS
            if getattr(self, name) is not None
        }

    def environ(self, prefix="NETDEV_LAB_"):
        """Environment variables describing the lab for a subprocess:
        ``<prefix><PEER>=127.0.0.1:port`` for each peer, ``<prefix>CAFILE``, and the client
        certificate's ``<prefix>CLIENT_CERTFILE`` and ``<prefix>CLIENT_KEYFILE``."""
        env = {prefix + name.upper(): address for name, address in self.addresses().items()}
        if self.cafile:
            env[prefix + "CAFILE"] = self.cafile
        if self.client_certfile:
            env[prefix + "CLIENT_CERTFILE"] = self.client_certfile
            env[prefix + "CLIENT_KEYFILE"] = self.client_keyfile
        return env

    def describe(self):
        """A few lines naming every peer, its address, the CA file and the client
        certificate's files."""
        lines = []
        addresses = self.addresses()
        for name, what in PEERS:
            if name in addresses:
                lines.append("%-18s %-21s %s" % (name, addresses[name], what))
        lines.append("%-18s %s" % ("cafile", self.cafile))
        if self.client_certfile:
            lines.append("%-18s %s" % ("client certfile", self.client_certfile))
            lines.append("%-18s %s" % ("client keyfile", self.client_keyfile))
        if self.mqtt_pid is not None:
            lines.append("%-18s %d" % ("mosquitto pid", self.mqtt_pid))
        return "\n".join(lines)

    def __repr__(self):
        if not self.running:
            return "<Lab (stopped)>"
        return "<Lab %s>" % ", ".join("%s=%s" % item for item in self.addresses().items())


@contextlib.contextmanager
def noted(lab):
    """While the block runs, a note of the lab's world where ``python -m netdev_emulator run``
    looks for it (:func:`netdev_emulator.run.lab_note_path`), readable by this user only.
    In that world the TinyGo examples' server, ``10.0.0.100:8080``, is the TCP echo peer."""
    from netdev_emulator.run import lab_note_path  # pylint: disable=import-outside-toplevel

    path = lab_note_path()
    ports = dict(lab.network_settings()["ports"])
    ports[TINYGO_SERVER] = lab.tcp_echo[1]
    note = {"pid": os.getpid(), "environ": world_to_environ(lab.network(ports=ports))}
    handle = os.open(path + ".new", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as f:
        json.dump(note, f)
    os.replace(path + ".new", path)
    try:
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            with open(path, encoding="utf-8") as f:
                mine = json.load(f).get("pid") == note["pid"]  # not a lab started after this one
            if mine:
                os.unlink(path)


def paste_lines(lab, python=None):
    """The lines to paste into another terminal (in the checkout) to run a program against
    this lab: on a virtual co-processor, and on this computer's own network (``NETDEV=host``,
    the settings pointing the examples at the lab's peers)."""
    python = python or _python()
    host = "PYTHONPATH=. NETDEV=host NETDEV_CA_FILE=%s" % lab.cafile
    host += " HTTPBIN_URL=https://localhost:%d SERVER_ADDRESS=127.0.0.1:%d" % (lab.https[1], lab.tcp_echo[1])
    return [
        "# a virtual AirLift (or --device rtl8720dn: a Wio Terminal), this lab as its world:",
        "%s -m netdev_emulator run examples/netdev_simpletest.py" % python,
        "# this computer's own network, the example's peers in this lab:",
        "%s %s examples/netdev_simpletest.py" % (host, python),
    ]


def _python():
    """This interpreter as the user can type it: relative to the current folder when inside it
    (``.venv/bin/python``)."""
    path = os.path.abspath(sys.executable)
    here = os.getcwd() + os.sep
    return path[len(here) :] if path.startswith(here) else path


def main(argv=None):
    """``python -m netdev_emulator lab [--no-mqtt] [--background | --stop]``: start a lab, print
    its peers, its CA file and the lines to paste to run a program against it, and keep it
    running until Ctrl-C (``--background``: in a process of its own, returning once it
    runs; ``--stop`` stops that one)."""
    parser = argparse.ArgumentParser(
        prog="python -m netdev_emulator lab",
        description="Run the adafruit_netdev loopback peers until Ctrl-C (or --stop).",
    )
    parser.add_argument("--no-mqtt", action="store_true", help="do not start mosquitto")
    parser.add_argument("--mosquitto", help="the mosquitto executable")
    parser.add_argument("--background", action="store_true",
                        help="run in the background; return once the lab runs")
    parser.add_argument("--stop", action="store_true", help="stop the lab running in the background")
    args = parser.parse_args(argv)
    if args.stop:
        return _stop()
    if args.background:
        return _background([a for a in (argv if argv is not None else sys.argv[1:]) if a != "--background"])
    stop = threading.Event()
    # Ctrl-C and SIGTERM set an event instead of raising wherever the main thread happens to
    # be (a KeyboardInterrupt between two statements would skip the orderly stop)
    previous = {number: signal.signal(number, lambda *_: stop.set())
                for number in (signal.SIGINT, signal.SIGTERM)}  # fmt: skip
    try:
        with Lab(mqtt=not args.no_mqtt, mosquitto=args.mosquitto) as lab:
            print("adafruit_netdev lab running (Ctrl-C stops it):")
            print(lab.describe())
            print("\nTo run a program against it, paste into another terminal, in this folder:")
            print("\n".join("    " + line for line in paste_lines(lab)))
            sys.stdout.flush()
            with noted(lab):  # after the lines are out: --background prints them once noted
                while not stop.wait(3600):
                    pass
            print("lab stopping")
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    return 0


BACKGROUND_TIMEOUT = 60.0  # for the lab to start (mosquitto, certificates) or to stop


def _background(argv):
    """Start ``python -m netdev_emulator lab ARGV`` in a session of its own (its output in a
    log file beside the note) and return once it has noted its world."""
    import subprocess  # pylint: disable=import-outside-toplevel

    from netdev_emulator.run import lab_note_path, running_lab  # pylint: disable=import-outside-toplevel

    if running_lab() is not None:
        print("a lab already runs (%s); `--stop` stops it" % lab_note_path(), file=sys.stderr)
        return 1
    log_path = lab_note_path() + ".log"
    with open(log_path, "w", encoding="utf-8") as log:
        child = subprocess.Popen(
            [sys.executable, "-m", "netdev_emulator", "lab"] + argv, stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    limit = time.monotonic() + BACKGROUND_TIMEOUT
    while running_lab() is None or _noted_pid() != child.pid:
        if child.poll() is not None or time.monotonic() > limit:
            if child.poll() is None:
                child.kill()
            with open(log_path, encoding="utf-8") as log:
                print("the lab did not start:\n" + log.read(), file=sys.stderr)
            return 1
        time.sleep(0.05)  # polling another process's note file; bounded by BACKGROUND_TIMEOUT
    with open(log_path, encoding="utf-8") as log:
        sys.stdout.write(log.read().replace("(Ctrl-C stops it)", "in the background (pid %d; "
                         "`python -m netdev_emulator lab --stop` stops it)" % child.pid))
    return 0


def _noted_pid():
    from netdev_emulator.run import lab_note_path  # pylint: disable=import-outside-toplevel

    try:
        with open(lab_note_path(), encoding="utf-8") as f:
            return json.load(f)["pid"]
    except (OSError, ValueError, KeyError):
        return None


def _stop():
    """Stop the lab that runs in the background (SIGTERM), and wait until it has stopped."""
    pid = _noted_pid()
    from netdev_emulator.run import running_lab  # pylint: disable=import-outside-toplevel

    if pid is None or running_lab() is None:
        print("no lab runs", file=sys.stderr)
        return 1
    os.kill(pid, signal.SIGTERM)
    limit = time.monotonic() + BACKGROUND_TIMEOUT
    while _noted_pid() == pid:
        if time.monotonic() > limit:
            print("the lab (pid %d) did not stop within %.0f s" % (pid, BACKGROUND_TIMEOUT), file=sys.stderr)
            return 1
        time.sleep(0.05)  # polling another process's note file; bounded above
    print("lab stopped (pid %d)" % pid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
