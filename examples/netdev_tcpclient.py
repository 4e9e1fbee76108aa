# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: Unlicense
"""A TCP client with ``net`` (TinyGo examples/net/tcpclient): every half second, forever,
dial a server, send 1000 numbered lines (133 780 bytes) and a line saying how long that
took, hang up.

Catch it on your computer with ``nc -lk 8080``.

Settings: CIRCUITPY_WIFI_SSID, CIRCUITPY_WIFI_PASSWORD, SERVER_ADDRESS (default
10.0.0.100:8080), EXAMPLE_ITERATIONS (batches, 0 = forever), EXAMPLE_INTERVAL (0.5).
"""

import os
import time

from adafruit_ticks import ticks_diff, ticks_ms

import net
from adafruit_netdev.netlink import ConnectParams
from adafruit_netdev.probe import probe

if False:  # never runs (nor costs heap): names the drivers probe() loads, for `circup install --auto`
    import adafruit_netdev_rtl8720dn  # noqa: F401
    import adafruit_netdev_wifinina  # noqa: F401

SERVER = os.getenv("SERVER_ADDRESS", "10.0.0.100:8080")
ITERATIONS = int(os.getenv("EXAMPLE_ITERATIONS", "0"))
INTERVAL = float(os.getenv("EXAMPLE_INTERVAL", "0.5"))

# Find the network device (the co-processor on a board, NETDEV on a computer) and join.
link, dev = probe()
link.net_connect(
    ConnectParams(ssid=os.getenv("CIRCUITPY_WIFI_SSID"), passphrase=os.getenv("CIRCUITPY_WIFI_PASSWORD"))
)


def send_batch():
    print("---------------")
    print("Dialing TCP connection")
    while True:
        try:
            conn = net.dial("tcp", SERVER)
            break
        except OSError as error:
            print(error)
            time.sleep(5)

    print("Sending data")
    start = ticks_ms()
    sent = 0
    for i in range(1000):
        half = "\r" + "-" * 28 + " i == %d " % i + "-" * 28
        sent += conn.write((half + half).encode())
    message = "Wrote %d bytes in %d ms" % (sent, ticks_diff(ticks_ms(), start))
    print(message)
    conn.write(("\r\n" + message + "\r\n").encode())

    print("Disconnecting TCP...")
    conn.close()


count = 0
while True:
    send_batch()
    count += 1
    if count == ITERATIONS:
        break
    time.sleep(INTERVAL)
