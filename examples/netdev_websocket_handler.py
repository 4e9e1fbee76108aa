# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: Unlicense
"""A websocket echo server (TinyGo examples/net/websocket/handler) with adafruit_httpserver:
connect to ``ws://<board>:8080/echo`` and everything you send comes back. Like Go's
websocket package, it refuses clients that send no Origin header.

Settings: CIRCUITPY_WIFI_SSID, CIRCUITPY_WIFI_PASSWORD, LISTEN_ADDRESS (default ":8080"),
EXAMPLE_ITERATIONS (websocket clients to serve before stopping, 0 = forever),
EXAMPLE_LIFETIME (seconds before stopping, 0 = forever).
"""

import os
import time

from adafruit_httpserver import FORBIDDEN_403, GET, NO_REQUEST, Response, Server, Websocket

from adafruit_netdev import deadline, expired
from adafruit_netdev.netlink import ConnectParams
from adafruit_netdev.probe import probe
from adafruit_netdev.socketpool import SocketPool

if False:  # never runs (nor costs heap): names the drivers probe() loads, for `circup install --auto`
    import adafruit_netdev_rtl8720dn  # noqa: F401
    import adafruit_netdev_wifinina  # noqa: F401

LISTEN = os.getenv("LISTEN_ADDRESS", ":8080")
CLIENTS = int(os.getenv("EXAMPLE_ITERATIONS", "0"))
LIFETIME = float(os.getenv("EXAMPLE_LIFETIME", "0"))

# Find the network device (the co-processor on a board, NETDEV on a computer) and join.
link, dev = probe()
link.net_connect(
    ConnectParams(ssid=os.getenv("CIRCUITPY_WIFI_SSID"), passphrase=os.getenv("CIRCUITPY_WIFI_PASSWORD"))
)
server = Server(SocketPool(dev))
websockets = []  # the open ones


@server.route("/echo", GET)
def echo(request):
    if "Origin" not in request.headers:
        return Response(request, "websocket needs an Origin header", status=FORBIDDEN_403)
    print("Websocket client", "%s:%d" % request.client_address, "connected")
    websocket = Websocket(request)
    websockets.append(websocket)
    return websocket


host, port = LISTEN.split(":")
server.start(host or "0.0.0.0", int(port))
print("Listening on ws://%s:%s/echo" % (dev.addr(), port))

stop_at = deadline(LIFETIME) if LIFETIME else None
served = 0
while served != CLIENTS and not expired(stop_at):
    busy = False
    try:
        busy = server.poll() != NO_REQUEST
    except OSError as error:
        print("Request failed:", error)
    for websocket in websockets:
        message = websocket.receive(fail_silently=True)  # None when nothing came
        if message is not None:
            websocket.send_message(message, fail_silently=True)  # text stays text, bytes bytes
            busy = True
        if websocket.closed:  # the client said goodbye
            websockets.remove(websocket)
            served += 1
            print("Websocket client closed")
            break  # the list changed: start over
    if not busy:
        time.sleep(0.01)
for websocket in websockets:
    websocket.close()
server.stop()
print("Server stopped after", served, "websocket clients")
