# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""A program as it is written for a board with native Wi-Fi (ESP32-S3, Pico W): CircuitPython's
``wifi.radio``, ``socketpool.SocketPool(wifi.radio)``, ``ssl`` and ConnectionManager.
tests/radio/test_program.py runs it on every netdev with only the block that makes the radio
replaced. Settings: CIRCUITPY_WIFI_SSID/PASSWORD, TEST_HTTP_URL, TEST_HTTPS_URL."""

import os  # noqa: I001 - the radio block stays apart, as the test swaps it

import adafruit_connection_manager
import adafruit_requests

# -- the radio ----------------------------------------------------------------------------------
import socketpool
import ssl
import wifi

radio = wifi.radio
# -----------------------------------------------------------------------------------------------

print("mac", ":".join("%02x" % b for b in radio.mac_address))
radio.connect(os.getenv("CIRCUITPY_WIFI_SSID"), os.getenv("CIRCUITPY_WIFI_PASSWORD"))
print("connected", radio.connected, "ip", radio.ipv4_address, "gateway", radio.ipv4_gateway)

pool = socketpool.SocketPool(radio)
requests = adafruit_requests.Session(pool, ssl.create_default_context())
with requests.get(os.getenv("TEST_HTTP_URL") + "/get?via=socketpool") as response:
    print("http", response.status_code, response.json()["args"]["via"])

pool = adafruit_connection_manager.get_radio_socketpool(radio)
context = adafruit_connection_manager.get_radio_ssl_context(radio)
requests = adafruit_requests.Session(pool, context)
with requests.get(os.getenv("TEST_HTTPS_URL") + "/get?via=connection_manager") as response:
    print("https", response.status_code, response.json()["args"]["via"])

adafruit_connection_manager.connection_manager_close_all()  # every pool's sockets
radio.stop_station()
print("done", radio.connected)
