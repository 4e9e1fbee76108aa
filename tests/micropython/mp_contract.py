# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The contract suite's core cases as a MicroPython program: DNS, TCP echo, UDP, TLS,
deadlines and end of stream, on the netdev ``probe()`` builds (``NETDEV`` and friends),
against the lab peers named by ``NETDEV_LAB_*`` (``Lab.environ()``).

Prints ``PASS <case>`` or ``FAIL <case>: <error>`` per case, then
``DONE passed=N failed=M heap=<bytes>``. Run by tests/micropython/test_micropython.py."""

import errno
import gc
import os
import sys

import adafruit_netdev as nd
from adafruit_netdev.netlink import ConnectParams
from adafruit_netdev.probe import probe


def peer(name):
    host, _, port = os.getenv("NETDEV_LAB_" + name).rpartition(":")
    return host, int(port)


threshold = getattr(gc, "threshold", None)  # MicroPython's; CircuitPython boards have none
if threshold:
    threshold(1 << 20)  # a program's own setting (too large to matter here) ...
link, dev = probe()
if threshold:
    if threshold() != 1 << 20:  # ... which probe(), collecting often meanwhile, gives back
        raise AssertionError("probe() left gc.threshold at %d" % threshold())
    threshold(-1)
link.net_connect(ConnectParams(os.getenv("CIRCUITPY_WIFI_SSID"), os.getenv("CIRCUITPY_WIFI_PASSWORD")))


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def tcp_connect(address, proto=nd.IPPROTO_TCP, host=""):
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, proto)
    try:
        dev.connect(fd, host, address, nd.deadline(10))
    except Exception:
        dev.close(fd)
        raise
    return fd


def recv_all(fd, buf):
    out = bytearray()
    while True:
        n = dev.recv(fd, buf, 0, nd.deadline(10))
        if n == 0:
            return out
        out.extend(memoryview(buf)[:n])


def case_dns():
    check(dev.gethostbyname("httpbin.org") == "127.0.0.1", "httpbin.org")
    check(dev.gethostbyname("10.1.2.3") == "10.1.2.3", "literal")
    try:
        dev.gethostbyname("no-such-host.invalid")
    except OSError as exc:
        check(exc.args[0] == nd.EAI_NONAME and isinstance(exc, nd.HostUnknownError), repr(exc))
    else:
        raise AssertionError("an unknown name resolved")
    check(nd.parse_ipv4(dev.addr()) is not None, "addr()")


def case_tcp_echo():
    # 64 KiB of a pattern with a prime period, in odd sizes each way (no 64 KiB buffer:
    # the heap is a board's)
    sizes = (1, 7, 13, 999, 1436, 1437, 2048, 4093)
    period = 4099
    pattern = bytearray(2 * period)  # (bytearray * int does not exist in MicroPython)
    for i in range(2 * period):
        j = i % period
        pattern[i] = (j * 7 + j // 13) & 0xFF
    view = memoryview(pattern)
    total = 65536
    buf = bytearray(4096)
    fd = tcp_connect(peer("TCP_ECHO"))
    try:
        sent = got = k = 0
        while sent < total:
            size = min(sizes[k % len(sizes)], total - sent)
            chunk = view[sent % period : sent % period + size]
            check(dev.send(fd, chunk, 0, nd.deadline(10)) == size, "short send")
            sent += size
            k += 1
            while got < sent:
                n = dev.recv(fd, memoryview(buf)[: min(len(buf), sent - got)], 0, nd.deadline(10))
                check(n > 0, "end of stream from the echo server")
                at = got % period
                check(buf[:n] == pattern[at : at + n], "echo differs at %d" % got)
                got += n
    finally:
        dev.close(fd)


def case_udp():
    fd = dev.socket(nd.AF_INET, nd.SOCK_DGRAM, nd.IPPROTO_UDP)
    try:
        dev.bind(fd, ("", 0))
        dev.connect(fd, "", peer("UDP_ECHO"))
        first, second = b"first datagram", bytes(range(256)) * 3
        dev.send(fd, first, 0, nd.deadline(5))
        dev.send(fd, second, 0, nd.deadline(5))
        buf = bytearray(2048)
        n = dev.recv(fd, buf, 0, nd.deadline(5))
        check(bytes(buf[:n]) == first, "first datagram")
        n = dev.recv(fd, buf, 0, nd.deadline(5))
        check(bytes(buf[:n]) == second, "second datagram")
    finally:
        dev.close(fd)


def case_tls():
    fd = tcp_connect(("", peer("HTTPS")[1]), nd.IPPROTO_TLS, "localhost")
    try:
        dev.send(
            fd, b"GET /get?x=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 0, nd.deadline(10)
        )
        reply = recv_all(fd, bytearray(1500))
        check(bytes(reply[:12]) == b"HTTP/1.1 200", "status: %r" % bytes(reply[:40]))
        check(b'"x": "1"' in reply or b'"x":"1"' in reply, "no args in the body")
    finally:
        dev.close(fd)
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
    try:
        dev.connect(fd, "localhost", ("", peer("HTTPS_WRONG_HOST")[1]), nd.deadline(10))
        raise AssertionError("a certificate for another name was accepted")
    except OSError:
        pass
    finally:
        dev.close(fd)


def case_deadlines():
    fd = tcp_connect(peer("TCP_ECHO"))
    try:
        try:
            dev.recv(fd, bytearray(16), 0, nd.deadline(0.3))
            raise AssertionError("recv returned with nothing sent")
        except OSError as exc:
            check(exc.args[0] == errno.ETIMEDOUT, "timeout errno %r" % (exc.args,))
        try:
            dev.recv(fd, bytearray(16), 0, nd.deadline(0))
            raise AssertionError("non-blocking recv returned with nothing sent")
        except OSError as exc:
            check(exc.args[0] == errno.EAGAIN, "would-block errno %r" % (exc.args,))
        dev.send(fd, b"still there", 0, nd.deadline(5))
        buf = bytearray(32)
        got = 0
        while got < 11:
            got += dev.recv(fd, memoryview(buf)[got:], 0, nd.deadline(5))
        check(bytes(buf[:11]) == b"still there", "echo after timeouts")
    finally:
        dev.close(fd)


def case_eof():
    fd = tcp_connect(peer("HTTP"))
    try:
        dev.send(
            fd, b"GET /get HTTP/1.1\r\nHost: httpbin.org\r\nConnection: close\r\n\r\n", 0, nd.deadline(10)
        )
        reply = recv_all(fd, bytearray(512))
        check(bytes(reply[:12]) == b"HTTP/1.1 200", "status")
        check(dev.recv(fd, bytearray(8), 0, nd.deadline(5)) == 0, "stays at end of stream")
    finally:
        dev.close(fd)
    dev.close(fd)  # idempotent


passed = failed = 0
for name in sys.argv[1:] or ("dns", "tcp_echo", "udp", "tls", "deadlines", "eof"):
    try:
        globals()["case_" + name]()
        print("PASS", name)
        passed += 1
    except Exception as exc:  # noqa: BLE001 - report every case
        print("FAIL %s: %r" % (name, exc))
        if hasattr(sys, "print_exception"):  # MicroPython (CircuitPython prints the repr only)
            sys.print_exception(exc)
        failed += 1
link.net_disconnect()
gc.collect()
print("DONE passed=%d failed=%d heap=%d" % (passed, failed, gc.mem_alloc() + gc.mem_free()))
