# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The lab's MQTT broker: a private ``mosquitto`` process on 127.0.0.1 (plain and TLS
listeners, and a TLS listener that requires a client certificate), started and waited for
with bounds, stopped by pid."""

import collections
import os
import shutil
import socket
import subprocess
import threading
import time

from netdev_emulator.lab_peers import LOCALHOST, _wait_threads

START_ATTEMPTS = 3  # a free port can be taken between choosing it and mosquitto binding it
LOG_LINES = 40


def find_mosquitto(path=None):
    """The mosquitto executable (``path``, else on PATH, else /usr/sbin); RuntimeError
    naming the Debian package when there is none."""
    candidates = [path] if path else [shutil.which("mosquitto"), "/usr/sbin/mosquitto",
                                      "/usr/local/sbin/mosquitto"]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError(
        "lab peer 'mqtt' needs the mosquitto broker (%s not found): install it with "
        "`apt-get install mosquitto` (Debian/Ubuntu), or use Lab(mqtt=False)"
        % (path or "mosquitto")
    )


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOCALHOST, 0))
        return probe.getsockname()[1]


class Mosquitto:
    """A private mosquitto broker.

    :param directory: a pathlib.Path for the config file
    :param tls_files: ``(cert_path, key_path)`` for a TLS listener, or None
    :param float timeout: how long to wait for the broker to run (per attempt)
    :param client_cafile: with ``tls_files``, a CA file: one more TLS listener, which
        requires a client certificate from that CA (``require_certificate true``)

    ``address``, ``tls_address`` and ``client_cert_address`` are ``(host, port)`` tuples
    (None for a listener not asked for), ``pid`` the process id, ``log()`` the broker's
    recent log lines.
    """

    def __init__(self, directory, tls_files=None, timeout=10.0, executable=None, client_cafile=None):
        self.name = "mqtt"
        self.executable = find_mosquitto(executable)
        self._directory = directory
        self._tls_files = tls_files
        self._client_cafile = client_cafile if tls_files else None
        self._timeout = timeout
        self._log = collections.deque(maxlen=LOG_LINES)
        self._failure = ""
        self._process = None
        self._reader = None
        self.address = self.tls_address = self.client_cert_address = None
        self.pid = None

    def log(self):
        """The broker's last log lines (a list of str)."""
        return list(self._log)

    def start(self):
        for attempt in range(START_ATTEMPTS):
            if self._start_once():
                return self
            in_use = any("in use" in line for line in self._log)
            self._stop_process(time.monotonic() + 5.0)
            if not in_use or attempt == START_ATTEMPTS - 1:
                break
        raise RuntimeError(
            "lab peer 'mqtt': mosquitto (%s) did not start: %s; its log:\n  %s"
            % (self.executable, self._failure, "\n  ".join(self._log) or "(empty)")
        )

    def _config(self, port, tls_port, client_cert_port):
        lines = [
            "listener %d %s" % (port, LOCALHOST),
            "allow_anonymous true",
        ]
        if tls_port is not None:
            lines += [
                "listener %d %s" % (tls_port, LOCALHOST),
                "allow_anonymous true",
                "certfile %s" % self._tls_files[0],
                "keyfile %s" % self._tls_files[1],
            ]
        if client_cert_port is not None:
            lines += [
                "listener %d %s" % (client_cert_port, LOCALHOST),
                "allow_anonymous true",
                "certfile %s" % self._tls_files[0],
                "keyfile %s" % self._tls_files[1],
                "cafile %s" % self._client_cafile,
                "require_certificate true",
            ]
        lines += ["persistence false", "log_dest stderr", "log_timestamp false"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            # As root mosquitto switches to the 'mosquitto' user before it loads the
            # certificates, which that user cannot read in our private directory.
            lines.append("user root")
        path = self._directory / "mosquitto.conf"
        path.write_text("\n".join(lines) + "\n")
        return str(path)

    def _start_once(self):
        port = _free_port()
        tls_port = _free_port() if self._tls_files else None
        client_cert_port = _free_port() if self._client_cafile else None
        self._log.clear()
        running = threading.Event()
        self._process = subprocess.Popen(  # pylint: disable=consider-using-with
            [self.executable, "-c", self._config(port, tls_port, client_cert_port)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
        )
        self.pid = self._process.pid
        self._reader = threading.Thread(
            target=self._read_log, args=(self._process.stderr, running),
            name="lab-mqtt-log", daemon=True,
        )
        self._reader.start()
        # mosquitto logs "running" once every listener is open; the reader also sets the
        # event when the process exits, so this wait ends early on failure.
        running.wait(self._timeout)
        if not any(" running" in line for line in self._log):
            try:  # the log ended: the process is exiting
                status = self._process.wait(1.0 if running.is_set() else 0.0)
                self._failure = "it exited with status %d" % status
            except subprocess.TimeoutExpired:
                self._failure = "not running within %.1f s" % self._timeout
            return False
        if self._process.poll() is not None:
            self._failure = "it exited with status %d" % self._process.returncode
            return False
        self.address = (LOCALHOST, port)
        self.tls_address = (LOCALHOST, tls_port) if tls_port else None
        self.client_cert_address = (LOCALHOST, client_cert_port) if client_cert_port else None
        return True

    def _read_log(self, stream, running):
        try:
            for line in stream:
                self._log.append(line.rstrip())
                if " running" in line:
                    running.set()
        finally:
            running.set()  # end of output: the process has exited
            stream.close()

    def _stop_process(self, deadline):
        process, self._process = self._process, None
        stuck = []
        if process is not None:
            if process.poll() is None:
                process.terminate()  # SIGTERM to our pid: mosquitto exits cleanly
                try:
                    process.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(2.0)
        if self._reader is not None:
            stuck = _wait_threads([self._reader], deadline)
            self._reader = None
        return stuck

    def stop(self, deadline):
        return self._stop_process(deadline)
