# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The prose of docs/benchmarks.rst: templates whose every figure is a field filled from the
run's own measurements (or from a named definition: a target, a protocol's framing, the
library's settings, read where they are defined). A sentence whose figures the run did not
measure is left out. tests/test_bench.py checks that no template holds a figure."""

import os
import string

from tools.bench import ceilings
from tools.bench.circuitpython import (
    BOARD_BITS,
    CP_CPU_DEVICE,
    CP_HEAP_DEVICES,
    CP_HEAP_PROGRAMS,
    CP_TIME_RUNS,
    CP_TRANSFER_BUFFER,
    ESP32SPI_READ_MAX,
    ESP32SPI_WRITE_CHUNK,
    release,
)
from tools.bench.figures import median, num, percent, size, span
from tools.bench.heap import UNIX_PORT_BITS
from tools.bench.library import esp32_tcp_chunk, poll_settings
from tools.bench.settings import ECHO_SIZE, KIB, MIB

MICROSECONDS = 1e6
MILLISECONDS = 1e3
CEILING_MARK = 0.995  # a transfer below this share of its ceiling is named in the notes
ESP32_PERSONAS = "wifinina-adafruit-3"  # the NINA-FW 3.x personas (the ESP32 Arduino core)
PEEKING_PERSONAS = "wifinina-adafruit-1"  # NINA-FW 1.x: the driver peeks with each state check

INTRO = [
    "Measured by ``make bench`` on {date} UTC: Python {python} ({implementation}), {cpu}, {cpus} CPU(s).",
    "Each figure is the median of {runs} runs; the spread column gives the smallest and largest.",
]
QUICK = ["Quick run (``--quick``): smaller transfers, fewer repeats."]

MEASURED = [
    "What is measured (see tools/bench/): throughput in the emulator's *model time* (bytes at the link "
    "rate plus the firmware's per-command turnaround, independent of this machine), as a share of the raw "
    "link rate ({links}) next to the protocol's ceiling (its framing and the firmware's turnaround at the "
    "largest chunks the firmware serves; see tools/bench/ceilings.py); bus bytes per payload byte; bus "
    "transactions (CS assertions on SPI, frames on the UART) per KiB; host CPU seconds per MiB for driver "
    "and emulator together (``time.process_time``; the peers run in another process).",
    "The application reads into {recv_buffer}-byte buffers and sends {transfer} in one ``send`` call.",
    "Echo latency is wall clock from the peer's send to the application's read; idle is a ``recv`` "
    "waiting for data that does not come.",
    "Steady state: tracemalloc over {alloc_calls} calls after warm-up, counting traces whose stack runs "
    "through a library package (``adafruit_netdev*``, ``net``).",
    "The host netdev (CPython sockets) is the reference: it has no bus, so its figures are wall clock.",
]

HEAP_INTRO = [
    "The tcpclient example's start, the library as .mpy, on CircuitPython's core ({cp_release} built as "
    "a {board_bits}-bit board, tools/circuitpython: its board, busio and digitalio are built in, as on a "
    "board) and under the MicroPython unix port ({unix_bits}-bit, with Python stand-ins for board, busio "
    "and digitalio over the emulator's bridges) (tools/bench/board/heap_steps.py, ``gc.mem_alloc()`` "
    "after ``gc.collect()`` at each step).",
    "Loaded .mpy bytecode lives in the heap (on a board with the library frozen into the firmware it "
    "would not).",
]

README_HEAPS = [
    "The heap each program needs on CircuitPython's own core ({cp_release}, built here as a "
    "{board_bits}-bit board with the library as the bundle's {cp_series} ``.mpy`` files; ``make bench`` "
    "measures it, to {step} KiB):",
]

NOTES = [
    ("Throughput", None, [
        "Model time has no idle gaps: the emulator charges bus bytes and the firmware's turnaround, not "
        "the wall-clock time a driver sleeps between polls; polls that find nothing cost their bus time "
        "and show in transactions per KiB.",
        "Both drivers move data in large chunks, one exchange each: the emulated transfers of this run "
        "reached {ceiling_reached} of the protocol's ceiling.",
        "Below {ceiling_mark} of it: {ceiling_below}.",
        "On {esp32_devices} (the ESP32 Arduino core's firmware) the WiFiNINA driver sends TCP in chunks "
        "of at most "
        "{esp32_tcp_chunk} bytes, what that firmware's lwIP calls writable at once, not the "
        "{nina_write_max} a command could hold.",
        "What bounds the ceiling: on NINA a GET_DATABUF costs {nina_read_us} us besides its data "
        "({nina_read_command}-byte command, {nina_turnaround_us} us turnaround, {nina_read_reply} reply "
        "bytes, {nina_transactions} x {nina_cs_us} us per transaction) and can only return what the "
        "firmware's {nina_window}-byte lwIP receive window holds, so reads go {nina_reads} bytes (ceiling "
        "{nina_down_ceiling}); uploads use {nina_write_max}-byte SEND_DATA_TCP commands (ceiling "
        "{nina_up_ceiling}).",
        "On the RTL8720DN every call pays {rtl_turnaround_us} us of turnaround and {rtl_frame_bytes} frame "
        "bytes at {rtl_bits} bits a byte around {rtl_data} bytes of data (ceiling {rtl_ceilings}).",
        "TLS reads stop at the end of each {tls_record} record.",
    ]),
    ("Idle", None, [
        "A recv waiting for data polls with the shared back-off ({poll_min} ms growing to {poll_max} ms: "
        "at most {idle_polls} polls a second once idle).",
        "NINA: GPIO0, the firmware's data-available line, is read instead of the bus while it is low; the "
        "connection state (end of stream, which GPIO0 does not signal) is asked every {recheck} ms: "
        "{nina_idle} bus transactions a second in this run.",
        "Without GPIO0 wired, every poll is a GET_DATABUF exchange ({nina_transactions} transactions), so "
        "once a socket has been idle for {blind_after} ms the driver asks for data at most every "
        "{blind_poll} ms and for its state every {blind_recheck} ms: {nina_blind_idle} a second.",
        "On {peeking_devices} each state check also peeks (that firmware never reports a closed "
        "connection otherwise), so the checks come less often.",
        "RTL8720DN: an idle poll is one rpc_lwip_select call (a receive that finds nothing costs two: the "
        "receive and its errno): {rtl_idle} bus transactions a second.",
    ]),
    ("Latency", None, [
        "The peers answer at once and the emulator serves a command in microseconds, so the first poll "
        "after a send usually finds the answer: the p50 is {p50} ms on the emulated netdevs.",
        "An answer that the first poll misses waits out a back-off sleep ({poll_min} ms at first, "
        "growing): the p99 is {p99} ms.",
        "On hardware the bus time of the exchanges comes on top: the row 'bus time per round trip' gives "
        "it for the whole {echo_size}-byte echo (send and receive) in model time ({trip_model} ms).",
    ]),
    ("Host CPU", None, [
        "Driver and emulator together (the peers run in another process): {cpu_per_mib} s per MiB moved "
        "on the emulated netdevs.",
        "A cProfile of a {profile_size} download through {profile_device} in this run puts {profile_top} "
        "first (each function's own time, as a share of the download's).",
        "A NINA download takes {nina_commands_per_mib} commands per MiB, {nina_cpu_per_command} us of "
        "CPU each.",
    ]),
    ("Steady state", None, [
        "Library code keeps {kept} B per recv or send call ({alloc_calls} calls each, after warm-up, on "
        "every netdev of this run).",
        "The objects alive at a bus operation ({alive} B at most on the emulated netdevs) are CPython's: "
        "ints outside its small-int cache (ticks, lengths), argument tuples of keyword calls, memoryview "
        "slices; MicroPython allocates small ints and keyword arguments on no heap.",
    ]),
    ("Heap", None, [
        "The library as .mpy is loaded into the heap (bytecode, names, function and class objects).",
        "What a program may never run loads on first use (``adafruit_netdev.load``): net's UDP, TLS and "
        "listening, each driver's servers, UDP, socket options, access point, MAC address and scan, and "
        "the RTL8720DN's TLS connect.",
        "What runs once is imported, run and dropped (``adafruit_netdev.call_once``): each driver's "
        "builder and start-up (reset, firmware check); the RTL8720DN's recovery after a link fault is "
        "loaded at the first fault.",
        "Protocol ids that one module uses are private consts there (folded into the bytecode; a public "
        "constant costs a globals entry).",
        "A TCP client still loads adafruit_netdev, netlink and probe, ``net`` and the driver (the "
        "RTL8720DN's with its eRPC codec and link, and the UART's receive buffer; its frames need no "
        "buffer of their own): the profile above gives each step's cost.",
        "The CircuitPython table is what a board needs: CircuitPython {cp_release}'s own core built as a "
        "{board_bits}-bit board (tools/circuitpython), with the board's busio, digitalio and "
        "adafruit_bus_device built in and the bundle's {cp_series} .mpy files loaded into its heap, as a "
        "board loads them.",
        "In this run {cp_heaps}.",
        "The MicroPython rows are the {unix_bits}-bit unix port (every pointer wider than a board's): .mpy "
        "files loaded into the heap, and the same files run in place from a ROMFS image, as MicroPython "
        "does from a board's flash, close to what a library frozen into CircuitPython's firmware costs "
        "(the image's bytes come on top of the heap).",
    ]),
    ("Interpreter work on CircuitPython's core", "cp_cpu_persona", [
        "The same transfers through the same virtual AirLift (NINA-FW {cp_cpu_persona}), this driver "
        "under adafruit_netdev.socketpool and Adafruit's adafruit_esp32spi (PyPI, unmodified) under its "
        "socketpool, {cp_buffer} recv_into/send calls (tools/bench/board/transfer.py).",
        "Instructions: every user-mode instruction of the process during the transfer, counted by "
        "valgrind's cachegrind, less a run of the same start with no transfer: exact for the run, and the "
        "verdict (a download's count moves by a few per cent from run to run with how many of its polls "
        "find no data yet, as the peer sends in real time).",
        "User time: the kernel's account during the transfer, sampled at its {tick_ms} ms tick, the least "
        "of {cp_time_runs} runs; the runs of one transfer differed by up to {user_spread} in this run.",
        "Neither counts the system time of the emulator's TCP bridge, which a board does not have.",
        "adafruit_esp32spi sends in {esp_chunk}-byte commands whose bytes a Python loop copies one at a "
        "time, reads reply headers one byte per SPI transfer, asks for the bytes available before every "
        "read of at most {esp_read_max}, copies each block twice and collects the heap after every send; "
        "this driver moves up to the firmware's window per exchange straight between the bus and the "
        "caller's buffer.",
    ]),
]  # fmt: skip


def templates():
    """Every template of the generated prose (tests/test_bench.py looks at them)."""
    out = INTRO + QUICK + MEASURED + HEAP_INTRO + README_HEAPS
    for _title, _needs, sentences in NOTES:
        out += sentences
    return out


def fill(sentences, facts):
    """The sentences whose fields ``facts`` has, filled and joined."""
    out = []
    for sentence in sentences:
        fields = [field for _, field, _, _ in string.Formatter().parse(sentence) if field]
        if all(facts.get(field) is not None for field in fields):
            out.append(sentence.format(**facts))
    return " ".join(out)


def render_notes(facts):
    """``["**Title.** text"]``: the notes with anything to say (a note that needs a fact the
    run did not measure is left out whole)."""
    out = []
    for title, needs, sentences in NOTES:
        text = fill(sentences, facts)
        if text and (needs is None or facts.get(needs) is not None):
            out.append("**%s.** %s" % (title, text))
    return out


# -- the facts: each from the run's results or a named definition ---------------------------------


def facts(results, settings, micropython, circuitpython):
    """Every field of the templates this run can fill. ``results`` ``{netdev: run_device's
    result}``; ``circuitpython`` measure_circuitpython's result (or why it is missing)."""
    found = {"echo_size": ECHO_SIZE, "alloc_calls": settings.alloc_calls, "recv_buffer": settings.recv_buffer}
    found["transfer"] = size(settings.size)
    found["profile_size"] = size(settings.profile_size)
    found["board_bits"], found["unix_bits"] = BOARD_BITS, UNIX_PORT_BITS
    found["cp_release"], found["cp_series"] = release()
    found.update(poll_settings())
    found["idle_polls"] = num(MILLISECONDS / found["poll_max"])
    found["links"] = link_rates(results)
    found["tls_record"] = size(ceilings.TLS_RECORD)
    for part in (throughput_facts, idle_facts, latency_facts, cpu_facts, steady_facts):
        found.update(part(results))
    found.update(nina_facts(results))
    found.update(rtl_facts(results))
    if not isinstance(circuitpython, str):
        found.update(circuitpython_facts(circuitpython))
    return found


def _of_kind(results, kind):
    """The results of ``kind`` (``"nina"``, ``"rtl"``, ``"emulated"``: both, None: all)."""
    if kind is None:
        return list(results.values())
    if kind == "emulated":
        return [r for r in results.values() if r["kind"] is not None]
    return [r for r in results.values() if r["kind"] == kind]


def _medians(results, key, kind="emulated"):
    return [median(r["samples"].get(key, [])) for r in _of_kind(results, kind)]


def link_rates(results):
    """The raw link rates of the run's emulated buses."""
    out = []
    for kind, label in (("nina", "NINA"), ("rtl", "RTL8720DN")):
        found = _of_kind(results, kind)
        if found:
            clock, rate = found[0]["clock"], found[0]["rate"]
            bus = "%s MHz SPI" % num(clock / MICROSECONDS) if kind == "nina" else "%s baud" % num(clock)
            out.append("%s: %s = %s B/s" % (label, bus, num(rate)))
    return "; ".join(out) or "no emulated bus in this run"


def throughput_facts(results):
    """How close the transfers came to their ceilings, and which stayed below the mark."""
    reached = []
    below = []
    for name, result in results.items():
        for prefix, direction, what in (
            ("down_", "down", "download"),
            ("up_", "up", "upload"),
            ("tls_", "tls", "TLS download"),
        ):
            ceiling = result.get("ceilings", {}).get(direction, (None,))[0]
            share = median(result["samples"].get(prefix + "share", []))
            if ceiling:
                reached.append(share / ceiling)
                if share / ceiling < CEILING_MARK:
                    below.append("%s's %s (%s)" % (name, what, percent(share / ceiling)))
    found = {
        "ceiling_reached": span([100 * r for r in reached], 1, " %"),
        "ceiling_mark": percent(CEILING_MARK),
    }
    found["ceiling_below"] = ", ".join(below) or None
    esp32 = [name for name in results if name.startswith(ESP32_PERSONAS)]
    if esp32:
        found["esp32_devices"] = ", ".join(esp32)
        found["esp32_tcp_chunk"] = esp32_tcp_chunk()
    return found


def nina_facts(results):
    """How NINA's protocol bounds a transfer, on the bus the run clocked."""
    found = _of_kind(results, "nina")
    if not found:
        return {}
    rate = found[0]["rate"]
    t = ceilings.nina_timing()
    window = ceilings.nina_receive_window()
    shares = found[0]["ceilings"]
    return {
        "nina_read_us": num(ceilings.nina_read_overhead(rate) * MICROSECONDS),
        "nina_read_command": ceilings.NINA_READ_COMMAND,
        "nina_read_reply": ceilings.NINA_READ_REPLY,
        "nina_turnaround_us": num(t.turnaround * MICROSECONDS),
        "nina_cs_us": num(t.cs_overhead * MICROSECONDS),
        "nina_transactions": ceilings.NINA_TRANSACTIONS_PER_COMMAND,
        "nina_window": window,
        "nina_reads": " + ".join(str(n) for n in ceilings.nina_read_pieces(window)),
        "nina_down_ceiling": percent(shares["down"][0]),
        "nina_write_max": ceilings.NINA_WRITE_MAX,
        "nina_up_ceiling": percent(shares["up"][0]),
    }


def rtl_facts(results):
    """How the RTL8720DN's protocol bounds a transfer, on the line the run clocked."""
    found = _of_kind(results, "rtl")
    if not found:
        return {}
    shares = found[0]["ceilings"]
    return {
        "rtl_turnaround_us": num(ceilings.rtl_turnaround() * MICROSECONDS),
        "rtl_frame_bytes": span(ceilings.rtl_frame_bytes().values()),
        "rtl_bits": ceilings.UART_BITS_PER_BYTE,
        "rtl_data": span([ceilings.RTL_SEND_MAX, ceilings.RTL_RECV_MAX]),
        "rtl_ceilings": span([100 * shares[d][0] for d in ("down", "up")], 1, " %"),
    }


def idle_facts(results):
    peeking = [name for name in results if name.startswith(PEEKING_PERSONAS)]
    return {
        "peeking_devices": ", ".join(peeking) or None,
        "nina_idle": span(_medians(results, "echo_idle_tps", "nina"), 1),
        "nina_blind_idle": span(_medians(results, "nogpio0_idle_tps", "nina"), 1),
        "rtl_idle": span(_medians(results, "echo_idle_tps", "rtl"), 1),
    }


def latency_facts(results):
    return {
        "p50": span(_medians(results, "echo_p50_ms"), 2),
        "p99": span(_medians(results, "echo_p99_ms"), 2),
        "trip_model": span(_medians(results, "echo_trip_model_ms"), 3),
    }


def cpu_facts(results):
    cpu = [v for prefix in ("down_", "up_", "tls_") for v in _medians(results, prefix + "cpu_per_mib")]
    found = {"cpu_per_mib": span(cpu, 3)}
    nina = _of_kind(results, "nina")
    if nina:
        per_kib = median(nina[0]["samples"].get("down_transactions_per_kib", []))
        commands = per_kib * MIB / KIB / ceilings.NINA_TRANSACTIONS_PER_COMMAND
        seconds = median(nina[0]["samples"].get("down_cpu_per_mib", []))
        found["nina_commands_per_mib"] = num(commands)
        found["nina_cpu_per_command"] = num(seconds / commands * MICROSECONDS)
    found.update(profile_facts(results))
    return found


def profile_facts(results):
    """The cProfile of the first emulated netdev's download that has one."""
    for name, result in results.items():
        if result.get("profile"):
            top = ", ".join(
                "``%s`` (%s)" % (function, percent(share, 0)) for function, share in result["profile"]
            )
            return {"profile_device": name, "profile_top": top}
    return {}


def steady_facts(results):
    kept = _medians(results, "alloc_recv_retained", None) + _medians(results, "alloc_send_retained", None)
    alive = _medians(results, "alloc_recv_peak") + _medians(results, "alloc_send_peak")
    return {"kept": span(kept, 1), "alive": span([max(alive)] if alive else [])}


def circuitpython_facts(found):
    """The CircuitPython table's heaps against their targets, and how much the user time of
    one transfer moved between its runs."""
    out = {
        "cp_cpu_persona": CP_CPU_DEVICE[len("wifinina-") :],
        "cp_buffer": size(CP_TRANSFER_BUFFER),
        "cp_time_runs": CP_TIME_RUNS,
        "tick_ms": num(MILLISECONDS / os.sysconf("SC_CLK_TCK")),
        "esp_chunk": ESP32SPI_WRITE_CHUNK,
        "esp_read_max": ESP32SPI_READ_MAX,
        "cp_heaps": circuitpython_heaps(found["heap"]),
    }
    moved = [(max(t) - min(t)) / min(t) for t in found.get("user_ticks", {}).values() if t and min(t) > 0]
    out["user_spread"] = percent(max(moved), 0) if moved else None
    return out


def circuitpython_heaps(heaps):
    """What the targeted programs need on CircuitPython's core, per driver, and whether both
    drivers meet their targets."""
    labels = " / ".join(label for _device, label in CP_HEAP_DEVICES)
    parts = []
    missed = []
    for program, target in CP_HEAP_PROGRAMS:
        if not target:
            continue
        kbs = [heaps.get((device, program)) for device, _label in CP_HEAP_DEVICES]
        if any(kb is None for kb in kbs):
            missed.append(program)
            continue
        parts.append("%s %s KiB (target %d KiB)" % (program, " / ".join(str(kb) for kb in kbs), target))
        if max(kbs) > target:
            missed.append(program)
    verdict = "both drivers meet every heap target" if not missed else "missed: %s" % ", ".join(missed)
    return "the smallest heaps (%s) are %s: %s" % (labels, ", ".join(parts), verdict)
