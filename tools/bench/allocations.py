# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Steady state: bytes the library code keeps allocated per ``recv``/``send`` (tracemalloc
over many calls after warm-up, counting the blocks whose innermost project frame is in a
library package), and the library's objects alive at a bus operation during the first
``PROBED_CALLS`` of them."""

import os
import tracemalloc

from tools import LIBRARY_PACKAGES, ROOT
from tools.bench.rig import netdev
from tools.bench.transfers import open_stream, recv_exactly, send_all

PROBED_CALLS = 50  # calls whose bus operations are looked at (a snapshot each is slow)
WARMUP_CALLS = 50
CALL_SIZE = 512  # bytes of each steady-state recv and send
TRACE_FRAMES = 64

_LIBRARY_DIRS = tuple(str(ROOT / name) + os.sep for name in LIBRARY_PACKAGES)
_PROJECT_DIRS = _LIBRARY_DIRS + tuple(
    str(ROOT / name) + os.sep for name in ("netdev_emulator", "tools", "tests")
)


def _library_bytes(traces):
    """Bytes of the traced blocks the library allocated: those whose innermost project
    frame (library, emulator or bench code; the standard library does not count) is in a
    library package. The emulator runs on the driver's stack, so "anywhere in the stack"
    would charge the emulator's allocations to the driver."""
    total = 0
    for trace in traces:
        for frame in reversed(trace.traceback):  # innermost first
            name = frame.filename
            if name.startswith(_PROJECT_DIRS):
                if name.startswith(_LIBRARY_DIRS):
                    total += trace.size
                break
    return total


class BusProbe:
    """Wraps a bus object (SPI or UART): at every operation, the library's allocations
    alive at that moment are summed (tracemalloc traces since the measurement began),
    keeping the largest. Only active while ``armed``."""

    def __init__(self, target):
        self._target = target
        self.armed = False
        self.peak = 0

    def _look(self):
        if self.armed and tracemalloc.is_tracing():
            self.armed = False  # the snapshot itself is not the driver's
            try:
                live = _library_bytes(tracemalloc.take_snapshot().traces)
            finally:
                self.armed = True
            self.peak = max(self.peak, live)

    def __setattr__(self, name, value):
        if name.startswith("_") or name in ("armed", "peak"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._target, name, value)

    def __getattr__(self, name):
        attr = getattr(self._target, name)
        if name in ("write", "readinto", "write_readinto", "read"):

            def probed(*args, **kwargs):
                self._look()
                return attr(*args, **kwargs)

            return probed
        return attr


def _traced(probe, call, calls):
    """``(library bytes retained per call, largest alive at a bus operation)`` over
    ``calls`` calls of ``call()``."""
    tracemalloc.start(TRACE_FRAMES)
    try:
        first = tracemalloc.take_snapshot()
        if probe is not None:
            probe.peak = 0
            probe.armed = True
        for i in range(calls):
            if i == PROBED_CALLS and probe is not None:
                probe.armed = False  # a snapshot at every bus operation is slow: sample the first
            call()
        if probe is not None:
            probe.armed = False
        last = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    retained = _library_bytes(last.traces) - _library_bytes(first.traces)
    return retained / calls, (probe.peak if probe is not None else float("nan"))


def _steady_recv(target, probe, source, calls):
    fd = open_stream(target, source, (calls + WARMUP_CALLS) * CALL_SIZE)
    try:
        buf = bytearray(CALL_SIZE)
        for _ in range(WARMUP_CALLS):
            recv_exactly(target, fd, memoryview(buf))
        return _traced(probe, lambda: recv_exactly(target, fd, buf), calls)
    finally:
        target.dev.close(fd)


def _steady_send(target, probe, sink, calls):
    fd = open_stream(target, sink, (calls + WARMUP_CALLS) * CALL_SIZE)
    try:
        chunk = bytes(CALL_SIZE)
        for _ in range(WARMUP_CALLS):
            send_all(target, fd, chunk)
        return _traced(probe, lambda: send_all(target, fd, chunk), calls)
    finally:
        target.dev.close(fd)


def measure_allocations(name, cafile, peers, calls):
    """Library bytes retained per steady-state ``recv`` and per ``send`` (``calls`` calls
    each, after warm-up), and the most library-allocated bytes alive at a bus operation
    meanwhile: the driver runs on a bus wrapped by :class:`BusProbe` (the host netdev has
    no bus)."""
    probes = []

    def wrap(bus):
        probes.append(BusProbe(bus))
        return probes[-1]

    with netdev(name, cafile, wrap_bus=wrap) as target:
        probe = probes[0] if probes else None
        out = {}
        out["recv_retained"], out["recv_peak"] = _steady_recv(target, probe, peers["source"], calls)
        out["send_retained"], out["send_peak"] = _steady_send(target, probe, peers["sink"], calls)
    return out
