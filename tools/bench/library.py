# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""What the library's own settings are, where the tables and notes explain a figure with
them (idle polling, latency): read from the code that ran, never copied into the text.
A rename in a driver breaks this module, and tests/test_bench.py with it."""


def poll_settings():
    """The shared back-off and the WiFiNINA driver's idle polling (milliseconds):
    ``poll_min``/``poll_max`` (adafruit_netdev's back-off between polls), ``recheck`` (an idle
    recv asks NINA for data and state at least this often, whatever GPIO0 says), and without
    GPIO0: ``blind_after`` (idle this long, the driver polls less), ``blind_poll`` (data asked
    at most this often) and ``blind_recheck`` (state asked this often)."""
    import adafruit_netdev as nd
    import adafruit_netdev_wifinina as wifinina

    return {
        "poll_min": nd.POLL_MIN_MS,
        "poll_max": nd.POLL_MAX_MS,
        "recheck": wifinina._RECHECK_MS,
        "blind_after": wifinina._BLIND_AFTER_MS,
        "blind_poll": wifinina._BLIND_POLL_MS,
        "blind_recheck": wifinina._BLIND_RECHECK_MS,
    }


def esp32_tcp_chunk():
    """The WiFiNINA driver's largest TCP send on NINA-FW 3.x (the ESP32 Arduino core): what
    that firmware's lwIP calls writable at once."""
    import adafruit_netdev_wifinina as wifinina

    return wifinina._ESP32_TCP_CHUNK
