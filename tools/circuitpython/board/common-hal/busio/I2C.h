// SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
//
// SPDX-License-Identifier: MIT

#pragma once

#include "common-hal/microcontroller/Pin.h"

typedef struct {
    mp_obj_base_t base;
    const mcu_pin_obj_t *scl;  // NULL once deinitialised
    const mcu_pin_obj_t *sda;
    bool locked;
} busio_i2c_obj_t;
