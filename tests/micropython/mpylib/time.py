# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""MicroPython's ``time`` plus CircuitPython's ``monotonic``/``monotonic_ns`` (which the
Adafruit libraries use). Test support only (tests/micropython)."""

from utime import *  # noqa: F403


def monotonic_ns():
    return time_ns()  # noqa: F405


def monotonic():
    return time_ns() / 1e9  # noqa: F405
