# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: Unlicense
"""Serve a small web site from files (TinyGo examples/net/webstatic) with
adafruit_httpserver: ``/`` is webstatic/index.html, which shows webstatic/images/netdev.png.

Copy the ``webstatic`` folder next to this program (to CIRCUITPY on a board).

Settings: CIRCUITPY_WIFI_SSID, CIRCUITPY_WIFI_PASSWORD, LISTEN_ADDRESS (default ":80"),
WEBSTATIC_ROOT (the site's folder, default "webstatic" next to this program),
EXAMPLE_ITERATIONS (requests to answer before stopping, 0 = forever), EXAMPLE_LIFETIME
(seconds before stopping, 0 = forever).
"""

import os
import time

from adafruit_httpserver import NO_REQUEST, Server

from adafruit_netdev import deadline, expired
from adafruit_netdev.netlink import ConnectParams
from adafruit_netdev.probe import probe
from adafruit_netdev.socketpool import SocketPool

if False:  # never runs (nor costs heap): names the drivers probe() loads, for `circup install --auto`
    import adafruit_netdev_rtl8720dn  # noqa: F401
    import adafruit_netdev_wifinina  # noqa: F401

LISTEN = os.getenv("LISTEN_ADDRESS", ":80")
REQUESTS = int(os.getenv("EXAMPLE_ITERATIONS", "0"))
LIFETIME = float(os.getenv("EXAMPLE_LIFETIME", "0"))
here = "/".join(__file__.split("/")[:-1]) or "."  # the folder this program is in
ROOT = os.getenv("WEBSTATIC_ROOT", here + "/webstatic")

# Find the network device (the co-processor on a board, NETDEV on a computer) and join.
link, dev = probe()
link.net_connect(
    ConnectParams(ssid=os.getenv("CIRCUITPY_WIFI_SSID"), passphrase=os.getenv("CIRCUITPY_WIFI_PASSWORD"))
)

# With a root_path and no routes, every GET is answered from the files there ("/" is
# index.html); the content type follows the file name.
server = Server(SocketPool(dev), root_path=ROOT)
host, port = LISTEN.split(":")
server.start(host or "0.0.0.0", int(port))
print("Serving", ROOT, "on http://%s:%s/" % (dev.addr(), port))

stop_at = deadline(LIFETIME) if LIFETIME else None
answered = 0
while answered != REQUESTS and not expired(stop_at):
    try:
        if server.poll() == NO_REQUEST:
            time.sleep(0.01)  # nobody there: rest a moment
        else:
            answered += 1
    except OSError as error:  # a client went away mid-request: serve the next one
        print("Request failed:", error)
server.stop()
print("Server stopped after", answered, "requests")
