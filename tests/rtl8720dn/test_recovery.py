# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""A link that always comes back: an echoing line is never taken for the chip, a chip that
boots late after a reset is brought back by the next call, and TLS contexts a link fault
left on the chip are freed (the emulator's switchboard and boot delay)."""

import errno

import pytest

import adafruit_netdev as nd
from tests.conftest import echo_once
from tests.rtl8720dn.conftest import radio

pytestmark = pytest.mark.timeout(180)


def eio(call):
    with pytest.raises(OSError) as info:
        call()
    assert info.value.args[0] == errno.EIO, info.value.args
    return info.value.args[1]


def test_an_echoing_line_is_not_the_chip_and_the_link_comes_back_when_it_stops(world, lab):
    """A looped-back UART hands the host its own request: socket() once "succeeded" on it
    (the transport answered its own echo, and read the socket number from its request)."""
    with radio(world) as (rtl, dev, _uart):
        dev.call_timeout = 0.5
        rtl.faults.set_rate("line_echo", 1.0)  # every byte the host sends comes back; none arrives
        message = eio(lambda: dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP))
        assert "echoes" in message, message
        assert dev.open_fds() == []
        eio(dev.addr)  # recovery: the ping echoes, the reset's version queries echo
        rtl.faults.clear("line_echo")
        echo_once(dev, lab)  # the next call finds the chip, sets it up and rejoins
        assert dev.connected and dev.addr() == "127.0.0.1"
        assert rtl.open_sockets() == {}


def test_a_chip_that_boots_late_after_a_reset_is_set_up_by_the_next_call(world, lab):
    """The chip answers only after the reset's version queries gave up: that call fails
    (EIO), and then the driver once believed the reset done (addr() 0.0.0.0, connects
    EHOSTUNREACH, even net_disconnect() + net_connect() failed). The next call, with no
    watchdog, finds the chip answering and sets it up; net_connect starts from a clean chip."""
    with radio(world) as (rtl, dev, _uart):
        dev.call_timeout = 0.5
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        try:
            dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))
            rtl.boot_seconds = 3600  # the reset comes; the chip boots long after the driver waits
            rtl.faults.arm("hang")
            eio(lambda: dev.send(fd, b"lost", 0, nd.deadline(5)))
            message = eio(dev.addr)  # the ping fails; the reset's version queries get nothing
            assert "does not answer after a reset" in message
            rtl.boot_seconds = 0  # ... and now it is up
            assert dev.addr() == "127.0.0.1"  # set up again and rejoined, on this call
            assert dev.firmware_version == "2.1.3"
            echo_once(dev, lab)
            with pytest.raises(OSError) as info:  # its old socket went with the reset
                dev.send(fd, b"x", 0, nd.deadline(5))
            assert info.value.args[0] == errno.ECONNRESET
        finally:
            dev.close(fd)
        dev.net_disconnect()
        from tests.rtl8720dn.conftest import LAB_AP

        dev.net_connect(LAB_AP)
        echo_once(dev, lab)
        assert rtl.open_sockets() == {}


def test_after_a_reset_that_failed_net_connect_starts_from_a_clean_chip(world, lab):
    """The reset fails (the chip boots late); without any other call, net_disconnect() and
    net_connect() bring it back."""
    from tests.rtl8720dn.conftest import LAB_AP

    with radio(world) as (rtl, dev, _uart):
        dev.call_timeout = 0.5
        rtl.boot_seconds = 3600
        rtl.faults.arm("hang")
        eio(dev.addr)
        eio(dev.addr)
        rtl.boot_seconds = 0
        dev.net_disconnect()
        dev.net_connect(LAB_AP)
        assert dev.addr() == "127.0.0.1"
        echo_once(dev, lab)
