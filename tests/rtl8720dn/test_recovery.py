# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""A link that always comes back: an echoing line is never taken for the chip, a chip that
boots late after a reset is brought back by the next call, and TLS contexts a link fault
left on the chip are freed (the emulator's switchboard and boot delay)."""

import errno

import pytest

import adafruit_netdev as nd
from tests.conftest import echo_on, echo_once
from tests.rtl8720dn import spec
from tests.rtl8720dn.conftest import radio

pytestmark = pytest.mark.timeout(180)


def eio(call):
    with pytest.raises(OSError) as info:
        call()
    assert info.value.args[0] == errno.EIO, info.value.args
    return info.value.args[1]


def test_an_echoing_line_is_not_the_chip_and_the_link_comes_back_when_it_stops(world, lab):
    """A looped-back UART hands the host its own request: socket() once "succeeded" on it
    (the link answered its own echo, and read the socket number from its request)."""
    with radio(world) as (rtl, dev, _uart):
        dev.call_timeout = 0.5
        rtl.faults.set_rate("line_echo", 1.0)  # every byte the host sends comes back; none arrives
        message = eio(lambda: dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP))
        assert "echoes" in message, message
        assert dev.open_fds() == []
        eio(dev.addr)  # recovery: the ping echoes, the reset's version queries echo
        rtl.faults.clear("line_echo")
        echo_once(dev, lab)  # the next call finds the chip, sets it up and rejoins
        assert dev.connected and dev.addr() == world.ip
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
            assert dev.addr() == world.ip  # set up again and rejoined, on this call
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
        assert dev.addr() == world.ip
        echo_once(dev, lab)


# -- TLS clients (contexts) on the chip ------------------------------------------------------

TLS_CREATE = "call %d/%d" % (spec.SVC_TLS, spec.TLS_CREATE)
TLS_DESTROY = "call %d/%d" % (spec.SVC_TLS, spec.TLS_DESTROY)
TLS_STOP = "call %d/%d" % (spec.SVC_TLS, spec.TLS_STOP)


def tls_connect(dev, lab, deadline=10):
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
    try:
        dev.connect(fd, "localhost", ("", lab.https[1]), nd.deadline(deadline))
    except BaseException:
        dev.close(fd)
        raise
    return fd


def https_get(dev, lab):
    fd = tls_connect(dev, lab)
    try:
        dev.send(fd, b"GET /get HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 0, nd.deadline(10))
        got = bytearray()
        buf = bytearray(2048)
        while True:
            n = dev.recv(fd, buf, 0, nd.deadline(10))
            if not n:
                return bytes(got)
            got += buf[:n]
    finally:
        dev.close(fd)


@pytest.mark.parametrize("fault", ["no_reply", "request_lost", "garbage_reply", "empty_reply"])
def test_faults_at_tls_client_create_stop_and_destroy_leave_no_client_on_the_chip(world, lab, fault):
    """A lost reply to ssl_client_create (the chip made a client no handle names) or a lost
    request or reply of ssl_client_destroy (it may or may not have run; a second destroy
    would corrupt the chip's heap) left TLS clients on the chip for good: 6 after 6 faults.
    Recovery frees them (a reset, once no fd holds anything the reset would lose), and
    frees a client whose stop went unanswered; the chip never sees a double destroy."""
    with radio(world, cafile=lab.cafile) as (rtl, dev, _uart):
        dev.call_timeout = 0.5
        for _ in range(2):
            fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
            try:
                rtl.faults.arm(fault, at=TLS_CREATE)
                eio(lambda fd=fd: dev.connect(fd, "localhost", ("", lab.https[1]), nd.deadline(10)))
            finally:
                dev.close(fd)
            for place in (TLS_STOP, TLS_DESTROY):
                fd = tls_connect(dev, lab)
                rtl.faults.arm(fault, at=place)
                dev.close(fd)  # never raises
                assert rtl.faults.armed(fault) == 0
        assert https_get(dev, lab).startswith(b"HTTP/1.1 200")
        assert rtl.tls_sessions() == {}, rtl.tls_sessions()
        assert rtl.open_sockets() == {}
        assert rtl.crashed is None
        echo_once(dev, lab)


def test_a_lost_tls_client_waits_for_the_other_sockets_to_close_before_the_reset(world, lab):
    """The reset that frees a TLS client lost to a link fault never takes a connection
    with it: while a TCP connection is open it waits; its close lets the next call reset."""
    with radio(world, cafile=lab.cafile) as (rtl, dev, _uart):
        dev.call_timeout = 0.5
        tcp = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        try:
            dev.connect(tcp, "", lab.tcp_echo, nd.deadline(10))
            fd = tls_connect(dev, lab)
            rtl.faults.arm("request_lost", at=TLS_DESTROY)  # the destroy does not run
            dev.close(fd)
            restarts = dev.stats["restarts"]
            dev.send(tcp, b"still here", 0, nd.deadline(5))  # the recovery keeps the link
            buf = bytearray(16)
            got = bytearray()
            while len(got) < 10:
                got += buf[: dev.recv(tcp, buf, 0, nd.deadline(5))]
            assert bytes(got) == b"still here"
            assert dev.stats["restarts"] == restarts
            assert len(rtl.tls_sessions()) == 1  # kept until the connection closes
        finally:
            dev.close(tcp)
        echo_once(dev, lab)  # nothing held: this call's recovery resets the chip
        assert dev.stats["restarts"] == restarts + 1
        assert rtl.tls_sessions() == {} and rtl.open_sockets() == {}


# -- deadlines when a reply is lost -------------------------------------------------------------

MARGIN = 5  # docs/rtl8720dn.rst: a call that holds the chip is awaited this long past the deadline
SLACK = 5  # generous: a loaded machine


def test_a_tls_connect_whose_reply_is_lost_returns_by_its_deadline_and_the_margin(world, lab):
    """An 8 s deadline took 43 s: the start's reply was awaited the handshake timeout and
    35 s more."""
    import time

    with radio(world, cafile=lab.cafile) as (rtl, dev, _uart):
        dev.call_timeout = 0.5
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
        try:
            rtl.faults.arm("no_reply", at="call %d/%d" % (spec.SVC_TLS, spec.TLS_START))
            started = time.monotonic()
            eio(lambda: dev.connect(fd, "localhost", ("", lab.https[1]), nd.deadline(2)))
            took = time.monotonic() - started
            assert took < 2 + MARGIN + SLACK, "a 2 s TLS connect took %.1f s" % took
        finally:
            dev.close(fd)
        assert https_get(dev, lab).startswith(b"HTTP/1.1 200")
        assert rtl.tls_sessions() == {} and rtl.open_sockets() == {}


def test_a_tls_send_whose_reply_is_lost_returns_by_its_deadline_and_the_margin(world, lab):
    """A 5 s deadline took 30 s: send_ssl_data's reply was awaited 30 s whatever the
    deadline."""
    import time

    with radio(world, cafile=lab.cafile) as (rtl, dev, _uart):
        dev.call_timeout = 0.5
        fd = tls_connect(dev, lab)
        try:
            rtl.faults.arm("no_reply", at="call %d/%d" % (spec.SVC_TLS, spec.TLS_SEND))
            started = time.monotonic()
            eio(lambda: dev.send(fd, b"GET / HTTP/1.1\r\n\r\n", 0, nd.deadline(2)))
            took = time.monotonic() - started
            assert took < 2 + MARGIN + SLACK, "a 2 s TLS send took %.1f s" % took
        finally:
            dev.close(fd)
        assert https_get(dev, lab).startswith(b"HTTP/1.1 200")


def test_a_close_whose_recovery_faults_leaves_no_socket_on_the_chip(world, lab):
    """close() never raises: when the link's recovery fails before its exchange (a fault in
    the recovery's own calls, the chip not reset), the fd goes and the chip's socket is
    closed by the next recovery instead of staying open for good."""
    with radio(world) as (rtl, dev, _uart):
        dev.call_timeout = 0.5
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))
        rtl.faults.arm("no_reply")
        eio(dev.addr)
        # rpc_wifi_is_up, in each of the recovery's 3 rounds (the chip answers: no reset)
        rtl.faults.arm("no_reply", count=3, at="call 14/5")
        restarts = dev.stats["restarts"]
        dev.close(fd)
        assert dev.open_fds() == [] and len(rtl.open_sockets()) == 1
        echo_once(dev, lab)
        assert rtl.open_sockets() == {}
        assert dev.stats["restarts"] == restarts  # closed, not reset away


def test_an_echoing_line_through_the_pty_bridge_with_no_enable_pin(world, lab):
    """The same on a serial port (pyserial on the emulator's pseudo-terminal), where the
    driver has no enable pin: the echo is an error that says the chip must be reset, and
    once the line stops echoing the chip, which kept running, carries on."""
    import threading

    import serial

    from adafruit_netdev_rtl8720dn import RTL8720DN
    from netdev_emulator import RTL8720Emulator
    from netdev_emulator.rtl8720_bridge import PtyBridge
    from tests.rtl8720dn.conftest import LAB_AP

    rtl = RTL8720Emulator(world)
    bridge = PtyBridge(rtl, reset_on_open=False)
    serving = threading.Thread(target=bridge.serve_forever, daemon=True)
    serving.start()
    port = serial.Serial(bridge.path, 614400, timeout=0.05)
    try:
        dev = RTL8720DN(port)
        dev.net_connect(LAB_AP)
        dev.call_timeout = 0.5
        rtl.faults.set_rate("line_echo", 1.0)
        assert "echoes" in eio(lambda: dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP))
        assert "must be reset" in eio(dev.addr)
        rtl.faults.clear("line_echo")
        echo_once(dev, lab)
        assert rtl.open_sockets() == {}
        dev.net_disconnect()
    finally:
        port.close()
        bridge.stop()
        serving.join(5)
        rtl.close()


def test_without_an_enable_pin_a_lost_tls_client_stays_and_the_link_works(world, lab):
    """Only a reset frees a TLS client lost to a link fault; without an enable pin there is
    none, and the driver must not keep trying one (every call would fail)."""
    with radio(world, cafile=lab.cafile, enable=False) as (rtl, dev, _uart):
        dev.call_timeout = 0.5
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
        try:
            rtl.faults.arm("no_reply", at=TLS_CREATE)
            eio(lambda: dev.connect(fd, "localhost", ("", lab.https[1]), nd.deadline(10)))
        finally:
            dev.close(fd)
        echo_once(dev, lab)
        assert https_get(dev, lab).startswith(b"HTTP/1.1 200")
        assert len(rtl.tls_sessions()) == 1  # the lost one, until the chip is reset by hand


def test_a_socket_whose_reply_is_lost_after_a_reset_is_closed_though_a_dead_fd_had_its_number(world, lab):
    """The soak's leak of chip sockets in state 'new': after a reset of the chip, an fd the
    application has not closed yet still holds its old socket number, which the chip hands
    out again. A socket() whose reply is lost then makes a socket with that number; the
    recovery took it for the dead fd's and left it open, and the dead fd's close (nothing
    to close: the chip was reset) did not close it either."""
    with radio(world) as (rtl, dev, _uart):
        dev.call_timeout = 0.5
        dead = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        number = dev.slots[dead].number
        rtl.faults.arm("hang")  # the next exchange's reply never comes; nor does any other
        eio(dev.addr)
        restarts = dev.stats["restarts"]
        assert dev.addr() == world.ip  # recovery reset the chip through its enable pin (and rejoined)
        assert dev.stats["restarts"] == restarts + 1 and rtl.open_sockets() == {}
        rtl.faults.arm("no_reply", at="call %d/%d" % (spec.SVC_LWIP, spec.LWIP_SOCKET))
        eio(lambda: dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP))
        assert list(rtl.open_sockets()) == [number]  # the dead fd's number, on a new socket
        echo_once(dev, lab)  # recovery closes the socket no fd holds
        dev.close(dead)
        assert dev.open_fds() == [] and rtl.open_sockets() == {}
        assert dev.stats["restarts"] == restarts + 1  # closed, not reset away


def test_a_socket_made_during_a_rejoin_that_fails_is_closed_on_the_chip(world, lab):
    """After a reset of the chip the next call rejoins, and while it does, other threads'
    calls go on (the lock is not held through a join): one opens a socket. The rejoin fails
    (the access point is away), and so did the close of that socket, which waited for a
    rejoin it does not need; it left the socket for a recovery that no link fault was going
    to bring, and the chip kept it ('new', never connected: the soak's leak)."""
    import threading

    with radio(world) as (rtl, dev, _uart):
        dev.call_timeout = 0.5
        rtl.faults.arm("hang")  # the next call's reply never comes; the one after resets the chip
        eio(dev.addr)
        world.drop_access_point("lab-ap")
        made = []
        join = dev._link_join  # noqa: SLF001 - where the rejoin runs, with the lock released

        def rejoin(params):  # another thread's socket() while this one rejoins
            thread = threading.Thread(
                target=lambda: made.append(dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP))
            )
            thread.start()
            thread.join(30)
            return join(params)

        dev._link_join = rejoin  # noqa: SLF001
        with pytest.raises(OSError):
            dev.addr()  # the chip reset, then the rejoin fails
        del dev._link_join  # noqa: SLF001
        (fd,) = made
        assert len(rtl.open_sockets()) == 1
        dev.close(fd)  # the access point is still away: no rejoin is possible now
        world.restore_access_point("lab-ap")
        echo_once(dev, lab)  # rejoins
        assert dev.open_fds() == [] and rtl.open_sockets() == {}


def calls_of(link, service, method, hook):
    """Runs ``hook()`` (in the calling thread) each time the driver sends the call
    ``service``/``method`` (``spec``), before it goes: a seam where a test acts between
    exchanges."""
    from adafruit_netdev_rtl8720dn import codec

    call_i32 = link.call_i32

    def hooked(end, *args):
        if codec.get_u32(link.tx, 4) >> 8 & 0xFFFF == service << 8 | method:
            hook()
        return call_i32(end, *args)

    link.call_i32 = hooked


def test_a_tls_start_that_fails_during_a_rejoin_that_fails_frees_its_client(world, lab):
    """After a reset of the chip, another thread's TLS connect ran while this one rejoined
    (the lock is not held through a join), and its start failed (no network yet). Its
    teardown claimed the lock with a rejoin first; the rejoin had failed meanwhile (the
    access point is away) and failed again, and the TLS client, its handle already
    forgotten, stayed on the chip for good. A teardown needs no rejoin, and a client it
    cannot free waits for the next recovery."""
    import threading

    with radio(world, cafile=lab.cafile) as (rtl, dev, _uart):
        dev.call_timeout = 0.5
        rtl.faults.arm("hang")  # the next call's reply never comes; the one after resets the chip
        eio(dev.addr)
        world.drop_access_point("lab-ap")
        link = dev.link
        started, go, fds, errors = threading.Event(), threading.Event(), [], []

        def connect():  # the other thread: its start fails, and it tears the client down
            fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
            fds.append(fd)
            try:
                dev.connect(fd, "", ("127.0.0.1", lab.https[1]), nd.deadline(10))
            except OSError as exc:
                errors.append(exc)

        thread = threading.Thread(target=connect)
        release = link.release

        def held_release():  # that thread, after its start: held until this one's rejoin failed
            release()
            if threading.current_thread() is thread and started.is_set() and not go.is_set():
                go.wait(30)

        link.release = held_release
        calls_of(link, spec.SVC_TLS, spec.TLS_START, started.set)
        join = dev._link_join  # noqa: SLF001 - where the rejoin runs, with the lock released

        def rejoin(params):
            thread.start()
            assert started.wait(30)  # its start is under way, or done
            del dev._link_join  # noqa: SLF001 - its teardown would rejoin with the real one
            return join(params)  # fails: the access point is away

        dev._link_join = rejoin  # noqa: SLF001
        with pytest.raises(OSError):
            dev.addr()  # the chip reset, then the rejoin fails
        go.set()
        thread.join(30)
        del link.release, link.call_i32
        assert not thread.is_alive() and len(errors) == 1, errors
        assert rtl.tls_sessions() == {}, rtl.tls_sessions()  # freed by the teardown
        dev.close(fds[0])
        world.restore_access_point("lab-ap")
        echo_once(dev, lab)  # rejoins
        assert dev.open_fds() == [] and rtl.open_sockets() == {} and rtl.tls_sessions() == {}


def test_a_stray_marked_while_a_recovery_closes_strays_is_closed_by_the_next_call(world, lab):
    """A close whose claim fails (its acquire timed out while another thread's recovery ran,
    or its own recovery failed) frees the fd without the lock and marks a stray for
    recovery to close. A recovery running meanwhile in another thread read the fd table
    before the mark and cleared the mark after its closes: the chip kept the socket, and
    nothing was to recover it (the link had no fault). The mark made during the recovery
    is seen: the next call's recovery closes the socket."""
    with radio(world) as (rtl, dev, _uart):
        dev.call_timeout = 0.5
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP)
        rtl.faults.arm("no_reply", at="call %d/%d" % (spec.SVC_LWIP, spec.LWIP_SOCKET))
        eio(lambda: dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP))  # a stray to close
        assert len(rtl.open_sockets()) == 2
        marked = []

        def close_elsewhere():  # another thread's close of fd, its claim failed: at this moment
            if link.recovering and not marked:
                marked.append(fd)
                recovery = nd.load("adafruit_netdev_rtl8720dn._recovery")
                recovery.close_later(dev, fd, OSError(errno.ETIMEDOUT, "waiting for the lock"))

        link = dev.link
        calls_of(link, spec.SVC_LWIP, spec.LWIP_CLOSE, close_elsewhere)
        restarts = dev.stats["restarts"]
        assert dev.addr() == world.ip  # recovers: closes the stray; fd is closed meanwhile
        del link.call_i32
        assert marked == [fd] and dev.open_fds() == []
        echo_once(dev, lab)
        assert rtl.open_sockets() == {}, rtl.open_sockets()
        assert dev.stats["restarts"] == restarts  # closed, not reset away


def test_a_tls_start_that_fails_when_the_recovery_fails_leaves_its_client_to_the_next(world, lab):
    """The teardown after a failed TLS start forgot the client's handle before it took the
    lock; when that claim failed (another thread's call had faulted the link, and the
    recovery failed too, the chip not reset), the client stayed on the chip for good. It
    waits in the orphans: the next call's recovery frees it."""
    import socket
    import threading

    with radio(world, cafile=lab.cafile) as (rtl, dev, _uart):
        dev.call_timeout = 0.5
        with socket.socket() as probe:  # a port where nothing listens: the start fails
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        started, held, go, errors = threading.Event(), threading.Event(), threading.Event(), []
        fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)

        def connect():
            try:
                dev.connect(fd, "", ("127.0.0.1", port), nd.deadline(10))
            except OSError as exc:
                errors.append(exc)

        thread = threading.Thread(target=connect)
        link = dev.link
        release = link.release

        def held_release():  # that thread, after its start: held until the link has faulted
            release()
            if threading.current_thread() is thread and started.is_set() and not go.is_set():
                held.set()
                go.wait(30)

        link.release = held_release
        calls_of(link, spec.SVC_TLS, spec.TLS_START, started.set)
        thread.start()
        assert held.wait(30)
        rtl.faults.arm("no_reply")
        eio(dev.addr)  # this thread's call faults the link (the other holds no lock now)
        # rpc_wifi_is_up, in each of the 3 rounds of the teardown's recovery
        rtl.faults.arm("no_reply", count=3, at="call 14/5")
        restarts = dev.stats["restarts"]
        go.set()
        thread.join(30)
        del link.release, link.call_i32
        assert not thread.is_alive() and len(errors) == 1, errors
        assert errors[0].args[0] == errno.EIO, errors  # the teardown's recovery failed
        assert len(rtl.tls_sessions()) == 1
        echo_once(dev, lab)  # recovers, and frees the client
        assert rtl.tls_sessions() == {}, rtl.tls_sessions()
        dev.close(fd)
        assert dev.open_fds() == [] and rtl.open_sockets() == {}
        assert dev.stats["restarts"] == restarts  # freed, not reset away


def two_connections(dev, lab):
    """Two fds connected to the lab's echo peer."""
    fds = [dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TCP) for _ in range(2)]
    for fd in fds:
        dev.connect(fd, "", lab.tcp_echo, nd.deadline(10))
    return fds


def test_a_glitch_on_the_resync_ping_costs_no_connection(world, lab):
    """The recovery's ping was tried once: a fault on it reset the chip, and every
    connection of every thread was lost (ECONNRESET)."""
    with radio(world) as (rtl, dev, _uart):
        dev.call_timeout = 0.5
        fds = two_connections(dev, lab)
        restarts = dev.stats["restarts"]
        rtl.faults.arm("no_reply")
        eio(dev.addr)
        rtl.faults.arm("no_reply", at="call %d/%d" % (spec.SVC_SYSTEM, spec.SYSTEM_ACK))
        for fd in fds:
            echo_on(dev, fd, b"still connected %d" % fd)
        assert rtl.faults.armed("no_reply") == 0  # the ping was hit
        assert dev.stats["restarts"] == restarts  # resynchronised, not reset
        for fd in fds:
            dev.close(fd)
        assert rtl.open_sockets() == {}


def test_a_glitch_on_the_recoverys_own_close_is_resynchronised_not_raised(world, lab):
    """A fault on the lwip_close that recovery does again for a close whose reply was lost
    raised EIO out of the next call, on another connection."""
    with radio(world) as (rtl, dev, _uart):
        dev.call_timeout = 0.5
        fds = two_connections(dev, lab)
        restarts = dev.stats["restarts"]
        # the close's reply is lost, then the recovery's close of it again
        rtl.faults.arm("no_reply", count=2, at="call %d/%d" % (spec.SVC_LWIP, spec.LWIP_CLOSE))
        dev.close(fds[1])
        echo_on(dev, fds[0], b"an unrelated call")
        assert rtl.faults.armed("no_reply") == 0
        assert dev.stats["restarts"] == restarts
        assert len(rtl.open_sockets()) == 1  # the closed one is closed on the chip
        dev.close(fds[0])
        assert rtl.open_sockets() == {}
