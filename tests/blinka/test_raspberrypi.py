# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Blinka on a Raspberry Pi: the WiFiNINA driver through Blinka's own Raspberry Pi code
(Adafruit-Blinka from PyPI, ``BLINKA_FORCEBOARD`` = a Pi 4 or a Pi 5), with only the kernel
underneath virtual (``netdev_emulator.raspberrypi``: libgpiod's ``gpiod`` module and
``/dev/spidev`` through PureIO), an emulated AirLift on the wires, and the lab's peers.

Each program runs as a Pi user runs it: its own process, ``python -m netdev_emulator pi
program.py`` (Blinka picks its board when ``board`` is first imported, once per process)."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from netdev_emulator.network import world_to_environ
from tools import ROOT

pytestmark = pytest.mark.timeout(300)

PI_BOARDS = ("RASPBERRY_PI_4B", "RASPBERRY_PI_5")

# What a Pi user writes: Blinka's busio.SPI on the SPI pins and digitalio on the GPIOs the
# AirLift is wired to (docs/wiring.rst), then the Adafruit libraries on top.
USER_PROGRAM = textwrap.dedent(
    """
    import json, sys
    import board, busio, digitalio
    import adafruit_requests
    from adafruit_netdev.netlink import ConnectParams
    from adafruit_netdev.socketpool import SocketPool, create_default_context
    from adafruit_netdev_wifinina import WiFiNINA

    spi = busio.SPI(board.SCK, board.MOSI, board.MISO)
    cs = digitalio.DigitalInOut(board.D4)
    ready = digitalio.DigitalInOut(board.D5)
    reset = digitalio.DigitalInOut(board.D6)
    dev = WiFiNINA(spi, cs, ready, reset)
    dev.net_connect(ConnectParams("lab-ap", "lab-password"))

    pool = SocketPool(dev)
    message = b"hello from a Raspberry Pi through Blinka" * 20
    with pool.socket(pool.AF_INET, pool.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(("127.0.0.1", int(sys.argv[1])))
        sock.send(message)
        echo, buf = b"", bytearray(256)
        while len(echo) < len(message):
            n = sock.recv_into(buf)
            if not n:
                break
            echo += bytes(buf[:n])
    requests = adafruit_requests.Session(pool, create_default_context())
    with requests.get("https://httpbin.org/get?from=pi") as response:
        args = response.json()["args"]

    import gpiod
    from netdev_emulator.raspberrypi import installed
    pi = installed()
    nina = pi.airlift.stats.snapshot()
    print("RESULT " + json.dumps({
        "board": board.board_id,
        "firmware": dev.version,
        "echo": echo == message,
        "args": args,
        "spi": type(spi._spi).__module__ + "/" + type(spi._spi._spi).__module__,
        "pin": [c.__module__ for c in type(cs._pin).__mro__],
        "gpiod": gpiod.__name__,
        "pi": pi.stats,
        "consumers": {n: pi.line(n).consumer for n in (4, 5, 6, 7, 8)},
        "nina": {k: nina[k] for k in ("torn_transactions", "lost_transactions", "stray_transfers")},
        "bus_errors": pi.airlift.bus_errors,
    }))
    """
)

PROBE_PROGRAM = textwrap.dedent(
    """
    import json, os
    from adafruit_netdev import probe as probing
    from adafruit_netdev.netlink import ConnectParams

    try:
        link, dev = probing.probe()
    except OSError as exc:
        print("RESULT " + json.dumps({"errno": exc.errno, "error": exc.strerror}))
        raise SystemExit
    link.net_connect(ConnectParams(os.getenv("CIRCUITPY_WIFI_SSID"), os.getenv("CIRCUITPY_WIFI_PASSWORD")))
    print("RESULT " + json.dumps({
        "dev": type(dev).__name__,
        "reason": probing.reason,
        "addr": dev.addr(),
        "settings": {k: os.getenv(k) for k in ("CIRCUITPY_WIFI_SSID", "CIRCUITPY_WIFI_PASSWORD",
                                               "EXAMPLE_ITERATIONS", "NETDEV_SPI_CS")},
    }))
    """
)


def run_pi(tmp_path, program, *options, lab=None, env=None, args=(), world=None):
    """Run ``program`` (source text, or a path) with ``python -m netdev_emulator pi``, in
    ``tmp_path`` (where a test puts settings.toml); returns (RESULT dict or None, process)."""
    if "\n" in program:
        path = tmp_path / "code.py"
        path.write_text(program)
        program = str(path)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NETDEV", "CIRCUITPY_", "BLINKA_"))}
    clean.update(PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1")
    if lab is not None:
        clean.update(world_to_environ(world or lab.network()))
    clean.update(env or {})
    run = subprocess.run(
        [sys.executable, "-m", "netdev_emulator", "pi", *options, program, *args],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    result = None
    for line in run.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
    return result, run


@pytest.mark.parametrize("board", PI_BOARDS)
def test_pi_user_code_drives_the_airlift_through_blinkas_pi_code(tmp_path, lab, board):
    result, run = run_pi(tmp_path, USER_PROGRAM, "--board", board, lab=lab, args=[str(lab.tcp_echo[1])])
    assert result is not None, run.stdout[-3000:] + run.stderr[-3000:]
    assert result["board"] == board
    assert result["firmware"] == "1.7.7"  # the AirLift persona: Adafruit's NINA-FW 1.7
    assert result["echo"] is True
    assert result["args"] == {"from": "pi"}
    # It went through Blinka's Raspberry Pi code, down to the kernel's interfaces:
    assert result["spi"] == "adafruit_blinka.microcontroller.generic_linux.spi/Adafruit_PureIO.spi"
    assert result["pin"][:2] == [
        "adafruit_blinka.microcontroller.generic_linux.raspberry_pi_pin",
        "adafruit_blinka.microcontroller.generic_linux.libgpiod.libgpiod_pin_2_x",
    ]
    assert result["gpiod"] == "netdev_emulator.raspberrypi_gpiod"
    assert result["pi"]["gpio_requests"] == 3 and result["pi"]["spi_messages"] > 50
    # CS, BUSY and RST are Blinka's (libgpiod consumer "adafruit_blinka"); CE0/CE1 the kernel's
    assert result["consumers"] == {
        "4": "adafruit_blinka", "5": "adafruit_blinka", "6": "adafruit_blinka",
        "7": "spi0 CS1", "8": "spi0 CS0",
    }
    # and the AirLift saw clean transactions: none torn, lost or stray
    assert result["nina"] == dict.fromkeys(result["nina"], 0), result
    assert result["bus_errors"] == []


@pytest.mark.parametrize("board", PI_BOARDS)
def test_probe_on_a_pi_finds_the_airlift_on_the_default_wiring_and_says_why(tmp_path, lab, board):
    env = {"CIRCUITPY_WIFI_SSID": "lab-ap", "CIRCUITPY_WIFI_PASSWORD": "lab-password"}
    result, run = run_pi(tmp_path, PROBE_PROGRAM, "--board", board, lab=lab, env=env)
    assert result is not None, run.stdout[-3000:] + run.stderr[-3000:]
    assert result["dev"] == "WiFiNINA"
    assert result["reason"] == (
        "%s: something drives GPIO 5 (header pin 29), an AirLift's BUSY on the default wiring" % board
    )


def test_probe_on_a_pi_without_an_airlift_uses_the_pis_network_and_says_why(tmp_path, lab):
    env = {"CIRCUITPY_WIFI_SSID": "lab-ap", "CIRCUITPY_WIFI_PASSWORD": "lab-password"}
    result, run = run_pi(tmp_path, PROBE_PROGRAM, "--no-airlift", env=env)
    assert result is not None, run.stdout[-3000:] + run.stderr[-3000:]
    assert result["dev"] == "HostNetdev"
    assert result["reason"] == (
        "RASPBERRY_PI_5: nothing drives GPIO 5 (header pin 29), where an AirLift's BUSY is on "
        "the default wiring: this computer's own network"
    )


def test_probe_finds_an_airlift_on_the_pins_the_settings_name(tmp_path, lab):
    env = {"CIRCUITPY_WIFI_SSID": "lab-ap", "CIRCUITPY_WIFI_PASSWORD": "lab-password",
           "NETDEV_SPI_CS": "D16", "NETDEV_SPI_BUSY": "D20", "NETDEV_SPI_RESET": "D21"}
    result, run = run_pi(tmp_path, PROBE_PROGRAM, "--wiring", "16,20,21", lab=lab, env=env)
    assert result is not None, run.stdout[-3000:] + run.stderr[-3000:]
    assert result["dev"] == "WiFiNINA"
    assert result["reason"] == (
        "RASPBERRY_PI_5: NETDEV_SPI_CS, NETDEV_SPI_BUSY, NETDEV_SPI_RESET name an AirLift's pins"
    )


def test_an_airlift_that_probe_found_but_does_not_answer_says_why(tmp_path, lab):
    """Its CS is wired to GPIO 3, not the default GPIO 4: BUSY is driven, so probe() builds
    the driver on the default pins, and the chip never sees its chip select."""
    result, run = run_pi(tmp_path, PROBE_PROGRAM, "--wiring", "3,5,6", lab=lab)
    assert result is not None, run.stdout[-3000:] + run.stderr[-3000:]
    assert result["errno"] == 5  # EIO, from the driver
    assert "NINA co-processor did not acknowledge chip select" in result["error"]
    assert result["error"].endswith(
        "probe() took it for an AirLift because RASPBERRY_PI_5: something drives GPIO 5 (header "
        "pin 29), an AirLift's BUSY on the default wiring; set NETDEV=host to use this computer's "
        "own network"
    )


@pytest.mark.parametrize("board", PI_BOARDS)
@pytest.mark.parametrize("cs", ["CE0", "D8"])
def test_chip_select_on_ce0_is_ebusy_that_names_dtoverlay_spi0_0cs(tmp_path, lab, board, cs):
    env = {"NETDEV": "wifinina", "NETDEV_SPI_CS": cs}
    result, run = run_pi(tmp_path, PROBE_PROGRAM, "--board", board, "--wiring", "8,5,6", lab=lab, env=env)
    assert result is not None, run.stdout[-3000:] + run.stderr[-3000:]
    assert result["errno"] == 16  # EBUSY: the kernel's SPI driver holds GPIO 8 as CE0
    assert result["error"].startswith(
        "NETDEV_SPI_CS = %s is GPIO 8 (header pin 24, CE0), which the kernel's SPI driver owns as "
        "chip select CE0 (dtparam=spi=on)" % cs
    )
    assert "add dtoverlay=spi0-0cs after dtparam=spi=on in /boot/firmware/config.txt" in result["error"]
    assert "NETDEV_SPI_CS" in result["error"] and "GPIO 4" in result["error"]


def test_dtoverlay_spi0_0cs_gives_ce0_back_to_digitalio(tmp_path, lab):
    env = {"NETDEV": "wifinina", "NETDEV_SPI_CS": "CE0",
           "CIRCUITPY_WIFI_SSID": "lab-ap", "CIRCUITPY_WIFI_PASSWORD": "lab-password"}
    result, run = run_pi(tmp_path, PROBE_PROGRAM, "--spi", "spi0-0cs", "--wiring", "8,5,6", lab=lab, env=env)
    assert result is not None, run.stdout[-3000:] + run.stderr[-3000:]
    assert result["dev"] == "WiFiNINA" and result["reason"] is None  # NETDEV chose, not probe()


def test_settings_toml_is_read_as_a_board_reads_it(tmp_path, lab):
    """Blinka's load_settings_toml(): ./settings.toml fills os.environ, the environment wins,
    numbers become strings (a board's os.getenv would give an int)."""
    (tmp_path / "settings.toml").write_text(
        'CIRCUITPY_WIFI_SSID = "lab-ap"\nCIRCUITPY_WIFI_PASSWORD = "wrong-password"\n'
        'EXAMPLE_ITERATIONS = 3\nNETDEV_SPI_CS = "D4"\n'
    )
    env = {"CIRCUITPY_WIFI_PASSWORD": "lab-password"}
    result, run = run_pi(tmp_path, PROBE_PROGRAM, lab=lab, env=env)
    assert result is not None, run.stdout[-3000:] + run.stderr[-3000:]
    assert result["settings"] == {"CIRCUITPY_WIFI_SSID": "lab-ap", "CIRCUITPY_WIFI_PASSWORD": "lab-password",
                                  "EXAMPLE_ITERATIONS": "3", "NETDEV_SPI_CS": "D4"}
    assert result["dev"] == "WiFiNINA"
    assert " - CIRCUITPY_WIFI_PASSWORD already exists in environment" in run.stdout  # Blinka says so


def test_an_example_runs_unchanged_on_a_pi_with_its_settings_toml(tmp_path, lab):
    """examples/netdev_simpletest.py as a Pi user runs it: settings.toml beside it, no
    environment, probe() finding the AirLift; the lab stands in for the TinyGo peer and
    httpbin.org."""
    (tmp_path / "settings.toml").write_text(
        'CIRCUITPY_WIFI_SSID = "lab-ap"\nCIRCUITPY_WIFI_PASSWORD = "lab-password"\n'
    )
    settings = lab.network_settings()
    settings["ports"][("10.0.0.100", 8080)] = lab.tcp_echo[1]  # the example's default SERVER_ADDRESS
    world = lab.network(**settings)
    _result, run = run_pi(tmp_path, str(ROOT / "examples" / "netdev_simpletest.py"), lab=lab, world=world)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "Connecting to lab-ap..." in run.stdout
    assert "Echo from 10.0.0.100:8080: Hello from adafruit_netdev!" in run.stdout
    assert "GET https://httpbin.org/get?hello=netdev: 200, args {'hello': 'netdev'}" in run.stdout
