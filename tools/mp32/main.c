// SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
//
// SPDX-License-Identifier: MIT
//
// mp32's entry point: ``mp32 [-X heapsize=N[K|M]] PROGRAM.py [ARG...]`` runs PROGRAM with a
// heap of N bytes (default 64 KiB), importing from the folders in MICROPYPATH (':'
// between them) and PROGRAM's own folder, as the unix port's ``micropython`` does. An
// uncaught exception is printed and the exit status is 1; SystemExit gives its code.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "py/builtin.h"
#include "py/compile.h"
#include "py/gc.h"
#include "py/mperrno.h"
#include "py/mphal.h"
#include "py/runtime.h"
#include "py/stackctrl.h"
#include "shared/runtime/gchelper.h"

void gc_collect(void) {
    gc_collect_start();
    gc_helper_collect_regs_and_stack();
    gc_collect_end();
}

void nlr_jump_fail(void *val) {
    fprintf(stderr, "mp32: uncaught NLR %p\n", val);
    exit(2);
}

void mp_hal_stdout_tx_strn(const char *str, size_t len) {
    while (len) {
        ssize_t n = write(STDOUT_FILENO, str, len);
        if (n <= 0) {
            return;
        }
        str += n;
        len -= (size_t)n;
    }
}

void mp_hal_stdout_tx_strn_cooked(const char *str, size_t len) {
    mp_hal_stdout_tx_strn(str, len);
}

mp_import_stat_t mp_import_stat(const char *path) {
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            return MP_IMPORT_STAT_DIR;
        }
        if (S_ISREG(st.st_mode)) {
            return MP_IMPORT_STAT_FILE;
        }
    }
    return MP_IMPORT_STAT_NO_EXIST;
}

static size_t parse_size(const char *text) {
    char *end;
    size_t size = strtoul(text, &end, 10);
    if (*end == 'k' || *end == 'K') {
        size *= 1024;
    } else if (*end == 'm' || *end == 'M') {
        size *= 1024 * 1024;
    }
    return size;
}

static void add_path(const char *item, size_t len) {
    mp_obj_list_append(mp_sys_path, mp_obj_new_str(item, len));
}

static int run_file(const char *path) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_lexer_t *lex = mp_lexer_new_from_file(path);
        qstr source_name = lex->source_name;
        mp_store_global(MP_QSTR___file__, MP_OBJ_NEW_QSTR(source_name));
        mp_parse_tree_t tree = mp_parse(lex, MP_PARSE_FILE_INPUT);
        mp_obj_t module_fun = mp_compile(&tree, source_name, false);
        mp_call_function_0(module_fun);
        nlr_pop();
        return 0;
    }
    mp_obj_t exc = MP_OBJ_FROM_PTR(nlr.ret_val);
    if (mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(mp_obj_get_type(exc)), MP_OBJ_FROM_PTR(&mp_type_SystemExit))) {
        mp_obj_t code = mp_obj_exception_get_value(exc);
        if (code == mp_const_none) {
            return 0;
        }
        mp_int_t value;
        return mp_obj_get_int_maybe(code, &value) ? (int)(value & 0xff) : 1;
    }
    mp_obj_print_exception(&mp_plat_print, exc);
    return 1;
}

int main(int argc, char **argv) {
    mp_stack_ctrl_init();
    mp_stack_set_limit(40000);
    size_t heap_size = 64 * 1024;
    int arg = 1;
    while (arg + 1 < argc && strcmp(argv[arg], "-X") == 0) {
        if (strncmp(argv[arg + 1], "heapsize=", 9) == 0) {
            heap_size = parse_size(argv[arg + 1] + 9);
        }
        arg += 2;
    }
    if (arg >= argc) {
        fprintf(stderr, "usage: %s [-X heapsize=N[K|M]] PROGRAM.py [ARG...]\n", argv[0]);
        return 2;
    }
    char *heap = malloc(heap_size);
    if (heap == NULL) {
        fprintf(stderr, "mp32: no memory for a heap of %u bytes\n", (unsigned)heap_size);
        return 2;
    }
    gc_init(heap, heap + heap_size);
    mp_init();

    // sys.path: the program's folder, then MICROPYPATH's folders
    const char *program = argv[arg];
    const char *slash = strrchr(program, '/');
    if (slash != NULL) {  // mp_init put "" first
        mp_obj_list_store(mp_sys_path, MP_OBJ_NEW_SMALL_INT(0), mp_obj_new_str(program, slash - program));
    }
    const char *folders = getenv("MICROPYPATH");
    while (folders != NULL && *folders) {
        const char *end = strchr(folders, ':');
        size_t len = end ? (size_t)(end - folders) : strlen(folders);
        if (len) {
            add_path(folders, len);
        }
        folders = end ? end + 1 : NULL;
    }
    for (int i = arg; i < argc; i++) {
        mp_obj_list_append(mp_sys_argv, MP_OBJ_NEW_QSTR(qstr_from_str(argv[i])));
    }

    int status = run_file(program);
    mp_deinit();
    free(heap);
    return status;
}
