# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Stand-in for ``circuitpython_typing.socket`` under MicroPython (type hints only)."""

CircuitPythonSocketType = InterfaceType = SocketpoolModuleType = SocketType = SSLContextType = object
