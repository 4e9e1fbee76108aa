# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The Netlinker watchdog: a link check and the reconnection after it, and the daemon thread
that runs the checks where threads exist. Imported only when a program asks for a watchdog
(``ConnectParams(watchdog_timeout=...)``), so that a board without one does not keep this
code in RAM."""

from adafruit_netdev.netlink import EVENT_NET_DOWN, EVENT_NET_UP
from adafruit_netdev.netlink import _threading as threading  # None on CircuitPython


def check(link, params):
    """One link check of ``link`` (a :class:`~adafruit_netdev.netlink.Netlinker`): after a
    bus fault, let the driver recover its link (back in step, else a reset); when the link
    is down, fire ``EVENT_NET_DOWN`` once and join again; ``EVENT_NET_UP`` when it is back.
    A fault the driver recovered from without losing the network fires no event."""
    fault = link.link_fault
    if fault is not None:
        try:
            link._link_reset()
            fault = None
        except OSError as exc:
            fault = exc
    try:
        up = fault is None and link._link_up()
    except OSError as exc:
        fault, up = exc, False
    if up:
        if link._down:  # the firmware found its way back by itself
            link._down = False
            link._fire(EVENT_NET_UP)
        return
    if not link._down:
        link._down = True
        link._log("link down (%s); reconnecting" % (fault or "no association"))
        link._fire(EVENT_NET_DOWN)
    try:
        if fault is not None:
            link._link_reset()  # (it failed above, or the link check faulted)
        link._link_join(params)
    except OSError as exc:
        link._log("reconnect failed: %s" % (exc,))
        link.link_fault = exc if fault is not None else None
        return
    link.link_fault = None
    link._down = False
    link._fire(EVENT_NET_UP)


def start(link, interval):
    """A daemon thread calling ``link.poll()`` every ``interval`` seconds (where threads
    exist: the caller checked)."""
    stop = threading.Event()

    def run():
        while not stop.wait(interval):
            try:
                link.poll()
            except Exception as exc:  # noqa: BLE001 - a watchdog must outlive any fault
                link._log("watchdog: %r" % (exc,))

    link._watch_stop = stop
    link._watch_thread = threading.Thread(target=run, name="netdev-watchdog", daemon=True)
    link._watch_thread.start()


def stop(link):
    """End ``link``'s watchdog thread (and wait for it, unless it is the caller)."""
    link._watch_stop.set()
    if link._watch_thread is not threading.current_thread():
        link._watch_thread.join(5)
    link._watch_stop = link._watch_thread = None
