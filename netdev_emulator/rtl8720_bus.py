# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The RTL8720DN's two wires as a host driver sees them on a Wio Terminal: the UART the
eRPC link runs on (:class:`EmulatedUART`, like ``busio.UART``) and the chip-enable pin
(:class:`ChipEnablePin`, ``RTL8720D_CHIP_PU``, like ``digitalio.DigitalInOut``).

On the board these are the SAMD51's SERCOM UART to the RTL8720DN UART its eRPC server reads
(seeed-ambd-firmware ``src/erpc/erpc_arduino_uart_transport.cpp`` on the chip's side) and
the PA18 line holding the chip in reset while low. The chip behind them is
:class:`netdev_emulator.rtl8720.RTL8720Emulator`; these objects only carry bytes and the
pin level to it (``chip._from_host``, ``chip._set_enable``).
"""

import threading
import time

try:  # the real digitalio enums when Blinka is there, so `is` comparisons work
    from digitalio import Direction as _Direction
    from digitalio import Pull as _Pull
except Exception:  # noqa: BLE001 - any Blinka start-up problem: use look-alikes

    class _Named:
        def __init__(self, name):
            self.name = name

        def __repr__(self):
            return "digitalio." + self.name

    class _Direction:  # noqa: N801
        INPUT = _Named("Direction.INPUT")
        OUTPUT = _Named("Direction.OUTPUT")

    class _Pull:  # noqa: N801
        UP = _Named("Pull.UP")
        DOWN = _Named("Pull.DOWN")


def _is(value, name):
    return value is not None and repr(value).rsplit(".", 1)[-1] == name


class EmulatedUART:
    """The host side of the link, like ``busio.UART``: ``read(n)`` waits for ``n`` bytes
    until no byte has come for ``timeout`` seconds and returns what came (None if
    nothing), ``write(buf)`` sends and returns the count."""

    def __init__(self, chip, baudrate):
        self._chip = chip
        self._cond = threading.Condition()
        self._buf = bytearray()
        self._timeout = 1.0
        self._baudrate = baudrate
        self._deinited = False
        self.bits = 8
        self.parity = None
        self.stop = 1

    def _check(self):
        if self._deinited:
            raise ValueError("Object has been deinitialized and can no longer be used. "
                             "Create a new object.")

    def _deliver(self, data):
        with self._cond:
            self._buf += data
            self._cond.notify_all()

    def _wait_for(self, ready):
        """Waits until ``ready()`` or ``timeout`` passes without a new byte (the timeout
        restarts on every byte, as CircuitPython's UART does). Holds ``_cond``."""
        if ready():
            return
        timeout = self._timeout
        seen = len(self._buf)
        end = time.monotonic() + timeout
        while not ready():
            left = end - time.monotonic()
            if left <= 0:
                return
            self._cond.wait(left)
            if len(self._buf) != seen:
                seen = len(self._buf)
                end = time.monotonic() + timeout

    def read(self, nbytes=None):
        self._check()
        with self._cond:
            if nbytes is None:
                self._wait_for(lambda: self._buf)
                count = len(self._buf)
            else:
                self._wait_for(lambda: len(self._buf) >= nbytes)
                count = min(nbytes, len(self._buf))
            if count <= 0:
                return None
            data = bytes(self._buf[:count])
            del self._buf[:count]
            return data

    def readinto(self, buf, nbytes=None):
        self._check()
        want = len(buf) if nbytes is None else min(nbytes, len(buf))
        with self._cond:
            self._wait_for(lambda: len(self._buf) >= want)
            count = min(want, len(self._buf))
            if count <= 0:
                return None
            memoryview(buf)[:count] = self._buf[:count]
            del self._buf[:count]
            return count

    def readline(self):
        self._check()
        with self._cond:
            self._wait_for(lambda: b"\n" in self._buf)
            end = self._buf.find(b"\n")
            count = end + 1 if end >= 0 else len(self._buf)
            if count <= 0:
                return None
            data = bytes(self._buf[:count])
            del self._buf[:count]
            return data

    def write(self, buf):
        self._check()
        data = bytes(buf)
        self._chip._from_host(data, self._baudrate)
        return len(data)

    @property
    def in_waiting(self):
        self._check()
        with self._cond:
            return len(self._buf)

    def reset_input_buffer(self):
        self._check()
        with self._cond:
            self._buf.clear()

    @property
    def timeout(self):
        return self._timeout

    @timeout.setter
    def timeout(self, value):
        if value < 0:
            raise ValueError("timeout must be >= 0")
        self._timeout = float(value)

    @property
    def baudrate(self):
        return self._baudrate

    @baudrate.setter
    def baudrate(self, value):
        self._check()
        self._baudrate = int(value)

    def deinit(self):
        self._deinited = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.deinit()


class ChipEnablePin:
    """``RTL8720D_CHIP_PU`` (PA18), like ``digitalio.DigitalInOut``: driven low it holds
    the chip in reset; released or high, the chip boots and runs. Making it an output
    drives it low first, as ``digitalio`` does. An input with no pull reads the line's
    pull-up (the model assumes one: the chip runs while the pin is not driven)."""

    def __init__(self, chip):
        self._chip = chip
        self._direction = _Direction.INPUT
        self._value = False
        self._pull = None
        self.drive_mode = None

    def _level(self):
        if _is(self._direction, "OUTPUT"):
            return self._value
        return not _is(self._pull, "DOWN")

    @property
    def direction(self):
        return self._direction

    @direction.setter
    def direction(self, value):
        if _is(value, "OUTPUT"):
            self._direction = _Direction.OUTPUT
            self._value = False
        elif _is(value, "INPUT"):
            self._direction = _Direction.INPUT
            self._pull = None
        else:
            raise AttributeError("Not a Direction")
        self._chip._set_enable(self._level())

    @property
    def value(self):
        return self._level()

    @value.setter
    def value(self, value):
        if not _is(self._direction, "OUTPUT"):
            raise AttributeError("Not an output")
        self._value = bool(value)
        self._chip._set_enable(self._level())

    @property
    def pull(self):
        if _is(self._direction, "OUTPUT"):
            raise AttributeError("Not an input")
        return self._pull

    @pull.setter
    def pull(self, value):
        if _is(self._direction, "OUTPUT"):
            raise AttributeError("Not an input")
        self._pull = value
        self._chip._set_enable(self._level())

    def switch_to_output(self, value=False, drive_mode=None):
        self._direction = _Direction.OUTPUT
        self._value = bool(value)
        self.drive_mode = drive_mode
        self._chip._set_enable(self._level())

    def switch_to_input(self, pull=None):
        self._direction = _Direction.INPUT
        self._pull = pull
        self._chip._set_enable(self._level())

    def deinit(self):
        self.switch_to_input()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.deinit()


__all__ = ["ChipEnablePin", "EmulatedUART"]
