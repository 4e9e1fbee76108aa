# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: Unlicense
"""The server for netdev_snake.py (TinyGo examples/net/snake/server): a TCP echo server
for many clients at once. Run it on your computer (``NETDEV=host``) or on a second board.

Settings: LISTEN_ADDRESS (default ":8080"), EXAMPLE_ITERATIONS (connections to serve
before stopping, 0 = forever), EXAMPLE_LIFETIME (seconds, 0 = forever); on a board also
CIRCUITPY_WIFI_SSID and CIRCUITPY_WIFI_PASSWORD.
"""

import asyncio
import errno
import os

import net
from adafruit_netdev import expired
from adafruit_netdev.netlink import ConnectParams
from adafruit_netdev.probe import probe

if False:  # never runs (nor costs heap): names the drivers probe() loads, for `circup install --auto`
    import adafruit_netdev_rtl8720dn  # noqa: F401
    import adafruit_netdev_wifinina  # noqa: F401

LISTEN = os.getenv("LISTEN_ADDRESS", ":8080")
CONNECTIONS = int(os.getenv("EXAMPLE_ITERATIONS", "0"))
LIFETIME = float(os.getenv("EXAMPLE_LIFETIME", "0"))


async def read_some(conn, buf):
    """Read what has arrived into ``buf`` without holding up the other connections: look
    once, and while nothing is there, let them run for 10 ms. 0 means the client left."""
    while True:
        conn.set_read_deadline(net.deadline(0))  # a deadline already passed: look, don't wait
        try:
            return conn.readinto(buf)
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ETIMEDOUT):
                raise
        await asyncio.sleep(0.01)


async def copy_back(conn):
    """Go's ``io.Copy(c, c)``: everything read is written back, until the client leaves."""
    buf = bytearray(512)
    try:
        while True:
            n = await read_some(conn, buf)
            if n == 0:
                break
            conn.write(memoryview(buf)[:n])
    except OSError:
        pass  # the client went away
    conn.close()


async def main():
    listener = net.listen("tcp", LISTEN)
    print("Listening on port", LISTEN)
    stop_at = net.deadline(LIFETIME) if LIFETIME else None
    tasks = []
    while len(tasks) != CONNECTIONS and not expired(stop_at):
        try:
            conn = listener.accept(timeout=0)  # 0: return at once, EAGAIN when nobody waits
        except OSError as error:
            if error.errno != errno.EAGAIN:
                raise
            await asyncio.sleep(0.01)
            continue
        print("Accepted connection from", conn.remote_addr)
        tasks.append(asyncio.create_task(copy_back(conn)))
    listener.close()
    for task in tasks:  # let the clients finish
        if expired(stop_at):
            task.cancel()
        else:
            await task


# Find the network device (your computer's own network with NETDEV=host) and join.
link, dev = probe()
link.net_connect(
    ConnectParams(ssid=os.getenv("CIRCUITPY_WIFI_SSID"), passphrase=os.getenv("CIRCUITPY_WIFI_PASSWORD"))
)
asyncio.run(main())
