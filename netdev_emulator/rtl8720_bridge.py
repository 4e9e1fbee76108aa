# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""An emulated RTL8720DN's UART out of process: on a pseudo-terminal (:class:`PtyBridge`)
that pyserial, and so Blinka on Linux, opens like the Wio Terminal's serial port, or on a
TCP port (:class:`TcpBridge`, pyserial's ``socket://127.0.0.1:PORT``) for code running
under real MicroPython. ``python -m netdev_emulator rtl8720dn (--pty | --tcp PORT)`` runs
:func:`main`. (The NINA's bus is served by :mod:`netdev_emulator.nina_bridge`.)

The bytes are the eRPC frames of the firmware's UART transport (seeed-ambd-firmware
``src/erpc/erpc_arduino_uart_transport.cpp``, ``erpc_framed_transport.cpp``), passed on
unchanged; there is no line rate on a pty or socket, so the bridge turns the chip's
baud-rate check off. Out of process there is no EN pin: with ``allow_reset_frame`` the
chip takes :data:`netdev_emulator.rtl8720.RESET_FRAME` as the pulse, and a client opening
the port resets the chip unless ``--no-reset-on-open``.
"""

import argparse
import logging
import os
import select
import signal
import socket
import sys
import threading
import time
import tty

from netdev_emulator.network import add_world_arguments, world_from_args
from netdev_emulator.rtl8720 import DEFAULT_FIRMWARE, RTL8720Emulator

log = logging.getLogger("netdev_emulator.rtl8720")


class PtyBridge:
    """The chip's UART on a pseudo-terminal. The bridge does not keep the slave side
    open, so it sees when a client opens and closes the port."""

    def __init__(self, chip, reset_on_open):
        self.chip = chip
        self.reset_on_open = reset_on_open
        self.master, slave = os.openpty()
        tty.setraw(slave)
        self.path = os.ttyname(slave)
        os.close(slave)
        os.set_blocking(self.master, False)
        self.present = False
        self.stopped = False
        chip.attach_bridge(self._to_client)  # a pty has no line rate to get wrong

    def _to_client(self, data):
        if not self.present:
            return
        view = memoryview(data)
        end = time.monotonic() + 1.0
        while view:
            try:
                view = view[os.write(self.master, view):]
            except BlockingIOError:
                if time.monotonic() > end:
                    log.warning("pty client not reading: %d bytes lost", len(view))
                    return
                select.select([], [self.master], [], 0.01)
            except OSError:
                return

    def serve_forever(self):
        """Serve until :meth:`stop` (or for ever)."""
        poller = select.poll()
        poller.register(self.master, select.POLLIN)
        while not self.stopped:
            events = poller.poll(50)
            hangup = any(ev & select.POLLHUP for _, ev in events)
            if hangup:
                if self.present:
                    log.info("pty closed by the client")
                self.present = False
                time.sleep(0.02)
                continue
            if not self.present:
                self.present = True
                log.info("pty opened by a client")
                if self.reset_on_open:
                    self.chip.reset()
            if any(ev & select.POLLIN for _, ev in events):
                try:
                    data = os.read(self.master, 65536)
                except BlockingIOError:
                    continue
                except OSError:
                    self.present = False
                    continue
                self.chip.from_bridge(data)
        os.close(self.master)

    def stop(self):
        """End :meth:`serve_forever` (within 50 ms); it closes the pty."""
        self.stopped = True


class TcpBridge:
    """The chip's UART on a TCP port (pyserial ``socket://127.0.0.1:PORT``), one client
    at a time."""

    def __init__(self, chip, port, reset_on_open):
        self.chip = chip
        self.reset_on_open = reset_on_open
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", port))
        self.server.listen(1)
        self.port = self.server.getsockname()[1]
        self.path = "socket://127.0.0.1:%d" % self.port
        self.client = None
        self.lock = threading.Lock()
        chip.attach_bridge(self._to_client)

    def _to_client(self, data):
        with self.lock:
            client = self.client
        if client is not None:
            try:
                client.sendall(data)
            except OSError:
                pass

    def serve_forever(self):
        while True:
            conn, _ = self.server.accept()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.reset_on_open:
                self.chip.reset()
            with self.lock:
                self.client = conn
            try:
                while True:
                    data = conn.recv(65536)
                    if not data:
                        break
                    self.chip.from_bridge(data)
            except OSError:
                pass
            with self.lock:
                self.client = None
            conn.close()


def main(argv=None):
    """``python -m netdev_emulator rtl8720dn (--pty | --tcp PORT) [options]``."""
    parser = argparse.ArgumentParser(
        prog="python -m netdev_emulator rtl8720dn",
        description="A virtual RTL8720DN (Wio Terminal, ambd eRPC firmware) on a "
        "pseudo-terminal or TCP port, serving real sockets on this machine.")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--pty", action="store_true",
                       help="serve on a new pseudo-terminal (its path is printed)")
    where.add_argument("--tcp", type=int, metavar="PORT",
                       help="serve on 127.0.0.1:PORT (0: any free port) for pyserial's "
                       "socket:// URLs")
    parser.add_argument("--firmware", default=DEFAULT_FIRMWARE,
                        help="firmware release (%s)" % DEFAULT_FIRMWARE)
    add_world_arguments(parser)
    parser.add_argument("--tls-without-ca", choices=("world", "none"), default="world",
                        help="no root CA set: verify with --cafile (world) or not at all "
                        "like the real firmware (none)")
    parser.add_argument("--no-reset-on-open", action="store_true",
                        help="keep the chip's state when a client (re)opens the port")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="log port opens/closes and resets (-vv: every dropped frame)")
    args = parser.parse_args(argv)
    levels = {0: logging.WARNING, 1: logging.INFO}
    logging.basicConfig(level=levels.get(args.verbose, logging.DEBUG),
                        format="%(asctime)s %(name)s %(message)s")
    world = world_from_args(args)
    chip = RTL8720Emulator(world, firmware=args.firmware, allow_reset_frame=True,
                           tls_without_ca=args.tls_without_ca)
    reset_on_open = not args.no_reset_on_open
    if args.pty:
        bridge = PtyBridge(chip, reset_on_open)
    else:
        bridge = TcpBridge(chip, args.tcp, reset_on_open)

    def stop(signum, frame_):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    print("RTL8720DN emulator on %s" % bridge.path, flush=True)
    try:
        bridge.serve_forever()
    except KeyboardInterrupt:
        pass


__all__ = ["PtyBridge", "TcpBridge", "main"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
