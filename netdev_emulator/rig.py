# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""A driver on its virtual co-processor: the one place a netdev is built on an emulator (the
tests, ``make demo``, ``make bench``, ``make soak`` and ``python -m netdev_emulator run`` all
build theirs here). CPython only; the firmware models never import this module (nor any
driver): it is the glue between the two.

::

    from netdev_emulator import Network
    from netdev_emulator.rig import build, joined

    world = Network(access_points={"my-ap": "my-password"})
    dev, chip = build("wifinina-arduino-2.0", world)    # not joined yet; chip.close() after

    with joined("rtl8720dn", world, ssid="my-ap", passphrase="my-password") as (dev, chip):
        print(dev.addr())                                # joined; closed at the end

Device names: ``wifinina-<persona>`` (any NINA-FW persona of the emulator, e.g.
``wifinina-adafruit-3.3``; ``wifinina`` alone is :data:`NINA_PERSONAS`'s first),
``rtl8720dn`` (the ambd firmware :data:`RTL_FIRMWARE`; ``rtl8720dn-<version>`` another),
and ``host`` (this computer's own sockets, the reference every driver is tested against).
"""

import contextlib
import pathlib

from netdev_emulator.nina_personas import PERSONAS
from netdev_emulator.rtl8720_firmware import DEFAULT_FIRMWARE

# The personas every suite covers: one of each NINA-FW line that boards ship with (Arduino's
# 2.x, Adafruit's 1.7.x on older AirLifts, Adafruit's 3.x). The emulator has more
# (PERSONAS: arduino-1.5, adafruit-2.0) for the tests of those lines' differences.
NINA_PERSONAS = ("arduino-2.0", "adafruit-1.7", "adafruit-3.3")
RTL_FIRMWARE = DEFAULT_FIRMWARE  # the Wio Terminal's ambd firmware the suites run (its latest)
# The virtual co-processors the suites run on, in the order they report them.
DEVICES = tuple("wifinina-" + persona for persona in NINA_PERSONAS) + ("rtl8720dn",)
# The lab's access point (netdev_emulator.lab.Lab.network()).
LAB_AP = ("lab-ap", "lab-password")
JOIN_RETRIES = 3

assert all(persona in PERSONAS for persona in NINA_PERSONAS)


def chip_of(device):
    """``"nina"``, ``"rtl"`` or ``"host"`` for a device name; ValueError names the choices."""
    if device == "host":
        return "host"
    if device == "wifinina" or device.startswith("wifinina-"):
        return "nina"
    if device == "rtl8720dn" or device.startswith("rtl8720dn-"):
        return "rtl"
    raise ValueError(
        "unknown device %r: choose host, wifinina-<persona> (%s) or rtl8720dn[-<firmware>]"
        % (device, ", ".join(sorted(PERSONAS)))
    )


def build(device, world, *, cafile=None, gpio0=True, wrap_bus=None, timing=None, persona=None):
    """``(dev, chip)``: the driver for ``device`` on its virtual co-processor in ``world``
    (a :class:`netdev_emulator.Network`), not yet joined; ``chip`` is the emulator
    (``NinaEmulator``/``RTL8720Emulator``; None for ``host``), to close when done.

    :param str cafile: the PEM the netdev trusts for TLS (default ``world.cafile``): the
        RTL8720DN's ``root_ca`` (its firmware has no store of its own), the host's CA file;
        a NINA co-processor trusts its world's store
    :param bool gpio0: False leaves NINA's GPIO0 unwired (boards without ``ESP_GPIO0``)
    :param wrap_bus: ``wrap_bus(bus)`` stands between the driver and the emulator's SPI or
        UART (tracing, fault injection); default: nothing does
    :param timing: the emulator's timing (``NinaTiming``/``RTL8720Timing``; default its own)
    :param persona: a NINA ``Persona`` object (a variant of one, for a test) in place of the
        one ``device`` names
    """
    kind = chip_of(device)
    cafile = cafile or world.cafile
    wrap = wrap_bus or (lambda bus: bus)
    if kind == "host":
        from adafruit_netdev.host import HostNetdev  # noqa: PLC0415

        return HostNetdev(cafile=cafile, hosts=world.hosts, any_address="127.0.0.1"), None
    if kind == "nina":
        from adafruit_netdev_wifinina import WiFiNINA  # noqa: PLC0415
        from netdev_emulator.nina import NinaEmulator  # noqa: PLC0415

        persona = persona or device[len("wifinina-") :] or NINA_PERSONAS[0]
        chip = NinaEmulator(world, persona=persona, timing=timing)
        with _closed_on_error(chip):
            gpio = chip.gpio0 if gpio0 else None
            return WiFiNINA(wrap(chip.spi), chip.cs, chip.ready, chip.reset, gpio), chip
    from adafruit_netdev_rtl8720dn import RTL8720DN  # noqa: PLC0415
    from netdev_emulator.rtl8720 import RTL8720Emulator  # noqa: PLC0415

    firmware = device[len("rtl8720dn-") :] or RTL_FIRMWARE
    options = {} if timing is None else {"timing": timing}
    chip = RTL8720Emulator(world, firmware=firmware, **options)
    with _closed_on_error(chip):
        dev = RTL8720DN(wrap(chip.uart), chip.enable)
        if cafile:
            dev.root_ca = pathlib.Path(cafile).read_text()  # the firmware verifies only with one
        return dev, chip


@contextlib.contextmanager
def _closed_on_error(chip):
    try:
        yield
    except BaseException:
        chip.close()
        raise


@contextlib.contextmanager
def joined(device, world, *, ssid=LAB_AP[0], passphrase=LAB_AP[1], join=True, **options):
    """:func:`build` ``device`` (``options`` are its keywords), join ``ssid`` when ``join``,
    and yield ``(dev, chip)``; afterwards every socket still open is closed, the netdev
    leaves the network and the emulator stops."""
    from adafruit_netdev.netlink import ConnectParams  # noqa: PLC0415

    dev, chip = build(device, world, **options)
    try:
        if join:
            dev.net_connect(ConnectParams(ssid=ssid, passphrase=passphrase, retries=JOIN_RETRIES))
        try:
            yield dev, chip
        finally:
            close_netdev(dev)
    finally:
        if chip is not None:
            chip.close()


def close_netdev(dev):
    """Close every socket ``dev`` still has open and leave the network."""
    for fd in dev.open_fds():
        dev.close(fd)
    dev.net_disconnect()
