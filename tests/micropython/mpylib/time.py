# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""MicroPython's ``time`` plus CircuitPython's ``monotonic``/``monotonic_ns`` (which the
Adafruit libraries use). Test support only (tests/micropython). The rest of ``utime`` is
reached through ``__getattr__`` rather than copied here: a board's ``time`` is built in and
costs no heap."""

import utime
from utime import sleep, time_ns  # noqa: F401 - time.sleep without the __getattr__ detour


def monotonic_ns():
    return time_ns()


def monotonic():
    return time_ns() / 1e9


def __getattr__(name):
    return getattr(utime, name)
