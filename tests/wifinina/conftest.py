# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Fixtures for the WiFiNINA driver tests: an emulated co-processor per firmware persona."""

import pytest

from tests.device_wifinina import PERSONAS, wifinina_on


@pytest.fixture(params=PERSONAS)
def persona(request):
    return request.param


@pytest.fixture
def world(lab):
    """A fresh virtual world per test (access points can be dropped without side effects)."""
    return lab.network()


@pytest.fixture
def joined(world, persona):
    """``(nina, dev)``: the driver on an emulated co-processor, joined to "lab-ap"."""
    with wifinina_on(world, persona) as pair:
        yield pair


@pytest.fixture
def unjoined(world, persona):
    """``(nina, dev)``: the driver on an emulated co-processor that has not joined anything."""
    with wifinina_on(world, persona, join=False) as pair:
        yield pair


def assert_clean_bus(nina):
    """No transaction was torn, lost or stray, and no command drew the error reply."""
    stats = nina.stats.snapshot()
    for key in ("torn_transactions", "lost_transactions", "stray_transfers"):
        assert stats[key] == 0, "%s: %r" % (key, stats)
