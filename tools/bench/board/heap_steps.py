# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Run on CircuitPython's core (and MicroPython) by ``make bench`` (tools/bench/heap.py): the heap
in use after each step of the tcpclient example's start (imports, building the driver on the
emulated co-processor, joining, one TCP echo), one ``HEAP <bytes> <step>`` line each. Where the
heap goes when the example needs more than the target. Then ``micropython.qstr_info()``'s
line: how many names (qstrs) the loaded modules interned, and their bytes. The last line,
``LAZY <names>``, lists the modules kept for first use (``*._server``, ``*._station``,
``*._tls``, ...) or for the start (``*._startup``, ``*.wiring``, dropped after it) that the run
still holds: a TCP client holds none (tests/circuitpython checks it)."""

import gc
import sys


def mark(step):
    gc.collect()
    print("HEAP %d %s" % (gc.mem_alloc(), step))


mark("interpreter")
import os  # noqa: E402
import time  # noqa: E402, F401

from adafruit_ticks import ticks_ms  # noqa: E402, F401

mark("os, time, adafruit_ticks")
import adafruit_netdev  # noqa: E402, F401

mark("adafruit_netdev")
import net  # noqa: E402, F401

mark("net")
from adafruit_netdev.netlink import ConnectParams  # noqa: E402

mark("adafruit_netdev.netlink")
from adafruit_netdev.probe import probe  # noqa: E402

mark("adafruit_netdev.probe")
import board  # noqa: E402, F401
import busio  # noqa: E402, F401
import digitalio  # noqa: E402, F401

mark("board, busio, digitalio")
# MicroPython's runs name the driver (NETDEV); on CircuitPython's core the board's pins do
if os.getenv("NETDEV", "wifinina" if hasattr(board, "ESP_CS") else "rtl8720dn") == "wifinina":
    import adafruit_netdev_wifinina  # noqa: F401

    mark("adafruit_netdev_wifinina")
else:
    import adafruit_netdev_rtl8720dn  # noqa: F401

    mark("adafruit_netdev_rtl8720dn")
link, dev = probe()
mark("probe(): the driver built and the chip started")
link.net_connect(ConnectParams(os.getenv("CIRCUITPY_WIFI_SSID"), os.getenv("CIRCUITPY_WIFI_PASSWORD")))
mark("joined")
echo = os.getenv("NETDEV_LAB_TCP_ECHO")
if echo:
    conn = net.dial("tcp", echo)
    conn.write(b"x" * 64)
    got = 0
    while got < 64:
        got += len(conn.read(64 - got))
    conn.close()
    mark("a 64-byte TCP echo through net.dial")
# the interned names (qstrs) the heap holds by now: "qstr pool: n_pool=.., n_qstr=.., ..."
import micropython  # noqa: E402

micropython.qstr_info()
kept = ("_server", "_station", "_sockopt", "_udp", "_tls", "_startup", "wiring")
lazy = [n for n in sys.modules if n.startswith("adafruit_netdev_") and n.split(".")[-1] in kept]
print("LAZY", " ".join(sorted(lazy)))
