# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Line faults between the driver and the (emulated) firmware, injected in flight by
tests/rtl8720dn/faults.py: each gives a clear error within a bounded time, and the link
works afterwards (resynchronised, or reset through the enable pin)."""

import errno
import socket
import sys

import pytest

import adafruit_netdev as nd
import adafruit_netdev_rtl8720dn as rtl_package
from tests.conftest import echo_once, free_port
from tests.rtl8720dn.conftest import radio
from tests.rtl8720dn.spec import LWIP_CLOSE, LWIP_SOCKET, SVC_LWIP, SVC_TLS, TLS_START  # the spec's numbers

pytestmark = pytest.mark.timeout(120)

STARTUP = "adafruit_netdev_rtl8720dn._startup"  # the driver's start-up code (call_once)
# docs/protocol-rtl8720dn.rst, Worked frames: the STA_START event frame (service 19, method 1, oneway).
EVENT_STA_START = bytes.fromhex("3c00987c 01011301 01000000 30000000 02000000") + bytes(44)


def faulty(world, **kwargs):
    return radio(world, faulty=True, **kwargs)


def test_a_flipped_bit_in_a_reply_is_eio_then_the_link_resynchronises(world, lab):
    with faulty(world) as (_rtl, dev, uart):
        dev.call_timeout = 1
        uart.flip_next = True
        with pytest.raises(OSError) as info:
            dev.addr()
        assert info.value.args[0] == errno.EIO
        assert "CRC" in str(info.value)
        assert uart.faults_done == 1
        assert nd.parse_ipv4(dev.addr()) is not None  # recovered without a reset
        assert dev.stats["restarts"] == 1  # the one at start only
        echo_once(dev, lab)


def test_a_flipped_bit_mid_stream_does_not_lose_the_connection_state(world, lab):
    with faulty(world) as (_rtl, dev, uart):
        dev.call_timeout = 1
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        try:
            dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))
            uart.flip_next = True
            with pytest.raises(OSError) as info:
                dev.send(fd, b"abc", 0, nd.deadline(5))
            assert info.value.args[0] == errno.EIO
            # the firmware did take the bytes: the socket is still usable afterwards
            dev.send(fd, b"def", 0, nd.deadline(5))
            got = bytearray()
            buf = bytearray(16)
            while len(got) < 6:
                got += buf[: dev.recv(fd, buf, 0, nd.deadline(5))]
            assert bytes(got) == b"abcdef"
        finally:
            dev.close(fd)


@pytest.mark.parametrize("fault", ["flip_next", "truncate_next"])
def test_a_lost_reply_to_socket_leaves_no_socket_on_the_chip(world, lab, fault):
    with faulty(world) as (rtl, dev, uart):
        dev.call_timeout = 0.5
        setattr(uart, fault, True if fault == "flip_next" else 3)
        with pytest.raises(OSError) as info:
            dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        assert info.value.args[0] == errno.EIO
        assert len(rtl.open_sockets()) == 1  # the chip made it; the driver never learnt its number
        assert dev.open_fds() == []
        echo_once(dev, lab)  # recovery closes it first
        assert rtl.open_sockets() == {}


def test_a_lost_reply_to_accept_leaves_no_socket_on_the_chip(world, lab):
    with faulty(world) as (rtl, dev, uart):
        dev.call_timeout = 0.5
        port = free_port()
        listener = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        try:
            dev.bind(listener, ("", port))
            dev.listen(listener, 2)
            with socket.create_connection((world.ip, port), timeout=10):  # the chip's own
                uart.flip_next = True
                with pytest.raises(OSError) as info:
                    dev.accept(listener, nd.deadline(5))
                assert info.value.args[0] == errno.EIO
                assert len(rtl.open_sockets()) == 2  # the listener and the connection it accepted
                assert dev.open_fds() == [listener]
                echo_once(dev, lab)
                assert list(rtl.open_sockets()) == [dev.slots[listener].number]
        finally:
            dev.close(listener)
        assert rtl.open_sockets() == {}


def test_an_accepted_connection_with_no_free_fd_whose_close_is_lost_leaves_no_socket(world, lab):
    """All 8 fds in use (one a TLS fd, which has no chip socket before its connect), the
    chip accepts a connection into its 8th socket: the driver closes it (ENOMEM). When that
    close was lost (the request dropped), nothing remembered the socket, and it stayed on the chip."""
    with faulty(world) as (rtl, dev, _uart):
        dev.call_timeout = 0.5
        port = free_port()
        listener = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        fds = [listener] + [dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP) for _ in range(6)]
        fds.append(dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS))
        try:
            dev.bind(listener, ("", port))
            dev.listen(listener, 2)
            assert len(rtl.open_sockets()) == 7
            with socket.create_connection((world.ip, port), timeout=10):  # the chip's own
                rtl.faults.arm("request_lost", at="call %d/%d" % (SVC_LWIP, LWIP_CLOSE))
                with pytest.raises(OSError) as info:
                    dev.accept(listener, nd.deadline(5))
                assert info.value.args[0] == errno.EIO
                assert rtl.faults.injected["request_lost"] == 1  # the close of the accepted one
                assert len(rtl.open_sockets()) == 8
                dev.close(fds.pop())  # (the next call's recovery runs first)
                echo_once(dev, lab)
                assert len(rtl.open_sockets()) == 7
        finally:
            for fd in fds:
                dev.close(fd)
        assert dev.open_fds() == [] and rtl.open_sockets() == {}


def test_recovery_keeps_a_tls_session_whose_start_reply_was_lost(world, lab):
    with faulty(world, cafile=lab.cafile) as (rtl, dev, uart):
        dev.call_timeout = 0.5
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
        try:
            uart.flip_reply_to = (SVC_TLS, TLS_START)
            with pytest.raises(OSError) as info:
                dev.connect(fd, "localhost", ("", lab.https[1]), nd.deadline(10))
            assert info.value.args[0] == errno.EIO
            (number,) = rtl.open_sockets()  # the session's TCP socket: the driver does not know it
            assert rtl.tls_sessions()[dev.slots[fd].tls]["fd"] == number
            uart.flip_reply_to = (SVC_LWIP, LWIP_SOCKET)  # recovery first, then this
            with pytest.raises(OSError):
                dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
            echo_once(dev, lab)
            assert list(rtl.open_sockets()) == [number]  # the session's socket stays
        finally:
            dev.close(fd)
        assert rtl.open_sockets() == {} and rtl.tls_sessions() == {}


def test_a_truncated_frame_times_out_with_eio_then_recovers(world, lab):
    with faulty(world) as (_rtl, dev, uart):
        dev.call_timeout = 0.5
        uart.truncate_next = 3
        with pytest.raises(OSError) as info:
            dev.addr()
        assert info.value.args[0] == errno.EIO
        assert "truncated" in str(info.value)
        echo_once(dev, lab)


def test_an_unexpected_event_frame_before_a_reply_is_handled(world, lab):
    with faulty(world) as (_rtl, dev, uart):
        before = dev.stats["events"]
        uart.inject_next = EVENT_STA_START
        assert nd.parse_ipv4(dev.addr()) is not None  # no error at all
        assert uart.faults_done == 1
        assert dev.stats["events"] == before + 1
        echo_once(dev, lab)


def frame(body):
    """A frame around ``body``, its CRC computed bit by bit (docs/protocol-rtl8720dn.rst)."""
    from tests.rtl8720dn.test_codec import crc_bitwise

    return len(body).to_bytes(2, "little") + crc_bitwise(body).to_bytes(2, "little") + body


def test_a_late_reply_to_an_earlier_call_is_dropped_by_its_sequence_number(world, lab):
    with faulty(world) as (_rtl, dev, uart):
        # a worked frame: the reply "fd 0" to rpc_lwip_socket seq 5, long since answered
        uart.inject_next = bytes.fromhex("0c002588 02121001 05000000 00000000")
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)  # the same call, new seq
        dev.close(fd)
        assert uart.faults_done == 1
        echo_once(dev, lab)


def test_a_call_from_the_firmware_is_answered_and_the_link_carries_on(world, lab):
    with faulty(world) as (_rtl, dev, uart):
        # rpc_wifi_dns_found (19/2, an invocation): "lab" -> 127.0.0.1, no callback arg
        body = (
            bytes.fromhex("00021301 07000000") + b"\x03\x00\x00\x00lab" + bytes.fromhex("040000007f00000101")
        )
        uart.inject_next = frame(body)
        assert nd.parse_ipv4(dev.addr()) is not None
        assert uart.faults_done == 1
        echo_once(dev, lab)


def test_garbage_before_a_reply_is_eio_then_the_link_resynchronises(world, lab):
    with faulty(world) as (_rtl, dev, uart):
        dev.call_timeout = 0.5
        uart.inject_next = b"\xff\xff\x13\x37garbage"
        with pytest.raises(OSError) as info:
            dev.addr()
        assert info.value.args[0] == errno.EIO
        echo_once(dev, lab)


def test_a_corrupt_request_gets_no_reply_then_the_link_resynchronises(world, lab):
    with faulty(world) as (_rtl, dev, uart):
        dev.call_timeout = 0.5
        uart.flip_next_request = True
        with pytest.raises(OSError) as info:
            dev.addr()
        assert info.value.args[0] == errno.EIO and "does not answer" in str(info.value)
        echo_once(dev, lab)
        assert dev.stats["restarts"] == 1  # the firmware dropped the frame and stayed in step


def test_a_truncated_request_desynchronises_the_firmware_until_a_reset(world, lab):
    with faulty(world) as (_rtl, dev, uart):
        # the start-up code ran through call_once and was dropped: nothing holds it
        assert STARTUP not in sys.modules and not hasattr(rtl_package, "_startup")
        dev.call_timeout = 0.5
        uart.truncate_next_request = 2
        with pytest.raises(OSError) as info:
            dev.addr()
        assert info.value.args[0] == errno.EIO
        echo_once(dev, lab)  # the ping cannot get through: reset, re-initialise, rejoin
        assert dev.stats["restarts"] == 2
        assert dev.connected
        assert STARTUP not in sys.modules  # loaded again for the reset, and dropped again


def test_a_silent_chip_is_reset_through_the_enable_pin(world, lab):
    with faulty(world) as (_rtl, dev, uart):
        dev.call_timeout = 0.5
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        try:
            dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))
            uart.silent = True  # hung: only a reset revives it
            with pytest.raises(OSError) as info:
                dev.send(fd, b"lost", 0, nd.deadline(5))
            assert info.value.args[0] == errno.EIO
            assert "does not answer" in str(info.value)
            # the next call resets the chip, re-initialises it and rejoins lab-ap
            echo_once(dev, lab)
            assert dev.stats["restarts"] == 2
            assert dev.connected and dev._link_up()
            with pytest.raises(OSError) as info:  # its old socket went with the reset
                dev.send(fd, b"x", 0, nd.deadline(5))
            assert info.value.args[0] == errno.ECONNRESET
        finally:
            dev.close(fd)
        assert dev.open_fds() == []


def test_a_silent_chip_without_an_enable_pin_must_be_reset_by_hand(world):
    with faulty(world, enable=False) as (_rtl, dev, uart):
        dev.call_timeout = 0.5
        uart.silent = True
        with pytest.raises(OSError) as info:
            dev.addr()
        assert info.value.args[0] == errno.EIO
        with pytest.raises(OSError) as info:
            dev.addr()
        assert info.value.args[0] == errno.EIO
        assert "must be reset" in str(info.value)
        uart.silent = False  # someone power-cycled it... the firmware answers again
        assert nd.parse_ipv4(dev.addr()) is not None


def test_the_watchdog_resets_a_silent_chip_and_rejoins(world, lab):
    import threading

    from adafruit_netdev import netlink
    from adafruit_netdev.netlink import ConnectParams

    seen = []
    up_again = threading.Event()

    def notify(event):
        seen.append(event)
        if event == netlink.EVENT_NET_UP and netlink.EVENT_NET_DOWN in seen:
            up_again.set()

    with faulty(world, join=False) as (_rtl, dev, uart):
        dev.call_timeout = 0.5
        dev.net_notify(notify)
        dev.net_connect(ConnectParams("lab-ap", "lab-password", watchdog_timeout=0.2))
        uart.silent = True
        assert up_again.wait(30), seen
        assert dev.stats["restarts"] >= 2
        echo_once(dev, lab)
