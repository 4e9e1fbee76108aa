# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Run on CircuitPython's core by ``make bench`` (tools/bench/circuitpython.py): a TCP
download or upload through the board's AirLift, with a socketpool over one of two drivers::

    transfer.py DRIVER DIRECTION HOST PORT BYTES BUFFER

``DRIVER`` is ``netdev`` (this project's WiFiNINA driver, found by ``probe()``, under
``adafruit_netdev.socketpool``) or ``esp32spi`` (Adafruit's ``adafruit_esp32spi``, unmodified,
under its own socketpool). ``DIRECTION`` ``down`` reads ``BYTES`` from make bench's byte
source at ``HOST:PORT`` (an 8-byte count asks for that many bytes); ``up`` sends them to its
sink (an 8-byte count, the bytes; it answers the count it got). The application reads into
and sends from one buffer of ``BUFFER`` bytes. ``BYTES`` 0: the driver's start only (make bench subtracts
such a run to count the transfer's instructions alone).

Prints ``CPU <direction> <user ticks> <system ticks> <bytes>``: the process's CPU time during
the transfer alone (``/proc/self/stat``, in the kernel's clock ticks).
"""

import os
import sys

driver, direction, host, port, size, buffer = sys.argv[1:7]
port, size, buffer = int(port), int(size), int(buffer)


def cpu():
    with open("/proc/self/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]), int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))


if driver == "netdev":
    from adafruit_netdev.netlink import ConnectParams
    from adafruit_netdev.probe import probe
    from adafruit_netdev.socketpool import SocketPool

    link, dev = probe()
    link.net_connect(ConnectParams(os.getenv("CIRCUITPY_WIFI_SSID"), os.getenv("CIRCUITPY_WIFI_PASSWORD")))
    pool = SocketPool(dev)
else:
    import board
    from adafruit_esp32spi import adafruit_esp32spi
    from adafruit_esp32spi.adafruit_esp32spi_socketpool import SocketPool
    from digitalio import DigitalInOut

    esp = adafruit_esp32spi.ESP_SPIcontrol(
        board.SPI(), DigitalInOut(board.ESP_CS), DigitalInOut(board.ESP_BUSY), DigitalInOut(board.ESP_RESET)
    )
    esp.connect_AP(os.getenv("CIRCUITPY_WIFI_SSID"), os.getenv("CIRCUITPY_WIFI_PASSWORD"))
    pool = SocketPool(esp)

buf = bytearray(buffer)


def connect(port):
    sock = pool.socket(pool.AF_INET, pool.SOCK_STREAM)
    sock.settimeout(30)
    sock.connect((host, port))
    return sock


sock = connect(port)
began = cpu()
sock.send(size.to_bytes(8, "big"))
if direction == "down":
    done = 0
    while done < size:
        n = sock.recv_into(buf)
        if not n:
            break
        done += n
else:
    sent = 0
    view = memoryview(buf)
    while sent < size:
        sent += sock.send(view[: min(len(buf), size - sent)])
    answer = bytearray(12)
    have = 0
    while have < 12:
        n = sock.recv_into(memoryview(answer)[have:])
        if not n:
            break
        have += n
    done = int.from_bytes(answer[:8], "big") if have == 12 else -1
user, system = cpu()
print("CPU %s %d %d %d" % (direction, user - began[0], system - began[1], done))
sock.close()
