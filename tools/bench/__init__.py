# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``make bench``: measured speed of every netdev, one table each, written to
docs/benchmarks.rst.

::

    python -m tools.bench [--quick] [--devices host,wifinina-arduino-2.0,...] [--runs N]
                          [--output docs/benchmarks.rst | --no-write] [--no-micropython]
                          [--no-circuitpython]

Netdevs: the WiFiNINA driver on an emulated NINA of each firmware persona, the RTL8720DN
driver on an emulated RTL8720DN, and the host's own sockets as the reference. Driver and
emulator run in this process (CPython); the peers they talk to run in a child process, so
that host CPU time counts driver and emulator only.

Figures:

* throughput in *model time*: the emulator's clock (``stats.snapshot()["model_seconds"]``)
  charges every transaction its bytes at the link rate plus the firmware's per-exchange
  turnaround, so it says how well the driver uses the link, whatever this machine's speed;
  shown as KiB/s and as a share of the raw link rate the run's bus was clocked at, next to
  the ceiling the protocol allows (its framing and the firmware's turnaround at the largest
  chunk it takes);
* bus bytes per payload byte, bus transactions per KiB, host CPU seconds per MiB
  (``time.process_time``, so every thread of this process: driver and emulator), and a
  cProfile of one download;
* echo latency (wall clock): from the peer's send (a CLOCK_MONOTONIC stamp inside the
  reply) to the return of the application's read; the peer answers at once;
* idle: bus transactions per second while a ``recv`` waits for data that does not come;
* connect (TCP, TLS) and DNS: bus transactions and model time;
* steady state: bytes the library code keeps allocated per ``recv``/``send``, and, for
  information, the library's objects alive at a bus operation;
* under MicroPython: the smallest heap at which the tcpclient example completes with the
  library as ``.mpy``, and with those files in a ROMFS image run in place;
* on CircuitPython's own core (built as a board, tools/circuitpython), a table of its own:
  the smallest heap of the tcpclient, http_get and mqttclient examples per driver, and the
  interpreter's work per MiB through a virtual AirLift, this driver beside Adafruit's
  adafruit_esp32spi on the same emulator and core.

Every figure is the median of ``--runs`` runs, shown with its spread (min-max). Targets come
from issue 7; a target not met is marked ``NO`` with the gap, never hidden. The notes are
templates filled from the same run's figures (:mod:`tools.bench.notes`).

The modules: :mod:`~tools.bench.settings` (what a run measures, the targets),
:mod:`~tools.bench.peers` (the child process), :mod:`~tools.bench.rig` (the netdevs),
:mod:`~tools.bench.ceilings` (the protocols' best), :mod:`~tools.bench.transfers` and
:mod:`~tools.bench.allocations` (the measurements), :mod:`~tools.bench.runs` (all of one
netdev), :mod:`~tools.bench.heap` and :mod:`~tools.bench.circuitpython` (MicroPython and
CircuitPython's core; ``board/`` holds the programs they run there),
:mod:`~tools.bench.library` (the library's settings the text cites),
:mod:`~tools.bench.figures`, :mod:`~tools.bench.device_table`,
:mod:`~tools.bench.circuitpython_table`, :mod:`~tools.bench.notes` and
:mod:`~tools.bench.rst` (the document), :mod:`~tools.bench.cli` (the command).
"""


def main(argv=None):
    """``python -m tools.bench`` with ``argv``; returns the exit status."""
    from tools.bench.cli import main as run

    return run(argv)
