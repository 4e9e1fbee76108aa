# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``/dev/spidevB.C`` of a :class:`~netdev_emulator.raspberrypi.VirtualPi`: the Linux spidev
driver's ioctl ABI (drivers/spi/spidev.c, include/uapi/linux/spi/spidev.h) as Adafruit_PureIO's
``SPI`` uses it: ``SPI_IOC_MESSAGE`` with user-space buffer pointers, ``SPI_IOC_RD/WR_MODE``,
``LSB_FIRST``, ``BITS_PER_WORD``, ``MAX_SPEED_HZ``, with the driver's limits and errors
(``bufsiz``: ``EMSGSIZE``; unsupported mode bits or word sizes: ``EINVAL``) and the chip select
the SPI controller drives around each message.
"""

import ctypes
import errno
import os
import struct

_SPI_BUFSIZ = 4096  # spidev's bufsiz module parameter
_SPI_MODE_BITS = 0x01 | 0x02 | 0x04 | 0x40  # CPHA, CPOL, CS_HIGH, NO_CS
_XFER = struct.Struct("=QQIIHBBBBBB")  # struct spi_ioc_transfer (32 bytes)


class SpiDev:
    """``/dev/spidevB.C``: the spidev driver's state for one chip select."""

    def __init__(self, pi, bus, cs, cs_line):
        self.pi = pi
        self.bus = bus
        self.cs = cs
        self.cs_line = cs_line  # the GPIO the kernel toggles as this device's chip select, or None
        self.mode = 0
        self.bits = 8
        self.max_speed_hz = 125_000_000  # spi-max-frequency in the device tree

    def ioctl(self, request, arg, mutate):
        kind, nr = (request >> 8) & 0xFF, request & 0xFF
        size, direction = (request >> 16) & 0x3FFF, (request >> 30) & 3
        if kind != ord("k"):
            raise OSError(errno.ENOTTY, os.strerror(errno.ENOTTY))
        if nr == 0 and direction == 1:
            if size % _XFER.size:
                raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
            data = _arg_bytes(arg, size)
            total = self.message([_XFER.unpack_from(data, i) for i in range(0, size, _XFER.size)])
            return _result(arg, data, total, mutate)
        fmt = {1: "B", 2: "B", 3: "B", 4: "I", 5: "I"}.get(nr)
        if fmt is None or size != struct.calcsize(fmt) or direction not in (1, 2):
            raise OSError(errno.ENOTTY, os.strerror(errno.ENOTTY))
        if direction == 2:  # _IOC_READ: the driver writes the value to the caller
            value = {1: self.mode & 0xFF, 2: 0, 3: self.bits, 4: self.max_speed_hz, 5: self.mode}[nr]
            return _result(arg, struct.pack("=" + fmt, value), 0, mutate)
        (value,) = struct.unpack("=" + fmt, _arg_bytes(arg, size))
        if nr in (1, 5):
            if value & ~_SPI_MODE_BITS:
                raise OSError(errno.EINVAL, "spi mode 0x%x: unsupported bits" % value)
            self.mode = value
        elif nr == 2:
            if value:
                raise OSError(errno.EINVAL, "LSB-first is not supported")
        elif nr == 3:
            if (value or 8) not in self.pi.board["spi_bits"]:
                raise OSError(errno.EINVAL, "%d-bit words are not supported" % value)
            self.bits = value or 8
        elif nr == 4:
            self.max_speed_hz = value
        return _result(arg, bytes(_arg_bytes(arg, size)), 0, mutate)

    def message(self, transfers):
        if sum(t[2] for t in transfers) > _SPI_BUFSIZ:
            raise OSError(errno.EMSGSIZE, os.strerror(errno.EMSGSIZE))
        pi = self.pi
        with pi.bus_lock(self.bus):
            total = 0
            self._select(True)
            for n, (tx_buf, rx_buf, length, speed, _delay, bits, cs_change, *_rest) in enumerate(transfers):
                speed = min(speed or self.max_speed_hz, self.max_speed_hz)
                bits = bits or self.bits
                tx = ctypes.string_at(tx_buf, length) if tx_buf else None
                rx = pi.exchange(self.bus, tx, length, pi.sck(speed), self.mode, bits)
                if rx_buf:
                    ctypes.memmove(rx_buf, bytes(rx), length)
                total += length
                last = n == len(transfers) - 1
                if cs_change and not last:
                    self._select(False)
                    self._select(True)
                elif last and not cs_change:
                    self._select(False)
            pi.stats["spi_messages"] += 1
            pi.stats["spi_bytes"] += total
        return total

    def _select(self, active):
        pl = self.cs_line
        if pl is None or self.mode & 0x40:  # no chip select, or SPI_NO_CS
            return
        level = active == bool(self.mode & 0x04)  # active low unless SPI_CS_HIGH
        if pl.value != level:
            pl.value = level
            pl.changed()


def _arg_bytes(arg, size):
    if isinstance(arg, int):
        raise OSError(errno.EFAULT, os.strerror(errno.EFAULT))
    data = bytes(memoryview(arg).cast("B"))
    if len(data) < size:
        raise OSError(errno.EFAULT, os.strerror(errno.EFAULT))
    return data


def _result(arg, data, value, mutate):
    """What ``fcntl.ioctl`` gives back: a mutable buffer is written in place (and the call
    returns the driver's return value), an immutable one comes back as a modified copy."""
    if mutate and not isinstance(arg, (bytes, str)):
        view = memoryview(arg).cast("B")
        view[: len(data)] = data
        return value
    return bytes(data) + bytes(_arg_bytes(arg, 0)[len(data) :])
