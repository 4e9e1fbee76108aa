# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The host's side of the NINA emulator's wires: ``digitalio.DigitalInOut`` look-alikes for CS,
READY, RESET and GPIO0 (:class:`NinaPin`) and a ``busio.SPI`` look-alike (:class:`NinaSPI`),
with the errors CircuitPython raises. They only forward levels and transfers to the
:class:`~netdev_emulator.nina.NinaEmulator`, which models the chip behind them.
"""

import threading

_get_ident = threading.get_ident


class _Enum:
    """A digitalio enum value; equal to any object whose name ends the same way, so the
    pins accept Blinka's or CircuitPython's ``Direction.OUTPUT`` as well as these."""

    def __init__(self, kind, name):
        self.kind = kind
        self.name = name

    def __eq__(self, other):
        return _enum_name(other) == self.name

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return "digitalio.%s.%s" % (self.kind, self.name)


def _enum_name(value):
    if value is None:
        return None
    if isinstance(value, _Enum):
        return value.name
    return str(value).rsplit(".", 1)[-1]


class Direction:
    INPUT = _Enum("Direction", "INPUT")
    OUTPUT = _Enum("Direction", "OUTPUT")


class Pull:
    UP = _Enum("Pull", "UP")
    DOWN = _Enum("Pull", "DOWN")


class DriveMode:
    PUSH_PULL = _Enum("DriveMode", "PUSH_PULL")
    OPEN_DRAIN = _Enum("DriveMode", "OPEN_DRAIN")


class NinaPin:
    """One host GPIO wired to the chip (``digitalio.DigitalInOut`` look-alike).

    ``value`` read as an input gives the line level: what the chip drives (READY, GPIO0
    after boot) or the pull-up on the chip side (CS, RESET, GPIO0 during boot)."""

    def __init__(self, emulator, name):
        self._emu = emulator
        self.name = name
        self._output = False
        self._latch = False
        self._pull = None
        self._drive_mode = DriveMode.PUSH_PULL
        self._deinited = False

    def _check(self):
        if self._deinited:
            raise ValueError("Object has been deinitialized and can no longer be used.")

    @property
    def direction(self):
        self._check()
        return Direction.OUTPUT if self._output else Direction.INPUT

    @direction.setter
    def direction(self, value):
        self._check()
        if _enum_name(value) == "OUTPUT":
            self.switch_to_output()
        else:
            self.switch_to_input()

    @property
    def value(self):
        self._check()
        if self._output:
            return self._latch
        return self._emu._line(self.name, self._pull)

    @value.setter
    def value(self, value):
        self._check()
        if not self._output:
            raise AttributeError("Cannot set value when direction is input.")
        self._latch = bool(value)
        self._emu._host_drove(self.name)

    @property
    def pull(self):
        self._check()
        if self._output:
            raise AttributeError("Pull not used when direction is output.")
        return self._pull

    @pull.setter
    def pull(self, value):
        self._check()
        if self._output:
            raise AttributeError("Pull not used when direction is output.")
        self._pull = None if value is None else (Pull.UP if _enum_name(value) == "UP" else Pull.DOWN)
        self._emu._host_drove(self.name)

    @property
    def drive_mode(self):
        self._check()
        if not self._output:
            raise AttributeError("Drive mode not used when direction is input.")
        return self._drive_mode

    @drive_mode.setter
    def drive_mode(self, value):
        self._check()
        if not self._output:
            raise AttributeError("Drive mode not used when direction is input.")
        name = _enum_name(value)
        self._drive_mode = DriveMode.OPEN_DRAIN if name == "OPEN_DRAIN" else DriveMode.PUSH_PULL
        self._emu._host_drove(self.name)

    def switch_to_output(self, value=False, drive_mode=DriveMode.PUSH_PULL):
        self._check()
        self._output = True
        self._latch = bool(value)
        name = _enum_name(drive_mode)
        self._drive_mode = DriveMode.OPEN_DRAIN if name == "OPEN_DRAIN" else DriveMode.PUSH_PULL
        self._emu._host_drove(self.name)

    def switch_to_input(self, pull=None):
        self._check()
        self._output = False
        self._pull = None if pull is None else (Pull.UP if _enum_name(pull) == "UP" else Pull.DOWN)
        self._emu._host_drove(self.name)

    def _drives(self):
        """The level the host forces on the line, or None when it does not drive it."""
        if not self._output or self._deinited:
            return None
        if self._drive_mode == DriveMode.OPEN_DRAIN and self._latch:
            return None
        return self._latch

    def deinit(self):
        self._deinited = True
        self._emu._host_drove(self.name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.deinit()

    def __repr__(self):
        return "<NinaPin %s>" % self.name


class NinaSPI:
    """The SPI bus to the chip (``busio.SPI`` look-alike). Like CircuitPython, every call
    but ``try_lock`` needs the lock (``RuntimeError: Function requires lock``)."""

    def __init__(self, emulator):
        self._emu = emulator
        self._guard = threading.Lock()
        self._locked = False
        self._owner = None
        self._deinited = False
        self._baudrate = None
        self._mode_ok = True
        self.polarity = 0
        self.phase = 0
        self.bits = 8

    def _check(self):
        if self._deinited:
            raise ValueError("Object has been deinitialized and can no longer be used.")
        if not self._locked:
            raise RuntimeError("Function requires lock")

    def try_lock(self):
        if self._deinited:
            raise ValueError("Object has been deinitialized and can no longer be used.")
        with self._guard:
            if self._locked:
                return False
            self._locked = True
            self._owner = _get_ident()
            return True

    def unlock(self):
        with self._guard:
            self._locked = False
            self._owner = None

    def configure(self, *, baudrate=100000, polarity=0, phase=0, bits=8):
        self._check()
        self._baudrate = int(baudrate)
        self.polarity = polarity
        self.phase = phase
        self.bits = bits
        # the ESP32 slave runs mode 0, 8-bit words: anything else garbles every byte
        self._mode_ok = polarity == 0 and phase == 0 and bits == 8

    @property
    def frequency(self):
        return self._baudrate if self._baudrate is not None else 100000

    def write(self, buffer, start=0, end=None):
        self._check()
        end = len(buffer) if end is None else end
        if end > start:
            self._emu._clock(memoryview(buffer)[start:end], end - start, 0, None)

    def readinto(self, buffer, start=0, end=None, write_value=0):
        self._check()
        end = len(buffer) if end is None else end
        if end > start:
            self._emu._clock(None, end - start, write_value, memoryview(buffer)[start:end])

    def write_readinto(  # noqa: PLR0917 (busio's signature)
        self, buffer_out, buffer_in, out_start=0, out_end=None, in_start=0, in_end=None
    ):
        self._check()
        out_end = len(buffer_out) if out_end is None else out_end
        in_end = len(buffer_in) if in_end is None else in_end
        if out_end - out_start != in_end - in_start:
            raise ValueError("buffer slices must be of equal length")
        if out_end > out_start:
            self._emu._clock(
                memoryview(buffer_out)[out_start:out_end],
                out_end - out_start,
                0,
                memoryview(buffer_in)[in_start:in_end],
            )

    def deinit(self):
        self._deinited = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.deinit()
