# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The smallest MicroPython heap each program runs in, per driver, with the library as
``.py``, as ``.mpy`` and as ``.mpy`` in a ROMFS image (``romfs``: run in place, as from a
board's flash; the heap given is the program's, the image's bytes come on top), and as
``.mpy`` under tools/mp32 (``mp32``: MicroPython 1.19's core built for a 32-bit target)::

    python -m tests.micropython.heapsize [--devices D,...] [--programs P,...] [--kinds py,mpy,romfs,mp32]

Programs: ``contract`` (tests/micropython/mp_contract.py, the contract suite's core cases)
and the ``tcpclient``, ``http_get`` and ``mqttclient`` examples (the demo's scenarios and
checks). Each is run under ``micropython -X heapsize=N`` on the emulator bridge; a
bisection on N (4 KiB steps) finds the smallest heap that passes, which is then run twice
more to confirm. Prints an RST table (docs/micropython.rst records one). Takes minutes.
"""

import argparse
import subprocess
import sys
import tempfile
import time

from netdev_emulator import Lab
from tests.micropython import harness

PROGRAMS = ("contract", "tcpclient", "http_get", "mqttclient")
DEVICES = ("wifinina-arduino-2.0", "rtl8720dn")
STEP_KB = 4
KINDS = ("py", "mpy", "romfs", "mp32")
# tools/mp32 runs all but http_get: adafruit_requests calls bytearray.find, which
# CircuitPython has and MicroPython 1.19's core does not
MP32_PROGRAMS = ("contract", "tcpclient", "mqttclient")


def passes(lab, device, program, lib, heap_kb):
    heap = "%dK" % heap_kb
    if program == "contract":
        with harness.EmulatorProcess(device, lab.network_settings()) as emulator:
            env = harness.micropython_environ(device, emulator.address, lib, lab.environ(), lab.cafile)
            try:
                result = harness.run_micropython(harness.HERE / "mp_contract.py", env, heap, timeout=60)
            except subprocess.TimeoutExpired:
                print("%s contract %s: hung (counted as failing)" % (device, heap), file=sys.stderr)
                return False
        return result.returncode == 0 and "DONE passed=6 failed=0" in result.stdout
    return harness.run_example(lab, program, device, lib, heap).ok


def smallest_heap(lab, device, program, lib, *, low_kb=16, high_kb=1024):
    """The smallest heap (KiB, a multiple of STEP_KB) at which ``program`` passes, or None
    when it fails even at ``high_kb``."""
    if not passes(lab, device, program, lib, high_kb):
        return None
    low = low_kb // STEP_KB  # fails (assumed), in steps
    high = high_kb // STEP_KB  # passes
    while high - low > 1:
        mid = (low + high) // 2
        if passes(lab, device, program, lib, mid * STEP_KB):
            high = mid
        else:
            low = mid
    found = high * STEP_KB
    # confirm (network timing can change what is allocated): step up until it passes twice
    while found < high_kb and not all(passes(lab, device, program, lib, found) for _ in range(2)):
        found += STEP_KB
    return found


def build(tmp, kind):
    """The ``lib`` of the runs of ``kind`` (``py``, ``mpy``, ``romfs`` or ``mp32``) under ``tmp``."""
    if kind not in KINDS:
        raise SystemExit("unknown kind %r: use %s" % (kind, ", ".join(KINDS)))
    lib = harness.build_lib("%s/%s" % (tmp, kind), mpy=kind != "py", mp32=kind == "mp32")
    return harness.build_romfs(lib) if kind == "romfs" else lib


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tests.micropython.heapsize", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--devices", default=",".join(DEVICES))
    parser.add_argument("--programs", default=",".join(PROGRAMS))
    parser.add_argument("--kinds", default=",".join(KINDS))
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
                    if kind == "mp32" and program not in MP32_PROGRAMS:
                        results[(device, program, kind)] = "n/a"
                        continue
                    kb = smallest_heap(lab, device, program, libs[kind])
                    results[(device, program, kind)] = kb
                    shown = "%d KiB" % kb if kb else "fails"
                    print("%-22s %-11s %-4s %s" % (device, program, kind, shown), file=sys.stderr, flush=True)
    header = ["program"] + ["%s %s" % (d, k) for d in devices for k in kinds]
    rows = []
    for p in programs:
        cells = [results[(d, p, k)] for d in devices for k in kinds]
        rows.append([p] + [kb if isinstance(kb, str) else "%d KiB" % kb if kb else "> 1 MiB" for kb in cells])
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    rule = "  ".join("=" * w for w in widths)
    print(rule)
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print(rule)
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)))
    print(rule)
    print("(%.0f s)" % (time.monotonic() - began), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
