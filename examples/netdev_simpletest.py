# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: Unlicense
"""adafruit_netdev simple test: join the network, say who we are, look up a name, talk
TCP through ``net`` and HTTP through adafruit_requests.

Settings (settings.toml on a board, environment variables on a computer):
CIRCUITPY_WIFI_SSID and CIRCUITPY_WIFI_PASSWORD; NETDEV on a computer (host; or run it with
`python -m netdev_emulator run` on a virtual co-processor); SERVER_ADDRESS, a TCP echo server
(default 10.0.0.100:8080: run netdev_snake_server.py there); HTTPBIN_URL (default
https://httpbin.org).
"""

import json
import os

import adafruit_requests

import net
from adafruit_netdev.netlink import ConnectParams
from adafruit_netdev.probe import probe
from adafruit_netdev.socketpool import SocketPool, create_default_context

if False:  # never runs (nor costs heap): names the drivers probe() loads, for `circup install --auto`
    import adafruit_netdev_rtl8720dn  # noqa: F401
    import adafruit_netdev_wifinina  # noqa: F401

SSID = os.getenv("CIRCUITPY_WIFI_SSID")
PASSWORD = os.getenv("CIRCUITPY_WIFI_PASSWORD")
ECHO_SERVER = os.getenv("SERVER_ADDRESS", "10.0.0.100:8080")
HTTPBIN = os.getenv("HTTPBIN_URL", "https://httpbin.org")

print("adafruit_netdev simple test")

# probe() finds the network device (the co-processor on a board, NETDEV on a computer)
# and makes it the one `net` and SocketPool use. `link` joins networks, `dev` does sockets.
link, dev = probe()
print("Connecting to %s..." % SSID)
link.net_connect(ConnectParams(ssid=SSID, passphrase=PASSWORD))
mac = ":".join("%02x" % b for b in link.hardware_addr())
print("Connected: IP address", dev.addr(), "MAC address", mac)

# The device's own DNS client looks names up.
name = HTTPBIN.split("/")[2].split(":")[0]  # "https://httpbin.org" -> "httpbin.org"
print(name, "is at", dev.gethostbyname(name))

# One TCP exchange, TinyGo style: dial, write, read what comes back, close.
message = b"Hello from adafruit_netdev!"
with net.dial("tcp", ECHO_SERVER, timeout=10) as conn:
    conn.set_read_deadline(net.deadline(10))  # give up reading after 10 seconds
    conn.write(message)
    echo = b""
    while len(echo) < len(message):  # TCP may deliver the reply in pieces
        piece = conn.read(64)
        if not piece:  # the server closed the connection
            break
        echo += piece
print("Echo from %s: %s" % (ECHO_SERVER, echo.decode()))

# HTTP(S) with adafruit_requests, over sockets of the same device.
requests = adafruit_requests.Session(SocketPool(dev), create_default_context())
url = HTTPBIN + "/get?hello=netdev"
with requests.get(url) as response:
    args = json.loads(response.text)["args"]  # httpbin answers with what it was asked
    print("GET %s: %d, args %s" % (url, response.status_code, args))

link.net_disconnect()
print("Done")
