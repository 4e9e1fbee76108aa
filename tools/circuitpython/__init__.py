# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""CircuitPython built from its own sources (docs/circuitpython.rst): ``python -m
tools.circuitpython`` (``make circuitpython``; ``make test``, ``make bench`` and ``make
bundle`` run it first) builds, into the venv's ``circuitpython/`` folder:

* ``9.2.9/mpy-cross`` and ``10.2.1/mpy-cross``: CircuitPython's compilers, which write the
  ``.mpy`` files of the bundle's ``9.x`` and ``10.x`` zips (the header ``C``, version 6);
* ``10.2.1/circuitpython``: CircuitPython 10.2.1's unix port built as a 32-bit board
  (``board/``: a board's object layout and ``time``, and CircuitPython's own ``busio``,
  ``digitalio``, ``microcontroller`` and ``adafruit_bus_device`` over a port layer whose
  co-processor is netdev_emulator's), the interpreter the CircuitPython tests and ``make
  bench`` run the library on.

The sources are the release tarballs ``circuitpython-<version>-core.tar.xz`` (MIT; the
parts of each release that mpy-cross and the unix port are built from), found in the folder
``CIRCUITPYTHON_SOURCES`` names, else in a ``shared/vendor`` folder beside the checkout or
above it. They are unpacked into the venv and built there, never copied into the
repository. A build is redone only when its tarball (or, for the port, ``board/``) changes.
The three builds run at once, each with ``make -j``. What the build needs is installed
when missing: Debian's ``gcc-multilib`` (the port is built for i386) when the user is root,
and PyPI's ``huffman`` and ``polib`` (the translation step).
"""

import contextlib
import fcntl
import hashlib
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

from tools import ROOT

HERE = pathlib.Path(__file__).resolve().parent
BOARD = HERE / "board"
DEST = pathlib.Path(sys.executable).parent.parent / "circuitpython"
# the bundle's mpy zips and the release each is compiled with
RELEASES = {"9.x": "9.2.9", "10.x": "10.2.1"}
PORT_RELEASE = RELEASES["10.x"]
INTERPRETER = DEST / PORT_RELEASE / "circuitpython"
SOURCES_SETTING = "CIRCUITPYTHON_SOURCES"
PYPI_NEEDS = ("huffman", "polib")


def log(message):
    print("circuitpython: " + message, file=sys.stderr, flush=True)


def mpy_cross(target):
    """The path of CircuitPython's mpy-cross for a bundle target (``"9.x"``, ``"10.x"``)."""
    return DEST / RELEASES[target] / "mpy-cross"


def tarball_name(version):
    return "circuitpython-%s-core.tar.xz" % version


def sources_folder(environ=os.environ, root=ROOT):
    """Where the release tarballs are: ``CIRCUITPYTHON_SOURCES``, else the first
    ``shared/vendor`` beside or above the checkout (``root``) that holds them, else beside or
    above the checkout it was cloned from (a clone made elsewhere, e.g. in a temporary
    folder, of a checkout on this machine)."""
    given = environ.get(SOURCES_SETTING)
    if given:
        return pathlib.Path(given)
    for start in (root, _origin(root)):
        for folder in [start, *start.parents] if start is not None else ():
            candidate = folder / "shared" / "vendor"
            if any(candidate.glob(tarball_name("*"))):
                return candidate
    return None


def _origin(root):
    """The checkout ``root`` was cloned from, when that is a folder on this machine."""
    try:
        url = subprocess.run(["git", "-C", str(root), "config", "--get", "remote.origin.url"],
                             capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    if url.startswith("file://"):
        url = url[len("file://"):]
    path = pathlib.Path(url) if url.startswith("/") else None
    return path.resolve() if path is not None and path.is_dir() else None


def tarball(version, environ=os.environ):
    folder = sources_folder(environ)
    path = folder / tarball_name(version) if folder else None
    if path is None or not path.is_file():
        raise SystemExit(
            "circuitpython: %s not found (%s): put CircuitPython's source tarballs in a folder and "
            "name it in %s (see docs/circuitpython.rst)"
            % (tarball_name(version), "looked in %s" % folder if folder else "no shared/vendor folder "
               "beside or above %s" % ROOT, SOURCES_SETTING)
        )  # fmt: skip
    return path


def _digest(paths):
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _board_files():
    return sorted(p for p in BOARD.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _stamps():
    """``{name: (binary, key)}``: each build and what it must be built from."""
    out = {}
    for version in sorted(set(RELEASES.values())):
        out["mpy-cross " + version] = (DEST / version / "mpy-cross", _digest([tarball(version)]))
    out["port " + PORT_RELEASE] = (INTERPRETER, _digest([tarball(PORT_RELEASE), *_board_files()]))
    return out


def _current(binary, key):
    stamp = binary.with_name(binary.name + ".stamp")
    return binary.exists() and stamp.exists() and stamp.read_text() == key


def built():
    """Whether both compilers and the port are built from the present sources."""
    try:
        return all(_current(binary, key) for binary, key in _stamps().values())
    except SystemExit:
        return False


def _run(argv, **kwargs):
    result = subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)
    if result.returncode:
        output = result.stdout[-3000:] + result.stderr[-3000:]
        raise SystemExit("circuitpython: %s failed:\n%s" % (" ".join(map(str, argv)), output))
    return result


def _source(version):
    """The release's sources unpacked under DEST/src (again when its tarball changed), as a
    git repository tagged with the release: CircuitPython's build reads its version from git."""
    path = tarball(version)
    key = _digest([path])
    top = DEST / "src" / ("circuitpython-" + version)
    stamp = DEST / "src" / (version + ".stamp")
    if top.is_dir() and stamp.exists() and stamp.read_text() == key:
        return top
    log("unpacking %s" % path.name)
    shutil.rmtree(top, ignore_errors=True)
    shutil.rmtree(DEST / "build" / version, ignore_errors=True)
    top.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path) as tar:
        tar.extractall(top.parent, filter="data")
    if not (top / "py").is_dir():
        raise SystemExit("circuitpython: %s does not unpack to %s/py" % (path, top.name))
    tag = (top / "VERSION").read_text().strip() if (top / "VERSION").exists() else version
    git = ["git", "-c", "user.name=tools.circuitpython", "-c", "user.email=tools@localhost",
           "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", "-C", str(top)]  # fmt: skip
    _run(git + ["init", "-q"])
    _run(git + ["add", "-A"])
    _run(git + ["commit", "-q", "-m", "CircuitPython %s from %s" % (tag, path.name)])
    _run(git + ["tag", tag])
    stamp.write_text(key)
    return top


def _ensure_m32():
    with tempfile.TemporaryDirectory() as work:
        probe = pathlib.Path(work, "probe.c")
        probe.write_text("int main(void) { return sizeof(void *) == 4 ? 0 : 1; }\n")
        argv = ["gcc", "-m32", str(probe), "-o", str(probe.with_suffix(""))]
        if subprocess.run(argv, capture_output=True, check=False).returncode == 0:
            return
        if os.geteuid() != 0:
            raise SystemExit(
                "circuitpython: gcc cannot build for i386: run 'sudo apt-get install gcc-multilib'"
            )
        log("installing Debian's gcc-multilib (gcc for i386)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        _run(["apt-get", "update", "-qq"], env=env)
        _run(["apt-get", "install", "-y", "-qq", "gcc-multilib"], env=env)
        _run(argv)


def _ensure_python_modules():
    missing = []
    for name in PYPI_NEEDS:
        try:
            __import__(name)
        except ImportError:
            missing.append(name)
    if missing:
        log("installing %s from PyPI (CircuitPython's translation step)" % ", ".join(missing))
        _run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", *missing])


@contextlib.contextmanager
def _locked():
    """One build at a time in this venv (two make targets may start together)."""
    DEST.mkdir(parents=True, exist_ok=True)
    with open(DEST / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build(force=False, mpy_cross_only=False):
    """Build what is missing or stale (all of it with ``force``; the compilers alone with
    ``mpy_cross_only``); returns the interpreter."""
    with _locked():
        stamps = _stamps()
        todo = {
            name: spec
            for name, spec in stamps.items()
            if (force or not _current(*spec)) and not (mpy_cross_only and name.startswith("port"))
        }
        if not todo:
            return INTERPRETER
        _ensure_python_modules()
        jobs = "-j%d" % max(2, os.cpu_count() or 2)
        make = ["make", jobs, "PYTHON=" + sys.executable]
        started = {}
        began = time.monotonic()
        for name in todo:
            kind, version = name.split(" ")
            top = _source(version)
            if kind == "mpy-cross":
                argv = make + ["-C", str(top / "mpy-cross")]
                output = top / "mpy-cross" / "build" / "mpy-cross"
            else:
                _ensure_m32()
                build_dir = DEST / "build" / version / "board"
                argv = make + ["-C", str(top / "ports" / "unix"), "VARIANT_DIR=" + str(BOARD),
                               "BUILD=" + str(build_dir)]  # fmt: skip
                output = build_dir / "micropython"
            log("building %s" % name)
            logfile = tempfile.TemporaryFile("w+")
            process = subprocess.Popen(argv, stdout=logfile, stderr=subprocess.STDOUT, text=True)
            started[name] = (process, logfile, output)
        failed = []
        for name, (process, logfile, output) in started.items():
            rc = process.wait()
            logfile.seek(0)
            text = logfile.read()
            logfile.close()
            if rc:
                failed.append("%s (make exit %d):\n%s" % (name, rc, text[-4000:]))
                continue
            binary, key = todo[name]
            binary.parent.mkdir(parents=True, exist_ok=True)
            fresh = binary.with_name(binary.name + ".new")
            shutil.copy2(output, fresh)
            os.replace(fresh, binary)  # a program running the old one keeps it
            binary.with_name(binary.name + ".stamp").write_text(key)
        if failed:
            raise SystemExit("circuitpython: build failed: " + "\n".join(failed))
        log("built %s in %.0f s" % (", ".join(todo), time.monotonic() - began))
    return INTERPRETER


def version_line(binary):
    """What a built binary says it is (``--version``; the port: its ``sys.implementation``)."""
    if binary.name == "mpy-cross":
        return _run([str(binary), "--version"]).stdout.strip()
    return _run([str(binary), "-c", "import sys; print(sys.implementation)"]).stdout.strip()
