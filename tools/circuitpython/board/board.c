// SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
//
// SPDX-License-Identifier: MIT
//
// The board of the CircuitPython unix port that tools/circuitpython builds: the port layer
// ("common-hal") under CircuitPython's own busio, digitalio, microcontroller, time and
// adafruit_bus_device (shared-bindings, built from CircuitPython's sources), plus the
// ``board`` and ``supervisor`` modules, as a board's firmware has them.
//
// The co-processor on the board is a virtual one served by netdev_emulator in another
// process, reached over TCP from here, in C (the port has no socket module and a board has
// none of this in its heap):
//
// * ``EMULATOR_NINA_BRIDGE=host:port`` (``python -m netdev_emulator nina``): an AirLift
//   board: ``board.SPI()`` and the pins ``ESP_CS``, ``ESP_BUSY``, ``ESP_RESET`` and
//   ``ESP_GPIO0`` are the emulator's SPI bus and wires (the bridge protocol of
//   netdev_emulator/nina_bridge.py);
// * ``EMULATOR_RTL8720DN_UART=host:port`` (``python -m netdev_emulator rtl8720dn --tcp 0``):
//   a Wio Terminal: ``busio.UART(board.RTL_MOSI, board.RTL_MISO)`` is the chip's UART, and
//   ``board.RTL_PWR`` its enable pin (a pulse low sends the emulator's reset frame).
//
// The ``board`` module shows only the pins of the co-processor that is wired.

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "py/mperrno.h"
#include "py/mphal.h"
#include "py/ringbuf.h"
#include "py/runtime.h"
#include "py/stream.h"
#include "shared-bindings/board/__init__.h"
#include "shared-bindings/busio/I2C.h"
#include "shared-bindings/busio/SPI.h"
#include "shared-bindings/busio/UART.h"
#include "shared-bindings/digitalio/DigitalInOut.h"
#include "shared-bindings/microcontroller/__init__.h"
#include "shared-bindings/microcontroller/Pin.h"
#include "shared-bindings/microcontroller/Processor.h"
#include "shared-bindings/rtc/__init__.h"
#include "shared-bindings/time/__init__.h"
#include "shared/timeutils/timeutils.h"

// ---- links to the emulator ------------------------------------------------------------------

static int connect_to(const char *setting, const char *what) {
    const char *address = getenv(setting);
    if (address == NULL || *address == '\0') {
        mp_raise_msg_varg(&mp_type_RuntimeError,
            MP_ERROR_TEXT("this board's %s is not wired: set %s=host:port"), what, setting);
    }
    const char *colon = strrchr(address, ':');
    if (colon == NULL) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("%s=%s is not host:port"), setting, address);
    }
    char host[128];
    size_t n = colon - address;
    if (n == 0 || n >= sizeof(host)) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("%s=%s is not host:port"), setting, address);
    }
    memcpy(host, address, n);
    host[n] = '\0';
    struct addrinfo hints = {0};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    struct addrinfo *found = NULL;
    if (getaddrinfo(host, colon + 1, &hints, &found) != 0 || found == NULL) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("%s=%s: unknown host"), setting, address);
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int err = 0;
    if (fd < 0 || connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
        err = errno;
    }
    freeaddrinfo(found);
    if (err) {
        if (fd >= 0) {
            close(fd);
        }
        mp_raise_msg_varg(&mp_type_OSError, MP_ERROR_TEXT("%s (%s=%s): %s"), what, setting, address, strerror(err));
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

static MP_NORETURN void link_failed(const char *what, int err) {
    mp_raise_msg_varg(&mp_type_OSError, MP_ERROR_TEXT("the emulator's %s: %s"), what,
        err ? strerror(err) : "connection closed");
}

static void write_all(int fd, const struct iovec *parts, int count, const char *what) {
    struct iovec iov[3];
    memcpy(iov, parts, count * sizeof(*iov));
    struct iovec *at = iov;
    while (count > 0) {
        ssize_t n = writev(fd, at, count);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            link_failed(what, errno);
        }
        while (count > 0 && (size_t)n >= at->iov_len) {
            n -= at->iov_len;
            at++;
            count--;
        }
        if (count > 0) {
            at->iov_base = (uint8_t *)at->iov_base + n;
            at->iov_len -= n;
        }
    }
}

static void read_exactly(int fd, uint8_t *buf, size_t len, const char *what) {
    while (len > 0) {
        ssize_t n = read(fd, buf, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            link_failed(what, n < 0 ? errno : 0);
        }
        buf += n;
        len -= n;
    }
}

// The NINA bridge: request op, length (2 bytes, big-endian), payload; reply status (0 done,
// else refused with a message), length, payload.

#define NINA_LINK "NINA bridge"
#define NINA_CHUNK 65535
static int nina_fd = -1;

static int nina_link(void) {
    if (nina_fd < 0) {
        nina_fd = connect_to("EMULATOR_NINA_BRIDGE", "AirLift (NINA bridge)");
    }
    return nina_fd;
}

// One exchange; the reply's payload must be ``reply_len`` bytes, into ``reply``.
static void nina_call(uint8_t op, const uint8_t *payload, size_t len, uint8_t *reply, size_t reply_len) {
    int fd = nina_link();
    uint8_t header[3] = {op, (uint8_t)(len >> 8), (uint8_t)len};
    struct iovec parts[2] = {{header, 3}, {(void *)payload, len}};
    write_all(fd, parts, len ? 2 : 1, NINA_LINK);
    read_exactly(fd, header, 3, NINA_LINK);
    size_t got = ((size_t)header[1] << 8) | header[2];
    if (header[0] != 0) {
        char message[256];
        size_t keep = got < sizeof(message) - 1 ? got : sizeof(message) - 1;
        read_exactly(fd, (uint8_t *)message, keep, NINA_LINK);
        message[keep] = '\0';
        for (size_t rest = got - keep; rest > 0; rest--) {
            uint8_t skip;
            read_exactly(fd, &skip, 1, NINA_LINK);
        }
        mp_raise_msg_varg(&mp_type_RuntimeError, MP_ERROR_TEXT("NINA bridge refused %c: %s"), op, message);
    }
    if (got != reply_len) {
        mp_raise_msg_varg(&mp_type_OSError, MP_ERROR_TEXT("NINA bridge replied %d bytes to %c, not %d"),
            (int)got, op, (int)reply_len);
    }
    read_exactly(fd, reply, reply_len, NINA_LINK);
}

// The RTL8720DN's UART: the raw byte stream. The enable pin's pulse is the emulator's reset
// frame on it (netdev_emulator.rtl8720.RESET_FRAME: a one-way message to service 255).

#define RTL_LINK "RTL8720DN UART"
static int rtl_fd = -1;
static const uint8_t rtl_reset_frame[] = {
    0x08, 0x00, 0x15, 0x9b, 0x01, 0xff, 0xff, 0x01, 0x00, 0x00, 0x00, 0x00,
};

static int rtl_link(void) {
    if (rtl_fd < 0) {
        rtl_fd = connect_to("EMULATOR_RTL8720DN_UART", "RTL8720DN (UART stream)");
    }
    return rtl_fd;
}

// ---- pins and the board module -------------------------------------------------------------

enum {
    PIN_LED, PIN_SCK, PIN_MOSI, PIN_MISO, PIN_SCL, PIN_SDA, PIN_TX, PIN_RX,
    PIN_ESP_CS, PIN_ESP_BUSY, PIN_ESP_RESET, PIN_ESP_GPIO0,
    PIN_RTL_PWR, PIN_RTL_MOSI, PIN_RTL_MISO,
    PIN_COUNT
};

#define PIN(n, w) [n] = {{&mcu_pin_type}, n, w}
static const mcu_pin_obj_t pins[PIN_COUNT] = {
    PIN(PIN_LED, 0), PIN(PIN_SCK, 0), PIN(PIN_MOSI, 0), PIN(PIN_MISO, 0), PIN(PIN_SCL, 0),
    PIN(PIN_SDA, 0), PIN(PIN_TX, 0), PIN(PIN_RX, 0),
    PIN(PIN_ESP_CS, 'c'), PIN(PIN_ESP_BUSY, 'y'), PIN(PIN_ESP_RESET, 'r'), PIN(PIN_ESP_GPIO0, 'g'),
    PIN(PIN_RTL_PWR, 'E'), PIN(PIN_RTL_MOSI, 0), PIN(PIN_RTL_MISO, 0),
};
static uint32_t claimed;

static busio_spi_obj_t spi_bus;
static bool spi_bus_made;

static mp_obj_t board_spi_singleton(void) {
    if (!spi_bus_made || common_hal_busio_spi_deinited(&spi_bus)) {
        spi_bus.base.type = &busio_spi_type;
        common_hal_busio_spi_construct(&spi_bus, &pins[PIN_SCK], &pins[PIN_MOSI], &pins[PIN_MISO], false);
        spi_bus_made = true;
    }
    return MP_OBJ_FROM_PTR(&spi_bus);
}
static MP_DEFINE_CONST_FUN_OBJ_0(board_spi_fun_obj, board_spi_singleton);

static mp_obj_t board_init(void);
static MP_DEFINE_CONST_FUN_OBJ_0(board_init_obj, board_init);

#define BOARD_PIN(name, n) {MP_OBJ_NEW_QSTR(MP_QSTR_##name), MP_OBJ_FROM_PTR((void *)&pins[n])}
static mp_map_elem_t board_module_globals_table[] = {
    CIRCUITPYTHON_MUTABLE_BOARD_DICT_STANDARD_ITEMS
    {MP_OBJ_NEW_QSTR(MP_QSTR___init__), MP_OBJ_FROM_PTR((void *)&board_init_obj)},
    BOARD_PIN(LED, PIN_LED),
    BOARD_PIN(D13, PIN_LED),
    BOARD_PIN(SCK, PIN_SCK),
    BOARD_PIN(MOSI, PIN_MOSI),
    BOARD_PIN(MISO, PIN_MISO),
    BOARD_PIN(SCL, PIN_SCL),
    BOARD_PIN(SDA, PIN_SDA),
    BOARD_PIN(TX, PIN_TX),
    BOARD_PIN(RX, PIN_RX),
    {MP_OBJ_NEW_QSTR(MP_QSTR_SPI), MP_OBJ_FROM_PTR((void *)&board_spi_fun_obj)},
    BOARD_PIN(ESP_CS, PIN_ESP_CS),
    BOARD_PIN(ESP_BUSY, PIN_ESP_BUSY),
    BOARD_PIN(ESP_RESET, PIN_ESP_RESET),
    BOARD_PIN(ESP_GPIO0, PIN_ESP_GPIO0),
    BOARD_PIN(RTL_PWR, PIN_RTL_PWR),
    BOARD_PIN(RTL_MOSI, PIN_RTL_MOSI),
    BOARD_PIN(RTL_MISO, PIN_RTL_MISO),
};
MP_DEFINE_MUTABLE_DICT(board_module_globals, board_module_globals_table);

// At the first import: the pins of a co-processor that is not wired are not on this board.
static mp_obj_t board_init(void) {
    bool nina = getenv("EMULATOR_NINA_BRIDGE") != NULL;
    bool rtl = getenv("EMULATOR_RTL8720DN_UART") != NULL;
    for (size_t i = 0; i < MP_ARRAY_SIZE(board_module_globals_table); i++) {
        mp_map_elem_t *elem = &board_module_globals_table[i];
        if (!mp_obj_is_type(elem->value, &mcu_pin_type)) {
            continue;
        }
        const mcu_pin_obj_t *pin = MP_OBJ_TO_PTR(elem->value);
        bool esp = pin->number >= PIN_ESP_CS && pin->number <= PIN_ESP_GPIO0;
        bool wio = pin->number >= PIN_RTL_PWR && pin->number <= PIN_RTL_MISO;
        if ((esp && !nina) || (wio && !rtl)) {
            elem->key = MP_OBJ_NULL;  // not a filled slot: not found, not listed
        }
    }
    return mp_const_none;
}

const mp_obj_module_t board_module = {
    .base = {&mp_type_module},
    .globals = (mp_obj_dict_t *)&board_module_globals,
};
MP_REGISTER_MODULE(MP_QSTR_board, board_module);

#define MCU_PIN(name, n) {MP_ROM_QSTR(MP_QSTR_##name), MP_ROM_PTR(&pins[n])}
static const mp_rom_map_elem_t mcu_pin_globals_table[] = {
    MCU_PIN(PA00, PIN_LED), MCU_PIN(PA01, PIN_SCK), MCU_PIN(PA02, PIN_MOSI), MCU_PIN(PA03, PIN_MISO),
    MCU_PIN(PA04, PIN_SCL), MCU_PIN(PA05, PIN_SDA), MCU_PIN(PA06, PIN_TX), MCU_PIN(PA07, PIN_RX),
    MCU_PIN(PB00, PIN_ESP_CS), MCU_PIN(PB01, PIN_ESP_BUSY), MCU_PIN(PB02, PIN_ESP_RESET),
    MCU_PIN(PB03, PIN_ESP_GPIO0), MCU_PIN(PC00, PIN_RTL_PWR), MCU_PIN(PC01, PIN_RTL_MOSI),
    MCU_PIN(PC02, PIN_RTL_MISO),
};
MP_DEFINE_CONST_DICT(mcu_pin_globals, mcu_pin_globals_table);

bool common_hal_mcu_pin_is_free(const mcu_pin_obj_t *pin) {
    return !(claimed & (1u << pin->number));
}

void common_hal_never_reset_pin(const mcu_pin_obj_t *pin) {
}

void common_hal_reset_pin(const mcu_pin_obj_t *pin) {
    if (pin != NULL) {
        claimed &= ~(1u << pin->number);
    }
}

uint8_t common_hal_mcu_pin_number(const mcu_pin_obj_t *pin) {
    return pin->number;
}

void common_hal_mcu_pin_claim(const mcu_pin_obj_t *pin) {
    claimed |= 1u << pin->number;
}

void common_hal_mcu_pin_claim_number(uint8_t pin_no) {
    claimed |= 1u << pin_no;
}

void common_hal_mcu_pin_reset_number(uint8_t pin_no) {
    claimed &= ~(1u << pin_no);
}

// ---- microcontroller ------------------------------------------------------------------------

const mcu_processor_obj_t common_hal_mcu_processor_obj = {
    .base = {.type = &mcu_processor_type},
};

uint32_t common_hal_mcu_processor_get_frequency(void) {
    return 120000000;  // a SAMD51's
}

void common_hal_mcu_processor_set_frequency(mcu_processor_obj_t *self, uint32_t frequency) {
    mp_raise_NotImplementedError(MP_ERROR_TEXT("frequency is read-only on this board"));
}

mcu_reset_reason_t common_hal_mcu_processor_get_reset_reason(void) {
    return RESET_REASON_POWER_ON;
}

float common_hal_mcu_processor_get_temperature(void) {
    return NAN;
}

float common_hal_mcu_processor_get_voltage(void) {
    return 3.3f;
}

void common_hal_mcu_processor_get_uid(uint8_t raw_id[]) {
    for (int i = 0; i < COMMON_HAL_MCU_PROCESSOR_UID_LENGTH; i++) {
        raw_id[i] = (uint8_t)(0x4e + i);
    }
}

void common_hal_mcu_delay_us(uint32_t delay) {
    usleep(delay);
}

void common_hal_mcu_disable_interrupts(void) {
}

void common_hal_mcu_enable_interrupts(void) {
}

void common_hal_mcu_on_next_reset(mcu_runmode_t runmode) {
}

void common_hal_mcu_reset(void) {
    exit(0);  // a board restarts; this one stops
}

// ---- time and supervisor -------------------------------------------------------------------

// A board's clocks start at zero when it powers up: this one's when the process starts.
static uint64_t monotonic_ns(void) {
    static uint64_t start;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
    if (start == 0) {
        start = now;
    }
    return now - start;
}

__attribute__((constructor)) static void power_up(void) {
    monotonic_ns();
}

uint64_t common_hal_time_monotonic_ms(void) {
    return monotonic_ns() / 1000000ULL;
}

uint64_t common_hal_time_monotonic_ns(void) {
    return monotonic_ns();
}

void common_hal_time_delay_ms(uint32_t delay) {
    mp_hal_delay_ms(delay);
}

uint64_t supervisor_ticks_ms64(void) {
    return common_hal_time_monotonic_ms();
}

uint32_t supervisor_ticks_ms32(void) {
    return (uint32_t)common_hal_time_monotonic_ms();
}

// A board's real-time clock starts at 2000-01-01 00:00:00 when it powers up (until a
// program sets it): so does this one, at the start of the process.
mp_obj_t rtc_get_time_source_time(void) {
    timeutils_struct_time_t tm;
    timeutils_seconds_since_epoch_to_struct_time(946684800 + monotonic_ns() / 1000000000ULL, &tm);
    return struct_time_from_tm(&tm);
}

// supervisor.ticks_ms(): milliseconds that wrap at 2**29, as CircuitPython's
static mp_obj_t supervisor_ticks_ms(void) {
    uint64_t ticks_ms = common_hal_time_monotonic_ms();
    return mp_obj_new_int((ticks_ms + 0x1fff0000) % (1 << 29));
}
static MP_DEFINE_CONST_FUN_OBJ_0(supervisor_ticks_ms_obj, supervisor_ticks_ms);

static const mp_rom_map_elem_t supervisor_module_globals_table[] = {
    {MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_supervisor)},
    {MP_ROM_QSTR(MP_QSTR_ticks_ms), MP_ROM_PTR(&supervisor_ticks_ms_obj)},
};
static MP_DEFINE_CONST_DICT(supervisor_module_globals, supervisor_module_globals_table);

const mp_obj_module_t supervisor_module = {
    .base = {&mp_type_module},
    .globals = (mp_obj_dict_t *)&supervisor_module_globals,
};
MP_REGISTER_MODULE(MP_QSTR_supervisor, supervisor_module);

// ---- digitalio -----------------------------------------------------------------------------

static bool is_nina_wire(const mcu_pin_obj_t *pin) {
    return pin->wire == 'c' || pin->wire == 'y' || pin->wire == 'r' || pin->wire == 'g';
}

const mcu_pin_obj_t *common_hal_digitalio_validate_pin(mp_obj_t obj) {
    return validate_obj_is_free_pin(obj, MP_QSTR_pin);
}

digitalinout_result_t common_hal_digitalio_digitalinout_construct(digitalio_digitalinout_obj_t *self, const mcu_pin_obj_t *pin) {
    common_hal_mcu_pin_claim(pin);
    self->pin = pin;
    self->output = false;
    self->value = false;
    self->drive_mode = DRIVE_MODE_PUSH_PULL;
    self->pull = PULL_NONE;
    if (is_nina_wire(pin)) {
        uint8_t args[2] = {pin->wire, 0};
        nina_call('I', args, 2, NULL, 0);  // a pin starts as an input without pull
    }
    return DIGITALINOUT_OK;
}

void common_hal_digitalio_digitalinout_deinit(digitalio_digitalinout_obj_t *self) {
    if (self->pin != NULL) {
        common_hal_reset_pin(self->pin);
        self->pin = NULL;
    }
}

bool common_hal_digitalio_digitalinout_deinited(digitalio_digitalinout_obj_t *self) {
    return self->pin == NULL;
}

digitalinout_result_t common_hal_digitalio_digitalinout_switch_to_input(digitalio_digitalinout_obj_t *self, digitalio_pull_t pull) {
    self->output = false;
    self->pull = pull;
    if (is_nina_wire(self->pin)) {
        uint8_t args[2] = {self->pin->wire, pull == PULL_UP ? 1 : pull == PULL_DOWN ? 2 : 0};
        nina_call('I', args, 2, NULL, 0);
    }
    return DIGITALINOUT_OK;
}

static void drive(digitalio_digitalinout_obj_t *self, bool value) {
    const mcu_pin_obj_t *pin = self->pin;
    bool was_low = self->output && !self->value;
    self->value = value;
    if (is_nina_wire(pin)) {
        uint8_t args[3] = {pin->wire, value, self->drive_mode == DRIVE_MODE_OPEN_DRAIN};
        nina_call('O', args, 3, NULL, 0);
    } else if (pin->wire == 'E' && value && was_low) {
        // the enable pin rises after it held the chip in reset: the chip starts again (the
        // emulator's stand-in for the pulse). Driven high from an input it was already high
        // (the chip runs from power-up): no edge, no reset.
        struct iovec part = {(void *)rtl_reset_frame, sizeof(rtl_reset_frame)};
        write_all(rtl_link(), &part, 1, RTL_LINK);
    }
}

digitalinout_result_t common_hal_digitalio_digitalinout_switch_to_output(digitalio_digitalinout_obj_t *self, bool value, digitalio_drive_mode_t drive_mode) {
    self->drive_mode = drive_mode;
    drive(self, value);
    self->output = true;
    return DIGITALINOUT_OK;
}

digitalio_direction_t common_hal_digitalio_digitalinout_get_direction(digitalio_digitalinout_obj_t *self) {
    return self->output ? DIRECTION_OUTPUT : DIRECTION_INPUT;
}

void common_hal_digitalio_digitalinout_set_value(digitalio_digitalinout_obj_t *self, bool value) {
    const mcu_pin_obj_t *pin = self->pin;
    if (is_nina_wire(pin)) {
        self->value = value;
        uint8_t args[2] = {pin->wire, value};
        nina_call('S', args, 2, NULL, 0);
    } else {
        drive(self, value);
    }
}

bool common_hal_digitalio_digitalinout_get_value(digitalio_digitalinout_obj_t *self) {
    if (self->output || !is_nina_wire(self->pin)) {
        return self->output ? self->value : self->pull == PULL_UP;
    }
    uint8_t arg = self->pin->wire, level;
    nina_call('G', &arg, 1, &level, 1);
    return level != 0;
}

digitalinout_result_t common_hal_digitalio_digitalinout_set_drive_mode(digitalio_digitalinout_obj_t *self, digitalio_drive_mode_t drive_mode) {
    self->drive_mode = drive_mode;
    if (self->output) {
        drive(self, self->value);
    }
    return DIGITALINOUT_OK;
}

digitalio_drive_mode_t common_hal_digitalio_digitalinout_get_drive_mode(digitalio_digitalinout_obj_t *self) {
    return self->drive_mode;
}

digitalinout_result_t common_hal_digitalio_digitalinout_set_pull(digitalio_digitalinout_obj_t *self, digitalio_pull_t pull) {
    return common_hal_digitalio_digitalinout_switch_to_input(self, pull);
}

digitalio_pull_t common_hal_digitalio_digitalinout_get_pull(digitalio_digitalinout_obj_t *self) {
    return self->pull;
}

void common_hal_digitalio_digitalinout_never_reset(digitalio_digitalinout_obj_t *self) {
}

volatile uint32_t *common_hal_digitalio_digitalinout_get_reg(digitalio_digitalinout_obj_t *self, digitalinout_reg_op_t op, uint32_t *mask) {
    return NULL;
}

bool common_hal_digitalio_has_reg_op(digitalinout_reg_op_t op) {
    return false;
}

// ---- busio.SPI: the NINA bridge's bus ------------------------------------------------------

void common_hal_busio_spi_construct(busio_spi_obj_t *self, const mcu_pin_obj_t *clock,
    const mcu_pin_obj_t *mosi, const mcu_pin_obj_t *miso, bool half_duplex) {
    static bool holding;
    if (!holding && getenv("EMULATOR_NINA_BRIDGE") != NULL) {
        // this program is the bus's only host: hold the emulator's lock for good; the
        // lock a program takes (try_lock) is this object's, as on a board
        uint8_t locked;
        nina_call('L', NULL, 0, &locked, 1);
        if (!locked) {
            mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("the emulator's SPI bus is held by another host"));
        }
        holding = true;
    }
    common_hal_mcu_pin_claim(clock);
    if (mosi != NULL) {
        common_hal_mcu_pin_claim(mosi);
    }
    if (miso != NULL) {
        common_hal_mcu_pin_claim(miso);
    }
    self->clock = clock;
    self->locked = false;
    self->sent = false;
    self->baudrate = 250000;
    self->polarity = 0;
    self->phase = 0;
    self->bits = 8;
}

void common_hal_busio_spi_deinit(busio_spi_obj_t *self) {
    if (self->clock != NULL) {
        common_hal_reset_pin(self->clock);
        common_hal_reset_pin(&pins[PIN_MOSI]);
        common_hal_reset_pin(&pins[PIN_MISO]);
        self->clock = NULL;
    }
}

bool common_hal_busio_spi_deinited(busio_spi_obj_t *self) {
    return self->clock == NULL;
}

void common_hal_busio_spi_mark_deinit(busio_spi_obj_t *self) {
    self->clock = NULL;
}

bool common_hal_busio_spi_configure(busio_spi_obj_t *self, uint32_t baudrate, uint8_t polarity, uint8_t phase, uint8_t bits) {
    if (!self->sent || baudrate != self->baudrate || polarity != self->polarity || phase != self->phase || bits != self->bits) {
        uint8_t args[7] = {baudrate >> 24, baudrate >> 16, baudrate >> 8, baudrate, polarity, phase, bits};
        nina_call('F', args, 7, NULL, 0);
        self->sent = true;
    }
    self->baudrate = baudrate;
    self->polarity = polarity;
    self->phase = phase;
    self->bits = bits;
    return true;
}

bool common_hal_busio_spi_try_lock(busio_spi_obj_t *self) {
    if (self->locked) {
        return false;
    }
    self->locked = true;
    return true;
}

bool common_hal_busio_spi_has_lock(busio_spi_obj_t *self) {
    return self->locked;
}

void common_hal_busio_spi_unlock(busio_spi_obj_t *self) {
    self->locked = false;
}

bool common_hal_busio_spi_write(busio_spi_obj_t *self, const uint8_t *data, size_t len) {
    for (size_t at = 0; at < len; at += NINA_CHUNK) {
        size_t n = len - at < NINA_CHUNK ? len - at : NINA_CHUNK;
        nina_call('W', data + at, n, NULL, 0);
    }
    return true;
}

bool common_hal_busio_spi_read(busio_spi_obj_t *self, uint8_t *data, size_t len, uint8_t write_value) {
    for (size_t at = 0; at < len; at += NINA_CHUNK) {
        size_t n = len - at < NINA_CHUNK ? len - at : NINA_CHUNK;
        uint8_t args[3] = {n >> 8, n, write_value};
        nina_call('R', args, 3, data + at, n);
    }
    return true;
}

bool common_hal_busio_spi_transfer(busio_spi_obj_t *self, const uint8_t *data_out, uint8_t *data_in, size_t len) {
    for (size_t at = 0; at < len; at += NINA_CHUNK) {
        size_t n = len - at < NINA_CHUNK ? len - at : NINA_CHUNK;
        nina_call('X', data_out + at, n, data_in + at, n);
    }
    return true;
}

uint32_t common_hal_busio_spi_get_frequency(busio_spi_obj_t *self) {
    return self->baudrate;
}

uint8_t common_hal_busio_spi_get_phase(busio_spi_obj_t *self) {
    return self->phase;
}

uint8_t common_hal_busio_spi_get_polarity(busio_spi_obj_t *self) {
    return self->polarity;
}

void common_hal_busio_spi_never_reset(busio_spi_obj_t *self) {
}

// ---- busio.UART: the RTL8720DN's -----------------------------------------------------------

void common_hal_busio_uart_construct(busio_uart_obj_t *self,
    const mcu_pin_obj_t *tx, const mcu_pin_obj_t *rx,
    const mcu_pin_obj_t *rts, const mcu_pin_obj_t *cts,
    const mcu_pin_obj_t *rs485_dir, bool rs485_invert,
    uint32_t baudrate, uint8_t bits, busio_uart_parity_t parity, uint8_t stop,
    mp_float_t timeout, uint16_t receiver_buffer_size, byte *receiver_buffer,
    bool sigint_enabled) {
    if (tx != &pins[PIN_RTL_MOSI] || rx != &pins[PIN_RTL_MISO]) {
        mp_raise_ValueError(MP_ERROR_TEXT("only the RTL8720DN's UART is wired on this board: "
            "tx=board.RTL_MOSI, rx=board.RTL_MISO"));
    }
    if (rts != NULL || cts != NULL || rs485_dir != NULL) {
        mp_raise_ValueError(MP_ERROR_TEXT("no flow control on this UART"));
    }
    self->fd = rtl_link();
    // the receive buffer in the heap, as a board allocates it (ringbuf_alloc: m_malloc)
    if (receiver_buffer != NULL) {
        ringbuf_init(&self->ringbuf, receiver_buffer, receiver_buffer_size);
    } else if (!ringbuf_alloc(&self->ringbuf, receiver_buffer_size)) {
        m_malloc_fail(receiver_buffer_size);
    }
    common_hal_mcu_pin_claim(tx);
    common_hal_mcu_pin_claim(rx);
    self->tx = tx;
    self->rx = rx;
    self->baudrate = baudrate;
    self->timeout_ms = (uint32_t)(timeout * 1000);
}

void common_hal_busio_uart_deinit(busio_uart_obj_t *self) {
    if (self->fd >= 0) {
        common_hal_reset_pin(self->tx);
        common_hal_reset_pin(self->rx);
        self->fd = -1;
        ringbuf_deinit(&self->ringbuf);
    }
}

bool common_hal_busio_uart_deinited(busio_uart_obj_t *self) {
    return self->fd < 0;
}

// Move what the stream holds into the receive buffer; wait up to ``ms`` for the first byte.
static void uart_fill(busio_uart_obj_t *self, int ms) {
    struct pollfd pfd = {self->fd, POLLIN, 0};
    while (ringbuf_num_empty(&self->ringbuf) > 0) {
        int ready = poll(&pfd, 1, ms);
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready <= 0) {
            return;
        }
        uint8_t chunk[512];
        size_t room = ringbuf_num_empty(&self->ringbuf);
        ssize_t n = read(self->fd, chunk, room < sizeof(chunk) ? room : sizeof(chunk));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            link_failed(RTL_LINK, n < 0 ? errno : 0);
        }
        ringbuf_put_n(&self->ringbuf, chunk, n);
        ms = 0;
    }
}

size_t common_hal_busio_uart_read(busio_uart_obj_t *self, uint8_t *data, size_t len, int *errcode) {
    // as the SAMD51's port (ports/atmel-samd/common-hal/busio/UART.c): take what has come, up
    // to len, until len bytes are in or the timeout passes with none coming (every byte that
    // comes starts the timeout again); a zero timeout takes what is there
    size_t total = 0;
    uint64_t start = common_hal_time_monotonic_ms();
    for (;;) {
        uart_fill(self, 0);
        size_t got = ringbuf_get_n(&self->ringbuf, data + total, len - total);
        total += got;
        if (total == len || self->timeout_ms == 0) {
            break;
        }
        uint64_t now = common_hal_time_monotonic_ms();
        if (got) {
            start = now;
        } else if (now - start > self->timeout_ms) {
            break;
        }
        uart_fill(self, (int)(self->timeout_ms - (now - start)) + 1);
    }
    if (total == 0) {
        *errcode = EAGAIN;
        return MP_STREAM_ERROR;
    }
    return total;
}

size_t common_hal_busio_uart_write(busio_uart_obj_t *self, const uint8_t *data, size_t len, int *errcode) {
    struct iovec part = {(void *)data, len};
    write_all(self->fd, &part, 1, RTL_LINK);
    return len;
}

uint32_t common_hal_busio_uart_get_baudrate(busio_uart_obj_t *self) {
    return self->baudrate;
}

void common_hal_busio_uart_set_baudrate(busio_uart_obj_t *self, uint32_t baudrate) {
    self->baudrate = baudrate;
}

mp_float_t common_hal_busio_uart_get_timeout(busio_uart_obj_t *self) {
    return (mp_float_t)self->timeout_ms / MICROPY_FLOAT_CONST(1000.0);
}

void common_hal_busio_uart_set_timeout(busio_uart_obj_t *self, mp_float_t timeout) {
    self->timeout_ms = (uint32_t)(timeout * 1000);
}

uint32_t common_hal_busio_uart_rx_characters_available(busio_uart_obj_t *self) {
    uart_fill(self, 0);
    return ringbuf_num_filled(&self->ringbuf);
}

void common_hal_busio_uart_clear_rx_buffer(busio_uart_obj_t *self) {
    for (;;) {
        ringbuf_clear(&self->ringbuf);
        uart_fill(self, 0);
        if (ringbuf_num_filled(&self->ringbuf) == 0) {
            return;
        }
    }
}

bool common_hal_busio_uart_ready_to_tx(busio_uart_obj_t *self) {
    return true;
}

void common_hal_busio_uart_never_reset(busio_uart_obj_t *self) {
}

// ---- busio.I2C: a bus with nothing on it ---------------------------------------------------

void common_hal_busio_i2c_construct(busio_i2c_obj_t *self, const mcu_pin_obj_t *scl,
    const mcu_pin_obj_t *sda, uint32_t frequency, uint32_t timeout) {
    common_hal_mcu_pin_claim(scl);
    common_hal_mcu_pin_claim(sda);
    self->scl = scl;
    self->sda = sda;
    self->locked = false;
}

void common_hal_busio_i2c_deinit(busio_i2c_obj_t *self) {
    if (self->scl != NULL) {
        common_hal_reset_pin(self->scl);
        common_hal_reset_pin(self->sda);
        self->scl = NULL;
    }
}

bool common_hal_busio_i2c_deinited(busio_i2c_obj_t *self) {
    return self->scl == NULL;
}

void common_hal_busio_i2c_mark_deinit(busio_i2c_obj_t *self) {
    self->scl = NULL;
}

bool common_hal_busio_i2c_try_lock(busio_i2c_obj_t *self) {
    if (self->locked) {
        return false;
    }
    self->locked = true;
    return true;
}

bool common_hal_busio_i2c_has_lock(busio_i2c_obj_t *self) {
    return self->locked;
}

void common_hal_busio_i2c_unlock(busio_i2c_obj_t *self) {
    self->locked = false;
}

bool common_hal_busio_i2c_probe(busio_i2c_obj_t *self, uint8_t addr) {
    return false;
}

mp_negative_errno_t common_hal_busio_i2c_write(busio_i2c_obj_t *self, uint16_t address, const uint8_t *data, size_t len) {
    return -MP_ENODEV;
}

mp_negative_errno_t common_hal_busio_i2c_read(busio_i2c_obj_t *self, uint16_t address, uint8_t *data, size_t len) {
    return -MP_ENODEV;
}

mp_negative_errno_t common_hal_busio_i2c_write_read(busio_i2c_obj_t *self, uint16_t address,
    uint8_t *out_data, size_t out_len, uint8_t *in_data, size_t in_len) {
    return -MP_ENODEV;
}

void common_hal_busio_i2c_never_reset(busio_i2c_obj_t *self) {
}
