# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""
`adafruit_netdev.ssl`
================================================================================

CircuitPython's ``ssl`` module names over a netdev, for programs written for a board with
native Wi-Fi: ``from adafruit_netdev import socketpool, ssl`` in place of ``import
socketpool, ssl`` (docs/radio.rst). The context is
:class:`adafruit_netdev.socketpool.SSLContext`: the co-processor does the TLS.
"""

from adafruit_netdev.socketpool import SSLContext, create_default_context

__all__ = ["SSLContext", "create_default_context"]
