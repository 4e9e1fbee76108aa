# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The RTL8720DN driver in the contract suite: on the emulator in this process (its
``uart``/``enable`` objects), and on the emulator in another process behind a real
pseudo-terminal opened with pyserial (as on Linux with a USB serial adapter)."""

import contextlib
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time

from adafruit_netdev.netlink import ConnectParams
from netdev_emulator import rig
from tests.devices import register

ROOT = pathlib.Path(__file__).resolve().parent.parent
LAB_AP = ConnectParams(ssid=rig.LAB_AP[0], passphrase=rig.LAB_AP[1], retries=rig.JOIN_RETRIES)


@contextlib.contextmanager
def _joined(dev, cafile):
    """Trust the lab CA on the chip (the firmware verifies TLS only with a root CA), join
    lab-ap, and leave no socket behind."""
    try:
        dev.root_ca = pathlib.Path(cafile).read_text()
        dev.net_connect(LAB_AP)
        yield dev
    finally:
        rig.close_netdev(dev)


@register("rtl8720dn")
@contextlib.contextmanager
def make(lab):
    with rig.joined("rtl8720dn", lab.network(), cafile=lab.cafile) as (dev, _chip):
        yield dev, dev


def emulator_command(lab, firmware=None):
    """``python -m netdev_emulator rtl8720dn --pty`` with the lab's world as CLI flags."""
    settings = lab.network_settings()
    args = [sys.executable, "-m", "netdev_emulator", "rtl8720dn", "--pty"]
    args += ["--firmware", firmware or rig.RTL_FIRMWARE]
    for ssid, passphrase in settings["access_points"].items():
        args += ["--ap", ssid if passphrase is None else "%s:%s" % (ssid, passphrase)]
    for name, ip in settings["hosts"].items():
        args += ["--host", "%s=%s" % (name, ip)]
    for (name, port), local in settings["ports"].items():
        args += ["--map", "%s:%d=%d" % (name, port, local)]
    args += ["--cafile", settings["cafile"]]
    if not settings["resolve_host_names"]:
        args.append("--offline")
    return args


@contextlib.contextmanager
def emulator_on_pty(lab, timeout=20):
    """Start the out-of-process emulator; yields the pty path; kills it (by pid) afterwards."""
    with tempfile.TemporaryFile(mode="w+") as out:
        proc = subprocess.Popen(
            emulator_command(lab), stdout=out, stderr=subprocess.STDOUT, cwd=str(ROOT), text=True
        )
        try:
            path = None
            limit = time.monotonic() + timeout
            while path is None:
                out.seek(0)
                for word in out.read().split():
                    if word.startswith("/dev/"):
                        path = word
                if path is None:
                    if proc.poll() is not None or time.monotonic() > limit:
                        out.seek(0)
                        raise RuntimeError("the emulator printed no pty path: %r" % out.read())
                    time.sleep(0.02)  # polling a subprocess's output file; bounded above
            yield path
        finally:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    os.kill(proc.pid, signal.SIGKILL)
                    proc.wait(10)


@register("rtl8720dn-pty")
@contextlib.contextmanager
def make_pty(lab):
    import serial

    from adafruit_netdev_rtl8720dn import RTL8720DN

    with emulator_on_pty(lab) as path:
        port = serial.Serial(path, 614400, timeout=0.05)
        try:
            with _joined(RTL8720DN(port), lab.cafile) as dev:
                yield dev, dev
        finally:
            port.close()
