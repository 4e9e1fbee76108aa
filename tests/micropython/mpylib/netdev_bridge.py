# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""MicroPython side of the NINA emulator's bridge: the SPI bus and pins of a virtual
co-processor served by ``python -m netdev_emulator nina`` (the bridge protocol of
``netdev_emulator/nina_bridge.py``), for the ``board``/``busio``/``digitalio`` look-alikes.
The RTL8720DN's UART is ``uart_bridge``.

Test support only (tests/micropython): never part of a library package or a bundle.
Settings: ``NETDEV_BRIDGE`` (``host:port`` of the NINA bridge).
"""

import os
import struct

from bridge_link import connect

_EIO = 5
_nina = None


def _read_exactly(sock, view, count):
    got = 0
    while got < count:
        n = sock.readinto(view[got:count])
        if not n:
            raise OSError(_EIO, "bridge connection closed")
        got += n


class NinaBridge:
    """One connection to the NINA bridge: strict request/response. A reply is read into a
    buffer kept for the purpose and returned as a view, valid until the next call."""

    def __init__(self, address):
        self.sock = connect(address)
        # Small buffers: SPI data goes straight from and into the driver's own buffers, so
        # the bridge adds little to the heap the benchmark measures (a board has no bridge).
        self.hdr = bytearray(3)
        self.hdrv = memoryview(self.hdr)
        self.rx = bytearray(64)
        self.broken = None
        hello = bytes(self.call(ord("?")))
        if not hello.startswith(b"nina-bridge 1"):
            raise OSError(_EIO, "not a NINA bridge: %r" % hello)

    def call(self, op, payload=b"", into=None):
        """One request; the reply's bytes go into ``into`` (which must be their exact size)
        or, without it, are returned as a view of a buffer kept for the purpose."""
        if self.broken is not None:
            # an SPI bus cannot get out of step; this connection can (an exception, such as
            # MemoryError, between a request and its reply): fail, never hang on garbage
            raise OSError(_EIO, "NINA bridge out of step after %r" % (self.broken,))
        n = len(payload)
        hdr = self.hdr
        hdr[0] = op
        hdr[1] = n >> 8
        hdr[2] = n & 0xFF
        try:
            self.sock.write(hdr)
            if n:
                self.sock.write(payload)
            _read_exactly(self.sock, self.hdrv, 3)
            length = (hdr[1] << 8) | hdr[2]
            if into is not None and not hdr[0]:
                if length != len(into):
                    raise OSError(_EIO, "NINA bridge replied %d bytes, not %d" % (length, len(into)))
                _read_exactly(self.sock, into, length)
                return into
            if length > len(self.rx):
                self.rx = bytearray(length)
            if length:
                _read_exactly(self.sock, memoryview(self.rx), length)
        except BaseException as exc:
            self.broken = exc
            raise
        data = memoryview(self.rx)[:length]
        if hdr[0]:
            raise OSError(_EIO, "NINA bridge refused: " + bytes(data).decode())
        return data


def nina():
    """The process's connection to the NINA bridge named by ``NETDEV_BRIDGE``."""
    global _nina
    if _nina is None:
        address = os.getenv("NETDEV_BRIDGE")
        if not address:
            raise RuntimeError("set NETDEV_BRIDGE=host:port of python -m netdev_emulator nina")
        _nina = NinaBridge(address)
    return _nina


class BridgeSPI:
    """``busio.SPI`` over the NINA bridge."""

    def __init__(self, bridge):
        self._b = bridge
        self._args = bytearray(3)

    def try_lock(self):
        return self._b.call(ord("L"))[0] == 1

    def unlock(self):
        self._b.call(ord("U"))

    def configure(self, *, baudrate=100000, polarity=0, phase=0, bits=8):
        self._b.call(ord("F"), struct.pack(">IBBB", baudrate, polarity, phase, bits))

    def write(self, buffer, *, start=0, end=None):
        end = len(buffer) if end is None else end
        self._b.call(ord("W"), memoryview(buffer)[start:end])

    def readinto(self, buffer, *, start=0, end=None, write_value=0):
        end = len(buffer) if end is None else end
        n = end - start
        args = self._args
        args[0] = n >> 8
        args[1] = n & 0xFF
        args[2] = write_value
        self._b.call(ord("R"), args, memoryview(buffer)[start:end])

    def write_readinto(self, buffer_out, buffer_in, *, out_start=0, out_end=None, in_start=0, in_end=None):
        out_end = len(buffer_out) if out_end is None else out_end
        in_end = len(buffer_in) if in_end is None else in_end
        into = memoryview(buffer_in)[in_start:in_end]
        self._b.call(ord("X"), memoryview(buffer_out)[out_start:out_end], into)

    def deinit(self):
        pass
