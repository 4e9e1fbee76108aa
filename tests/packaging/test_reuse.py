# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Licensing: the repository is REUSE compliant (``reuse lint``: every file says its
copyright and license, every license it names is in LICENSES/), and LICENSE is the MIT
license of "adafruit_netdev contributors"."""

import subprocess
import sys

from tools import ROOT


def test_reuse_lint_passes():
    result = subprocess.run(
        [sys.executable, "-m", "reuse", "--root", str(ROOT), "lint", "--lines"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # --lines: one line per problem, "path:line: what is wrong"
    assert result.returncode == 0, (
        "reuse lint found files without SPDX headers or licenses missing from LICENSES/ "
        "(add the header, or an annotation in REUSE.toml for files that cannot hold one):\n"
        + result.stdout[-4000:]
        + result.stderr[-2000:]
    )


def test_license_file_is_mit_of_the_contributors():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 adafruit_netdev contributors\n")
    assert "Permission is hereby granted, free of charge" in text
    # the same text REUSE keeps in LICENSES/, but for the copyright line
    template = (ROOT / "LICENSES" / "MIT.txt").read_text(encoding="utf-8")
    assert template.replace("<year> <copyright holders>", "2026 adafruit_netdev contributors") == text
