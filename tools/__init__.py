# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Project tools (CPython only, never shipped): the bundle build (``python -m tools.bundle``)
and the CircuitPython compatibility check (``python -m tools.cpcheck``)."""

import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent

# The packages that run on a board: they go into the bundle and follow docs/design.rst.
# netdev_emulator is a CPython development tool and is never shipped to a board.
LIBRARY_PACKAGES = ("adafruit_netdev", "adafruit_netdev_wifinina", "adafruit_netdev_rtl8720dn", "net")


def library_sources(root=ROOT):
    """Every ``.py`` file of the library packages present under ``root``, sorted."""
    files = []
    for name in LIBRARY_PACKAGES:
        package = root / name
        if package.is_dir():
            files.extend(sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts))
    return files
