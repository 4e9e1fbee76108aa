# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The NINA-FW model's pass-through to the ESP32's own pins and sensor: SET_PIN_MODE,
SET_DIGITAL_WRITE, SET_ANALOG_WRITE, GET_DIGITAL_READ, GET_ANALOG_READ (0x50-0x54) and
GET_TEMPERATURE (0x1B).

Modelled on main/CommandHandler.cpp (setPinMode, setDigitalWrite, setAnalogWrite,
getDigitalRead, getAnalogRead, getTemperature; arduino/nina-fw and adafruit/nina-fw, whose
GET_ANALOG_READ answers 4 bytes where Arduino's answers 2). The pin levels live in the emulator
(:meth:`netdev_emulator.NinaEmulator.esp_pin`), so tests can drive inputs.
"""

import struct

from netdev_emulator.nina_wire import frame, one


class GpioCommands:
    """The pin and sensor commands of :class:`~netdev_emulator.nina_firmware.NinaFirmware`."""

    def get_temperature(self, c):  # GET_TEMPERATURE
        return frame(0x1B, struct.pack("<f", self.emu.temperature))

    # -- 0x50-0x54 GPIO pass-through -------------------------------------------------------------

    def set_pin_mode(self, c):  # SET_PIN_MODE
        self.emu.esp_pin(c[4])["mode"] = c[6]
        return one(0x50, 1)

    def set_digital_write(self, c):  # SET_DIGITAL_WRITE
        self.emu.esp_pin(c[4])["value"] = 1 if c[6] else 0
        return one(0x51, 1)

    def set_analog_write(self, c):  # SET_ANALOG_WRITE
        self.emu.esp_pin(c[4])["pwm"] = c[6]
        return one(0x52, 1)

    def get_digital_read(self, c):  # GET_DIGITAL_READ
        pin = self.emu.esp_pin(c[4])
        if pin["mode"] == 1:
            value = pin["value"]
        elif pin["input"] is not None:
            value = pin["input"]
        else:
            value = 1 if pin["mode"] == 2 else 0
        return one(0x53, value)

    def get_analog_read(self, c):  # GET_ANALOG_READ
        pin = self.emu.esp_pin(c[4])
        raw = pin["analog"]
        if self.persona.family == "adafruit":
            return frame(0x54, struct.pack("<i", raw))
        return frame(0x54, struct.pack("<H", raw & 0xFFFF))
