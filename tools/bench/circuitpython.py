# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""CircuitPython's own core (tools/circuitpython: the 10.x unix port built as a 32-bit
board): the smallest heap of the tcpclient, http_get and mqttclient examples with the
bundle's ``.mpy`` files, per driver, and the interpreter's work per MiB downloaded and
uploaded through a virtual AirLift (instructions counted by valgrind, and user CPU time),
this driver beside Adafruit's adafruit_esp32spi on the same emulator and core."""

import os
import re
import shutil
import subprocess
import tempfile

from tools import ROOT
from tools.bench.heap import HEAP_LIMIT_KB, circuitpython_profile
from tools.bench.settings import AP, KIB, MIB

BOARD_BITS = 32  # tools/circuitpython builds the port with gcc -m32, as a board's word
# The smallest heap each program needs, per driver, and its target (None: none)
CP_HEAP_PROGRAMS = (("tcpclient", 64), ("http_get", 96), ("mqttclient", None))
CP_HEAP_DEVICES = (("wifinina-arduino-2.0", "WiFiNINA"), ("rtl8720dn", "RTL8720DN"))
# The interpreter's work per MiB moved through an AirLift: this project's driver beside
# Adafruit's adafruit_esp32spi (PyPI, unmodified) on the same virtual AirLift and core
CP_CPU_DEVICE = "wifinina-adafruit-3.3"
CP_CPU_DRIVERS = ("netdev", "esp32spi")
CP_DIRECTIONS = ("down", "up")
TARGET_CP_CPU_RATIO = 0.5
# Bytes per run. Instruction counts (valgrind's cachegrind: every user-mode instruction of the
# process) are exact, so a MiB does; the kernel's user time is sampled at its clock tick, so
# those runs move more. adafruit_esp32spi uploads in small commands: fewer bytes there.
CP_COUNT_BYTES = {("netdev", "down"): MIB, ("netdev", "up"): MIB, ("esp32spi", "down"): MIB,
                  ("esp32spi", "up"): 256 * KIB}  # fmt: skip
CP_TIME_BYTES = {("netdev", "down"): 8 * MIB, ("netdev", "up"): 8 * MIB, ("esp32spi", "down"): 8 * MIB,
                 ("esp32spi", "up"): MIB}  # fmt: skip
CP_TIME_RUNS = 3
CP_TRANSFER_BUFFER = 8 * KIB  # the application's recv_into/send buffer on the board
CP_TRANSFER_HEAP = "192K"
CP_TRANSFER_SECONDS = 900
TRANSFER = ROOT / "tools" / "bench" / "board" / "transfer.py"
VALGRIND = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
# What adafruit_esp32spi does, read from its source (the notes explain its figures with them;
# tests/test_bench.py checks them against the installed package)
ESP32SPI_WRITE_CHUNK = 64  # adafruit_esp32spi.py, socket_write: bytes per SEND_DATA_TCP
ESP32SPI_READ_MAX = 4000  # adafruit_esp32spi_socketpool.py, MAX_PACKET: bytes per read


def release():
    """``(CircuitPython release of the core, the .mpy series its bundle files are for)``."""
    from tools import circuitpython

    series = [key for key, value in circuitpython.RELEASES.items() if value == circuitpython.PORT_RELEASE]
    return circuitpython.PORT_RELEASE, series[0]


def table_name():
    return "CircuitPython %s core, a %d-bit board" % (release()[0], BOARD_BITS)


def measure_circuitpython(peers, log):
    """The CircuitPython table's figures: ``{"heap": {(device, program): KiB or None},
    "profiles": {name: steps}, "instructions": {(driver, direction): per MiB}, "user_ms":
    {(driver, direction): per MiB}, "user_ticks": {(driver, direction): [ticks a run]},
    "failures": [messages]}``, or a string saying why they were not measured."""
    try:
        from netdev_emulator import Lab
        from tests.circuitpython import harness
        from tools import circuitpython
    except ImportError as exc:
        return "not measured: the CircuitPython runner is missing (%s)" % exc
    if not circuitpython.built():
        return "not measured: CircuitPython is not built (make circuitpython)"
    out = {"heap": {}, "profiles": {}, "instructions": {}, "user_ms": {}, "user_ticks": {}, "failures": []}
    with Lab() as lab, tempfile.TemporaryDirectory() as tmp:
        lib = harness.build_lib(tmp, extra=("adafruit_esp32spi",))
        _measure_heaps(out, harness, lab, lib, log)
        _measure_work(out, harness, lib, peers, log)
    return out


def _measure_heaps(out, harness, lab, lib, log):
    from tests.circuitpython import heapsize

    for device, label in CP_HEAP_DEVICES:
        for program, _target in CP_HEAP_PROGRAMS:
            log("  CircuitPython heap, %s, %s ..." % (program, device))
            out["heap"][(device, program)] = heapsize.smallest_heap(
                lab, device, program, lib, high_kb=HEAP_LIMIT_KB
            )
        name = "%s, CircuitPython %s (%d-bit board)" % (label, release()[0], BOARD_BITS)
        out["profiles"][name] = circuitpython_profile(harness, lab, device, lib)


def _measure_work(out, harness, lib, peers, log):
    counting = shutil.which("valgrind") is not None
    if not counting:
        out["failures"].append("instructions not counted: valgrind is missing (apt-get install valgrind)")
    for driver in CP_CPU_DRIVERS:
        for direction in CP_DIRECTIONS:
            log("  CircuitPython CPU, %s %s ..." % (driver, direction))
            key = (driver, direction)
            try:
                # the least of a few runs: what other work on the machine adds goes away
                size = CP_TIME_BYTES[key]
                ticks = [
                    board_transfer(harness, lib, peers, driver, direction, size)[0]
                    for _ in range(CP_TIME_RUNS)
                ]
                out["user_ticks"][key] = ticks
                out["user_ms"][key] = min(ticks) / os.sysconf("SC_CLK_TCK") * 1000.0 * MIB / size
                if counting:
                    size = CP_COUNT_BYTES[key]
                    _, moved = board_transfer(harness, lib, peers, driver, direction, size, VALGRIND)
                    _, start = board_transfer(harness, lib, peers, driver, direction, 0, VALGRIND)
                    out["instructions"][key] = (moved - start) * MIB / size
            except RuntimeError as exc:
                out["failures"].append(str(exc))
                log("  %s" % exc)


def board_transfer(harness, lib, peers, driver, direction, size, wrapper=()):
    """tools/bench/board/transfer.py on the board, ``driver`` moving ``size`` bytes
    ``direction`` through the virtual AirLift: ``(user ticks, instructions or None)``."""
    host, port = peers["source" if direction == "down" else "sink"]
    world = {"access_points": {AP[0]: AP[1]}, "hosts": {}, "ports": {}}
    with harness.EmulatorProcess(CP_CPU_DEVICE, world) as emulator:
        join = {"CIRCUITPY_WIFI_SSID": AP[0], "CIRCUITPY_WIFI_PASSWORD": AP[1]}
        env = harness.board_environ(CP_CPU_DEVICE, emulator.address, lib, join)
        argv = list(wrapper) + harness.board_argv(TRANSFER, CP_TRANSFER_HEAP)
        argv += [driver, direction, host, str(port), str(size), str(CP_TRANSFER_BUFFER)]
        try:
            result = subprocess.run(
                argv, env=env, capture_output=True, text=True, timeout=CP_TRANSFER_SECONDS, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(
                "%s %s of %d bytes took more than %d s" % (driver, direction, size, CP_TRANSFER_SECONDS)
            ) from exc
    line = re.search(r"^CPU \w+ (\d+) (\d+) (-?\d+)$", result.stdout, re.MULTILINE)
    if not line or int(line.group(3)) != size:
        raise RuntimeError(
            "%s %s of %d bytes failed: %s" % (driver, direction, size, (result.stdout + result.stderr)[-600:])
        )
    counted = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
    return int(line.group(1)), int(counted.group(1).replace(",", "")) if counted else None
