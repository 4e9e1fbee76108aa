# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``python -m tools.demo``: see :mod:`tools.demo`."""

import sys

from tools.demo.cli import main

sys.exit(main())
