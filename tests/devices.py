# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The netdevs the contract suite runs against.

A netdev joins the suite by one registration in a ``tests/device_<name>.py`` module::

    @register("wifinina-arduino-2.0")
    @contextlib.contextmanager
    def make(lab):
        ...build the netdev against lab.network()...
        yield link, dev          # link already joined to "lab-ap"; closed afterwards

``lab`` is the session's :class:`netdev_emulator.Lab`.
"""

import importlib
import pathlib

DEVICES = {}


def register(name):
    def wrap(factory):
        DEVICES[name] = factory
        return factory

    return wrap


def load():
    """Import every ``tests/device_*.py`` so their registrations run; returns DEVICES."""
    for path in sorted(pathlib.Path(__file__).parent.glob("device_*.py")):
        importlib.import_module("tests." + path.stem)
    return DEVICES
