# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Recovering the WiFiNINA link after a fault: back in step without a reset while the
co-processor still answers (only the connections whose state the fault left unknown are
given up), else a reset (``_startup.start``, run once) and, for a public call, the network
joined again; and the errors of the connections a fault or a lost network abandoned. Loaded
at the first link fault (:func:`adafruit_netdev.load`): a program that never sees one never
holds this code."""

from adafruit_ticks import ticks_diff, ticks_ms
from micropython import const

import adafruit_netdev as nd
from adafruit_netdev import call_once, error, load
from adafruit_netdev.netlink import EVENT_NET_DOWN, EVENT_NET_UP
from adafruit_netdev_wifinina import codec as c

_GET_FW_VERSION = const(0x37)
_GET_CLIENT_STATE_TCP = const(0x2F)
_ASK = const(0x100)  # a lost number | this: a state query's, asked again (link.exchange)
_ERROR = const(0xEF)
_RESYNC_MS = const(2000)  # READY low while resynchronising (the chip had as long before)
_SELECT_MS = const(1000)  # READY high after CS falls
_PROBES = const(3)  # exchanges a resynchronisation tries
_ROUNDS = const(3)  # resynchronisations a recovery tries (a fault may hit its own exchanges)


def on_fault(dev, exc):
    """The link is out of step with ``exc`` (the link's ``on_fault``): what the command in
    flight did to its connection is unknown, so that connection is given up (its socket
    raises EIO from now on; the recovery stops its socket number). A state query
    (GET_CLIENT_STATE, flight | _ASK) changed nothing but maybe to free the number of a
    connection that had ended: the recovery asks again, and nothing is given up here."""
    dev.link_fault = exc
    number = dev.link.flight
    if 0 <= number < _ASK:
        for sock in dev.fds:
            if sock is not None and sock.number == number and sock.gen == dev.gen:
                sock.number = -1
                sock.eof = True
                sock.aborted = 2
    dev._log("wifinina: link fault: %s" % (exc,))


def aborted_error(sock):
    """The error of a connection given up: by a link fault (its state unknown) or because
    the Wi-Fi link went down."""
    if sock.aborted == 2:
        return error(
            nd.EIO,
            "connection abandoned: a link fault left its state unknown (bytes may be lost or sent "
            "twice); close this socket",
        )
    return error(nd.ECONNABORTED, "connection lost: the Wi-Fi link went down; close this socket")


def recover(dev, rejoin):
    """Get the link back in step after a fault, else reset the co-processor; after a reset
    with ``rejoin`` (a public call, not the Netlinker's watchdog, which rejoins itself) join
    the network again, announcing the link down and up."""
    with dev.sequence():
        if dev.link.broken is None:
            return  # another thread already did
        if _in_step(dev):
            return  # back in step without a reset: nothing else was lost
        call_once("adafruit_netdev_wifinina._startup", "start", dev)
        cert = getattr(dev, "client_cert", None)  # (the firmware forgot it)
        if cert is not None:
            load("adafruit_netdev_wifinina._tls").send_client_cert(dev, *cert)
        if not rejoin:
            return
        if dev._connected and dev._params is not None:  # (the Netlinker's record)
            if not dev._down:  # what it last announced
                dev._down = True
                dev._fire(EVENT_NET_DOWN)
            dev._link_join(dev._params)  # on failure the watchdog (if any) keeps trying
            dev._down = False
            dev._fire(EVENT_NET_UP)
        dev.link_fault = None


def _in_step(dev):
    """Back in step without a reset while the co-processor still answers, giving up only
    the connections whose state the fault left unknown (here their socket numbers are
    stopped): True. False when it does not answer, or it restarted by itself (the Wi-Fi
    association the driver had is gone): it must be reset."""
    link = dev.link
    for _ in range(_ROUNDS):
        link.acquire()
        try:
            in_step = _resync(dev, link)
        finally:
            link.release()
        if not in_step:
            break
        link.broken = None
        try:
            if dev._connected and not dev._link_up():
                break  # restarted (or the network went): every connection is gone
            lost = link.lost
            while lost:
                number = lost[0]
                if number < _ASK or not _ask_again(dev, number - _ASK):
                    link.call(c.STOP_CLIENT_TCP, number & 0xFF)
                lost.pop(0)
        except OSError as exc:  # a fault in these exchanges too: again
            dev._log("wifinina: recovery: %s" % (exc,))
            continue
        dev.link_fault = None
        dev._log("wifinina: link back in step (no reset)")
        return True
    return False


def _ask_again(dev, number):
    """A state query of ``number`` lost its reply (the link in step again, the sequence
    lock held, so nobody has claimed the number since): ask again. True when its
    connection is still open: nothing was lost. Else its connection had ended (the firmware
    may have freed the number already, and answers 0 for a free one too): the socket
    that held it reads the end of the stream, as after the state check it missed (or
    ECONNABORTED when the Wi-Fi went), and the caller stops the number."""
    held = None
    for sock in dev.fds:
        if sock is not None and sock.number == number and sock.gen == dev.gen and not sock.listening:
            held = sock
    if held is None:
        return False  # no socket holds it any more: stop it
    if dev.link.call(_GET_CLIENT_STATE_TCP, number):
        return True
    aborted = 0 if dev._link_up() else 1
    held.number = -1
    held.eof = True
    held.aborted = aborted
    return False


def _resync(dev, link):
    """Exchange GET_FW_VERSION until its reply comes back as the firmware sent it at start
    (lock held). The co-processor alternates command and reply transactions: when it owed a
    reply (lost, or late), the probe is taken as the read of that reply and the read of the
    probe's reply as a command (of zeros, answered by the error reply): then that answer is
    read too, and the next probe is in step. False when READY does not come low in time."""
    if link.pending:  # a blocking command's reply may still come: give it its time
        left = ticks_diff(link.pending_until, ticks_ms())
        link.wait_ready(False, left if left > 0 else 0)
        if link.pending == c.START_CLIENT_TCP:
            link.lost.append(link.pending_number)
        link.pending = 0
        link.waiter = False
    probe = link.aux
    length = c.command(probe, _GET_FW_VERSION)
    want = dev.version.encode()
    rep = link.rep
    wait_ready = link.wait_ready
    for _ in range(_PROBES):
        if not wait_ready(False, _RESYNC_MS):
            return False
        with link.device as spi:
            if not wait_ready(True, _SELECT_MS):
                continue  # not seen: try again
            spi.write(probe, end=length)
        if not wait_ready(False, _RESYNC_MS):
            return False
        with link.device as spi:
            if not wait_ready(True, _SELECT_MS):
                continue
            spi.readinto(rep, end=8)
            have = 8
            need = c.reply_size(rep, have)
            if need > have and need <= len(rep):
                spi.readinto(rep, start=have, end=need)
                have = need
        if rep[0] == c.START and rep[1] == _GET_FW_VERSION | c.REPLY and rep[2] == 1:
            n = rep[3]
            if 4 + n < have and rep[4 + n] == 0xEE and bytes(rep[4 : 4 + n]).rstrip(b"\0") == want:
                return True
        elif rep[0] != _ERROR:
            # read while the co-processor was receiving: it took the read for a command and
            # owes the answer to it; take that, then it listens for a command again
            if not wait_ready(False, _RESYNC_MS):
                return False
            with link.device as spi:
                if wait_ready(True, _SELECT_MS):
                    spi.readinto(rep, end=4)
    return False
