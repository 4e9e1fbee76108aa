# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``python -m tools.bench`` (``make bench``)."""

import sys

from tools.bench.cli import main

sys.exit(main())
