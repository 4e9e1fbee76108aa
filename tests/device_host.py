# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The host netdev (CPython sockets) in the contract suite: the reference every driver meets."""

import contextlib

from adafruit_netdev.host import HostNetdev
from adafruit_netdev.netlink import ConnectParams
from tests.devices import register


@register("host")
@contextlib.contextmanager
def make(lab):
    world = lab.network()
    dev = HostNetdev(cafile=lab.cafile, hosts=world.hosts, any_address="127.0.0.1")
    dev.net_connect(ConnectParams(ssid="lab-ap", passphrase="lab-password"))
    try:
        yield dev, dev
    finally:
        dev.net_disconnect()
        for fd in dev.open_fds():
            dev.close(fd)
