// SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
//
// SPDX-License-Identifier: MIT
//
// mp32's own modules: ``utime``, also built in as ``time`` (ticks, sleep, time_ns,
// monotonic: what a board's time has), ``uos`` (getenv, as CircuitPython's os has),
// ``hostlink``, the TCP connection under the emulator bridges' look-alikes
// (tests/micropython/mpylib/bridge_link.py): connect, write, readinto, wait for data, close,
// on file descriptors; and ``serial``, the RTL8720DN's UART over such a connection, built in
// as a board's busio.UART is.

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

// CircuitPython's monotonic and monotonic_ns (what the Adafruit libraries use)
static mp_obj_t time_monotonic(void) {
    return mp_obj_new_float((mp_float_t)(monotonic_ns() / 1000ULL) / 1e6);
}
static MP_DEFINE_CONST_FUN_OBJ_0(time_monotonic_obj, time_monotonic);

static mp_obj_t time_monotonic_ns(void) {
    return mp_obj_new_int_from_ull(monotonic_ns());
}
static MP_DEFINE_CONST_FUN_OBJ_0(time_monotonic_ns_obj, time_monotonic_ns);

static const mp_rom_map_elem_t utime_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_utime) },
    { MP_ROM_QSTR(MP_QSTR_monotonic), MP_ROM_PTR(&time_monotonic_obj) },
    { MP_ROM_QSTR(MP_QSTR_monotonic_ns), MP_ROM_PTR(&time_monotonic_ns_obj) },
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
// built in as time too, as a board's time is (tests/micropython/mpylib/time.py is the unix
// port's look-alike)
MP_REGISTER_MODULE(MP_QSTR_time, mp32_module_utime);

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

// a TCP connection to host:port (Nagle off), or an OSError
static int link_connect(const char *host, mp_int_t port_number) {
    char port[12];
    snprintf(port, sizeof(port), "%d", (int)port_number);
    struct addrinfo hints = { 0 }, *found;
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    int err = getaddrinfo(host, port, &hints, &found);
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
    return fd;
}

static mp_obj_t hostlink_connect(mp_obj_t host_in, mp_obj_t port_in) {
    return MP_OBJ_NEW_SMALL_INT(link_connect(mp_obj_str_get_str(host_in), mp_obj_get_int(port_in)));
}
static MP_DEFINE_CONST_FUN_OBJ_2(hostlink_connect_obj, hostlink_connect);

// sends all of buf_in, or an OSError; returns its length
static mp_obj_t link_write(int fd, mp_obj_t buf_in) {
    mp_buffer_info_t buf;
    mp_get_buffer_raise(buf_in, &buf, MP_BUFFER_READ);
    const char *at = buf.buf;
    size_t left = buf.len;
    while (left) {
        ssize_t n = send(fd, at, left, MSG_NOSIGNAL);
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

static mp_obj_t hostlink_write(mp_obj_t fd_in, mp_obj_t buf_in) {
    return link_write(mp_obj_get_int(fd_in), buf_in);
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

// has data (or the end of the stream) come within ms?
static bool link_wait(int fd, int ms) {
    struct pollfd p = { fd, POLLIN, 0 };
    int n;
    while ((n = poll(&p, 1, ms)) < 0 && errno == EINTR) {
    }
    return n > 0;
}

static mp_obj_t hostlink_wait(mp_obj_t fd_in, mp_obj_t ms_in) {
    return mp_obj_new_bool(link_wait(mp_obj_get_int(fd_in), mp_obj_get_int(ms_in)));
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

// ---- serial: the UART of the RTL8720DN runs, built in as a board's busio.UART is. What
// adafruit_netdev.probe uses of pyserial off a board: serial_for_url("socket://host:port",
// baudrate=..., timeout=...), here over the emulator's TCP byte stream (python -m
// netdev_emulator rtl8720dn --tcp PORT). As on CircuitPython, only the receive buffer lives in
// the heap: 8192 bytes, what probe() asks busio for. The same behaviour as the unix port's
// tests/micropython/mpylib/uart_bridge.py.

#define SERIAL_RX_SIZE (8192)

typedef struct {
    mp_obj_base_t base;
    int fd;
    mp_int_t baudrate;
    mp_obj_t timeout;  // seconds, or None
    byte *pending;  // SERIAL_RX_SIZE bytes; `have` of them received and not yet read
    size_t have;
} serial_obj_t;

static const mp_obj_type_t serial_type;

static serial_obj_t *serial_open(serial_obj_t *self) {
    if (self->fd < 0) {
        mp_raise_OSError(MP_EBADF);
    }
    return self;
}

// take what has come, without waiting
static void serial_fill(serial_obj_t *self) {
    if (self->have < SERIAL_RX_SIZE) {
        ssize_t n;
        while ((n = recv(self->fd, self->pending + self->have, SERIAL_RX_SIZE - self->have, MSG_DONTWAIT)) < 0
               && errno == EINTR) {
        }
        if (n > 0) {
            self->have += (size_t)n;
        }
    }
}

static int serial_timeout_ms(serial_obj_t *self) {
    if (self->timeout == mp_const_none) {
        return 0;
    }
    return (int)(mp_obj_get_float(self->timeout) * 1000);
}

static mp_obj_t serial_readinto(mp_obj_t self_in, mp_obj_t buf_in) {
    serial_obj_t *self = serial_open(MP_OBJ_TO_PTR(self_in));
    mp_buffer_info_t buf;
    mp_get_buffer_raise(buf_in, &buf, MP_BUFFER_WRITE);
    if (!self->have && link_wait(self->fd, serial_timeout_ms(self))) {
        serial_fill(self);
    }
    size_t n = buf.len < self->have ? buf.len : self->have;
    if (!n) {
        return mp_const_none;
    }
    memcpy(buf.buf, self->pending, n);
    self->have -= n;
    memmove(self->pending, self->pending + n, self->have);
    return MP_OBJ_NEW_SMALL_INT(n);
}
static MP_DEFINE_CONST_FUN_OBJ_2(serial_readinto_obj, serial_readinto);

static mp_obj_t serial_read(size_t n_args, const mp_obj_t *args) {
    mp_int_t count = n_args > 1 ? mp_obj_get_int(args[1]) : 1;
    vstr_t vstr;
    vstr_init_len(&vstr, count);
    mp_obj_t got = serial_readinto(args[0], mp_obj_new_bytearray_by_ref(count, vstr.buf));
    if (got == mp_const_none) {
        vstr_clear(&vstr);
        return mp_const_none;
    }
    vstr.len = MP_OBJ_SMALL_INT_VALUE(got);
    return mp_obj_new_str_from_vstr(&mp_type_bytes, &vstr);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(serial_read_obj, 1, 2, serial_read);

static mp_obj_t serial_write(mp_obj_t self_in, mp_obj_t buf_in) {
    return link_write(serial_open(MP_OBJ_TO_PTR(self_in))->fd, buf_in);
}
static MP_DEFINE_CONST_FUN_OBJ_2(serial_write_obj, serial_write);

static size_t serial_in_waiting(serial_obj_t *self) {
    if (link_wait(serial_open(self)->fd, 0)) {
        serial_fill(self);
    }
    return self->have;
}

static mp_obj_t serial_reset_input_buffer(mp_obj_t self_in) {
    serial_obj_t *self = MP_OBJ_TO_PTR(self_in);
    while (serial_in_waiting(self)) {
        self->have = 0;
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(serial_reset_input_buffer_obj, serial_reset_input_buffer);

static mp_obj_t serial_deinit(mp_obj_t self_in) {
    serial_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->fd >= 0) {
        close(self->fd);
        self->fd = -1;
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(serial_deinit_obj, serial_deinit);

// timeout (read and write), baudrate and in_waiting; the methods are in the locals dict
static void serial_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    serial_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (dest[0] == MP_OBJ_NULL) {  // load
        if (attr == MP_QSTR_timeout) {
            dest[0] = self->timeout;
        } else if (attr == MP_QSTR_baudrate) {
            dest[0] = MP_OBJ_NEW_SMALL_INT(self->baudrate);
        } else if (attr == MP_QSTR_in_waiting) {
            dest[0] = MP_OBJ_NEW_SMALL_INT(serial_in_waiting(self));
        } else {
            dest[1] = MP_OBJ_SENTINEL;  // go on to the locals dict
        }
    } else if (dest[0] == MP_OBJ_SENTINEL && dest[1] != MP_OBJ_NULL && attr == MP_QSTR_timeout) {
        if (dest[1] != mp_const_none) {
            mp_obj_get_float(dest[1]);  // a number, or TypeError
        }
        self->timeout = dest[1];
        dest[0] = MP_OBJ_NULL;  // stored
    }
}

static const mp_rom_map_elem_t serial_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_readinto), MP_ROM_PTR(&serial_readinto_obj) },
    { MP_ROM_QSTR(MP_QSTR_read), MP_ROM_PTR(&serial_read_obj) },
    { MP_ROM_QSTR(MP_QSTR_write), MP_ROM_PTR(&serial_write_obj) },
    { MP_ROM_QSTR(MP_QSTR_reset_input_buffer), MP_ROM_PTR(&serial_reset_input_buffer_obj) },
    { MP_ROM_QSTR(MP_QSTR_deinit), MP_ROM_PTR(&serial_deinit_obj) },
    { MP_ROM_QSTR(MP_QSTR_close), MP_ROM_PTR(&serial_deinit_obj) },
};
static MP_DEFINE_CONST_DICT(serial_locals, serial_locals_table);

static const mp_obj_type_t serial_type = {
    { &mp_type_type },
    .name = MP_QSTR_UART,
    .attr = serial_attr,
    .locals_dict = (mp_obj_dict_t *)&serial_locals,
};

// serial_for_url("socket://host:port", baudrate=9600, timeout=None)
static mp_obj_t serial_for_url(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_url, ARG_baudrate, ARG_timeout };
    static const mp_arg_t allowed[] = {
        { MP_QSTR_url, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL} },
        { MP_QSTR_baudrate, MP_ARG_INT, {.u_int = 9600} },
        { MP_QSTR_timeout, MP_ARG_OBJ, {.u_obj = mp_const_none} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed), allowed, args);
    const char *url = mp_obj_str_get_str(args[ARG_url].u_obj);
    const char *scheme = "socket://";
    const char *colon = strrchr(url, ':');
    if (strncmp(url, scheme, strlen(scheme)) != 0 || colon == NULL || colon < url + strlen(scheme)) {
        mp_raise_ValueError(MP_ERROR_TEXT("only socket://host:port URLs here"));
    }
    const char *host_start = url + strlen(scheme);
    char host[256];
    size_t host_len = (size_t)(colon - host_start);
    if (host_len >= sizeof(host)) {
        mp_raise_ValueError(MP_ERROR_TEXT("host name too long"));
    }
    memcpy(host, host_start, host_len);
    host[host_len] = 0;
    serial_obj_t *self = m_new_obj(serial_obj_t);
    self->base.type = &serial_type;
    self->fd = -1;
    self->pending = m_new(byte, SERIAL_RX_SIZE);
    self->have = 0;
    self->baudrate = args[ARG_baudrate].u_int;
    self->timeout = args[ARG_timeout].u_obj;
    self->fd = link_connect(host_len ? host : "127.0.0.1", strtol(colon + 1, NULL, 10));
    return MP_OBJ_FROM_PTR(self);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(serial_for_url_obj, 1, serial_for_url);

static const mp_rom_map_elem_t serial_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_serial) },
    { MP_ROM_QSTR(MP_QSTR_serial_for_url), MP_ROM_PTR(&serial_for_url_obj) },
};
static MP_DEFINE_CONST_DICT(serial_globals, serial_globals_table);

const mp_obj_module_t mp32_module_serial = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&serial_globals,
};
MP_REGISTER_MODULE(MP_QSTR_serial, mp32_module_serial);
