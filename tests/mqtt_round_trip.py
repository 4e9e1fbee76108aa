# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""One MQTT round trip with adafruit_minimqtt, for the tests that reach a broker through a
netdev (mutual TLS on each driver): subscribe, publish, loop until the message comes back."""


def round_trip(mqtt, topic, text, loops=20):
    """Connect ``mqtt`` (an ``adafruit_minimqtt.MQTT``), subscribe to ``topic``, publish
    ``text`` and loop until it comes back (at most ``loops`` one-second loops); disconnect.
    Returns what came, as ``[(topic, message), ...]``."""
    received = []
    mqtt.on_message = lambda _client, t, message: received.append((t, message))
    mqtt.connect()
    try:
        mqtt.subscribe(topic)
        mqtt.publish(topic, text)
        for _ in range(loops):
            if received:
                break
            mqtt.loop(timeout=1)
    finally:
        mqtt.disconnect()
    return received
