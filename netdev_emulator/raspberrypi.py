# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""A virtual Raspberry Pi under Blinka: a virtual AirLift on your Pi code, on a PC.

Blinka's own Raspberry Pi code runs unchanged (``board``, ``digitalio``, ``busio``, its
``raspberry_pi_pin`` and ``libgpiod_pin_2_x`` pins, its ``generic_linux.spi`` over
Adafruit_PureIO); only the kernel underneath is virtual:

* **GPIO**: Blinka 10 drives the header through ``gpiod`` (libgpiod 2.x's Python
  bindings) on ``/dev/gpiochipN``. :meth:`VirtualPi.install` puts
  :mod:`netdev_emulator.raspberrypi_gpiod` in ``sys.modules["gpiod"]`` and shows Blinka's
  controller discovery (``Path("/dev").glob("gpiochip*")`` in ``raspberry_pi_pin``) the
  virtual chips: ``pinctrl-bcm2711`` (58 lines) on a Pi 4, ``pinctrl-rp1`` (54 lines, with
  the ``gpiochip4`` compatibility link) on a Pi 5.
* **SPI**: PureIO opens ``/dev/spidevB.C`` with ``os.open`` and talks the spidev ioctl ABI
  with ``fcntl.ioctl`` (``SPI_IOC_MESSAGE`` with user-space buffer pointers,
  ``SPI_IOC_RD/WR_MODE``, ``BITS_PER_WORD``, ``MAX_SPEED_HZ``;
  :mod:`netdev_emulator.raspberrypi_spidev`). PureIO's ``os`` and ``ioctl`` become views
  that serve the virtual nodes, byte for byte what the kernel's spidev driver does (message
  size limit ``bufsiz`` = 4096: ``EMSGSIZE``; unsupported mode bits or word sizes:
  ``EINVAL``), and pass every other path and descriptor to the real ``os``.
  Nothing else in the process sees a changed ``os``.

The kernel's side is modelled as Raspberry Pi OS configures it (raspberrypi/linux
``bcm2711-rpi-4-b.dts`` and ``bcm2712-rpi.dtsi``): with ``dtparam=spi=on`` the SPI driver
owns GPIO 8 and 7 as chip selects CE0 and CE1 (``cs-gpios``, consumers ``"spi0 CS0"``/``"spi0
CS1"``), so requesting them is ``EBUSY``, and it drives CE0 low for the length of every
message on ``spidev0.0``; ``dtoverlay=spi0-0cs`` gives the chip selects back (one
``spidev0.0`` without one). Released lines keep what they were driving (Raspberry Pi OS's
``persist_gpio_outputs``; ``strict_gpiod=True`` models ``dtparam=strict_gpiod``). The SPI
clock is what the controller makes of the requested rate: a core clock (500 MHz on a Pi 4,
200 MHz on a Pi 5's RP1) divided by an even number. Floating inputs read the last level a
pull gave them (at reset: up for GPIO 0-8, down above: the BCM2711's reset pulls, used for
the RP1 too).

An AirLift wired to the Pi (:meth:`VirtualPi.attach_airlift`) is a
:class:`netdev_emulator.NinaEmulator` whose five wires are the Pi's lines: SCK/MOSI/MISO on
SPI0, CS, BUSY, RST and (optionally) GP0 on the GPIOs given. Its BUSY line floats while
the ESP32 is held in reset or still booting.

``python -m netdev_emulator pi program.py`` runs a program on a virtual Pi 5 with a virtual
AirLift on the default wiring of ``docs/wiring.rst``; see :func:`main`.
"""

import contextlib
import errno
import fnmatch
import os
import pathlib
import sys
import threading

from netdev_emulator import raspberrypi_gpiod as gpiod_module
from netdev_emulator.raspberrypi_spidev import SpiDev

__all__ = ["BOARDS", "DEFAULT_WIRING", "SPI_CONFIGS", "VirtualPi", "installed", "main"]

# Blinka's board ids, and what the kernel shows of each board's GPIO (the header's chip first).
BOARDS = {
    "RASPBERRY_PI_4B": {
        "model": "Raspberry Pi 4 Model B",
        "chips": (("gpiochip0", "pinctrl-bcm2711", 58), ("gpiochip1", "raspberrypi-exp-gpio", 8)),
        "links": {},
        "spi_clock": 500_000_000,  # core clock; SCK = core / even divider
        "spi_bits": (8,),  # spi-bcm2835: 8-bit words only
    },
    "RASPBERRY_PI_5": {
        "model": "Raspberry Pi 5",
        "chips": (
            ("gpiochip0", "pinctrl-rp1", 54),
            ("gpiochip10", "gpio-brcmstb@107d508500", 32),
            ("gpiochip11", "gpio-brcmstb@107d508520", 4),
            ("gpiochip12", "gpio-brcmstb@107d517c00", 17),
            ("gpiochip13", "gpio-brcmstb@107d517c20", 6),
        ),
        "links": {"gpiochip4": "gpiochip0"},  # the compatibility link of older kernels' numbering
        "spi_clock": 200_000_000,  # RP1's clk_sys
        "spi_bits": tuple(range(4, 33)),  # DesignWare SSI: 4..32-bit words
    },
}
BOARD_ALIASES = {"4": "RASPBERRY_PI_4B", "pi4": "RASPBERRY_PI_4B",
                 "5": "RASPBERRY_PI_5", "pi5": "RASPBERRY_PI_5"}

# config.txt's SPI settings: the spidev nodes and the chip-select GPIOs the kernel owns.
SPI_CONFIGS = {
    "off": {},  # no dtparam=spi=on: no /dev/spidev0.*
    "spi0-2cs": {0: 8, 1: 7},  # dtparam=spi=on (what raspi-config sets)
    "spi0-1cs": {0: 8},  # dtoverlay=spi0-1cs
    "spi0-0cs": {0: None},  # dtoverlay=spi0-0cs: spidev0.0 without a chip select
}

# The AirLift on a Pi, as docs/wiring.rst shows it: BCM GPIO numbers (CS off CE0 = GPIO 8).
DEFAULT_WIRING = {"cs": 4, "busy": 5, "reset": 6, "gpio0": None}

_KERNEL = "kernel"
_installed = None


def installed():
    """The :class:`VirtualPi` installed in this process, or None."""
    return _installed


# -- GPIO ------------------------------------------------------------------------------------


class PiLine:
    """One GPIO line: who holds it, how it is configured, what is wired to it."""

    def __init__(self, chip, offset, name):
        self.chip = chip
        self.offset = offset
        self.name = name
        self.holder = None  # a gpiod LineRequest, or _KERNEL
        self.consumer = None
        self.output = False
        self.value = False  # the level driven when an output (physical)
        self.open_drain = False
        self.active_low = False
        self.bias = "pull-up" if offset <= 8 else "pull-down"
        self.idle = offset <= 8  # what a floating input reads: the last level a pull gave it
        self.wire = None  # what is connected on the other side (an AirLift pin)

    def level(self):
        """The physical level on the pad."""
        if self.output and not (self.open_drain and self.value):
            return self.value
        far = self.wire.level() if self.wire is not None else None
        if far is not None:
            return far
        if self.bias == "pull-up":
            self.idle = True
        elif self.bias == "pull-down":
            self.idle = False
        return self.idle

    def changed(self):
        if self.wire is not None:
            self.wire.host(self)

    def __repr__(self):
        state = "output %d" % self.value if self.output else "input %s" % self.bias
        return "<GPIO %d %s%s>" % (self.offset, state, " used by %r" % self.consumer if self.holder else "")


class GpioChip:
    """A GPIO controller as the kernel shows it (``/dev/gpiochipN``)."""

    def __init__(self, pi, name, label, count):
        self.pi = pi
        self.name = name
        self.label = label
        self.lines = [PiLine(self, n, _line_name(label, n)) for n in range(count)]

    def line(self, offset):
        if not isinstance(offset, int) or not 0 <= offset < len(self.lines):
            raise OSError(errno.EINVAL, "%s has no line %r" % (self.name, offset))
        return self.lines[offset]

    def request(self, req, offsets, consumer, settings):
        with self.pi.gpio_lock:
            lines = [self.line(o) for o in offsets]
            for pl in lines:
                if pl.holder is not None:
                    raise OSError(errno.EBUSY, os.strerror(errno.EBUSY))
            for pl in lines:
                pl.holder = req
                pl.consumer = consumer
            self.pi.stats["gpio_requests"] += 1
            self.configure(req, settings)

    def configure(self, req, settings):
        g = gpiod_module
        with self.pi.gpio_lock:
            for offset, s in settings.items():
                pl = self.line(offset)
                if pl.holder is not req:
                    raise ValueError("line %d is not part of this request" % offset)
                pl.active_low = bool(s.active_low)
                pl.open_drain = s.drive is g.Drive.OPEN_DRAIN
                if s.bias is g.Bias.PULL_UP:
                    pl.bias = "pull-up"
                elif s.bias is g.Bias.PULL_DOWN:
                    pl.bias = "pull-down"
                elif s.bias is g.Bias.DISABLED:
                    pl.bias = "disabled"
                if s.direction is g.Direction.OUTPUT:
                    pl.output = True
                    pl.value = (s.output_value is g.Value.ACTIVE) != pl.active_low
                elif s.direction is g.Direction.INPUT:
                    pl.output = False
                pl.changed()

    def release(self, req, offsets):
        with self.pi.gpio_lock:
            for offset in offsets:
                pl = self.lines[offset]
                if pl.holder is req:
                    pl.holder = pl.consumer = None
                    if self.pi.strict_gpiod and pl.output:
                        pl.output = False  # dtparam=strict_gpiod: a released line stops driving
                        pl.changed()

    def get(self, offset):
        pl = self.line(offset)
        return pl.level() != pl.active_low

    def set(self, offset, active):
        with self.pi.gpio_lock:
            pl = self.line(offset)
            if not pl.output:
                raise OSError(errno.EPERM, os.strerror(errno.EPERM))
            pl.value = bool(active) != pl.active_low
            self.pi.stats["gpio_writes"] += 1
            pl.changed()


def _line_name(label, n):
    if not label.startswith("pinctrl-"):
        return "-"
    return ("ID_SDA", "ID_SCL")[n] if n < 2 else ("GPIO%d" % n if n < 28 else "-")


# -- the AirLift's wires -----------------------------------------------------------------------


class _AirLift:
    """A NinaEmulator's wires on the Pi. Its bus objects model the host's SPI lock; each
    wire operation takes that lock in the calling thread, as a host driver does."""

    def __init__(self, nina, wiring):
        self.nina = nina
        self.wiring = wiring
        self._lock = threading.RLock()
        self._depth = 0

    @contextlib.contextmanager
    def held(self):
        with self._lock:
            if self._depth == 0 and not self.nina.spi.try_lock():
                raise RuntimeError("the AirLift emulator's SPI bus is locked outside the VirtualPi")
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self.nina.spi.unlock()

    def exchange(self, tx, length, sck, mode, bits):
        rx = bytearray(length)
        with self.held():
            spi = self.nina.spi
            spi.configure(baudrate=sck, polarity=(mode >> 1) & 1, phase=mode & 1, bits=bits)
            if tx is None:
                spi.readinto(rx)  # the controller clocks out zeros
            else:
                spi.write_readinto(tx, rx)
        return rx


class _Wire:
    """One AirLift pin on a Pi line."""

    _CHIP_DOWN = ("reset", "off", "booting", "download")

    def __init__(self, airlift, pin, chip_drives):
        self.airlift = airlift
        self.pin = pin
        self.chip_drives = chip_drives  # BUSY: an ESP32 output once its firmware runs

    def level(self):
        if self.chip_drives and self.airlift.nina.mode in self._CHIP_DOWN:
            return None  # the ESP32's pin is not driven in reset or while booting
        return bool(self.pin.value)

    def host(self, line):
        with self.airlift.held():
            if line.output:
                self.pin.switch_to_output(
                    value=line.value, drive_mode="OPEN_DRAIN" if line.open_drain else "PUSH_PULL"
                )
            else:
                self.pin.switch_to_input(pull={"pull-up": "UP", "pull-down": "DOWN"}.get(line.bias))


# -- the board ---------------------------------------------------------------------------------


class VirtualPi:
    """A Raspberry Pi for Blinka: GPIO chips, spidev nodes, and what is wired to them.

    :param str board: Blinka's board id, ``"RASPBERRY_PI_5"`` (default) or
        ``"RASPBERRY_PI_4B"`` (``"5"``/``"4"`` also do)
    :param str spi: the SPI of ``config.txt``: ``"spi0-2cs"`` (``dtparam=spi=on``, default),
        ``"spi0-1cs"``, ``"spi0-0cs"`` (``dtoverlay=spi0-0cs``) or ``"off"``
    :param bool strict_gpiod: ``dtparam=strict_gpiod``: released lines stop driving

    ``stats`` counts GPIO requests and writes, SPI messages and bytes; ``line(n)`` is header
    GPIO ``n`` (a :class:`PiLine`), for tests that look at the wires.
    """

    def __init__(self, board="RASPBERRY_PI_5", *, spi="spi0-2cs", strict_gpiod=False):
        board = BOARD_ALIASES.get(str(board).lower(), board)
        if board not in BOARDS:
            raise ValueError("unknown board %r: choose one of %s" % (board, ", ".join(BOARDS)))
        if spi not in SPI_CONFIGS:
            raise ValueError("unknown SPI configuration %r: choose one of %s" % (spi, ", ".join(SPI_CONFIGS)))
        self.board_id = board
        self.board = BOARDS[board]
        self.spi_config = spi
        self.strict_gpiod = strict_gpiod
        self.stats = {"gpio_requests": 0, "gpio_writes": 0, "spi_messages": 0, "spi_bytes": 0}
        self.gpio_lock = threading.RLock()
        self._bus_locks = {}
        self._nodes = {}
        self._fds = {}
        self._airlift = {}  # bus -> _AirLift
        for name, label, count in self.board["chips"]:
            self._nodes["/dev/" + name] = GpioChip(self, name, label, count)
        for link, target in self.board["links"].items():
            self._nodes["/dev/" + link] = "/dev/" + target
        self.header = self._nodes["/dev/" + self.board["chips"][0][0]]
        for cs, gpio in SPI_CONFIGS[spi].items():
            cs_line = None
            if gpio is not None:
                cs_line = self.header.line(gpio)
                cs_line.holder, cs_line.consumer = _KERNEL, "spi0 CS%d" % cs
                cs_line.output, cs_line.value, cs_line.bias = True, True, "disabled"  # inactive: high
            self._nodes["/dev/spidev0.%d" % cs] = SpiDev(self, 0, cs, cs_line)

    def __repr__(self):
        return "<VirtualPi %s %s>" % (self.board_id, self.spi_config)

    # -- wiring ------------------------------------------------------------------------------

    def attach_airlift(self, nina, *, cs=DEFAULT_WIRING["cs"], busy=DEFAULT_WIRING["busy"],
                       reset=DEFAULT_WIRING["reset"], gpio0=DEFAULT_WIRING["gpio0"]):
        """Wire an AirLift (a :class:`netdev_emulator.NinaEmulator`) to SPI0 and the GPIOs
        given (BCM numbers; the defaults are ``DEFAULT_WIRING``, docs/wiring.rst's table)."""
        airlift = _AirLift(nina, {"cs": cs, "busy": busy, "reset": reset, "gpio0": gpio0})
        wires = {"cs": nina.cs, "busy": nina.ready, "reset": nina.reset, "gpio0": nina.gpio0}
        with self.gpio_lock:
            for role, gpio in airlift.wiring.items():
                if gpio is None:
                    continue
                pl = self.header.line(gpio)
                if pl.wire is not None:
                    raise ValueError("GPIO %d is already wired" % gpio)
                pl.wire = _Wire(airlift, wires[role], chip_drives=role == "busy")
                pl.changed()  # the AirLift sees what the Pi does with the line now
            self._airlift[0] = airlift
        return airlift

    @property
    def airlift(self):
        """The NinaEmulator wired to SPI0, or None."""
        found = self._airlift.get(0)
        return found.nina if found is not None else None

    def line(self, gpio):
        """Header GPIO ``gpio`` (a :class:`PiLine`)."""
        return self.header.line(gpio)

    # -- the kernel's side -------------------------------------------------------------------

    def node(self, path):
        """What ``/dev/...`` ``path`` is here (a GpioChip, a SpiDev, a link's target path), or
        None."""
        return self._nodes.get(os.fspath(path)) if _virtual(path) else None

    def resolve(self, path):
        found = self.node(path)
        return found if isinstance(found, str) else (os.fspath(path) if found is not None else None)

    def gpiochip(self, path):
        found = self.node(self.resolve(path) or path)
        return found if isinstance(found, GpioChip) else None

    def bus_lock(self, bus):
        return self._bus_locks.setdefault(bus, threading.RLock())

    def sck(self, hz):
        """The SCK the controller makes of ``hz``: its clock over the even divider that does
        not exceed ``hz``."""
        clock = self.board["spi_clock"]
        div = max(2, -(-clock // max(hz, 1)))
        return clock // (div + (div & 1))

    def exchange(self, bus, tx, length, sck, mode, bits):
        airlift = self._airlift.get(bus)
        if airlift is None:
            return b"\xff" * length  # nothing drives MISO
        return airlift.exchange(tx, length, sck, mode, bits)

    def open_fd(self, path, flags):
        dev = self.node(self.resolve(path) or path)
        if dev is None:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), os.fspath(path))
        fd = os.open(os.devnull, flags & (os.O_RDWR | os.O_WRONLY | os.O_RDONLY))  # a real, unique fd
        self._fds[fd] = dev
        return fd

    def ioctl(self, fd, request, arg=0, mutate_flag=True):
        """``fcntl.ioctl`` for the virtual nodes' descriptors (others go to the real one)."""
        number = fd.fileno() if hasattr(fd, "fileno") else fd
        dev = self._fds.get(number)
        if dev is None:
            import fcntl

            return fcntl.ioctl(fd, request, arg, mutate_flag)
        if not isinstance(dev, SpiDev):
            raise OSError(errno.ENOTTY, os.strerror(errno.ENOTTY))
        return dev.ioctl(request & 0xFFFFFFFF, arg, mutate_flag)

    def close_fd(self, fd):
        self._fds.pop(fd, None)
        os.close(fd)

    # -- Blinka --------------------------------------------------------------------------------

    def install(self):
        """Make this the Pi Blinka runs on, in this process: ``BLINKA_FORCEBOARD`` and
        ``BLINKA_FORCECHIP`` (Blinka reads them when ``board`` is first imported, so call
        this before), the ``gpiod`` module, and the views of ``/dev`` that Blinka's pin
        discovery and PureIO's SPI use. Once per process."""
        global _installed  # noqa: PLW0603 - one Pi per process, like Blinka's own board
        if _installed is self:
            return self
        if _installed is not None:
            raise RuntimeError("a VirtualPi is already installed in this process: %r" % _installed)
        chosen = sys.modules.get("adafruit_blinka.agnostic")
        if chosen is not None and chosen.board_id != self.board_id:
            raise RuntimeError(
                "Blinka already chose its board (%s) when board, digitalio or busio was imported: "
                "install the VirtualPi before importing them" % chosen.board_id
            )
        os.environ["BLINKA_FORCEBOARD"] = self.board_id
        os.environ["BLINKA_FORCECHIP"] = "BCM2XXX"
        os.environ["BLINKA_SKIP_DEPENDENCY_CHECK"] = "1"  # the virtual Pi brings its own gpiod
        gpiod_module._PI = self  # noqa: SLF001
        sys.modules["gpiod"] = gpiod_module
        sys.modules["gpiod.line"] = gpiod_module.line
        try:
            from adafruit_blinka.microcontroller.generic_linux import raspberry_pi_pin  # noqa: PLC0415
        except ImportError as exc:
            raise RuntimeError(
                "the VirtualPi needs Adafruit-Blinka 10 or newer, whose Raspberry Pi pins use "
                "libgpiod on every model (pip install -U Adafruit-Blinka): %s" % exc
            ) from exc
        import Adafruit_PureIO.spi as pureio_spi  # noqa: PLC0415

        raspberry_pi_pin.Path = _dev_path_class(self)
        pureio_spi.os = _OsView(self)
        pureio_spi.ioctl = self.ioctl
        _installed = self
        return self


def _virtual(path):
    text = os.fspath(path)
    return text.startswith(("/dev/gpiochip", "/dev/spidev"))


class _OsView:
    """``os`` as Adafruit_PureIO.spi sees it: the real module, with the virtual Pi's
    ``/dev/spidev*`` and ``/dev/gpiochip*`` in place of the machine's."""

    def __init__(self, pi):
        self._pi = pi
        self.path = _OsPathView(pi)

    def __getattr__(self, name):
        return getattr(os, name)

    def open(self, path, flags, mode=0o777, *, dir_fd=None):
        if _virtual(path):
            return self._pi.open_fd(path, flags)
        return os.open(path, flags, mode, dir_fd=dir_fd)

    def close(self, fd):
        if fd in self._pi._fds:  # noqa: SLF001
            self._pi.close_fd(fd)
        else:
            os.close(fd)


class _OsPathView:
    def __init__(self, pi):
        self._pi = pi

    def __getattr__(self, name):
        return getattr(os.path, name)

    def exists(self, path):
        if _virtual(path):
            return self._pi.resolve(path) is not None
        return os.path.exists(path)


def _dev_path_class(pi):
    """``pathlib.Path`` as Blinka's raspberry_pi_pin sees it: ``/dev`` lists the virtual
    Pi's nodes, and its links resolve to their targets."""

    class DevPath(type(pathlib.Path())):
        def glob(self, pattern, *args, **kwargs):
            if os.fspath(self) != "/dev":
                yield from super().glob(pattern, *args, **kwargs)
                return
            for name in sorted(pi._nodes):  # noqa: SLF001
                if fnmatch.fnmatch(name[len("/dev/"):], pattern):
                    yield type(self)(name)

        def resolve(self, strict=False):
            if _virtual(self):
                target = pi.resolve(self)
                if target is None and strict:
                    raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), os.fspath(self))
                return type(self)(target or os.fspath(self))
            return super().resolve(strict)

    DevPath.__name__ = DevPath.__qualname__ = "Path"
    return DevPath


# -- python -m netdev_emulator pi ---------------------------------------------------------------


def _settings_toml():
    """settings.toml of the current directory (as Blinka's load_settings_toml reads it),
    without touching os.environ: the program loads it itself."""
    try:
        import tomllib  # noqa: PLC0415
    except ImportError:  # Python < 3.11: Blinka depends on toml there
        import toml as tomllib  # noqa: PLC0415
    try:
        with open("settings.toml", "rb") as f:
            return {k: str(v) for k, v in tomllib.load(f).items() if not isinstance(v, (dict, list))}
    except FileNotFoundError:
        return {}


def main(argv=None):
    """``python -m netdev_emulator pi [options] program.py [args]``: run a program on a
    virtual Raspberry Pi with a virtual AirLift, through Blinka's own Pi code."""
    import argparse  # noqa: PLC0415
    import runpy  # noqa: PLC0415

    from netdev_emulator import NinaEmulator  # noqa: PLC0415
    from netdev_emulator.network import world_from_environ  # noqa: PLC0415

    parser = argparse.ArgumentParser(
        prog="python -m netdev_emulator pi",
        description="Run a Blinka program on a virtual Raspberry Pi with a virtual AirLift wired to "
        "it (docs/emulator.rst). The AirLift's world comes from the NETDEV_EMULATOR_* variables "
        "(python -m netdev_emulator lab prints them) or, without them, one access point named by "
        "CIRCUITPY_WIFI_SSID/CIRCUITPY_WIFI_PASSWORD (environment or ./settings.toml).",
    )
    parser.add_argument("--board", default="RASPBERRY_PI_5",
                        help="RASPBERRY_PI_5 (default, or 5) or RASPBERRY_PI_4B (or 4)")
    parser.add_argument("--spi", default="spi0-2cs", choices=sorted(SPI_CONFIGS),
                        help="config.txt's SPI: spi0-2cs = dtparam=spi=on (default), "
                        "spi0-0cs = dtoverlay=spi0-0cs, off = SPI disabled")
    parser.add_argument("--wiring", default="%(cs)d,%(busy)d,%(reset)d" % DEFAULT_WIRING,
                        metavar="CS,BUSY,RST[,GP0]",
                        help="the AirLift's pins as BCM GPIO numbers (default %(default)s)")
    parser.add_argument("--no-airlift", action="store_true", help="nothing wired to the Pi")
    parser.add_argument("--persona", default=None,
                        help="the NINA firmware to model (default: NETDEV_PERSONA, else adafruit-1.7)")
    parser.add_argument("--strict-gpiod", action="store_true", help="dtparam=strict_gpiod")
    parser.add_argument("program", help="the program to run (your code.py)")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="its arguments")
    args = parser.parse_args(argv)
    try:
        pins = [int(x) for x in args.wiring.split(",")]
        if len(pins) not in (3, 4):
            raise ValueError
    except ValueError:
        parser.error("--wiring wants CS,BUSY,RST[,GP0] as GPIO numbers, got %r" % args.wiring)
    pi = VirtualPi(args.board, spi=args.spi, strict_gpiod=args.strict_gpiod)
    nina = None
    if not args.no_airlift:
        settings = _settings_toml()
        world = world_from_environ(lambda name: os.environ.get(name) or settings.get(name))
        persona = args.persona or os.environ.get("NETDEV_PERSONA") or "adafruit-1.7"
        nina = NinaEmulator(world, persona=persona)
        gpio0 = pins[3] if len(pins) > 3 else None
        pi.attach_airlift(nina, cs=pins[0], busy=pins[1], reset=pins[2], gpio0=gpio0)
        print("netdev_emulator: virtual %s (%s), AirLift (%s) on SPI0, CS GPIO %d, BUSY GPIO %d, "
              "RST GPIO %d" % (pi.board["model"], args.spi, persona, *pins[:3]), file=sys.stderr)
    pi.install()
    sys.argv = [args.program] + args.args
    sys.path.insert(0, os.path.dirname(os.path.abspath(args.program)))
    try:
        runpy.run_path(args.program, run_name="__main__")
    finally:
        if nina is not None:
            nina.close()
    return 0
