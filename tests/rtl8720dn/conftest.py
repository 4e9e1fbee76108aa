# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Fixtures for the RTL8720DN driver tests: the driver on the emulator (a faithful model of
the ambd firmware serving real sockets), optionally behind the UART fault injector."""

import contextlib
import pathlib

import pytest

from adafruit_netdev.netlink import ConnectParams
from adafruit_netdev_rtl8720dn import RTL8720DN
from tests.rtl8720dn.faults import FaultyUART, ResettablePin

LAB_AP = ConnectParams(ssid="lab-ap", passphrase="lab-password")


@contextlib.contextmanager
def radio(world, *, cafile=None, firmware="2.1.3", faulty=False, enable=True, join=True):
    """``(emulator, driver, uart)``: the driver built on the emulator's UART (behind a
    :class:`FaultyUART` when ``faulty``), with or without the enable pin, joined to lab-ap."""
    from netdev_emulator import RTL8720Emulator

    rtl = RTL8720Emulator(world, firmware=firmware)
    uart = FaultyUART(rtl.uart) if faulty else rtl.uart
    pin = None
    if enable:
        pin = ResettablePin(rtl.enable, uart) if faulty else rtl.enable
    dev = None
    try:
        dev = RTL8720DN(uart, pin)
        if cafile:
            dev.root_ca = pathlib.Path(cafile).read_text()
        if join:
            dev.net_connect(LAB_AP)
        yield rtl, dev, uart
    finally:
        if dev is not None:
            dev.net_notify(None)
            try:
                dev.net_disconnect()
            except OSError:
                pass
            for fd in dev.open_fds():
                dev.close(fd)
        close = getattr(rtl, "close", None)
        if close is not None:
            close()


@pytest.fixture
def world(lab):
    return lab.network()
