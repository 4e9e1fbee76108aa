# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""One version string for the whole project, in the file ``VERSION``: setup.py, the docs,
the bundle (tests/packaging/test_bundle.py) and every package's ``__version__`` where it is
installed (the sources hold Adafruit's placeholder, written over when a wheel or a bundle is
built)."""

import runpy
import subprocess
import sys

from tools import AUTO_VERSION, LIBRARY_PACKAGES, ROOT, project_version, set_version


def test_setup_py_has_the_project_version():
    result = subprocess.run(
        [sys.executable, "setup.py", "-q", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip().splitlines()[-1] == project_version()


def test_an_installed_package_says_the_project_version(tmp_path):
    """setup.py's build_py (what pip install runs) writes it into each __version__."""
    result = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for package in LIBRARY_PACKAGES:
        source = (ROOT / package / "__init__.py").read_text(encoding="utf-8")
        assert '__version__ = "%s"' % AUTO_VERSION in source, package  # the placeholder stays in git
        built = (tmp_path / package / "__init__.py").read_text(encoding="utf-8")
        assert '__version__ = "%s"' % project_version() in built, package


def test_the_docs_have_the_project_version():
    conf = runpy.run_path(str(ROOT / "docs" / "conf.py"))
    assert conf["version"] == conf["release"] == project_version()


def test_set_version_touches_only_the_version_line():
    text = '"""0.0.0+auto.0 in a docstring"""\n__version__ = "0.0.0+auto.0"\nX = "0.0.0+auto.0"\n'
    assert (
        set_version(text, "1.2.3")
        == '"""0.0.0+auto.0 in a docstring"""\n__version__ = "1.2.3"\nX = "0.0.0+auto.0"\n'
    )
