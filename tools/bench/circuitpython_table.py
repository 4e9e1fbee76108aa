# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The CircuitPython table: the smallest heaps with their targets, then the interpreter's work
per MiB through the AirLift, this driver beside adafruit_esp32spi."""

from tools.bench.circuitpython import (
    CP_COUNT_BYTES,
    CP_CPU_DEVICE,
    CP_CPU_DRIVERS,
    CP_DIRECTIONS,
    CP_HEAP_DEVICES,
    CP_HEAP_PROGRAMS,
    CP_TIME_BYTES,
    CP_TIME_RUNS,
    TARGET_CP_CPU_RATIO,
    release,
)
from tools.bench.device_table import FAILURE_TEXT, Row
from tools.bench.figures import num, size
from tools.bench.heap import HEAP_LIMIT_KB, step_kb
from tools.bench.settings import KIB

DIRECTION_TITLES = {"down": "TCP download", "up": "TCP upload"}
# (figure, what it is, unit, scale, how it was measured)
WORK = (
    ("instructions", "interpreter instructions per MiB", "M", 1e-6, "exact: valgrind, %s / %s"),
    (
        "user_ms",
        "interpreter CPU ms per MiB (user time)",
        " ms",
        1,
        "least of %d runs: %%s / %%s" % CP_TIME_RUNS,
    ),
)


def circuitpython_rows(found):
    """Every row of the CircuitPython table, or one saying why it was not measured."""
    if isinstance(found, str):
        return [Row("CircuitPython %s core" % release()[0], found, "", "", None)]
    rows = heap_rows(found["heap"]) + work_rows(found)
    rows += [Row("FAILED", failure[:FAILURE_TEXT], "", "", False) for failure in found.get("failures", [])]
    return rows


def heap_rows(heaps):
    """The smallest heap of each program per driver, against its target."""
    rows = []
    series = release()[1]
    for program, target in CP_HEAP_PROGRAMS:
        for device, label in CP_HEAP_DEVICES:
            kb = heaps.get((device, program))
            what = "%s, %s: smallest heap (%s .mpy)" % (program, label, series)
            wanted = "<= %d KiB" % target if target else ""
            if kb is None:
                failing = "fails even at %s" % size(HEAP_LIMIT_KB * KIB)
                rows.append(Row(what, failing, "", wanted, False if target else None))
                continue
            gap = "" if not target or kb <= target else "; gap %d KiB" % (kb - target)
            met = kb <= target if target else None
            rows.append(Row(what, "%d KiB%s" % (kb, gap), "bisection, %d KiB steps" % step_kb(), wanted, met))
    return rows


def work_rows(found):
    """The interpreter's work per MiB each way, this driver / adafruit_esp32spi, against the
    target ratio."""
    rows = []
    for direction in CP_DIRECTIONS:
        for key, what, unit, scale, how in WORK:
            ours = found[key].get(("netdev", direction))
            theirs = found[key].get(("esp32spi", direction))
            if ours is None or theirs is None:
                continue
            sizes = CP_COUNT_BYTES if key == "instructions" else CP_TIME_BYTES
            ratio = ours / theirs if theirs else float("nan")
            rows.append(
                Row(
                    "%s (%s): %s, this driver / adafruit_esp32spi"
                    % (DIRECTION_TITLES[direction], CP_CPU_DEVICE, what),
                    "%s%s / %s%s = %.2f" % (num(ours * scale, 1), unit, num(theirs * scale, 1), unit, ratio),
                    how % tuple(size(sizes[(d, direction)]) for d in CP_CPU_DRIVERS),
                    "<= %.2f" % TARGET_CP_CPU_RATIO,
                    ratio <= TARGET_CP_CPU_RATIO,
                )
            )
    return rows
