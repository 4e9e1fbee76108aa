# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""WiFiNINA socket options: NINA-FW has none (the driver's ``setsockopt`` hands over here,
loaded on first use)."""

import adafruit_netdev as nd


def setsockopt(dev, fd, level, opt, value):
    """``OSError(EBADF)`` for a bad fd, else ``OSError(EOPNOTSUPP)``: no option is supported."""
    dev.socket_of(fd)
    raise nd.error(nd.EOPNOTSUPP, "socket option (%r, %r) not supported by NINA-FW" % (level, opt))
