# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: Unlicense
"""HTTP GET every 10 seconds, forever (TinyGo examples/net/http-get), with adafruit_requests
over the device's sockets. HTTPS works too: the co-processor does the TLS.

Settings: CIRCUITPY_WIFI_SSID, CIRCUITPY_WIFI_PASSWORD, HTTPBIN_URL (default
https://httpbin.org), EXAMPLE_ITERATIONS (0 = forever), EXAMPLE_INTERVAL (seconds, 10).
"""

import os
import time

import adafruit_requests

from adafruit_netdev.netlink import ConnectParams
from adafruit_netdev.probe import probe
from adafruit_netdev.socketpool import SocketPool, create_default_context

if False:  # never runs (nor costs heap): names the drivers probe() loads, for `circup install --auto`
    import adafruit_netdev_rtl8720dn  # noqa: F401
    import adafruit_netdev_wifinina  # noqa: F401

HTTPBIN = os.getenv("HTTPBIN_URL", "https://httpbin.org")
ITERATIONS = int(os.getenv("EXAMPLE_ITERATIONS", "0"))
INTERVAL = float(os.getenv("EXAMPLE_INTERVAL", "10"))

# Find the network device (the co-processor on a board, NETDEV on a computer) and join.
link, dev = probe()
link.net_connect(
    ConnectParams(ssid=os.getenv("CIRCUITPY_WIFI_SSID"), passphrase=os.getenv("CIRCUITPY_WIFI_PASSWORD"))
)

# A requests session that opens its sockets on this device.
requests = adafruit_requests.Session(SocketPool(dev), create_default_context())
url = HTTPBIN + "/get?name=John+Doe&occupation=gardener"

count = 0
while True:
    print("Getting", url)
    print()
    try:
        with requests.get(url) as response:
            print("HTTP/1.1", response.status_code, response.reason.decode())
            for key, value in response.headers.items():
                print("%s: %s" % (key, value))
            print()
            print(response.text)
    except (OSError, RuntimeError) as error:  # no network, server gone, timeout...
        print(error)
    count += 1
    print("--------", count, "--------")
    if count == ITERATIONS:
        break
    time.sleep(INTERVAL)
