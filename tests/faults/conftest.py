# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Fixtures of the fault tests: a driver on each emulated co-processor (and the host
netdev where a fault applies to it), reused across the fault tests while it stays
healthy. After every test the faults are switched off and the rig must recover and hold
nothing: no driver fd, no co-processor slot (a leak fails the test)."""

import pytest

from tools.rigs import EMULATED, Rig

pytestmark = pytest.mark.timeout(60)


class _Pool:
    def __init__(self, lab):
        self.lab = lab
        self.rigs = {}

    def get(self, name):
        rig = self.rigs.get(name)
        if rig is None:
            rig = self.rigs[name] = Rig(name, self.lab)
        return rig

    def discard(self, name):
        rig = self.rigs.pop(name, None)
        if rig is not None:
            rig.close()

    def close(self):
        for name in list(self.rigs):
            self.discard(name)


@pytest.fixture(scope="session")
def pool(lab):
    rigs = _Pool(lab)
    yield rigs
    rigs.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "report_" + report.when, report)


def _checked(request, pool, name):
    rig = pool.get(name)
    yield rig
    healthy = False
    try:
        rig.calm()
        for fd in rig.dev.open_fds():
            rig.dev.close(fd)
        address = rig.recover()
        assert address == rig.ip, "%s: not back on the network after the test: %r" % (name, address)
        assert rig.leaks() == ([], []), "%s: left open after the test: %r" % (name, rig.leaks())
        report = getattr(request.node, "report_call", None)
        healthy = report is None or report.passed
    finally:
        if not healthy:  # the next test gets a new rig
            pool.discard(name)


@pytest.fixture(params=EMULATED)
def rig(request, pool):
    """A driver on each emulated co-processor."""
    yield from _checked(request, pool, request.param)


@pytest.fixture(params=EMULATED + ("host",))
def any_rig(request, pool):
    """A driver on each emulated co-processor, and the host netdev."""
    yield from _checked(request, pool, request.param)
