# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: Unlicense
"""HTTP GET every 10 seconds, shown on the board's display (TinyGo
examples/net/webclient-tinyterm, made for the Wio Terminal's screen). On a board with a
display the text goes to a displayio terminal of its own; elsewhere to the console.

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

SSID = os.getenv("CIRCUITPY_WIFI_SSID")
HTTPBIN = os.getenv("HTTPBIN_URL", "https://httpbin.org")
ITERATIONS = int(os.getenv("EXAMPLE_ITERATIONS", "0"))
INTERVAL = float(os.getenv("EXAMPLE_INTERVAL", "10"))


def open_terminal():
    """A text terminal filling the board's display, or None when there is no display."""
    try:
        import board
        import displayio
        import terminalio

        display = board.DISPLAY
    except (ImportError, AttributeError):
        return None
    font = terminalio.FONT
    char_width, char_height = font.get_bounding_box()[:2]
    palette = displayio.Palette(2)
    palette[0] = 0x000000  # background
    palette[1] = 0x00FF00  # text: green on black
    grid = displayio.TileGrid(
        font.bitmap,
        pixel_shader=palette,
        width=display.width // char_width,
        height=display.height // char_height,
        tile_width=char_width,
        tile_height=char_height,
    )
    group = displayio.Group()
    group.append(grid)
    display.root_group = group
    return terminalio.Terminal(grid, font)


terminal = open_terminal()


def show(*items):
    """print() to the display's terminal when there is one, else to the console."""
    text = " ".join(str(item) for item in items)
    if terminal is None:
        print(text)
    else:
        terminal.write(text.replace("\n", "\r\n") + "\r\n")  # a terminal wants \r\n


show("Connecting to %s..." % SSID)
# Find the network device (the co-processor on a board, NETDEV on a computer) and join.
link, dev = probe()
link.net_connect(ConnectParams(ssid=SSID, passphrase=os.getenv("CIRCUITPY_WIFI_PASSWORD")))
show("Connected, IP address", dev.addr())

requests = adafruit_requests.Session(SocketPool(dev), create_default_context())
url = HTTPBIN + "/get?name=John+Doe&occupation=gardener"

count = 0
while True:
    show("Getting", url)
    show()
    try:
        with requests.get(url) as response:
            show("HTTP/1.1", response.status_code, response.reason.decode())
            for key, value in response.headers.items():
                show("%s: %s" % (key, value))
            show()
            show(response.text)
    except (OSError, RuntimeError) as error:  # no network, server gone, timeout...
        show(error)
    count += 1
    show("--------", count, "--------")
    if count == ITERATIONS:
        break
    time.sleep(INTERVAL)
