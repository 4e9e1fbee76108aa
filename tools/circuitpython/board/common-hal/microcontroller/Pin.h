// SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
//
// SPDX-License-Identifier: MIT
//
// A pin of the emulated board (tools/circuitpython/board/board.c).

#pragma once

#include "py/obj.h"

typedef struct {
    mp_obj_base_t base;
    uint8_t number;  // index in the board's pin table, for claiming
    uint8_t wire;    // the emulator's name of the wire ('c' CS, 'y' READY, 'r' RESET,
                     // 'g' GPIO0 on the NINA bridge; 'E' the RTL8720DN's enable); 0: none
} mcu_pin_obj_t;
