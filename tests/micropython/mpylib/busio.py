# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``busio`` for MicroPython on a PC, over the emulator bridges (``netdev_bridge``, ``uart_bridge``).
Test support only (tests/micropython)."""

import os

import board


def SPI(clock=None, MOSI=None, MISO=None):  # noqa: N802, N803 - CircuitPython's names
    """The bridge's SPI bus, whatever pins are named."""
    return board.SPI()


def UART(tx=None, rx=None, *, baudrate=9600, timeout=1, receiver_buffer_size=64, **_kw):  # noqa: N802
    """The RTL8720DN emulator's UART stream named by ``NETDEV_PORT``."""
    from uart_bridge import StreamUART  # only when an RTL8720DN run asks for it

    return StreamUART(os.getenv("NETDEV_PORT"), baudrate, timeout)
