# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``probe()`` for ``NETDEV=emulated-wifinina`` and ``emulated-rtl8720dn``: the real driver
on a virtual co-processor of ``netdev_emulator`` (CPython only). Apart from ``probe.py`` so
that a board never loads it."""

import os


def build(chip, setting):
    """The driver for ``chip`` (``"wifinina"`` or ``"rtl8720dn"``) on an emulator of the world
    the ``NETDEV_EMULATOR_*`` variables describe; ``setting(name, default)`` reads settings."""
    from netdev_emulator.network import world_from_environ  # noqa: PLC0415

    world = world_from_environ(os.getenv)
    if chip == "wifinina":
        from adafruit_netdev_wifinina import WiFiNINA  # noqa: PLC0415
        from netdev_emulator import NinaEmulator  # noqa: PLC0415

        emulator = NinaEmulator(world, persona=setting("NETDEV_PERSONA", "arduino-2.0"))
        dev = WiFiNINA(emulator.spi, emulator.cs, emulator.ready, emulator.reset, emulator.gpio0)
    else:
        from adafruit_netdev_rtl8720dn import RTL8720DN  # noqa: PLC0415
        from netdev_emulator import RTL8720Emulator  # noqa: PLC0415

        emulator = RTL8720Emulator(world, firmware=setting("NETDEV_FIRMWARE", "2.1.3"))
        dev = RTL8720DN(emulator.uart, emulator.enable)
        dev.root_ca_file = setting("NETDEV_CA_FILE", world.cafile)  # read at the first TLS connect
    dev.emulator = emulator  # keeps it alive and reachable (stats) from the program
    return dev
