# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""
`adafruit_netdev.netlink`
================================================================================

TinyGo's ``netlink.Netlinker`` (L2: join and leave a network, link events, MAC)::

    net_connect(params)     join (STA) or start (AP) a network; retries, events, watchdog
    net_disconnect()        leave it; fires EVENT_NET_DOWN
    net_notify(callback)    callback(event) on EVENT_NET_UP / EVENT_NET_DOWN
    hardware_addr()         the 6-byte MAC address

:class:`Netlinker` holds the logic every driver shares (validation, the attempt loop,
events, the watchdog); a driver supplies four small hooks.
"""

import errno

from adafruit_ticks import ticks_add, ticks_diff, ticks_ms
from micropython import const

from adafruit_netdev import EHOSTUNREACH, EIO, EISCONN, ETIMEDOUT

CONNECT_MODE_STA = const(0)
CONNECT_MODE_AP = const(1)

AUTH_TYPE_WPA2 = const(0)
AUTH_TYPE_OPEN = const(1)
AUTH_TYPE_WPA = const(2)
AUTH_TYPE_WPA2_MIXED = const(3)

EVENT_NET_UP = const(0)
EVENT_NET_DOWN = const(1)


class ConnectError(OSError):
    """Joining the network failed (TinyGo ``ErrConnectFailed``)."""


class ConnectTimeoutError(ConnectError):
    """No association within ``connect_timeout`` (TinyGo ``ErrConnectTimeout``); errno ETIMEDOUT."""


class AuthError(ConnectError):
    """The access point refused the passphrase (TinyGo ``ErrAuthFailure``); errno EACCES."""


class ConnectParams:
    """What :meth:`Netlinker.net_connect` joins: TinyGo's ``netlink.ConnectParams``.

    :param str ssid: network name (required)
    :param str passphrase: WPA passphrase, 8 to 63 characters; ``""`` for an open network
    :param int connect_mode: ``CONNECT_MODE_STA`` (join) or ``CONNECT_MODE_AP`` (start one)
    :param int auth_type: ``AUTH_TYPE_WPA2`` (default), ``AUTH_TYPE_OPEN``, ...
    :param str country: regulatory domain, e.g. ``"US"`` (``""``: the firmware's default)
    :param int retries: attempts before giving up; ``0`` retries forever, as in TinyGo
    :param float connect_timeout: seconds per attempt
    :param float watchdog_timeout: seconds between link checks; ``0`` for no watchdog
    """

    def __init__(
        self,
        ssid="",
        passphrase="",
        connect_mode=CONNECT_MODE_STA,
        auth_type=AUTH_TYPE_WPA2,
        country="",
        retries=0,
        connect_timeout=10,
        watchdog_timeout=0,
    ):
        self.ssid = ssid or ""
        self.passphrase = passphrase or ""
        self.connect_mode = connect_mode
        self.auth_type = auth_type
        self.country = country
        self.retries = retries
        self.connect_timeout = connect_timeout
        self.watchdog_timeout = watchdog_timeout

    def validate(self):
        """Raise ``ValueError`` for parameters no firmware accepts."""
        if not self.ssid:
            raise ValueError("missing SSID: set CIRCUITPY_WIFI_SSID in settings.toml")
        if len(self.ssid) > 32:
            raise ValueError("SSID longer than 32 bytes")
        if self.passphrase and not 8 <= len(self.passphrase) <= 63:
            raise ValueError("passphrase must be 8 to 63 characters (or empty for an open network)")
        if self.connect_mode not in (CONNECT_MODE_STA, CONNECT_MODE_AP):
            raise ValueError("connect_mode must be CONNECT_MODE_STA or CONNECT_MODE_AP")
        if self.retries < 0 or self.connect_timeout <= 0 or self.watchdog_timeout < 0:
            raise ValueError("retries, connect_timeout and watchdog_timeout must not be negative")

    def __repr__(self):
        return "ConnectParams(ssid=%r, mode=%d, retries=%d)" % (
            self.ssid,
            self.connect_mode,
            self.retries,
        )


try:
    import threading as _threading
except ImportError:
    _threading = None


class Netlinker:
    """Shared Netlinker behaviour. A driver calls ``Netlinker.__init__(self)`` and implements:

    * ``_link_join(params)``: one attempt to join (or start, in AP mode) within
      ``params.connect_timeout``; raises :class:`ConnectError` (or a subclass) on failure;
    * ``_link_leave()``: leave the network;
    * ``_link_up()``: True while associated (one cheap status exchange);
    * ``_link_reset()``: recover the link after a bus fault: back in step if it can, else
      reset the co-processor (raises when neither works);

    The watchdog is cooperative: call :meth:`poll` from the main loop (CircuitPython has no
    threads); where threads exist, a daemon thread calls it for you.
    """

    link_fault = None  # set by a driver when the bus faults; the watchdog then resets

    def __init__(self):
        self._params = None
        self._callback = None
        self._connected = False
        self._down = False
        self._next_check = None
        self._watch_thread = None
        self._watch_stop = None

    def net_connect(self, params):
        """Join the network in ``params``: up to ``params.retries`` attempts (0 = forever),
        then ``EVENT_NET_UP`` and, when asked, the watchdog. A refused passphrase raises
        :class:`AuthError` at once (retrying cannot help)."""
        params.validate()
        if self._connected:
            raise ConnectError(EISCONN, "already connected: call net_disconnect() first")
        attempt = 0
        while True:
            attempt += 1
            try:
                self._link_join(params)
                break
            except AuthError:
                raise
            except ConnectError as exc:
                if params.retries and attempt >= params.retries:
                    raise exc
                self._log("connect attempt %d to %r failed: %s; retrying" % (attempt, params.ssid, exc))
        self._params = params
        self._connected = True
        self._down = False
        self.link_fault = None
        self._fire(EVENT_NET_UP)
        if params.watchdog_timeout and _threading is not None:
            from adafruit_netdev import _watchdog  # noqa: PLC0415

            _watchdog.start(self, params.watchdog_timeout)

    def net_disconnect(self):
        """Leave the network (a no-op when not connected); fires ``EVENT_NET_DOWN``."""
        if self._watch_stop is not None:
            from adafruit_netdev import _watchdog  # noqa: PLC0415

            _watchdog.stop(self)
        self._next_check = None
        if not self._connected:
            return
        self._connected = False
        try:
            self._link_leave()
        finally:
            self._fire(EVENT_NET_DOWN)

    def net_notify(self, callback):
        """Call ``callback(event)`` with ``EVENT_NET_UP``/``EVENT_NET_DOWN``; one callback, the last given."""
        self._callback = callback

    @property
    def connected(self):
        """True between a successful :meth:`net_connect` and :meth:`net_disconnect`."""
        return self._connected

    def poll(self):
        """One watchdog step: when ``watchdog_timeout`` has passed since the last check, check
        the link; if it is down (or the bus faulted), fire ``EVENT_NET_DOWN`` and reconnect,
        firing ``EVENT_NET_UP`` when back. Cheap when nothing is due; call it often."""
        params = self._params
        if not self._connected or params is None or not params.watchdog_timeout:
            return
        now = ticks_ms()
        if self._next_check is not None and ticks_diff(self._next_check, now) > 0:
            return
        self._next_check = ticks_add(now, int(params.watchdog_timeout * 1000))
        from adafruit_netdev import _watchdog  # noqa: PLC0415 - loaded when a check is due

        _watchdog.check(self, params)

    def _fire(self, event):
        if self._callback is not None:
            self._callback(event)

    def _log(self, message):
        if getattr(self, "debug", False):
            print(message)

    def hardware_addr(self):
        """The interface's 6-byte MAC address."""
        raise OSError(errno.EOPNOTSUPP, "hardware_addr not supported")


def connect_timeout_error(ssid, seconds):
    """The error for an attempt that did not associate in time."""
    return ConnectTimeoutError(ETIMEDOUT, "no association with %r within %s s" % (ssid, seconds))


def no_network_error(ssid):
    """The error for an SSID that no access point answers to."""
    return ConnectError(EHOSTUNREACH, "no access point named %r in range" % (ssid,))


def auth_error(ssid):
    """The error for a refused passphrase."""
    return AuthError(getattr(errno, "EACCES", 13), "access point %r refused the passphrase" % (ssid,))


def failed_error(ssid, detail):
    """Any other failed attempt."""
    return ConnectError(EIO, "could not join %r: %s" % (ssid, detail))
