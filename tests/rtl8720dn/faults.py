# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""A fault injector for the RTL8720DN's UART: it sits between the driver and the
emulator's UART (a faithful firmware model) and damages the byte stream in flight the way
a bad wire or a hung chip would. It does not answer anything itself.

Faults are armed for the next frame the device sends (frames are told apart by their
4-byte length header; nothing else is parsed):

* ``flip_next``: flip one bit in that frame's body (its CRC no longer matches);
* ``truncate_next = k``: swallow its last ``k`` bytes;
* ``flip_reply_to = (service, method)``: flip one bit in the next frame of that eRPC
  service and method (a reply: the call was carried out, its answer is lost);
* ``inject_next = bytes``: insert these bytes before it (an event frame, garbage, ...);
* ``silent = True``: swallow everything in both directions (a hung chip) until cleared,
  or until the enable pin is pulled low (:class:`ResettablePin`: a reset brings it back).

and for the next frame the driver sends:

* ``flip_next_request``: flip one bit of its body (the firmware drops it: no reply);
* ``truncate_next_request = k``: drop its last ``k`` bytes (the firmware waits for them
  forever and reads the next frame's bytes as the rest: desynchronised until reset).
"""

import threading


class FaultyUART:
    def __init__(self, uart):
        self.uart = uart
        self.flip_next = False
        self.flip_reply_to = None
        self.truncate_next = 0
        self.inject_next = None
        self.silent = False
        self.flip_next_request = False
        self.truncate_next_request = 0
        self.faults_done = 0
        self._out = bytearray()
        self._header = bytearray()
        self._body_left = 0
        self._head = bytearray()  # the first body bytes: message type, method, service
        self._frame_truncate = 0
        self._frame_flip = False
        self._lock = threading.Lock()

    # busio.UART-like surface -------------------------------------------------------------

    @property
    def timeout(self):
        return self.uart.timeout

    @timeout.setter
    def timeout(self, value):
        self.uart.timeout = value

    @property
    def in_waiting(self):
        with self._lock:
            self._pull(False)
            return len(self._out)

    def write(self, buf):
        if self.silent:
            return len(buf)
        if self.flip_next_request or self.truncate_next_request:
            frame = bytearray(buf)  # the driver writes a whole frame at once
            if self.flip_next_request:
                frame[-1] ^= 0x01
                self.flip_next_request = False
            else:
                del frame[-self.truncate_next_request :]
                self.truncate_next_request = 0
            self.faults_done += 1
            self.uart.write(frame)
            return len(buf)
        return self.uart.write(buf)

    def readinto(self, buf):
        with self._lock:
            if not self._out:
                self._pull(True)
            n = min(len(buf), len(self._out))
            if not n:
                return None
            buf[:n] = self._out[:n]
            del self._out[:n]
            return n

    def read(self, nbytes=None):
        buf = bytearray(nbytes or 4096)
        n = self.readinto(buf)
        return bytes(buf[:n]) if n else None

    def reset_input_buffer(self):
        with self._lock:
            self._out = bytearray()

    # the stream -------------------------------------------------------------------------------

    def _pull(self, block):
        uart = self.uart
        n = uart.in_waiting
        if n:
            data = uart.read(n)
        elif block:
            data = uart.read(1)  # waits up to the UART timeout
            if data:
                more = uart.in_waiting
                if more:
                    data = bytes(data) + bytes(uart.read(more) or b"")
        else:
            data = None
        if data:
            self._feed(bytes(data))

    def _feed(self, data):
        for byte in data:
            if self.silent:
                continue
            if self._body_left == 0 and not self._header:
                self._frame_start()
            if self._body_left == 0:
                self._header.append(byte)
                self._out.append(byte)
                if len(self._header) == 4:
                    self._body_left = self._header[0] | self._header[1] << 8
                    self._header = bytearray()
                    self._head = bytearray()
                continue
            self._body_left -= 1
            if len(self._head) < 3:
                self._head.append(byte)
                if len(self._head) == 3 and self.flip_reply_to == (self._head[2], self._head[1]):
                    self._frame_flip = True
                    self.flip_reply_to = None
            if self._frame_flip and self._body_left == 0:
                byte ^= 0x10
                self._frame_flip = False
                self.faults_done += 1
            if self._frame_truncate and self._body_left < self._frame_truncate:
                if self._body_left == 0:
                    self._frame_truncate = 0
                    self.faults_done += 1
                continue
            self._out.append(byte)

    def _frame_start(self):
        if self.inject_next is not None:
            self._out.extend(self.inject_next)
            self.inject_next = None
            self.faults_done += 1
        if self.flip_next:
            self._frame_flip = True
            self.flip_next = False
        if self.truncate_next:
            self._frame_truncate = self.truncate_next
            self.truncate_next = 0


class ResettablePin:
    """The emulator's enable pin, passed through; pulling it low also ends the injector's
    ``silent`` fault (the reset revives the hung chip)."""

    def __init__(self, pin, uart):
        self.pin = pin
        self.uart = uart
        self.resets = 0

    def switch_to_output(self, value=False, **kwargs):
        self.pin.switch_to_output(value=value, **kwargs)

    @property
    def value(self):
        return self.pin.value

    @value.setter
    def value(self, level):
        if not level:
            self.resets += 1
            self.uart.silent = False
        self.pin.value = level
