# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The documentation: ``make docs`` (Sphinx, offline, ``-W``) builds every page, the API
reference covers every public module, and the TinyGo porting table names every public name
of the Netdever, the Netlinker and ``net``."""

import inspect
import pathlib
import re
import subprocess
import sys

import pytest

from tools import LIBRARY_PACKAGES, ROOT

DOCS = ROOT / "docs"
HTML = DOCS / "_build" / "html"


@pytest.fixture(scope="module")
def built():
    """Run ``make docs`` with the running interpreter's venv (``-o venv``: no reinstall)."""
    bindir = pathlib.Path(sys.executable).parent
    result = subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), "-o", "venv", "docs", "BIN=%s" % bindir],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, "make docs failed:\n%s\n%s" % (result.stdout, result.stderr)
    return HTML


def test_every_page_is_built(built):
    for page in sorted(DOCS.glob("*.rst")):
        assert (built / (page.stem + ".html")).exists(), page.name
    index = (built / "index.html").read_text(encoding="utf-8")
    for page in ("api", "emulator", "porting", "wiring", "circuitpython"):
        assert 'href="%s.html"' % page in index, "index does not link %s" % page


def public_modules():
    names = []
    for package in LIBRARY_PACKAGES:
        base = ROOT / package
        if (base / "__init__.py").exists():
            names.append(package)
            names.extend(
                package + "." + p.stem for p in sorted(base.glob("*.py")) if not p.stem.startswith("_")
            )
    return names


def test_api_reference_covers_every_public_module(built):
    documented = set()
    for page in built.glob("*.html"):
        documented.update(re.findall(r'id="module-([\w.]+)"', page.read_text(encoding="utf-8")))
    missing = [name for name in public_modules() if name not in documented]
    assert not missing, "modules without API docs: %s" % missing


def test_api_reference_covers_the_emulators_public_modules(built):
    """The bridges, the fault switchboard, and where each name a main emulator module
    (``nina``, ``rtl8720``, ...: its parts are ``nina_*.py``, ``rtl8720_*.py``) exports in
    ``__all__`` is defined: a split that moves a class out of a main module (NinaPin into
    nina_pins, EmulatedUART into rtl8720_bus) leaves it documented."""
    import importlib

    documented = set()
    for page in built.glob("*.html"):
        documented.update(re.findall(r'id="module-([\w.]+)"', page.read_text(encoding="utf-8")))
    for name in ("nina_bridge", "rtl8720_bridge", "faults"):
        assert "netdev_emulator." + name in documented, name
    for name in sorted(n for n in documented if n.startswith("netdev_emulator") and "_" not in n[16:]):
        module = importlib.import_module(name)
        for export in getattr(module, "__all__", ()):
            home = getattr(getattr(module, export), "__module__", None) or ""
            if home.startswith("netdev_emulator"):
                assert home in documented, "%s.%s (defined in %s)" % (name, export, home)


def public_names():
    """Every public name a TinyGo user ports to: Netdever and Netlinker methods, ConnectParams
    fields, the constants and errors, and all of ``net``."""
    import adafruit_netdev
    import net
    import net.tls
    from adafruit_netdev import netlink

    names = set()
    names.update(adafruit_netdev.CONTRACT)
    names.update(n for n in vars(netlink.Netlinker) if not n.startswith("_") and n != "link_fault")
    names.update(vars(netlink.ConnectParams("x")))
    # netlink's own constants (not the errno names it imports) and error classes
    names.update(n for n in vars(netlink) if n.isupper() and not hasattr(adafruit_netdev, n))
    names.update(("ConnectError", "ConnectTimeoutError", "AuthError", "ConnectParams"))
    # the socket constants with TinyGo's values (errno names and tuning knobs aside)
    names.update(
        n
        for n, v in vars(adafruit_netdev).items()
        if n.isupper() and isinstance(v, int) and not n.startswith(("E", "_", "POLL_"))
    )
    names.update(("use_netdev", "netdev", "HostUnknownError", "NoMoreSocketsError", "EAI_NONAME"))
    for name in net._LAZY:  # the part loaded on first use (net/_more.py)
        getattr(net, name)
    for name, value in vars(net).items():
        if name.startswith("_") or inspect.ismodule(value):
            continue
        if getattr(value, "__module__", "net") not in ("net", "net._more", "adafruit_netdev"):
            continue
        names.add(name)
        if inspect.isclass(value):
            names.update(n for n in vars(value) if not n.startswith("_"))
    names.add("dial")  # net.tls.dial
    return sorted(names)


def test_porting_table_names_every_public_name():
    text = (DOCS / "porting.rst").read_text(encoding="utf-8")
    missing = [n for n in public_names() if not re.search(r"(?<![\w])%s(?![\w])" % re.escape(n), text)]
    assert not missing, "docs/porting.rst does not mention: %s" % missing
