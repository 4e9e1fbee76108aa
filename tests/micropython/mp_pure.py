# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The device-free parts of the library under MicroPython: every module named on the
command line imports, and the shared helpers (deadlines, IPv4 parsing, the errno mapping,
argument checks, ConnectParams, net's address handling) behave. Prints ``OK <n>`` at the
end; any failure is an exception (exit status 1). Run by test_micropython.py."""

import errno
import gc
import sys

from adafruit_ticks import ticks_add, ticks_diff, ticks_ms

import adafruit_netdev as nd
import net
from adafruit_netdev.netlink import ConnectParams

# each module imports; a board never holds every module loaded on demand at once, so each
# is dropped again (with its package) before the next
for name in sys.argv[1:]:
    before = set(sys.modules)
    __import__(name)
    for loaded in set(sys.modules) - before:
        del sys.modules[loaded]
    gc.collect()

checks = 0


def check(condition, what):
    global checks
    if not condition:
        raise AssertionError(what)
    checks += 1


# IPv4 literals
check(nd.parse_ipv4("192.168.4.1") == b"\xc0\xa8\x04\x01", "parse_ipv4")
for bad in ("256.1.1.1", "1.2.3", "1.2.3.4.5", "a.b.c.d", "", "1..2.3", " 1.2.3.4"):
    check(nd.parse_ipv4(bad) is None, "parse_ipv4(%r)" % bad)
check(nd.format_ipv4(b"\x0a\x00\x00\x64") == "10.0.0.100", "format_ipv4")
check(nd.parse_ipv4("\u0661\u0662\u0667.0.0.1") is None, "parse_ipv4: ASCII digits only")

# host names: checked alike on every netdev (C-string firmware: no NUL)
check(nd.check_hostname("10.1.2.3") is True and nd.check_hostname("httpbin.org") is False, "names")
for bad in (None, "", "a\0b", "a" * 254, b"bytes"):
    try:
        nd.check_hostname(bad)
        check(False, "check_hostname(%r) accepted" % (bad,))
    except ValueError:
        checks += 1

# buffers: send sends every byte or raises TypeError first; recv refuses what it cannot fill
import array  # noqa: E402

raw = b"0123456789"
check(nd.send_view(raw) is raw, "send_view(bytes) is the bytes")
buf = bytearray(raw)
check(nd.send_view(buf) is buf, "send_view(bytearray) is the bytearray")
check(len(nd.send_view(memoryview(buf)[2:6])) == 4, "send_view of a byte memoryview")
check(len(nd.send_view(array.array("b", [1, 2, 3]))) == 3, "send_view of a byte array")
wide = array.array("H", [1, 2, 3])
try:  # MicroPython has no memoryview.cast: wider items are refused; where it has one, all 6 bytes go
    check(len(nd.send_view(wide)) == 6, "send_view(array('H')) counts bytes")
except TypeError:
    checks += 1
for bad in ("text", 5, [1, 2]):
    try:
        nd.send_view(bad)
        check(False, "send_view(%r) accepted" % (bad,))
    except TypeError:
        checks += 1
check(nd.check_buffer(bytearray(8)) == 8, "recv into a bytearray")
check(nd.check_buffer(memoryview(bytearray(8))[2:], 3) == 3, "recv into a memoryview")
for bad in (bytes(8), memoryview(bytes(8)), array.array("I", [0, 0]), "        "):
    try:
        nd.check_buffer(bad)
        check(False, "check_buffer(%r) accepted" % (bad,))
    except TypeError:
        checks += 1

# timeouts: a str is a TypeError about the timeout
try:
    nd.deadline("5")
    check(False, "deadline('5') accepted")
except TypeError:
    checks += 1

# errors: the interpreter's errno, and the classes programs catch
for code in (nd.ETIMEDOUT, nd.ECONNRESET, nd.ENOMEM, nd.EAI_NONAME, nd.EBADF, nd.EPIPE):
    exc = nd.error(code, "what went wrong")
    check(isinstance(exc, OSError) and exc.args[0] == code and exc.errno == code, "error(%d)" % code)
check(isinstance(nd.error(nd.ENOMEM, "x"), nd.NoMoreSocketsError), "ENOMEM class")
check(isinstance(nd.error(nd.EAI_NONAME, "x"), nd.HostUnknownError), "EAI_NONAME class")
check(nd.timeout_error().args[0] == errno.ETIMEDOUT, "timeout_error errno")
check(nd.would_block("recv").args[0] == errno.EAGAIN, "would_block errno")

# deadlines on adafruit_ticks, including across the tick counter's wrap
check(nd.deadline(None) is None and not nd.expired(None) and nd.remaining_ms(None) is None, "no deadline")
check(nd.expired(nd.deadline(0)), "deadline(0) is expired")
dl = nd.deadline(5)
check(not nd.expired(dl) and 4000 < nd.remaining_ms(dl) <= 5000, "deadline(5)")
near_wrap = ticks_add(0, -10)  # 10 ms before the counter wraps
check(ticks_diff(ticks_add(near_wrap, 100), near_wrap) == 100, "ticks wrap")
check(nd.remaining_ms(ticks_add(ticks_ms(), 250)) <= 250, "remaining_ms")
try:
    nd.deadline(4 * 24 * 3600)
    check(False, "a 4-day timeout was accepted")
except ValueError:
    checks += 1

# the shared polling wait: tries once when non-blocking, then times out with ETIMEDOUT
tries = []


def attempt(fd, arg):
    tries.append(fd)


try:
    nd.wait(attempt, 3, None, nd.deadline(0), "recv")
except OSError as exc:
    check(exc.args[0] == errno.EAGAIN and tries == [3], "non-blocking wait")
try:
    nd.wait(attempt, 3, None, nd.deadline(0.05), "recv")
except OSError as exc:
    check(exc.args[0] == errno.ETIMEDOUT and len(tries) > 2, "timed wait")
check(nd.wait(lambda fd, arg: fd + arg, 2, 3, None, "sum") == 5, "wait result")

# argument checks shared by every netdev
check(nd.check_socket_args(nd.AF_INET, nd.SOCK_STREAM, 0) == nd.IPPROTO_TCP, "stream default")
check(nd.check_socket_args(nd.AF_INET, nd.SOCK_DGRAM, 0) == nd.IPPROTO_UDP, "dgram default")
check(nd.check_address(("0.0.0.0", 80)) == ("", 80), "any address")
for bad in (("1.2.3", 80), ("1.2.3.4", 70000), "1.2.3.4:80"):
    try:
        nd.check_address(bad)
        check(False, "check_address(%r)" % (bad,))
    except ValueError:
        checks += 1

# Netlinker parameters
for params in (ConnectParams(""), ConnectParams("ap", "short")):
    try:
        params.validate()
        check(False, "invalid ConnectParams accepted")
    except ValueError:
        checks += 1
ConnectParams("ap", "long enough").validate()

# net: addresses, Go style
check(net.split_host_port("example.com:80") == ("example.com", "80"), "split_host_port")
check(net.split_host_port("[::1]:80") == ("::1", "80"), "split_host_port v6")
check(net.join_host_port("::1", 80) == "[::1]:80", "join_host_port")
check(net.parse_ip("10.0.0.1") == "10.0.0.1" and net.parse_ip("x") is None, "parse_ip")
check(str(net.TCPAddr("10.0.0.1", 8080)) == "10.0.0.1:8080", "TCPAddr")

print("OK", checks)
