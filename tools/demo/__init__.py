# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``make demo`` (``python -m tools.demo``): every example in ``examples/`` run on every netdev
(the host's own network and each virtual co-processor) against the lab, one line per example
and device, then a summary; ``tests/examples`` runs the same scenarios under pytest.

:mod:`tools.demo.runner` runs the programs, :mod:`tools.demo.scenarios` says what each
example is given and what is checked, :mod:`tools.demo.cli` runs them all and reports.
"""

from tools.demo.runner import (
    DEVICES,
    EXAMPLES,
    ExampleFailed,
    Program,
    Result,
    Run,
    check,
    http_request,
    run_scenario,
)
from tools.demo.scenarios import SCENARIOS

__all__ = [
    "DEVICES",
    "EXAMPLES",
    "SCENARIOS",
    "ExampleFailed",
    "Program",
    "Result",
    "Run",
    "check",
    "http_request",
    "main",
    "run_scenario",
]


def main(argv=None):
    """``python -m tools.demo [--examples ...] [--devices ...] [--jobs N] [-v]``."""
    from tools.demo.cli import main as cli_main  # pylint: disable=import-outside-toplevel

    return cli_main(argv)
