// SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
//
// SPDX-License-Identifier: MIT
// mp32's HAL: the host's clock and stdout (main.c, modmp32.c).

#define mp_hal_pin_obj_t
static inline void mp_hal_set_interrupt_char(char c) {
    (void)c;
}
