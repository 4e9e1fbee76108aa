# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``python -m tools.circuitpython [--force]``: build CircuitPython's mpy-cross (9.x, 10.x)
and its unix port as a board (see the package's docstring), and say what was built."""

import sys

from tools import circuitpython

circuitpython.build(force="--force" in sys.argv[1:])
for target in circuitpython.RELEASES:
    path = circuitpython.mpy_cross(target)
    print("%-5s %s: %s" % (target, path, circuitpython.version_line(path)))
print("port  %s: %s" % (circuitpython.INTERPRETER, circuitpython.version_line(circuitpython.INTERPRETER)))
