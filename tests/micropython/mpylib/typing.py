# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Names for the Adafruit libraries' ``from typing import ...`` under MicroPython (they import
typing when ``sys.implementation.name`` is not ``"circuitpython"``; annotations are never
evaluated). Test support only (tests/micropython)."""

Any = Callable = Dict = IO = Iterable = List = Literal = Optional = Protocol = Tuple = Type = Union = object


def __getattr__(name):
    return object
