# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The netdevs under test: each driver on its emulated co-processor (persona by persona), and
the host's own sockets as the reference, joined to the bench's access point.

:func:`build` wraps :func:`netdev_emulator.rig.build`, the one place a driver is built on its
emulator."""

import contextlib

from tools.bench.ceilings import SPI_BITS_PER_BYTE, UART_BITS_PER_BYTE
from tools.bench.settings import AP, DEVICES, DNS_NAME, TLS_NAME


class Netdev:
    """One netdev under test: ``dev`` (the Netdever), ``stats`` (the emulator's BusStats,
    None for the host), ``kind`` (``"nina"``, ``"rtl"``, None for the host), ``clock`` (the
    bus clock the run used: SPI Hz or UART baud) and ``rate`` (raw link bytes a second)."""

    def __init__(self, name, dev, chip):
        self.name = name
        self.dev = dev
        self.stats = chip.stats if chip is not None else None
        self.kind = None if chip is None else ("rtl" if name == "rtl8720dn" else "nina")
        self.clock = self.rate = None
        if self.kind == "nina":
            self.clock = chip.spi.frequency
            self.rate = self.clock // SPI_BITS_PER_BYTE
        elif self.kind == "rtl":
            self.clock = chip.uart.baudrate
            self.rate = self.clock // UART_BITS_PER_BYTE

    def snapshot(self):
        return self.stats.snapshot() if self.stats is not None else None


def _world(cafile):
    from netdev_emulator import Network

    return Network(
        access_points={AP[0]: AP[1]},
        hosts={DNS_NAME: "127.0.0.1", TLS_NAME: "127.0.0.1"},
        cafile=cafile,
        resolve_host_names=False,
    )


def build(name, cafile, gpio0=True, wrap_bus=None):
    """``(dev, chip)``: the netdev ``name`` (one of ``DEVICES``), not yet joined; ``chip`` is
    its emulated co-processor (None for the host): :func:`netdev_emulator.rig.build` in the
    bench's world. ``gpio0`` False leaves NINA's GPIO0 unwired (boards without ESP_GPIO0);
    ``wrap_bus(bus)`` stands between the driver and the emulator's SPI or UART."""
    from netdev_emulator import rig

    _known(name)
    return rig.build(name, _world(cafile), gpio0=gpio0, wrap_bus=wrap_bus)


@contextlib.contextmanager
def netdev(name, cafile, gpio0=True, wrap_bus=None):
    """:func:`build` ``name``, joined to the bench access point; yields a :class:`Netdev`
    and closes everything afterwards."""
    from netdev_emulator import rig

    _known(name)
    options = {"gpio0": gpio0, "wrap_bus": wrap_bus}
    with rig.joined(name, _world(cafile), ssid=AP[0], passphrase=AP[1], **options) as (dev, chip):
        yield Netdev(name, dev, chip)


def _known(name):
    if name not in DEVICES:
        raise ValueError("unknown netdev %r: choose from %s" % (name, ", ".join(DEVICES)))
