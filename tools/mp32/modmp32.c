// SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
//
// SPDX-License-Identifier: MIT
//
// mp32's own modules: ``utime`` (ticks, sleep, time_ns: what a board's time has), ``uos``
// (getenv, as CircuitPython's os has) and ``hostlink``, the TCP connection under the
// emulator bridges' look-alikes (tests/micropython/mpylib/bridge_link.py): connect, write,
// readinto, wait for data, close, on file descriptors.

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "py/mphal.h"
#include "py/objstr.h"
#include "py/runtime.h"
#include "py/smallint.h"
#include "py/stream.h"

// ---- the clock

static uint64_t monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

mp_uint_t mp_hal_ticks_ms(void) {
    return (mp_uint_t)(monotonic_ns() / 1000000ULL);
}

mp_uint_t mp_hal_ticks_us(void) {
    return (mp_uint_t)(monotonic_ns() / 1000ULL);
}

uint64_t mp_hal_time_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void sleep_ns(uint64_t ns) {
    struct timespec ts = { (time_t)(ns / 1000000000ULL), (long)(ns % 1000000000ULL) };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

#define TICKS_PERIOD (MICROPY_PY_UTIME_TICKS_PERIOD)
#define TICKS_MAX (TICKS_PERIOD - 1)

static mp_obj_t ticks(mp_uint_t value) {
    return MP_OBJ_NEW_SMALL_INT(value & TICKS_MAX);
}

static mp_obj_t utime_ticks_ms(void) {
    return ticks(mp_hal_ticks_ms());
}
static MP_DEFINE_CONST_FUN_OBJ_0(utime_ticks_ms_obj, utime_ticks_ms);

static mp_obj_t utime_ticks_us(void) {
    return ticks(mp_hal_ticks_us());
}
static MP_DEFINE_CONST_FUN_OBJ_0(utime_ticks_us_obj, utime_ticks_us);

static mp_obj_t utime_ticks_diff(mp_obj_t end_in, mp_obj_t start_in) {
    mp_uint_t diff = ((mp_uint_t)mp_obj_get_int(end_in) - (mp_uint_t)mp_obj_get_int(start_in) + TICKS_PERIOD / 2) & TICKS_MAX;
    return MP_OBJ_NEW_SMALL_INT((mp_int_t)diff - TICKS_PERIOD / 2);
}
static MP_DEFINE_CONST_FUN_OBJ_2(utime_ticks_diff_obj, utime_ticks_diff);

static mp_obj_t utime_ticks_add(mp_obj_t ticks_in, mp_obj_t delta_in) {
    return ticks((mp_uint_t)mp_obj_get_int(ticks_in) + (mp_uint_t)mp_obj_get_int(delta_in));
}
static MP_DEFINE_CONST_FUN_OBJ_2(utime_ticks_add_obj, utime_ticks_add);

static mp_obj_t utime_sleep(mp_obj_t seconds_in) {
    mp_float_t seconds = mp_obj_get_float(seconds_in);
    if (seconds > 0) {
        sleep_ns((uint64_t)(seconds * 1e9));
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(utime_sleep_obj, utime_sleep);

static mp_obj_t utime_sleep_ms(mp_obj_t ms_in) {
    mp_int_t ms = mp_obj_get_int(ms_in);
    if (ms > 0) {
        sleep_ns((uint64_t)ms * 1000000ULL);
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(utime_sleep_ms_obj, utime_sleep_ms);

static mp_obj_t utime_sleep_us(mp_obj_t us_in) {
    mp_int_t us = mp_obj_get_int(us_in);
    if (us > 0) {
        sleep_ns((uint64_t)us * 1000ULL);
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(utime_sleep_us_obj, utime_sleep_us);

static mp_obj_t utime_time(void) {
    return mp_obj_new_int_from_ull(mp_hal_time_ns() / 1000000000ULL);
}
static MP_DEFINE_CONST_FUN_OBJ_0(utime_time_obj, utime_time);

static mp_obj_t utime_time_ns(void) {
    return mp_obj_new_int_from_ull(mp_hal_time_ns());
}
static MP_DEFINE_CONST_FUN_OBJ_0(utime_time_ns_obj, utime_time_ns);

static const mp_rom_map_elem_t utime_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_utime) },
    { MP_ROM_QSTR(MP_QSTR_ticks_ms), MP_ROM_PTR(&utime_ticks_ms_obj) },
    { MP_ROM_QSTR(MP_QSTR_ticks_us), MP_ROM_PTR(&utime_ticks_us_obj) },
    { MP_ROM_QSTR(MP_QSTR_ticks_diff), MP_ROM_PTR(&utime_ticks_diff_obj) },
    { MP_ROM_QSTR(MP_QSTR_ticks_add), MP_ROM_PTR(&utime_ticks_add_obj) },
    { MP_ROM_QSTR(MP_QSTR_sleep), MP_ROM_PTR(&utime_sleep_obj) },
    { MP_ROM_QSTR(MP_QSTR_sleep_ms), MP_ROM_PTR(&utime_sleep_ms_obj) },
    { MP_ROM_QSTR(MP_QSTR_sleep_us), MP_ROM_PTR(&utime_sleep_us_obj) },
    { MP_ROM_QSTR(MP_QSTR_time), MP_ROM_PTR(&utime_time_obj) },
    { MP_ROM_QSTR(MP_QSTR_time_ns), MP_ROM_PTR(&utime_time_ns_obj) },
};
static MP_DEFINE_CONST_DICT(utime_globals, utime_globals_table);

const mp_obj_module_t mp32_module_utime = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&utime_globals,
};
MP_REGISTER_MODULE(MP_QSTR_utime, mp32_module_utime);

// ---- uos, and open(): files to read (the RTL8720DN's CA file)

static mp_obj_t uos_stat(mp_obj_t path_in) {
    struct stat st;
    if (stat(mp_obj_str_get_str(path_in), &st) != 0) {
        mp_raise_OSError(errno);
    }
    mp_obj_t items[10] = {
        mp_obj_new_int_from_uint(st.st_mode), mp_obj_new_int_from_uint(st.st_ino),
        mp_obj_new_int_from_uint(st.st_dev), mp_obj_new_int_from_uint(st.st_nlink),
        mp_obj_new_int_from_uint(st.st_uid), mp_obj_new_int_from_uint(st.st_gid),
        mp_obj_new_int_from_uint(st.st_size), mp_obj_new_int(st.st_atime),
        mp_obj_new_int(st.st_mtime), mp_obj_new_int(st.st_ctime),
    };
    return mp_obj_new_tuple(10, items);
}
static MP_DEFINE_CONST_FUN_OBJ_1(uos_stat_obj, uos_stat);

typedef struct {
    mp_obj_base_t base;
    int fd;
} mp32_file_t;

static mp_uint_t file_read(mp_obj_t self_in, void *buf, mp_uint_t size, int *errcode) {
    mp32_file_t *self = MP_OBJ_TO_PTR(self_in);
    ssize_t n = read(self->fd, buf, size);
    if (n < 0) {
        *errcode = errno;
        return MP_STREAM_ERROR;
    }
    return (mp_uint_t)n;
}

static mp_uint_t file_ioctl(mp_obj_t self_in, mp_uint_t request, uintptr_t arg, int *errcode) {
    mp32_file_t *self = MP_OBJ_TO_PTR(self_in);
    if (request == MP_STREAM_CLOSE) {
        if (self->fd >= 0) {
            close(self->fd);
            self->fd = -1;
        }
        return 0;
    }
    *errcode = MP_EINVAL;
    return MP_STREAM_ERROR;
}

static const mp_stream_p_t file_stream = {
    .read = file_read,
    .ioctl = file_ioctl,
};

static mp_obj_t file___exit__(size_t n_args, const mp_obj_t *args) {
    return mp_stream_close(args[0]);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(file___exit___obj, 4, 4, file___exit__);

static const mp_rom_map_elem_t file_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_read), MP_ROM_PTR(&mp_stream_read_obj) },
    { MP_ROM_QSTR(MP_QSTR_readinto), MP_ROM_PTR(&mp_stream_readinto_obj) },
    { MP_ROM_QSTR(MP_QSTR_close), MP_ROM_PTR(&mp_stream_close_obj) },
    { MP_ROM_QSTR(MP_QSTR___enter__), MP_ROM_PTR(&mp_identity_obj) },
    { MP_ROM_QSTR(MP_QSTR___exit__), MP_ROM_PTR(&file___exit___obj) },
};
static MP_DEFINE_CONST_DICT(file_locals, file_locals_table);

static const mp_obj_type_t mp32_type_file = {
    { &mp_type_type },
    .name = MP_QSTR_FileIO,
    .protocol = &file_stream,
    .locals_dict = (mp_obj_dict_t *)&file_locals,
};

// open(path, mode="r"): reading only, binary (what the programs measured need)
mp_obj_t mp_builtin_open(size_t n_args, const mp_obj_t *args, mp_map_t *kwargs) {
    const char *mode = n_args > 1 ? mp_obj_str_get_str(args[1]) : "r";
    if (strchr(mode, 'w') || strchr(mode, 'a') || strchr(mode, '+')) {
        mp_raise_ValueError(MP_ERROR_TEXT("mp32 opens files for reading only"));
    }
    int fd = open(mp_obj_str_get_str(args[0]), O_RDONLY);
    if (fd < 0) {
        mp_raise_OSError(errno);
    }
    mp32_file_t *file = m_new_obj(mp32_file_t);
    file->base.type = &mp32_type_file;
    file->fd = fd;
    return MP_OBJ_FROM_PTR(file);
}
MP_DEFINE_CONST_FUN_OBJ_KW(mp_builtin_open_obj, 1, mp_builtin_open);


static mp_obj_t uos_getenv(size_t n_args, const mp_obj_t *args) {
    const char *value = getenv(mp_obj_str_get_str(args[0]));
    if (value == NULL) {
        return n_args > 1 ? args[1] : mp_const_none;
    }
    return mp_obj_new_str(value, strlen(value));
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(uos_getenv_obj, 1, 2, uos_getenv);

static const mp_rom_map_elem_t uos_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_uos) },
    { MP_ROM_QSTR(MP_QSTR_getenv), MP_ROM_PTR(&uos_getenv_obj) },
    { MP_ROM_QSTR(MP_QSTR_stat), MP_ROM_PTR(&uos_stat_obj) },
    { MP_ROM_QSTR(MP_QSTR_sep), MP_ROM_QSTR(MP_QSTR__slash_) },
};
static MP_DEFINE_CONST_DICT(uos_globals, uos_globals_table);

const mp_obj_module_t mp32_module_uos = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&uos_globals,
};
MP_REGISTER_MODULE(MP_QSTR_uos, mp32_module_uos);

// ---- hostlink

static void raise_errno(void) {
    mp_raise_OSError(errno);
}

static mp_obj_t hostlink_connect(mp_obj_t host_in, mp_obj_t port_in) {
    char port[12];
    snprintf(port, sizeof(port), "%d", (int)mp_obj_get_int(port_in));
    struct addrinfo hints = { 0 }, *found;
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    int err = getaddrinfo(mp_obj_str_get_str(host_in), port, &hints, &found);
    if (err != 0) {
        mp_raise_OSError(MP_EHOSTUNREACH);
    }
    int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    if (fd < 0 || connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
        int saved = errno;
        if (fd >= 0) {
            close(fd);
        }
        freeaddrinfo(found);
        mp_raise_OSError(saved);
    }
    freeaddrinfo(found);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));  // no Nagle delays
    return MP_OBJ_NEW_SMALL_INT(fd);
}
static MP_DEFINE_CONST_FUN_OBJ_2(hostlink_connect_obj, hostlink_connect);

static mp_obj_t hostlink_write(mp_obj_t fd_in, mp_obj_t buf_in) {
    mp_buffer_info_t buf;
    mp_get_buffer_raise(buf_in, &buf, MP_BUFFER_READ);
    const char *at = buf.buf;
    size_t left = buf.len;
    while (left) {
        ssize_t n = send(mp_obj_get_int(fd_in), at, left, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            raise_errno();
        }
        at += n;
        left -= (size_t)n;
    }
    return MP_OBJ_NEW_SMALL_INT(buf.len);
}
static MP_DEFINE_CONST_FUN_OBJ_2(hostlink_write_obj, hostlink_write);

static mp_obj_t hostlink_readinto(mp_obj_t fd_in, mp_obj_t buf_in) {
    mp_buffer_info_t buf;
    mp_get_buffer_raise(buf_in, &buf, MP_BUFFER_WRITE);
    for (;;) {
        ssize_t n = recv(mp_obj_get_int(fd_in), buf.buf, buf.len, 0);
        if (n >= 0) {
            return MP_OBJ_NEW_SMALL_INT(n);
        }
        if (errno != EINTR) {
            raise_errno();
        }
    }
}
static MP_DEFINE_CONST_FUN_OBJ_2(hostlink_readinto_obj, hostlink_readinto);

static mp_obj_t hostlink_wait(mp_obj_t fd_in, mp_obj_t ms_in) {
    struct pollfd p = { mp_obj_get_int(fd_in), POLLIN, 0 };
    int n;
    while ((n = poll(&p, 1, mp_obj_get_int(ms_in))) < 0 && errno == EINTR) {
    }
    return mp_obj_new_bool(n > 0);
}
static MP_DEFINE_CONST_FUN_OBJ_2(hostlink_wait_obj, hostlink_wait);

static mp_obj_t hostlink_close(mp_obj_t fd_in) {
    close(mp_obj_get_int(fd_in));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(hostlink_close_obj, hostlink_close);

static const mp_rom_map_elem_t hostlink_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_hostlink) },
    { MP_ROM_QSTR(MP_QSTR_connect), MP_ROM_PTR(&hostlink_connect_obj) },
    { MP_ROM_QSTR(MP_QSTR_write), MP_ROM_PTR(&hostlink_write_obj) },
    { MP_ROM_QSTR(MP_QSTR_readinto), MP_ROM_PTR(&hostlink_readinto_obj) },
    { MP_ROM_QSTR(MP_QSTR_wait), MP_ROM_PTR(&hostlink_wait_obj) },
    { MP_ROM_QSTR(MP_QSTR_close), MP_ROM_PTR(&hostlink_close_obj) },
};
static MP_DEFINE_CONST_DICT(hostlink_globals, hostlink_globals_table);

const mp_obj_module_t mp32_module_hostlink = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&hostlink_globals,
};
MP_REGISTER_MODULE(MP_QSTR_hostlink, mp32_module_hostlink);
