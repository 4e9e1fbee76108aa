# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Draws examples/webstatic/images/netdev.png, the picture netdev_webstatic.py serves: a
chip with radio waves, made pixel by pixel here (no copied artwork). Run it to rebuild the
file; the example tests check that the committed file is what this script draws.

    python tests/examples/make_webstatic_image.py
"""

import math
import pathlib
import struct
import zlib

SIZE = 96
BACKGROUND = (27, 31, 58)
WAVES = (52, 212, 255)
CHIP = (240, 240, 240)
PINS = (160, 160, 170)
TARGET = pathlib.Path(__file__).resolve().parents[2] / "examples" / "webstatic" / "images" / "netdev.png"


def pixel(x, y):
    """The colour at (x, y): a chip at the bottom, three arcs of radio waves above it."""
    cx, cy = SIZE / 2, 78
    if 36 <= x < 60 and 66 <= y < 90:
        return CHIP
    if (30 <= x < 66 and 70 <= y < 86 and (y - 70) % 5 < 2) or (
        40 <= x < 56 and 60 <= y < 96 and (x - 40) % 5 < 2
    ):
        return PINS
    dx, dy = x + 0.5 - cx, y + 0.5 - cy
    distance = math.hypot(dx, dy)
    if dy < 0 and abs(math.degrees(math.atan2(dx, -dy))) < 45:
        for radius in (22, 36, 50):
            if radius <= distance < radius + 7:
                return WAVES
    return BACKGROUND


def png(width, height, colour):
    """A truecolour PNG (8 bits a channel, no interlace) of ``colour(x, y)``."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(colour(x, y)) for x in range(width)) for y in range(height)
    )

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def image():
    return png(SIZE, SIZE, pixel)


if __name__ == "__main__":
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_bytes(image())
    print("wrote", TARGET, len(image()), "bytes")
