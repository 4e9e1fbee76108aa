# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The part of pyserial that ``adafruit_netdev.probe`` uses off a board
(``serial_for_url("socket://host:port", baudrate=..., timeout=...)``), for MicroPython on a
PC talking to ``python -m netdev_emulator rtl8720dn --tcp PORT``. Test support only."""

from uart_bridge import StreamUART


def serial_for_url(url, baudrate=9600, timeout=None, **_kw):
    if not url.startswith("socket://"):
        raise ValueError("only socket:// URLs here, not %r" % url)
    return StreamUART(url, baudrate, timeout)
