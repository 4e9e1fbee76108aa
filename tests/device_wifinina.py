# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The WiFiNINA driver in the contract suite, on an emulated NINA co-processor of each
firmware persona (Arduino 2.0, Adafruit 1.7.x, Adafruit 3.3)."""

import contextlib

from adafruit_netdev.netlink import ConnectParams
from tests.devices import register

PERSONAS = ("arduino-2.0", "adafruit-1.7", "adafruit-3.3")


@contextlib.contextmanager
def wifinina_on(world, persona, join=True, wrap_spi=None, timing=None):
    """``(nina, dev)``: a NinaEmulator of ``persona`` in ``world`` with the driver on its bus,
    joined to "lab-ap" when ``join``; everything closed afterwards. ``wrap_spi(spi)`` may
    return a pass-through around the emulator's bus (for tracing); ``timing``: the
    emulator's :class:`~netdev_emulator.nina.NinaTiming`."""
    from adafruit_netdev_wifinina import WiFiNINA
    from netdev_emulator import NinaEmulator

    nina = NinaEmulator(world, persona=persona, timing=timing)
    try:
        spi = nina.spi if wrap_spi is None else wrap_spi(nina.spi)
        dev = WiFiNINA(spi, nina.cs, nina.ready, nina.reset, nina.gpio0)
        if join:
            dev.net_connect(ConnectParams(ssid="lab-ap", passphrase="lab-password", retries=3))
        try:
            yield nina, dev
        finally:
            for fd in dev.open_fds():
                dev.close(fd)
            dev.net_disconnect()
    finally:
        close = getattr(nina, "close", None)
        if close is not None:
            close()


def _factory(persona):
    @contextlib.contextmanager
    def make(lab):
        with wifinina_on(lab.network(), persona) as (_nina, dev):
            yield dev, dev

    return make


for _persona in PERSONAS:
    register("wifinina-" + _persona)(_factory(_persona))
