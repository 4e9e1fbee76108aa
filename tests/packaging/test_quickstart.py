# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Every command README.rst and docs/ give runs as written: each ``.. code-block:: shell``
block runs in bash, ``-e`` (a failing command fails the block), in a fresh copy of this
checkout (the files git tracks or would track, as a clone has them) with a home folder of its
own and the PATH of a plain Debian machine (no pyenv, no activated venv: a command that needs
the venv must say ``.venv/bin/python``). Each block gets a bounded time.

What a test machine does not have is supplied, and only that: ``.venv`` is this checkout's
(``make venv`` finds it complete, as after a first ``make``), the board's drive
(``CIRCUITPY=/media/$USER/CIRCUITPY``) is a folder with a ``boot_out.txt`` and an example as
``code.py``, CircuitPython's source tarballs (``CIRCUITPYTHON_SOURCES``, for ``make bundle``)
are where this checkout finds them, circup's copy of the Adafruit bundle is a stand-in with
``adafruit_bus_device`` and ``adafruit_ticks`` (tests/packaging/test_bundle.py), a ``code.py``
in the checkout is a small program of the user's, and a running lab is noted in a file of this test's
(``NETDEV_EMULATOR_LAB_NOTE``) so that other runs on the machine do not meet it.

A literal block (``::``) that starts like a command must be listed in :data:`NOT_RUN` with
the reason it cannot run here (a Raspberry Pi, a template with a port to fill in); a new
command is either a shell block, run here, or listed with its reason.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import time

import pytest

from tools import ROOT

DOCUMENTS = [ROOT / "README.rst"] + sorted((ROOT / "docs").glob("*.rst"))
PLAIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SLOW = ("make demo", "make bundle", "pip install")  # a block with these gets LONG seconds
LONG, SHORT = 900, 240
COMMAND_START = re.compile(r"^(\$ |python|make |pip |circup |cd |mkdir |NETDEV|\.venv/|[A-Z_]+=\S+ )")

# (document, the literal block's first line) -> why it cannot run here
NOT_RUN = {
    ("README.rst", "cd ~/project && python3 code.py"): "a Raspberry Pi with an AirLift",
    ("docs/wiring.rst", "cd ~/project"): "a Raspberry Pi with an AirLift",
    ("docs/emulator.rst", ".venv/bin/python -m netdev_emulator pi code.py"):
        "the virtual Pi's own world; tests/blinka/test_raspberrypi.py runs the pi command",
    ("docs/circuitpython.rst", ".venv/bin/python -m netdev_emulator nina --ap lab-ap:lab-password &"):
        "a template: PORT is the one the first command prints; tests/circuitpython runs it",
    ("docs/rtl8720dn.rst", "$ python -m netdev_emulator rtl8720dn --pty --ap lab-ap:lab-password"):
        "two terminals, a pty path to fill in; tests/device_rtl8720dn.py (rtl8720dn-pty) runs it",
    ("docs/wifinina.rst", "python -m pytest tests/wifinina tests/contract tests/ecosystem -k wifinina"):
        "a part of this test suite",
    ("docs/net.rst", "mkdir -p /tmp/mp/net /tmp/mp/adafruit_netdev"):
        "tests/test_net.py does the same with MicroPython's unix port",
}
# The user's own code.py, for the blocks that run one: joins and says where it is.
USER_CODE = """import os
from adafruit_netdev.netlink import ConnectParams
from adafruit_netdev.probe import probe

link, dev = probe()
link.net_connect(ConnectParams(os.getenv("CIRCUITPY_WIFI_SSID"), os.getenv("CIRCUITPY_WIFI_PASSWORD")))
print("joined as", dev.addr(), type(dev).__name__)
"""


def blocks(path):
    """``[(first line number, kind, [lines])]``: every literal and code block of ``path``;
    ``kind`` is the code-block language, or ``"::"``."""
    lines = path.read_text(encoding="utf-8").split("\n")
    found = []
    i = 0
    while i < len(lines):
        line = lines[i]
        directive = re.match(r"\s*\.\. code-block::\s*(\S+)", line)
        literal = line.rstrip().endswith("::") and not line.lstrip().startswith("..")
        if not (directive or literal):
            i += 1
            continue
        indent = len(line) - len(line.lstrip())
        body, j = [], i + 1
        while j < len(lines) and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > indent):
            body.append(lines[j])
            j += 1
        text = [b for b in body if b.strip()]
        if text:
            cut = min(len(b) - len(b.lstrip()) for b in text)
            while body and not body[-1].strip():
                body.pop()
            body = [b[cut:] for b in body]
            while body and not body[0].strip():
                body.pop(0)
            found.append((i + 1, directive.group(1) if directive else "::", body))
        i = j
    return found


def _rel(path):
    return path.relative_to(ROOT).as_posix()


SHELL_BLOCKS = [
    pytest.param(path, number, body, id="%s:%d" % (_rel(path), number))
    for path in DOCUMENTS
    for number, kind, body in blocks(path)
    if kind in ("shell", "bash", "sh")
]


def test_the_quick_start_is_a_shell_block():
    assert [p for p in SHELL_BLOCKS if p.values[0].name == "README.rst"]
    readme = [" ".join(p.values[2]) for p in SHELL_BLOCKS if p.values[0].name == "README.rst"]
    assert any("make demo" in text for text in readme)
    assert any("netdev_emulator run" in text for text in readme)
    assert any('--path "$CIRCUITPY"' in text for text in readme)


def test_every_command_block_runs_here_or_says_why_not():
    unmarked, listed = [], set()
    for path in DOCUMENTS:
        for number, kind, body in blocks(path):
            first = body[0].strip()
            if kind != "::" or not COMMAND_START.match(first):
                continue
            key = (_rel(path), first.split("  #")[0].strip())
            if key in NOT_RUN:
                listed.add(key)
            else:
                unmarked.append("%s:%d %s" % (key[0], number, first))
    assert not unmarked, (
        "commands in a literal block: make it `.. code-block:: shell` (tests/packaging/"
        "test_quickstart.py runs it) or list it in NOT_RUN with the reason: %s" % unmarked
    )
    gone = set(NOT_RUN) - listed
    assert not gone, "NOT_RUN lists blocks the docs no longer have: %s" % gone


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A copy of the checkout as a clone has it, with this checkout's .venv."""
    base = tmp_path_factory.mktemp("quickstart")
    tree = base / "adafruit_netdev"
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=str(ROOT), capture_output=True,
        check=True, timeout=60,
    ).stdout.decode().split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tree / name)
    (tree / ".venv").symlink_to(ROOT / ".venv")
    return base


@pytest.fixture
def machine(fresh, tmp_path):
    """The environment of a block: a home of its own, the drive, circup's data."""
    from tests.packaging.test_bundle import Circup  # noqa: PLC0415

    home = tmp_path / "home"
    home.mkdir()
    circup = Circup(tmp_path / "circup")
    shutil.copy(ROOT / "examples" / "netdev_simpletest.py", circup.drive / "code.py")
    note = tmp_path / "lab-note.json"
    env = {
        "PATH": PLAIN_PATH, "HOME": str(home), "USER": "user", "LANG": "C.UTF-8", "TERM": "dumb",
        "XDG_DATA_HOME": str(circup.xdg_data), "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "NETDEV_EMULATOR_LAB_NOTE": str(note),
        "PIP_CONFIG_FILE": os.environ.get("PIP_CONFIG_FILE", "/etc/pip.conf"),
    }
    from tools.circuitpython import SOURCES_SETTING, sources_folder  # noqa: PLC0415

    sources = sources_folder()  # CircuitPython's release tarballs, which make bundle builds from
    if sources is not None:
        env[SOURCES_SETTING] = str(sources)
    for name in ("PIP_FIND_LINKS", "PIP_CERT", "PIP_DEFAULT_TIMEOUT", "PIP_DISABLE_PIP_VERSION_CHECK"):
        if name in os.environ:
            env[name] = os.environ[name]
    yield {"env": env, "drive": circup.drive, "tree": fresh / "adafruit_netdev", "note": note}
    _stop_lab(note)


def _stop_lab(note):
    """A block that failed half way may leave its lab running: stop it (by its pid)."""
    try:
        pid = json.loads(note.read_text())["pid"]
    except (OSError, ValueError, KeyError):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except OSError:
        return
    limit = time.monotonic() + 30
    while note.exists() and time.monotonic() < limit:
        time.sleep(0.1)  # the lab removes its note as it stops; bounded


@pytest.mark.parametrize(("path", "number", "body"), SHELL_BLOCKS)
def test_shell_block_runs_as_written(machine, path, number, body):
    tree = machine["tree"]
    script = "\n".join(body).replace("/media/$USER/CIRCUITPY", str(machine["drive"]))
    code = tree / "code.py"
    code.write_text(USER_CODE)
    seconds = LONG if any(word in script for word in SLOW) else SHORT
    try:
        done = subprocess.run(
            ["/bin/bash", "-e", "-o", "pipefail", "-c", script], cwd=str(tree), env=machine["env"],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=seconds, check=False,
        )
    finally:
        code.unlink()
    where = "%s:%d" % (_rel(path), number)
    assert done.returncode == 0, "%s exited %d:\n%s\n--- output ---\n%s%s" % (
        where, done.returncode, script, done.stdout[-6000:], done.stderr[-6000:])
    assert not machine["note"].exists(), "%s left a lab running" % where
