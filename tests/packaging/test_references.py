# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Every reference a maintainer meets leads to something in the repository: no file cites
research notes or design notes kept elsewhere (numbered sections of documents that are not
here, their file names, or the folder they lived in). The protocol facts live in
docs/protocol-nina.rst and docs/protocol-rtl8720dn.rst, the design rules in docs/design.rst;
cite those ("docs/protocol-nina.rst, Framing")."""

import os
import pathlib
import re
import subprocess

from tools import ROOT

HERE = pathlib.Path(__file__).resolve()

# Each pattern, with what to write instead. A numbered section ("§3.1") always belongs to a
# document outside the repository: the pages in docs/ have titled sections, not numbers.
FORBIDDEN = [
    (re.compile(r"shared/spec|/work/shared"), "a folder outside the repository"),
    (re.compile(r"\b(?:spec|DESIGN) §"), "a section of notes outside the repository"),
    (re.compile(r"\bDESIGN\.md\b"), "design notes outside the repository: cite docs/design.rst"),
    (
        re.compile(
            r"\b(?:nina-fw-spi|rtl8720dn-erpc|circuitpython-ecosystem|tinygo-net-api-and-examples)\.md\b"
        ),
        "research notes outside the repository: cite docs/protocol-*.rst",
    ),
    (re.compile(r"§\s*\d"), "a numbered section of a document that is not here"),
]


def tracked_files():
    """The files git tracks (the working tree's copies), or every file outside .venv and
    build output when git is not there."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
        ).stdout
        names = [n for n in out.decode("utf-8", "replace").split("\0") if n]
    except (OSError, subprocess.SubprocessError):
        names = []
        for folder, dirs, files in os.walk(ROOT):
            dirs[:] = [d for d in dirs if d not in (".git", ".venv", "_build", "build", "bundles")]
            names.extend(os.path.relpath(os.path.join(folder, f), ROOT) for f in files)
    return [ROOT / n for n in names if not n.startswith(".venv/")]


def offences(text):
    """``(line number, why, line)`` for every forbidden reference in ``text``."""
    for number, line in enumerate(text.splitlines(), 1):
        for pattern, why in FORBIDDEN:
            if pattern.search(line):
                yield number, why, line.strip()
                break


def offending_lines(paths):
    """``["path:line: why: text", ...]`` for every forbidden reference in ``paths``."""
    found = []
    for path in paths:
        if path.resolve() == HERE or not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", "ignore")
        found.extend("%s:%d: %s: %s" % ((path.relative_to(ROOT),) + hit) for hit in offences(text))
    return found


def test_no_file_cites_notes_outside_the_repository():
    files = tracked_files()
    assert len(files) > 50, "found only %d files under %s" % (len(files), ROOT)
    found = offending_lines(files)
    assert not found, "references outside the repository (cite docs/protocol-*.rst or docs/design.rst):\n" + (
        "\n".join(found)
    )


def test_the_check_finds_each_kind_of_reference():
    for sample in (
        "# Opcodes (spec \u00a73.1)",
        '"""The Netdever contract (DESIGN \u00a72)."""',
        "Written from ``shared/spec/nina-fw-spi.md``",
        "see DESIGN.md",
        "(rtl8720dn-erpc.md)",
        "Reset and boot (\u00a71.3)",
    ):
        assert len(list(offences(sample))) == 1, sample
    fine = "# Opcodes (docs/protocol-nina.rst, Commands)\nspec = getenv('X')\nfrom tests.spec import A"
    assert list(offences(fine)) == []
