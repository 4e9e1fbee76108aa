# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: Unlicense
"""Snake (TinyGo examples/net/snake): seven "segments", each with its own TCP connection
to an echo server, pass messages down a chain: a segment sends the message it gets to the
server and hands what comes back to the next one. The messages are this program's own
lines, and the tail prints them: the program reads itself out through seven sockets at
once (fewer when the co-processor has fewer free sockets). asyncio tasks stand in for
Go's goroutines, so it runs on CircuitPython too.

Run netdev_snake_server.py on your computer first.

Settings: CIRCUITPY_WIFI_SSID, CIRCUITPY_WIFI_PASSWORD, SERVER_ADDRESS (default
10.0.0.100:8080), EXAMPLE_ITERATIONS (times through the program, 100; 0 = forever),
SNAKE_SEGMENTS (7), EXAMPLE_INTERVAL (seconds a segment waits for the echo before
reading, 0.1).
"""

import asyncio
import errno
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
ROUNDS = int(os.getenv("EXAMPLE_ITERATIONS", "100"))
PAUSE = float(os.getenv("EXAMPLE_INTERVAL", "0.1"))
SEGMENTS = int(os.getenv("SNAKE_SEGMENTS", "7"))  # one socket each


class Channel:
    """Go's unbuffered channel for one sender and one receiver: ``put`` waits until
    ``get`` has taken the message."""

    def __init__(self):
        self._message = None
        self._full = asyncio.Event()
        self._taken = asyncio.Event()

    async def put(self, message):
        self._message = message
        self._taken.clear()
        self._full.set()
        await self._taken.wait()

    async def get(self):
        await self._full.wait()
        self._full.clear()
        message = self._message
        self._taken.set()
        return message


async def read_some(conn, buf):
    """Read what has arrived into ``buf`` without holding up the other segments: look
    once, and while nothing is there, let them run for 10 ms."""
    while True:
        conn.set_read_deadline(net.deadline(0))  # a deadline already passed: look, don't wait
        try:
            return conn.readinto(buf)
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ETIMEDOUT):
                raise
        await asyncio.sleep(0.01)


async def segment(conn, inbox, outbox):
    """Send each message from ``inbox`` to the echo server over ``conn``, pass the echo on."""
    buf = bytearray(512)
    while True:
        message = await inbox.get()
        if message is None:  # the end: pass it on
            conn.close()
            await outbox.put(None)
            return
        conn.write(message)
        await asyncio.sleep(PAUSE)
        echo = b""
        while len(echo) < len(message):  # the echo may come back in pieces
            n = await read_some(conn, buf)
            if n == 0:
                raise OSError(errno.ECONNRESET, "the echo server hung up")
            echo += bytes(buf[:n])
        await outbox.put(echo)


async def feed(head, lines):
    count = 0
    while count != ROUNDS:
        await head.put(("\n---%d---\n" % count).encode())
        for line in lines:
            await head.put(line)
        count += 1
    await head.put(None)


async def main():
    try:
        with open(__file__) as source:  # this program's own text
            text = source.read()
    except (NameError, OSError):
        with open("code.py") as source:
            text = source.read()
    lines = [(line or " ").encode() for line in text.split("\n")]

    # One connection per segment. A co-processor has few sockets (Adafruit's NINA
    # firmware 2.x and 3.x: 6): when it runs out, the snake is simply shorter.
    conns = []
    while len(conns) < SEGMENTS:
        try:
            conns.append(net.dial("tcp", SERVER, timeout=10))
        except OSError as error:
            if error.errno == errno.ENOMEM and conns:
                print("Out of sockets: the snake has %d segments" % len(conns))
                break
            print(error)
            time.sleep(5)  # and try again
    channels = [Channel() for _ in range(len(conns) + 1)]
    tasks = [asyncio.create_task(segment(conns[i], channels[i], channels[i + 1])) for i in range(len(conns))]
    tasks.append(asyncio.create_task(feed(channels[0], lines)))
    start = ticks_ms()
    count = 0
    while True:
        message = await channels[-1].get()
        if message is None:
            break
        print(message.decode())
        count += 1
    for task in tasks:
        await task
    seconds = ticks_diff(ticks_ms(), start) / 1000
    print("%d messages through %d segments in %.1f s" % (count, len(conns), seconds))


# Find the network device (the co-processor on a board, NETDEV on a computer) and join.
link, dev = probe()
link.net_connect(
    ConnectParams(ssid=os.getenv("CIRCUITPY_WIFI_SSID"), passphrase=os.getenv("CIRCUITPY_WIFI_PASSWORD"))
)
asyncio.run(main())
