# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The PC path: ``python -m netdev_emulator run code.py`` runs a board program with its driver on
a virtual co-processor (the library never imports the emulator: the runner binds the driver
and sets ``NETDEV=bound``), finding a running lab by itself; what replaced the old
``NETDEV=emulated-*`` settings is said, not silently ignored."""

import os
import pathlib
import subprocess
import sys

import pytest

from netdev_emulator import rig
from netdev_emulator.lab import noted
from tools.demo.runner import EXAMPLES, ROOT

TIMEOUT = 120


def _environ(**extra):
    """This environment without any NETDEV*/CIRCUITPY_* setting, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NETDEV", "CIRCUITPY_", "EXAMPLE_"))}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def _run(argv, env, cwd=ROOT):
    return subprocess.run(
        [sys.executable] + argv, env=env, cwd=str(cwd), capture_output=True, text=True,
        timeout=TIMEOUT, check=False,
    )


@pytest.fixture
def lab_note(lab, tmp_path):
    """The session's lab noted where ``run`` looks for a running lab (a file of this test's)."""
    path = tmp_path / "lab-note.json"
    os.environ["NETDEV_EMULATOR_LAB_NOTE"] = str(path)
    try:
        with noted(lab):
            yield str(path)
    finally:
        del os.environ["NETDEV_EMULATOR_LAB_NOTE"]
    assert not path.exists(), "the note outlived the lab"


@pytest.mark.parametrize("device", ["wifinina", "wifinina-adafruit-3.3", "rtl8720dn"])
def test_run_finds_the_running_lab(lab_note, device):
    """The example keeps its real defaults (10.0.0.100:8080, httpbin.org): the running lab's
    world leads them to its peers, and the chip trusts the lab's CA."""
    done = _run(
        ["-m", "netdev_emulator", "run", "--device", device, str(EXAMPLES / "netdev_simpletest.py")],
        _environ(NETDEV_EMULATOR_LAB_NOTE=lab_note, CIRCUITPY_WIFI_SSID="lab-ap",
                 CIRCUITPY_WIFI_PASSWORD="lab-password"),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Hello from adafruit_netdev!" in done.stdout and "args {'hello': 'netdev'}" in done.stdout
    assert "its world: the lab that runs (%s)" % lab_note in done.stderr


def test_run_reads_settings_toml_and_joins_its_access_point(lab_note, tmp_path):
    """A settings.toml written for the board (its own Wi-Fi name) works as it is: the
    network it names is added to the lab's world."""
    settings = 'CIRCUITPY_WIFI_SSID = "home"\nCIRCUITPY_WIFI_PASSWORD = "secret123"\n'
    (tmp_path / "settings.toml").write_text(settings)
    (tmp_path / "code.py").write_text(
        "import os\n"
        "from adafruit_netdev.netlink import ConnectParams\n"
        "from adafruit_netdev.probe import probe\n"
        "link, dev = probe()\n"
        "ssid, password = os.getenv('CIRCUITPY_WIFI_SSID'), os.getenv('CIRCUITPY_WIFI_PASSWORD')\n"
        "link.net_connect(ConnectParams(ssid, password))\n"
        "print('joined', ssid, type(dev).__name__, dev.addr())\n"
    )
    done = _run(["-m", "netdev_emulator", "run", "code.py"], _environ(NETDEV_EMULATOR_LAB_NOTE=lab_note),
                cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "\njoined home WiFiNINA 127.0.0." in "\n" + done.stdout, done.stdout


def test_run_refuses_unknown_devices_and_missing_programs(tmp_path):
    done = _run(["-m", "netdev_emulator", "run", "--device", "esp32", "code.py"], _environ(), cwd=tmp_path)
    assert done.returncode == 2 and "unknown device 'esp32'" in done.stderr
    done = _run(["-m", "netdev_emulator", "run", "nothing.py"], _environ(), cwd=tmp_path)
    assert done.returncode == 2 and "no program 'nothing.py'" in done.stderr


@pytest.mark.parametrize(
    ("setting", "device"),
    [({"NETDEV": "emulated-wifinina"}, "wifinina"),
     ({"NETDEV": "emulated-wifinina", "NETDEV_PERSONA": "adafruit-3.3"}, "wifinina-adafruit-3.3"),
     ({"NETDEV": "emulated-rtl8720dn"}, "rtl8720dn")],
)
def test_the_old_emulated_settings_say_what_replaced_them(setting, device):
    done = _run([str(EXAMPLES / "netdev_simpletest.py")], _environ(**setting))
    assert done.returncode != 0
    assert "python -m netdev_emulator run --device %s code.py" % device in done.stderr, done.stderr


def test_bound_without_a_bound_netdev_says_what_to_do():
    done = _run(["-c", "from adafruit_netdev.probe import probe; probe()"], _environ(NETDEV="bound"))
    assert done.returncode != 0 and "netdev not set: call adafruit_netdev.use_netdev" in done.stderr


def test_use_emulator_binds_what_probe_returns(lab, monkeypatch):
    """The same from Python: one call before the program's own code."""
    import adafruit_netdev
    from adafruit_netdev.probe import probe
    from netdev_emulator.run import use_emulator

    monkeypatch.delenv("NETDEV", raising=False)
    monkeypatch.setattr(adafruit_netdev, "_netdev", None)
    dev = use_emulator("rtl8720dn", lab.network())
    try:
        assert os.environ["NETDEV"] == "bound"
        assert probe() == (dev, dev)
        assert type(dev).__name__ == "RTL8720DN" and dev.emulator.stats.snapshot()["transactions"] >= 0
    finally:
        dev.emulator.close()


def test_the_one_persona_list_is_the_emulators():
    from netdev_emulator.nina_personas import PERSONAS

    assert set(rig.NINA_PERSONAS) <= set(PERSONAS)
    assert rig.DEVICES == tuple("wifinina-" + p for p in rig.NINA_PERSONAS) + ("rtl8720dn",)
    assert pathlib.Path(EXAMPLES).is_dir()


# -- the CA file setting: one name --------------------------------------------------------------


def test_host_trusts_netdev_ca_file(lab, monkeypatch):
    from adafruit_netdev.probe import probe

    monkeypatch.setenv("NETDEV_CA_FILE", lab.cafile)
    for old in ("NETDEV_CAFILE", "NETDEV_EMULATOR_CAFILE"):
        monkeypatch.delenv(old, raising=False)
    _link, dev = probe("host")
    assert dev._cafile == lab.cafile  # noqa: SLF001 - what its TLS contexts trust


@pytest.mark.parametrize("old", ["NETDEV_CAFILE", "NETDEV_EMULATOR_CAFILE"])
def test_the_old_ca_file_names_still_work_and_say_the_new_one(lab, monkeypatch, old):
    from adafruit_netdev.probe import probe
    from netdev_emulator.network import world_from_environ

    monkeypatch.delenv("NETDEV_CA_FILE", raising=False)
    monkeypatch.setenv(old, lab.cafile)
    with pytest.warns(FutureWarning, match="%s is renamed NETDEV_CA_FILE" % old):
        _link, dev = probe("host")
    assert dev._cafile == lab.cafile  # noqa: SLF001 - what its TLS contexts trust
    if old == "NETDEV_EMULATOR_CAFILE":  # the emulator's world read it too
        with pytest.warns(FutureWarning, match="is renamed NETDEV_CA_FILE"):
            world = world_from_environ({old: lab.cafile}.get)
        assert world.cafile == lab.cafile


def test_the_world_carries_the_ca_file_under_its_one_name(lab):
    from netdev_emulator.network import world_from_environ, world_to_environ

    env = world_to_environ(lab.network())
    assert env["NETDEV_CA_FILE"] == lab.cafile and not [k for k in env if "CAFILE" in k]
    assert world_from_environ(env.get).cafile == lab.cafile


def test_the_docs_name_the_ca_file_setting_once():
    """README.rst, docs/ and examples/ say NETDEV_CA_FILE, and the old names only where
    they are said to be old."""
    texts = [ROOT / "README.rst"] + sorted((ROOT / "docs").glob("*.rst")) + sorted(EXAMPLES.rglob("*.py"))
    texts.append(EXAMPLES / "netdev_settings.toml")
    found = []
    for path in texts:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if ("NETDEV_CAFILE" in line or "NETDEV_EMULATOR_CAFILE" in line) and "renamed" not in line:
                found.append("%s:%d" % (path.relative_to(ROOT), number))
    assert not found, found


def test_the_lines_the_lab_prints_run_when_pasted(lab_note, lab):
    """``python -m netdev_emulator lab`` prints what to paste: each line runs, in the
    checkout, on a plain PATH, and the example completes against the lab."""
    from netdev_emulator.lab import paste_lines

    commands = [line for line in paste_lines(lab, python=".venv/bin/python") if not line.startswith("#")]
    assert len(commands) == 2
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp"),
           "LANG": "C.UTF-8", "NETDEV_EMULATOR_LAB_NOTE": lab_note}
    for command in commands:
        done = subprocess.run(["/bin/bash", "-e", "-c", command], cwd=str(ROOT), env=env, capture_output=True,
                              text=True, timeout=TIMEOUT, check=False)
        assert done.returncode == 0, command + "\n" + done.stdout + done.stderr
        assert "Hello from adafruit_netdev!" in done.stdout, done.stdout
        assert done.stdout.rstrip().endswith("Done"), done.stdout
