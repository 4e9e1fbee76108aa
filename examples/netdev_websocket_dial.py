# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: Unlicense
"""A websocket client (TinyGo examples/net/websocket/dial): connect to an echo server,
send "hello, world!", print what comes back. The websocket protocol (RFC 6455) is small
enough to speak by hand over a ``net`` connection: an HTTP "Upgrade" request, then
frames.

Settings: CIRCUITPY_WIFI_SSID, CIRCUITPY_WIFI_PASSWORD, WEBSOCKET_URL (default
ws://10.0.0.100:8080/echo).
"""

import binascii
import os

import net
from adafruit_netdev.netlink import ConnectParams
from adafruit_netdev.probe import probe

if False:  # never runs (nor costs heap): names the drivers probe() loads, for `circup install --auto`
    import adafruit_netdev_rtl8720dn  # noqa: F401
    import adafruit_netdev_wifinina  # noqa: F401

URL = os.getenv("WEBSOCKET_URL", "ws://10.0.0.100:8080/echo")
ORIGIN = "http://localhost/"  # servers may refuse a websocket without an Origin
TEXT, CLOSE = 0x1, 0x8  # frame types


received = b""  # what the server sent that we have not used yet


def fill(conn):
    """Read a piece more from the server into ``received``. Big pieces: every read is a
    trip over the bus to the co-processor."""
    global received
    piece = conn.read(512)
    if not piece:
        raise OSError("the server closed the connection")
    received += piece


def take(conn, n):
    """The next ``n`` bytes from the server."""
    global received
    while len(received) < n:
        fill(conn)
    data, received = received[:n], received[n:]
    return data


def send_frame(conn, kind, payload):
    """One final frame. A client masks its payload with 4 random bytes (RFC 6455 5.3)."""
    mask = os.urandom(4)
    header = bytearray([0x80 | kind])  # 0x80: the last (only) frame of this message
    if len(payload) < 126:
        header.append(0x80 | len(payload))  # 0x80: masked
    else:
        header.append(0x80 | 126)
        header += len(payload).to_bytes(2, "big")
    masked = bytearray(payload)
    for i in range(len(masked)):
        masked[i] ^= mask[i % 4]
    conn.write(header + mask + masked)


def read_frame(conn):
    """``(kind, payload)`` of the next frame (servers do not mask theirs)."""
    first, second = take(conn, 2)
    size = second & 0x7F
    if size == 126:
        size = int.from_bytes(take(conn, 2), "big")
    elif size == 127:
        size = int.from_bytes(take(conn, 8), "big")
    return first & 0x0F, take(conn, size)


# Find the network device (the co-processor on a board, NETDEV on a computer) and join.
link, dev = probe()
link.net_connect(
    ConnectParams(ssid=os.getenv("CIRCUITPY_WIFI_SSID"), passphrase=os.getenv("CIRCUITPY_WIFI_PASSWORD"))
)

# "ws://host:port/path" -> "host:port", "/path"
rest = URL[len("ws://") :]
slash = rest.find("/")
address, path = (rest, "/") if slash < 0 else (rest[:slash], rest[slash:])
if ":" not in address:
    address += ":80"

conn = net.dial("tcp", address, timeout=10)
conn.set_read_deadline(net.deadline(10))  # every read below gives up after 10 seconds

# The opening handshake: an HTTP request asking to switch to the websocket protocol.
key = binascii.b2a_base64(os.urandom(16)).strip()  # a random challenge, base64
handshake = (
    "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nOrigin: %s\r\n\r\n"
) % (path, address, key.decode(), ORIGIN)
conn.write(handshake.encode())
while b"\r\n\r\n" not in received:  # the answer's headers end with an empty line
    fill(conn)
reply = take(conn, received.find(b"\r\n\r\n") + 4)  # frames may follow: they stay
if not reply.startswith(b"HTTP/1.1 101"):
    raise OSError("the server refused the websocket: " + reply.split(b"\r\n")[0].decode())
try:  # boards without hashlib skip checking the server's answer to our key
    import hashlib

    expected = hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest()
    if binascii.b2a_base64(expected).strip() not in reply:
        raise OSError("wrong Sec-WebSocket-Accept: not a websocket server?")
except ImportError:
    pass

send_frame(conn, TEXT, b"hello, world!\n")
kind, message = read_frame(conn)
print("Received:", message.decode(), end="")

send_frame(conn, CLOSE, (1000).to_bytes(2, "big"))  # 1000: normal closure
kind, _ = read_frame(conn)  # the server's CLOSE in answer
conn.close()
