# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The fault-injection soak (``make soak``): on each driver over its emulated co-processor,
8 threads each run 200 rounds of connect, 64 KiB echo, close against the lab's echo peer,
while the emulator's fault switchboard injects a fault at 1 % of the exchanges (every
bus/link fault, the access point going away, misbehaving peers). Every round's payload is
different, so a byte from another round or another connection is caught.

It prints, per driver: rounds completed, faults injected, errors raised, bytes verified,
corrupted bytes, hangs and leaked slots; the last three must be 0 (the exit status says
whether they are). ``--short`` is the quick version ``make test`` runs.

``--transient`` injects only the transient bus faults (a garbled, truncated or lost reply, a
flipped bit, a lost request, READY high for one exchange: ``*_TRANSIENT_FAULTS`` in
:mod:`netdev_emulator.faults`), after which the chip carries on as before. Each should cost
the exchange it hit and at most the one connection whose state it left unknown, so most
rounds complete: the summary line says how many, against the target of 90 %.

    python -m tools.soak                 # the full soak (several minutes)
    python -m tools.soak --transient     # transient bus faults only
    python -m tools.soak --short         # a few seconds
    python -m tools.soak --devices rtl8720dn --rounds 50 --rate 0.05
"""

import argparse
import collections
import errno
import random
import sys
import threading
import time
import traceback

import adafruit_netdev as nd
from netdev_emulator.faults import (
    NINA_BUS_FAULTS,
    NINA_TRANSIENT_FAULTS,
    PEER_FAULTS,
    RTL_BUS_FAULTS,
    RTL_TRANSIENT_FAULTS,
)
from tools.rigs import EMULATED, Rig
from tools.soak_blame import Blame

DEVICES = EMULATED  # every virtual co-processor (netdev_emulator.rig.DEVICES)
DEFAULT_DEVICES = ("wifinina-arduino-2.0", "rtl8720dn")  # one of each driver
TRANSIENT_DEVICES = ("wifinina-arduino-2.0", "wifinina-adafruit-3.3", "rtl8720dn")
TRANSIENT_TARGET = 0.9  # of the rounds complete, with transient faults at 1 %
CONNECT_S = 5
TRANSFER_S = 10
ROUND_BOUND_S = 90  # a round taking longer than this is a hang (its calls have deadlines)
BACKOFF_S = (0.1, 1.6)  # after failed rounds, doubling, as an application would back off
SOCKET_WAIT_S = 0.05  # before a round that found every socket in use begins again
RECOVERY_S = 30  # after the run, the driver must be back on the network within this


SHORT = {"rounds": 4, "size": 16384, "rate": 0.03}


def fault_kinds(rig, transient=False):
    """What the soak injects on ``rig``: every bus/link fault, the access point going away,
    and misbehaving peers (no DNS failure: the soak connects by address); ``transient``:
    only the transient bus faults."""
    if transient:
        return list(NINA_TRANSIENT_FAULTS if rig.kind == "nina" else RTL_TRANSIENT_FAULTS)
    bus = NINA_BUS_FAULTS if rig.kind == "nina" else RTL_BUS_FAULTS
    return [name for name in rig.faults.kinds if name in bus or name in PEER_FAULTS or name == "ap_outage"]


class Tally:
    """What the threads of one run found, under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rounds = 0
        self.errors = collections.Counter()
        self.verified = 0
        self.corrupted = 0
        self.first_corruption = None
        self.waits = 0  # rounds that found every socket in use and began again a moment later
        self.active = {}  # thread index -> (round, started)

    def error(self, exc):
        name = errno.errorcode.get(exc.args[0], str(exc.args[0])) if exc.args else type(exc).__name__
        with self.lock:
            self.errors[name] += 1


def compare(payload, got):
    """``(bytes verified, bytes corrupted)`` of ``got`` against what was sent: it must be a
    prefix of ``payload`` (a short read is an error already counted, not corruption)."""
    n = min(len(payload), len(got))
    bad = sum(1 for i in range(n) if payload[i] != got[i]) if payload[:n] != got[:n] else 0
    bad += max(0, len(got) - len(payload))
    return n - bad if not bad else 0, bad


def one_round(dev, lab, payload, tally, where):
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
    got = bytearray()
    try:
        dev.connect(fd, "", lab.tcp_echo, nd.deadline(CONNECT_S))
        dev.send(fd, payload, 0, nd.deadline(TRANSFER_S))
        buf = bytearray(4096)
        dl = nd.deadline(TRANSFER_S)
        while len(got) < len(payload):
            n = dev.recv(fd, memoryview(buf)[: min(len(buf), len(payload) - len(got))], 0, dl)
            if n == 0:
                raise OSError(
                    errno.ECONNRESET, "end of stream after %d of %d bytes" % (len(got), len(payload))
                )
            got += buf[:n]
        return True
    finally:
        verified, bad = compare(payload, bytes(got))
        with tally.lock:
            tally.verified += verified
            tally.corrupted += bad
            if bad and tally.first_corruption is None:
                tally.first_corruption = where
        dev.close(fd)


def worker(index, rig, lab, plan, tally, blame):
    rng = random.Random(plan["seed"] * 1000 + index)
    backoff = BACKOFF_S[0]
    for number in range(plan["rounds"]):
        payload = rng.randbytes(plan["size"])
        with tally.lock:
            tally.active[index] = (number, time.monotonic())
        mark = blame.mark()
        while True:
            try:
                if one_round(rig.dev, lab, payload, tally, "thread %d round %d" % (index, number)):
                    with tally.lock:
                        tally.rounds += 1
                    blame.completed(mark)
                    backoff = BACKOFF_S[0]
            except OSError as exc:
                if exc.args and exc.args[0] == errno.ENOMEM:
                    # every socket in use (8 threads, 6 on Adafruit 3.x): an application waits
                    # for one; a socket that never comes back is a hang (ROUND_BOUND_S)
                    with tally.lock:
                        tally.waits += 1
                    time.sleep(SOCKET_WAIT_S)
                    continue
                tally.error(exc)
                blame.failed(mark, exc)
                time.sleep(backoff)
                backoff = min(backoff * 2, BACKOFF_S[1])
            except Exception as exc:  # noqa: BLE001 - anything but OSError is a bug: count it loudly
                tally.error(exc)
                blame.failed(mark, exc)
                traceback.print_exc()
            break
    with tally.lock:
        tally.active.pop(index, None)


def recover(rig, limit=RECOVERY_S):
    """After the run: faults off, the driver back on the network (a fault in the last
    exchange is recovered by the next call, a lost association by the watchdog); False if
    it is not back within ``limit`` seconds."""
    rig.calm()
    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            if rig.dev.addr() == rig.ip:
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def soak(
    name,
    lab,
    *,
    threads=8,
    rounds=200,
    size=65536,
    rate=0.01,
    seed=8,
    transient=False,
    verbose=False,
    out=print,
):
    """One driver's soak; prints its figures through ``out`` and returns them as a dict."""
    rig = Rig(name, lab, watchdog=0.2)  # the watchdog brings the link back after an outage
    try:
        faults = rig.faults
        faults.rng.seed(seed)
        kinds = fault_kinds(rig, transient)
        faults.chaos(rate, kinds)
        tally = Tally()
        blame = Blame(rig, kinds, rate)  # what each lost round cost (tools/soak_blame.py)
        workers = [
            threading.Thread(
                target=worker,
                args=(i, rig, lab, {"rounds": rounds, "size": size, "seed": seed}, tally, blame),
                daemon=True,
                name="soak-%s-%d" % (name, i),
            )
            for i in range(threads)
        ]
        started = time.monotonic()
        for thread in workers:
            thread.start()
        hangs = set()
        while any(thread.is_alive() for thread in workers):
            for thread in workers:
                thread.join(0.5)
            now = time.monotonic()
            with tally.lock:
                for index, (number, since) in tally.active.items():
                    if now - since > ROUND_BOUND_S:
                        hangs.add((index, number))
            if len(hangs) >= threads or (hangs and now - started > ROUND_BOUND_S * 4):
                break
        seconds = time.monotonic() - started
        exchanges = faults.opportunities
        injected = dict(faults.injected)
        if hangs:
            frames = sys._current_frames()  # noqa: SLF001 - where the hung threads are
            for thread in workers:
                if thread.is_alive():
                    out("  hung thread %s:" % thread.name)
                    out("".join(traceback.format_stack(frames.get(thread.ident))).rstrip())
        blame.unhook()
        back = recover(rig)
        fds, slots = rig.leaks()
        leaks = len(fds) + len(slots)
        out(
            "soak %s: %d threads x %d rounds x %d bytes, %s faults at %.1f %% of exchanges, %.1f s"
            % (name, threads, rounds, size, "transient" if transient else "all", rate * 100, seconds)
        )
        planned = threads * rounds
        unavoidable, avoidable = blame.totals()
        d = blame.exchanges()
        ceiling = blame.ceiling() if transient else None
        out(
            "  rounds completed  %d of %d (%.0f %%)%s"
            % (
                tally.rounds,
                planned,
                100.0 * tally.rounds / max(1, planned),
                "; a perfect driver: %.0f %% (the ceiling)" % (100 * ceiling) if ceiling is not None else "",
            )
        )
        out(
            "  rounds lost       %d: unavoidable %d, avoidable %d (rounds that did not finish: %d)"
            % (
                unavoidable + avoidable,
                unavoidable,
                avoidable,
                planned - tally.rounds - unavoidable - avoidable,
            )
        )
        out("    unavoidable     %s" % blame.top("unavoidable"))
        out("    avoidable       %s" % blame.top("avoidable"))
        if verbose:
            for (cls, what), n in sorted(blame.lost.items()):
                out("      %s %s (%d): %s" % (cls, what, n, blame.examples[(cls, what)]))
        if d is not None:
            out(
                "  data exchanges    %.1f per completed round; %.0f %% of the faults leave one unknown"
                % (d, 100 * blame.fatal_share())
            )
        out(
            "  faults injected   %d in %d exchanges (%s)"
            % (
                sum(injected.values()),
                exchanges,
                ", ".join("%s %d" % item for item in sorted(injected.items())) or "none",
            )
        )
        out(
            "  errors raised     %d (%s)"
            % (
                sum(tally.errors.values()),
                ", ".join("%s %d" % item for item in tally.errors.most_common()) or "none",
            )
        )
        out("  waits for a socket %d (rounds that found every socket in use began again)" % tally.waits)
        out("  bytes verified    %d" % tally.verified)
        out(
            "  corrupted bytes   %d%s"
            % (tally.corrupted, " (first: %s)" % tally.first_corruption if tally.corrupted else "")
        )
        out("  hangs             %d" % len(hangs))
        out("  leaked slots      %d%s" % (leaks, " (fds %r, chip %r)" % (fds, slots) if leaks else ""))
        if not back:
            out("  the driver did not come back on the network after the soak")
        return {
            "rounds": tally.rounds,
            "planned": planned,
            "unavoidable": unavoidable,
            "avoidable": avoidable,
            "exchanges": d,
            "ceiling": ceiling,
            "faults": sum(injected.values()),
            "errors": sum(tally.errors.values()),
            "verified": tally.verified,
            "corrupted": tally.corrupted,
            "hangs": len(hangs),
            "leaks": leaks,
            "recovered": back,
        }
    finally:
        if not any(t.is_alive() for t in threading.enumerate() if t.name.startswith("soak-" + name)):
            rig.close()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="the quick version (make test)")
    parser.add_argument("--devices", nargs="+", choices=DEVICES, help="drivers to soak")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rounds", type=int, help="rounds per thread (200; --short: 4)")
    parser.add_argument("--size", type=int, help="echo bytes per round (65536; --short: 16384)")
    parser.add_argument("--rate", type=float, help="fault rate per exchange (0.01; --short: 0.03)")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--transient", action="store_true", help="inject only transient bus faults")
    parser.add_argument("--verbose", action="store_true", help="each cause of a lost round with its error")
    args = parser.parse_args(argv)
    devices = args.devices or (TRANSIENT_DEVICES if args.transient else DEFAULT_DEVICES)
    rounds = args.rounds or (SHORT["rounds"] if args.short else 200)
    size = args.size or (SHORT["size"] if args.short else 65536)
    rate = args.rate if args.rate is not None else (SHORT["rate"] if args.short else 0.01)

    from netdev_emulator import Lab

    def out(line):
        print(line, flush=True)

    results = {}
    with Lab(mqtt=False) as lab:
        for name in devices:
            results[name] = soak(
                name,
                lab,
                threads=args.threads,
                rounds=rounds,
                size=size,
                rate=rate,
                seed=args.seed,
                transient=args.transient,
                verbose=args.verbose,
                out=out,
            )
    for name, r in results.items():  # rounds completed beside the three zeros, so a regression shows
        line = "soak %s: rounds completed %d of %d (%.0f %%)%s; lost %d unavoidable + %d avoidable" % (
            name,
            r["rounds"],
            r["planned"],
            100.0 * r["rounds"] / max(1, r["planned"]),
            ", ceiling %.0f %% at %.0f data exchanges a round" % (100 * r["ceiling"], r["exchanges"])
            if r["ceiling"] is not None
            else "",
            r["unavoidable"],
            r["avoidable"],
        )
        line += "; corrupted %d, hangs %d, leaks %d" % (r["corrupted"], r["hangs"], r["leaks"])
        if args.transient:
            met = r["rounds"] >= TRANSIENT_TARGET * r["planned"]
            line += "; target %d %% %s" % (TRANSIENT_TARGET * 100, "met" if met else "NOT met")
        out(line)
    bad = [n for n, r in results.items() if r["corrupted"] or r["hangs"] or r["leaks"] or not r["recovered"]]
    out("soak: %s" % ("FAILED on " + ", ".join(bad) if bad else "no corruption, no hang, no leak"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
