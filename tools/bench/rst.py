# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""docs/benchmarks.rst: the tables, the heap profiles and the notes, as reStructuredText."""

import datetime
import os
import pathlib
import platform

from tools.bench import notes
from tools.bench.figures import num

HEADER = ["measurement", "median", "spread (min-max)", "target", "met"]
# REUSE-IgnoreStart (a header written into other files, not this file's)
LICENSE_HEADER = [
    ".. SPDX-FileCopyrightText: 2026 adafruit_netdev contributors",
    "..",
    ".. SPDX-License-Identifier: MIT",
]
# REUSE-IgnoreEnd


def grid(rows):
    """A simple RST table of ``rows`` (lists of cells; the first is the header)."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    rule = "  ".join("=" * w for w in widths)
    lines = [rule, "  ".join(c.ljust(w) for c, w in zip(rows[0], widths)).rstrip(), rule]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows[1:]]
    lines.append(rule)
    return "\n".join(lines)


def rst_table(rows):
    """The table of :class:`tools.bench.device_table.Row` objects."""
    return grid([HEADER] + [r.cells() for r in rows])


def heap_profile_table(steps):
    """A heap profile: each step, its cost and the total; then the interned names."""
    rows = [["step", "heap in use", "this step"]]
    last = 0
    names = None
    for step, used in steps:
        if step == "names":
            names = used
            continue
        rows.append([step, "%s B" % num(used), "+%s B" % num(used - last) if last else ""])
        last = used
    text = grid(rows)
    if names:
        text += (
            "\n\nOf that, %s interned names (qstrs: module, function, attribute and argument names, "
            "short strings, file paths) take %s B." % (num(names[0]), num(names[1]))
        )
    return text


def _cpu_model():
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _section(title, body):
    return [title, "-" * len(title), "", body, ""]


def run_facts(settings):
    """The intro's fields: when, on what, how often."""
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count() or 1,
        "runs": settings.runs,
    }


def document(tables, settings, facts, profiles=None):
    """docs/benchmarks.rst: the tables and how they were made, the heap profiles, the notes."""
    facts = dict(facts, **run_facts(settings))
    title = "Benchmarks"
    out = LICENSE_HEADER + [
        "",
        ".. This file is written by ``make bench`` (python -m tools.bench); edit tools/bench/ instead.",
        "",
        title,
        "=" * len(title),
        "",
        notes.fill(notes.INTRO + (notes.QUICK if settings.quick else []), facts),
        "",
        notes.fill(notes.MEASURED, facts),
        "",
    ]
    for name, table in tables:
        out += _section(name, table)
    if profiles:
        out += _section("Where the heap goes", notes.fill(notes.HEAP_INTRO, facts))
        for kind, steps in sorted(profiles.items()):
            out += ["%s:" % kind, "", heap_profile_table(steps), ""]
    rendered = notes.render_notes(facts)
    if rendered:
        out += ["Notes", "-----", ""] + ["* " + note for note in rendered] + [""]
    return "\n".join(out)
