// SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
//
// SPDX-License-Identifier: MIT

#pragma once

#include "common-hal/microcontroller/Pin.h"

typedef struct {
    mp_obj_base_t base;
    const mcu_pin_obj_t *pin;  // NULL once deinitialised
    bool output;
    bool value;                // what an output drives
    uint8_t drive_mode;
    uint8_t pull;
} digitalio_digitalinout_obj_t;
