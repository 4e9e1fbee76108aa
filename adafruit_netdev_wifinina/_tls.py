# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""WiFiNINA TLS beyond the connect (which the driver does): a TLS record the firmware holds
for a peer that takes nothing. Loaded on first use."""

import adafruit_netdev as nd
from adafruit_netdev import timeout_error
from adafruit_netdev_wifinina import codec as c


def drop_held(dev, sock, exc, limit_ms):
    """``send`` failed with ``exc`` while the firmware (<= 2.x) held a TLS record of it. When
    the bound for that record passed, the session is stuck behind a peer that takes nothing
    (and any other bytes written now would be answered for that record): the connection is
    closed, as Adafruit 3.x's firmware closes one after 30 s. Returns the error to report."""
    sock.held = None
    if exc.args[0] not in (nd.ETIMEDOUT, nd.EAGAIN):
        return exc  # the connection or the link failed meanwhile: nothing is held any more
    link = dev.link
    if sock.number >= 0 and sock.gen == dev.gen and link.broken is None:
        link.call(c.STOP_CLIENT_TCP, sock.number)
    sock.number = -1
    sock.eof = True
    return timeout_error(
        "send: the TLS peer took no data for %d s; the connection is closed" % (limit_ms // 1000)
    )
