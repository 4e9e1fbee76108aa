# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Every measurement of one netdev, ``settings.runs`` times. A measurement that fails is
recorded (and shown in the table), not fatal."""

import time

from tools.bench import ceilings
from tools.bench.allocations import measure_allocations
from tools.bench.rig import netdev
from tools.bench.transfers import (
    measure_download,
    measure_echo,
    measure_setup,
    measure_upload,
    profile_download,
)


class Recorder:
    """Collects figures: ``samples`` ``{prefix + figure: [values]}`` and ``failures``
    ``{prefix: [messages]}``."""

    def __init__(self, name, log):
        self.name = name
        self.log = log
        self.samples = {}
        self.failures = {}

    def attempt(self, prefix, measure, *args, **kwargs):
        """``measure(*args, **kwargs)``, its figures recorded under ``prefix``; None when it
        failed, else its result."""
        try:
            figures = measure(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the table shows it
            message = "%s: %s" % (type(exc).__name__, exc)
            self.failures.setdefault(prefix, []).append(message)
            self.log("  %s %s failed: %s" % (self.name, prefix.rstrip("_"), message))
            return None
        if isinstance(figures, dict):
            for key, value in figures.items():
                self.samples.setdefault(prefix + key, []).append(value)
        return figures


def _one_run(record, target, settings, peers):
    record.attempt("down_", measure_download, target, peers["source"], settings.size, settings.recv_buffer)
    record.attempt("up_", measure_upload, target, peers["sink"], settings.size)
    tls_source = peers["tls_source"]
    record.attempt(
        "tls_", measure_download, target, tls_source, settings.size, settings.recv_buffer, tls=True
    )
    record.attempt("echo_", measure_echo, target, peers["echo"], settings.round_trips, settings.idle_seconds)
    record.attempt("setup_", measure_setup, target, peers)


def _link(target):
    """What the figures of ``target``'s link are judged against: ``{"kind", "clock", "rate",
    "ceilings"}``."""
    found = {"kind": target.kind, "clock": target.clock, "rate": target.rate, "ceilings": {}}
    if target.kind == "nina":
        found["ceilings"] = ceilings.nina_ceilings(target.rate)
    elif target.kind == "rtl":
        found["ceilings"] = ceilings.rtl_ceilings(target.rate)
    return found


def run_device(name, settings, cafile, peers, log):
    """``{"samples": {key: [values]}, "failures": {prefix: [messages]}, "kind", "clock",
    "rate", "ceilings", "profile"}`` of the netdev ``name``."""
    record = Recorder(name, log)
    with netdev(name, cafile) as target:
        link = _link(target)
        # one unmeasured round first: connections, caches, the TLS session cache
        record.attempt(
            "warmup_", measure_download, target, peers["source"], settings.warmup_size, settings.recv_buffer
        )
        record.attempt("warmup_", measure_upload, target, peers["sink"], settings.warmup_size)
        record.samples.clear()
        for run in range(settings.runs):
            began = time.monotonic()
            _one_run(record, target, settings, peers)
            log("  %s run %d/%d: %.1f s" % (name, run + 1, settings.runs, time.monotonic() - began))
    if name.startswith("wifinina-"):
        for _ in range(settings.runs):
            with netdev(name, cafile, gpio0=False) as target:
                record.attempt(
                    "nogpio0_",
                    measure_echo,
                    target,
                    peers["echo"],
                    settings.nogpio0_round_trips,
                    settings.idle_seconds,
                )
    began = time.monotonic()
    record.attempt("alloc_", measure_allocations, name, cafile, peers, settings.alloc_calls)
    log("  %s allocations: %.1f s" % (name, time.monotonic() - began))
    profile = None
    if link["kind"] is not None:
        with netdev(name, cafile) as target:
            profile = record.attempt(
                "profile_",
                profile_download,
                target,
                peers["source"],
                settings.profile_size,
                settings.recv_buffer,
            )
    return dict(link, samples=record.samples, failures=record.failures, profile=profile)
