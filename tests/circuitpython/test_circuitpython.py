# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The library on CircuitPython's own core: CircuitPython 10.2.1's unix port built as a 32-bit
board (tools/circuitpython, ``make circuitpython``), the library as the bundle's 10.x ``.mpy``
files, the co-processor a virtual one (``python -m netdev_emulator``) wired to the board's
pins, SPI bus and UART.

* The board is a board: 32-bit words, the heap it is given, CircuitPython's own ``time``,
  ``busio``, ``digitalio`` and built-in ``adafruit_bus_device``, only the pins of the
  co-processor that is wired, and nothing a board lacks (no ``socket``, no ``time.ticks_ms``,
  no ``gc.threshold``).
* Every library module imports and the device-free helpers work (``mp_pure.py``).
* make bench's transfers (tools/bench/board/transfer.py) run through the AirLift with this driver
  and with Adafruit's adafruit_esp32spi, unmodified, on the same board.
* The contract suite's core cases (``mp_contract.py``) and the ``tcpclient``, ``http_get``,
  ``mqttclient``, ``ntpclient`` and ``webserver`` examples (the demo's scenarios and checks)
  through WiFiNINA (NINA-FW arduino-2.0 and adafruit-3.3) and the RTL8720DN, with a board's
  heap; tcpclient within the heap make bench found plus two 4 KiB steps.
"""

import pathlib
import re
import socket
import subprocess
import threading
import time

import pytest

from netdev_emulator.rtl8720 import RESET_FRAME
from tests.circuitpython import harness
from tests.micropython.harness import EmulatorProcess
from tools import ROOT, circuitpython, library_sources
from tools.bench.circuitpython import CP_CPU_DRIVERS, board_transfer
from tools.bench.heap import HEAP_STEPS, parse_heap_profile
from tools.bench.peers import peer_process
from tools.bundle import LIBRARIES

pytestmark = pytest.mark.timeout(180)

BOARD_HEAP = "192K"  # the RAM of a SAMD51 (PyPortal, Metro M4 AirLift), less the firmware's
# make bench finds the smallest tcpclient heap (52 KiB WiFiNINA, 64 KiB RTL8720DN on
# 2026-12-06); two 4 KiB steps above the larger, a guard against regressions with room for the
# network's timing
TCPCLIENT_HEAP = "72K"
DEVICES = ("wifinina-arduino-2.0", "wifinina-adafruit-3.3", "rtl8720dn")
EXAMPLES = ("tcpclient", "http_get", "mqttclient", "ntpclient", "webserver")


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    # with Adafruit's adafruit_esp32spi, which make bench runs beside this driver
    return harness.build_lib(tmp_path_factory.mktemp("circuitpython"), extra=("adafruit_esp32spi",))


def run(script_text, tmp_path, lib, heap="64K", device=None, address=None, args=()):
    script = tmp_path / "check.py"
    script.write_text(script_text)
    env = harness.board_environ(device, address, lib)
    return harness.run_program(script, env, heap, args)


BOARD = """
import sys, gc, time, os
assert sys.implementation.name == "circuitpython" and sys.implementation.version[:3] == (10, 2, 1)
assert sys.maxsize == 2**31 - 1  # 32-bit words: small ints of 31 bits
gc.collect()
print("HEAP", gc.mem_alloc() + gc.mem_free())
for name in ("socket", "ssl", "machine", "_thread", "termios", "ffi"):
    try:
        __import__(name)
    except ImportError:
        continue
    raise AssertionError("a board has no %s" % name)
assert not hasattr(time, "ticks_ms") and not hasattr(time, "sleep_ms")  # MicroPython's, not a board's
assert not hasattr(gc, "threshold")  # a board collects only when an allocation fails
assert 0 <= time.monotonic() < 5 and time.time() >= 946684800  # clocks start at power-up
import supervisor, board, busio, digitalio, microcontroller, traceback
assert 0 <= supervisor.ticks_ms() < 2**29 and microcontroller.cpu.frequency == 120000000
import adafruit_bus_device.spi_device
assert not hasattr(adafruit_bus_device.spi_device, "__file__")  # built in, not the lib's copy
print("PINS", " ".join(sorted(n for n in dir(board) if n.startswith(("ESP_", "RTL_")))))
keep = [bytearray(1024) for _ in range(80)]
"""


def test_the_board_is_a_board(lib, tmp_path):
    result = run(BOARD, tmp_path, lib)
    heap = int(result.stdout.split("HEAP ")[1].split()[0])
    assert 60 * 1024 < heap <= 64 * 1024, heap  # the heap given, less the GC's own tables
    assert result.stdout.split("PINS")[1].split("\n")[0].strip() == ""  # no co-processor wired
    assert "MemoryError" in result.stdout and result.returncode == 1, result.stdout  # 80 KiB kept


def test_only_the_wired_co_processor_has_pins(lib, tmp_path):
    out = run(BOARD, tmp_path, lib, device="wifinina-arduino-2.0", address="127.0.0.1:1").stdout
    assert "PINS ESP_BUSY ESP_CS ESP_GPIO0 ESP_RESET\n" in out, out
    out = run(BOARD, tmp_path, lib, device="rtl8720dn", address="127.0.0.1:1").stdout
    assert "PINS RTL_MISO RTL_MOSI RTL_PWR\n" in out, out


BUSES = """
import board, busio, digitalio
cs = digitalio.DigitalInOut(board.ESP_CS)
try:
    digitalio.DigitalInOut(board.ESP_CS)
except ValueError as exc:
    print("IN USE", exc)
spi = board.SPI()
assert board.SPI() is spi
try:
    spi.write(b"x")
except RuntimeError as exc:
    print("NO LOCK", exc)
assert spi.try_lock() and not spi.try_lock()
spi.configure(baudrate=8000000)
cs.switch_to_output(value=True)
cs.value = False
spi.write(b"\\x00")  # a byte the chip ignores, clocked in while selected
cs.value = True
spi.unlock()
spi.deinit()
spi = board.SPI()  # a new bus object on the same wires
assert spi.try_lock()
spi.unlock()
busy = digitalio.DigitalInOut(board.ESP_BUSY)
print("BUSY", busy.direction, busy.value)
try:
    busy.value = True
except AttributeError as exc:
    print("INPUT", exc)
"""


def test_busio_and_digitalio_are_circuitpythons(lab, lib, tmp_path):
    """CircuitPython's own busio and digitalio, their errors included, over the emulator."""
    with EmulatorProcess("wifinina-arduino-2.0", lab.network_settings()) as emulator:
        result = run(BUSES, tmp_path, lib, device="wifinina-arduino-2.0", address=emulator.address)
    out = result.stdout
    assert result.returncode == 0, out
    assert "IN USE ESP_CS in use" in out and "NO LOCK Function requires lock" in out, out
    assert "BUSY digitalio.Direction.INPUT " in out, out
    assert "INPUT Cannot set value when direction is input." in out, out


UART = """
import sys, time, board, busio, digitalio
uart = busio.UART(board.RTL_MOSI, board.RTL_MISO, baudrate=614400, timeout=0.05, receiver_buffer_size=64)
assert uart.baudrate == 614400 and abs(uart.timeout - 0.05) < 1e-6
t = time.monotonic_ns()
assert uart.read(4) is None  # nothing came within the timeout
assert 40 <= (time.monotonic_ns() - t) // 1000000 < 1000
assert uart.write(b"ping") == 4
t = time.monotonic()
while uart.in_waiting < 5 and time.monotonic() - t < 5:
    time.sleep(0.001)
assert uart.read(2) == b"he"
buf = bytearray(8)
assert uart.readinto(buf) == 3 and buf[:3] == b"llo"
pwr = digitalio.DigitalInOut(board.RTL_PWR)
pwr.switch_to_output(value=True)  # high already (the chip runs from power-up): no edge
pwr.value = False
pwr.value = True  # the chip starts again: the emulator's reset frame goes on the wire
uart.write(b"more")
t = time.monotonic()
while uart.in_waiting < 64 and time.monotonic() - t < 5:
    time.sleep(0.001)
assert uart.in_waiting == 64  # the receive buffer is 64 bytes; the rest waits behind it
uart.reset_input_buffer()
assert uart.in_waiting == 0 and uart.read(1) is None
uart.timeout = 1
uart.write(b"go")
assert uart.read(4) == b"abcd"  # 1.2 s in all, 0.4 s apart: each byte starts the timeout again
uart.deinit()
try:
    uart.read(1)
except ValueError:
    print("OK")
"""


def test_busio_uart_is_circuitpythons(lib, tmp_path):
    """The RTL8720DN's UART: CircuitPython's busio.UART (a read waits for its bytes until the
    timeout passes with none coming, as the SAMD51's port does; in_waiting; a receive buffer of
    the size asked), and RTL_PWR rising sends the emulator's reset frame, against a real peer."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(30)
        got = []

        def peer():
            conn, _ = server.accept()
            with conn:
                conn.settimeout(30)
                got.append(conn.recv(4))
                conn.sendall(b"hello")
                data = b""
                while len(data) < len(RESET_FRAME) + 4:
                    data += conn.recv(64)
                got.append(data)
                conn.sendall(b"x" * 100)
                assert conn.recv(2) == b"go"
                for part in (b"a", b"b", b"c", b"d"):
                    conn.sendall(part)
                    time.sleep(0.4)  # gaps within the UART's timeout, not a synchronisation
                conn.recv(1)  # until the program closes its end

        thread = threading.Thread(target=peer, daemon=True)
        thread.start()
        address = "127.0.0.1:%d" % server.getsockname()[1]
        result = run(UART, tmp_path, lib, device="rtl8720dn", address=address)
        thread.join(30)
    assert result.returncode == 0 and result.stdout.strip() == "OK", result.stdout
    assert got == [b"ping", RESET_FRAME + b"more"]


def test_the_sources_are_found_beside_or_above_the_checkout(tmp_path):
    vendor = tmp_path / "shared" / "vendor"
    vendor.mkdir(parents=True)
    (vendor / circuitpython.tarball_name("10.2.1")).write_bytes(b"")
    for checkout in (tmp_path / "main", tmp_path / "wt" / "branch"):
        assert circuitpython.sources_folder({}, checkout) == vendor
    assert circuitpython.sources_folder({}, pathlib.Path("/nowhere/checkout")) is None
    given = {circuitpython.SOURCES_SETTING: str(tmp_path / "elsewhere")}
    assert circuitpython.sources_folder(given, tmp_path / "main") == tmp_path / "elsewhere"


def test_a_clone_made_elsewhere_finds_the_sources_beside_its_origin(tmp_path):
    vendor = tmp_path / "work" / "shared" / "vendor"
    vendor.mkdir(parents=True)
    (vendor / circuitpython.tarball_name("10.2.1")).write_bytes(b"")
    origin, clone = tmp_path / "work" / "main", tmp_path / "elsewhere" / "clone"
    subprocess.run(["git", "init", "-q", str(origin)], check=True)
    subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True, capture_output=True)
    assert circuitpython.sources_folder({}, clone) == vendor
    subprocess.run(["git", "-C", str(clone), "remote", "remove", "origin"], check=True)
    assert circuitpython.sources_folder({}, clone) is None


def test_missing_sources_say_what_to_set(monkeypatch, tmp_path):
    monkeypatch.setenv(circuitpython.SOURCES_SETTING, str(tmp_path))
    expected = "circuitpython-10.2.1-core.tar.xz not found .* CIRCUITPYTHON_SOURCES"
    with pytest.raises(SystemExit, match=expected):
        circuitpython.tarball("10.2.1")


def test_the_boards_reset_frame_is_the_emulators():
    text = (circuitpython.BOARD / "board.c").read_text()
    block = text.split("rtl_reset_frame[] = {", 1)[1].split("}", 1)[0]
    assert bytes(int(b, 16) for b in re.findall(r"0x([0-9a-f]{2})", block)) == RESET_FRAME


def board_modules():
    """Import names of every library module that runs on a board (not the CPython-only ones
    the bundle leaves out: host.py, _blinka.py)."""
    cpython = {
        "%s/%s" % (package, name)
        for package, spec in LIBRARIES.items()
        for name in spec.get("cpython_only", ())
    }
    names = []
    for path in library_sources():
        if path.relative_to(ROOT).as_posix() in cpython:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def test_modules_import_and_helpers_work(lib, tmp_path):
    script = ROOT / "tests" / "micropython" / "mp_pure.py"
    result = harness.run_program(script, harness.board_environ(None, None, lib), BOARD_HEAP, board_modules())
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("OK ")


@pytest.mark.parametrize("device", DEVICES)
def test_contract_core_cases(lab, lib, device):
    out = harness.contract(lab, device, lib, BOARD_HEAP)
    assert "DONE passed=6 failed=0" in out, out


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("device", DEVICES)
def test_example(lab, lib, device, example):
    result = harness.run_example(lab, example, device, lib, BOARD_HEAP)
    assert result.ok, "%s\n%s" % (result.detail, result.output[-3000:])


@pytest.mark.parametrize("device", ["wifinina-arduino-2.0", "rtl8720dn"])
def test_tcpclient_in_a_small_heap(lab, lib, device):
    result = harness.run_example(lab, "tcpclient", device, lib, TCPCLIENT_HEAP)
    assert result.ok, "%s\n%s" % (result.detail, result.output[-3000:])


def test_a_heap_too_small_fails_clearly(lab, lib):
    """The heap limit is real: the contract in 40 KiB dies with MemoryError."""
    out = harness.contract(lab, "rtl8720dn", lib, "40K")
    assert "MemoryError" in out and "DONE passed=6" not in out, out


@pytest.mark.parametrize("device", ["wifinina-arduino-2.0", "rtl8720dn"])
def test_a_tcp_client_loads_nothing_kept_for_first_use(lab, lib, device):
    # tools/bench/board/heap_steps.py: the tcpclient example's start (import, probe, join) and an echo;
    # servers, UDP, TLS, the access point and the scan stay out of the heap, and the start-up
    # code (_startup, wiring) is dropped after the start
    with EmulatorProcess(device, lab.network_settings()) as emulator:
        env = harness.board_environ(device, emulator.address, lib, lab.environ())
        result = harness.run_program(HEAP_STEPS, env, BOARD_HEAP)
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout
    assert any(line.endswith("a 64-byte TCP echo through net.dial") for line in lines), result.stdout
    assert lines[-1] == "LAZY ", result.stdout
    # make bench's profile: the steps, then the interned names (count, bytes) at the end
    steps = parse_heap_profile(result.stdout)
    assert steps[-2][0] == "a 64-byte TCP echo through net.dial", steps
    step, (count, size) = steps[-1]
    assert step == "names" and 300 < count < 5000 and count * 4 < size < count * 100, steps


@pytest.fixture(scope="module")
def bench_peers(tmp_path_factory):
    from netdev_emulator.lab_tls import LabCertificates  # noqa: PLC0415

    certs = LabCertificates(tmp_path_factory.mktemp("bench-certs"))
    with peer_process(*certs.server_files) as peers:
        yield peers


@pytest.mark.parametrize("direction", ["down", "up"])
@pytest.mark.parametrize("driver", CP_CPU_DRIVERS)
def test_make_bench_transfers_run_on_the_board(lib, bench_peers, driver, direction):
    """What make bench measures beside each other: this driver and adafruit_esp32spi moving
    bytes through the same virtual AirLift (NINA-FW adafruit-3.3) on the board."""
    ticks, counted = board_transfer(harness, lib, bench_peers, driver, direction, 64 * 1024)
    assert ticks >= 0 and counted is None  # the transfer's byte count is checked inside
