# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The virtual Raspberry Pi's kernel interfaces, at the boundary Blinka uses: the spidev
ioctl ABI (as Linux's include/uapi/linux/spi/spidev.h defines it, encoded here
independently of PureIO) and libgpiod's Python API. In-process, without installing the Pi
(so nothing of Blinka is imported here)."""

import array
import ctypes
import errno
import struct

import pytest

from netdev_emulator import raspberrypi_gpiod as gpiod
from netdev_emulator.raspberrypi import VirtualPi

_IOC_WRITE, _IOC_READ = 1, 2


def _ioc(direction, nr, size):
    return (direction << 30) | (size << 16) | (ord("k") << 8) | nr


SPI_IOC_RD_MODE = _ioc(_IOC_READ, 1, 1)
SPI_IOC_WR_MODE = _ioc(_IOC_WRITE, 1, 1)
SPI_IOC_WR_BITS_PER_WORD = _ioc(_IOC_WRITE, 3, 1)
SPI_IOC_RD_MAX_SPEED_HZ = _ioc(_IOC_READ, 4, 4)
SPI_IOC_WR_MAX_SPEED_HZ = _ioc(_IOC_WRITE, 4, 4)


def spi_ioc_message(n):
    return _ioc(_IOC_WRITE, 0, 32 * n)


def transfer(tx=None, rx=None, length=0, speed=0, cs_change=0):
    """struct spi_ioc_transfer: tx_buf, rx_buf, len, speed_hz, delay_usecs, bits_per_word,
    cs_change, tx_nbits, rx_nbits, word_delay_usecs, pad."""
    return struct.pack(
        "=QQIIHBBBBBB",
        ctypes.addressof(tx) if tx is not None else 0,
        ctypes.addressof(rx) if rx is not None else 0,
        length, speed, 0, 0, cs_change, 0, 0, 0, 0,
    )


class Recorder:
    """A wire on a GPIO line that records the levels the Pi drives on it."""

    def __init__(self):
        self.levels = []

    def level(self):
        return None

    def host(self, line):
        self.levels.append(line.value if line.output else None)


@pytest.fixture
def pi4():
    pi = VirtualPi("RASPBERRY_PI_4B")
    gpiod._PI = pi  # noqa: SLF001 - what VirtualPi.install() does for Blinka
    yield pi
    gpiod._PI = None  # noqa: SLF001


def open_spidev(pi, path="/dev/spidev0.0"):
    import os

    return pi.open_fd(path, os.O_RDWR)


def test_spidev_mode_reads_back_through_a_mutable_or_an_immutable_argument(pi4):
    fd = open_spidev(pi4)
    try:
        assert pi4.ioctl(fd, SPI_IOC_WR_MODE, struct.pack("=B", 3)) == b"\x03"
        mode = array.array("B", [0])
        assert pi4.ioctl(fd, SPI_IOC_RD_MODE, mode, True) == 0
        assert mode[0] == 3
        speed = array.array("I", [0])
        pi4.ioctl(fd, SPI_IOC_WR_MAX_SPEED_HZ, struct.pack("=I", 8_000_000))
        pi4.ioctl(fd, SPI_IOC_RD_MAX_SPEED_HZ, speed, True)
        assert speed[0] == 8_000_000
        assert pi4.ioctl(fd, SPI_IOC_RD_MODE, b"\x00") == b"\x03"  # immutable: a modified copy
    finally:
        pi4.close_fd(fd)


def test_spidev_refuses_what_the_controller_cannot_do(pi4):
    fd = open_spidev(pi4)
    try:
        with pytest.raises(OSError) as lsb:
            pi4.ioctl(fd, SPI_IOC_WR_MODE, struct.pack("=B", 0x08))  # SPI_LSB_FIRST
        assert lsb.value.errno == errno.EINVAL
        with pytest.raises(OSError) as bits:
            pi4.ioctl(fd, SPI_IOC_WR_BITS_PER_WORD, struct.pack("=B", 16))  # spi-bcm2835: 8 only
        assert bits.value.errno == errno.EINVAL
        with pytest.raises(OSError) as other:
            pi4.ioctl(fd, (ord("x") << 8) | 1, 0)
        assert other.value.errno == errno.ENOTTY
        big = ctypes.create_string_buffer(4097)
        with pytest.raises(OSError) as size:
            pi4.ioctl(fd, spi_ioc_message(1), transfer(big, None, 4097))
        assert size.value.errno == errno.EMSGSIZE  # spidev's bufsiz is 4096
        assert pi4.ioctl(fd, spi_ioc_message(1), transfer(big, None, 4096)) == transfer(big, None, 4096)
    finally:
        pi4.close_fd(fd)
    pi5 = VirtualPi("RASPBERRY_PI_5")
    fd = open_spidev(pi5)
    try:
        pi5.ioctl(fd, SPI_IOC_WR_BITS_PER_WORD, struct.pack("=B", 16))  # the RP1's SSI can
    finally:
        pi5.close_fd(fd)


def test_a_message_on_spidev0_0_drives_ce0_for_its_length(pi4):
    recorder = Recorder()
    pi4.line(8).wire = recorder
    fd = open_spidev(pi4)
    try:
        tx, rx = ctypes.create_string_buffer(b"\x01\x02\x03"), ctypes.create_string_buffer(3)
        pi4.ioctl(fd, spi_ioc_message(1), transfer(tx, rx, 3))
        assert recorder.levels == [False, True]  # CE0 asserted (active low), then released
        assert rx.raw == b"\xff\xff\xff"  # nothing on the bus drives MISO
        # two transfers in one message: CE0 stays asserted between them, unless cs_change
        recorder.levels.clear()
        two = transfer(tx, rx, 3) + transfer(tx, rx, 3)
        pi4.ioctl(fd, spi_ioc_message(2), two)
        assert recorder.levels == [False, True]
        recorder.levels.clear()
        two = transfer(tx, rx, 3, cs_change=1) + transfer(tx, rx, 3)
        pi4.ioctl(fd, spi_ioc_message(2), two)
        assert recorder.levels == [False, True, False, True]
    finally:
        pi4.close_fd(fd)
    assert pi4.stats["spi_messages"] == 3 and pi4.stats["spi_bytes"] == 15


def test_spidev_nodes_follow_config_txt():
    assert VirtualPi("5").node("/dev/spidev0.1") is not None  # dtparam=spi=on: CE0 and CE1
    assert VirtualPi("5", spi="spi0-0cs").node("/dev/spidev0.1") is None
    assert VirtualPi("5", spi="spi0-0cs").node("/dev/spidev0.0").cs_line is None
    assert VirtualPi("5", spi="off").node("/dev/spidev0.0") is None


def test_the_kernels_chip_selects_are_busy_and_say_who_holds_them(pi4):
    chip = gpiod.Chip("/dev/gpiochip0")
    assert chip.get_info().label == "pinctrl-bcm2711"
    info = chip.get_line_info(8)
    assert info.used and info.consumer == "spi0 CS0" and info.direction is gpiod.Direction.OUTPUT
    for line in (8, 7):
        with pytest.raises(OSError) as busy:
            chip.request_lines({line: None}, consumer="test")
        assert busy.value.errno == errno.EBUSY
    assert not chip.get_line_info(4).used


def test_a_line_is_held_by_one_request_at_a_time(pi4):
    chip = gpiod.Chip("/dev/gpiochip0")
    first = chip.request_lines({4: gpiod.LineSettings(direction=gpiod.Direction.INPUT)}, consumer="one")
    with pytest.raises(OSError) as busy:
        chip.request_lines({4: None}, consumer="two")
    assert busy.value.errno == errno.EBUSY
    with pytest.raises(OSError) as perm:
        first.set_value(4, gpiod.Value.ACTIVE)  # an input
    assert perm.value.errno == errno.EPERM
    first.release()
    with pytest.raises(gpiod.RequestReleasedError):
        first.get_value(4)
    chip.request_lines({4: None}, consumer="two").release()


def test_released_outputs_keep_driving_unless_strict_gpiod(pi4):
    out = gpiod.LineSettings(direction=gpiod.Direction.OUTPUT, output_value=gpiod.Value.ACTIVE)
    gpiod.Chip("/dev/gpiochip0").request_lines({17: out}).release()
    assert pi4.line(17).output and pi4.line(17).level() is True  # persist_gpio_outputs
    strict = VirtualPi("RASPBERRY_PI_4B", strict_gpiod=True)
    gpiod._PI = strict  # noqa: SLF001
    gpiod.Chip("/dev/gpiochip0").request_lines({17: out}).release()
    assert not strict.line(17).output and strict.line(17).level() is False  # GPIO 17 pulls down


def test_floating_inputs_read_their_pull(pi4):
    chip = gpiod.Chip("/dev/gpiochip0")
    up = gpiod.LineSettings(direction=gpiod.Direction.INPUT, bias=gpiod.Bias.PULL_UP)
    down = gpiod.LineSettings(direction=gpiod.Direction.INPUT, bias=gpiod.Bias.PULL_DOWN)
    free = gpiod.LineSettings(direction=gpiod.Direction.INPUT, bias=gpiod.Bias.DISABLED)
    req = chip.request_lines({22: up})
    assert req.get_value(22) is gpiod.Value.ACTIVE
    req.reconfigure_lines({22: down})
    assert req.get_value(22) is gpiod.Value.INACTIVE
    req.reconfigure_lines({22: free})
    assert req.get_value(22) is gpiod.Value.INACTIVE  # holds what the last pull left
    req.release()


def test_pi5_chips_and_the_compatibility_link():
    pi = VirtualPi("RASPBERRY_PI_5")
    gpiod._PI = pi  # noqa: SLF001
    try:
        assert gpiod.Chip("/dev/gpiochip4").get_info() == gpiod.ChipInfo("gpiochip0", "pinctrl-rp1", 54)
        assert gpiod.Chip("/dev/gpiochip10").get_info().label == "gpio-brcmstb@107d508500"
        with pytest.raises(FileNotFoundError):
            gpiod.Chip("/dev/gpiochip2")
        with pytest.raises(OSError) as notchip:
            gpiod.Chip("/dev/spidev0.0")
        assert notchip.value.errno == errno.ENODEV
    finally:
        gpiod._PI = None  # noqa: SLF001
