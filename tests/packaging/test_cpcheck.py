# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""docs/design.rst's CircuitPython rules: the checker finds nothing, and it does find each rule's
violation in a small module written to break it (so a silent checker cannot pass)."""

import pytest

from tools import LIBRARY_PACKAGES, ROOT, library_sources
from tools.cpcheck import check, check_source

# REUSE-IgnoreStart (a header written into other files, not this file's)
HEADER = (
    "# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors\n"
    "#\n# SPDX-License-Identifier: MIT\n"
    '"""A module."""\n'
)
# REUSE-IgnoreEnd


def test_library_packages_follow_design_section_6():
    assert library_sources(), "no library sources found under %s" % ROOT
    problems = check()
    assert not problems, "\n".join(str(p) for p in problems)


def test_every_library_package_is_checked():
    checked = {p.relative_to(ROOT).parts[0] for p in library_sources()}
    present = {name for name in LIBRARY_PACKAGES if (ROOT / name / "__init__.py").exists()}
    assert present <= checked


BAD = [
    ("forbidden-import", "import enum\n"),
    ("forbidden-import", "from functools import partial\n"),
    ("forbidden-import", "import socket\n"),
    ("forbidden-import", "import typing\n"),
    ("emulator-import", "import netdev_emulator\n"),
    ("emulator-import", "def f():\n    from netdev_emulator.rig import build\n    return build\n"),
    ("raise-from", "try:\n    pass\nexcept OSError as e:\n    raise ValueError('x') from e\n"),
    ("del-slice", "buf = bytearray(8)\ndel buf[0:2]\n"),
    (
        "bytearray-pop",
        "class A:\n    def __init__(self):\n        self.b = bytearray(4)\n"
        "    def f(self):\n        return self.b.pop()\n",
    ),
    ("missing-method", "def f(m):\n    return m.tobytes()\n"),
    ("missing-method", "def f(s):\n    return s.removeprefix('x')\n"),
    ("from-bytes-signed", "def f(b):\n    return int.from_bytes(b, 'little', signed=True)\n"),
    ("struct", "import struct\nstruct.pack('<?', True)\n"),
    ("struct", "import struct\n_FMT = '=HH'\nstruct.unpack_from(_FMT, b'1234')\n"),
    ("struct", "from struct import pack\npack('<e', 1.0)\n"),
    ("struct", "import struct\nS = struct.Struct('<H')\n"),
    ("monotonic", "import time\nstart = time.monotonic()\n"),
    ("monotonic", "from time import monotonic\n"),
    ("const", "TIMEOUT_MS = 100\n"),
    ("metaclass", "class A(metaclass=type):\n    pass\n"),
    ("errno", "import errno\nE = errno.EPIPE\n"),
    ("codec-errors", "def f(b):\n    return b.decode('utf-8', 'replace')\n"),
]


@pytest.mark.parametrize(("rule", "body"), BAD, ids=["%s-%d" % (r, i) for i, (r, _) in enumerate(BAD)])
def test_checker_finds(rule, body):
    problems = check_source("adafruit_netdev/bad.py", HEADER + body)
    assert [p.rule for p in problems] == [rule], problems


GOOD = [
    "try:\n    from typing import Optional\nexcept ImportError:\n    pass\n",
    "try:\n    import threading\nexcept ImportError:\n    threading = None\n",
    "from micropython import const\n_TIMEOUT_MS = const(100)\n",
    "import struct\nstruct.pack_into('<HI', bytearray(6), 0, 1, 2)\n",
    "def f(d):\n    return d.pop('k', None)\n",
    "def f(b):\n    return b.decode('utf-8')\n",
    "import errno\nE = getattr(errno, 'EPIPE', 32)\nT = errno.ETIMEDOUT\n",
]


@pytest.mark.parametrize("body", GOOD)
def test_checker_accepts(body):
    assert check_source("adafruit_netdev/good.py", HEADER + body) == []


def test_header_and_docstring_required():
    rules = [p.rule for p in check_source("net/x.py", "import errno\n")]
    assert rules == ["spdx", "docstring"]


def test_cpython_only_module_may_use_socket_and_chaining():
    body = "import socket\nimport ssl\ntry:\n    pass\nexcept OSError as e:\n    raise ValueError() from e\n"
    assert check_source("adafruit_netdev/host.py", HEADER + body) == []
    assert {p.rule for p in check_source("adafruit_netdev/probe.py", HEADER + body)} == {
        "forbidden-import",
        "raise-from",
    }
