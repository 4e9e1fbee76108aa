# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``make bench`` (tools/bench/): a quick run on one emulated netdev writes a table whose figures
are sane and notes whose figures are the table's; no figure in the generated text is typed by
hand. No timing is asserted: speed is what the bench reports, not what a test decides."""

import ast
import importlib.util
import pathlib
import re

import pytest

from tools import ROOT, bench
from tools.bench import ceilings, notes, readme
from tools.bench.circuitpython import (
    CP_HEAP_DEVICES,
    CP_HEAP_PROGRAMS,
    ESP32SPI_READ_MAX,
    ESP32SPI_WRITE_CHUNK,
)
from tools.bench.figures import percent
from tools.bench.settings import Settings

pytestmark = pytest.mark.timeout(300)

PACKAGE = pathlib.Path(bench.__file__).parent
# the modules that write the document's text: tables, profiles, notes
TEXT_MODULES = (
    "notes",
    "rst",
    "device_table",
    "circuitpython_table",
    "figures",
    "ceilings",
    "heap",
    "circuitpython",
)
FIELD = re.compile(r"\{[^{}]*\}")  # a template's field
FORMAT = re.compile(r"%%|%(\([a-z_]+\))?[-+ #0]*\d*(\.\d+)?[sdfgrx]")  # a %-format's conversion
FIGURE = re.compile(r"(?<![A-Za-z_\d])\d")  # a digit that is not part of a name (RTL8720DN, GPIO0)


def _row(text, label):
    for line in text.splitlines():
        if line.startswith(label):
            return line
    raise AssertionError("no row %r in:\n%s" % (label, text))


def _median(line):
    """The median column of a table row (columns are separated by two spaces or more;
    thousands inside a number by one)."""
    cell = re.split(r"\s{2,}", line.strip())[1]
    return float(re.match(r"-?\d{1,3}(?: \d{3})*(?:\.\d+)?", cell).group(0).replace(" ", ""))


def _note(text, title):
    found = [line for line in text.splitlines() if line.startswith("* **%s.**" % title)]
    assert len(found) == 1, "no note %r in:\n%s" % (title, text)
    return found[0]


def test_quick_run_writes_sane_tables(tmp_path, capsys):
    out = tmp_path / "benchmarks.rst"
    argv = ["--quick", "--runs", "1", "--devices", "wifinina-arduino-2.0,host", "--output", str(out)]
    assert bench.main(argv) == 0
    text = out.read_text()
    printed = capsys.readouterr().out
    for name in ("wifinina-arduino-2.0", "host"):
        assert "\n%s\n%s\n" % (name, "-" * len(name)) in text
        assert name in printed
    assert "Python " in text and "median of 1 runs" in text
    nina = text.split("\nhost\n")[0]

    for label in ("TCP download", "TCP upload", "TLS download"):
        line = _row(nina, label + " 128 KiB: model throughput")
        share = float(re.search(r"= ([0-9.]+) % of 1 000 000 B/s", line).group(1))
        # the model clock charges every byte at the link rate: the payload can never
        # move faster than the raw link, and a working driver moves some of it
        assert 0 < share < 100, line
        ceiling = float(re.search(r"ceiling ([0-9.]+) %", line).group(1))
        assert share <= ceiling + 0.05, line
        per_byte = _median(_row(nina, label + " 128 KiB: bus bytes per payload byte"))
        assert per_byte >= 1.0  # every payload byte crosses the bus at least once
        per_kib = _median(_row(nina, label + " 128 KiB: bus transactions per KiB"))
        assert 0 < per_kib < 1024
        cpu = _median(_row(nina, label + " 128 KiB: host CPU s per MiB"))
        assert cpu > 0

    p50 = float(re.search(r"([0-9.]+) ms", _row(nina, "echo 64 B x 50: latency p50")).group(1))
    p99 = float(re.search(r"([0-9.]+) ms", _row(nina, "echo 64 B x 50: latency p99")).group(1))
    assert 0 < p50 <= p99
    assert _median(_row(nina, "idle recv: bus transactions per second")) > 0  # a waiting recv polls the chip
    for label in ("connect TCP", "connect TLS", "DNS lookup"):
        transactions = int(re.search(r"  (\d+), [0-9.]+ ms", _row(nina, label)).group(1))
        assert transactions >= 2  # at least one command and its reply
    kept = _row(nina, "steady-state recv: library bytes kept per call")
    assert re.search(r"  -?[0-9.]+  ", kept)
    assert "not measured (--quick)" in _row(nina, "MicroPython: smallest heap")
    # the host netdev is the reference: wall clock only, no bus figures
    host = text.split("\nhost\n")[1]
    assert "wall-clock throughput" in host and "model throughput" not in host
    _notes_agree_with_the_tables(text, nina)


def _notes_agree_with_the_tables(text, nina):
    """The notes quote the run's own figures: the ceiling and the latency in the notes are
    the table's, the cProfile names the netdev it ran on, and what the run did not measure
    (CircuitPython's core, with --quick) has no note."""
    ceiling = re.search(r"ceiling ([0-9.]+ %) \(\d+-byte receive window\)", _row(nina, "TCP download")).group(
        1
    )
    assert "so reads go 4086 + 1658 bytes (ceiling %s)" % ceiling in _note(text, "Throughput")
    p50 = re.search(r"  ([0-9.]+) ms", _row(nina, "echo 64 B x 50: latency p50")).group(1)
    assert "the p50 is %s ms on the emulated netdevs" % p50 in _note(text, "Latency")
    idle = re.split(r"\s{2,}", _row(nina, "idle recv: bus transactions per second"))[1]
    assert "%s bus transactions a second in this run" % idle in _note(text, "Idle")
    assert "download through wifinina-arduino-2.0 in this run puts ``" in _note(text, "Host CPU")
    assert "Interpreter work" not in text
    assert "RTL8720DN: an idle poll" not in text  # no RTL8720DN in this run: nothing said of it


def test_the_notes_hold_no_figure_typed_by_hand():
    """Every figure of the generated prose is a template field filled from the run (or from a
    named definition): with the fields taken out, no template holds a digit."""
    typed = [t for t in notes.templates() if FIGURE.search(FIELD.sub("", t))]
    assert not typed, "figures typed into the notes (make them fields): %s" % typed


def _literals(path):
    """``(line, text)`` of the string literals in ``path`` that go into the document: all but
    docstrings and the values of module-level names (definitions such as targets)."""
    tree = ast.parse(path.read_text())
    skip = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skip.add(id(body[0].value))  # a docstring
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            skip.update(id(sub) for sub in ast.walk(node.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.lineno, node.value


def test_the_tables_hold_no_figure_typed_by_hand():
    """The code that writes the tables, profiles and notes formats figures from values (a
    measurement, a named target or definition), never spells one in a string."""
    typed = []
    for module in TEXT_MODULES:
        path = PACKAGE / (module + ".py")
        for line, text in _literals(path):
            if FIGURE.search(FORMAT.sub("", FIELD.sub("", text))):
                typed.append("%s:%d: %r" % (path.name, line, text))
    assert not typed, "figures typed into the text: %s" % typed


def _result(kind, rate, **samples):
    shares = ceilings.nina_ceilings(rate) if kind == "nina" else ceilings.rtl_ceilings(rate)
    clock = rate * (ceilings.SPI_BITS_PER_BYTE if kind == "nina" else ceilings.UART_BITS_PER_BYTE)
    return {
        "kind": kind,
        "clock": clock,
        "rate": rate,
        "ceilings": shares,
        "samples": samples,
        "failures": {},
    }


def test_the_notes_follow_the_measurements():
    """Figures that differ from any run so far (a 16 MHz SPI, a slow idle, missed heap
    targets) come out in the notes as measured."""
    nina = _result(
        "nina",
        2000000,
        down_share=[0.9],
        echo_idle_tps=[37.5],
        echo_p50_ms=[0.4321],
        down_transactions_per_kib=[0.5],
        down_cpu_per_mib=[0.256],
    )
    nina["profile"] = [("netdev_emulator.nina._clock", 0.25)]
    rtl = _result("rtl", 61440, echo_idle_tps=[12.3])
    results = {"wifinina-test": nina, "rtl8720dn": rtl, "host": {"kind": None, "samples": {}, "failures": {}}}
    circuitpython = {
        "heap": {("wifinina-arduino-2.0", "tcpclient"): 60, ("rtl8720dn", "tcpclient"): 68},
        "user_ticks": {("netdev", "down"): [10, 15, 12]},
    }
    facts = notes.facts(results, Settings(quick=True), {}, circuitpython)
    text = "\n".join(notes.render_notes(facts))
    down = ceilings.nina_ceilings(2000000)["down"][0]
    assert down != ceilings.nina_ceilings(1000000)["down"][0]  # the ceiling follows the clock
    assert "(ceiling %s)" % percent(down) in text
    assert "37.5 bus transactions a second" in text and "12.3 bus transactions a second" in text
    assert "the p50 is 0.43 ms" in text
    assert "``netdev_emulator.nina._clock`` (25 %)" in text
    assert "256 commands per MiB, 1 000 us of CPU each" in text  # 0.5 transactions a KiB, two a command
    assert "missed: tcpclient" in text  # 68 KiB > 64
    assert "differed by up to 50 %" in text  # 10 to 15 ticks
    assert facts["links"] == "NINA: 16 MHz SPI = 2 000 000 B/s; RTL8720DN: 614 400 baud = 61 440 B/s"


def test_what_the_notes_say_of_adafruit_esp32spi_is_its_source():
    """The notes explain adafruit_esp32spi's figures by its chunk sizes: the installed
    package's source has them."""
    spec = importlib.util.find_spec("adafruit_esp32spi")
    assert spec is not None, "adafruit_esp32spi is not installed (requirements-test.txt)"
    package = pathlib.Path(next(iter(spec.submodule_search_locations)))
    pool = (package / "adafruit_esp32spi_socketpool.py").read_text()
    assert re.search(r"MAX_PACKET = const\(%d\)" % ESP32SPI_READ_MAX, pool)
    spi = (package / "adafruit_esp32spi.py").read_text()
    assert "len(buffer) // %d" % ESP32SPI_WRITE_CHUNK in spi


def _committed_heaps():
    """The CircuitPython table's heaps in the committed docs/benchmarks.rst."""
    text = (ROOT / "docs" / "benchmarks.rst").read_text()
    heaps = {}
    for program, _target in CP_HEAP_PROGRAMS:
        for device, label in CP_HEAP_DEVICES:
            found = re.search(r"\s{2,}(\d+) KiB", _row(text, "%s, %s: smallest heap" % (program, label)))
            heaps[(device, program)] = int(found.group(1)) if found else None
    return heaps


def test_the_readme_heap_table_is_the_benchmarks_one():
    """README.rst's heap table is what make bench wrote with docs/benchmarks.rst: the same
    figures, not a copy typed by hand."""
    text = (ROOT / "README.rst").read_text()
    assert readme.block(text) == readme.heap_block(_committed_heaps())


def test_make_bench_rewrites_only_the_readme_block():
    heaps = {(device, program): 4 * (i + 1) for i, (device, program) in enumerate(_committed_heaps())}
    text = "before\n\n%s\n\nold table\n\n%s\n\nafter\n" % (readme.START, readme.END)
    updated = readme.update(text, heaps)
    assert updated.startswith("before\n\n") and updated.endswith("\n\nafter\n")
    assert "old table" not in updated and readme.block(updated) == readme.heap_block(heaps)
    assert readme.update(updated, heaps) == updated
    with pytest.raises(ValueError, match="no block for make bench"):
        readme.update("before\nafter\n", heaps)
