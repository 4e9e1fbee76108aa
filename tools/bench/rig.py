# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The netdevs under test: each driver on its emulated co-processor (persona by persona), and
the host's own sockets as the reference, joined to the bench's access point.

:func:`build` is the one place the bench builds a driver on its emulator."""

import contextlib
import pathlib

from tools.bench.ceilings import SPI_BITS_PER_BYTE, UART_BITS_PER_BYTE
from tools.bench.settings import AP, DEVICES, DNS_NAME, TLS_NAME

RTL_FIRMWARE = "2.1.3"
JOIN_RETRIES = 3


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
    its emulated co-processor (None for the host). ``gpio0`` False leaves NINA's GPIO0
    unwired (boards without ESP_GPIO0); ``wrap_bus(bus)`` stands between the driver and the
    emulator's SPI or UART."""
    wrap = wrap_bus or (lambda bus: bus)
    if name == "host":
        from adafruit_netdev.host import HostNetdev

        hosts = {DNS_NAME: "127.0.0.1", TLS_NAME: "127.0.0.1"}
        return HostNetdev(cafile=cafile, hosts=hosts, any_address="127.0.0.1"), None
    if name.startswith("wifinina-"):
        from adafruit_netdev_wifinina import WiFiNINA
        from netdev_emulator import NinaEmulator

        chip = NinaEmulator(_world(cafile), persona=name[len("wifinina-") :])
        with _closed_on_error(chip):
            return WiFiNINA(
                wrap(chip.spi), chip.cs, chip.ready, chip.reset, chip.gpio0 if gpio0 else None
            ), chip
    if name == "rtl8720dn":
        from adafruit_netdev_rtl8720dn import RTL8720DN
        from netdev_emulator import RTL8720Emulator

        chip = RTL8720Emulator(_world(cafile), firmware=RTL_FIRMWARE)
        with _closed_on_error(chip):
            dev = RTL8720DN(wrap(chip.uart), chip.enable)
            dev.root_ca = pathlib.Path(cafile).read_text()  # the firmware verifies only with one
            return dev, chip
    raise ValueError("unknown netdev %r: choose from %s" % (name, ", ".join(DEVICES)))


@contextlib.contextmanager
def _closed_on_error(chip):
    try:
        yield
    except BaseException:
        chip.close()
        raise


@contextlib.contextmanager
def netdev(name, cafile, gpio0=True, wrap_bus=None):
    """:func:`build` ``name``, joined to the bench access point; yields a :class:`Netdev`
    and closes everything afterwards."""
    from adafruit_netdev.netlink import ConnectParams

    dev, chip = build(name, cafile, gpio0, wrap_bus)
    try:
        dev.net_connect(ConnectParams(ssid=AP[0], passphrase=AP[1], retries=JOIN_RETRIES))
        try:
            yield Netdev(name, dev, chip)
        finally:
            _close_all(dev)
    finally:
        if chip is not None:
            chip.close()


def _close_all(dev):
    for fd in dev.open_fds():
        dev.close(fd)
    with contextlib.suppress(OSError):
        dev.net_disconnect()
