# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``busio`` for MicroPython on a PC, over the emulator bridges (see ``netdev_bridge``).
Test support only (tests/micropython)."""

import os

import board
from netdev_bridge import StreamUART


def SPI(clock=None, MOSI=None, MISO=None):  # noqa: N802, N803 - CircuitPython's names
    """The bridge's SPI bus, whatever pins are named."""
    return board.SPI()


def UART(tx=None, rx=None, *, baudrate=9600, timeout=1, receiver_buffer_size=64, **_kw):  # noqa: N802
    """The RTL8720DN emulator's UART stream named by ``NETDEV_PORT``."""
    return StreamUART(os.getenv("NETDEV_PORT"), baudrate, timeout)
