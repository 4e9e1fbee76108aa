# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: Unlicense
"""Ask an NTP server for the time over UDP (TinyGo examples/net/ntpclient), then keep the
time: print it once a minute.

The request is one 48-byte UDP datagram sent with ``net.dial("udp", ...)``, like the
original. (For real projects, adafruit_ntp does this for you over a SocketPool.)

Settings: CIRCUITPY_WIFI_SSID, CIRCUITPY_WIFI_PASSWORD, NTP_SERVER (default
0.pool.ntp.org:123), EXAMPLE_ITERATIONS (times printed after the first, 0 = forever),
EXAMPLE_INTERVAL (seconds between them, 60).
"""

import os
import time

import net
from adafruit_netdev.netlink import ConnectParams
from adafruit_netdev.probe import probe

if False:  # never runs (nor costs heap): names the drivers probe() loads, for `circup install --auto`
    import adafruit_netdev_rtl8720dn  # noqa: F401
    import adafruit_netdev_wifinina  # noqa: F401

NTP_SERVER = os.getenv("NTP_SERVER", "0.pool.ntp.org:123")
ITERATIONS = int(os.getenv("EXAMPLE_ITERATIONS", "0"))
INTERVAL = float(os.getenv("EXAMPLE_INTERVAL", "60"))
NTP_TO_UNIX = 2208988800  # seconds from 1900-01-01 (NTP's epoch) to 1970-01-01 (Unix's)

# A computer's time.localtime() applies its time zone; gmtime() (when there) does not.
utc = getattr(time, "gmtime", time.localtime)


def format_time(seconds):
    year, month, day, hour, minute, second = utc(seconds)[:6]
    return "%04d-%02d-%02d %02d:%02d:%02d +0000 UTC" % (year, month, day, hour, minute, second)


# Find the network device (the co-processor on a board, NETDEV on a computer) and join.
link, dev = probe()
link.net_connect(
    ConnectParams(ssid=os.getenv("CIRCUITPY_WIFI_SSID"), passphrase=os.getenv("CIRCUITPY_WIFI_PASSWORD"))
)

conn = net.dial("udp", NTP_SERVER)
print("Requesting NTP time...")
request = bytearray(48)
request[0] = 0xE3  # leap indicator 3 (clock not set), version 4, mode 3 (client)
conn.write(request)
conn.set_read_deadline(net.deadline(10))  # no answer in 10 seconds: an error, not a hang
response = bytearray(48)
n = conn.readinto(response)
if n != 48:
    raise RuntimeError("expected NTP packet size of 48: %d" % n)
conn.close()
link.net_disconnect()

# Bytes 40-43: the server's transmit time, whole seconds since 1900, big-endian.
seconds = int.from_bytes(response[40:44], "big") - NTP_TO_UNIX
print("NTP time:", format_time(seconds))

# Keep time from here with the board's own clock (integer nanoseconds: a board's floats
# are too short to hold today's date to the second).
start_ns = time.monotonic_ns()
count = 0
while count != ITERATIONS:
    time.sleep(INTERVAL)
    count += 1
    print("Current time:", format_time(seconds + (time.monotonic_ns() - start_ns) // 1000000000))
