// SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
//
// SPDX-License-Identifier: MIT
//
// mp32's ``urandom`` and ``ujson`` (``random``, ``json``): a board has both built in, and the
// Adafruit libraries import them (MiniMQTT's client ids, requests' JSON bodies). In
// MicroPython 1.19 they live in extmod, which the source mp32 is built from lacks.
//
// random: a xorshift32 generator (seeded from the clock, or by seed()); json: dumps() prints
// with the core's JSON printer, loads()/load() parse RFC 8259 text into dict, list, str,
// int, float, bool and None.

#include <string.h>
#include <time.h>

#include "py/objstr.h"
#include "py/parsenum.h"
#include "py/runtime.h"

// ---- urandom

static uint32_t rng_state;

static uint32_t rng_next(void) {
    if (rng_state == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        rng_state = (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec ^ 0x9e3779b9u;
    }
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

// a number in [0, n), n > 0, without modulo bias
static uint32_t rng_below(uint32_t n) {
    uint32_t limit = UINT32_MAX - UINT32_MAX % n;
    uint32_t x;
    do {
        x = rng_next();
    } while (x >= limit);
    return x % n;
}

static mp_obj_t random_seed(size_t n_args, const mp_obj_t *args) {
    rng_state = n_args && args[0] != mp_const_none ? (uint32_t)mp_obj_get_int_truncated(args[0]) : 0;
    if (rng_state == 0 && n_args && args[0] != mp_const_none) {
        rng_state = 1;  // xorshift never leaves 0
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(random_seed_obj, 0, 1, random_seed);

static mp_obj_t random_getrandbits(mp_obj_t n_in) {
    mp_int_t n = mp_obj_get_int(n_in);
    if (n < 0 || n > 32) {
        mp_raise_ValueError(MP_ERROR_TEXT("getrandbits takes 0 to 32 bits"));
    }
    return mp_obj_new_int_from_uint(n ? rng_next() >> (32 - n) : 0);
}
static MP_DEFINE_CONST_FUN_OBJ_1(random_getrandbits_obj, random_getrandbits);

static mp_obj_t randrange(mp_int_t start, mp_int_t stop) {
    if (stop <= start) {
        mp_raise_ValueError(MP_ERROR_TEXT("empty range"));
    }
    return mp_obj_new_int(start + (mp_int_t)rng_below((uint32_t)(stop - start)));
}

static mp_obj_t random_randrange(size_t n_args, const mp_obj_t *args) {
    if (n_args == 1) {
        return randrange(0, mp_obj_get_int(args[0]));
    }
    return randrange(mp_obj_get_int(args[0]), mp_obj_get_int(args[1]));
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(random_randrange_obj, 1, 2, random_randrange);

static mp_obj_t random_randint(mp_obj_t a_in, mp_obj_t b_in) {
    return randrange(mp_obj_get_int(a_in), mp_obj_get_int(b_in) + 1);
}
static MP_DEFINE_CONST_FUN_OBJ_2(random_randint_obj, random_randint);

static mp_obj_t random_choice(mp_obj_t seq) {
    mp_int_t len = mp_obj_get_int(mp_obj_len(seq));
    if (len <= 0) {
        mp_raise_msg(&mp_type_IndexError, MP_ERROR_TEXT("choice from an empty sequence"));
    }
    return mp_obj_subscr(seq, MP_OBJ_NEW_SMALL_INT(rng_below((uint32_t)len)), MP_OBJ_SENTINEL);
}
static MP_DEFINE_CONST_FUN_OBJ_1(random_choice_obj, random_choice);

static mp_float_t rng_float(void) {
    return (mp_float_t)(rng_next() >> 8) / (mp_float_t)(1 << 24);  // [0, 1)
}

static mp_obj_t random_random(void) {
    return mp_obj_new_float(rng_float());
}
static MP_DEFINE_CONST_FUN_OBJ_0(random_random_obj, random_random);

static mp_obj_t random_uniform(mp_obj_t a_in, mp_obj_t b_in) {
    mp_float_t a = mp_obj_get_float(a_in);
    return mp_obj_new_float(a + (mp_obj_get_float(b_in) - a) * rng_float());
}
static MP_DEFINE_CONST_FUN_OBJ_2(random_uniform_obj, random_uniform);

static const mp_rom_map_elem_t random_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_urandom) },
    { MP_ROM_QSTR(MP_QSTR_seed), MP_ROM_PTR(&random_seed_obj) },
    { MP_ROM_QSTR(MP_QSTR_getrandbits), MP_ROM_PTR(&random_getrandbits_obj) },
    { MP_ROM_QSTR(MP_QSTR_randrange), MP_ROM_PTR(&random_randrange_obj) },
    { MP_ROM_QSTR(MP_QSTR_randint), MP_ROM_PTR(&random_randint_obj) },
    { MP_ROM_QSTR(MP_QSTR_choice), MP_ROM_PTR(&random_choice_obj) },
    { MP_ROM_QSTR(MP_QSTR_random), MP_ROM_PTR(&random_random_obj) },
    { MP_ROM_QSTR(MP_QSTR_uniform), MP_ROM_PTR(&random_uniform_obj) },
};
static MP_DEFINE_CONST_DICT(random_globals, random_globals_table);

const mp_obj_module_t mp32_module_urandom = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&random_globals,
};
MP_REGISTER_MODULE(MP_QSTR_urandom, mp32_module_urandom);

// ---- ujson

static mp_obj_t json_dumps(mp_obj_t obj) {
    vstr_t vstr;
    mp_print_t print;
    vstr_init_print(&vstr, 16, &print);
    mp_obj_print_helper(&print, obj, PRINT_JSON);
    return mp_obj_new_str_from_vstr(&mp_type_str, &vstr);
}
static MP_DEFINE_CONST_FUN_OBJ_1(json_dumps_obj, json_dumps);

typedef struct {
    const char *at;
    const char *end;
} json_text_t;

NORETURN static void json_fail(void) {
    mp_raise_ValueError(MP_ERROR_TEXT("syntax error in JSON"));
}

static void skip_space(json_text_t *t) {
    while (t->at < t->end && (*t->at == ' ' || *t->at == '\t' || *t->at == '\n' || *t->at == '\r')) {
        t->at++;
    }
}

static bool take(json_text_t *t, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(t->end - t->at) >= n && memcmp(t->at, word, n) == 0) {
        t->at += n;
        return true;
    }
    return false;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
        return (c | 0x20) - 'a' + 10;
    }
    json_fail();
    return 0;
}

static mp_obj_t parse_string(json_text_t *t) {
    vstr_t vstr;
    vstr_init(&vstr, 8);
    t->at++;  // the opening quote
    for (;;) {
        if (t->at >= t->end) {
            json_fail();
        }
        char c = *t->at++;
        if (c == '"') {
            break;
        }
        if (c != '\\') {
            vstr_add_byte(&vstr, c);
            continue;
        }
        if (t->at >= t->end) {
            json_fail();
        }
        c = *t->at++;
        switch (c) {
            case 'b': vstr_add_byte(&vstr, '\b'); break;
            case 'f': vstr_add_byte(&vstr, '\f'); break;
            case 'n': vstr_add_byte(&vstr, '\n'); break;
            case 'r': vstr_add_byte(&vstr, '\r'); break;
            case 't': vstr_add_byte(&vstr, '\t'); break;
            case '"': case '\\': case '/': vstr_add_byte(&vstr, c); break;
            case 'u': {
                if (t->end - t->at < 4) {
                    json_fail();
                }
                unichar u = 0;
                for (int i = 0; i < 4; i++) {
                    u = (u << 4) | hex_digit(*t->at++);
                }
                vstr_add_char(&vstr, u);
                break;
            }
            default:
                json_fail();
        }
    }
    return mp_obj_new_str_from_vstr(&mp_type_str, &vstr);
}

static mp_obj_t parse_number(json_text_t *t) {
    const char *start = t->at;
    bool is_float = false;
    while (t->at < t->end) {
        char c = *t->at;
        if (c == '.' || c == 'e' || c == 'E') {
            is_float = true;
        } else if (!((c >= '0' && c <= '9') || c == '-' || c == '+')) {
            break;
        }
        t->at++;
    }
    if (t->at == start) {
        json_fail();
    }
    if (is_float) {
        return mp_parse_num_decimal(start, t->at - start, false, false, NULL);
    }
    return mp_parse_num_integer(start, t->at - start, 10, NULL);
}

static mp_obj_t parse_value(json_text_t *t, int depth) {
    if (depth > 64) {
        mp_raise_ValueError(MP_ERROR_TEXT("JSON nested too deep"));
    }
    skip_space(t);
    if (t->at >= t->end) {
        json_fail();
    }
    char c = *t->at;
    if (c == '"') {
        return parse_string(t);
    }
    if (c == '{' || c == '[') {
        bool is_dict = c == '{';
        char close = is_dict ? '}' : ']';
        mp_obj_t out = is_dict ? mp_obj_new_dict(0) : mp_obj_new_list(0, NULL);
        t->at++;
        skip_space(t);
        if (t->at < t->end && *t->at == close) {
            t->at++;
            return out;
        }
        for (;;) {
            if (is_dict) {
                skip_space(t);
                if (t->at >= t->end || *t->at != '"') {
                    json_fail();
                }
                mp_obj_t key = parse_string(t);
                skip_space(t);
                if (!take(t, ":")) {
                    json_fail();
                }
                mp_obj_dict_store(out, key, parse_value(t, depth + 1));
            } else {
                mp_obj_list_append(out, parse_value(t, depth + 1));
            }
            skip_space(t);
            if (take(t, ",")) {
                continue;
            }
            if (t->at < t->end && *t->at == close) {
                t->at++;
                return out;
            }
            json_fail();
        }
    }
    if (take(t, "true")) {
        return mp_const_true;
    }
    if (take(t, "false")) {
        return mp_const_false;
    }
    if (take(t, "null")) {
        return mp_const_none;
    }
    return parse_number(t);
}

static mp_obj_t json_loads(mp_obj_t text_in) {
    size_t len;
    const char *text = mp_obj_str_get_data(text_in, &len);
    json_text_t t = { text, text + len };
    mp_obj_t value = parse_value(&t, 0);
    skip_space(&t);
    if (t.at != t.end) {
        json_fail();
    }
    return value;
}
static MP_DEFINE_CONST_FUN_OBJ_1(json_loads_obj, json_loads);

// load(stream): the text its read() returns (any object with read(), as CircuitPython's)
static mp_obj_t json_load(mp_obj_t stream) {
    mp_obj_t read[2];
    mp_load_method(stream, MP_QSTR_read, read);
    return json_loads(mp_call_method_n_kw(0, 0, read));
}
static MP_DEFINE_CONST_FUN_OBJ_1(json_load_obj, json_load);

static const mp_rom_map_elem_t json_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_ujson) },
    { MP_ROM_QSTR(MP_QSTR_dumps), MP_ROM_PTR(&json_dumps_obj) },
    { MP_ROM_QSTR(MP_QSTR_loads), MP_ROM_PTR(&json_loads_obj) },
    { MP_ROM_QSTR(MP_QSTR_load), MP_ROM_PTR(&json_load_obj) },
};
static MP_DEFINE_CONST_DICT(json_globals, json_globals_table);

const mp_obj_module_t mp32_module_ujson = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&json_globals,
};
MP_REGISTER_MODULE(MP_QSTR_ujson, mp32_module_ujson);
