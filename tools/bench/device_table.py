# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The table of one netdev: a builder per section (transfers, echo and idle, connect and DNS,
steady state, the MicroPython heap), each adding its rows to a :class:`DeviceTable`."""

from tools.bench.allocations import PROBED_CALLS
from tools.bench.figures import Samples, median, num, percent, size, spread
from tools.bench.heap import HEAP_LIMIT_KB, HEAP_ROWS, MICROPYTHON_DEVICES, step_kb
from tools.bench.library import poll_settings
from tools.bench.settings import (
    ECHO_SIZE,
    KIB,
    TARGET_CPU,
    TARGET_HEAP_KB,
    TARGET_IDLE,
    TARGET_KEPT,
    TARGET_P50_MS,
    TARGET_P99_MS,
    TARGET_SHARE,
)

FAILURE_TEXT = 100  # characters of a failure's message in the table
TRANSFERS = (("down_", "TCP download", "down"), ("up_", "TCP upload", "up"), ("tls_", "TLS download", "tls"))
SETUPS = (("tcp", "connect TCP"), ("tls", "connect TLS"), ("dns", "DNS lookup"))


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


def failure_row(label, messages, runs):
    text = messages[0] if len(messages[0]) <= FAILURE_TEXT else messages[0][: FAILURE_TEXT - 3] + "..."
    return Row("%s: FAILED in %d of %d runs" % (label, len(messages), runs), text, "", "", False)


class DeviceTable:
    """The rows of one netdev's table, from its result (:func:`tools.bench.runs.run_device`)."""

    def __init__(self, name, result, settings):
        self.name = name
        self.s = Samples(result["samples"])
        self.failures = result.get("failures", {})
        self.rate = result["rate"]
        self.ceilings = result["ceilings"]
        self.settings = settings
        self.emulated = self.rate is not None
        self.rows = []

    def add(self, *args, **kwargs):
        self.rows.append(Row(*args, **kwargs))

    def failed(self, prefix, label, runs):
        messages = self.failures.get(prefix)
        if messages:
            self.rows.append(failure_row(label, messages, runs))


def build_rows(name, result, settings, micropython):
    """Every row of the table of netdev ``name``."""
    table = DeviceTable(name, result, settings)
    for prefix, title, direction in TRANSFERS:
        transfer_rows(table, prefix, "%s %s" % (title, size(settings.size)), direction)
    table.failed("echo_", "echo and idle", settings.runs)
    table.failed("setup_", "connect and DNS", settings.runs)
    table.failed("alloc_", "steady state", 1)
    echo_rows(table)
    if table.emulated:
        idle_rows(table)
    setup_rows(table)
    steady_state_rows(table)
    if name in MICROPYTHON_DEVICES:
        micropython_rows(table, micropython.get(name, "not measured (--no-micropython)"))
    return table.rows


def transfer_rows(table, prefix, label, direction):
    """A download or upload: throughput (model time and its share of the link, or wall
    clock on the host), bus bytes and transactions, host CPU."""
    s = table.s
    table.failed(prefix, label, table.settings.runs)
    if table.emulated:
        throughput_row(table, prefix, label, direction)
        per_byte = s[prefix + "bus_per_byte"]
        table.add("%s: bus bytes per payload byte" % label, num(median(per_byte), 4), spread(per_byte, 4))
        per_kib = s[prefix + "transactions_per_kib"]
        table.add("%s: bus transactions per KiB" % label, num(median(per_kib), 3), spread(per_kib, 3))
    else:
        wall = s[prefix + "wall_kib_s"]
        table.add("%s: wall-clock throughput" % label, "%s KiB/s" % num(median(wall)), spread(wall))
    cpu = s[prefix + "cpu_per_mib"]
    met = median(cpu) <= TARGET_CPU if table.emulated else None
    table.add(
        "%s: host CPU s per MiB" % label, num(median(cpu), 3), spread(cpu, 3), "<= %.1f" % TARGET_CPU, met
    )


def throughput_row(table, prefix, label, direction):
    """Model throughput as a share of the link, against the target (bulk TCP) and the
    protocol's ceiling."""
    share = table.s[prefix + "share"]
    ceiling, why = table.ceilings.get(direction, (None, ""))
    bulk = direction != "tls"
    met = median(share) >= TARGET_SHARE
    gap = "" if met else "; gap %s points" % num(100 * (TARGET_SHARE - median(share)), 1)
    targets = [">= %s" % percent(TARGET_SHARE, 0)] if bulk else []
    if ceiling:
        gap += "; %s of the ceiling" % percent(median(share) / ceiling)
        targets.append("ceiling %s (%s)" % (percent(ceiling), why))
    value = "%s KiB/s = %s of %s B/s%s" % (
        num(median(table.s[prefix + "kib_s"])),
        percent(median(share)),
        num(table.rate),
        gap,
    )
    spread_ = spread([100 * v for v in share], 1, " %")
    table.add("%s: model throughput" % label, value, spread_, "; ".join(targets), met if bulk else None)


def echo_rows(table):
    """Echo latency (wall clock)."""
    s = table.s
    trips = table.settings.round_trips
    for key, pct, target in (("p50", "p50", TARGET_P50_MS), ("p99", "p99", TARGET_P99_MS)):
        values = s["echo_%s_ms" % key]
        table.add(
            "echo %d B x %d: latency %s (wall)" % (ECHO_SIZE, trips, pct),
            "%s ms" % num(median(values), 2),
            spread(values, 2),
            "<= %g ms" % target,
            median(values) <= target,
        )
    slowest = s["echo_max_ms"]
    table.add("echo: slowest round trip (wall)", "%s ms" % num(median(slowest), 2), spread(slowest, 2))


def idle_rows(table):
    """Bus time of a round trip, and the bus transactions of an idle recv (with GPIO0 and,
    on NINA, without)."""
    s = table.s
    model, transactions = s["echo_trip_model_ms"], s["echo_trip_transactions"]
    table.add(
        "echo: bus time per round trip (model), transactions",
        "%s ms, %s" % (num(median(model), 3), num(median(transactions), 1)),
        spread(model, 3, " ms"),
    )
    idle = s["echo_idle_tps"]
    target = "<= %g" % TARGET_IDLE
    met = median(idle) <= TARGET_IDLE
    table.add("idle recv: bus transactions per second", num(median(idle), 1), spread(idle, 1), target, met)
    if s["nogpio0_idle_tps"] or table.failures.get("nogpio0_"):
        table.failed("nogpio0_", "idle recv without GPIO0", table.settings.runs)
        idle = s["nogpio0_idle_tps"]
        blind = "after %(blind_after)d ms idle: data asked every %(blind_poll)d ms, "
        blind += "state every %(blind_recheck)d ms"
        target += " (%s)" % (blind % poll_settings())
        met = median(idle) <= TARGET_IDLE
        what = "idle recv, GPIO0 not wired: bus transactions per second"
        table.add(what, num(median(idle), 1), spread(idle, 1), target, met)


def setup_rows(table):
    """Connect (TCP, TLS) and DNS: bus transactions and model time, or wall time on the host."""
    s = table.s
    for key, label in SETUPS:
        if table.emulated:
            model = s["setup_%s_model_ms" % key]
            value = "%s, %s ms" % (num(median(s["setup_%s_transactions" % key])), num(median(model), 2))
            table.add("%s: bus transactions, model time" % label, value, spread(model, 2, " ms"))
        else:
            wall = s["setup_%s_wall_ms" % key]
            table.add("%s: wall time" % label, "%s ms" % num(median(wall), 2), spread(wall, 2, " ms"))


def steady_state_rows(table):
    """Library bytes kept per recv/send, and (emulated) the library's objects alive at a bus
    operation."""
    s = table.s
    calls = table.settings.alloc_calls
    for what in ("recv", "send"):
        retained = median(s["alloc_%s_retained" % what])
        met = abs(retained - TARGET_KEPT) < 0.5 if table.emulated else None  # rounds to the target
        table.add(
            "steady-state %s: library bytes kept per call" % what,
            num(retained, 1),
            "%d calls" % calls,
            "%d" % TARGET_KEPT,
            met,
        )
        if table.emulated:
            peak = median(s["alloc_%s_peak" % what])
            table.add(
                "steady-state %s: library objects alive at a bus operation (CPython)" % what,
                "%s B" % num(peak),
                "largest, first %d calls" % min(PROBED_CALLS, calls),
            )


def micropython_rows(table, found):
    """The smallest heap of the tcpclient example under MicroPython (bisection), or why it
    was not measured."""
    target = "<= %d KiB" % TARGET_HEAP_KB
    for kind, label in HEAP_ROWS:
        kb = found if isinstance(found, str) else found[kind]
        if isinstance(kb, str):
            table.add(label, kb, "", target, None)
        elif kb is None:
            table.add(label, "fails even at %s" % size(HEAP_LIMIT_KB * KIB), "", target, False)
        else:
            table.add(
                label, "%d KiB" % kb, "bisection, %d KiB steps" % step_kb(), target, kb <= TARGET_HEAP_KB
            )
