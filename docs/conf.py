# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Sphinx configuration. Builds offline (no intersphinx) and warning-free with ``-W``.

Two pages are completed at build time, from the tree as it is, so that adding a page or a
module never leaves the docs stale or broken:

* ``index``: the ``.. netdev-toctree::`` line becomes toctrees of every page in ``docs/``
  (known pages in a fixed order, any others after them);
* ``api``: the ``.. netdev-api::`` line becomes an ``automodule`` for every public module
  of the library packages and the emulator's public modules (its main modules, the bridges,
  the fault switchboard, and every module that defines a name a listed module exports in
  ``__all__``), except those another page already documents with its own ``automodule``.
"""

import os
import pathlib
import re
import sys

DOCS = pathlib.Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))

project = "adafruit_netdev"
author = "adafruit_netdev contributors"
copyright = "2026, adafruit_netdev contributors"  # noqa: A001
version = release = (ROOT / "VERSION").read_text(encoding="utf-8").strip()  # the one version

extensions = ["sphinx.ext.autodoc"]
# Native CircuitPython modules; the drivers import them only on a board (or through Blinka).
autodoc_mock_imports = ["board", "busio", "digitalio", "microcontroller"]
autodoc_member_order = "bysource"
autoclass_content = "both"
# Document what each module defines (a package re-exporting names in __all__ would document
# them twice, under both names).
autodoc_default_options = {"members": True, "ignore-module-all": True}

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
templates_path = []
html_static_path = []
html_theme = "sphinx_rtd_theme"
html_theme_options = {"navigation_depth": 3}
html_title = "adafruit_netdev"

# -- the generated parts -------------------------------------------------------------------------

# (caption, [pages]); a page is listed only when docs/<page>.rst exists.
TOCTREES = [
    ("Guides", ["emulator", "radio", "wiring", "porting", "circuitpython"]),
    ("Examples", ["examples"]),
    ("Packages", ["net", "wifinina", "rtl8720dn"]),
    ("Virtual co-processors", ["emulator-nina", "emulator-rtl8720dn", "lab"]),
    ("Protocols and design", ["protocol-nina", "protocol-rtl8720dn", "design", "drivers"]),
    ("Reference", ["api", "benchmarks"]),
]

LIBRARY_PACKAGES = ["adafruit_netdev", "net", "adafruit_netdev_wifinina", "adafruit_netdev_rtl8720dn"]
EMULATOR_MODULES = [
    "netdev_emulator",
    "netdev_emulator.network",
    "netdev_emulator.nina",
    "netdev_emulator.rtl8720",
    "netdev_emulator.raspberrypi",
    "netdev_emulator.lab",
    "netdev_emulator.rig",
    "netdev_emulator.run",
    "netdev_emulator.faults",  # the switchboard: nina.faults, rtl.faults
    "netdev_emulator.nina_bridge",  # out of process: the NINA bus over TCP
    "netdev_emulator.rtl8720_bridge",  # out of process: the RTL8720DN's UART on a pty or TCP
]


def pages():
    """Every document in docs/ (without suffix), except the index."""
    found = set()
    for path in DOCS.rglob("*.rst"):
        rel = path.relative_to(DOCS)
        if rel.parts[0].startswith("_"):
            continue
        found.add(rel.with_suffix("").as_posix())
    found.discard("index")
    return found


def toctree_text():
    present = pages()
    listed = set()
    blocks = []
    for caption, names in TOCTREES:
        entries = [name for name in names if name in present]
        listed.update(entries)
        if entries:
            blocks.append((caption, entries))
    others = sorted(present - listed)
    if others:
        blocks.append(("More", others))
    out = []
    for caption, entries in blocks:
        out.append(".. toctree::\n   :caption: %s\n   :maxdepth: 2\n" % caption)
        out.extend("   %s" % entry for entry in entries)
        out.append("")
    return "\n".join(out)


def documented_elsewhere():
    """Modules that some page other than api.rst documents with automodule."""
    names = set()
    for name in pages() - {"api"}:
        text = (DOCS / (name + ".rst")).read_text(encoding="utf-8")
        names.update(re.findall(r"^\.\.\s+automodule::\s+(\S+)", text, re.MULTILINE))
    return names


def modules_of(package):
    """``package`` and its public submodules (no leading underscore), in file order."""
    base = ROOT / package
    if not (base / "__init__.py").exists():
        return []
    names = [package]
    for path in sorted(base.glob("*.py")):
        if not path.stem.startswith("_"):
            names.append(package + "." + path.stem)
    return names


def module_block(name):
    return "%s\n%s\n\n.. automodule:: %s\n   :members:\n" % (
        "``%s``" % name,
        "-" * (len(name) + 4),
        name,
    )


def api_text():
    skip = documented_elsewhere()
    out = []
    sections = [(package, modules_of(package)) for package in LIBRARY_PACKAGES]
    emulator = emulator_modules()
    for title, names in sections + [("netdev_emulator (CPython only)", emulator)]:
        names = [n for n in names if n not in skip]
        if not names:
            continue
        out.append("%s\n%s\n" % (title, "=" * len(title)))
        out.extend(module_block(name) for name in names)
    return "\n".join(out)


def emulator_modules():
    """EMULATOR_MODULES that exist, each followed by the emulator modules defining the names
    it exports (``__all__``) and not listed themselves: a class that a split moved out of a
    main module (``NinaPin`` into nina_pins, ``EmulatedUART`` into rtl8720_bus) stays
    documented where it is defined."""
    import importlib  # noqa: PLC0415

    names = []
    for name in EMULATOR_MODULES:
        if not module_exists(name) or name in names:
            continue
        names.append(name)
        module = importlib.import_module(name)
        for export in getattr(module, "__all__", ()):
            home = getattr(getattr(module, export), "__module__", None) or ""
            if home.startswith("netdev_emulator.") and home not in names and home not in EMULATOR_MODULES:
                names.append(home)
    return names


def module_exists(name):
    parts = name.split(".")
    path = ROOT.joinpath(*parts)
    return (path / "__init__.py").exists() or path.with_suffix(".py").exists()


def fill(app, docname, source):
    if docname == "index":
        source[0] = source[0].replace(".. netdev-toctree::", toctree_text())
    elif docname == "api":
        source[0] = source[0].replace(".. netdev-api::", api_text())


def net_in_full():
    """Load the part of ``net`` it imports on first use (net/_more.py) into ``net`` itself,
    as ``net``'s own names, so that ``automodule:: net`` documents them."""
    import net  # noqa: PLC0415

    for name in net._LAZY:
        value = getattr(net, name)
        value.__module__ = "net"


def setup(app):
    net_in_full()
    app.connect("source-read", fill)
    # The emulator prints nothing at import; keep Blinka quiet if a driver pulls it in.
    os.environ.setdefault("BLINKA_OS_AGNOSTIC", "1")
