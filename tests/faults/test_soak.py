# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The short soak (``python -m tools.soak --short``) on one driver of each kind: 8 threads
of connect/echo/close rounds with faults injected at a few % of the exchanges; no byte
corrupted, no hang, no leaked fd or chip slot, and the driver back on the network."""

import pytest

from tools.soak import DEFAULT_DEVICES, SHORT, soak

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize("name", DEFAULT_DEVICES)
def test_short_soak(name, lab):
    lines = []
    result = soak(name, lab, out=lines.append, **SHORT)
    report = "\n".join(lines)
    assert result["corrupted"] == 0, report
    assert result["hangs"] == 0, report
    assert result["leaks"] == 0, report
    assert result["recovered"], report
    assert result["faults"] >= 1, report  # the soak did inject faults
    assert result["verified"] > 0, report  # and moved data between them


def test_short_transient_soak_on_wifinina(lab):
    """``make soak SOAK_ARGS=--transient``, short: only the faults after which the chip
    carries on (garbled, truncated or lost replies, flipped bits, lost requests, READY high
    once); nothing corrupted, hung or leaked, and the run says how many rounds completed."""
    lines = []
    result = soak("wifinina-arduino-2.0", lab, out=lines.append, transient=True, **SHORT)
    report = "\n".join(lines)
    assert result["corrupted"] == 0 and result["hangs"] == 0 and result["leaks"] == 0, report
    assert result["recovered"] and result["faults"] >= 1, report
    assert "rounds completed" in report and "transient faults" in report, report
