# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Blinka on Linux (CPython only, never copied to a board): ``settings.toml`` read the way
a board reads it, and what :func:`adafruit_netdev.probe.probe` does on a Raspberry Pi.

:mod:`adafruit_netdev.probe` imports this module on CPython, so a program that reads
``os.getenv("CIRCUITPY_WIFI_SSID")`` after its imports finds the value of ``./settings.toml``
as it does on a board (through Blinka's ``adafruit_blinka.load_settings_toml()``). It is
not loaded by ``adafruit_netdev`` itself: on a board, every byte of that module's code
costs heap."""

import errno
import os
import sys
import time

# The GPIOs the kernel's SPI driver owns as chip selects under dtparam=spi=on.
_KERNEL_CS = {8: "CE0", 7: "CE1"}
# BCM GPIO -> pin of the 40-pin header
HEADER_PINS = {
    2: 3, 3: 5, 4: 7, 5: 29, 6: 31, 7: 26, 8: 24, 9: 21, 10: 19, 11: 23, 12: 32, 13: 33, 14: 8,
    15: 10, 16: 36, 17: 11, 18: 12, 19: 35, 20: 38, 21: 40, 22: 15, 23: 16, 24: 18, 25: 22,
    26: 37, 27: 13,
}  # fmt: skip


def load_settings():
    """``./settings.toml`` into ``os.environ`` with Blinka's ``load_settings_toml()``
    (a variable already in the environment wins; values become strings), when there is
    one and the installed Blinka has it. Returns the settings read, or None."""
    if not os.path.isfile("settings.toml"):
        return None
    try:
        from adafruit_blinka import load_settings_toml  # noqa: PLC0415
    except ImportError:  # no Blinka, or one older than 8.55 (2025)
        return None
    return load_settings_toml()


def _board_kind(setting):
    """probe()'s ``_board_kind()`` on CPython: the kind of device to build when no NETDEV
    setting says, and why (in ``adafruit_netdev.probe.reason``). On a Raspberry Pi: an
    AirLift where ``NETDEV_SPI_*`` settings name its pins; on the default wiring, an AirLift
    when something drives its BUSY line (a look that only reads, so whatever else may be
    wired there is not driven); this computer's own network otherwise."""
    global _found  # noqa: PLW0603
    kind, why = _kind_and_reason(setting)
    sys.modules["adafruit_netdev.probe"].reason = why
    _found = why if kind == "wifinina" else None
    return kind


_found = None  # why the last probe() took something for an AirLift


def _kind_and_reason(setting):
    try:
        from adafruit_blinka.agnostic import detector  # noqa: PLC0415
    except ImportError:
        return "host", "not Blinka: this computer's own network"
    board_id = detector.board.id
    if not (detector.board.any_raspberry_pi_40_pin or detector.board.any_raspberry_pi_cm):
        return "host", "Blinka board %s is not a Raspberry Pi: this computer's own network" % board_id
    import board  # noqa: PLC0415
    import digitalio  # noqa: PLC0415

    from adafruit_netdev_wifinina.wiring import PINS  # noqa: PLC0415 - the default wiring

    named = [key for key, _default in PINS if setting(key)]
    if named:  # the settings say where an AirLift is: build it (it answers, or says why not)
        return "wifinina", "%s: %s name an AirLift's pins" % (board_id, ", ".join(named))
    name = setting(*PINS[1])
    where = _describe(board, name)
    try:
        driven = _driven(board, digitalio, name)
    except OSError as exc:
        if exc.errno != errno.EBUSY:
            raise
        raise OSError(
            errno.EBUSY,
            "probe() cannot look for an AirLift's BUSY on %s: another program or driver holds it "
            "(gpioinfo says who). Free it, or set NETDEV (wifinina with NETDEV_SPI_BUSY naming "
            "the pin it is wired to, or host)" % where,
        ) from exc
    if driven:
        return "wifinina", "%s: something drives %s, an AirLift's BUSY on the default wiring" % (
            board_id, where)
    return "host", "%s: nothing drives %s, where an AirLift's BUSY is on the default wiring: %s" % (
        board_id, where, "this computer's own network")


def _driven(board, digitalio, name):
    """Whether something drives the line: it does not follow the Pi's pulls. Only reads:
    nothing on a line that is not an AirLift is driven."""
    pin = digitalio.DigitalInOut(getattr(board, name))
    try:
        pin.switch_to_input(pull=digitalio.Pull.DOWN)
        time.sleep(0.001)  # the pull charges the wire (microseconds)
        low = pin.value
        pin.switch_to_input(pull=digitalio.Pull.UP)  # last: the Pi's reset pull on GPIO 0-8
        time.sleep(0.001)
        high = pin.value
    finally:
        pin.deinit()
    return low or not high


def _describe(board, name):
    gpio = getattr(getattr(board, name, None), "id", None)
    if not isinstance(gpio, int):
        return name
    header = HEADER_PINS.get(gpio)
    return "GPIO %d (%s%s)" % (gpio, "header pin %d" % header if header else "board.%s" % name,
                               ", " + _KERNEL_CS[gpio] if gpio in _KERNEL_CS else "")


def error(exc, setting):
    """The error to raise for ``exc``, an ``OSError`` from building the WiFiNINA driver on
    Blinka (its ``wiring`` module): a chip select the kernel owns (EBUSY) says how to free it,
    and an AirLift probe() found but that does not answer says why it was taken for one."""
    if exc.errno == errno.EBUSY:
        return OSError(errno.EBUSY, _busy_message(setting))
    global _found  # noqa: PLW0603
    reason, _found = _found, None
    if reason is None or os.getenv("NETDEV"):
        return exc
    return type(exc)(
        exc.errno,
        "%s. probe() took it for an AirLift because %s; set NETDEV=host to use this "
        "computer's own network" % (exc.strerror or exc, reason),
    )


def _busy_message(setting):
    import board  # noqa: PLC0415

    from adafruit_netdev_wifinina.wiring import PINS  # noqa: PLC0415

    names = [(key, setting(key, default)) for key, default in PINS]
    gpio0 = setting("NETDEV_SPI_GPIO0")
    if gpio0:
        names.append(("NETDEV_SPI_GPIO0", gpio0))
    for key, name in names:
        gpio = getattr(getattr(board, name, None), "id", None)
        if gpio in _KERNEL_CS:
            return (
                "%s = %s is %s, which the kernel's SPI driver owns as chip select %s (dtparam=spi=on), "
                "so Linux will not give it to digitalio (EBUSY); the kernel would also toggle it "
                "around every SPI transfer, which breaks the AirLift's frames. Either add "
                "dtoverlay=spi0-0cs after dtparam=spi=on in /boot/firmware/config.txt and reboot "
                "(the chip selects become plain GPIOs), or wire the AirLift's CS to a free GPIO "
                "(GPIO 4, header pin 7, is the default) and set NETDEV_SPI_CS (docs/wiring.rst)"
                % (key, name, _describe(board, name), _KERNEL_CS[gpio])
            )
    return (
        "a pin of the AirLift (%s) is held by another program or driver (EBUSY): gpioinfo "
        "says who. Free it, or wire the AirLift to free GPIOs and name them with NETDEV_SPI_*"
        % ", ".join("%s = %s" % pair for pair in names)
    )


load_settings()


def not_a_kind(kind):
    """probe()'s answer on CPython to a ``NETDEV`` it does not know, when something replaced
    it: ``emulated-wifinina`` and ``emulated-rtl8720dn`` (the library no longer imports the
    emulator) raise ValueError saying what to run instead."""
    if kind.startswith("emulated-"):
        chip = kind[len("emulated-") :]
        persona = os.getenv("NETDEV_PERSONA") or os.getenv("NETDEV_FIRMWARE")
        device = chip + ("-" + persona if persona else "")
        raise ValueError(
            "NETDEV=%s is gone: the emulator runs the program now. Unset NETDEV and run "
            "`python -m netdev_emulator run --device %s code.py` (docs/emulator.rst)" % (kind, device)
        )


# The CA file setting's one name, and the names it had before (still read, with a warning).
CA_FILE = "NETDEV_CA_FILE"
OLD_CA_FILE = ("NETDEV_CAFILE", "NETDEV_EMULATOR_CAFILE")


def ca_file(setting):
    """The PEM file named by ``NETDEV_CA_FILE`` (``setting(name)`` reads settings), or by one
    of its old names, which still work and say (on stderr, once) to rename them; None when
    none is set."""
    path = setting(CA_FILE)
    if path:
        return path
    for old in OLD_CA_FILE:
        path = setting(old)
        if path:
            import warnings  # noqa: PLC0415

            warnings.warn(
                "%s is renamed %s: the old name still works for now; rename it in settings.toml "
                "or the environment" % (old, CA_FILE),
                FutureWarning,
                stacklevel=3,
            )
            return path
    return None
