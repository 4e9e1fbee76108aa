# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The ``gpiod`` module (libgpiod 2.x's Python bindings) of a :class:`VirtualPi`.

Blinka 10 drives every Raspberry Pi's header pins through ``gpiod`` (its
``raspberry_pi_pin`` and ``libgpiod_pin_2_x`` modules), and ``gpiod`` talks to the kernel's
GPIO character devices (``/dev/gpiochipN``). :meth:`VirtualPi.install` puts this module in
``sys.modules["gpiod"]``: the same classes, methods and errors as the real bindings
(``Chip``, ``Chip.get_info``, ``Chip.get_line_info``, ``Chip.request_lines``, ``LineRequest``
with ``get_value``/``set_value``/``reconfigure_lines``/``release``, ``LineSettings``, and the
``gpiod.line`` enums), served by the virtual Pi's lines instead of a kernel.

What the kernel does and this keeps: a line is held by one request at a time, and a line the
kernel itself holds (the SPI driver's chip selects) cannot be requested: ``OSError(EBUSY)``;
writing an input is ``OSError(EPERM)``; a released request or closed chip raises
``RequestReleasedError``/``ChipClosedError``. Edge events are not modelled.
"""

import datetime
import enum
import errno
import os
import types
from dataclasses import dataclass, field

__version__ = "2.2.2+netdev.emulator"  # the bindings' API this follows (Blinka wants >=2.2.2,<3)
api_version = "2.2"

_PI = None  # the installed VirtualPi


def _pi():
    if _PI is None:
        raise RuntimeError("no VirtualPi is installed: netdev_emulator.raspberrypi.VirtualPi(...).install()")
    return _PI


# -- gpiod.line -----------------------------------------------------------------------------


class Value(enum.Enum):
    INACTIVE = 0
    ACTIVE = 1

    def __bool__(self):
        return self is Value.ACTIVE


class Direction(enum.Enum):
    AS_IS = 1
    INPUT = 2
    OUTPUT = 3


class Bias(enum.Enum):
    AS_IS = 1
    UNKNOWN = 2
    DISABLED = 3
    PULL_UP = 4
    PULL_DOWN = 5


class Drive(enum.Enum):
    PUSH_PULL = 1
    OPEN_DRAIN = 2
    OPEN_SOURCE = 3


class Edge(enum.Enum):
    NONE = 1
    RISING = 2
    FALLING = 3
    BOTH = 4


class Clock(enum.Enum):
    MONOTONIC = 1
    REALTIME = 2
    HTE = 3


line = types.ModuleType("gpiod.line")
line.__doc__ = "The enums of libgpiod's line settings."
for _enum in (Value, Direction, Bias, Drive, Edge, Clock):
    setattr(line, _enum.__name__, _enum)


# -- settings and infos ---------------------------------------------------------------------


@dataclass(repr=False)
class LineSettings:
    direction: Direction = Direction.AS_IS
    edge_detection: Edge = Edge.NONE
    bias: Bias = Bias.AS_IS
    drive: Drive = Drive.PUSH_PULL
    active_low: bool = False
    debounce_period: datetime.timedelta = field(default_factory=datetime.timedelta)
    event_clock: Clock = Clock.MONOTONIC
    output_value: Value = Value.INACTIVE

    def __repr__(self):
        return "gpiod.LineSettings(direction=%s, bias=%s, drive=%s, active_low=%s, output_value=%s)" % (
            self.direction, self.bias, self.drive, self.active_low, self.output_value)


@dataclass(frozen=True, repr=False)
class ChipInfo:
    name: str
    label: str
    num_lines: int

    def __repr__(self):
        return "gpiod.ChipInfo(name=%r, label=%r, num_lines=%d)" % (self.name, self.label, self.num_lines)


@dataclass(frozen=True, repr=False)
class LineInfo:
    offset: int
    name: str
    used: bool
    consumer: str
    direction: Direction
    active_low: bool
    bias: Bias
    drive: Drive
    edge_detection: Edge = Edge.NONE
    event_clock: Clock = Clock.MONOTONIC
    debounced: bool = False
    debounce_period: datetime.timedelta = field(default_factory=datetime.timedelta)

    def __repr__(self):
        return "gpiod.LineInfo(offset=%d, name=%r, used=%s, consumer=%r, direction=%s, bias=%s)" % (
            self.offset, self.name, self.used, self.consumer, self.direction, self.bias)


class ChipClosedError(Exception):
    def __init__(self):
        super().__init__("I/O operation on closed chip")


class RequestReleasedError(Exception):
    def __init__(self):
        super().__init__("GPIO lines have been released")


def is_gpiochip_device(path):
    return _pi().gpiochip(path) is not None


# -- chips and requests ---------------------------------------------------------------------


class Chip:
    """A GPIO chip of the virtual Pi, opened by its path (``/dev/gpiochip0``)."""

    def __init__(self, path):
        pi = _pi()
        found = pi.gpiochip(path)
        if found is None:
            if pi.node(path) is None:
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))
            raise OSError(errno.ENODEV, "not a GPIO character device", str(path))
        self._model = found
        self._path = str(path)
        self._open = True

    def _check(self):
        if not self._open:
            raise ChipClosedError()

    @property
    def path(self):
        self._check()
        return self._path

    def close(self):
        self._check()
        self._open = False

    def __enter__(self):
        self._check()
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        if not self._open:
            return "<Chip MISSING>"
        return 'gpiod.Chip("%s")' % self._path

    def get_info(self):
        self._check()
        return ChipInfo(self._model.name, self._model.label, len(self._model.lines))

    def line_offset_from_id(self, id):  # noqa: A002 - the bindings' name
        self._check()
        if isinstance(id, int):
            return id
        for pl in self._model.lines:
            if pl.name == id:
                return pl.offset
        raise FileNotFoundError(errno.ENOENT, "no line named %r on %s" % (id, self._model.name))

    def get_line_info(self, line):
        self._check()
        pl = self._model.line(self.line_offset_from_id(line))
        return LineInfo(
            offset=pl.offset,
            name=pl.name,
            used=pl.holder is not None,
            consumer=pl.consumer or "",
            direction=Direction.OUTPUT if pl.output else Direction.INPUT,
            active_low=pl.active_low,
            bias={"pull-up": Bias.PULL_UP, "pull-down": Bias.PULL_DOWN}.get(pl.bias, Bias.DISABLED),
            drive=Drive.OPEN_DRAIN if pl.open_drain else Drive.PUSH_PULL,
        )

    def request_lines(self, config, consumer=None, event_buffer_size=None, output_values=None):
        del event_buffer_size  # no edge events
        self._check()
        settings = self._settings(config)
        if output_values:
            for key, value in output_values.items():
                offset = self.line_offset_from_id(key)
                if offset in settings:
                    settings[offset] = _replace_output(settings[offset], value)
        return LineRequest(self, self._model, settings, consumer or "?")

    def _settings(self, config):
        out = {}
        for key, value in config.items():
            keys = key if isinstance(key, (tuple, list, frozenset, set)) else (key,)
            for item in keys:
                offset = self.line_offset_from_id(item)
                if offset in out:
                    raise ValueError("line %r is requested twice" % (item,))
                out[offset] = value if value is not None else LineSettings()
        if not out:
            raise ValueError("no lines to request")
        return out


def _replace_output(settings, value):
    copy = LineSettings(**{f: getattr(settings, f) for f in settings.__dataclass_fields__})
    copy.output_value = value
    return copy


class LineRequest:
    """Lines held by this process, as ``Chip.request_lines`` returns them."""

    def __init__(self, chip, model, settings, consumer):
        self._model = model
        self._consumer = consumer
        self._offsets = sorted(settings)
        self.chip_name = model.name
        model.request(self, self._offsets, consumer, settings)
        self._live = True

    def _check(self):
        if not self._live:
            raise RequestReleasedError()

    @property
    def offsets(self):
        self._check()
        return list(self._offsets)

    @property
    def lines(self):
        self._check()
        return [self._model.line(o).name or o for o in self._offsets]

    @property
    def num_lines(self):
        self._check()
        return len(self._offsets)

    @property
    def consumer(self):
        self._check()
        return self._consumer

    def _offset(self, line_id):
        offset = line_id
        if not isinstance(line_id, int):
            offset = next((o for o in self._offsets if self._model.line(o).name == line_id), None)
        if offset not in self._offsets:
            raise ValueError("line %r is not part of this request" % (line_id,))
        return offset

    def get_value(self, line):
        self._check()
        return Value.ACTIVE if self._model.get(self._offset(line)) else Value.INACTIVE

    def get_values(self, lines=None):
        self._check()
        return [self.get_value(x) for x in (self._offsets if lines is None else lines)]

    def set_value(self, line, value):
        self._check()
        self._model.set(self._offset(line), _as_value(value) is Value.ACTIVE)

    def set_values(self, values):
        self._check()
        for key, value in values.items():
            self.set_value(key, value)

    def reconfigure_lines(self, config):
        self._check()
        settings = {}
        for key, value in config.items():
            keys = key if isinstance(key, (tuple, list, frozenset, set)) else (key,)
            for item in keys:
                settings[self._offset(item)] = value if value is not None else LineSettings()
        self._model.configure(self, settings)

    def release(self):
        self._check()
        self._live = False
        self._model.release(self, self._offsets)

    def __enter__(self):
        self._check()
        return self

    def __exit__(self, *exc):
        self.release()

    def wait_edge_events(self, timeout=None):
        raise NotImplementedError("the virtual Raspberry Pi does not model edge events")

    read_edge_events = wait_edge_events

    def __repr__(self):
        if not self._live:
            return "<LineRequest RELEASED>"
        return "<LineRequest chip=%r offsets=%r>" % (self.chip_name, self._offsets)


def _as_value(value):
    if isinstance(value, Value):
        return value
    if value in (0, 1, False, True):
        return Value.ACTIVE if value else Value.INACTIVE
    raise TypeError("a gpiod.line.Value, not %r" % (value,))


def request_lines(path, *args, **kwargs):
    """``gpiod.request_lines(path, config, ...)``: open the chip, request, close the chip."""
    with Chip(path) as chip:
        return chip.request_lines(*args, **kwargs)

