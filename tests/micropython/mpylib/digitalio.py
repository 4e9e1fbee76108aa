# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``digitalio`` for MicroPython on a PC: ``DigitalInOut`` on a pin of the NINA emulator's
bridge. Test support only (tests/micropython). A board's ``digitalio`` is built into the
firmware and costs no heap, so this keeps only what the drivers and adafruit_bus_device use:
``switch_to_output``, ``switch_to_input`` and ``value``."""


class DigitalInOut:
    def __init__(self, pin):
        from netdev_bridge import nina

        self._pin = pin.code
        self._b = nina()
        self._args = bytearray(3)

    def _call(self, op, a=-1, b=-1):
        args = self._args
        args[0] = self._pin
        n = 1
        if a >= 0:
            args[1] = a
            n = 2
        if b >= 0:
            args[2] = b
            n = 3
        return self._b.call(op, memoryview(args)[:n])

    def switch_to_output(self, value=False, drive_mode=0):
        self._call(79, 1 if value else 0, drive_mode)  # "O"

    def switch_to_input(self, pull=None):
        self._call(73, pull or 0)  # "I"

    @property
    def value(self):
        return self._call(71)[0] == 1  # "G"

    @value.setter
    def value(self, value):
        self._call(83, 1 if value else 0)  # "S"

    def deinit(self):
        pass
