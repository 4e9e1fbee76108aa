# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The measurements on one joined netdev (:class:`tools.bench.rig.Netdev`) against the peers:
downloads, uploads, echoes and the idle wait, connects and DNS, and a cProfile of a download.
Each returns ``{figure: value}``."""

import cProfile
import pathlib
import pstats
import struct
import time
import zlib

from tools import LIBRARY_PACKAGES, ROOT
from tools.bench.peers import pattern
from tools.bench.settings import DNS_NAME, ECHO_SIZE, KIB, MIB, TLS_NAME, WARMUP_ROUND_TRIPS

CONNECT_SECONDS = 20
TRANSFER_SECONDS = 60
DOWNLOAD_SECONDS = 120
ECHO_SECONDS = 10
PROFILED_PACKAGES = LIBRARY_PACKAGES + ("netdev_emulator",)
PROFILE_TOP = 3  # functions named in the notes


def _delta(after, before):
    if after is None:
        return None
    return {
        key: after[key] - before[key]
        for key in ("transactions", "bytes_to_device", "bytes_from_device", "model_seconds")
    }


def _open(netdev, address, tls=False, timeout=CONNECT_SECONDS):
    import adafruit_netdev as nd

    dev = netdev.dev
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS if tls else nd.IPPROTO_TCP)
    try:
        dev.connect(fd, TLS_NAME if tls else "", address, nd.deadline(timeout))
    except BaseException:
        dev.close(fd)
        raise
    return fd


def send_all(netdev, fd, data, timeout=TRANSFER_SECONDS):
    import adafruit_netdev as nd

    assert netdev.dev.send(fd, data, 0, nd.deadline(timeout)) == len(data)


def recv_exactly(netdev, fd, view, timeout=TRANSFER_SECONDS):
    import adafruit_netdev as nd

    dev = netdev.dev
    got = 0
    count = len(view)
    dl = nd.deadline(timeout)
    while got < count:
        n = dev.recv(fd, view[got:count], 0, dl)
        if n == 0:
            raise OSError("end of stream after %d of %d bytes" % (got, count))
        got += n
    return got


def open_stream(netdev, address, count, tls=False):
    """A connection to a source or sink that has been told ``count`` (its 8-byte request)."""
    fd = _open(netdev, address, tls)
    try:
        send_all(netdev, fd, struct.pack(">Q", count))
    except BaseException:
        netdev.dev.close(fd)
        raise
    return fd


def _transfer_figures(netdev, size, delta, cpu, wall):
    figures = {"cpu_per_mib": cpu * MIB / size, "wall_kib_s": size / KIB / wall}
    if delta is not None:
        model = delta["model_seconds"]
        figures.update(
            kib_s=size / KIB / model,
            share=size / model / netdev.rate,
            bus_per_byte=(delta["bytes_to_device"] + delta["bytes_from_device"]) / size,
            transactions_per_kib=delta["transactions"] / (size / KIB),
        )
    return figures


def _read_into(netdev, fd, view, chunk):
    import adafruit_netdev as nd

    dev = netdev.dev
    size = len(view)
    dl = nd.deadline(DOWNLOAD_SECONDS)
    got = 0
    while got < size:
        end = got + chunk if size - got > chunk else size
        n = dev.recv(fd, view[got:end], 0, dl)
        if n == 0:
            raise OSError("download: end of stream after %d of %d bytes" % (got, size))
        got += n


def measure_download(netdev, address, size, chunk, tls=False):
    """One download of ``size`` bytes from the source in reads of ``chunk``; the figures of
    the transfer (the request and the connect are outside it)."""
    fd = open_stream(netdev, address, size, tls)
    try:
        into = bytearray(size)
        before = netdev.snapshot()
        cpu0 = time.process_time()
        wall0 = time.perf_counter()
        _read_into(netdev, fd, memoryview(into), chunk)
        wall = time.perf_counter() - wall0
        cpu = time.process_time() - cpu0
        delta = _delta(netdev.snapshot(), before)
        if into != pattern(size):
            raise AssertionError("download: the bytes differ from what the source sent")
    finally:
        netdev.dev.close(fd)
    return _transfer_figures(netdev, size, delta, cpu, wall)


def measure_upload(netdev, address, size):
    """One upload of ``size`` bytes to the sink in one ``send`` call (the driver chunks it);
    the sink's count and CRC are checked afterwards, outside the measurement."""
    data = pattern(size)
    fd = open_stream(netdev, address, size)
    try:
        before = netdev.snapshot()
        cpu0 = time.process_time()
        wall0 = time.perf_counter()
        send_all(netdev, fd, data, DOWNLOAD_SECONDS)
        wall = time.perf_counter() - wall0
        cpu = time.process_time() - cpu0
        delta = _delta(netdev.snapshot(), before)
        answer = bytearray(12)
        recv_exactly(netdev, fd, memoryview(answer))
        got, crc = struct.unpack(">QI", answer)
        if got != size or crc != zlib.crc32(data):
            raise AssertionError(
                "upload: the sink got %d bytes (crc %08x), expected %d (%08x)"
                % (got, crc, size, zlib.crc32(data))
            )
    finally:
        netdev.dev.close(fd)
    return _transfer_figures(netdev, size, delta, cpu, wall)


def _round_trips(netdev, fd, round_trips):
    """``(latencies in ms, bus delta of the measured trips)``: ``ECHO_SIZE``-byte echoes, the
    first ``WARMUP_ROUND_TRIPS`` unmeasured; latency from the peer's send stamp to the
    return of the read that completes the answer."""
    import adafruit_netdev as nd

    dev = netdev.dev
    request = bytearray(ECHO_SIZE)
    answer = bytearray(ECHO_SIZE)
    view = memoryview(answer)
    latencies = []
    for i in range(round_trips + WARMUP_ROUND_TRIPS):
        if i == WARMUP_ROUND_TRIPS:
            start = netdev.snapshot()
        struct.pack_into(">Q", request, 8, i)
        send_all(netdev, fd, request)
        got = 0
        while got < ECHO_SIZE:
            n = dev.recv(fd, view[got:], 0, nd.deadline(ECHO_SECONDS))
            if n == 0:
                raise OSError("echo: end of stream")
            got += n
        now = time.monotonic_ns()
        (stamp,) = struct.unpack_from(">Q", answer)
        if struct.unpack_from(">Q", answer, 8)[0] != i:
            raise AssertionError("echo: answer %d out of order" % i)
        if i >= WARMUP_ROUND_TRIPS:
            latencies.append((now - stamp) / 1e6)
    return latencies, _delta(netdev.snapshot(), start)


def _idle(netdev, fd, seconds):
    """Bus transactions a second while ``recv`` waits ``seconds`` for data that does not
    come (None for the host)."""
    import adafruit_netdev as nd

    before = netdev.snapshot()
    wall0 = time.perf_counter()
    try:
        netdev.dev.recv(fd, bytearray(ECHO_SIZE), 0, nd.deadline(seconds))
        raise AssertionError("idle: data came from a silent peer")
    except OSError as exc:
        if exc.args[0] != nd.ETIMEDOUT:
            raise
    wall = time.perf_counter() - wall0
    delta = _delta(netdev.snapshot(), before)
    return None if delta is None else delta["transactions"] / wall


def measure_echo(netdev, address, round_trips, idle_seconds):
    """``round_trips`` echoes (latency percentiles; bus time and transactions a trip), then
    the idle wait on the same connection (bus transactions a second)."""
    fd = _open(netdev, address)
    try:
        latencies, trips = _round_trips(netdev, fd, round_trips)
        idle = _idle(netdev, fd, idle_seconds)
    finally:
        netdev.dev.close(fd)
    latencies.sort()
    figures = {
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "max_ms": latencies[-1],
    }
    if trips is not None:
        figures["idle_tps"] = idle
        figures["trip_model_ms"] = trips["model_seconds"] * 1000 / round_trips
        figures["trip_transactions"] = trips["transactions"] / round_trips
    return figures


def percentile(ordered, pct):
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100.0
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def _timed(netdev, figures, key, action, *args):
    """Run ``action(*args)``; record its wall time and, on an emulated bus, its transactions and
    model time under ``key``."""
    before = netdev.snapshot()
    wall0 = time.perf_counter()
    action(*args)
    figures[key + "_wall_ms"] = (time.perf_counter() - wall0) * 1000
    delta = _delta(netdev.snapshot(), before)
    if delta is not None:
        figures[key + "_transactions"] = delta["transactions"]
        figures[key + "_model_ms"] = delta["model_seconds"] * 1000


def measure_setup(netdev, peers):
    """Connect (TCP, TLS) and a DNS lookup: bus transactions and model time each (wall
    time too: the host netdev has no bus)."""
    import adafruit_netdev as nd

    dev = netdev.dev
    figures = {}
    for key, tls, address in (("tcp", False, peers["source"]), ("tls", True, peers["tls_source"])):
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS if tls else nd.IPPROTO_TCP)
        try:
            host = TLS_NAME if tls else ""
            _timed(netdev, figures, key, dev.connect, fd, host, address, nd.deadline(CONNECT_SECONDS))
        finally:
            dev.close(fd)

    def lookup():
        if dev.gethostbyname(DNS_NAME) != "127.0.0.1":
            raise AssertionError("DNS: %s did not resolve to 127.0.0.1" % DNS_NAME)

    _timed(netdev, figures, "dns", lookup)
    return figures


def profile_download(netdev, address, size, chunk):
    """The project functions that take the most time of their own (cProfile) in one
    download of ``size`` bytes: ``[(dotted name, share of the download's profiled time)]``,
    the largest first."""
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        measure_download(netdev, address, size, chunk)
    finally:
        profiler.disable()
    stats = pstats.Stats(profiler).stats
    total = sum(entry[2] for entry in stats.values()) or float("nan")
    own = []
    for (filename, _line, function), entry in stats.items():
        name = _dotted(filename)
        if name is not None:
            own.append((entry[2], "%s.%s" % (name, function)))
    own.sort(reverse=True)
    return [(name, seconds / total) for seconds, name in own[:PROFILE_TOP]]


def _dotted(filename):
    """``package.module`` of a project file in one of ``PROFILED_PACKAGES``, else None."""
    try:
        parts = list(pathlib.Path(filename).resolve().relative_to(ROOT).with_suffix("").parts)
    except ValueError:
        return None
    if not parts or parts[0] not in PROFILED_PACKAGES:
        return None
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)
