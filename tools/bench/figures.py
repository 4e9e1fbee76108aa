# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""How figures are written: medians, spreads, ranges over netdevs, sizes."""

import math
import statistics

from tools.bench.settings import KIB, MIB


class Samples(dict):
    """``{key: [values]}`` where a missing key has no values."""

    def __missing__(self, key):
        return []


def median(values):
    return statistics.median(values) if values else float("nan")


def num(value, digits=0):
    """``value`` with ``digits`` decimals and a space between thousands; ``-`` for none."""
    if value is None or math.isnan(value):
        return "-"
    return "{:,.{}f}".format(value, digits).replace(",", " ")


def spread(values, digits=0, unit=""):
    """The smallest and the largest of ``values`` (the runs of one figure)."""
    if not values:
        return ""
    if len(values) == 1:
        return "(%d run)" % len(values)
    return "%s-%s%s" % (num(min(values), digits), num(max(values), digits), unit)


def span(values, digits=0, unit=""):
    """``values`` (one figure over several netdevs) as ``low-high unit``, or one value when
    they agree to ``digits``; None when there are none."""
    values = [v for v in values if v is not None and not math.isnan(v)]
    if not values:
        return None
    low, high = num(min(values), digits), num(max(values), digits)
    return (low if low == high else "%s-%s" % (low, high)) + unit


def size(count):
    """``count`` bytes as whole MiB or KiB."""
    return "%d MiB" % (count // MIB) if count >= MIB else "%d KiB" % (count // KIB)


def percent(share, digits=1):
    return "%s %%" % num(100 * share, digits)
