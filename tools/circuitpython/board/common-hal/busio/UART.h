// SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
//
// SPDX-License-Identifier: MIT

#pragma once

#include "common-hal/microcontroller/Pin.h"
#include "py/ringbuf.h"

typedef struct {
    mp_obj_base_t base;
    const mcu_pin_obj_t *tx;
    const mcu_pin_obj_t *rx;
    ringbuf_t ringbuf;    // the receive buffer, in the heap as a board allocates it
    uint32_t baudrate;
    uint32_t timeout_ms;
    int fd;               // the emulator's UART stream; -1 once deinitialised
} busio_uart_obj_t;
