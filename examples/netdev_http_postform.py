# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: Unlicense
"""HTTP POST of a web form (TinyGo examples/net/http-postform): the fields go URL-encoded,
as a browser sends a form, and httpbin.org/post shows what it received.

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


def form_encode(fields):
    """``{"name": "John Doe"}`` -> ``"name=John+Doe"``: keys sorted, spaces as ``+``, other
    characters that are not letters or digits as ``%XX`` (what Go's url.Values.Encode does)."""
    parts = []
    for key in sorted(fields):
        text = ""
        for char in str(fields[key]).encode("utf-8"):
            if char == 32:
                text += "+"
            elif chr(char).isalpha() or chr(char).isdigit() or chr(char) in "-._~":
                text += chr(char)
            else:
                text += "%%%02X" % char
        parts.append(key + "=" + text)
    return "&".join(parts)


# Find the network device (the co-processor on a board, NETDEV on a computer) and join.
link, dev = probe()
link.net_connect(
    ConnectParams(ssid=os.getenv("CIRCUITPY_WIFI_SSID"), passphrase=os.getenv("CIRCUITPY_WIFI_PASSWORD"))
)

requests = adafruit_requests.Session(SocketPool(dev), create_default_context())
body = form_encode({"name": "John Doe", "occupation": "gardener"})
headers = {"Content-Type": "application/x-www-form-urlencoded"}
with requests.post(HTTPBIN + "/post", data=body, headers=headers) as response:
    print(response.text)
