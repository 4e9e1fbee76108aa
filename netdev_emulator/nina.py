# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""A virtual NINA-FW co-processor (Adafruit AirLift, Arduino NINA-W102) on its SPI bus.

``NinaEmulator(world)`` offers the five wires a host driver uses — ``spi`` (a
``busio.SPI`` look-alike), ``cs``, ``ready``, ``reset`` and ``gpio0`` (``digitalio.DigitalInOut``
look-alikes) — and behaves on them like the ESP32 firmware (docs/protocol-nina.rst):

* Reset and boot (same title there): RESET low holds the chip in reset and clears every state; after
  release it boots (``timing.boot``: 20 ms wall, 0.75 s model), samples GPIO0 (LOW:
  ROM download mode) and CS (LOW: Bluetooth HCI mode) and only then drives READY LOW.
* Transactions (the READY handshake): one frame per CS assertion; command and reply transactions strictly
  alternate; READY goes HIGH at the CS falling edge and LOW again once the next transaction
  is queued. A transaction started while READY is HIGH is lost and the host is out of step,
  exactly as on the device (``stats.lost_transactions`` counts them).
* The firmware model (:mod:`netdev_emulator.nina_firmware`) serves real host sockets.
* The wires themselves (:class:`NinaPin`, :class:`NinaSPI`) are :mod:`netdev_emulator.nina_pins`.

Wall and model time: quick commands are answered at once; blocking ones (connect, TLS
handshake, DNS) run in a firmware thread while READY stays HIGH, and are charged their real
host duration; modeled delays (association, scan, boot) wait a short wall time and charge
the realistic figure to the model clock. Every transaction costs ``10 µs + bytes at the
configured SPI rate`` (8 MHz with ``SPIDevice(..., baudrate=8000000)``) and every command
``100 µs`` of firmware turnaround (:class:`NinaTiming`).

Out of process: ``python -m netdev_emulator nina`` serves the emulator over a TCP bridge
(see :mod:`netdev_emulator.nina_bridge` for the protocol) so a driver running in another
process, for example under the MicroPython unix port, can drive it.
"""

import queue
import threading
import time

from netdev_emulator.faults import NETWORK_FAULTS, NINA_BUS_FAULTS, NINA_FIRMWARE_FAULTS, Faults
from netdev_emulator.network import BusStats
from netdev_emulator.nina_firmware import (
    BUFFER_SIZE,
    ERROR_REPLY,
    OPCODE_NAMES,
    PERSONAS,
    Deferred,
    NinaFirmware,
    NinaTiming,
    Persona,
)
from netdev_emulator.nina_pins import Direction, DriveMode, NinaPin, NinaSPI, Pull

__all__ = [
    "Direction", "DriveMode", "NinaBusStats", "NinaEmulator", "NinaPin", "NinaSPI", "NinaTiming",
    "PERSONAS", "Persona", "Pull", "main",
]

_get_ident = threading.get_ident


class NinaBusStats(BusStats):
    """:class:`BusStats` plus the bus faults the emulator can see:

    * ``torn_transactions``: CS edges or transfers from a thread that does not own the bus
      transaction (two threads interleaving on the wires);
    * ``lost_transactions``: CS asserted while the chip was busy, booting or in reset
      (READY was HIGH): the bytes went nowhere and the host is now out of step;
    * ``stray_transfers``: SPI transfers with CS not asserted;
    * ``error_replies``: ``EF 00 EE 00`` replies (unknown opcode, garbage command).
    """

    _EXTRA = ("torn_transactions", "lost_transactions", "stray_transfers", "error_replies")

    def reset(self):
        super().reset()
        with self._lock:
            for name in self._EXTRA:
                setattr(self, name, 0)

    def count(self, name):
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)

    def snapshot(self):
        out = super().snapshot()
        with self._lock:
            for name in self._EXTRA:
                out[name] = getattr(self, name)
        return out



_IN_RESET, _BOOTING, _RX, _BUSY, _TX, _DEAD = "reset", "booting", "rx", "busy", "tx", "dead"


class NinaEmulator:
    """A NINA-FW co-processor on its bus.

    :param world: the :class:`netdev_emulator.Network` it lives in
    :param persona: ``"arduino-2.0"`` (default), ``"arduino-1.5"``, ``"adafruit-1.7"``,
        ``"adafruit-3.3"``, or a :class:`Persona`
    :param NinaTiming timing: delays and bus costs (defaults: see :class:`NinaTiming`)
    :param bytes mac: the station MAC in natural order
    :param bool allow_external: let connections and datagrams reach addresses outside
        127.0.0.0/8 (off: such a connect fails as unanswered, a datagram is dropped)
    :param bool reset_active_high: RESET through an inverter (MKR WiFi 1010)

    Test hooks: ``open_sockets()``, ``esp_pin(n)`` (the chip's GPIO pass-through pins),
    ``stats`` (:class:`NinaBusStats`), ``opcode_counts``, ``mode``, ``bus_errors``,
    ``trace`` (a callable given ``(command, reply)`` for every command), ``clock`` (what
    GET_TIME reads), ``temperature``, ``stop_client_stops_listener``, ``faults`` (the
    fault switchboard, :class:`netdev_emulator.faults.Faults`; see docs/faults.rst).
    """

    def __init__(
        self,
        world,
        persona="arduino-2.0",
        *,
        timing=None,
        mac=b"\x24\x6f\x28\x4e\x49\x41",
        allow_external=False,
        reset_active_high=False,
    ):
        self.world = world
        if isinstance(persona, Persona):
            self.persona = persona
        elif persona in PERSONAS:
            self.persona = PERSONAS[persona]
        else:
            raise ValueError(
                "unknown NINA persona %r: choose one of %s" % (persona, ", ".join(PERSONAS))
            )
        self.timing = timing if timing is not None else NinaTiming()
        self.mac = bytes(mac)
        self.allow_external = allow_external
        self.reset_active_high = reset_active_high
        self.stop_client_stops_listener = False
        self.temperature = 42.5
        self.clock = time.time
        self.trace = None
        self.stats = NinaBusStats()
        self.faults = Faults(NINA_BUS_FAULTS + NETWORK_FAULTS + NINA_FIRMWARE_FAULTS)
        self._stuck = False  # the ready_stuck fault: READY HIGH until a reset
        self._fault_now = None  # the fault picked for the command being received and run
        self._hold_next = False  # ready_high: hold READY once this reply has been read ...
        self._held_until = 0.0  # ... until then (time.monotonic())
        self.opcode_counts = {}
        self.bus_errors = []
        self.esp_pins = {}
        self.firmware = None
        self._lock = threading.RLock()
        self._routes = {}
        self._generation = 0
        self._phase = _IN_RESET
        self._mode = "reset"
        self._boot_done = 0.0
        self._busy_until = None
        self._reply = b""
        self._rx = None
        self._xfer = None
        self._xfer_bytes = 0
        self._xfer_thread = None
        self._gpio0_level = False
        self._worker = None
        self._jobs = None
        self._closed = False
        self.spi = NinaSPI(self)
        self.cs = NinaPin(self, "cs")
        self.ready = NinaPin(self, "ready")
        self.reset = NinaPin(self, "reset")
        self.gpio0 = NinaPin(self, "gpio0")
        self._levels = {"cs": True, "reset": True, "gpio0": True}
        with self._lock:
            self._release_reset()  # power on: the chip boots with the host pins floating

    # -- context / lifetime -------------------------------------------------------------

    def close(self):
        """Power the chip off: every host socket closes, the firmware thread ends."""
        with self._lock:
            self._closed = True
            self._hold_reset()
            jobs = self._jobs
        if jobs is not None:
            jobs.put(None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return "<NinaEmulator %s %s>" % (self.persona.name, self.mode)

    # -- inspection ------------------------------------------------------------------------

    @property
    def mode(self):
        """``"reset"``, ``"booting"``, ``"spi"`` (serving commands), ``"bluetooth"`` (CS was
        LOW at boot), ``"download"`` (GPIO0 was LOW at reset release) or ``"off"``."""
        with self._lock:
            self._advance()
            return self._mode

    def open_sockets(self):
        """The firmware's sockets: one dict per slot in use or holding a listener (keys
        ``slot``, ``type`` and, as they apply, ``listening``, ``connected``, ``peer``,
        ``unread``, ``udp_port``...), plus ``{"type": "leaked"}`` entries for sockets the
        firmware lost track of. ``[]`` means nothing is open."""
        firmware = self.firmware
        if firmware is None:
            return []
        with firmware.lock:
            return firmware.describe()

    def esp_pin(self, number):
        """The chip's GPIO ``number`` as a dict (``mode``, ``value``, ``pwm`` set by the host's
        pass-through commands; ``input`` and ``analog`` set by a test as what the outside
        world applies)."""
        pin = self.esp_pins.get(number)
        if pin is None:
            pin = {"mode": 0, "value": 0, "pwm": 0, "input": None, "analog": 0}
            self.esp_pins[number] = pin
        return pin

    # -- model clock (used by the firmware) --------------------------------------------------

    def model_now(self):
        return self.stats.model_seconds

    def model_advance_to(self, when):
        gap = when - self.stats.model_seconds
        if gap > 0:
            self.stats.add(seconds=gap, transactions=0)

    def remember_route(self, real, virtual):
        self._routes[(real[0], real[1])] = virtual

    def virtual_source(self, addr):
        """What the firmware reports as the source of a datagram from host ``addr``: the
        address the host sent to when the world mapped it to a local port."""
        found = self._routes.get((addr[0], addr[1]))
        if found is not None:
            return found
        import socket

        return socket.inet_aton(addr[0]), addr[1]

    # -- pins ---------------------------------------------------------------------------------

    def _line(self, name, host_pull):
        """The level a host input sees on ``name``."""
        if name == "ready":
            with self._lock:
                return self._ready_level()
        if name == "gpio0":
            with self._lock:
                self._advance()
                if self._mode == "spi":
                    return self._data_available()
        with self._lock:
            return self._levels.get(name, True) if name != "gpio0" else True

    def _ready_level(self):
        self._advance()
        if self._stuck or self._held():
            return True
        if self._xfer == "missed":
            return False  # request_lost: the chip did not see CS fall, so nothing acknowledges it
        return not (self._xfer is None and self._phase in (_RX, _TX))

    def _held(self):
        """ready_high: READY held HIGH a while before the chip takes its next command."""
        if self._held_until:
            if time.monotonic() < self._held_until:
                return True
            self._held_until = 0.0
        return False

    def _data_available(self):
        firmware = self.firmware
        if firmware is not None and firmware.lock.acquire(blocking=False):
            try:
                self._gpio0_level = firmware.data_available()
            finally:
                firmware.lock.release()
        return self._gpio0_level

    def _host_drove(self, name):
        pin = getattr(self, name)
        forced = pin._drives()
        if forced is None:
            level = pin._pull != Pull.DOWN if pin._pull is not None else True  # chip pull-up
        else:
            level = forced
        with self._lock:
            if name == "ready":
                return
            old = self._levels.get(name)
            self._levels[name] = level
            if old == level:
                return
            self._advance()
            if name == "cs":
                if level:
                    self._cs_rise()
                else:
                    self._cs_fall()
            elif name == "reset":
                if level != self.reset_active_high:
                    self._release_reset()
                else:
                    self._hold_reset()

    # -- reset and boot ------------------------------------------------------------------------

    def _hold_reset(self):
        self._generation += 1
        firmware = self.firmware
        self.firmware = None
        if firmware is not None:
            firmware.shutdown()
        for pin in self.esp_pins.values():
            pin["mode"] = pin["value"] = pin["pwm"] = 0
        self._phase = _IN_RESET
        self._stuck = False
        self._fault_now = None
        self._hold_next = False
        self._held_until = 0.0
        self._mode = "off" if self._closed else "reset"
        self._xfer = None
        self._busy_until = None
        self._reply = b""
        self._routes = {}

    def _release_reset(self):
        if self._closed:
            return
        self._generation += 1
        if not self._levels["gpio0"]:
            self._phase = _DEAD
            self._mode = "download"  # the ROM serial bootloader waits for esptool
            return
        self._phase = _BOOTING
        self._mode = "booting"
        self._boot_done = time.monotonic() + self.timing.boot[0]

    def _advance(self):
        phase = self._phase
        if phase == _BOOTING:
            if time.monotonic() >= self._boot_done:
                self.stats.add(seconds=self.timing.boot[1], transactions=0)
                if not self._levels["cs"]:
                    self._phase = _DEAD
                    self._mode = "bluetooth"  # HCI over UART: SPI is never served
                    return
                self.firmware = NinaFirmware(self.world, self.persona, self.timing, self)
                self._phase = _RX
                self._mode = "spi"
        elif phase == _BUSY and self._busy_until is not None:
            if time.monotonic() >= self._busy_until:
                self._busy_until = None
                self._phase = _TX

    # -- transactions ----------------------------------------------------------------------------

    def _bus_error(self, text):
        if len(self.bus_errors) < 200:
            self.bus_errors.append(text)

    def _cs_fall(self):
        me = _get_ident()
        self._xfer_thread = me
        self._xfer_bytes = 0
        if self._phase in (_IN_RESET, _BOOTING, _DEAD):
            self._xfer = "unseen"  # the SPI slave is not running: nothing watches CS
            return
        if self.spi._owner != me:
            self.stats.count("torn_transactions")
            self._bus_error("CS asserted by a thread that does not hold the SPI lock")
        if self._phase == _RX and self._held():
            self._xfer = "lost"
            self.stats.count("lost_transactions")
            self._bus_error("CS asserted while READY was HIGH (chip re-arming late)")
        elif self._phase == _RX:
            if self.faults.active:
                # One opportunity per command, picked as the chip starts to receive it: a lost
                # request is decided here, a damaged reply once the command has run.
                self._fault_now = self._pick_fault()
                if self._fault_now == "request_lost":
                    self._fault_now = None
                    self._xfer = "missed"  # the SPI slave never sees this transaction
                    return
            self._xfer = _RX
            self._rx = bytearray(BUFFER_SIZE)
        elif self._phase == _TX:
            self._xfer = _TX
        else:
            self._xfer = "lost"
            self.stats.count("lost_transactions")
            self._bus_error("CS asserted while READY was HIGH (chip %s)" % self._phase)

    def _cs_rise(self):
        kind = self._xfer
        if kind is None:
            return
        if kind in ("unseen", "missed"):
            self._xfer = None
            return
        if self._xfer_thread != _get_ident():
            self.stats.count("torn_transactions")
            self._bus_error("CS released by another thread than the one that asserted it")
        self._xfer = None
        count = self._xfer_bytes
        seconds = self.timing.cs_overhead + count * 8.0 / (
            self.spi._baudrate or self.timing.baudrate
        )
        if kind == _RX:
            self.stats.add(to_device=count, seconds=seconds)
            if count:
                self._command(self._rx, count)
        elif kind == _TX:
            self.stats.add(from_device=count, seconds=seconds)
            self._phase = _RX  # the firmware re-arms its receive buffer
            if self._hold_next:  # ready_high: ... late, this once
                self._hold_next = False
                self._held_until = time.monotonic() + self.faults.ready_high_seconds
        else:
            self.stats.add(seconds=seconds)

    def _clock(self, mosi, count, fill, miso):
        with self._lock:
            kind = self._xfer
            if kind is None:
                self.stats.count("stray_transfers")
                if miso is not None:
                    miso[:] = b"\xff" * count  # MISO is not driven
                return
            if self._xfer_thread != _get_ident():
                self.stats.count("torn_transactions")
                self._bus_error("SPI transfer from another thread inside a transaction")
            if not self.spi._mode_ok:
                mosi, fill = None, 0xFF
            pos = self._xfer_bytes
            self._xfer_bytes = pos + count
            if kind == _RX:
                room = BUFFER_SIZE - pos
                if room > 0:  # bytes past 4092 are dropped
                    take = count if count < room else room
                    if mosi is not None:
                        self._rx[pos : pos + take] = mosi[:take]
                    elif fill:
                        self._rx[pos : pos + take] = bytes((fill,)) * take
                if miso is not None:
                    miso[:] = bytes(count)
            elif kind == _TX:
                if miso is not None:
                    if not self.spi._mode_ok:
                        miso[:] = b"\xff" * count
                        return
                    chunk = self._reply[pos : pos + count]
                    got = len(chunk)
                    miso[:got] = chunk
                    if got < count:
                        miso[got:] = bytes(count - got)
            elif miso is not None:
                miso[:] = b"\xff" * count

    def _command(self, c, count):
        firmware = self.firmware
        self._phase = _BUSY
        self._busy_until = None
        op = c[1]
        self.opcode_counts[op] = self.opcode_counts.get(op, 0) + 1
        with firmware.lock:
            try:
                result = firmware.execute(c)
            except Exception as exc:  # an emulator bug: say so, answer like a confused chip
                self._bus_error("firmware model failed on %s: %r" % (_op_name(op), exc))
                result = ERROR_REPLY
        model = self.timing.turnaround + firmware.model
        if isinstance(result, Deferred):
            self._start_deferred(firmware, result, bytes(c[:count]), model)
            return
        self._arm_reply(result, model, firmware.wall, c, count)

    def _arm_reply(self, reply, model, wall, c, count):
        """The one place a reply is queued and READY is driven (faults hook in here)."""
        self.stats.add(seconds=model, transactions=0, commands=1)
        if reply is ERROR_REPLY or reply[:1] == b"\xef":
            self.stats.count("error_replies")
        if not self.persona.padded:
            # Adafruit 1.x CommandHandlerClass::handle returns the bare length (3.x and
            # Arduino round it up to 4); past it the host clocks the response buffer's
            # zeros, which the loop clears before every command (main/sketch.ino.cpp)
            reply = reply.rstrip(b"\0")
        if self.trace is not None:
            self.trace(bytes(c[:count]), reply)
        fault = self._fault_now
        if fault is not None:
            self._fault_now = None
            reply = self._reply_fault(reply, fault)
            if reply is None:
                return
        self._reply = reply
        if wall > 0:
            self._busy_until = time.monotonic() + wall
        else:
            self._phase = _TX

    def _pick_fault(self):
        """The fault switchboard's pick for the command the chip starts to receive."""
        firmware = self.firmware
        ap = firmware.ap if firmware is not None else None
        kinds = NINA_BUS_FAULTS + ("ap_outage",) if ap is not None else NINA_BUS_FAULTS
        return self.faults.pick(kinds, "command %d" % (self.stats.commands + 1))

    def _reply_fault(self, reply, fault):
        """What ``fault`` (picked as the command came in) does to its reply: the reply to
        send (maybe damaged), or None when the fault took over the chip's state."""
        if fault == "ap_outage":
            firmware = self.firmware
            if firmware is not None and firmware.ap is not None:
                self.faults.ap_outage(self.world, firmware.ap.ssid)
            return reply
        if fault == "ready_high":
            self._hold_next = True
            return reply
        if fault == "flipped_bit":
            # Only a framing byte: NINA's frames carry no checksum, so a flipped parameter or
            # data bit would reach the host unnoticed, on real hardware as here (a known limit
            # documented in docs/wifinina.rst, and left out of the fault set).
            end = len(reply.rstrip(b"\0")) - 1  # the END byte
            at = (0, 1, 2, end)[self.faults.randrange(0, 4)]
            damaged = bytearray(reply)
            damaged[at] ^= 1 << self.faults.randrange(0, 8)
            return bytes(damaged)
        if fault == "garbage_reply":
            return self.faults.garbage(len(reply))
        if fault == "lead_in":
            return self.faults.lead_in() + reply
        if fault == "truncated_reply":
            end = len(reply.rstrip(b"\0"))  # just past the END byte
            cut = self.faults.randrange(1, end) if end > 1 else 0
            return reply[:cut] + bytes(len(reply) - cut)
        self._reply = b""
        self._busy_until = None
        if fault == "ready_stuck":
            self._stuck = True
            self._phase = _BUSY
        elif fault == "no_reply":
            self._phase = _RX  # READY drops: the chip waits for a new command
        else:  # chip_reset: a watchdog or brown-out reset, then a normal boot
            self._hold_reset()
            self._release_reset()
        return None

    def _start_deferred(self, firmware, deferred, command, model):
        generation = self._generation

        def job():
            start = time.monotonic()
            try:
                reply = deferred.fn()
            except Exception as exc:
                self._bus_error("firmware model failed in %s: %r" % (deferred.name, exc))
                reply = ERROR_REPLY
            elapsed = time.monotonic() - start
            with self._lock:
                if generation != self._generation or self.firmware is not firmware:
                    return  # the chip was reset meanwhile: nothing is answered
                self._arm_reply(reply, model + elapsed + firmware.model, 0.0, command, len(command))
                firmware.model = 0.0

        firmware.model = 0.0
        if self._worker is None:
            self._jobs = queue.Queue()
            self._worker = threading.Thread(
                target=_run_jobs, args=(self._jobs,), name="nina-firmware", daemon=True
            )
            self._worker.start()
        self._jobs.put(job)


def _run_jobs(jobs):
    while True:
        job = jobs.get()
        if job is None:
            return
        job()


def _op_name(op):
    return OPCODE_NAMES.get(op, "0x%02X" % op)


def main(argv=None):
    """``python -m netdev_emulator nina``: serve an emulated NINA over the TCP bridge."""
    from netdev_emulator.nina_bridge import main as bridge_main

    return bridge_main(argv)
