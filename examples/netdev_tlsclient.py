# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: Unlicense
"""A TLS client (TinyGo examples/net/tlsclient): every 10 seconds, forever, open a TLS
connection, send an HTTP request by hand, print the whole answer. The co-processor does
the TLS: it checks the server's certificate against its own CA store.

Settings: CIRCUITPY_WIFI_SSID, CIRCUITPY_WIFI_PASSWORD, TLS_SERVER (default
httpbin.org:443), EXAMPLE_ITERATIONS (0 = forever), EXAMPLE_INTERVAL (seconds, 10).
"""

import os
import time

import net
import net.tls
from adafruit_netdev.netlink import ConnectParams
from adafruit_netdev.probe import probe

if False:  # never runs (nor costs heap): names the drivers probe() loads, for `circup install --auto`
    import adafruit_netdev_rtl8720dn  # noqa: F401
    import adafruit_netdev_wifinina  # noqa: F401

SERVER = os.getenv("TLS_SERVER", "httpbin.org:443")
ITERATIONS = int(os.getenv("EXAMPLE_ITERATIONS", "0"))
INTERVAL = float(os.getenv("EXAMPLE_INTERVAL", "10"))

# Find the network device (the co-processor on a board, NETDEV on a computer) and join.
link, dev = probe()
link.net_connect(
    ConnectParams(ssid=os.getenv("CIRCUITPY_WIFI_SSID"), passphrase=os.getenv("CIRCUITPY_WIFI_PASSWORD"))
)

host = SERVER.split(":")[0]
# Plain "\n" line ends, like the original (servers accept them).
request = "GET /get HTTP/1.1\nHost: %s\nUser-Agent: CircuitPython\nConnection: close\n\n" % host

count = 0
while count != ITERATIONS:
    print("Dialing TLS connection")
    try:
        conn = net.tls.dial("tcp", SERVER, timeout=30)
    except OSError as error:  # refused, unknown name, or a certificate we do not trust
        print("Connection failed:", error)
        count += 1
        if count != ITERATIONS:
            time.sleep(5)  # and try again
        continue
    print("Connected!")
    conn.write(request.encode())
    print("Sent!")
    # "Connection: close": the server hangs up after its answer, so read to the end.
    conn.set_read_deadline(net.deadline(30))
    answer = b""
    while True:
        piece = conn.read(1024)
        if not piece:
            break
        answer += piece
    conn.close()
    print(answer.decode())
    count += 1
    print("--------", count, "--------")
    if count != ITERATIONS:
        time.sleep(INTERVAL)
