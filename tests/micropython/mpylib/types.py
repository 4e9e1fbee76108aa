# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``types.TracebackType`` for the Adafruit libraries' type hints under MicroPython. Test
support only (tests/micropython)."""

TracebackType = object
