# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``digitalio`` for MicroPython on a PC: ``DigitalInOut`` on a pin of the NINA emulator's
bridge. Test support only (tests/micropython)."""


class Direction:
    INPUT = "INPUT"
    OUTPUT = "OUTPUT"


class Pull:
    UP = 1
    DOWN = 2


class DriveMode:
    PUSH_PULL = 0
    OPEN_DRAIN = 1


class DigitalInOut:
    def __init__(self, pin):
        from netdev_bridge import nina

        self._pin = pin.code
        self._b = nina()
        self._args = bytearray(3)
        self._direction = Direction.INPUT

    def _call(self, op, *values):
        args = self._args
        args[0] = self._pin
        for i, v in enumerate(values):
            args[1 + i] = v
        return self._b.call(ord(op), memoryview(args)[: 1 + len(values)])

    def switch_to_output(self, value=False, drive_mode=DriveMode.PUSH_PULL):
        self._call("O", 1 if value else 0, drive_mode)
        self._direction = Direction.OUTPUT

    def switch_to_input(self, pull=None):
        self._call("I", pull or 0)
        self._direction = Direction.INPUT

    @property
    def direction(self):
        return self._direction

    @direction.setter
    def direction(self, value):
        if value == Direction.OUTPUT:
            self.switch_to_output()
        else:
            self.switch_to_input()

    @property
    def value(self):
        return self._call("G")[0] == 1

    @value.setter
    def value(self, value):
        self._call("S", 1 if value else 0)

    def deinit(self):
        pass
