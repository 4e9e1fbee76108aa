# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: Unlicense
"""MQTT with adafruit_minimqtt (TinyGo examples/net/mqttclient, natiu and paho): subscribe
to a topic, publish ten messages to it, receive each one back from the broker, disconnect.

Settings: CIRCUITPY_WIFI_SSID, CIRCUITPY_WIFI_PASSWORD, MQTT_BROKER (default
test.mosquitto.org), MQTT_PORT (1883), MQTT_TOPIC (cpu/freq), EXAMPLE_ITERATIONS
(messages, 10), EXAMPLE_INTERVAL (seconds between messages, 1).
"""

import os
import random
import sys
import time

import adafruit_minimqtt.adafruit_minimqtt as MQTT

from adafruit_netdev.netlink import ConnectParams
from adafruit_netdev.probe import probe
from adafruit_netdev.socketpool import SocketPool

if False:  # never runs (nor costs heap): names the drivers probe() loads, for `circup install --auto`
    import adafruit_netdev_rtl8720dn  # noqa: F401
    import adafruit_netdev_wifinina  # noqa: F401

BROKER = os.getenv("MQTT_BROKER", "test.mosquitto.org")
PORT = int(os.getenv("MQTT_PORT", "1883"))
TOPIC = os.getenv("MQTT_TOPIC", "cpu/freq")
MESSAGES = int(os.getenv("EXAMPLE_ITERATIONS", "10"))
INTERVAL = float(os.getenv("EXAMPLE_INTERVAL", "1"))

cpu_mhz = 0  # the CPU clock is what we publish: a board knows it, a computer says 0
if sys.implementation.name == "circuitpython":
    import microcontroller

    cpu_mhz = microcontroller.cpu.frequency / 1e6

# Find the network device (the co-processor on a board, NETDEV on a computer) and join.
link, dev = probe()
link.net_connect(
    ConnectParams(ssid=os.getenv("CIRCUITPY_WIFI_SSID"), passphrase=os.getenv("CIRCUITPY_WIFI_PASSWORD"))
)

# A client id nobody else uses: a broker drops the older of two clients with the same id.
client_id = "circuitpython-" + "".join(random.choice("ABCDEFGHIJKLMNOPQRSTUVWXY") for _ in range(10))
print("ClientId:", client_id)

received = []


def on_message(client, topic, message):
    print("Message", message, "received on topic", topic)
    received.append(message)


mqtt = MQTT.MQTT(
    broker=BROKER,
    port=PORT,
    client_id=client_id,
    socket_pool=SocketPool(dev),
    socket_timeout=0.1,  # how long one wait for data may take (loop() calls it often)
    recv_timeout=10,
)
mqtt.on_message = on_message

print("Connecting to MQTT broker at %s:%d" % (BROKER, PORT))
mqtt.connect()
mqtt.subscribe(TOPIC)
print("Subscribed to topic", TOPIC)

for i in range(MESSAGES):
    mqtt.publish(TOPIC, "%.02fMhz" % cpu_mhz)
    time.sleep(INTERVAL)
    # The broker sends our own message back (we subscribed): wait for it, up to 10 s.
    for _ in range(50):
        if len(received) > i:
            break
        mqtt.loop(timeout=0.2)

mqtt.disconnect()
print("Disconnected,", len(received), "of", MESSAGES, "messages received")
