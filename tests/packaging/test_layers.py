# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Who may import whom: the library never imports the emulator (``python -m netdev_emulator
run`` binds a driver from the outside), the firmware models never import a driver (only the
emulator's glue modules do), and the board bundle holds only modules that can run on a board.
"""

import ast

import pytest

from tools import LIBRARY_PACKAGES, ROOT, library_sources
from tools.bundle import project_libraries

# The emulator's glue between the models and the drivers: the one builder and the runner.
EMULATOR_GLUE = {"rig.py", "run.py"}
# What a module of the bundle may import: the library itself, the Adafruit libraries circup
# installs with it (and adafruit_connection_manager, which the radio registers with when it is
# installed), and CircuitPython's own modules (ipaddress with a fallback). ``threading`` only
# with a fallback (tools.cpcheck checks that); ``serial`` (pyserial) only where a serial
# device is opened on Blinka, in the RTL8720DN's wiring.
BOARD_MODULES = {
    "adafruit_bus_device", "adafruit_connection_manager", "adafruit_ticks", "array", "binascii",
    "board", "busio", "digitalio", "errno", "gc", "ipaddress", "micropython", "os", "serial",
    "struct", "sys", "threading", "time",
}  # fmt: skip


def imported(path):
    """``{top-level module: first line importing it}`` for every absolute import in ``path``,
    wherever it stands (module level, function, branch)."""
    found = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            found.setdefault(name.split(".")[0], node.lineno)
    return found


def _rel(path):
    return path.relative_to(ROOT).as_posix()


def test_the_library_never_imports_the_emulator():
    offenders = [
        "%s:%d" % (_rel(path), line)
        for path in library_sources()
        for module, line in imported(path).items()
        if module == "netdev_emulator"
    ]
    assert library_sources() and not offenders, offenders


def test_the_library_mentions_no_emulator_module_by_name():
    """Nor through importlib or call_once (a string naming a netdev_emulator module)."""
    offenders = []
    for path in library_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value.startswith("netdev_emulator."):
                    offenders.append("%s:%d" % (_rel(path), node.lineno))
    assert not offenders, offenders


def test_the_firmware_models_import_no_driver():
    """Written from the firmware's behaviour, never from the drivers: a codec bug cannot hide
    on both sides. Only the glue (rig, run) builds a driver on a model."""
    offenders = [
        "%s:%d %s" % (_rel(path), line, module)
        for path in sorted((ROOT / "netdev_emulator").glob("*.py"))
        if path.name not in EMULATOR_GLUE
        for module, line in imported(path).items()
        if module in LIBRARY_PACKAGES
    ]
    assert not offenders, offenders


def _bundled():
    return [(path, name) for lib in project_libraries() for path, name in lib.files() if name.endswith(".py")]


def test_the_bundle_holds_only_what_runs_on_a_board():
    names = [name for _path, name in _bundled()]
    assert "adafruit_netdev/probe.py" in names
    assert not [n for n in names if n.split("/")[-1] in ("host.py", "_blinka.py", "_emulated.py")]
    offenders = [
        "%s:%d %s" % (name, line, module)
        for path, name in _bundled()
        for module, line in imported(path).items()
        if module not in BOARD_MODULES and module not in LIBRARY_PACKAGES
    ]
    assert not offenders, offenders


@pytest.mark.parametrize("module", ["socket", "ssl", "subprocess", "netdev_emulator", "adafruit_blinka"])
def test_the_scan_sees_a_cpython_import(tmp_path, module):
    """The scan itself: an import inside a function of a branch is found."""
    path = tmp_path / "m.py"
    path.write_text("import sys\nif sys:\n    def f():\n        from %s import x\n" % module)
    assert imported(path) == {"sys": 1, module: 4}
    assert module not in BOARD_MODULES


def test_the_bundle_sources_are_the_library_sources():
    assert {p for p, _ in _bundled()} <= set(library_sources())
