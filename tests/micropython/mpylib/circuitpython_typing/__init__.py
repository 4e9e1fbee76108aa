# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Stand-in for ``circuitpython_typing`` under MicroPython (type hints only). Test support
only (tests/micropython)."""

ReadableBuffer = WriteableBuffer = object
