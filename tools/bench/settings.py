# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""What a bench run measures, how often, and the targets it is judged by (issue 7's)."""

from netdev_emulator import rig

KIB = 1024
MIB = 1024 * 1024

DEVICES = ("host",) + rig.DEVICES  # the host's sockets, the reference, then every virtual chip

ECHO_SIZE = 64  # bytes of each echo request and answer
WARMUP_ROUND_TRIPS = 5  # echoes before the measured ones (connections, caches)
DNS_NAME = "bench.example"
TLS_NAME = "localhost"
AP = ("bench-ap", "bench-password")

TARGET_SHARE = 0.90  # bulk TCP at >= 90 % of the raw link rate (model time)
TARGET_P50_MS = 5.0
TARGET_P99_MS = 20.0
TARGET_IDLE = 50.0  # bus transactions per idle second
TARGET_CPU = 0.5  # host CPU seconds per MiB
TARGET_KEPT = 0  # library bytes kept per steady-state recv/send
TARGET_HEAP_KB = 64  # the tcpclient example's heap (the MicroPython rows)


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
        self.warmup_size = 16 * KIB  # the unmeasured transfers before the first run
        self.nogpio0_round_trips = 20  # echoes before the idle wait without GPIO0
        self.profile_size = 128 * KIB  # the download cProfile looks at
