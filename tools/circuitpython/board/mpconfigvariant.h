// SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
//
// SPDX-License-Identifier: MIT
//
// CircuitPython's unix port built as a board (tools/circuitpython): 32-bit words and the
// object layout of CircuitPython's board builds (py/circuitpy_mpconfig.h: 30-bit floats in
// the object word, single precision, one hash byte per qstr), a board's ``time`` (the
// shared-bindings one) instead of the unix port's, and the modules of an AirLift or Wio
// Terminal board built in (board.c): board, busio, digitalio, microcontroller, supervisor and
// adafruit_bus_device, their co-processor wired to netdev_emulator.

#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_EXTRA_FEATURES)

#define MICROPY_OBJ_REPR (MICROPY_OBJ_REPR_C)
#define MICROPY_FLOAT_IMPL (MICROPY_FLOAT_IMPL_FLOAT)
#define MICROPY_QSTR_BYTES_IN_HASH (1)

#include "variants/mpconfigvariant_common.h"

#undef MICROPY_ERROR_REPORTING
#define MICROPY_ERROR_REPORTING (MICROPY_ERROR_REPORTING_NORMAL)

// the language of a SAMD51's full build (py/circuitpy_mpconfig.h, CIRCUITPY_FULL_BUILD)
#undef MICROPY_CPYTHON_COMPAT
#define MICROPY_CPYTHON_COMPAT (1)
#undef MICROPY_CPYTHON_EXCEPTION_CHAIN
#define MICROPY_CPYTHON_EXCEPTION_CHAIN (1)
#undef MICROPY_PY_FSTRINGS
#define MICROPY_PY_FSTRINGS (1)
#undef MICROPY_PY_ALL_SPECIAL_METHODS
#define MICROPY_PY_ALL_SPECIAL_METHODS (1)
#undef MICROPY_PY_BUILTINS_COMPLEX
#define MICROPY_PY_BUILTINS_COMPLEX (1)
#undef MICROPY_PY_BUILTINS_FROZENSET
#define MICROPY_PY_BUILTINS_FROZENSET (1)
#undef MICROPY_PY_BUILTINS_NOTIMPLEMENTED
#define MICROPY_PY_BUILTINS_NOTIMPLEMENTED (1)
#undef MICROPY_PY_BUILTINS_STR_CENTER
#define MICROPY_PY_BUILTINS_STR_CENTER (1)
#undef MICROPY_PY_BUILTINS_STR_PARTITION
#define MICROPY_PY_BUILTINS_STR_PARTITION (1)
#undef MICROPY_PY_BUILTINS_STR_SPLITLINES
#define MICROPY_PY_BUILTINS_STR_SPLITLINES (1)
#undef MICROPY_PY_COLLECTIONS_ORDEREDDICT
#define MICROPY_PY_COLLECTIONS_ORDEREDDICT (1)
#undef MICROPY_PY_COLLECTIONS_DEQUE
#define MICROPY_PY_COLLECTIONS_DEQUE (1)
#undef MICROPY_PY_COLLECTIONS_DEQUE_ITER
#define MICROPY_PY_COLLECTIONS_DEQUE_ITER (1)
#undef MICROPY_PY_COLLECTIONS_DEQUE_SUBSCR
#define MICROPY_PY_COLLECTIONS_DEQUE_SUBSCR (1)
#undef MICROPY_PY_DOUBLE_TYPECODE
#define MICROPY_PY_DOUBLE_TYPECODE (1)
#undef MICROPY_PY_FUNCTION_ATTRS
#define MICROPY_PY_FUNCTION_ATTRS (1)
#undef MICROPY_PY_REVERSE_SPECIAL_METHODS
#define MICROPY_PY_REVERSE_SPECIAL_METHODS (1)
#undef MICROPY_PY_RE_MATCH_GROUPS
#define MICROPY_PY_RE_MATCH_GROUPS (1)
#undef MICROPY_PY_RE_MATCH_SPAN_START_END
#define MICROPY_PY_RE_MATCH_SPAN_START_END (1)
#undef MICROPY_PY_RE_SUB
#define MICROPY_PY_RE_SUB (1)

// a board's time (shared-bindings/time), not the unix port's
#undef MICROPY_PY_TIME
#define MICROPY_PY_TIME (0)
// no "machine" or "websocket" on a CircuitPython board
#undef MICROPY_PY_MACHINE
#define MICROPY_PY_MACHINE (0)
#undef MICROPY_PY_MACHINE_PULSE
#define MICROPY_PY_MACHINE_PULSE (0)
#undef MICROPY_PY_MACHINE_PIN_BASE
#define MICROPY_PY_MACHINE_PIN_BASE (0)
#undef MICROPY_PY_WEBSOCKET
#define MICROPY_PY_WEBSOCKET (0)

#define MICROPY_EPOCH_IS_1970 (1)
#define CIRCUITPY_WARNINGS (1)  // the warnings module and its categories
// a board collects only when an allocation fails: no gc.threshold()
#define MICROPY_GC_ALLOC_THRESHOLD (0)
#define MICROPY_MODULE_BUILTIN_SUBPACKAGES (1)

// what the shared-bindings built in here need
#define CIRCUITPY_BOARD_ID "netdev_emulator_board"
#define CIRCUITPY_MUTABLE_BOARD (1)
#define CIRCUITPY_PROCESSOR_COUNT (1)
#define CIRCUITPY_BUSIO_I2C (1)
#define CIRCUITPY_BUSIO_SPI (1)
#define CIRCUITPY_BUSIO_UART (1)
#define CIRCUITPY_DIGITALINOUT_PROTOCOL (0)
#define CIRCUITPY_DIGITALIO_HAVE_INPUT_ONLY (0)
#define CIRCUITPY_DIGITALIO_HAVE_INVALID_PULL (0)
#define CIRCUITPY_DIGITALIO_HAVE_INVALID_DRIVE_MODE (0)
#define CIRCUITPY_CYW43 (0)
#define CIRCUITPY_NVM (0)
#define CIRCUITPY_WATCHDOG (0)
#define CIRCUITPY_RTC (0)
#define CIRCUITPY_BUSDEVICE (1)
