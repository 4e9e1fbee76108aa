# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""How much Python heap an emulator spends on one request: a hostile length field must
not make it allocate what the chip never could (tracemalloc sees every thread, and it
records an allocation's size even when the OS lazily backs it, as Linux does for a
4 GiB ``sock.recv(0xFFFFFFFF)`` that then returns 5 bytes)."""

import tracemalloc


class HeapPeak:
    """``with HeapPeak() as heap: ...`` then ``heap.peak``: the most bytes the process
    held beyond what it held when the block started, while it ran."""

    def __init__(self):
        self.peak = None
        self._started = False
        self._base = 0

    def __enter__(self):
        self._started = not tracemalloc.is_tracing()
        if self._started:
            tracemalloc.start()
        tracemalloc.reset_peak()
        self._base = tracemalloc.get_traced_memory()[0]
        return self

    def __exit__(self, *exc):
        self.peak = tracemalloc.get_traced_memory()[1] - self._base
        if self._started:
            tracemalloc.stop()
