# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""
`net.tls`
================================================================================

Go's ``crypto/tls`` client entry point, as TinyGo offers it: TLS runs on the co-processor,
so this only dials. ``tls.Dial("tcp", "httpbin.org:443", nil)`` becomes
``net.tls.dial("tcp", "httpbin.org:443")``.

Differences from TinyGo: a non-``None`` ``config`` raises :class:`NotImplementedError`
instead of being silently ignored (the co-processor holds the trust store: there is no
``InsecureSkipVerify``, no custom roots, no client certificates), and ``timeout`` is
honoured.
"""

import net


def dial(network, address, config=None, timeout=None):
    """Connect with TLS to ``address`` (``"host:port"`` or ``(host, port)``) and return a
    :class:`net.TLSConn`. ``network`` must be ``"tcp"`` or ``"tcp4"``; ``config`` must be
    ``None``; ``timeout`` (seconds) bounds connect and handshake."""
    if network not in ("tcp", "tcp4"):
        raise ValueError("unsupported network %r for TLS: use 'tcp' or 'tcp4'" % (network,))
    if config is not None:
        raise NotImplementedError(
            "TLS config is not supported: the co-processor verifies servers with its own CA bundle"
        )
    return net.dial_tls(address, timeout)
