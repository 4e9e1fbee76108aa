# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``python -m netdev_emulator COMMAND ...``: the emulator as a desktop tool.

Commands: ``run`` (a board program on this computer, its driver on a virtual co-processor),
``lab`` (the loopback peers), ``nina`` (a virtual AirLift for another process), ``rtl8720dn``
(a virtual Wio Terminal radio on a pty or TCP port), ``pi`` (a Blinka program on a virtual
Raspberry Pi with an AirLift), ``demo`` (every example of a checkout on every virtual device:
``make demo``, the repository's ``tools/demo``)."""

import importlib
import sys

COMMANDS = {
    "run": ("netdev_emulator.run", "run a program (code.py) with its driver on a virtual co-processor"),
    "nina": ("netdev_emulator.nina", "serve an emulated NINA-FW co-processor (AirLift)"),
    "rtl8720dn": ("netdev_emulator.rtl8720", "serve an emulated RTL8720DN on a pty or TCP port"),
    "pi": ("netdev_emulator.raspberrypi", "run a Blinka program on a virtual Raspberry Pi with an AirLift"),
    "lab": ("netdev_emulator.lab", "start the loopback peers and print their addresses"),
    "demo": ("tools.demo", "in a checkout: every example on every netdev against the lab (make demo)"),
}


def usage():
    lines = ["usage: python -m netdev_emulator COMMAND [options]   (COMMAND --help for more)", ""]
    lines += ["  %-10s %s" % (name, text) for name, (_mod, text) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(usage())
        return 0
    if argv[0] not in COMMANDS:
        print("unknown command %r\n\n%s" % (argv[0], usage()), file=sys.stderr)
        return 2
    try:
        module = importlib.import_module(COMMANDS[argv[0]][0])
    except ModuleNotFoundError as exc:
        if exc.name not in ("tools", "tools.demo"):
            raise
        print("the demo runs the examples of a checkout of adafruit_netdev: in the repository's "
              "folder, run `make demo` (or `.venv/bin/python -m tools.demo`)", file=sys.stderr)
        return 2
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main() or 0)
