# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The API reference (docs/api.rst, filled in by docs/conf.py) lists every public module of
the library packages and the emulator's public ones: after a split moves a class out of a
main module (NinaPin into nina_pins, the RTL8720DN's bridges into rtl8720_bridge) it is
still documented. (``make docs`` builds the pages; this checks the list without Sphinx.)"""

import importlib
import pathlib
import re
import sys

import pytest

DOCS = pathlib.Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture(scope="module")
def conf():
    sys.path.insert(0, str(DOCS))
    try:
        yield importlib.import_module("conf")
    finally:
        sys.path.remove(str(DOCS))
        sys.modules.pop("conf", None)


@pytest.fixture(scope="module")
def documented(conf):
    names = set(re.findall(r"^\.\. automodule:: (\S+)", conf.api_text(), re.MULTILINE))
    return names | conf.documented_elsewhere()


def test_every_public_library_module_is_documented(conf, documented):
    for package in conf.LIBRARY_PACKAGES:
        for name in conf.modules_of(package):
            assert name in documented, name


def test_the_bridges_and_the_fault_switchboard_are_documented(documented):
    for name in ("nina_bridge", "rtl8720_bridge", "faults"):
        assert "netdev_emulator." + name in documented


def test_what_the_emulators_main_modules_export_is_documented_where_it_is_defined(conf, documented):
    for name in conf.EMULATOR_MODULES:
        module = importlib.import_module(name)
        for export in getattr(module, "__all__", ()):
            home = getattr(getattr(module, export), "__module__", None) or ""
            if home.startswith("netdev_emulator"):
                assert home in documented, "%s.%s (defined in %s)" % (name, export, home)
