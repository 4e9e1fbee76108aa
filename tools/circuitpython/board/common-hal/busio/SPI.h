// SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
//
// SPDX-License-Identifier: MIT

#pragma once

#include "common-hal/microcontroller/Pin.h"

typedef struct {
    mp_obj_base_t base;
    const mcu_pin_obj_t *clock;  // NULL once deinitialised
    bool locked;
    bool sent;                   // the configuration below is the emulator's too
    uint32_t baudrate;
    uint8_t polarity;
    uint8_t phase;
    uint8_t bits;
} busio_spi_obj_t;
