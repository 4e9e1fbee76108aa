# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: Unlicense
"""Raw device sockets (TinyGo examples/net/socket): no ``net``, no socket pool, only the
netdev's own calls: socket(), connect(), send(), close(). Every half second, forever, it
sends 1000 numbered lines (133 780 bytes) and a line saying how long that took.

Catch it on your computer with ``nc -lk 8080``.

Settings: CIRCUITPY_WIFI_SSID, CIRCUITPY_WIFI_PASSWORD, SERVER_ADDRESS (default
10.0.0.100:8080), EXAMPLE_ITERATIONS (batches, 0 = forever), EXAMPLE_INTERVAL (0.5).
"""

import os
import time

from adafruit_ticks import ticks_diff, ticks_ms

from adafruit_netdev import AF_INET, IPPROTO_TCP, SOCK_STREAM
from adafruit_netdev.netlink import ConnectParams
from adafruit_netdev.probe import probe

if False:  # never runs (nor costs heap): names the drivers probe() loads, for `circup install --auto`
    import adafruit_netdev_rtl8720dn  # noqa: F401
    import adafruit_netdev_wifinina  # noqa: F401

SERVER = os.getenv("SERVER_ADDRESS", "10.0.0.100:8080")
ITERATIONS = int(os.getenv("EXAMPLE_ITERATIONS", "0"))
INTERVAL = float(os.getenv("EXAMPLE_INTERVAL", "0.5"))

# Find the network device (the co-processor on a board, NETDEV on a computer) and join.
# `dev` is the Netdever: the device's socket calls, which the rest of this program uses.
link, dev = probe()
link.net_connect(
    ConnectParams(ssid=os.getenv("CIRCUITPY_WIFI_SSID"), passphrase=os.getenv("CIRCUITPY_WIFI_PASSWORD"))
)

host, port = SERVER.split(":")
address = (dev.gethostbyname(host), int(port))  # an IP address stays as it is


def send_batch():
    print("---------------")
    print("Dialing TCP connection")
    fd = dev.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)
    while True:
        try:
            dev.connect(fd, "", address)  # "": no TLS server name (this is plain TCP)
            break
        except OSError as error:
            print(error)
            time.sleep(5)

    print("Sending data")
    start = ticks_ms()
    sent = 0
    for i in range(1000):
        half = "\r" + "-" * 28 + " i == %d " % i + "-" * 28
        sent += dev.send(fd, (half + half).encode())  # send() sends it all, or raises
    message = "Wrote %d bytes in %d ms" % (sent, ticks_diff(ticks_ms(), start))
    print(message)
    dev.send(fd, ("\r\n" + message + "\r\n").encode())

    print("Disconnecting TCP...")
    dev.close(fd)


count = 0
while True:
    send_batch()
    count += 1
    if count == ITERATIONS:
        break
    time.sleep(INTERVAL)
