# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``python -m tools.bench``: the options, the run, the output."""

import argparse
import pathlib
import sys
import tempfile
import time

from tools import ROOT
from tools.bench import notes, readme
from tools.bench.circuitpython import measure_circuitpython, table_name
from tools.bench.circuitpython_table import circuitpython_rows
from tools.bench.device_table import build_rows
from tools.bench.heap import MICROPYTHON_DEVICES, measure_micropython
from tools.bench.peers import peer_process
from tools.bench.rst import document, heap_profile_table, rst_table
from tools.bench.runs import run_device
from tools.bench.settings import DEVICES, Settings

DOCUMENT = ROOT / "docs" / "benchmarks.rst"


def parse(argv):
    import tools.bench

    parser = argparse.ArgumentParser(
        prog="python -m tools.bench", description=tools.bench.__doc__.split("\n\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="smaller transfers, fewer runs (the smoke test)")
    parser.add_argument(
        "--runs",
        type=int,
        help="runs per figure (default %d, %d with --quick)" % (Settings().runs, Settings(quick=True).runs),
    )
    parser.add_argument("--devices", default=",".join(DEVICES), help="comma-separated netdevs")
    parser.add_argument("--output", default=str(DOCUMENT))
    parser.add_argument(
        "--readme",
        help="README.rst whose heap table to rewrite from the CircuitPython table "
        "(default: the checkout's, when --output is the checkout's docs/benchmarks.rst)",
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--no-micropython", action="store_true", help="skip the MicroPython heap row")
    parser.add_argument("--no-circuitpython", action="store_true", help="skip the CircuitPython table")
    args = parser.parse_args(argv)
    if args.readme is None and pathlib.Path(args.output).resolve() == DOCUMENT:
        args.readme = str(ROOT / "README.rst")
    args.devices = [d.strip() for d in args.devices.split(",") if d.strip()]
    for d in args.devices:
        if d not in DEVICES:
            parser.error("unknown device %r: choose from %s" % (d, ", ".join(DEVICES)))
    return args


def log(text):
    print(text, file=sys.stderr, flush=True)


def measure(args, settings):
    """``(results, micropython, circuitpython)``: every measurement of the run."""
    from netdev_emulator.lab_tls import LabCertificates

    with tempfile.TemporaryDirectory(prefix="netdev-bench-") as tmp:
        certs = LabCertificates(pathlib.Path(tmp))
        results = {}
        with peer_process(*certs.server_files) as peers:
            for name in args.devices:
                log("bench: %s" % name)
                results[name] = run_device(name, settings, certs.cafile, peers, log)
            if args.no_circuitpython or settings.quick:
                circuitpython = "not measured (%s)" % ("--quick" if settings.quick else "--no-circuitpython")
            else:
                log("bench: CircuitPython's core (heap, and CPU beside adafruit_esp32spi)")
                circuitpython = measure_circuitpython(peers, log)
        if args.no_micropython or settings.quick:
            reason = "not measured (--quick)" if settings.quick else "not measured (--no-micropython)"
            micropython = {d: reason for d in args.devices if d in MICROPYTHON_DEVICES}
        else:
            log("bench: MicroPython heap (tcpclient example, .mpy)")
            micropython = measure_micropython(args.devices, log)
    return results, micropython, circuitpython


def tables(args, settings, results, micropython, circuitpython):
    """``[(title, RST table)]``: one per netdev, then CircuitPython's."""
    out = [(name, rst_table(build_rows(name, results[name], settings, micropython))) for name in args.devices]
    out.append((table_name(), rst_table(circuitpython_rows(circuitpython))))
    return out


def main(argv=None):
    args = parse(argv)
    settings = Settings(quick=args.quick, runs=args.runs)
    began = time.monotonic()
    results, micropython, circuitpython = measure(args, settings)
    profiles = micropython.pop("profiles", {})
    if not isinstance(circuitpython, str):
        profiles.update(circuitpython["profiles"])
    made = tables(args, settings, results, micropython, circuitpython)
    for name, table in made:
        print("\n%s\n%s\n%s" % (name, "-" * len(name), table))
    for kind, steps in sorted(profiles.items()):
        print("\nHeap, tcpclient start, %s\n%s" % (kind, heap_profile_table(steps)))
    log("bench: %.0f s" % (time.monotonic() - began))
    if not args.no_write:
        found = notes.facts(results, settings, micropython, circuitpython)
        pathlib.Path(args.output).write_text(document(made, settings, found, profiles), encoding="utf-8")
        log("bench: wrote %s" % args.output)
        if args.readme and not isinstance(circuitpython, str):
            path = pathlib.Path(args.readme)
            path.write_text(
                readme.update(path.read_text(encoding="utf-8"), circuitpython["heap"]), encoding="utf-8"
            )
            log("bench: wrote the heap table of %s" % args.readme)
    return 0
