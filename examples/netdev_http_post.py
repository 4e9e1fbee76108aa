# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: Unlicense
"""HTTP POST of a JSON document (TinyGo examples/net/http-post): httpbin.org/post answers
with what it received, which we print.

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
person = {"name": "John Doe", "occupation": "gardener"}
# json= sends the dict as JSON with "Content-Type: application/json".
with requests.post(HTTPBIN + "/post", json=person) as response:
    print(response.text)

link.net_disconnect()
