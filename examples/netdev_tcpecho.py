# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: Unlicense
"""A TCP echo server (TinyGo examples/net/tcpecho): listen on port 8080 and send every
client back what it sends, several clients at once (asyncio tasks stand in for Go's
goroutines, so it runs on CircuitPython too).

Try it from your computer: ``nc -N <board address> 8080 < file > copy; cmp file copy``.

Settings: CIRCUITPY_WIFI_SSID, CIRCUITPY_WIFI_PASSWORD, LISTEN_ADDRESS (default ":8080"),
EXAMPLE_ITERATIONS (clients to serve before stopping, 0 = forever), EXAMPLE_LIFETIME
(seconds before stopping, 0 = forever).
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
CLIENTS = int(os.getenv("EXAMPLE_ITERATIONS", "0"))
LIFETIME = float(os.getenv("EXAMPLE_LIFETIME", "0"))


async def read_some(conn, buf):
    """Read what has arrived into ``buf`` without holding up the other tasks: look once,
    and while nothing is there, let them run for 10 ms. Returns 0 when the client is done."""
    while True:
        conn.set_read_deadline(net.deadline(0))  # a deadline already passed: look, don't wait
        try:
            return conn.readinto(buf)
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ETIMEDOUT):
                raise
        await asyncio.sleep(0.01)


async def echo(conn):
    client = conn.remote_addr
    print("Client", client, "connected")
    buf = bytearray(1024)  # one buffer per client (the Go original shares one: a data race)
    try:
        while True:
            n = await read_some(conn, buf)
            if n == 0:  # the client finished sending
                break
            conn.write(memoryview(buf)[:n])
    except OSError as error:
        print("Client", client, "error:", error)
    conn.close()
    print("Client", client, "closed")


async def main():
    listener = net.listen("tcp", LISTEN)
    print("Starting TCP server listening on", LISTEN)
    stop_at = net.deadline(LIFETIME) if LIFETIME else None
    tasks = []
    while len(tasks) != CLIENTS and not expired(stop_at):
        try:
            conn = listener.accept(timeout=0)  # 0: return at once, EAGAIN when nobody waits
        except OSError as error:
            if error.errno != errno.EAGAIN:
                raise
            await asyncio.sleep(0.01)
            continue
        tasks.append(asyncio.create_task(echo(conn)))
    listener.close()
    for task in tasks:  # let the clients finish
        if expired(stop_at):
            task.cancel()
        else:
            await task
    print("Server stopped after", len(tasks), "clients")


# Find the network device (the co-processor on a board, NETDEV on a computer) and join.
link, dev = probe()
link.net_connect(
    ConnectParams(ssid=os.getenv("CIRCUITPY_WIFI_SSID"), passphrase=os.getenv("CIRCUITPY_WIFI_PASSWORD"))
)
asyncio.run(main())
