# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""A virtual RTL8720DN (Seeed Wio Terminal) running the "ambd" eRPC firmware.

``RTL8720Emulator(world)`` gives the two wires a host driver uses on the board: ``uart``
(behaves like ``busio.UART``) and ``enable`` (the chip-enable pin, like
``digitalio.DigitalInOut``). Behind them runs a model of the firmware (see
:mod:`netdev_emulator.rtl8720_firmware`) whose sockets are real host sockets in the
:class:`~netdev_emulator.Network` world. ``python -m netdev_emulator rtl8720dn --pty``
serves the same chip on a pseudo-terminal (or ``--tcp PORT``) for pyserial and Blinka.

Written from docs/protocol-rtl8720dn.rst only; it imports nothing from the drivers.
"""

import argparse
import logging
import os
import select
import signal
import socket
import struct
import sys
import threading
import time
import tty

from netdev_emulator.faults import (
    NETWORK_FAULTS,
    RTL_BUS_FAULTS,
    RTL_LINE_FAULTS,
    RTL_LYING_REPLIES,
    Faults,
)
from netdev_emulator.network import BusStats, add_world_arguments, world_from_args
from netdev_emulator.rtl8720_firmware import RESET_SERVICE, TIMING, Firmware
from netdev_emulator.rtl8720_wire import (
    MAX_BODY,
    MSG_ONEWAY,
    crc16,
    frame,
    message_header,
    parse_frame_header,
)

log = logging.getLogger("netdev_emulator.rtl8720")

#: The frame that stands in for an EN pulse out of process (``allow_reset_frame``): a
#: well-formed one-way message to service 255, which the real firmware drops unread.
RESET_FRAME = frame(message_header(MSG_ONEWAY, RESET_SERVICE, RESET_SERVICE, 0))


class _ChipReset(Exception):
    """Unwinds the firmware thread when the chip is reset (or the emulator closed)."""


try:  # the real digitalio enums when Blinka is there, so `is` comparisons work
    from digitalio import Direction as _Direction
    from digitalio import Pull as _Pull
except Exception:  # noqa: BLE001 - any Blinka start-up problem: use look-alikes

    class _Named:
        def __init__(self, name):
            self.name = name

        def __repr__(self):
            return "digitalio." + self.name

    class _Direction:  # noqa: N801
        INPUT = _Named("Direction.INPUT")
        OUTPUT = _Named("Direction.OUTPUT")

    class _Pull:  # noqa: N801
        UP = _Named("Pull.UP")
        DOWN = _Named("Pull.DOWN")


def _is(value, name):
    return value is not None and repr(value).rsplit(".", 1)[-1] == name


class EmulatedUART:
    """The host side of the link, like ``busio.UART``: ``read(n)`` waits for ``n`` bytes
    until no byte has come for ``timeout`` seconds and returns what came (None if
    nothing), ``write(buf)`` sends and returns the count."""

    def __init__(self, chip, baudrate):
        self._chip = chip
        self._cond = threading.Condition()
        self._buf = bytearray()
        self._timeout = 1.0
        self._baudrate = baudrate
        self._deinited = False
        self.bits = 8
        self.parity = None
        self.stop = 1

    def _check(self):
        if self._deinited:
            raise ValueError("Object has been deinitialized and can no longer be used. "
                             "Create a new object.")

    def _deliver(self, data):
        with self._cond:
            self._buf += data
            self._cond.notify_all()

    def _wait_for(self, ready):
        """Waits until ``ready()`` or ``timeout`` passes without a new byte (the timeout
        restarts on every byte, as CircuitPython's UART does). Holds ``_cond``."""
        if ready():
            return
        timeout = self._timeout
        seen = len(self._buf)
        end = time.monotonic() + timeout
        while not ready():
            left = end - time.monotonic()
            if left <= 0:
                return
            self._cond.wait(left)
            if len(self._buf) != seen:
                seen = len(self._buf)
                end = time.monotonic() + timeout

    def read(self, nbytes=None):
        self._check()
        with self._cond:
            if nbytes is None:
                self._wait_for(lambda: self._buf)
                count = len(self._buf)
            else:
                self._wait_for(lambda: len(self._buf) >= nbytes)
                count = min(nbytes, len(self._buf))
            if count <= 0:
                return None
            data = bytes(self._buf[:count])
            del self._buf[:count]
            return data

    def readinto(self, buf, nbytes=None):
        self._check()
        want = len(buf) if nbytes is None else min(nbytes, len(buf))
        with self._cond:
            self._wait_for(lambda: len(self._buf) >= want)
            count = min(want, len(self._buf))
            if count <= 0:
                return None
            memoryview(buf)[:count] = self._buf[:count]
            del self._buf[:count]
            return count

    def readline(self):
        self._check()
        with self._cond:
            self._wait_for(lambda: b"\n" in self._buf)
            end = self._buf.find(b"\n")
            count = end + 1 if end >= 0 else len(self._buf)
            if count <= 0:
                return None
            data = bytes(self._buf[:count])
            del self._buf[:count]
            return data

    def write(self, buf):
        self._check()
        data = bytes(buf)
        self._chip._from_host(data, self._baudrate)
        return len(data)

    @property
    def in_waiting(self):
        self._check()
        with self._cond:
            return len(self._buf)

    def reset_input_buffer(self):
        self._check()
        with self._cond:
            self._buf.clear()

    @property
    def timeout(self):
        return self._timeout

    @timeout.setter
    def timeout(self, value):
        if value < 0:
            raise ValueError("timeout must be >= 0")
        self._timeout = float(value)

    @property
    def baudrate(self):
        return self._baudrate

    @baudrate.setter
    def baudrate(self, value):
        self._check()
        self._baudrate = int(value)

    def deinit(self):
        self._deinited = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.deinit()


class ChipEnablePin:
    """``RTL8720D_CHIP_PU`` (PA18), like ``digitalio.DigitalInOut``: driven low it holds
    the chip in reset; released or high, the chip boots and runs. Making it an output
    drives it low first, as ``digitalio`` does. An input with no pull reads the line's
    pull-up (the model assumes one: the chip runs while the pin is not driven)."""

    def __init__(self, chip):
        self._chip = chip
        self._direction = _Direction.INPUT
        self._value = False
        self._pull = None
        self.drive_mode = None

    def _level(self):
        if _is(self._direction, "OUTPUT"):
            return self._value
        return not _is(self._pull, "DOWN")

    @property
    def direction(self):
        return self._direction

    @direction.setter
    def direction(self, value):
        if _is(value, "OUTPUT"):
            self._direction = _Direction.OUTPUT
            self._value = False
        elif _is(value, "INPUT"):
            self._direction = _Direction.INPUT
            self._pull = None
        else:
            raise AttributeError("Not a Direction")
        self._chip._set_enable(self._level())

    @property
    def value(self):
        return self._level()

    @value.setter
    def value(self, value):
        if not _is(self._direction, "OUTPUT"):
            raise AttributeError("Not an output")
        self._value = bool(value)
        self._chip._set_enable(self._level())

    @property
    def pull(self):
        if _is(self._direction, "OUTPUT"):
            raise AttributeError("Not an input")
        return self._pull

    @pull.setter
    def pull(self, value):
        if _is(self._direction, "OUTPUT"):
            raise AttributeError("Not an input")
        self._pull = value
        self._chip._set_enable(self._level())

    def switch_to_output(self, value=False, drive_mode=None):
        self._direction = _Direction.OUTPUT
        self._value = bool(value)
        self.drive_mode = drive_mode
        self._chip._set_enable(self._level())

    def switch_to_input(self, pull=None):
        self._direction = _Direction.INPUT
        self._pull = pull
        self._chip._set_enable(self._level())

    def deinit(self):
        self.switch_to_input()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.deinit()


class RTL8720Emulator:
    """A virtual RTL8720DN with the "ambd" eRPC firmware.

    :param Network world: the virtual world (access points, DNS, port map, CA store)
    :param str firmware: the firmware release: "2.1.3" (default), "2.1.2" (same but the
        version string), "2.1.1"/"2.1.0"/"2.0.x" (1 843 200 baud, older id tables)
    :param str mac: the station MAC, "xx:xx:xx:xx:xx:xx" (default: Seeed's OUI + a
        per-emulator suffix)
    :param dict timing: overrides of :data:`netdev_emulator.rtl8720_firmware.TIMING`
        (model seconds charged to ``stats``, and the few short wall-clock waits)
    :param float boot_seconds: wall time from EN rising until the firmware listens
        (bytes sent before that are lost, as on the board); :attr:`boot_seconds` changes
        it, for a boot under way too
    :param str tls_without_ca: what ``start_ssl_client`` does when no root CA was set:
        ``"world"`` (default) verifies against the world's CA store with SNI, standing in
        for a CA store; ``"none"`` is the real firmware: no verification and no SNI
    :param int tls_max_content_len: if set (8192 in Seeed's mbedTLS config), incoming
        TLS records longer than this (+ overhead) fail with SSL_INVALID_RECORD, and a
        ``send_ssl_data`` writes at most this much (16384 when not set)
    :param int max_tls_sessions: concurrent handshaken sessions the heap allows
    :param bool allow_reset_frame: treat :data:`RESET_FRAME` as an EN pulse (out of
        process, where there is no pin)
    :param int wrong_passphrase_reason: the 802.11 reason an access point gives a station
        whose WPA2 passphrase is wrong: 15 (4-way handshake timeout, the default, what
        most do) makes the SDK's error_flag RTW_4WAY_HANDSHAKE_TIMEOUT, anything else
        RTW_WRONG_PASSWORD (what ``rpc_wifi_get_last_error`` reports)
    :param uninitialised_namelen: what the length that firmware 2.1.1+ leaves
        uninitialised in ``rpc_lwip_getpeername``/``getsockname`` holds, call by call:
        lwIP copies that many bytes of the address (0-15 truncate it). None (default):
        drawn from a fixed-seed generator, whole 7 times in 8 (the same draws every run);
        an int: always that; a list: one per call, cycled
    """

    def __init__(self, world, firmware="2.1.3", *, mac=None, timing=None, boot_seconds=0.02,
                 tls_without_ca="world", tls_max_content_len=None, max_tls_sessions=4,
                 allow_reset_frame=False, wrong_passphrase_reason=15, uninitialised_namelen=None):
        if tls_without_ca not in ("world", "none"):
            raise ValueError("tls_without_ca must be 'world' or 'none'")
        self.world = world
        self.stats = BusStats()
        self.faults = Faults(RTL_BUS_FAULTS + RTL_LYING_REPLIES + RTL_LINE_FAULTS + NETWORK_FAULTS)
        self._fault = None  # a reply fault picked at its request, until the reply goes out
        self._cond = threading.Condition()
        self._boot_seconds = boot_seconds
        self.bytes_lost = 0
        self._rx = bytearray()
        self._enabled = True
        self._generation = 0
        self._boot_pending = False
        self._running = True
        self._active_gen = 0
        self._closed = False
        self._emit_lock = threading.Lock()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._fw = Firmware(self, world, firmware, mac=mac, timing=timing,
                            tls_without_ca=tls_without_ca,
                            tls_max_content_len=tls_max_content_len,
                            max_tls_sessions=max_tls_sessions,
                            allow_reset_frame=allow_reset_frame,
                            wrong_passphrase_reason=wrong_passphrase_reason,
                            uninitialised_namelen=uninitialised_namelen)
        self.baudrate = self._fw.profile.baudrate
        self._byte_time = 10.0 / self.baudrate  # 8N1: 10 bit times a byte
        self.check_baudrate = True
        self.uart = EmulatedUART(self, self.baudrate)
        self.enable = ChipEnablePin(self)
        self._host_sink = self.uart._deliver
        self._stop = threading.Event()
        self._firmware_thread = threading.Thread(
            target=self._firmware_main, name="rtl8720-firmware", daemon=True)
        self._radio_thread = threading.Thread(
            target=self._radio_main, name="rtl8720-radio", daemon=True)
        self._firmware_thread.start()
        self._radio_thread.start()

    # -- inspection ------------------------------------------------------------------------

    @property
    def firmware(self):
        return self._fw.profile.version

    @property
    def boot_seconds(self):
        """Wall time from EN rising until the firmware listens. Set it to model a chip that
        boots slowly (longer than a driver waits after a reset); setting it during a boot
        applies to that boot (0: the chip is up now)."""
        return self._boot_seconds

    @boot_seconds.setter
    def boot_seconds(self, seconds):
        with self._cond:
            self._boot_seconds = float(seconds)
            self._cond.notify_all()

    @property
    def mac(self):
        return self._fw.mac

    def open_sockets(self):
        """The lwIP slot table: ``{fd: {"type", "state", "nonblocking", "local_port",
        "peer", "tls", "accepted", "eof", "error"}}`` for every allocated socket."""
        return self._fw.sockets.describe()

    def tls_sessions(self):
        """Live TLS contexts: ``{handle: {"fd", "state", "host", "port", "verify"}}``."""
        return self._fw.tls.describe()

    def wifi_status(self):
        """``{"mode", "ssid", "ip", "ap", "ap_dhcp"}``: the Wi-Fi state now; ``ap_dhcp``:
        the DHCP server runs on the soft-AP's netif (its stations get addresses)."""
        fw = self._fw
        with fw.wifi_lock:
            return {
                "mode": fw.mode,
                "ssid": fw.ap.ssid if fw.ap is not None else None,
                "ip": fw.sta_ip[0],
                "ap": fw.softap[0] if fw.softap is not None else None,
                "ap_dhcp": fw.softap is not None and fw.dhcp_server == fw._ap_netif(),
            }

    @property
    def crashed(self):
        """Why the firmware stopped answering (None while it runs): a use of a freed TLS
        context or of rpc_lwip_sendmsg. Only a chip reset recovers."""
        return self._fw.crashed

    @property
    def dropped_frames(self):
        """Frames the firmware discarded (bad CRC, oversize, undecodable, unknown id)."""
        return self._fw.dropped_frames

    @property
    def call_counts(self):
        """``{(service, method): count}`` of the calls served."""
        return dict(self._fw.call_counts)

    @property
    def running(self):
        """True while the firmware listens (enabled and booted)."""
        return self._running

    def reset(self, timeout=5.0):
        """Pulses EN (low, high) and waits until the firmware listens again."""
        self._set_enable(False)
        self._set_enable(True)
        return self.wait_running(timeout)

    def wait_running(self, timeout=5.0):
        end = time.monotonic() + timeout
        with self._cond:
            while not self._running and not self._closed:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return self._running

    def close(self):
        """Stops the firmware and closes every host socket it holds."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._generation += 1
            self._running = False
            self._cond.notify_all()
        self._stop.set()
        self._wake()
        self._firmware_thread.join(5)
        self._radio_thread.join(5)
        self._wake_r.close()
        self._wake_w.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- the wires -------------------------------------------------------------------------

    def _wake(self):
        try:
            self._wake_w.send(b"!")
        except OSError:
            pass

    def _from_host(self, data, baudrate=None):
        """Bytes the host puts on the chip's RX line."""
        if self.faults.active and self.faults.take("line_echo", "host write"):
            self.bytes_lost += len(data)  # looped back to the host: the chip hears nothing
            with self._emit_lock:
                self._host_sink(bytes(data))
            return
        with self._cond:
            if not self._running or (self.check_baudrate and baudrate is not None
                                     and baudrate != self.baudrate):
                self.bytes_lost += len(data)  # in reset, booting, or garbled by baud
                return
            self._rx += data
            self._cond.notify_all()

    def emit(self, body, kind):
        """THE place a frame leaves the chip (replies, events, the firmware's calls).
        Returns the frame's length on the wire."""
        data = frame(body)
        if kind == "reply" and self._fault is not None:
            data = self._reply_fault(body, data)
        with self._emit_lock:
            if not self._running:
                return len(data)
            if self.check_baudrate and self.uart.baudrate != self.baudrate:
                self.bytes_lost += len(data)
                return len(data)
            self._host_sink(data)
        return len(data)

    def _request_fault(self, body, wire_length):
        """The fault switchboard's one opportunity per request (in the firmware thread):
        True when the request is dropped; a fault of the reply waits for the reply."""
        fw = self._fw
        ap = fw.ap
        kinds = RTL_BUS_FAULTS + RTL_LYING_REPLIES
        if ap is not None:
            kinds += ("ap_outage",)
        detail = "call %d/%d" % (body[2], body[1]) if len(body) >= 4 else "frame"
        fault = self.faults.pick(kinds, detail)
        if fault == "request_lost":
            fw._drop("fault injection: request lost", wire_length)
            return True
        if fault == "ap_outage":
            self.faults.ap_outage(self.world, ap.ssid)
        elif fault is not None:
            self._fault = fault  # for the reply to this request
        return False

    def _reply_fault(self, body, data):
        """The reply fault waiting in ``_fault``, applied to a reply frame: the bytes to
        send instead (in the firmware thread, before they reach the wire)."""
        fw = self._fw
        fault, self._fault = self._fault, None
        if fault == "no_reply":
            return b""
        if fault == "garbage_reply":
            return self.faults.garbage(len(data))
        if fault == "truncated_reply":
            return data[: self.faults.randrange(1, len(data))]
        if fault == "flipped_bit":
            damaged = bytearray(data)
            bit = self.faults.randrange(16, len(data) * 8)  # the CRC or the body
            damaged[bit >> 3] ^= 1 << (bit & 7)
            return bytes(damaged)
        if fault == "empty_reply":
            return frame(body[:8])
        if fault == "short_reply":
            return frame(body[: self.faults.randrange(8, len(body))] if len(body) > 8 else body)
        if fault == "inflated_reply":
            if len(body) < 12:
                return data  # a void reply: no result to inflate
            return frame(body[:-4] + struct.pack("<I", self.faults.lie_value & 0xFFFFFFFF))
        if fault == "event_storm":
            for index in range(self.faults.storm_size):
                fw.event((2, 4, 7, 1)[index % 4])  # STA_START/CONNECTED/GOT_IP/SCAN_DONE
            return data
        if fault == "hang":
            fw.crashed = "fault injection: the firmware hung"
            return b""
        # chip_reset: part of the reply is on the wire when the chip resets itself
        part = data[: self.faults.randrange(1, len(data))]
        with self._emit_lock:
            if self._running:
                self._host_sink(part)
        with self._cond:
            self._rx.clear()
        fw.power_off()
        return b""

    def inject(self, data):
        """Raw bytes on the host's receive line, whatever the chip is doing (a glitch, line
        noise, a frame crafted by a test); they count as from the device."""
        self.uart._deliver(bytes(data))

    def account(self, to_device=0, from_device=0, seconds=0.0, commands=0):
        self.stats.add(to_device, from_device,
                       (to_device + from_device) * self._byte_time + seconds, 1, commands)

    def check(self):
        """Raises in the firmware thread once the chip was reset or the emulator closed."""
        if self._closed or self._active_gen != self._generation:
            raise _ChipReset()

    @property
    def wake(self):
        return self._wake_r

    def request_reset(self, why):
        """An EN pulse from inside (the reset frame, in the firmware thread): every socket
        and session goes, and the firmware listens again at once (bytes already queued
        behind the reset frame are kept)."""
        log.info("chip reset: %s", why)
        self._fw.power_off()

    def _set_enable(self, level):
        with self._cond:
            if self._closed or level == self._enabled:
                return
            self._enabled = level
            self._generation += 1
            target = self._generation
            self._running = False
            if level:
                self._boot_pending = True
            self._cond.notify_all()
        self._wake()
        if not level:
            # the reset is complete (sockets closed, state cleared) when this returns
            with self._cond:
                end = time.monotonic() + 5.0
                while self._active_gen is not None and self._active_gen < target:
                    left = end - time.monotonic()
                    if left <= 0:
                        log.warning("firmware thread slow to reset")
                        break
                    self._cond.wait(left)

    # -- the firmware's thread -------------------------------------------------------------

    def _read_exact(self, count):
        with self._cond:
            while len(self._rx) < count:
                if self._closed or self._active_gen != self._generation:
                    raise _ChipReset()
                self._cond.wait()
            data = bytes(self._rx[:count])
            del self._rx[:count]
            return data

    def _serve_one(self):
        header = self._read_exact(4)
        length, crc = parse_frame_header(header)
        if length > MAX_BODY:
            # rejected before the body is read: the body bytes stay in the stream and
            # are parsed as headers next (the firmware desynchronises, as the real one)
            self._fw._drop("frame length %d > 4096" % length, 4)
            return
        body = self._read_exact(length)
        if crc16(body) != crc:
            self._fw._drop("CRC mismatch", 4 + length)
            return
        if self.faults.active and self._request_fault(body, 4 + length):
            return
        try:
            self._fw.handle_message(body, 4 + length)
        finally:
            self._fault = None  # a request without a reply takes its reply fault along

    def serve_until(self, done):
        """Serves host calls until ``done()`` (the firmware waiting on a host reply)."""
        while not done():
            self._serve_one()

    def _firmware_main(self):
        while True:
            with self._cond:
                while not self._enabled and not self._closed:
                    self._active_gen = None
                    self._cond.notify_all()
                    self._cond.wait()
                if self._closed:
                    self._active_gen = None
                    self._cond.notify_all()
                    break
                gen = self._generation
                boot = self._boot_pending
            if boot:
                start = time.monotonic()
                with self._cond:
                    while gen == self._generation and not self._closed:
                        left = start + self._boot_seconds - time.monotonic()
                        if left <= 0:
                            break
                        self._cond.wait(left)
                    if gen != self._generation or self._closed:
                        continue
            with self._cond:
                if gen != self._generation or self._closed:
                    continue
                self._boot_pending = False
                self._rx.clear()
                self._active_gen = gen
                self._running = True
                self._cond.notify_all()
            self._drain_wake()
            try:
                while True:
                    self._serve_one()
            except _ChipReset:
                pass
            except Exception:  # noqa: BLE001 - a model bug must not kill the chip silently
                log.exception("RTL8720DN model error; the firmware stops answering")
                self._fw.crashed = "emulator error (see log)"
                try:
                    while True:
                        self._serve_one()
                except _ChipReset:
                    pass
            with self._cond:
                self._running = False
                self._rx.clear()
            try:
                self._fw.power_off()
            except Exception:  # noqa: BLE001
                log.exception("RTL8720DN power-off failed")
            with self._cond:
                self._active_gen = None
                self._cond.notify_all()
            self._drain_wake()

    def _drain_wake(self):
        try:
            while self._wake_r.recv(64):
                pass
        except OSError:
            pass

    def _radio_main(self):
        # the Wi-Fi driver's own task: notices a lost access point, finishes scans
        while not self._stop.wait(0.05):
            if self._running and self._fw.crashed is None:
                try:
                    self._fw.radio_tick()
                except Exception:  # noqa: BLE001
                    log.exception("RTL8720DN radio task failed")


# -- out of process ------------------------------------------------------------------------


class _PtyBridge:
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
        chip.check_baudrate = False  # a pty has no line rate to get wrong
        chip._host_sink = self._to_client

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
                self.chip._from_host(data)
        os.close(self.master)

    def stop(self):
        """End :meth:`serve_forever` (within 50 ms); it closes the pty."""
        self.stopped = True


class _TcpBridge:
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
        chip.check_baudrate = False
        chip._host_sink = self._to_client

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
                    self.chip._from_host(data)
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
    parser.add_argument("--firmware", default="2.1.3", help="firmware release (2.1.3)")
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
        bridge = _PtyBridge(chip, reset_on_open)
    else:
        bridge = _TcpBridge(chip, args.tcp, reset_on_open)

    def stop(signum, frame_):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    print("RTL8720DN emulator on %s" % bridge.path, flush=True)
    try:
        bridge.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        chip.close()
    return 0


__all__ = ["RTL8720Emulator", "EmulatedUART", "ChipEnablePin", "RESET_FRAME", "TIMING",
           "main"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
