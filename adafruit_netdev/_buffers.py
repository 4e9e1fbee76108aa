# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Buffers other than ``bytes`` and ``bytearray`` given to a netdev's ``send`` and ``recv``
(memoryviews, arrays): what :func:`adafruit_netdev.send_view` and
:func:`adafruit_netdev.check_buffer` do with them (under their names: a new name costs
RAM). Loaded on first use, so that a program that only moves bytes and bytearrays does
not keep this code in RAM."""


def send_view(buf):
    """A byte view of ``buf`` (``len()`` counts bytes), or ``TypeError``."""
    if isinstance(buf, str):
        raise TypeError("send needs bytes, not str: encode the text first (text.encode())")
    try:
        view = memoryview(buf)
    except TypeError:
        raise TypeError("send needs bytes, a bytearray, a memoryview or an array, not %r" % (buf,))
    cast = getattr(view, "cast", None)
    if cast is not None:
        try:  # CPython and CircuitPython: the bytes of any C-contiguous buffer
            return cast("B")
        except (TypeError, ValueError):
            raise TypeError("send needs a contiguous buffer (this view is strided): send bytes(view)")
    size = len(view)
    if size and len(bytes(view[size - 1 :])) != 1:  # MicroPython: how wide is an item?
        raise TypeError("send needs a buffer of bytes (items wider than a byte cannot be sent here)")
    return view


def check_buffer(buf):
    """``TypeError`` unless a driver can fill ``buf`` byte by byte."""
    try:
        view = buf if isinstance(buf, memoryview) else memoryview(buf)
        if hasattr(view, "readonly"):  # CPython
            ok = not view.readonly and view.itemsize == 1 and view.c_contiguous
        else:  # MicroPython: read-only and wider items refuse an empty slice of bytes
            view[0:0] = b""
            ok = True
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise TypeError(
            "recv needs a writable buffer of bytes (a bytearray, or a memoryview of one), not %r"
            % (type(buf).__name__,)
        )
