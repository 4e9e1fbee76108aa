# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: Unlicense
"""A UDP echo server: listen on port 8080 and send every datagram back to whoever sent it,
any number of senders at once (UDP has no connections: each datagram says who sent it).

It uses the CircuitPython socket API (``socketpool``), as code written for a board's native
Wi-Fi does: ``recvfrom_into`` gives the sender, ``sendto`` answers it.

Try it from your computer: ``nc -u <board address> 8080``, type a line, see it come back.

Settings: CIRCUITPY_WIFI_SSID, CIRCUITPY_WIFI_PASSWORD, LISTEN_ADDRESS (default ":8080"),
EXAMPLE_ITERATIONS (datagrams to echo before stopping, 0 = forever), EXAMPLE_LIFETIME
(seconds before stopping, 0 = forever).
"""

import errno
import os

from adafruit_netdev import deadline, expired
from adafruit_netdev.netlink import ConnectParams
from adafruit_netdev.probe import probe
from adafruit_netdev.socketpool import SocketPool

if False:  # never runs (nor costs heap): names the drivers probe() loads, for `circup install --auto`
    import adafruit_netdev_rtl8720dn  # noqa: F401
    import adafruit_netdev_wifinina  # noqa: F401

LISTEN = os.getenv("LISTEN_ADDRESS", ":8080")
DATAGRAMS = int(os.getenv("EXAMPLE_ITERATIONS", "0"))
LIFETIME = float(os.getenv("EXAMPLE_LIFETIME", "0"))

# Find the network device (the co-processor on a board, NETDEV on a computer) and join.
link, dev = probe()
link.net_connect(
    ConnectParams(ssid=os.getenv("CIRCUITPY_WIFI_SSID"), passphrase=os.getenv("CIRCUITPY_WIFI_PASSWORD"))
)

host, _, port = LISTEN.rpartition(":")
pool = SocketPool(dev)
sock = pool.socket(pool.AF_INET, pool.SOCK_DGRAM)
sock.bind((host or "0.0.0.0", int(port)))
sock.settimeout(1)  # wake up once a second to see whether it is time to stop
print("UDP echo server listening on", LISTEN)

buf = bytearray(1460)  # the largest datagram a co-processor sends
stop_at = deadline(LIFETIME) if LIFETIME else None
echoed = 0
while echoed != DATAGRAMS and not expired(stop_at):
    try:
        n, sender = sock.recvfrom_into(buf)
    except OSError as error:
        if error.errno not in (errno.ETIMEDOUT, errno.EAGAIN):
            raise
        continue  # nothing came this second
    sock.sendto(memoryview(buf)[:n], sender)
    echoed += 1
    print("Echoed %d bytes to %s:%d" % (n, sender[0], sender[1]))

sock.close()
link.net_disconnect()
print("Done: %d datagrams echoed" % echoed)
