# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``python -m tools.mp32 [--force]``: build mp32 (see the package's docstring)."""

import sys

from tools.mp32 import build

build(force="--force" in sys.argv[1:])
