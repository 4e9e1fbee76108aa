# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""A program written for CircuitPython's native ``wifi.radio`` (tests/radio/native_wifi_program.py)
runs on every netdev with only the block that makes the radio replaced: in this process on
each registered netdev, and on CircuitPython's own core (the 32-bit unix port) wired to an
emulated AirLift and Wio Terminal, found by ``probe()`` as on a board."""

import pathlib
import re

import pytest

from tests.circuitpython import harness as cp
from tests.micropython.harness import EmulatorProcess

pytestmark = pytest.mark.timeout(300)

HERE = pathlib.Path(__file__).resolve().parent
NATIVE = (HERE / "native_wifi_program.py").read_text()
BLOCK = re.compile(r"(# -- the radio -+\n)(.*?)(\n# -+\n)", re.S)
NATIVE_BLOCK = "import socketpool\nimport ssl\nimport wifi\n\nradio = wifi.radio"

# How the radio is made with this library, on a board (probe() finds the co-processor from the
# board's pins) and in a test that already holds the netdev.
ON_A_BOARD = (
    "from adafruit_netdev import socketpool, ssl\n"
    "from adafruit_netdev.probe import probe\n"
    "from adafruit_netdev.radio import Radio\n\n"
    "radio = Radio(probe()[1])"
)
GIVEN_NETDEV = (
    "from adafruit_netdev import socketpool, ssl\n"
    "from adafruit_netdev.radio import Radio\n\n"
    "radio = Radio(dev)"
)


def program(block):
    """The native program with its radio block replaced by ``block``."""
    match = BLOCK.search(NATIVE)
    assert match and match.group(2) == NATIVE_BLOCK, "the native program's radio block changed"
    changed = NATIVE[: match.start(2)] + block + NATIVE[match.end(2) :]
    # nothing else differs: the rest is the native program, character for character
    assert changed.replace(block, NATIVE_BLOCK) == NATIVE
    return changed


def settings(lab):
    return {
        "CIRCUITPY_WIFI_SSID": "lab-ap",
        "CIRCUITPY_WIFI_PASSWORD": "lab-password",
        "TEST_HTTP_URL": "http://httpbin.org:%d" % lab.http[1],
        "TEST_HTTPS_URL": "https://httpbin.org:%d" % lab.https[1],
    }


EXPECTED = [
    r"mac ([0-9a-f]{2}:){5}[0-9a-f]{2}",
    r"connected True ip \d+\.\d+\.\d+\.\d+ gateway \d+\.\d+\.\d+\.\d+",
    r"http 200 socketpool",
    r"https 200 connection_manager",
    r"done False",
]


def check_output(text):
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) >= len(EXPECTED), text
    for pattern, line in zip(EXPECTED, lines[-len(EXPECTED) :]):
        assert re.fullmatch(pattern, line), "%r does not match %r in:\n%s" % (line, pattern, text)


def test_the_native_program_runs_on_every_netdev(dev, lab, monkeypatch, capsys):
    for name, value in settings(lab).items():
        monkeypatch.setenv(name, value)
    dev.net_disconnect()  # the program joins by itself
    try:
        exec(
            compile(program(GIVEN_NETDEV), "native_wifi_program.py", "exec"),
            {"dev": dev, "__name__": "__main__"},
        )
    finally:
        if not dev.connected:
            from adafruit_netdev.netlink import ConnectParams  # noqa: PLC0415

            dev.net_connect(ConnectParams(ssid="lab-ap", passphrase="lab-password", retries=3))
    check_output(capsys.readouterr().out)


@pytest.fixture(scope="module")
def board_lib(tmp_path_factory):
    return cp.build_lib(tmp_path_factory.mktemp("circuitpy"))


@pytest.mark.parametrize("device", sorted(cp.WIRING))
def test_the_native_program_runs_on_circuitpython(device, lab, board_lib, tmp_path):
    script = tmp_path / "code.py"
    script.write_text(program(ON_A_BOARD))
    with EmulatorProcess(device, lab.network_settings()) as emulator:
        env = cp.board_environ(device, emulator.address, board_lib, settings(lab), lab.cafile)
        result = cp.run_program(script, env, timeout=240)
    assert result.returncode == 0, result.stdout[-3000:]
    check_output(result.stdout)
    print(result.stdout)
