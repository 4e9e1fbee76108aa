// SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
//
// SPDX-License-Identifier: MIT
//
// mp32: a MicroPython for measuring heap on a 32-bit target (docs/micropython.rst, "A
// 32-bit core"). The settings that decide what an object costs are a board's: 32-bit
// words, 16-byte GC blocks, object representation A, single-precision floats,
// arbitrary-precision ints.

#include <stdint.h>
#include <alloca.h>

#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_EXTRA_FEATURES)

#define MICROPY_ENABLE_GC (1)
#define MICROPY_ENABLE_COMPILER (1)
#define MICROPY_PERSISTENT_CODE_LOAD (1)
#define MICROPY_READER_POSIX (1)
#define MICROPY_HELPER_LEXER_UNIX (1)
#define MICROPY_ENABLE_EXTERNAL_IMPORT (1)
#define MICROPY_MODULE_WEAK_LINKS (1)
#define MICROPY_STACK_CHECK (1)
#define MICROPY_ENABLE_SOURCE_LINE (1)
#define MICROPY_ERROR_REPORTING (MICROPY_ERROR_REPORTING_NORMAL)
#define MICROPY_LONGINT_IMPL (MICROPY_LONGINT_IMPL_MPZ)
#define MICROPY_FLOAT_IMPL (MICROPY_FLOAT_IMPL_FLOAT)
#define MICROPY_OBJ_REPR (MICROPY_OBJ_REPR_A)
#define MICROPY_USE_INTERNAL_PRINTF (0)
#define MICROPY_PY_SYS_PLATFORM "mp32"
#define MICROPY_PY_SYS_EXIT (1)
#define MICROPY_PY_SYS_MODULES (1)
#define MICROPY_PY_SYS_STDFILES (0)
#define MICROPY_PY_IO_IOBASE (0)
#define MICROPY_PY_IO_FILEIO (0)
#define MICROPY_PY_UCTYPES (0)
#define MICROPY_PY_MICROPYTHON_MEM_INFO (1)
#define MICROPY_PY_GC (1)
#define MICROPY_PY_UERRNO (1)
#define MICROPY_PY_STRUCT (1)
#define MICROPY_PY_ARRAY (1)
#define MICROPY_PY_COLLECTIONS (1)
#define MICROPY_PY_UJSON (1)  // the core's JSON printing, for modextra.c's ujson
#define MICROPY_PY_UJSON_SEPARATORS (0)
#define MICROPY_PY_BUILTINS_INPUT (0)
#define MICROPY_PY_BUILTINS_HELP (0)
#define MICROPY_PY_THREAD (0)
#define MICROPY_EMIT_X86 (0)
#define MICROPY_KBD_EXCEPTION (0)
#define MICROPY_ALLOC_PATH_MAX (256)

// 32 bits, as on a board (build with -m32)
typedef int32_t mp_int_t;
typedef uint32_t mp_uint_t;
typedef long mp_off_t;

#define MP_SSIZE_MAX (0x7fffffff)
#define MICROPY_HW_BOARD_NAME "mp32"
#define MICROPY_HW_MCU_NAME "i386"

#define MP_STATE_PORT MP_STATE_VM
#define MICROPY_PORT_ROOT_POINTERS

#define MICROPY_MPHALPORT_H "mphalport.h"
