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
emulator run in this process (CPython); the peers they talk to (a byte source, a sink
that checks what it got, a 64-byte echo that stamps its replies, a TLS byte source) run
in a child process, so that host CPU time counts driver and emulator only.

Figures:

* throughput in *model time*: the emulator's clock (``stats.snapshot()["model_seconds"]``)
  charges every transaction its bytes at the link rate plus the firmware's per-exchange
  turnaround, so it says how well the driver uses the link, whatever this machine's speed;
  shown as KiB/s and as a share of the raw link rate (NINA: 8 MHz SPI = 1 000 000 B/s;
  RTL8720DN: 614 400 baud, 10 bits a byte = 61 440 B/s), next to the ceiling the protocol
  allows (its framing and the firmware's turnaround at the largest chunk it takes);
* bus bytes per payload byte, bus transactions per KiB, host CPU seconds per MiB
  (``time.process_time``, so every thread of this process: driver and emulator);
* echo latency (wall clock): from the peer's send (a CLOCK_MONOTONIC stamp inside the
  reply) to the return of the application's read; the peer answers at once;
* idle: bus transactions per second while a ``recv`` waits for data that does not come;
* connect (TCP, TLS) and DNS: bus transactions and model time;
* steady state: bytes the library code keeps allocated per ``recv``/``send``
  (tracemalloc over 1 000 calls after warm-up, counting the blocks whose innermost
  project frame is in a library package), and, for information, the library's objects
  alive at a bus operation during the first 50 of them (on CPython mostly ints above 256
  and argument tuples, which MicroPython does not allocate);
* under MicroPython: the smallest ``-X heapsize`` at which the tcpclient example completes
  with the library as ``.mpy`` (tests/micropython's runner; a bisection in 4 KiB steps),
  and with those ``.mpy`` files in a ROMFS image that runs them in place, as from a board's
  flash (the image's bytes are added to the heap);
* on CircuitPython's own core (10.2.1 built as a 32-bit board, tools/circuitpython), a table
  of its own: the smallest heap of the tcpclient, http_get and mqttclient examples with the
  bundle's 10.x ``.mpy`` files, per driver, and the interpreter's work per MiB downloaded and
  uploaded through a virtual AirLift (instructions counted by valgrind, and user CPU time),
  this driver beside Adafruit's adafruit_esp32spi on the same emulator and core.

Every figure is the median of ``--runs`` runs (5; 2 with ``--quick``), shown with its
spread (min-max). Targets come from issue 7; a target not met is marked ``NO`` with the
gap, never hidden.
"""

import argparse
import contextlib
import datetime
import json
import math
import os
import pathlib
import platform
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zlib

from tools import LIBRARY_PACKAGES, ROOT

KIB = 1024
MIB = 1024 * 1024
NINA_RATE = 1000000  # 8 MHz SPI, bytes per second
RTL_RATE = 61440  # 614 400 baud, 8N1 = 10 bits a byte
ECHO_SIZE = 64
DNS_NAME = "bench.example"
TLS_NAME = "localhost"
AP = ("bench-ap", "bench-password")

DEVICES = ("host", "wifinina-arduino-2.0", "wifinina-adafruit-1.7", "wifinina-adafruit-3.3", "rtl8720dn")
# devices -> the name tests/micropython's runner knows them by
MICROPYTHON_DEVICES = {
    "wifinina-arduino-2.0": "wifinina-arduino-2.0",
    "wifinina-adafruit-1.7": "wifinina-adafruit-1.7",
    "wifinina-adafruit-3.3": "wifinina-adafruit-3.3",
    "rtl8720dn": "rtl8720dn",
}

TARGET_SHARE = 0.90  # bulk TCP at >= 90 % of the raw link rate (model time)
TARGET_P50_MS = 5.0
TARGET_P99_MS = 20.0
TARGET_IDLE = 50.0  # bus transactions per idle second
TARGET_CPU = 0.5  # host CPU seconds per MiB
TARGET_HEAP_KB = 64
# the MicroPython tcpclient heap rows: the library as .mpy files loaded into the heap (as
# CircuitPython loads a bundle), and as .mpy files in a ROMFS image run in place (as from a
# board's flash, like a library frozen into the firmware; the image's bytes come on top of
# the heap). What a board needs is the CircuitPython table's (measure_circuitpython).
HEAP_ROWS = (
    ("mpy", "MicroPython: smallest heap for tcpclient (.mpy)"),
    ("romfs", "MicroPython: smallest heap for tcpclient (.mpy in ROMFS, run in place)"),
)


class Settings:
    """What one bench run measures and how often."""

    def __init__(self, quick=False, runs=None):
        self.quick = quick
        self.runs = runs or (2 if quick else 5)
        self.size = 128 * KIB if quick else MIB
        self.round_trips = 50 if quick else 500
        self.idle_seconds = 0.5 if quick else 2.0
        self.alloc_calls = 200 if quick else 1000
        self.recv_buffer = 8192  # the application's read size (drivers cap it to a frame)


# -- the peers (a child process) ------------------------------------------------------------


def _read_exactly(sock, count):
    data = bytearray()
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def pattern(size):
    """The bytes the source sends: a fixed pseudo-random block, repeated."""
    block = PATTERN_BLOCK
    reps = size // len(block) + 1
    return (block * reps)[:size]


PATTERN_BLOCK = bytes((i * 7919 + (i >> 8) * 31) & 0xFF for i in range(65521))


def serve_source(sock, addr, peer):
    """Request: 8-byte big-endian count. Answer: that many bytes of :func:`pattern`, then
    the end of stream."""
    head = _read_exactly(sock, 8)
    if head is None:
        return
    (count,) = struct.unpack(">Q", head)
    data = memoryview(pattern(count))
    for at in range(0, count, 65536):
        sock.sendall(data[at : at + 65536])


def serve_sink(sock, addr, peer):
    """Request: 8-byte count, then that many bytes. Answer: count received and CRC-32."""
    head = _read_exactly(sock, 8)
    if head is None:
        return
    (count,) = struct.unpack(">Q", head)
    got = 0
    crc = 0
    while got < count:
        chunk = sock.recv(min(65536, count - got))
        if not chunk:
            break
        got += len(chunk)
        crc = zlib.crc32(chunk, crc)
    sock.sendall(struct.pack(">QI", got, crc))
    while sock.recv(65536):  # until the client closes
        pass


def serve_stamped_echo(sock, addr, peer):
    """64-byte requests; each answered at once by 64 bytes whose first 8 are the
    CLOCK_MONOTONIC time (ns) of the answer's send."""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while True:
        request = _read_exactly(sock, ECHO_SIZE)
        if request is None:
            return
        sock.sendall(struct.pack(">Q", time.monotonic_ns()) + request[8:])


def serve_peers(cert, key):
    """The child process: start the peers, print their ports as one JSON line, serve until
    stdin closes."""
    from netdev_emulator.lab_peers import TCPPeer
    from netdev_emulator.lab_tls import server_context

    peers = {
        "source": TCPPeer("bench-source", serve_source),
        "sink": TCPPeer("bench-sink", serve_sink),
        "echo": TCPPeer("bench-echo", serve_stamped_echo),
        "tls_source": TCPPeer("bench-tls-source", serve_source, server_context((cert, key))),
    }
    # The sink's kernel buffer holds a whole upload: a sink process that the scheduler
    # holds back must not stall the emulated firmware's send buffer (Adafruit 1.x closes a
    # connection whose send would block, protocol-nina.rst), a hazard of this loopback only.
    peers["sink"]._listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 * MIB)
    for peer in peers.values():
        peer.start()
    print(json.dumps({name: peer.address[1] for name, peer in peers.items()}), flush=True)
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    deadline = time.monotonic() + 5
    for peer in peers.values():
        peer.stop(deadline)
    return 0


@contextlib.contextmanager
def peer_process(cert, key):
    """The peers in a child process; yields ``{name: ("127.0.0.1", port)}``."""
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "tools.bench", "--serve-peers", cert, key],
        cwd=str(ROOT),
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("bench peers did not start (exit code %s)" % proc.poll())
        yield {name: ("127.0.0.1", port) for name, port in json.loads(line).items()}
    finally:
        proc.stdin.close()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)


# -- the netdevs --------------------------------------------------------------------------------


class Bench:
    """One netdev under test: ``dev`` (the Netdever), ``stats`` (the emulator's BusStats,
    None for the host), ``rate`` (raw link bytes per second) and ``ceilings``
    (``{"down"|"up"|"tls": (the protocol's best share of the link, why)}``)."""

    def __init__(self, name, dev, stats, rate, ceilings):
        self.name = name
        self.dev = dev
        self.stats = stats
        self.rate = rate
        self.ceilings = ceilings or {}

    def snapshot(self):
        return self.stats.snapshot() if self.stats is not None else None


def _world(cafile):
    from netdev_emulator import Network

    return Network(
        access_points={AP[0]: AP[1]},
        hosts={DNS_NAME: "127.0.0.1", TLS_NAME: "127.0.0.1"},
        cafile=cafile,
        resolve_host_names=False,
    )


def _params():
    from adafruit_netdev.netlink import ConnectParams

    return ConnectParams(ssid=AP[0], passphrase=AP[1], retries=3)


TLS_RECORD = 16384  # the largest TLS record, what the peer's OpenSSL sends in bulk


def _chunks(total, largest):
    """``total`` bytes in pieces of at most ``largest``."""
    return [largest] * (total // largest) + ([total % largest] if total % largest else [])


def nina_ceilings():
    """The protocol's best share of the 8 MHz link per transfer (the emulator's timing:
    10 us a transaction, 100 us of firmware turnaround a command, bytes at 1 us): at most
    4086 data bytes per GET_DATABUF (a 12-byte command, data + 6 bytes of reply) and 4083
    per SEND_DATA_TCP (data + 9 bytes of command, an 8-byte reply). Downloads
    are bound by the firmware's 5744-byte receive window (lwIP TCP_WND: what one read can
    find queued, so reads go 4086 + 1658), TLS downloads by 16 KiB records (a read stops at
    a record's end). ``{kind: (share, why)}``."""
    from netdev_emulator.nina_firmware import TCP_WND, NinaTiming

    t = NinaTiming()
    byte = 8.0 / t.baudrate

    def read(n):  # the reply is clocked to its END byte: its padding never crosses the bus
        return 2 * t.cs_overhead + t.turnaround + (12 + n + 6) * byte

    def write(n):
        return 2 * t.cs_overhead + t.turnaround + ((n + 9 + 3) // 4 * 4 + 8) * byte

    def share(pieces, cost):
        return sum(pieces) / sum(cost(n) for n in pieces) / NINA_RATE

    return {
        "down": (share(_chunks(TCP_WND, 4086), read), "%d-byte receive window" % TCP_WND),
        "up": (share([4083], write), "4083 bytes a command"),
        "tls": (share(_chunks(TLS_RECORD, 4086), read), "16 KiB TLS records"),
    }


def rtl_ceilings():
    """The protocol's best share of the 61 440 B/s line per transfer (the emulator's timing:
    bytes at 10 bits each plus 200 us per call; every frame is a 4-byte frame header, an
    8-byte message header and the fields): rpc_lwip_recv of up to 4080 bytes (a 28-byte call,
    data + 20 bytes of reply), rpc_lwip_send of up to 4076 bytes (data + 24 bytes of call, a
    16-byte reply), TLS reads of up to 4080 bytes stopping at 16 KiB record ends (a 20-byte
    call). ``{kind: (share, why)}``."""
    from netdev_emulator.rtl8720_firmware import TIMING

    def cost(call_bytes, reply_bytes):
        return lambda n: (call_bytes(n) + reply_bytes(n)) / RTL_RATE + TIMING["turnaround"]

    def share(pieces, time_of):
        return sum(pieces) / sum(time_of(n) for n in pieces) / RTL_RATE

    recv = cost(lambda n: 28, lambda n: n + 20)
    send = cost(lambda n: n + 24, lambda n: 16)
    tls = cost(lambda n: 20, lambda n: n + 20)
    return {
        "down": (share([4080], recv), "4080 bytes a call"),
        "up": (share([4076], send), "4076 bytes a call"),
        "tls": (share(_chunks(TLS_RECORD, 4080), tls), "16 KiB TLS records"),
    }


@contextlib.contextmanager
def netdev(name, cafile, gpio0=True):
    """Build ``name`` (joined to the bench access point); yields a :class:`Bench`. ``gpio0``
    False leaves NINA's GPIO0 unwired (boards without ESP_GPIO0)."""
    if name == "host":
        from adafruit_netdev.host import HostNetdev

        dev = HostNetdev(
            cafile=cafile, hosts={DNS_NAME: "127.0.0.1", TLS_NAME: "127.0.0.1"}, any_address="127.0.0.1"
        )
        dev.net_connect(_params())
        try:
            yield Bench(name, dev, None, None, None)
        finally:
            _close_all(dev)
        return
    if name.startswith("wifinina-"):
        from adafruit_netdev_wifinina import WiFiNINA
        from netdev_emulator import NinaEmulator

        chip = NinaEmulator(_world(cafile), persona=name[len("wifinina-") :])
        try:
            dev = WiFiNINA(chip.spi, chip.cs, chip.ready, chip.reset, chip.gpio0 if gpio0 else None)
            dev.net_connect(_params())
            try:
                yield Bench(name, dev, chip.stats, NINA_RATE, nina_ceilings())
            finally:
                _close_all(dev)
        finally:
            chip.close()
        return
    if name == "rtl8720dn":
        from adafruit_netdev_rtl8720dn import RTL8720DN
        from netdev_emulator import RTL8720Emulator

        chip = RTL8720Emulator(_world(cafile), firmware="2.1.3")
        try:
            dev = RTL8720DN(chip.uart, chip.enable)
            dev.root_ca = pathlib.Path(cafile).read_text()  # the firmware verifies only with one
            dev.net_connect(_params())
            try:
                yield Bench(name, dev, chip.stats, RTL_RATE, rtl_ceilings())
            finally:
                _close_all(dev)
        finally:
            chip.close()
        return
    raise ValueError("unknown netdev %r: choose from %s" % (name, ", ".join(DEVICES)))


def _close_all(dev):
    for fd in dev.open_fds():
        dev.close(fd)
    with contextlib.suppress(OSError):
        dev.net_disconnect()


# -- measurements ---------------------------------------------------------------------------------


def _delta(after, before):
    if after is None:
        return None
    return {
        key: after[key] - before[key]
        for key in ("transactions", "bytes_to_device", "bytes_from_device", "model_seconds")
    }


def _open(bench, address, tls=False, timeout=20):
    import adafruit_netdev as nd

    dev = bench.dev
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS if tls else nd.IPPROTO_TCP)
    try:
        dev.connect(fd, TLS_NAME if tls else "", address, nd.deadline(timeout))
    except BaseException:
        dev.close(fd)
        raise
    return fd


def _send_all(bench, fd, data, timeout=60):
    import adafruit_netdev as nd

    assert bench.dev.send(fd, data, 0, nd.deadline(timeout)) == len(data)


def _recv_exactly(bench, fd, view, timeout=60):
    import adafruit_netdev as nd

    dev = bench.dev
    got = 0
    count = len(view)
    dl = nd.deadline(timeout)
    while got < count:
        n = dev.recv(fd, view[got:count], 0, dl)
        if n == 0:
            raise OSError("end of stream after %d of %d bytes" % (got, count))
        got += n
    return got


def _transfer_figures(bench, size, delta, cpu, wall):
    figures = {"cpu_per_mib": cpu * MIB / size, "wall_kib_s": size / KIB / wall}
    if delta is not None:
        model = delta["model_seconds"]
        figures.update(
            kib_s=size / KIB / model,
            share=size / model / bench.rate,
            bus_per_byte=(delta["bytes_to_device"] + delta["bytes_from_device"]) / size,
            transactions_per_kib=delta["transactions"] / (size / KIB),
        )
    return figures


def measure_download(bench, address, size, chunk, tls=False):
    """One download of ``size`` bytes from the source; the figures of the transfer (the
    request and the connect are outside it)."""
    fd = _open(bench, address, tls)
    try:
        _send_all(bench, fd, struct.pack(">Q", size))
        into = bytearray(size)
        view = memoryview(into)
        dev = bench.dev
        import adafruit_netdev as nd

        dl = nd.deadline(120)
        before = bench.snapshot()
        cpu0 = time.process_time()
        wall0 = time.perf_counter()
        got = 0
        while got < size:
            end = got + chunk if size - got > chunk else size
            n = dev.recv(fd, view[got:end], 0, dl)
            if n == 0:
                raise OSError("download: end of stream after %d of %d bytes" % (got, size))
            got += n
        wall = time.perf_counter() - wall0
        cpu = time.process_time() - cpu0
        delta = _delta(bench.snapshot(), before)
        if into != pattern(size):
            raise AssertionError("download: the bytes differ from what the source sent")
    finally:
        bench.dev.close(fd)
    return _transfer_figures(bench, size, delta, cpu, wall)


def measure_upload(bench, address, size):
    """One upload of ``size`` bytes to the sink in one ``send`` call (the driver chunks it);
    the sink's count and CRC are checked afterwards, outside the measurement."""
    data = pattern(size)
    fd = _open(bench, address)
    try:
        _send_all(bench, fd, struct.pack(">Q", size))
        before = bench.snapshot()
        cpu0 = time.process_time()
        wall0 = time.perf_counter()
        _send_all(bench, fd, data, 120)
        wall = time.perf_counter() - wall0
        cpu = time.process_time() - cpu0
        delta = _delta(bench.snapshot(), before)
        answer = bytearray(12)
        _recv_exactly(bench, fd, memoryview(answer))
        got, crc = struct.unpack(">QI", answer)
        if got != size or crc != zlib.crc32(data):
            raise AssertionError(
                "upload: the sink got %d bytes (crc %08x), expected %d (%08x)"
                % (got, crc, size, zlib.crc32(data))
            )
    finally:
        bench.dev.close(fd)
    return _transfer_figures(bench, size, delta, cpu, wall)


def measure_echo(bench, address, round_trips, idle_seconds):
    """``round_trips`` 64-byte echoes: latency from the peer's send stamp to the return of
    the read that completes the answer; then an idle wait: bus transactions per second
    while ``recv`` waits ``idle_seconds`` for data that does not come."""
    import adafruit_netdev as nd

    dev = bench.dev
    fd = _open(bench, address)
    latencies = []
    try:
        request = bytearray(ECHO_SIZE)
        answer = bytearray(ECHO_SIZE)
        view = memoryview(answer)
        for i in range(round_trips + 5):
            if i == 5:  # the first few warm the path up
                start = bench.snapshot()
            struct.pack_into(">Q", request, 8, i)
            _send_all(bench, fd, request)
            got = 0
            while got < ECHO_SIZE:
                n = dev.recv(fd, view[got:], 0, nd.deadline(10))
                if n == 0:
                    raise OSError("echo: end of stream")
                got += n
            now = time.monotonic_ns()
            (stamp,) = struct.unpack_from(">Q", answer)
            if struct.unpack_from(">Q", answer, 8)[0] != i:
                raise AssertionError("echo: answer %d out of order" % i)
            if i >= 5:  # the first few warm the path up
                latencies.append((now - stamp) / 1e6)
        before = bench.snapshot()
        trips = _delta(before, start)
        wall0 = time.perf_counter()
        try:
            dev.recv(fd, answer, 0, nd.deadline(idle_seconds))
            raise AssertionError("idle: data came from a silent peer")
        except OSError as exc:
            if exc.args[0] != nd.ETIMEDOUT:
                raise
        wall = time.perf_counter() - wall0
        delta = _delta(bench.snapshot(), before)
    finally:
        dev.close(fd)
    latencies.sort()
    figures = {
        "p50_ms": _percentile(latencies, 50),
        "p99_ms": _percentile(latencies, 99),
        "max_ms": latencies[-1],
    }
    if delta is not None:
        figures["idle_tps"] = delta["transactions"] / wall
        figures["trip_model_ms"] = trips["model_seconds"] * 1000 / round_trips
        figures["trip_transactions"] = trips["transactions"] / round_trips
    return figures


def _percentile(ordered, pct):
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100.0
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def measure_setup(bench, peers):
    """Connect (TCP, TLS) and a DNS lookup: bus transactions and model time each (wall
    time too: the host netdev has no bus)."""
    dev = bench.dev
    figures = {}
    for key, tls, address in (("tcp", False, peers["source"]), ("tls", True, peers["tls_source"])):
        import adafruit_netdev as nd

        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS if tls else nd.IPPROTO_TCP)
        try:
            before = bench.snapshot()
            wall0 = time.perf_counter()
            dev.connect(fd, TLS_NAME if tls else "", address, nd.deadline(20))
            figures[key + "_wall_ms"] = (time.perf_counter() - wall0) * 1000
            delta = _delta(bench.snapshot(), before)
        finally:
            dev.close(fd)
        if delta is not None:
            figures[key + "_transactions"] = delta["transactions"]
            figures[key + "_model_ms"] = delta["model_seconds"] * 1000
    before = bench.snapshot()
    wall0 = time.perf_counter()
    if dev.gethostbyname(DNS_NAME) != "127.0.0.1":
        raise AssertionError("DNS: %s did not resolve to 127.0.0.1" % DNS_NAME)
    figures["dns_wall_ms"] = (time.perf_counter() - wall0) * 1000
    delta = _delta(bench.snapshot(), before)
    if delta is not None:
        figures["dns_transactions"] = delta["transactions"]
        figures["dns_model_ms"] = delta["model_seconds"] * 1000
    return figures


# -- steady-state allocations ---------------------------------------------------------------------

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


class _BusProbe:
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


def measure_allocations(name, cafile, peers, calls):
    """Library bytes retained per steady-state ``recv`` and per ``send`` (tracemalloc over
    ``calls`` calls each, after warm-up), and the most library-allocated bytes alive at a
    bus operation meanwhile. The driver runs on a bus wrapped by :class:`_BusProbe`."""
    with _probed_netdev(name, cafile) as (bench, probe):
        dev = bench.dev
        out = {}
        # recv: from a source that has more than enough queued
        fd = _open(bench, peers["source"])
        try:
            _send_all(bench, fd, struct.pack(">Q", (calls + 50) * 512))
            buf = bytearray(512)
            for _ in range(50):
                _recv_exactly(bench, fd, memoryview(buf))
            out["recv_retained"], out["recv_peak"] = _traced(
                probe, lambda: _recv_exactly(bench, fd, buf), calls, "recv"
            )
        finally:
            dev.close(fd)
        fd = _open(bench, peers["sink"])
        try:
            chunk = bytes(512)
            _send_all(bench, fd, struct.pack(">Q", (calls + 50) * len(chunk)))
            for _ in range(50):
                _send_all(bench, fd, chunk)
            out["send_retained"], out["send_peak"] = _traced(
                probe, lambda: _send_all(bench, fd, chunk), calls, "send"
            )
        finally:
            dev.close(fd)
    return out


PROBED_CALLS = 50


def _traced(probe, call, calls, what):
    tracemalloc.start(64)
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


@contextlib.contextmanager
def _probed_netdev(name, cafile):
    """Like :func:`netdev`, with the bus behind a :class:`_BusProbe`."""
    if name == "host":
        with netdev(name, cafile) as bench:
            yield bench, None
        return
    if name.startswith("wifinina-"):
        from adafruit_netdev_wifinina import WiFiNINA
        from netdev_emulator import NinaEmulator

        chip = NinaEmulator(_world(cafile), persona=name[len("wifinina-") :])
        probe = _BusProbe(chip.spi)
        try:
            dev = WiFiNINA(probe, chip.cs, chip.ready, chip.reset, chip.gpio0)
            dev.net_connect(_params())
            try:
                yield Bench(name, dev, chip.stats, NINA_RATE, None), probe
            finally:
                _close_all(dev)
        finally:
            chip.close()
        return
    from adafruit_netdev_rtl8720dn import RTL8720DN
    from netdev_emulator import RTL8720Emulator

    chip = RTL8720Emulator(_world(cafile), firmware="2.1.3")
    probe = _BusProbe(chip.uart)
    try:
        dev = RTL8720DN(probe, chip.enable)
        dev.net_connect(_params())
        try:
            yield Bench(name, dev, chip.stats, RTL_RATE, None), probe
        finally:
            _close_all(dev)
    finally:
        chip.close()


# -- MicroPython -----------------------------------------------------------------------------------


def measure_micropython(devices, log):
    """``{device: {"mpy": KiB or None, "romfs": KiB or None}}``: the smallest heap the
    tcpclient example completes in with the library as .mpy and as .mpy in ROMFS
    (tests/micropython's runner), or ``{device: reason}`` strings when it cannot run here."""
    wanted = [d for d in devices if d in MICROPYTHON_DEVICES]
    if not wanted:
        return {}
    try:
        from netdev_emulator import Lab
        from tests.circuitpython import heapsize
        from tests.micropython import harness
    except ImportError as exc:
        return {d: "not measured: the MicroPython runner is missing (%s)" % exc for d in wanted}
    if not os.path.exists(harness.MICROPYTHON):
        return {d: "not measured: no MicroPython unix port at %s" % harness.MICROPYTHON for d in wanted}
    out = {}
    profiles = {}
    with Lab(mqtt=False) as lab, tempfile.TemporaryDirectory() as tmp:
        lib = harness.build_lib(tmp, mpy=True)
        libs = {"mpy": lib, "romfs": harness.build_romfs(lib)}
        for device in wanted:
            log("  MicroPython heap, %s ..." % device)
            out[device] = {
                kind: libs[kind]
                if isinstance(libs[kind], str)
                else heapsize.smallest_heap(lab, MICROPYTHON_DEVICES[device], "tcpclient", libs[kind], kind)
                for kind, _label in HEAP_ROWS
            }
            name = "%s, MicroPython unix port (64-bit)" % harness.DEVICES[MICROPYTHON_DEVICES[device]][1]
            if name not in profiles:
                profiles[name] = _heap_profile(harness, lab, MICROPYTHON_DEVICES[device], lib)
    out["profiles"] = profiles
    return out


def _heap_profile(harness, lab, device, lib):
    """``[(step, bytes in use)]`` from tools/bench_mpheap.py under MicroPython (1 MiB heap),
    then ``("names", (count, bytes))``: the interned names (qstrs) the heap holds at the end."""
    with harness.EmulatorProcess(device, lab.network_settings()) as emulator:
        env = harness.micropython_environ(device, emulator.address, lib, lab.environ())
        result = harness.run_micropython(ROOT / "tools" / "bench_mpheap.py", env, "1M")
    return parse_heap_profile(result.stdout)


def parse_heap_profile(output):
    """The steps of tools/bench_mpheap.py's ``output`` (see :func:`_heap_profile`)."""
    steps = []
    for line in output.splitlines():
        if line.startswith("HEAP "):
            _, used, step = line.split(" ", 2)
            steps.append((step, int(used)))
        names = re.search(r"n_qstr=(\d+).*n_total_bytes=(\d+)", line)
        if names and steps:
            steps.append(("names", (int(names.group(1)), int(names.group(2)))))
    return steps


# -- CircuitPython's core ---------------------------------------------------------------------------

# The smallest heap each program needs on CircuitPython's core (tools/circuitpython: 10.2.1's
# unix port built as a 32-bit board) with the bundle's 10.x .mpy library, per driver, and its
# target (None: none)
CP_HEAP_PROGRAMS = (("tcpclient", 64), ("http_get", 96), ("mqttclient", None))
CP_HEAP_DEVICES = (("wifinina-arduino-2.0", "WiFiNINA"), ("rtl8720dn", "RTL8720DN"))
# The interpreter's work per MiB moved through an AirLift: this project's driver beside
# Adafruit's adafruit_esp32spi (PyPI, unmodified) on the same virtual AirLift and core
CP_CPU_DEVICE = "wifinina-adafruit-3.3"
CP_CPU_DRIVERS = ("netdev", "esp32spi")
TARGET_CP_CPU_RATIO = 0.5
CP_TABLE = "CircuitPython 10.2.1 core, a 32-bit board"
# Bytes per run. Instruction counts (valgrind's cachegrind: every user-mode instruction of the
# process) are exact, so a MiB does; the kernel's user time is sampled at its clock tick (10 ms),
# so those runs move more. adafruit_esp32spi uploads in 64-byte commands: fewer bytes there.
CP_COUNT_BYTES = {("netdev", "down"): MIB, ("netdev", "up"): MIB, ("esp32spi", "down"): MIB,
                  ("esp32spi", "up"): 256 * KIB}  # fmt: skip
CP_TIME_BYTES = {("netdev", "down"): 8 * MIB, ("netdev", "up"): 8 * MIB, ("esp32spi", "down"): 8 * MIB,
                 ("esp32spi", "up"): MIB}  # fmt: skip
CP_TIME_RUNS = 3
VALGRIND = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]


def measure_circuitpython(peers, log):
    """The CircuitPython table's figures: ``{"heap": {(device, program): KiB or None},
    "profiles": {name: steps}, "instructions": {(driver, direction): per MiB}, "user_ms":
    {(driver, direction): per MiB}}``, or a string saying why they were not measured."""
    try:
        from netdev_emulator import Lab
        from tests.circuitpython import harness, heapsize
        from tools import circuitpython
    except ImportError as exc:
        return "not measured: the CircuitPython runner is missing (%s)" % exc
    if not circuitpython.built():
        return "not measured: CircuitPython is not built (make circuitpython)"
    out = {"heap": {}, "profiles": {}, "instructions": {}, "user_ms": {}, "failures": []}
    with Lab() as lab, tempfile.TemporaryDirectory() as tmp:
        lib = harness.build_lib(tmp, extra=("adafruit_esp32spi",))
        for device, label in CP_HEAP_DEVICES:
            for program, _target in CP_HEAP_PROGRAMS:
                log("  CircuitPython heap, %s, %s ..." % (program, device))
                out["heap"][(device, program)] = heapsize.smallest_heap(lab, device, program, lib)
            with harness.EmulatorProcess(device, lab.network_settings()) as emulator:
                env = harness.board_environ(device, emulator.address, lib, lab.environ())
                result = harness.run_program(ROOT / "tools" / "bench_mpheap.py", env, "1M")
            profile = parse_heap_profile(result.stdout)
            out["profiles"]["%s, CircuitPython 10.2.1 (32-bit board)" % label] = profile
        counting = shutil.which("valgrind") is not None
        if not counting:
            out["failures"].append("instructions not counted: valgrind is missing (apt-get install valgrind)")
        for driver in CP_CPU_DRIVERS:
            for direction in ("down", "up"):
                log("  CircuitPython CPU, %s %s ..." % (driver, direction))
                try:
                    # the least of a few runs: what other work on the machine adds goes away
                    size = CP_TIME_BYTES[(driver, direction)]
                    runs = range(CP_TIME_RUNS)
                    ticks = min(_cp_transfer(harness, lib, peers, driver, direction, size)[0] for _ in runs)
                    seconds = ticks / os.sysconf("SC_CLK_TCK")
                    out["user_ms"][(driver, direction)] = seconds * 1000.0 * MIB / size
                    if counting:
                        size = CP_COUNT_BYTES[(driver, direction)]
                        _, moved = _cp_transfer(harness, lib, peers, driver, direction, size, VALGRIND)
                        _, start = _cp_transfer(harness, lib, peers, driver, direction, 0, VALGRIND)
                        out["instructions"][(driver, direction)] = (moved - start) * MIB / size
                except RuntimeError as exc:
                    out["failures"].append(str(exc))
                    log("  %s" % exc)
    return out


def _cp_transfer(harness, lib, peers, driver, direction, size, wrapper=()):
    """tools/bench_transfer.py on the board, ``driver`` moving ``size`` bytes ``direction``
    through the virtual AirLift: ``(user ticks, instructions or None)``."""
    port = peers["source" if direction == "down" else "sink"][1]
    world = {"access_points": {AP[0]: AP[1]}, "hosts": {}, "ports": {}}
    with harness.EmulatorProcess(CP_CPU_DEVICE, world) as emulator:
        join = {"CIRCUITPY_WIFI_SSID": AP[0], "CIRCUITPY_WIFI_PASSWORD": AP[1]}
        env = harness.board_environ(CP_CPU_DEVICE, emulator.address, lib, join)
        argv = list(wrapper) + harness.board_argv(ROOT / "tools" / "bench_transfer.py", "192K")
        argv += [driver, direction, "127.0.0.1", str(port), str(size)]
        try:
            result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=900, check=False)
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError("%s %s of %d bytes took more than 900 s" % (driver, direction, size)) from exc
    line = re.search(r"^CPU \w+ (\d+) (\d+) (-?\d+)$", result.stdout, re.MULTILINE)
    if not line or int(line.group(3)) != size:
        raise RuntimeError(
            "%s %s of %d bytes failed: %s" % (driver, direction, size, (result.stdout + result.stderr)[-600:])
        )
    counted = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
    return int(line.group(1)), int(counted.group(1).replace(",", "")) if counted else None


def circuitpython_rows(found):
    """The CircuitPython table: heaps with their targets, then the interpreter's work per MiB
    through the AirLift, this driver beside adafruit_esp32spi."""
    rows = []
    if isinstance(found, str):
        return [Row("CircuitPython 10.2.1 core", found, "", "", None)]
    for program, target in CP_HEAP_PROGRAMS:
        for device, label in CP_HEAP_DEVICES:
            kb = found["heap"].get((device, program))
            what = "%s, %s: smallest heap (10.x .mpy)" % (program, label)
            wanted = "<= %d KiB" % target if target else ""
            if kb is None:
                rows.append(Row(what, "fails even at 1 MiB", "", wanted, False if target else None))
                continue
            gap = "" if not target or kb <= target else "; gap %d KiB" % (kb - target)
            met = kb <= target if target else None
            rows.append(Row(what, "%d KiB%s" % (kb, gap), "bisection, 4 KiB steps", wanted, met))
    for direction, title in (("down", "TCP download"), ("up", "TCP upload")):
        for key, what, unit, scale, how in (
            ("instructions", "interpreter instructions per MiB", "M", 1e-6, "exact: valgrind, %s / %s"),
            ("user_ms", "interpreter CPU ms per MiB (user time)", " ms", 1, "least of 3 runs: %s / %s"),
        ):
            ours = found[key].get(("netdev", direction))
            theirs = found[key].get(("esp32spi", direction))
            if ours is None or theirs is None:
                continue
            sizes = CP_COUNT_BYTES if key == "instructions" else CP_TIME_BYTES
            ratio = ours / theirs if theirs else float("nan")
            rows.append(
                Row(
                    "%s (%s): %s, this driver / adafruit_esp32spi" % (title, CP_CPU_DEVICE, what),
                    "%s%s / %s%s = %.2f"
                    % (_num(ours * scale, 1), unit, _num(theirs * scale, 1), unit, ratio),
                    how % tuple(_size(sizes[(d, direction)]) for d in CP_CPU_DRIVERS),
                    "<= %.2f" % TARGET_CP_CPU_RATIO,
                    ratio <= TARGET_CP_CPU_RATIO,
                )
            )
    for failure in found.get("failures", []):
        rows.append(Row("FAILED", failure[:100], "", "", False))
    return rows


def _size(count):
    return "%d MiB" % (count // MIB) if count >= MIB else "%d KiB" % (count // KIB)


def heap_profile_table(steps):
    """An RST table of a MicroPython heap profile: each step, its cost and the total."""
    rows = [["step", "heap in use", "this step"]]
    last = 0
    names = None
    for step, used in steps:
        if step == "names":
            names = used
            continue
        rows.append([step, "%s B" % _num(used), "+%s B" % _num(used - last) if last else ""])
        last = used
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    rule = "  ".join("=" * w for w in widths)
    lines = [rule, "  ".join(c.ljust(w) for c, w in zip(rows[0], widths)).rstrip(), rule]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows[1:]]
    lines.append(rule)
    if names:
        lines += [
            "",
            "Of that, %s interned names (qstrs: module, function, attribute and argument names, "
            "short strings, file paths) take %s B." % (_num(names[0]), _num(names[1])),
        ]
    return "\n".join(lines)


# -- runs, medians, tables ---------------------------------------------------------------------------


def run_device(name, settings, cafile, peers, log):
    """Every measurement of one netdev, ``settings.runs`` times: ``{"samples": {key:
    [values]}, "failures": {prefix: [messages]}, ...}``. A measurement that fails is
    recorded (and shown in the table), not fatal."""
    samples = {}
    failures = {}

    def attempt(prefix, measure, *args, **kwargs):
        try:
            figures = measure(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the table shows it
            message = "%s: %s" % (type(exc).__name__, exc)
            failures.setdefault(prefix, []).append(message)
            log("  %s %s failed: %s" % (name, prefix.rstrip("_"), message))
            return
        for key, value in figures.items():
            samples.setdefault(prefix + key, []).append(value)

    with netdev(name, cafile) as bench:
        ceilings = bench.ceilings
        rate = bench.rate
        # one unmeasured round first: connections, caches, the TLS session cache
        attempt("warmup_", measure_download, bench, peers["source"], 16 * KIB, settings.recv_buffer)
        attempt("warmup_", measure_upload, bench, peers["sink"], 16 * KIB)
        samples.clear()
        for run in range(settings.runs):
            began = time.monotonic()
            attempt("down_", measure_download, bench, peers["source"], settings.size, settings.recv_buffer)
            attempt("up_", measure_upload, bench, peers["sink"], settings.size)
            attempt(
                "tls_",
                measure_download,
                bench,
                peers["tls_source"],
                settings.size,
                settings.recv_buffer,
                tls=True,
            )
            attempt("echo_", measure_echo, bench, peers["echo"], settings.round_trips, settings.idle_seconds)
            attempt("setup_", measure_setup, bench, peers)
            log("  %s run %d/%d: %.1f s" % (name, run + 1, settings.runs, time.monotonic() - began))
    if name.startswith("wifinina-"):
        for _ in range(settings.runs):
            with netdev(name, cafile, gpio0=False) as bench:
                attempt("nogpio0_", measure_echo, bench, peers["echo"], 20, settings.idle_seconds)
    began = time.monotonic()
    attempt("alloc_", measure_allocations, name, cafile, peers, settings.alloc_calls)
    log("  %s allocations: %.1f s" % (name, time.monotonic() - began))
    return {"samples": samples, "failures": failures, "rate": rate, "ceilings": ceilings}


class _Samples(dict):
    def __missing__(self, key):
        return []


def median(values):
    return statistics.median(values) if values else float("nan")


def _num(value, digits=0):
    if value is None or math.isnan(value):
        return "-"
    return "{:,.{}f}".format(value, digits).replace(",", " ")


class Row:
    def __init__(self, what, value, spread, target="", met=None):
        self.what = what
        self.value = value
        self.spread = spread
        self.target = target
        self.met = met

    def cells(self):
        mark = "" if self.met is None else ("yes" if self.met else "NO")
        return [self.what, self.value, self.spread, self.target, mark]


def _spread(values, digits=0, unit=""):
    if not values:
        return ""
    if len(values) == 1:
        return "(1 run)"
    return "%s-%s%s" % (_num(min(values), digits), _num(max(values), digits), unit)


def build_rows(name, result, settings, micropython):
    s = _Samples(result["samples"])
    failures = result.get("failures", {})
    rate = result["rate"]
    ceilings = result["ceilings"]
    size_label = (
        "%s KiB" % _num(settings.size / KIB) if settings.size < MIB else "%d MiB" % (settings.size // MIB)
    )
    rows = []
    emulated = rate is not None

    def failed(prefix, label, runs):
        messages = failures.get(prefix)
        if messages:
            text = messages[0] if len(messages[0]) <= 100 else messages[0][:97] + "..."
            rows.append(
                Row("%s: FAILED in %d of %d runs" % (label, len(messages), runs), text, "", "", False)
            )

    for prefix, label, direction in (
        ("down_", "TCP download %s" % size_label, "down"),
        ("up_", "TCP upload %s" % size_label, "up"),
        ("tls_", "TLS download %s" % size_label, "tls"),
    ):
        failed(prefix, label, settings.runs)
        if emulated:
            share = s[prefix + "share"]
            ceiling, why = ceilings.get(direction, (None, ""))
            gap = ""
            met = median(share) >= TARGET_SHARE
            if not met:
                gap = "; gap %.1f points" % (100 * (TARGET_SHARE - median(share)))
            if ceiling:
                gap += "; %.1f %% of the ceiling" % (100 * median(share) / ceiling)
            target = ">= 90 %" if prefix != "tls_" else ""
            if ceiling:
                target += "%sceiling %.1f %% (%s)" % ("; " if target else "", 100 * ceiling, why)
            rows.append(
                Row(
                    "%s: model throughput" % label,
                    "%s KiB/s = %.1f %% of %s B/s%s"
                    % (_num(median(s[prefix + "kib_s"])), 100 * median(share), _num(rate), gap),
                    _spread([100 * v for v in share], 1, " %"),
                    target,
                    met if prefix != "tls_" else None,
                )
            )
            rows.append(
                Row(
                    "%s: bus bytes per payload byte" % label,
                    _num(median(s[prefix + "bus_per_byte"]), 4),
                    _spread(s[prefix + "bus_per_byte"], 4),
                )
            )
            rows.append(
                Row(
                    "%s: bus transactions per KiB" % label,
                    _num(median(s[prefix + "transactions_per_kib"]), 3),
                    _spread(s[prefix + "transactions_per_kib"], 3),
                )
            )
        else:
            rows.append(
                Row(
                    "%s: wall-clock throughput" % label,
                    "%s KiB/s" % _num(median(s[prefix + "wall_kib_s"])),
                    _spread(s[prefix + "wall_kib_s"]),
                )
            )
        cpu = median(s[prefix + "cpu_per_mib"])
        rows.append(
            Row(
                "%s: host CPU s per MiB" % label,
                _num(cpu, 3),
                _spread(s[prefix + "cpu_per_mib"], 3),
                "<= %.1f" % TARGET_CPU,
                cpu <= TARGET_CPU if emulated else None,
            )
        )

    failed("echo_", "echo and idle", settings.runs)
    failed("setup_", "connect and DNS", settings.runs)
    failed("alloc_", "steady state", 1)
    p50 = median(s["echo_p50_ms"])
    p99 = median(s["echo_p99_ms"])
    rows.append(
        Row(
            "echo 64 B x %d: latency p50 (wall)" % settings.round_trips,
            "%s ms" % _num(p50, 2),
            _spread(s["echo_p50_ms"], 2),
            "<= %g ms" % TARGET_P50_MS,
            p50 <= TARGET_P50_MS,
        )
    )
    rows.append(
        Row(
            "echo 64 B x %d: latency p99 (wall)" % settings.round_trips,
            "%s ms" % _num(p99, 2),
            _spread(s["echo_p99_ms"], 2),
            "<= %g ms" % TARGET_P99_MS,
            p99 <= TARGET_P99_MS,
        )
    )
    rows.append(
        Row(
            "echo: slowest round trip (wall)",
            "%s ms" % _num(median(s["echo_max_ms"]), 2),
            _spread(s["echo_max_ms"], 2),
        )
    )
    if emulated:
        rows.append(
            Row(
                "echo: bus time per round trip (model), transactions",
                "%s ms, %s"
                % (_num(median(s["echo_trip_model_ms"]), 3), _num(median(s["echo_trip_transactions"]), 1)),
                _spread(s["echo_trip_model_ms"], 3, " ms"),
            )
        )
        idle = median(s["echo_idle_tps"])
        rows.append(
            Row(
                "idle recv: bus transactions per second",
                _num(idle, 1),
                _spread(s["echo_idle_tps"], 1),
                "<= %g" % TARGET_IDLE,
                idle <= TARGET_IDLE,
            )
        )
        if s["nogpio0_idle_tps"] or failures.get("nogpio0_"):
            failed("nogpio0_", "idle recv without GPIO0", settings.runs)
            idle = median(s["nogpio0_idle_tps"])
            rows.append(
                Row(
                    "idle recv, GPIO0 not wired: bus transactions per second",
                    _num(idle, 1),
                    _spread(s["nogpio0_idle_tps"], 1),
                    "<= %g (after 200 ms idle: data asked every 60 ms, state every 200 ms)" % TARGET_IDLE,
                    idle <= TARGET_IDLE,
                )
            )
        for key, label in (("tcp", "connect TCP"), ("tls", "connect TLS"), ("dns", "DNS lookup")):
            rows.append(
                Row(
                    "%s: bus transactions, model time" % label,
                    "%s, %s ms"
                    % (
                        _num(median(s["setup_%s_transactions" % key])),
                        _num(median(s["setup_%s_model_ms" % key]), 2),
                    ),
                    _spread(s["setup_%s_model_ms" % key], 2, " ms"),
                )
            )
    else:
        for key, label in (("tcp", "connect TCP"), ("tls", "connect TLS"), ("dns", "DNS lookup")):
            rows.append(
                Row(
                    "%s: wall time" % label,
                    "%s ms" % _num(median(s["setup_%s_wall_ms" % key]), 2),
                    _spread(s["setup_%s_wall_ms" % key], 2, " ms"),
                )
            )
    for what in ("recv", "send"):
        retained = median(s["alloc_%s_retained" % what])
        peak = median(s["alloc_%s_peak" % what])
        rows.append(
            Row(
                "steady-state %s: library bytes kept per call" % what,
                _num(retained, 1),
                "%d calls" % settings.alloc_calls,
                "0",
                abs(retained) < 0.5 if emulated else None,
            )
        )
        if emulated:
            rows.append(
                Row(
                    "steady-state %s: library objects alive at a bus operation (CPython)" % what,
                    "%s B" % _num(peak),
                    "largest, first %d calls" % min(PROBED_CALLS, settings.alloc_calls),
                )
            )
    if name in MICROPYTHON_DEVICES:
        found = micropython.get(name, "not measured (--no-micropython)")
        target = "<= %d KiB" % TARGET_HEAP_KB
        for kind, label in HEAP_ROWS:
            kb = found if isinstance(found, str) else found[kind]
            if isinstance(kb, str):
                rows.append(Row(label, kb, "", target, None))
            elif kb is None:
                rows.append(Row(label, "fails even at 1 MiB", "", target, False))
            else:
                rows.append(Row(label, "%d KiB" % kb, "bisection, 4 KiB steps", target, kb <= TARGET_HEAP_KB))
    return rows


def rst_table(rows):
    header = ["measurement", "median", "spread (min-max)", "target", "met"]
    cells = [header] + [r.cells() for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    rule = "  ".join("=" * w for w in widths)
    lines = [rule, "  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(), rule]
    for c in cells[1:]:
        lines.append("  ".join(v.ljust(w) for v, w in zip(c, widths)).rstrip())
    lines.append(rule)
    return "\n".join(lines)


def _cpu_model():
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def document(tables, settings, notes, profiles=None):
    """docs/benchmarks.rst: the tables and how they were made."""
    now = datetime.datetime.now(datetime.timezone.utc)
    title = "Benchmarks"
    out = [
        # REUSE-IgnoreStart (a header written into other files, not this file's)
        ".. SPDX-FileCopyrightText: 2026 adafruit_netdev contributors",
        "..",
        ".. SPDX-License-Identifier: MIT",
        # REUSE-IgnoreEnd
        "",
        ".. This file is written by ``make bench`` (python -m tools.bench); edit tools/bench.py instead.",
        "",
        title,
        "=" * len(title),
        "",
        "Measured by ``make bench`` on %s UTC: Python %s (%s), %s, %d CPU(s). "
        "Each figure is the median of %d runs; the spread column gives the smallest and "
        "largest. %s"
        % (
            now.strftime("%Y-%m-%d %H:%M"),
            platform.python_version(),
            platform.python_implementation(),
            _cpu_model(),
            os.cpu_count() or 1,
            settings.runs,
            "Quick run (``--quick``): smaller transfers, fewer repeats." if settings.quick else "",
        ),
        "",
        "What is measured (see tools/bench.py): throughput in the emulator's *model time* (bytes "
        "at the link rate plus the firmware's per-command turnaround, independent of this "
        "machine), as a share of the raw link rate (NINA: 8 MHz SPI = 1 000 000 B/s; "
        "RTL8720DN: 614 400 baud = 61 440 B/s) next to the protocol's ceiling (its framing and "
        "the firmware's turnaround at the largest chunks the firmware serves; see ``nina_ceilings`` "
        "and ``rtl_ceilings`` in tools/bench.py); bus bytes per payload byte; bus transactions "
        "(CS assertions on SPI, frames on the UART) per KiB; host CPU seconds per MiB for "
        "driver and emulator together "
        "(``time.process_time``; the peers run in another process). The application reads into "
        "%d-byte buffers and sends 1 MiB in one ``send`` call. Echo latency is wall clock from "
        "the peer's send to the application's read; idle is a ``recv`` waiting for data that "
        "does not come. Steady state: tracemalloc over %d calls after warm-up, counting traces "
        "whose stack runs through a library package (``adafruit_netdev*``, ``net``). "
        "The host netdev (CPython sockets) is the reference: it has no bus, so its figures are "
        "wall clock." % (settings.recv_buffer, settings.alloc_calls),
        "",
    ]
    for name, table in tables:
        out += [name, "-" * len(name), "", table, ""]
    if profiles:
        head = "Where the heap goes"
        out += [
            head,
            "-" * len(head),
            "",
            "The tcpclient example's start, the library as .mpy, on CircuitPython's core (10.2.1 "
            "built as a 32-bit board, tools/circuitpython: its board, busio and digitalio are "
            "built in, as on a board) and under the MicroPython unix port (64-bit, with Python "
            "stand-ins for board, busio and digitalio over the emulator's bridges) "
            "(tools/bench_mpheap.py, ``gc.mem_alloc()`` after ``gc.collect()`` at each step). "
            "Loaded .mpy bytecode lives in the heap (on a board with the library frozen into "
            "the firmware it would not).",
            "",
        ]
        for kind, steps in sorted(profiles.items()):
            out += ["%s:" % kind, "", heap_profile_table(steps), ""]
    if notes:
        out += ["Notes", "-----", ""]
        for note in notes:
            out += ["* " + note]
        out.append("")
    return "\n".join(out)


NOTES = [
    "**Throughput.** Model time has no idle gaps: the emulator charges bus bytes and the "
    "firmware's turnaround, not the wall-clock time a driver sleeps between polls; polls that "
    "find nothing cost their bus time and show in transactions per KiB. Both drivers move "
    "data in the largest chunks the firmware takes, one exchange each, so they sit at the "
    "protocol's ceiling. What bounds the ceiling: on NINA a GET_DATABUF costs 138 us besides "
    "its data (12-byte command, 100 us turnaround, 6 reply bytes, 2 x 10 us per transaction) "
    "and can only return what the firmware's 5744-byte lwIP receive window holds, so reads go "
    "4086 + 1658 bytes (95.4 %); uploads use 4083-byte SEND_DATA_TCP commands (96.8 %). On "
    "the RTL8720DN every call pays 200 us of turnaround and 40-50 frame bytes at 10 bits a "
    "byte around 4 KiB of data (98.5-98.7 %). TLS reads stop at the end of each 16 KiB "
    "record.",
    "**Idle.** A recv waiting for data polls with the shared back-off (1 ms growing to 25 ms: "
    "at most 40 polls a second once idle). NINA: GPIO0, the firmware's data-available line, "
    "is read instead of the bus while it is low; the connection state (end of stream, which "
    "GPIO0 does not signal) is asked every 100 ms, 4 transactions each. Without GPIO0 wired, "
    "every poll is a GET_DATABUF exchange (2 transactions), so the protocol itself sets the "
    "floor at about 100 a second for a 25 ms poll; only longer sleeps (a latency cost) would "
    "lower it. RTL8720DN: an idle poll is one rpc_lwip_select call (a receive that finds "
    "nothing costs two: the receive and its errno).",
    "**Latency.** The peers answer at once and the emulator serves a command in microseconds, "
    "so the first poll after a send usually finds the answer (p50 in tens of microseconds); "
    "the p99 is the first back-off sleep (1 ms). On hardware the bus time of the exchanges "
    "comes on top: the row 'bus time per round trip' gives it for the whole 64-byte echo "
    "(send and receive) in model time.",
    "**Host CPU** is driver and emulator together (the peers run in another process). A "
    "cProfile of a 1 MiB NINA download puts the emulator's pin and chip-select handling "
    "(``NinaEmulator._host_drove``, ``_clock``) first, then the driver's ``_read_data``: a few "
    "hundred exchanges per MiB, each a few tens of microseconds of Python.",
    "**Steady state.** No library code keeps memory across recv/send calls. The objects "
    "alive at a bus operation are CPython's: ints above 256 (ticks, lengths), argument tuples "
    "of keyword calls, memoryview slices; MicroPython allocates small ints and keyword "
    "arguments on no heap.",
    "**Heap.** The library as .mpy is loaded into the heap (bytecode, names, function and "
    "class objects). What a program may never run loads on first use "
    "(``adafruit_netdev.load``): net's UDP, TLS and listening, each driver's servers, UDP, "
    "socket options, access point, MAC address and scan, and the RTL8720DN's TLS connect. What "
    "runs once is imported, run and dropped (``adafruit_netdev.call_once``): each driver's "
    "builder and start-up (reset, firmware check) and the RTL8720DN's recovery after a link "
    "fault. Protocol ids that one module uses are private consts there (folded into the "
    "bytecode; a public constant costs a globals entry). A TCP client still loads "
    "adafruit_netdev, netlink and probe, ``net`` and the driver (the RTL8720DN's with its eRPC "
    "codec and transport, and the 8 KiB UART receive buffer; its frames need no buffer of their "
    "own): the profile above gives each step's cost. The CircuitPython table is what a board "
    "needs: CircuitPython 10.2.1's own core built as a 32-bit board (tools/circuitpython), with "
    "the board's busio, digitalio and adafruit_bus_device built in and the bundle's 10.x .mpy "
    "files loaded into its heap, as a board loads them; both drivers meet both heap targets. "
    "The MicroPython rows are the 64-bit unix port (every pointer twice a board's): .mpy files "
    "loaded into the heap, and the same files run in place from a ROMFS image, as MicroPython "
    "does from a board's flash, close to what a library frozen into CircuitPython's firmware "
    "costs (the image's bytes come on top of the heap).",
    "**Interpreter work on CircuitPython's core.** The same transfers through the same virtual "
    "AirLift (NINA-FW adafruit-3.3), this driver under adafruit_netdev.socketpool and Adafruit's "
    "adafruit_esp32spi (PyPI, unmodified) under its socketpool, 8 KiB recv_into/send calls "
    "(tools/bench_transfer.py). Instructions: every user-mode instruction of the process during "
    "the transfer, counted by valgrind's cachegrind, less a run of the same start with no "
    "transfer; exact and repeatable, and the verdict. User time: the kernel's account during the "
    "transfer, sampled at its 10 ms tick, the least of three runs; it moves by a third between "
    "runs on a shared machine. Neither counts the system time of the emulator's TCP bridge, "
    "which a board does not have. adafruit_esp32spi sends in 64-byte commands whose bytes a "
    "Python loop copies one at a time, reads reply headers one byte per SPI transfer, asks for "
    "the bytes available before every read of at most 4000, copies each block twice and "
    "collects the heap after every send; this driver moves up to the firmware's window per "
    "exchange straight between the bus and the caller's buffer.",
]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller transfers, 2 runs (the smoke test)")
    parser.add_argument("--runs", type=int, help="runs per figure (default 5, 2 with --quick)")
    parser.add_argument("--devices", default=",".join(DEVICES), help="comma-separated netdevs")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.rst"))
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--no-micropython", action="store_true", help="skip the MicroPython heap row")
    parser.add_argument("--no-circuitpython", action="store_true", help="skip the CircuitPython table")
    parser.add_argument("--serve-peers", nargs=2, metavar=("CERT", "KEY"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_peers:
        return serve_peers(*args.serve_peers)
    settings = Settings(quick=args.quick, runs=args.runs)
    devices = [d.strip() for d in args.devices.split(",") if d.strip()]
    for d in devices:
        if d not in DEVICES:
            parser.error("unknown device %r: choose from %s" % (d, ", ".join(DEVICES)))

    def log(text):
        print(text, file=sys.stderr, flush=True)

    from netdev_emulator.lab_tls import LabCertificates

    tables = []
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="netdev-bench-") as tmp:
        certs = LabCertificates(pathlib.Path(tmp))
        results = {}
        with peer_process(*certs.server_files) as peers:
            for name in devices:
                log("bench: %s" % name)
                results[name] = run_device(name, settings, certs.cafile, peers, log)
            if args.no_circuitpython or settings.quick:
                circuitpython = "not measured (%s)" % ("--quick" if settings.quick else "--no-circuitpython")
            else:
                log("bench: CircuitPython's core (heap, and CPU beside adafruit_esp32spi)")
                circuitpython = measure_circuitpython(peers, log)
        if args.no_micropython or settings.quick:
            reason = "not measured (--quick)" if settings.quick else "not measured (--no-micropython)"
            micropython = {d: reason for d in devices if d in MICROPYTHON_DEVICES}
        else:
            log("bench: MicroPython heap (tcpclient example, .mpy)")
            micropython = measure_micropython(devices, log)
    profiles = micropython.pop("profiles", {})
    if not isinstance(circuitpython, str):
        profiles.update(circuitpython["profiles"])
    for name in devices:
        table = rst_table(build_rows(name, results[name], settings, micropython))
        tables.append((name, table))
        print("\n%s\n%s\n%s" % (name, "-" * len(name), table))
    name = CP_TABLE
    table = rst_table(circuitpython_rows(circuitpython))
    tables.append((name, table))
    print("\n%s\n%s\n%s" % (name, "-" * len(name), table))
    for kind, steps in sorted(profiles.items()):
        print("\nHeap, tcpclient start, %s\n%s" % (kind, heap_profile_table(steps)))
    log("bench: %.0f s" % (time.monotonic() - began))
    if not args.no_write:
        text = document(tables, settings, NOTES, profiles)
        pathlib.Path(args.output).write_text(text, encoding="utf-8")
        log("bench: wrote %s" % args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
