# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Running programs on CircuitPython's own core: the 10.2.1 unix port built as a 32-bit board
by tools/circuitpython (``make circuitpython``), whose co-processor is a virtual one served by
``python -m netdev_emulator`` in a CPython process.

* :func:`build_lib` writes a ``CIRCUITPY/lib`` folder: the library as the bundle's ``10.x``
  zip has it (``make bundle``'s own code, CircuitPython's 10.x ``mpy-cross``) and the
  Adafruit libraries the programs use, compiled with the same ``mpy-cross``, as the Adafruit
  bundle's 10.x zip has them.
* :func:`board_environ` wires the board: ``EMULATOR_NINA_BRIDGE`` makes it an AirLift board
  (``board.ESP_CS``, ``board.SPI()``, ...), ``EMULATOR_RTL8720DN_UART`` a Wio Terminal
  (``board.RTL_PWR``, the UART on ``RTL_MOSI``/``RTL_MISO``). Nothing else is on the import
  path but the lib folder: a program imports what a board has, or fails. ``probe()`` finds
  the co-processor from the board's pins, as on a board (no ``NETDEV`` setting).
* :class:`CircuitPythonRun` is the demo's :class:`tools.demo.Run` with the example
  started on the board: the demo's scenarios (and their checks) run unchanged.
"""

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import zipfile

from tests.micropython import harness as mp
from tests.micropython.harness import EmulatorProcess, _module_path
from tools import circuitpython
from tools.bundle import Library, build, compile_mpy, project_libraries

HERE = pathlib.Path(__file__).resolve().parent
INTERPRETER = str(circuitpython.INTERPRETER)

# What the programs import besides the library (adafruit_bus_device is built into the
# board, as into a SAMD51's firmware; circup installs the library copy anyway, and the
# built-in one is what imports)
ADAFRUIT_LIBS = (
    "adafruit_ticks",
    "adafruit_bus_device",
    "adafruit_connection_manager",
    "adafruit_requests",
    "adafruit_minimqtt",
    "adafruit_httpserver",
)

# device (the emulator command: tests/micropython's harness.DEVICES) -> the board's wiring
WIRING = {
    "wifinina-arduino-2.0": "EMULATOR_NINA_BRIDGE",
    "wifinina-adafruit-1.7": "EMULATOR_NINA_BRIDGE",
    "wifinina-adafruit-3.3": "EMULATOR_NINA_BRIDGE",
    "rtl8720dn": "EMULATOR_RTL8720DN_UART",
}


def build_lib(dest, extra=(), source=False):
    """``dest/lib``: the bundle's 10.x ``lib/`` and the Adafruit libraries (and the modules
    named in ``extra``), all compiled with CircuitPython 10's mpy-cross; with ``source``, the
    py zip's ``lib/`` and the libraries' sources instead. Returns its path."""
    circuitpython.build()
    compiler = str(circuitpython.mpy_cross("10.x"))
    dest = pathlib.Path(dest)
    lib = dest / "lib"
    label = "py" if source else "10.x-mpy"
    with tempfile.TemporaryDirectory() as tmp:
        compilers = {} if source else {"10.x": compiler}
        zips = build(tmp, "bundle", "0.0.0", project_libraries(), mpy_cross=compilers, log=lambda _m: None)
        top = "bundle-%s-0.0.0/lib/" % label
        with zipfile.ZipFile(next(p for p in zips if p.name == "bundle-%s-0.0.0.zip" % label)) as bundle:
            for name in bundle.namelist():
                if name.startswith(top) and not name.endswith("/"):
                    out = lib / name[len(top) :]
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(bundle.read(name))
    for name in ADAFRUIT_LIBS + tuple(extra):
        library = Library(name, _module_path(name))
        for path, rel in library.files():
            out = lib / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix != ".py":
                continue
            if source:
                shutil.copyfile(path, out)
            else:
                compile_mpy(compiler, path.read_text(encoding="utf-8"), rel, out.with_suffix(".mpy"))
    return lib


def board_environ(device, address, lib, extra=None, cafile=None):
    """The environment of a program on the board with ``device`` wired to the emulator at
    ``address`` (``None``: a board with no co-processor); ``cafile`` is the CA an RTL8720DN
    is given for TLS (it has no store of its own: ``NETDEV_CA_FILE`` in settings.toml)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NETDEV", "CIRCUITPY_", "EXAMPLE_", "MICROPY", "EMULATOR_"))
    }
    env["MICROPYPATH"] = str(lib)
    env.update(CIRCUITPY_WIFI_SSID="lab-ap", CIRCUITPY_WIFI_PASSWORD="lab-password")
    if device is not None:
        env[WIRING[device]] = address
        if device == "rtl8720dn" and cafile:
            env["NETDEV_CA_FILE"] = cafile
    env.update({k: str(v) for k, v in (extra or {}).items()})
    return env


def board_argv(script, heap="192K"):
    return [INTERPRETER, "-X", "heapsize=" + heap, str(script)]


def run_program(script, env, heap="192K", args=(), timeout=120):
    """Run ``script`` on the board; returns the CompletedProcess (stderr merged)."""
    return mp.run_command(board_argv(script, heap) + list(args), env, timeout)


class CircuitPythonRun(mp.MicroPythonRun):
    """A demo scenario run whose examples run on the board, each with its own emulator."""

    core = "circuitpython"

    def environ(self, device, address, settings, cafile):
        return board_environ(device, address, self.lib, settings, cafile)

    def argv(self, script, env):
        return board_argv(script, self.heap)


def run_example(lab, example, device, lib, heap="192K"):
    """The demo's scenario of ``example`` on ``device``, the example running on the board: a
    :class:`tools.demo.Result` (never raises)."""
    return mp.run_example(lab, example, device, lib, heap, CircuitPythonRun)


def contract(lab, device, lib, heap="192K", timeout=120):
    """tests/micropython/mp_contract.py (the contract suite's core cases) on the board;
    returns its output."""
    with EmulatorProcess(device, lab.network_settings()) as emulator:
        env = board_environ(device, emulator.address, lib, lab.environ(), lab.cafile)
        try:
            result = run_program(HERE.parent / "micropython" / "mp_contract.py", env, heap, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            return "hung: %s" % (exc.output or "")
    return result.stdout


if __name__ == "__main__":  # pragma: no cover - by hand: python -m tests.circuitpython.harness DEST
    print(build_lib(sys.argv[1]))
