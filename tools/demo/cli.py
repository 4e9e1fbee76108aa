# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``python -m tools.demo`` (``make demo``, ``python -m netdev_emulator demo``): every example
in ``examples/`` run on every netdev (the host's own network and each virtual co-processor)
against the lab, one line per example and device, then a summary. Exits non-zero when
anything failed."""

import argparse
import atexit
import concurrent.futures
import json
import os
import sys
import threading
import time

from tools.demo.runner import DEVICES, run_scenario
from tools.demo.scenarios import SCENARIOS


def run_all(lab, examples, devices, jobs, report=None):
    """Every (example, device) scenario, ``jobs`` at a time; ``report(result)`` is called as
    each ends. Returns the results in (example, device) order."""
    pairs = [(example, device) for example in examples for device in devices]
    # The longest first, so that the pool is not left waiting on them at the end.
    slow = ("snake", "snake_server", "mqttclient", "tcpecho", "webserver", "websocket_handler")
    order = sorted(pairs, key=lambda pair: (pair[0] not in slow, pair[1] == "host"))
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run_scenario, lab, ex, dev, True): (ex, dev) for ex, dev in order}
        for future in concurrent.futures.as_completed(futures):
            result = future.result()
            results[futures[future]] = result
            if report is not None:
                report(result)
    return [results[pair] for pair in pairs]


# -- the report ----------------------------------------------------------------------------------


def _size(count):
    if count is None:
        return "-"
    for unit in ("B", "kB", "MB"):
        if count < 1000 or unit == "MB":
            return ("%d %s" if unit == "B" else "%.1f %s") % (count, unit)
        count /= 1000.0
    return "-"


def format_result(result):
    bus = result.stats.get("bus") or {}
    bus_bytes = bus.get("bytes_to_device", 0) + bus.get("bytes_from_device", 0) if bus else None
    return "%-19s %-22s %-6s %6.1f s %10s %10s %9s  %s" % (
        result.example,
        result.device,
        "ok" if result.ok else "FAILED",
        result.seconds,
        _size(result.payload_bytes),
        _size(bus_bytes),
        "%.2f s" % bus["model_seconds"] if bus else "-",
        result.detail,
    )


HEADER = "%-19s %-22s %-6s %8s %10s %10s %9s  %s" % (
    "example", "device", "result", "time", "payload", "bus", "model", "what was checked",
)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tools.demo",
        description="Run every example on every netdev against the lab, one line each.",
    )
    parser.add_argument("--child", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--examples", help="comma-separated examples (default: all)")
    parser.add_argument("--devices", help="comma-separated devices (default: %s)" % ",".join(DEVICES))
    parser.add_argument("--jobs", type=int, default=6, help="scenarios at a time (default 6)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the output of failures")
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.devices, args.child)
    examples = args.examples.split(",") if args.examples else list(SCENARIOS)
    devices = args.devices.split(",") if args.devices else list(DEVICES)
    unknown = [e for e in examples if e not in SCENARIOS] + [d for d in devices if d not in DEVICES]
    if unknown:
        parser.error("unknown example or device: %s" % ", ".join(unknown))

    from netdev_emulator.lab import Lab  # pylint: disable=import-outside-toplevel

    began = time.monotonic()
    print("adafruit_netdev demo: %d examples x %d netdevs, %d at a time"
          % (len(examples), len(devices), args.jobs))
    with Lab() as lab:
        print("lab up in %.1f s: %s" % (lab.startup_seconds, ", ".join(sorted(lab.addresses()))))
        sys.stdout.flush()
        lock = threading.Lock()
        finished = []
        live = sys.stderr.isatty()

        def report(result):  # while they run: a progress counter on a terminal
            with lock:
                finished.append(result)
                if live:
                    sys.stderr.write("\r%d/%d %-45s" % (
                        len(finished), len(examples) * len(devices),
                        "%s@%s %s" % (result.example, result.device, "ok" if result.ok else "FAILED")))
                    sys.stderr.flush()

        results = run_all(lab, examples, devices, args.jobs, report)
        if live:
            sys.stderr.write("\r%s\r" % (" " * 60))
    print()
    print(HEADER)
    for result in results:  # in (example, device) order
        print(format_result(result))
        if args.verbose and not result.ok:
            print("    " + result.output[-4000:].replace("\n", "\n    "))
    failed = [r for r in results if not r.ok]
    print()
    passed = len(results) - len(failed)
    print("%d of %d runs passed in %.0f s" % (passed, len(results), time.monotonic() - began))
    for device in devices:
        mine = [r for r in results if r.device == device]
        print("  %-22s %d/%d" % (device, sum(r.ok for r in mine), len(mine)))
    if failed:
        print("FAILED: " + ", ".join("%s@%s" % (r.example, r.device) for r in failed))
        return 1
    return 0


# -- the instrumented child: the example, plus what it moved -------------------------------------


def _child(device, path):
    """Run the example at ``path`` on ``device`` (as ``python -m netdev_emulator run`` does, or
    on the host netdev) and, at exit, write what its netdev moved (payload bytes through
    send/recv; the bus counters of a virtual co-processor) to the file named by
    ``NETDEV_DEMO_STATS``. The example itself is not changed: its ``probe()`` returns the
    device bound here (``NETDEV=bound``)."""
    from netdev_emulator.run import run_program, use_emulator  # pylint: disable=import-outside-toplevel

    if device == "host":
        from adafruit_netdev.probe import probe  # pylint: disable=import-outside-toplevel

        dev = probe("host")[1]
        os.environ["NETDEV"] = "bound"
    else:
        dev = use_emulator(device)
    counts = {"sent": 0, "received": 0}
    real_send, real_recv = dev.send, dev.recv

    def send(fd, buf, flags=0, deadline=None):
        n = real_send(fd, buf, flags, deadline)
        counts["sent"] += n or 0
        return n

    def recv(fd, buf, flags=0, deadline=None):
        n = real_recv(fd, buf, flags, deadline)
        counts["received"] += n or 0
        return n

    dev.send, dev.recv = send, recv

    def write_stats():
        stats = dict(counts)
        emulator = getattr(dev, "emulator", None)
        if emulator is not None:
            stats["bus"] = emulator.stats.snapshot()
        with open(os.environ["NETDEV_DEMO_STATS"], "w") as f:
            json.dump(stats, f)

    atexit.register(write_stats)
    run_program(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
