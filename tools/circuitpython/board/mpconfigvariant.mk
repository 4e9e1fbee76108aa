# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
#
# The unix port as a 32-bit CircuitPython board (tools/circuitpython): make -C ports/unix
# VARIANT_DIR=<this folder> BUILD=<folder>. No frozen modules, no FFI, threads, termios or
# sockets (a board has none of them); CircuitPython's own time, traceback, warnings, __future__, busio,
# digitalio, microcontroller and adafruit_bus_device (shared-bindings) over board.c's
# common-hal.

FROZEN_MANIFEST =
MICROPY_FORCE_32BIT = 1
MICROPY_PY_FFI = 0
MICROPY_PY_THREAD = 0
MICROPY_PY_TERMIOS = 0
MICROPY_PY_SOCKET = 0
MICROPY_USE_READLINE = 0
CFLAGS_EXTRA += -DMICROPY_PY_MICROPYTHON_RINGIO=0
# the shared-bindings are written for the boards' flags, not the unix port's stricter ones
CFLAGS_EXTRA += -Wno-float-conversion -Wno-double-promotion

# a change here changes what is compiled: the qstrs are extracted again
QSTR_GLOBAL_DEPENDENCIES += $(VARIANT_DIR)/mpconfigvariant.mk

SRC_C += \
	shared-bindings/__future__/__init__.c \
	shared-bindings/adafruit_bus_device/__init__.c \
	shared-bindings/adafruit_bus_device/i2c_device/I2CDevice.c \
	shared-bindings/adafruit_bus_device/spi_device/SPIDevice.c \
	shared-bindings/busio/__init__.c \
	shared-bindings/busio/I2C.c \
	shared-bindings/busio/SPI.c \
	shared-bindings/busio/UART.c \
	shared-bindings/digitalio/__init__.c \
	shared-bindings/digitalio/DigitalInOut.c \
	shared-bindings/digitalio/Direction.c \
	shared-bindings/digitalio/DriveMode.c \
	shared-bindings/digitalio/Pull.c \
	shared-bindings/microcontroller/__init__.c \
	shared-bindings/microcontroller/Pin.c \
	shared-bindings/microcontroller/Processor.c \
	shared-bindings/microcontroller/ResetReason.c \
	shared-bindings/microcontroller/RunMode.c \
	shared-bindings/time/__init__.c \
	shared-bindings/traceback/__init__.c \
	shared-bindings/warnings/__init__.c \
	shared-bindings/util.c \
	shared-module/adafruit_bus_device/__init__.c \
	shared-module/adafruit_bus_device/i2c_device/I2CDevice.c \
	shared-module/adafruit_bus_device/spi_device/SPIDevice.c \
	shared-module/traceback/__init__.c \
	shared-module/warnings/__init__.c \
	shared/runtime/buffer_helper.c \
	shared/runtime/context_manager_helpers.c
