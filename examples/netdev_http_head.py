# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: Unlicense
"""HTTP HEAD (TinyGo examples/net/http-head): ask for a page's headers only, print them,
leave the network.

Settings: CIRCUITPY_WIFI_SSID, CIRCUITPY_WIFI_PASSWORD, HTTPBIN_URL (default
https://httpbin.org).
"""

import os

import adafruit_requests

from adafruit_netdev.netlink import ConnectParams
from adafruit_netdev.probe import probe
from adafruit_netdev.socketpool import SocketPool, create_default_context

if False:  # never runs (nor costs heap): names the drivers probe() loads, for `circup install --auto`
    import adafruit_netdev_rtl8720dn  # noqa: F401
    import adafruit_netdev_wifinina  # noqa: F401

HTTPBIN = os.getenv("HTTPBIN_URL", "https://httpbin.org")

# Find the network device (the co-processor on a board, NETDEV on a computer) and join.
link, dev = probe()
link.net_connect(
    ConnectParams(ssid=os.getenv("CIRCUITPY_WIFI_SSID"), passphrase=os.getenv("CIRCUITPY_WIFI_PASSWORD"))
)

requests = adafruit_requests.Session(SocketPool(dev), create_default_context())
with requests.head(HTTPBIN) as response:
    # A HEAD reply is the status line and the headers: no body.
    print("HTTP/1.1", response.status_code, response.reason.decode())
    for key, value in response.headers.items():
        print("%s: %s" % (key, value))
    print()

link.net_disconnect()
