# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Smoke test of ``make bench`` (tools/bench.py): a quick run on one emulated netdev writes
a table whose figures are sane. No timing is asserted: speed is what the bench reports,
not what a test decides."""

import re

import pytest

from tools import bench

pytestmark = pytest.mark.timeout(300)


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
