# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Project tools (CPython only, never shipped): the bundle build (``python -m tools.bundle``)
and the CircuitPython compatibility check (``python -m tools.cpcheck``)."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent

# The project's one version string: setup.py, the docs, the bundle's names and JSON, and
# every package's __version__ (written over the placeholder when a bundle or a wheel is built)
VERSION_FILE = ROOT / "VERSION"
AUTO_VERSION = "0.0.0+auto.0"  # the placeholder in the sources, as Adafruit's libraries have it

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


def project_version(root=ROOT):
    """The version in ``VERSION`` (a semantic version: circup compares versions as semver)."""
    text = (root / "VERSION").read_text(encoding="utf-8").strip()
    if not re.match(r"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$", text):
        raise SystemExit("VERSION holds %r, not a semantic version such as 1.2.3" % text)
    return text


def set_version(text, version):
    """``text`` (a module's source) with ``version`` in its ``__version__`` line in place of
    the placeholder."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("__version__"):
            lines[i] = line.replace(AUTO_VERSION, version)
    return "\n".join(lines)
