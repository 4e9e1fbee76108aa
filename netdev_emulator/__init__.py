# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Virtual co-processors for a PC (CPython only; never copied to a board).

``Network`` is the virtual world (access points, DNS, port mapping, CA store);
``NinaEmulator`` and ``RTL8720Emulator`` are faithful models of the NINA-FW and
RTL8720DN "ambd" firmware whose bus objects wire to a driver exactly like the
hardware; ``Lab`` starts the loopback peers (echo, sink, HTTP(S), NTP, websocket,
MQTT) that tests, the demo and users talk to.

Written from the protocol specifications, independently of the drivers: it imports
nothing from them, so a codec bug cannot hide on both sides.
"""

from netdev_emulator.network import BusStats, Network

__all__ = ["BusStats", "Lab", "Network", "NinaEmulator", "RTL8720Emulator"]

_LAZY = {
    "NinaEmulator": "netdev_emulator.nina",
    "RTL8720Emulator": "netdev_emulator.rtl8720",
    "Lab": "netdev_emulator.lab",
}


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError("module 'netdev_emulator' has no attribute %r" % name)
    import importlib

    return getattr(importlib.import_module(module), name)
