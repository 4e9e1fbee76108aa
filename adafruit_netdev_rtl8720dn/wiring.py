# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The RTL8720DN driver built for the board or settings at hand, for
:func:`adafruit_netdev.probe.probe` (run once through :func:`adafruit_netdev.call_once`
and dropped)."""

import sys


def build(setting):
    """The driver for ``probe()``: on a Wio Terminal, over its RTL8720DN UART with the
    enable pin; elsewhere over pyserial (``NETDEV_PORT``, ``NETDEV_BAUD``). ``setting(name,
    default)`` reads ``settings.toml``; ``NETDEV_CA_FILE`` names the PEM its TLS verifies
    against."""
    from adafruit_netdev_rtl8720dn import RTL8720DN  # noqa: PLC0415 - loaded already

    if sys.implementation.name == "circuitpython":
        import board  # noqa: PLC0415
        import busio  # noqa: PLC0415
        import digitalio  # noqa: PLC0415

        # a reply frame can be 4100 bytes, and Wi-Fi events arrive while the host is busy
        uart = busio.UART(board.RTL_MOSI, board.RTL_MISO, baudrate=614400, receiver_buffer_size=8192)
        dev = RTL8720DN(uart, digitalio.DigitalInOut(board.RTL_PWR))
    else:
        import serial  # noqa: PLC0415 - pyserial

        port = serial.serial_for_url(
            setting("NETDEV_PORT", "/dev/ttyUSB0"),
            baudrate=int(setting("NETDEV_BAUD", "614400")),
            timeout=0.05,
        )
        dev = RTL8720DN(port)
    dev.root_ca_file = setting("NETDEV_CA_FILE")  # the CA its TLS verifies against, read at first use
    return dev
