# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The figures ``make bench`` writes into README.rst: the heap each example needs on
CircuitPython's core, per driver (the CircuitPython table's), between two comments that mark
the block. Nothing else in the file is touched."""

import textwrap

from tools.bench import notes
from tools.bench.circuitpython import BOARD_BITS, CP_HEAP_DEVICES, CP_HEAP_PROGRAMS, release
from tools.bench.heap import step_kb
from tools.bench.rst import grid

START = ".. make bench writes what follows, to the comment that ends it (tools/bench/readme.py)"
END = ".. (the end of what make bench writes)"
NOTED = {"http_get": " (HTTPS)"}  # what the example's name does not say
WIDTH = 95  # the README's lines


def heap_block(heaps):
    """The README's block (between the markers) from the CircuitPython table's heaps
    ``{(device, program): KiB or None}``."""
    cp_release, series = release()
    facts = {"cp_release": cp_release, "board_bits": BOARD_BITS, "cp_series": series, "step": step_kb()}
    rows = [["program"] + [label for _device, label in CP_HEAP_DEVICES]]
    for program, _target in CP_HEAP_PROGRAMS:
        cells = ["``netdev_%s.py``%s" % (program, NOTED.get(program, ""))]
        for device, _label in CP_HEAP_DEVICES:
            kb = heaps.get((device, program))
            cells.append("fails" if kb is None else "%d KiB" % kb)
        rows.append(cells)
    intro = textwrap.fill(notes.fill(notes.README_HEAPS, facts), WIDTH, break_on_hyphens=False)
    return "\n".join([intro, "", grid(rows)])


def update(text, heaps):
    """``text`` (README.rst) with the block between the markers made from ``heaps``."""
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        raise ValueError("README.rst has no block for make bench (%r ... %r)" % (START, END))
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    return "%s%s\n\n%s\n\n%s%s" % (head, START, heap_block(heaps), END, tail)


def block(text):
    """The block between the markers of ``text``, as :func:`heap_block` writes it."""
    return text.split(START, 1)[1].split(END, 1)[0].strip()
