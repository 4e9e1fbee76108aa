# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""``python -m netdev_emulator run [--device DEVICE] code.py [ARG ...]``: a program written
for a board (a ``code.py``, an example) run on this computer with the real driver on a
virtual co-processor. It builds the device (:func:`netdev_emulator.rig.build`), binds it with
``adafruit_netdev.use_netdev`` and sets ``NETDEV=bound``, so that the program's
``probe()`` returns that device, then runs the program as ``__main__``.

From Python, the same in one call before the program's own code::

    from netdev_emulator.run import use_emulator
    dev = use_emulator("wifinina-adafruit-3.3")      # probe() now returns (dev, dev)

The world the chip lives in (access points, names, port map, trusted CA file), first found:

1. the ``--ap``/``--host``/``--map`` options (and ``--cafile``, ``--ip``, ``--offline``);
2. the ``NETDEV_EMULATOR_*`` variables (what ``make demo`` and the tests give their runs);
3. a running ``python -m netdev_emulator lab`` (it leaves a note of its world where
   :func:`lab_note_path` says, removed when it stops): the examples' real names
   (httpbin.org, test.mosquitto.org, pool.ntp.org, 10.0.0.100:8080 ...) lead to its peers and
   the chip trusts its CA;
4. otherwise one access point named by ``CIRCUITPY_WIFI_SSID`` and the computer's own name
   resolver: the virtual chip reaches the internet.

The access point the program joins (``CIRCUITPY_WIFI_SSID`` and ``CIRCUITPY_WIFI_PASSWORD``,
from the environment or ``./settings.toml``) is added when the world lacks it, so a
``settings.toml`` written for the board works as it is; without them, the program is given
the lab's (``lab-ap``, ``lab-password``).
"""

import argparse
import json
import os
import sys
import tempfile

from netdev_emulator import rig
from netdev_emulator.network import add_world_arguments, world_from_args, world_from_environ


def lab_note_path():
    """Where a running ``python -m netdev_emulator lab`` notes its world: one per user in the
    temporary folder, or the file ``NETDEV_EMULATOR_LAB_NOTE`` names."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    default = os.path.join(tempfile.gettempdir(), "netdev-emulator-lab-%d.json" % uid)
    return os.environ.get("NETDEV_EMULATOR_LAB_NOTE") or default


def running_lab():
    """The ``NETDEV_EMULATOR_*`` variables of the running lab, or None when none runs."""
    try:
        with open(lab_note_path(), encoding="utf-8") as f:
            note = json.load(f)
        os.kill(note["pid"], 0)  # still running (signal 0 only checks)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return note["environ"]


def find_world(environ=os.environ):
    """Put the world of a run into ``environ`` as ``NETDEV_EMULATOR_*`` variables when it has
    none and a lab runs (see the module's documentation), with the program's access point
    (``CIRCUITPY_WIFI_SSID``) among its access points. Returns where the world comes from,
    in words, or None when a tool (``make demo``, a test) gave it."""
    if environ.get("NETDEV_EMULATOR_APS") is not None:
        source = None
    else:
        if not environ.get("CIRCUITPY_WIFI_SSID"):  # no settings.toml: the lab's access point
            environ["CIRCUITPY_WIFI_SSID"], environ["CIRCUITPY_WIFI_PASSWORD"] = rig.LAB_AP
        lab = running_lab()
        if lab is None:
            return "no lab running: the internet, through this computer"
        environ.update(lab)
        source = "the lab that runs (%s)" % lab_note_path()
    ssid = environ.get("CIRCUITPY_WIFI_SSID")
    aps = environ["NETDEV_EMULATOR_APS"]
    if ssid and ssid not in [item.partition("=")[0] for item in aps.split(",")]:
        passphrase = environ.get("CIRCUITPY_WIFI_PASSWORD") or ""
        environ["NETDEV_EMULATOR_APS"] = ",".join(x for x in (aps, "%s=%s" % (ssid, passphrase)) if x)
    return source


def use_emulator(device="wifinina", world=None):
    """Build ``device`` (a :mod:`netdev_emulator.rig` name: ``wifinina``,
    ``wifinina-<persona>``, ``rtl8720dn``) on its virtual co-processor in ``world`` (default:
    :func:`world_for_run`'s), bind it with ``adafruit_netdev.use_netdev`` and make
    ``probe()`` return it (``NETDEV=bound``). Returns the driver; ``dev.emulator`` is the
    chip (its ``stats``, its ``close()``)."""
    import adafruit_netdev  # noqa: PLC0415
    import adafruit_netdev.probe  # noqa: F401, PLC0415 - on CPython: ./settings.toml read, as a board does

    if world is None:
        find_world()
        world = world_from_environ(os.getenv)
    dev, chip = rig.build(device, world)
    dev.emulator = chip  # keeps it alive and reachable (stats) from the program
    adafruit_netdev.use_netdev(dev)
    os.environ["NETDEV"] = "bound"
    return dev


def run_program(path, args=()):
    """Run the program at ``path`` as ``__main__`` with ``args`` as its ``sys.argv[1:]``, its
    folder first on ``sys.path`` (as ``python path`` would)."""
    import runpy  # noqa: PLC0415

    sys.argv = [path] + list(args)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    runpy.run_path(path, run_name="__main__")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m netdev_emulator run",
        description="Run a board program (code.py, an example) on this computer with the real "
        "driver on a virtual co-processor: its probe() returns that device.",
    )
    parser.add_argument(
        "--device", default=os.getenv("NETDEV_DEVICE") or "wifinina",
        help="wifinina (an AirLift, NINA-FW %s), wifinina-<persona> (%s), rtl8720dn (a Wio "
        "Terminal, ambd %s) or host (default: wifinina; or NETDEV_DEVICE)"
        % (rig.NINA_PERSONAS[0], ", ".join(rig.NINA_PERSONAS), rig.RTL_FIRMWARE),
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="do not say which world the chip is in")
    add_world_arguments(parser)
    parser.add_argument("program", help="the program to run (code.py)")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="its arguments")
    args = parser.parse_args(argv)
    try:
        rig.chip_of(args.device)
    except ValueError as exc:
        parser.error(str(exc))
    if not os.path.isfile(args.program):
        parser.error("no program %r" % args.program)
    import adafruit_netdev.probe  # noqa: F401, PLC0415 - ./settings.toml read before the world is made

    source = "the --ap/--host/--map options" if args.ap or args.host or args.map else find_world()
    world = world_from_args(args)
    if source and not args.quiet:
        print("netdev_emulator: %s; its world: %s" % (args.device, source), file=sys.stderr)
    use_emulator(args.device, world)
    run_program(args.program, args.args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
