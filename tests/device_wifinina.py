# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The WiFiNINA driver in the contract suite, on an emulated NINA co-processor of each
firmware persona the suites cover (netdev_emulator.rig.NINA_PERSONAS)."""

import contextlib

from netdev_emulator import rig
from tests.devices import register

PERSONAS = rig.NINA_PERSONAS


@contextlib.contextmanager
def wifinina_on(world, persona, join=True, wrap_spi=None, timing=None):
    """``(nina, dev)``: a NinaEmulator of ``persona`` (a name or a ``Persona``) in ``world``
    with the driver on its bus (:func:`netdev_emulator.rig.joined`), joined to "lab-ap" when
    ``join``; everything closed afterwards. ``wrap_spi(spi)`` may return a pass-through
    around the emulator's bus (for tracing); ``timing``: the emulator's
    :class:`~netdev_emulator.nina.NinaTiming`."""
    options = {"join": join, "wrap_bus": wrap_spi, "timing": timing}
    if isinstance(persona, str):
        device = "wifinina-" + persona
    else:  # a Persona object: a variant of one of the emulator's
        device, options["persona"] = "wifinina", persona
    with rig.joined(device, world, **options) as (dev, nina):
        yield nina, dev


def _factory(persona):
    @contextlib.contextmanager
    def make(lab):
        with wifinina_on(lab.network(), persona) as (_nina, dev):
            yield dev, dev

    return make


for _persona in PERSONAS:
    register("wifinina-" + _persona)(_factory(_persona))
