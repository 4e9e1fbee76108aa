# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""A virtual RTL8720DN (Seeed Wio Terminal) running the "ambd" eRPC firmware.

``RTL8720Emulator(world)`` gives the two wires a host driver uses on the board: ``uart``
(behaves like ``busio.UART``) and ``enable`` (the chip-enable pin, like
``digitalio.DigitalInOut``), both in :mod:`netdev_emulator.rtl8720_bus`. This module is
the chip around them: power and boot (EN low holds it in reset; it listens
``boot_seconds`` after EN rises), the eRPC frame reader of the firmware's UART transport
(seeed-ambd-firmware ``src/erpc/erpc_framed_transport.cpp``, ``erpc_crc16.cpp``; the one
server task of ``src/erpc_setup.cpp``), the frames that leave it, bus and line faults, and
the Wi-Fi task's own work. ``python -m netdev_emulator rtl8720dn --pty`` serves the same
chip on a pseudo-terminal (or ``--tcp PORT``): :mod:`netdev_emulator.rtl8720_bridge`.

The firmware behind the wires, by concern:

=========================================  ==================================================
:mod:`~netdev_emulator.rtl8720_firmware`   the eRPC server: decode, the (service, method) ->
                                           handler table, reply; firmware state, events
:mod:`~netdev_emulator.rtl8720_wifi`       Wi-Fi (14) and tcpip adapter (15) calls
:mod:`~netdev_emulator.rtl8720_lwip`       lwIP socket and DNS calls (16)
:mod:`~netdev_emulator.rtl8720_sockets`    lwIP's socket table on real host sockets
:mod:`~netdev_emulator.rtl8720_socket_io`  lwIP's recv, send, available and select
:mod:`~netdev_emulator.rtl8720_sockopt`    lwIP socket options, fcntl, ioctl
:mod:`~netdev_emulator.rtl8720_lwip_defs`  lwIP's errno values, pool sizes, constants
:mod:`~netdev_emulator.rtl8720_mbedtls`    the mbedTLS client calls (17)
:mod:`~netdev_emulator.rtl8720_tls`        the mbedTLS client sessions
                                           (``wifi_ssl_client.c``)
:mod:`~netdev_emulator.rtl8720_x509`       mbedTLS 2.4's certificate checks
:mod:`~netdev_emulator.rtl8720_pem`        mbedTLS 2.4's reading of PEM certificates and keys
:mod:`~netdev_emulator.rtl8720_wire`       eRPC framing, CRC and the BasicCodec
=========================================  ==================================================

Written from docs/protocol-rtl8720dn.rst only; it imports nothing from the drivers.
"""

import logging
import socket
import struct
import threading
import time

from netdev_emulator.faults import (
    NETWORK_FAULTS,
    RTL_BUS_FAULTS,
    RTL_LINE_FAULTS,
    RTL_LYING_REPLIES,
    Faults,
)
from netdev_emulator.network import BusStats
from netdev_emulator.rtl8720_bus import ChipEnablePin, EmulatedUART
from netdev_emulator.rtl8720_firmware import (
    DEFAULT_FIRMWARE,
    FIRMWARE_RELEASES,
    RESET_SERVICE,
    TIMING,
    Firmware,
)
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


class RTL8720Emulator:
    """A virtual RTL8720DN with the "ambd" eRPC firmware.

    :param ~netdev_emulator.network.Network world: the virtual world (access points, DNS, port map, CA store)
    :param str firmware: the firmware release, one of :data:`FIRMWARE_RELEASES`:
        "2.1.3" (:data:`DEFAULT_FIRMWARE`), "2.1.2" (same but the version string),
        "2.1.1"/"2.1.0"/"2.0.x" (1 843 200 baud, older id tables)
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

    def __init__(self, world, firmware=DEFAULT_FIRMWARE, *, mac=None, timing=None, boot_seconds=0.02,
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


    # -- out of process (netdev_emulator.rtl8720_bridge) -----------------------------------

    def attach_bridge(self, sink):
        """Sends what the chip writes to ``sink(data)`` instead of :attr:`uart`, and stops
        checking the host's baud rate (a pty or socket has no line rate to get wrong)."""
        self.check_baudrate = False
        self._host_sink = sink

    def from_bridge(self, data):
        """Bytes from a bridge's client, as if written to the chip's UART."""
        self._from_host(data)


def main(argv=None):
    """``python -m netdev_emulator rtl8720dn (--pty | --tcp PORT)``: see
    :mod:`netdev_emulator.rtl8720_bridge`."""
    from netdev_emulator.rtl8720_bridge import main as bridge_main

    return bridge_main(argv)


__all__ = ["RTL8720Emulator", "EmulatedUART", "ChipEnablePin", "RESET_FRAME", "TIMING",
           "DEFAULT_FIRMWARE", "FIRMWARE_RELEASES", "main"]
