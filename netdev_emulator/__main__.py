# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``python -m netdev_emulator COMMAND ...``: the emulator as a desktop tool.

Commands: ``nina`` (a virtual AirLift), ``rtl8720dn`` (a virtual Wio Terminal radio),
``pi`` (a Blinka program on a virtual Raspberry Pi with an AirLift), ``lab`` (the loopback
peers), ``demo`` (every example on every virtual device)."""

import importlib
import sys

COMMANDS = {
    "nina": ("netdev_emulator.nina", "serve an emulated NINA-FW co-processor (AirLift)"),
    "rtl8720dn": ("netdev_emulator.rtl8720", "serve an emulated RTL8720DN on a pty or TCP port"),
    "pi": ("netdev_emulator.raspberrypi", "run a Blinka program on a virtual Raspberry Pi with an AirLift"),
    "lab": ("netdev_emulator.lab", "start the loopback peers and print their addresses"),
    "demo": ("netdev_emulator.demo", "run every example on every netdev against the lab"),
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
    module = importlib.import_module(COMMANDS[argv[0]][0])
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main() or 0)
