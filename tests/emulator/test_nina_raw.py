# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The NINA emulator driven with raw frames built here (no driver code): the wires, reset
and boot, READY semantics, framing (docs/protocol-nina.rst, Worked frames), personas, association."""

import struct
import threading
import time

import pytest

from netdev_emulator import Network
from netdev_emulator.nina import NinaEmulator, NinaTiming
from netdev_emulator.rig import NINA_PERSONAS as PERSONAS

OLDER = ("arduino-1.5", "arduino-2.0", "adafruit-1.7")  # the Arduino WiFi library's firmware (<= 2)


def frame(op, *params, wide=False, pad=0xFF):
    """A command frame as docs/protocol-nina.rst, Framing (lengths 1 byte, or 2 bytes BE with ``wide``)."""
    out = bytearray((0xE0, op, len(params)))
    for p in params:
        out += struct.pack(">H", len(p)) if wide else bytes((len(p),))
        out += p
    out.append(0xEE)
    while len(out) % 4:
        out.append(pad)
    return bytes(out)


class CommandError(Exception):
    """The chip answered EF 00 EE (error reply)."""


class RawHost:
    """A minimal host on the emulator's wires: READY handshake, one frame per CS."""

    def __init__(self, nina, timeout=5.0):
        self.nina = nina
        self.timeout = timeout
        nina.cs.switch_to_output(value=True)
        nina.gpio0.switch_to_output(value=True)
        nina.reset.switch_to_output(value=True)

    def wait_ready(self, level=False, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while self.nina.ready.value != level:
            if time.monotonic() > deadline:
                raise TimeoutError("READY never went %s (chip %s)" % (
                    "LOW" if not level else "HIGH", self.nina.mode))
            time.sleep(0.0001)

    def boot(self):
        self.nina.gpio0.switch_to_output(value=True)
        self.nina.cs.value = True
        self.nina.reset.value = False
        self.nina.reset.value = True
        self.nina.gpio0.switch_to_input()
        self.wait_ready(False)

    def transaction(self, out=None, reader=None, wait=True):
        spi = self.nina.spi
        if wait:
            self.wait_ready(False)
        while not spi.try_lock():
            time.sleep(0)
        try:
            spi.configure(baudrate=8000000)
            self.nina.cs.value = False
            if wait:
                self.wait_ready(True)
            if out:
                spi.write(out)
            result = reader() if reader else None
            self.nina.cs.value = True
        finally:
            spi.unlock()
        return result

    def read(self, count, fill=0xFF):
        buf = bytearray(count)
        self.nina.spi.readinto(buf, write_value=fill)
        return bytes(buf)

    def send(self, data):
        self.transaction(out=data)

    def raw_reply(self, count):
        """Clock ``count`` bytes of the next reply transaction."""
        return self.transaction(reader=lambda: self.read(count))

    def reply(self, op=None, wide=False):
        """Parse a reply in one transaction, clocking only what the frame needs."""

        def read_frame():
            head = self.read(3)
            if head[0] == 0xEF:
                self.read(1)
                return CommandError
            if head[0] != 0xE0:
                return ("garbage", head)
            params = []
            for _ in range(head[2]):
                if wide:
                    hi, lo = self.read(2)
                    length = (hi << 8) | lo
                else:
                    length = self.read(1)[0]
                params.append(self.read(length))
            end = self.read(1)
            assert end == b"\xee", "reply not terminated: %r" % end
            return (head[1], params)

        result = self.transaction(reader=read_frame)
        if result is CommandError:
            raise CommandError("error reply")
        if result[0] == "garbage":
            raise AssertionError("reply starts with %r" % result[1])
        if op is not None:
            assert result[0] == op | 0x80, "reply for 0x%02X, expected 0x%02X" % (result[0], op)
        return result[1]

    def cmd(self, op, *params, wide=False, wide_reply=False, pad=0xFF):
        self.send(frame(op, *params, wide=wide, pad=pad))
        return self.reply(op, wide=wide_reply)

    def cmd1(self, op, *params, **kw):
        """The single 1-byte result of a command."""
        (value,) = self.cmd(op, *params, **kw)
        return value[0]

    def join(self, ssid, passphrase=None, timeout=5.0):
        if passphrase is None:
            assert self.cmd1(0x10, ssid.encode()) == 1
        else:
            assert self.cmd1(0x11, ssid.encode(), passphrase.encode()) == 1
        connecting = 6 if self.nina.persona.esp32_status else 1
        deadline = time.monotonic() + timeout
        status = self.cmd1(0x20)
        while status == connecting and time.monotonic() < deadline:
            time.sleep(0.002)
            status = self.cmd1(0x20)
        return status


def wait_for(predicate, timeout=5.0, what="condition"):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for %s" % what)
        time.sleep(0.001)


def make_world(**kw):
    return Network(
        access_points={"lab-ap": "lab-password", "open-ap": None},
        hosts={"echo.lab": "127.0.0.1"},
        resolve_host_names=False,
        **kw,
    )


@pytest.fixture
def world():
    return make_world()


@pytest.fixture(params=PERSONAS)
def persona(request):
    return request.param


@pytest.fixture
def nina(world):
    with NinaEmulator(world) as emulator:
        yield emulator


@pytest.fixture
def host(nina):
    raw = RawHost(nina)
    raw.boot()
    return raw


# -- reset, boot and READY ---------------------------------------------------------------


def test_power_on_boots_then_ready_goes_low(world):
    with NinaEmulator(world) as nina:
        assert nina.mode == "booting"
        assert nina.ready.value is True  # not driven yet: reads HIGH
        RawHost(nina).wait_ready(False)
        assert nina.mode == "spi"


def test_reset_held_low_keeps_chip_in_reset_and_boot_takes_model_time(nina):
    host = RawHost(nina)
    host.wait_ready(False)
    nina.reset.value = False
    assert nina.mode == "reset"
    assert nina.ready.value is True
    before = nina.stats.model_seconds
    nina.reset.value = True
    assert nina.mode == "booting"
    host.wait_ready(False)
    assert nina.mode == "spi"
    assert nina.stats.model_seconds - before >= nina.timing.boot[1]


def test_ready_high_on_cs_fall_and_low_after_reply(host, nina):
    nina.spi.try_lock()
    try:
        nina.cs.value = False
        assert nina.ready.value is True  # acknowledged at the falling edge
        nina.spi.write(frame(0x20))
        nina.cs.value = True
    finally:
        nina.spi.unlock()
    host.wait_ready(False)  # reply queued
    assert host.reply(0x20) == [b"\x00"]
    assert nina.ready.value is False  # re-armed for the next command


def test_cs_low_at_boot_selects_bluetooth_mode(nina):
    host = RawHost(nina)
    nina.cs.value = False
    nina.reset.value = False
    nina.reset.value = True
    wait_for(lambda: nina.mode != "booting", what="boot")
    assert nina.mode == "bluetooth"
    assert nina.ready.value is True
    nina.cs.value = True
    host.boot()
    assert host.cmd(0x37) == [b"2.0.0\x00"]


def test_gpio0_low_at_reset_release_enters_download_mode(nina):
    host = RawHost(nina)
    nina.gpio0.switch_to_output(value=False)
    nina.reset.value = False
    nina.reset.value = True
    assert nina.mode == "download"
    assert nina.ready.value is True
    host.boot()
    assert nina.mode == "spi"


def test_reset_clears_all_state(host, nina, world):
    assert host.join("lab-ap", "lab-password") == 3
    assert host.cmd1(0x28, struct.pack(">H", 0), b"\x00", b"\x00") == 1  # listener on slot 0
    assert nina.open_sockets()
    host.boot()
    assert nina.open_sockets() == []
    assert host.cmd1(0x20) == 0
    assert host.cmd(0x21, b"\xff") == [b"\0\0\0\0"] * 3
    assert host.cmd1(0x3F) == 0


# -- framing: the worked frames of docs/protocol-nina.rst -------------------------------------


def test_worked_example_get_conn_status_and_fw_version(host):
    host.send(bytes.fromhex("E0 20 00 EE"))
    assert host.raw_reply(8) == bytes.fromhex("E0 A0 01 01 00 EE 00 00")
    host.send(bytes.fromhex("E0 37 00 EE"))
    assert host.raw_reply(12) == bytes.fromhex("E0 B7 01 06 32 2E 30 2E 30 00 EE 00")


def test_worked_example_set_passphrase(host):
    host.send(bytes.fromhex("E0 11 02 04 68 6F 6D 65 08 73 65 63 72 65 74 31 32 EE FF FF"))
    assert host.raw_reply(8) == bytes.fromhex("E0 91 01 01 01 EE 00 00")


def test_reply_reads_zeros_past_its_end(host):
    host.send(frame(0x20))
    assert host.raw_reply(16) == bytes.fromhex("E0 A0 01 01 00 EE 00 00") + bytes(8)


@pytest.mark.parametrize(
    "persona, length", [("arduino-2.0", 8), ("arduino-1.5", 8), ("adafruit-1.7", 6), ("adafruit-3.3", 8)]
)
def test_replies_are_padded_to_4_bytes_except_on_adafruit_1x(world, persona, length):
    """Adafruit 1.x's CommandHandlerClass::handle returns the bare reply length; past it
    the host clocks the zeros of the response buffer, cleared before every command."""
    replies = []
    with NinaEmulator(world, persona=persona) as nina:
        host = RawHost(nina)
        host.boot()
        nina.trace = lambda command, reply: replies.append(reply)
        host.send(frame(0x20))
        assert host.raw_reply(12) == bytes.fromhex("E0 A0 01 01 00 EE") + bytes(6)
        host.send(frame(0x99))  # no such command: the error reply
        assert host.raw_reply(4) == bytes.fromhex("EF 00 EE 00")
    assert [len(r) for r in replies] == [length, 3 if length == 6 else 4]


def test_lead_in_fault_puts_stray_bytes_before_the_reply(host, nina):
    nina.faults.arm("lead_in")
    host.send(frame(0x20))
    raw = host.raw_reply(24)
    at = raw.index(0xE0)
    assert 1 <= at <= nina.faults.lead_in_max
    assert not {0xE0, 0xEF} & set(raw[:at])
    assert raw[at : at + 6] == bytes.fromhex("E0 A0 01 01 00 EE")
    assert nina.faults.injected["lead_in"] == 1
    assert host.cmd1(0x20) == 0  # the next reply starts with its START again


@pytest.mark.parametrize(
    "persona, version",
    [("arduino-2.0", b"2.0.0\0"), ("arduino-1.5", b"1.5.0\0"), ("adafruit-1.7", b"1.7.7\0"),
     ("adafruit-3.3", b"3.3.0\0"), ("adafruit-2.0", b"2.0.0-rc.0+adafruit\0")],
)
def test_firmware_version_per_persona(world, persona, version):
    with NinaEmulator(world, persona=persona) as nina:
        host = RawHost(nina)
        host.boot()
        assert host.cmd(0x37) == [version]


@pytest.mark.parametrize(
    "persona, errors, answers",
    [
        ("arduino-2.0", [0x13, 0x31, 0x38, 0x41, 0x4A], [0x1F, 0x1E]),
        ("arduino-1.5", [0x13, 0x1E, 0x31, 0x38, 0x41], [0x1F, 0x1B]),  # GET_DNS_CONFIG came in 1.6
        ("adafruit-1.7", [0x13, 0x1E, 0x1F, 0x4D, 0x4E, 0x38], [0x41, 0x4F]),
        ("adafruit-3.3", [0x13, 0x31, 0x4D, 0x38], [0x1F, 0x1E, 0x41]),
        ("adafruit-2.0", [0x13, 0x31, 0x4D, 0x4E, 0x38], [0x1F, 0x1E, 0x41, 0x4F]),
    ],
)
def test_unknown_opcodes_get_the_error_reply_per_persona(world, persona, errors, answers):
    with NinaEmulator(world, persona=persona) as nina:
        host = RawHost(nina)
        host.boot()
        for op in errors:
            host.send(frame(op))
            assert host.raw_reply(4) == bytes.fromhex("EF 00 EE 00"), hex(op)
        for op in answers:
            host.send(frame(op, b"x" * 8 if op in (0x40, 0x41) else b"\xff"))
            assert host.raw_reply(1) == b"\xe0", hex(op)
        assert nina.stats.error_replies == len(errors)
        # the error is not sticky
        assert host.cmd1(0x20) == 0


def test_bad_start_byte_and_reply_flag_are_errors(host):
    host.send(bytes.fromhex("E1 20 00 EE"))
    assert host.raw_reply(4) == bytes.fromhex("EF 00 EE 00")
    host.send(bytes.fromhex("E0 A0 00 EE"))
    assert host.raw_reply(4) == bytes.fromhex("EF 00 EE 00")


def test_lenient_nparams_and_offset_decoding(host, nina):
    # TinyGo sends PIN_MODE/DIGITAL_WRITE with nparams = 1 although it carries two params
    host.send(bytes.fromhex("E0 50 01 01 19 01 01 EE"))
    assert host.reply(0x50) == [b"\x01"]
    host.send(bytes.fromhex("E0 51 01 01 19 01 01 EE"))
    assert host.reply(0x51) == [b"\x01"]
    assert nina.esp_pin(25)["mode"] == 1 and nina.esp_pin(25)["value"] == 1


def test_commands_longer_than_the_buffer_are_truncated(host, nina):
    data = bytes(5000)
    host.send(frame(0x46, b"\x00", data, wide=True))
    assert host.reply(0x46) == [b"\x01"]  # answered; the excess was dropped
    assert host.cmd1(0x20) == 0
    assert nina.stats.bytes_to_device >= 5000


# -- alternation, desync, host misbehaviour ----------------------------------------------------


def test_skipped_reply_desynchronises_until_reset(host, nina):
    host.send(frame(0x37))  # GET_FW_VERSION; the host "forgets" the reply
    host.send(frame(0x20))  # this transaction carries the version reply, the command is lost
    garbage = host.raw_reply(8)  # the chip is receiving: this is read as a command
    assert garbage == bytes(8)
    host.send(frame(0x20))  # ... and this transaction carries the chip's error reply
    with pytest.raises(AssertionError):
        host.reply(0x20)  # host and chip stay out of step
    assert nina.stats.error_replies >= 1
    host.boot()
    assert host.cmd1(0x20) == 0


def test_cs_asserted_while_busy_is_lost(world):
    timing = NinaTiming(scan=(0.3, 2.0))
    with NinaEmulator(world, timing=timing) as nina:
        host = RawHost(nina)
        host.boot()
        host.send(frame(0x27))  # SCAN_NETWORKS keeps READY HIGH for 0.3 s of wall time
        assert nina.ready.value is True
        host.transaction(out=frame(0x20), wait=False)  # host did not wait for READY
        assert nina.stats.lost_transactions == 1
        # the next READY LOW still belongs to the scan reply
        ssids = host.reply(0x27)
        assert sorted(ssids) == [b"lab-ap", b"open-ap"]
        assert nina.stats.model_seconds >= 2.0


def test_zero_byte_transaction_produces_no_reply(host, nina):
    host.transaction()  # CS pulse, nothing clocked
    assert nina.ready.value is False
    assert host.cmd1(0x20) == 0
    assert nina.stats.commands == 1


def test_transfers_need_the_lock_like_circuitpython(nina):
    with pytest.raises(RuntimeError):
        nina.spi.write(b"\x00")
    with pytest.raises(AttributeError):
        nina.ready.value = True  # an input


def test_cs_from_a_thread_without_the_lock_counts_a_torn_transaction(host, nina):
    assert nina.spi.try_lock()
    try:
        done = threading.Event()

        def intruder():
            nina.cs.value = False
            nina.cs.value = True
            done.set()

        threading.Thread(target=intruder).start()
        assert done.wait(5)
    finally:
        nina.spi.unlock()
    assert nina.stats.torn_transactions >= 1


def test_threads_sharing_spidevice_never_tear(host, nina):
    from adafruit_bus_device.spi_device import SPIDevice

    device = SPIDevice(nina.spi, nina.cs, baudrate=8000000)
    lock = threading.Lock()
    errors = []

    def worker():
        try:
            for _ in range(50):
                with lock:  # the driver's device lock: one exchange at a time
                    host.wait_ready(False)
                    with device as spi:
                        spi.write(frame(0x20))
                    host.wait_ready(False)
                    buf = bytearray(6)
                    with device as spi:
                        spi.readinto(buf)
                    assert bytes(buf) == bytes.fromhex("E0 A0 01 01 00 EE")
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert nina.stats.torn_transactions == 0
    assert nina.stats.lost_transactions == 0
    assert nina.stats.commands == 200


def test_wrong_spi_mode_garbles_the_frame(host, nina):
    nina.spi.try_lock()
    try:
        nina.spi.configure(baudrate=8000000, polarity=1, phase=1)
        nina.cs.value = False
        nina.spi.write(frame(0x20))
        nina.cs.value = True
    finally:
        nina.spi.unlock()
    assert host.raw_reply(4) == bytes.fromhex("EF 00 EE 00")


# -- model clock ----------------------------------------------------------------------------------


def test_model_clock_charges_bytes_transactions_and_turnaround(host, nina):
    nina.stats.reset()
    host.send(frame(0x20))  # 4 bytes
    host.reply(0x20)  # 3 + 1 + 1 + 1 = 6 bytes clocked
    snap = nina.stats.snapshot()
    assert snap["transactions"] == 2 and snap["commands"] == 1
    assert snap["bytes_to_device"] == 4 and snap["bytes_from_device"] == 6
    expected = 2 * 10e-6 + (4 + 6) * 8 / 8e6 + 100e-6
    assert snap["model_seconds"] == pytest.approx(expected)


# -- association --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, wrong_password, unknown_ssid",
    [("arduino-2.0", (6, 15), (4, 201)), ("adafruit-1.7", (6, None), (4, None)),
     ("adafruit-3.3", None, (1, 201))],  # 3.3's wrong passphrase: see the tests below
)
def test_association_statuses(world, persona, wrong_password, unknown_ssid):
    with NinaEmulator(world, persona=persona) as nina:
        host = RawHost(nina)
        host.boot()
        before = nina.stats.model_seconds
        assert host.join("lab-ap", "lab-password") == 3
        assert nina.stats.model_seconds - before >= nina.timing.join_ok[1]
        assert host.cmd(0x23, b"\xff") == [b"lab-ap"]
        ip, mask, gw = host.cmd(0x21, b"\xff")
        assert ip == bytes(int(part) for part in world.ip.split("."))  # the chip's own
        rssi = struct.unpack("<i", host.cmd(0x25, b"\xff")[0])[0]
        assert -90 < rssi < 0
        for (ssid, password), expected in (
            (("lab-ap", "wrong-password"), wrong_password),
            (("no-such-ap", "whatever1"), unknown_ssid),
        ):
            if expected is None:
                continue
            status, reason = expected
            host.cmd1(0x30, b"\xff")  # leave first (a join that replaces one: see below)
            assert host.join(ssid, password) == status
            if reason is not None:
                assert host.cmd1(0x1F) == reason
        assert host.join("open-ap") == 3
        assert host.cmd1(0x26, b"\xff") == 7


HELD = (3600.0, 1.5)  # an association that waits for the test (NinaTiming reads it when due)
RELEASED = (0.0, 1.5)


@pytest.mark.parametrize("persona", OLDER)
def test_a_join_that_replaces_an_association_reports_its_late_disconnect(world, persona):
    """WiFiClass::begin (<= 2) sets NO_SSID_AVAIL and then stops the WiFi (esp_wifi_stop):
    the association it replaces ends with STA_DISCONNECTED, reason 8 (ASSOC_LEAVE), handled
    by the event task: DISCONNECTED while the new join goes on, then CONNECTED. Each
    association is held until the statuses during it are read (on the chip it takes seconds,
    the emulator's default 30 ms of wall time)."""
    with NinaEmulator(world, persona=persona, timing=NinaTiming(join_ok=HELD)) as nina:
        host = RawHost(nina)
        host.boot()
        reasons = 0x1F not in nina.persona.opcodes_absent
        assert host.cmd1(0x10, b"open-ap") == 1
        assert host.cmd1(0x20) == 1  # from no association: NO_SSID_AVAIL while connecting
        nina.timing.join_ok = RELEASED
        wait_for(lambda: host.cmd1(0x20) == 3, what="association")
        nina.timing.join_ok = HELD
        assert host.cmd1(0x11, b"lab-ap", b"lab-password") == 1
        assert host.cmd1(0x20) == 6  # the replaced association's disconnect event
        if reasons:
            assert host.cmd1(0x1F) == 8
        assert host.cmd1(0x20) == 6  # for as long as the new join goes on
        nina.timing.join_ok = RELEASED
        wait_for(lambda: host.cmd1(0x20) == 3, what="the new association")
        assert host.cmd(0x23, b"\xff") == [b"lab-ap"]
        if reasons:
            assert host.cmd1(0x1F) == 0  # STA_CONNECTED clears it


def _count_joins(world, monkeypatch):
    attempts = []
    join = world.join
    monkeypatch.setattr(
        world, "join", lambda ssid, passphrase: attempts.append(ssid) or join(ssid, passphrase)
    )
    return attempts


def test_wrong_passphrase_on_adafruit_33_is_disconnected_and_retried(world, monkeypatch):
    """arduino-esp32 STA.cpp: reason 15 (4-way handshake timeout, what a wrong passphrase
    gives) leaves WL_DISCONNECTED and is retried for ever; CONNECT_FAILED never comes. The
    reason code (Adafruit's _disconnectReason) is the only sign, and it keeps the last one."""
    with NinaEmulator(world, persona="adafruit-3.3") as nina:
        host = RawHost(nina)
        host.boot()
        attempts = _count_joins(world, monkeypatch)
        assert host.cmd1(0x1F) == 1  # WIFI_REASON_UNSPECIFIED until the first disconnect
        assert host.cmd1(0x11, b"lab-ap", b"wrong-password") == 1
        statuses = set()

        def retried():
            statuses.add(host.cmd1(0x20))
            return host.cmd1(0x1F) == 15 and len(attempts) >= 8  # two calls per attempt

        wait_for(retried, what="four attempts")
        assert statuses == {6}
        assert host.join("lab-ap", "lab-password") == 3
        assert host.cmd1(0x1F) == 15  # still the last disconnect's


def test_auth_fail_on_adafruit_33_fails_only_the_second_time(world, monkeypatch):
    """STA.cpp: AUTH_FAIL (202) is CONNECT_FAILED only when it is not the first failure
    since boot (first_connect): the first is DISCONNECTED and retried once; 202 is not in
    _is_staReconnectableReason, so after the second nothing more is tried."""
    from netdev_emulator.nina import PERSONAS

    persona = PERSONAS["adafruit-3.3"].copy(auth_failure_reason=202)
    with NinaEmulator(world, persona=persona) as nina:
        host = RawHost(nina)
        host.boot()
        attempts = _count_joins(world, monkeypatch)
        assert host.cmd1(0x11, b"lab-ap", b"wrong-password") == 1
        seen = []

        def failed():
            status = host.cmd1(0x20)  # one firmware step per command: every status is seen
            if not seen or seen[-1] != status:
                seen.append(status)
            return status == 4

        wait_for(failed, what="CONNECT_FAILED")
        assert seen == [6, 4]
        assert host.cmd1(0x1F) == 202
        assert nina.firmware.join is None and nina.firmware.reconnect_at is None  # given up
        assert len(attempts) == 4  # two attempts, each asked at its start and its end


def test_connecting_status_is_reported_while_associating(world):
    with NinaEmulator(world, timing=NinaTiming(join_ok=HELD)) as nina:
        host = RawHost(nina)
        host.boot()
        assert host.cmd1(0x11, b"lab-ap", b"lab-password") == 1
        assert host.cmd1(0x20) == 1  # NO_SSID_AVAIL while connecting (Arduino)
        nina.timing.join_ok = RELEASED
        wait_for(lambda: host.cmd1(0x20) == 3, what="association")


@pytest.mark.parametrize("persona, lost", [("arduino-2.0", 6), ("adafruit-3.3", 5)])
def test_dropping_the_access_point(world, persona, lost):
    with NinaEmulator(world, persona=persona) as nina:
        host = RawHost(nina)
        host.boot()
        assert host.join("lab-ap", "lab-password") == 3
        world.drop_access_point("lab-ap")
        assert host.cmd1(0x20) == lost
        assert host.cmd1(0x1F) == 200  # beacon timeout
        if persona == "arduino-2.0":
            assert host.join("lab-ap", "lab-password") == 4  # not found while down
            world.restore_access_point("lab-ap")
            assert host.join("lab-ap", "lab-password") == 3
        else:  # arduino-esp32 reconnects by itself once the AP is back
            world.restore_access_point("lab-ap")
            wait_for(lambda: host.cmd1(0x20) == 3, what="automatic reconnection")


def test_disconnect_and_scan_drop_the_association(host):
    assert host.join("lab-ap", "lab-password") == 3
    assert host.cmd1(0x30, b"\xff") == 1
    assert host.cmd1(0x20) == 6
    assert host.join("lab-ap", "lab-password") == 3
    ssids = host.cmd(0x27)
    assert sorted(ssids) == [b"lab-ap", b"open-ap"]
    assert host.cmd1(0x20) == 2
    # scan results by index; past the count: zeros
    index = ssids.index(b"lab-ap")
    assert host.cmd1(0x33, bytes((index,))) == 4
    assert host.cmd1(0x3D, bytes((index,))) in range(1, 14)
    assert host.cmd(0x3C, b"\x09") == [bytes(6)]


def test_mac_byte_order_and_time_width(world):
    mac = bytes.fromhex("246F28AABBCC")
    with NinaEmulator(world, persona="arduino-2.0", mac=mac) as nina:
        host = RawHost(nina)
        host.boot()
        assert host.cmd(0x22, b"\xff") == [bytes.fromhex("CCBBAA286F24")]
        assert host.cmd(0x3B) == [bytes(4)]  # 0 until "synced"
        assert host.join("lab-ap", "lab-password") == 3
        nina.clock = lambda: 1700000000
        assert host.cmd(0x3B) == [struct.pack("<I", 1700000000)]
    with NinaEmulator(world, persona="adafruit-3.3", mac=mac) as nina:
        host = RawHost(nina)
        host.boot()
        assert host.cmd(0x22, b"\xff") == [mac]
        assert host.join("lab-ap", "lab-password") == 3
        nina.clock = lambda: 1700000000
        assert host.cmd(0x3B) == [struct.pack("<q", 1700000000)]


# -- DNS, ping, GPIO ------------------------------------------------------------------------------


def test_dns_via_world_hosts(host):
    assert host.cmd1(0x34, b"10.1.2.3") == 1  # literals resolve even without a link
    assert host.cmd(0x35) == [bytes((10, 1, 2, 3))]
    assert host.cmd1(0x34, b"echo.lab") == 0  # names need the link
    assert host.join("lab-ap", "lab-password") == 3
    assert host.cmd1(0x34, b"echo.lab") == 1
    assert host.cmd(0x35) == [bytes((127, 0, 0, 1))]
    assert host.cmd1(0x34, b"nowhere.invalid") == 0
    assert host.cmd(0x35) == [b"\xff\xff\xff\xff"]


def test_dns_failing_world(host, world):
    assert host.join("lab-ap", "lab-password") == 3
    world.dns_failing = True
    assert host.cmd1(0x34, b"echo.lab") == 0


def test_ping(host):
    assert host.join("lab-ap", "lab-password") == 3
    rtt = struct.unpack("<h", host.cmd(0x3E, bytes((127, 0, 0, 1)), b"\x80")[0])[0]
    assert rtt > 0
    rtt = struct.unpack("<h", host.cmd(0x3E, bytes((10, 9, 9, 9)), b"\x80")[0])[0]
    assert rtt == -1


@pytest.mark.parametrize("persona", PERSONAS)
def test_gpio_pass_through(world, persona):
    with NinaEmulator(world, persona=persona) as nina:
        host = RawHost(nina)
        host.boot()
        assert host.cmd1(0x50, b"\x1a", b"\x01") == 1
        assert host.cmd1(0x52, b"\x1a", b"\x80") == 1
        assert nina.esp_pin(26)["pwm"] == 0x80
        assert host.cmd1(0x50, b"\x05", b"\x00") == 1
        nina.esp_pin(5)["input"] = 1
        assert host.cmd1(0x53, b"\x05") == 1
        nina.esp_pin(34)["analog"] = 1234
        if persona.startswith("adafruit"):
            value = host.cmd(0x54, b"\x22", b"\x03")[0]
            assert struct.unpack("<i", value)[0] == 1234
        else:
            value = host.cmd(0x54, b"\x22")[0]
            assert struct.unpack("<H", value)[0] == 1234
