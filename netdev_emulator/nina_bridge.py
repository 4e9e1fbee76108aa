# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The NINA bridge: an emulated NINA's wires served over TCP, so a driver running in
another process (CPython, or the MicroPython unix port) can drive it.

Protocol (version 1), over one TCP connection, request/response in strict alternation::

    request:   op (1 byte, ASCII)   length (2 bytes, big-endian)   payload (length bytes)
    response:  status (1 byte)      length (2 bytes, big-endian)   payload (length bytes)

``status`` 0 = done, payload as below; 1 = refused, payload is a UTF-8 message (the
connection stays usable). Pins are named by one byte: ``c`` CS, ``y`` READY, ``r`` RESET,
``g`` GPIO0.

=====  ======================  =======================================  ================
op     call                    request payload                          response payload
=====  ======================  =======================================  ================
``?``  hello                   (none)                                   ``nina-bridge 1 <persona>``
``L``  ``spi.try_lock()``      (none)                                   ``01`` locked, ``00`` busy
``U``  ``spi.unlock()``        (none)                                   (none)
``F``  ``spi.configure()``     baudrate (4, BE), polarity, phase, bits  (none)
``W``  ``spi.write()``         the bytes                                (none)
``R``  ``spi.readinto()``      count (2, BE), write_value (1)           count bytes
``X``  ``spi.write_readinto``  the bytes out                            as many bytes in
``G``  ``pin.value`` (read)    pin                                      ``00`` or ``01``
``S``  ``pin.value = v``       pin, v (0/1)                             (none); refused on an input
``O``  ``switch_to_output``    pin, value (0/1), drive (0 push-pull,    (none)
                               1 open drain)
``I``  ``switch_to_input``     pin, pull (0 none, 1 up, 2 down)         (none)
``T``  stats                   (none)                                   JSON of ``stats.snapshot()``
=====  ======================  =======================================  ================

Every connection acts as its own host thread on the wires: the SPI lock it takes is
released if it disconnects while holding it. :class:`NinaBridgeClient` is the CPython side
(bus objects with the ``busio``/``digitalio`` API); a MicroPython client only needs a socket
and ``struct``.
"""

import argparse
import json
import socket
import socketserver
import struct
import sys
import threading

from netdev_emulator.network import add_world_arguments, world_from_args
from netdev_emulator.nina_firmware import PERSONAS

PROTOCOL_VERSION = 1
_PINS = {b"c"[0]: "cs", b"y"[0]: "ready", b"r"[0]: "reset", b"g"[0]: "gpio0"}


def _recv_exactly(sock, count):
    data = bytearray()
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError("bridge connection closed")
        data += chunk
    return bytes(data)


class _Handler(socketserver.BaseRequestHandler):
    def handle(self):
        bridge = self.server.bridge
        nina = bridge.emulator
        sock = self.request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        peer = "%s:%d" % self.client_address[:2]
        before = nina.stats.snapshot()
        bridge.say("connection from %s" % peer)
        holding = False
        try:
            while True:
                try:
                    header = _recv_exactly(sock, 3)
                except (ConnectionError, OSError):
                    break
                op = header[0]
                payload = _recv_exactly(sock, (header[1] << 8) | header[2]) if (
                    header[1] or header[2]
                ) else b""
                try:
                    result = self._do(nina, op, payload)
                    if op == ord("L") and result == b"\x01":
                        holding = True
                    elif op == ord("U"):
                        holding = False
                    status = 0
                except Exception as exc:  # refused: say why, keep serving
                    result = ("%s: %s" % (type(exc).__name__, exc)).encode()[:65535]
                    status = 1
                sock.sendall(struct.pack(">BH", status, len(result)) + result)
        finally:
            if holding:
                nina.spi.unlock()
            after = nina.stats.snapshot()
            bridge.say(
                "closed %s: %d transactions, %d commands, %d bytes to the chip, %d from it"
                % (
                    peer,
                    after["transactions"] - before["transactions"],
                    after["commands"] - before["commands"],
                    after["bytes_to_device"] - before["bytes_to_device"],
                    after["bytes_from_device"] - before["bytes_from_device"],
                )
            )

    @staticmethod
    def _pin(nina, code):
        name = _PINS.get(code)
        if name is None:
            raise ValueError("unknown pin %r (use c, y, r or g)" % chr(code))
        return getattr(nina, name)

    def _do(self, nina, op, p):
        spi = nina.spi
        if op == ord("W"):
            spi.write(p)
            return b""
        if op == ord("R"):
            count, fill = struct.unpack(">HB", p[:3])
            buf = bytearray(count)
            spi.readinto(buf, write_value=fill)
            return bytes(buf)
        if op == ord("X"):
            buf = bytearray(len(p))
            spi.write_readinto(p, buf)
            return bytes(buf)
        if op == ord("G"):
            return b"\x01" if self._pin(nina, p[0]).value else b"\x00"
        if op == ord("S"):
            self._pin(nina, p[0]).value = bool(p[1])
            return b""
        if op == ord("L"):
            return b"\x01" if spi.try_lock() else b"\x00"
        if op == ord("U"):
            spi.unlock()
            return b""
        if op == ord("F"):
            baudrate, polarity, phase, bits = struct.unpack(">IBBB", p[:7])
            spi.configure(baudrate=baudrate, polarity=polarity, phase=phase, bits=bits)
            return b""
        if op == ord("O"):
            drive = "OPEN_DRAIN" if len(p) > 2 and p[2] else "PUSH_PULL"
            from netdev_emulator.nina_pins import DriveMode

            self._pin(nina, p[0]).switch_to_output(
                value=bool(p[1]), drive_mode=getattr(DriveMode, drive)
            )
            return b""
        if op == ord("I"):
            from netdev_emulator.nina_pins import Pull

            pull = {0: None, 1: Pull.UP, 2: Pull.DOWN}[p[1] if len(p) > 1 else 0]
            self._pin(nina, p[0]).switch_to_input(pull=pull)
            return b""
        if op == ord("T"):
            return json.dumps(nina.stats.snapshot()).encode()
        if op == ord("?"):
            return ("nina-bridge %d %s" % (PROTOCOL_VERSION, nina.persona.name)).encode()
        raise ValueError("unknown bridge op %r" % chr(op))


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class NinaBridge:
    """Serve ``emulator`` on ``host:port`` (port 0: a free one; see ``address``)."""

    def __init__(self, emulator, host="127.0.0.1", port=0, say=None):
        self.emulator = emulator
        self.say = say or (lambda text: None)
        self._server = _Server((host, port), _Handler)
        self._server.bridge = self
        self.address = self._server.server_address[:2]
        self._thread = None

    def start(self):
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
            name="nina-bridge", daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self):
        self._server.serve_forever(poll_interval=0.2)

    def close(self):
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(5)
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()


# -- CPython client ----------------------------------------------------------------------------


class NinaBridgeClient:
    """The wires of a bridged NINA in this process: ``spi``, ``cs``, ``ready``, ``reset``,
    ``gpio0`` with the ``busio.SPI`` / ``digitalio.DigitalInOut`` API."""

    def __init__(self, address, timeout=10.0):
        self._sock = socket.create_connection(tuple(address), timeout=timeout)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._lock = threading.Lock()
        self.hello = self.call("?").decode()
        self.spi = _ClientSPI(self)
        self.cs = _ClientPin(self, b"c")
        self.ready = _ClientPin(self, b"y")
        self.reset = _ClientPin(self, b"r")
        self.gpio0 = _ClientPin(self, b"g")

    def call(self, op, payload=b""):
        with self._lock:
            self._sock.sendall(op.encode() + struct.pack(">H", len(payload)) + payload)
            header = _recv_exactly(self._sock, 3)
            body = _recv_exactly(self._sock, (header[1] << 8) | header[2])
        if header[0]:
            raise RuntimeError("bridge refused %r: %s" % (op, body.decode("utf-8", "replace")))
        return body

    def stats(self):
        return json.loads(self.call("T").decode())

    def close(self):
        self._sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _ClientSPI:
    def __init__(self, client):
        self._client = client

    def try_lock(self):
        return self._client.call("L") == b"\x01"

    def unlock(self):
        self._client.call("U")

    def configure(self, *, baudrate=100000, polarity=0, phase=0, bits=8):
        self._client.call("F", struct.pack(">IBBB", baudrate, polarity, phase, bits))

    def write(self, buffer, start=0, end=None):
        end = len(buffer) if end is None else end
        self._client.call("W", bytes(memoryview(buffer)[start:end]))

    def readinto(self, buffer, start=0, end=None, write_value=0):
        end = len(buffer) if end is None else end
        data = self._client.call("R", struct.pack(">HB", end - start, write_value))
        memoryview(buffer)[start:end] = data

    def write_readinto(  # noqa: PLR0917 (busio's signature)
        self, buffer_out, buffer_in, out_start=0, out_end=None, in_start=0, in_end=None
    ):
        out_end = len(buffer_out) if out_end is None else out_end
        in_end = len(buffer_in) if in_end is None else in_end
        data = self._client.call("X", bytes(memoryview(buffer_out)[out_start:out_end]))
        memoryview(buffer_in)[in_start:in_end] = data

    def deinit(self):
        pass


class _ClientPin:
    def __init__(self, client, code):
        self._client = client
        self._code = code
        self._output = False

    @property
    def value(self):
        return self._client.call("G", self._code) == b"\x01"

    @value.setter
    def value(self, value):
        self._client.call("S", self._code + (b"\x01" if value else b"\x00"))

    def switch_to_output(self, value=False, drive_mode=None):
        drain = 1 if str(drive_mode).endswith("OPEN_DRAIN") else 0
        self._client.call("O", self._code + bytes((1 if value else 0, drain)))
        self._output = True

    def switch_to_input(self, pull=None):
        code = 0 if pull is None else (1 if str(pull).endswith("UP") else 2)
        self._client.call("I", self._code + bytes((code,)))
        self._output = False

    @property
    def direction(self):
        from netdev_emulator.nina_pins import Direction

        return Direction.OUTPUT if self._output else Direction.INPUT

    @direction.setter
    def direction(self, value):
        if str(value).endswith("OUTPUT"):
            self.switch_to_output()
        else:
            self.switch_to_input()

    def deinit(self):
        pass


# -- command line --------------------------------------------------------------------------------


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m netdev_emulator nina",
        description="Serve an emulated NINA-FW co-processor (AirLift) over a TCP bridge, "
        "so a driver in another process (CPython, MicroPython unix port) can drive it. "
        "The bridge protocol is described in netdev_emulator/nina_bridge.py.",
    )
    parser.add_argument("--persona", default="arduino-2.0",
                        choices=sorted(PERSONAS),
                        help="firmware line to emulate (default: arduino-2.0)")
    add_world_arguments(parser)
    parser.add_argument("--port", type=int, default=0,
                        help="bridge TCP port on 127.0.0.1 (default: a free one, printed)")
    parser.add_argument("--allow-external", action="store_true",
                        help="let the co-processor reach addresses outside 127.0.0.0/8")
    return parser


def main(argv=None):
    from netdev_emulator.nina import NinaEmulator

    args = _parser().parse_args(argv)
    world = world_from_args(args)

    def say(text):
        print(text, flush=True)

    nina = NinaEmulator(world, persona=args.persona, allow_external=args.allow_external)
    bridge = NinaBridge(nina, port=args.port, say=say)
    say("NINA emulator (%s, firmware %s) on bridge 127.0.0.1:%d; access points: %s"
        % (args.persona, nina.persona.version.rstrip(b"\0").decode(), bridge.address[1],
           ", ".join(sorted(world.access_points)) or "none"))
    try:
        bridge.serve_forever()
    except KeyboardInterrupt:
        say("stopping")
    finally:
        bridge._server.server_close()
        nina.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
