# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""
`adafruit_netdev.radio`
================================================================================

CircuitPython's ``wifi.radio`` over any netdev: a program written for a board with native
Wi-Fi runs on an AirLift (WiFiNINA), a Wio Terminal (RTL8720DN) or a computer (the host
netdev) when only the lines that make the radio change::

    # native:  import wifi, socketpool, ssl;  radio = wifi.radio
    from adafruit_netdev import socketpool, ssl
    from adafruit_netdev.radio import Radio
    radio = Radio(dev)                      # dev: a WiFiNINA, RTL8720DN or HostNetdev

    radio.connect(os.getenv("CIRCUITPY_WIFI_SSID"), os.getenv("CIRCUITPY_WIFI_PASSWORD"))
    print(radio.ipv4_address, radio.ping(radio.ipv4_gateway))
    pool = socketpool.SocketPool(radio)
    context = ssl.create_default_context()

:class:`Radio` is a thin face on the netdev (``radio.netdev``): the netdev's own methods
(the Netdever contract, ``net_connect``...) stay as they are, and a program that never
makes a radio never loads this module. What a firmware cannot do raises
``NotImplementedError`` naming the firmware; docs/radio.rst has the table.

Addresses are ``ipaddress.IPv4Address`` where the ``ipaddress`` module exists (CPython,
CircuitPython with native networking), else dotted strings; either form is accepted.

Making a radio also registers it with ``adafruit_connection_manager`` when that is
installed, so ``get_radio_socketpool(radio)`` and ``get_radio_ssl_context(radio)`` return
this library's pool and context (docs/radio.rst says how, and what would break it).
"""

import sys

import adafruit_netdev as nd

try:
    from ipaddress import IPv4Address as _address_type
except ImportError:
    _address_type = str

try:
    _ConnectionError = ConnectionError
except NameError:  # MicroPython
    _ConnectionError = OSError


class AuthMode:
    """CircuitPython's ``wifi.AuthMode``: one authentication protocol a network uses."""

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return "wifi.AuthMode." + self._name


AuthMode.OPEN = AuthMode("OPEN")
AuthMode.WEP = AuthMode("WEP")
AuthMode.WPA = AuthMode("WPA")
AuthMode.WPA2 = AuthMode("WPA2")
AuthMode.WPA3 = AuthMode("WPA3")
AuthMode.PSK = AuthMode("PSK")
AuthMode.ENTERPRISE = AuthMode("ENTERPRISE")


def _authmode(security):
    """The ``AuthMode`` list for a driver's security name ("open", "wpa2", ...)."""
    if security == "open":
        return [AuthMode.OPEN]
    if security == "wep":
        return [AuthMode.WEP]
    modes = []
    for name, mode in (("wpa", AuthMode.WPA), ("wpa2", AuthMode.WPA2), ("wpa3", AuthMode.WPA3)):
        if name in security.split("/"):
            modes.append(mode)
    if modes:
        modes.append(AuthMode.PSK)
    return modes  # (CircuitPython: empty for what it cannot name)


class Network:
    """CircuitPython's ``wifi.Network``: an access point found by a scan, or the one joined
    (:attr:`Radio.ap_info`)."""

    def __init__(self, ssid, bssid, rssi, channel, security):
        self.ssid = ssid
        """The network's name (``str``)."""
        self.bssid = bytes(bssid)
        """The access point's MAC address (6 ``bytes``)."""
        self.rssi = rssi
        """Signal strength, dBm (``int``)."""
        self.channel = channel
        """The channel (``int``; 0 where the firmware cannot say)."""
        self.authmode = _authmode(security)
        """The :class:`AuthMode` list the network uses (empty when the firmware cannot name it)."""
        self.country = ""
        """The country code (``""``: no co-processor firmware reports it)."""

    def __repr__(self):
        return "<Network %r %s ch %d %d dBm>" % (self.ssid, _mac_text(self.bssid), self.channel, self.rssi)


def _mac_text(mac):
    return ":".join("%02x" % b for b in mac)


class _Scan:
    """CircuitPython's ``wifi.ScannedNetworks``: an iterator of :class:`Network`."""

    def __init__(self, found):
        self._found = found

    def __iter__(self):
        return self

    def __next__(self):
        if not self._found:
            raise StopIteration
        return Network(*self._found.pop(0))


def _ip(value, name):
    """4 bytes from an ``IPv4Address``, a dotted string or 4 bytes; ``ValueError`` else."""
    if isinstance(value, (bytes, bytearray)) and len(value) == 4:
        return bytes(value)
    raw = nd.parse_ipv4(str(value))
    if raw is None:
        raise ValueError("%s must be an IPv4 address, not %r" % (name, value))
    return raw


def _address(text):
    """A dotted string as CircuitPython reports it: ``IPv4Address`` (or ``str``); ``None``
    for 0.0.0.0 (no address)."""
    if text is None or text == "0.0.0.0":
        return None
    return _address_type(text)


def _buffer_text(value, name):
    if isinstance(value, str):
        return value
    try:
        return bytes(value).decode()
    except (TypeError, ValueError, UnicodeError):
        raise TypeError("%s must be str or bytes, not %r" % (name, value))


# The drivers whose interface calls live in their package's _netif module. Found through
# sys.modules and isinstance rather than a method on the driver class: a method there would
# cost every TCP client heap (docs/radio.rst, "Inside").
_DRIVERS = (("adafruit_netdev_wifinina", "WiFiNINA"), ("adafruit_netdev_rtl8720dn", "RTL8720DN"))


def _interface(dev):
    """The module of ``dev``'s interface calls: its ``netif()`` where it has one (the host
    netdev), else its driver package's ``_netif``."""
    netif = getattr(dev, "netif", None)
    if netif is not None:
        return netif()
    for package, name in _DRIVERS:
        module = sys.modules.get(package)
        if module is not None and isinstance(dev, getattr(module, name)):
            return nd.load(package + "._netif")
    raise TypeError(
        "Radio needs a WiFiNINA, RTL8720DN or HostNetdev (or a netdev with netif()), not %r" % (dev,)
    )


class Radio:
    """CircuitPython's ``wifi.Radio`` over ``netdev`` (default: the netdev bound by
    :func:`adafruit_netdev.use_netdev`)."""

    def __init__(self, netdev=None):
        self.netdev = netdev if netdev is not None else nd.netdev()
        """The netdev this radio is a face of (``SocketPool(radio)`` uses it)."""
        self._if = _interface(self.netdev)
        self._ap = False
        self._hostname = None
        self._scan = None
        register_with_connection_manager(self)

    def _unsupported(self, what):
        return NotImplementedError("%s: not available on %s" % (what, self._if.firmware(self.netdev)))

    # -- the station ------------------------------------------------------------------------

    @property
    def enabled(self):
        """``True``: a co-processor's radio is on while the netdev exists (setting ``False``
        leaves the network, as CircuitPython's radio does when disabled)."""
        return True

    @enabled.setter
    def enabled(self, value):
        if not value:
            self.stop_station()
            self.stop_ap()

    def connect(self, ssid, password=b"", *, channel=0, bssid=None, timeout=None):
        """Join ``ssid`` and wait for an address (the netdev's Netlinker ``net_connect``).
        ``channel`` is a hint CircuitPython uses to shorten its scan (co-processors scan
        themselves: ignored). ``bssid`` (6 bytes) is refused by firmware that cannot pick an
        access point. ``timeout``: seconds (``None``: the netdev's default, 10 s). Raises
        ``ConnectionError`` as CircuitPython does: "Authentication failure", "No network
        with that ssid", else "Unknown failure"."""
        from adafruit_netdev.netlink import AuthError, ConnectError, ConnectParams  # noqa: PLC0415

        ssid = _buffer_text(ssid, "ssid")
        if not 1 <= len(ssid.encode()) <= 32:
            raise ValueError("ssid length must be 1-32")
        password = _buffer_text(password if password is not None else b"", "password")
        if password and not 8 <= len(password) <= 64:
            raise ValueError("password length must be 8-64")
        if bssid is not None:
            if len(bssid) != 6:
                raise ValueError("Invalid BSSID")
            raise self._unsupported("connect(bssid=...)")
        dev = self.netdev
        if dev.connected:
            if not self._ap and self._if.ssid(dev) == ssid:
                return  # already on it, as CircuitPython returns at once
            dev.net_disconnect()
        if self._ap:
            self._ap = False
            self._ap_stopped()
        params = ConnectParams(ssid=ssid, passphrase=password, retries=1)
        if timeout is not None:
            params.connect_timeout = timeout
        if self._hostname is not None:
            self._if.set_hostname(dev, self._hostname)  # takes effect at the join
        try:
            dev.net_connect(params)
        except AuthError:
            raise _ConnectionError("Authentication failure")
        except ConnectError as exc:
            if exc.args and exc.args[0] == nd.EHOSTUNREACH:
                raise _ConnectionError("No network with that ssid")
            raise _ConnectionError("Unknown failure %d: %s" % (exc.args[0], exc.args[-1]))

    def disconnect(self):
        """Leave the network (as ``stop_station``)."""
        self.stop_station()

    def start_station(self):
        """Nothing to do: the co-processor's station starts with :meth:`connect`."""

    def stop_station(self):
        """Leave the network the station joined (nothing when it joined none)."""
        if not self._ap:
            self.netdev.net_disconnect()

    @property
    def connected(self):
        """True while the station is joined to an access point."""
        return self.netdev.connected and not self._ap

    @property
    def ap_info(self):
        """The joined access point as a :class:`Network` (``None`` when not connected)."""
        if not self.connected:
            return None
        found = self._if.ap_info(self.netdev)
        return None if found is None else Network(*found)

    # -- addresses --------------------------------------------------------------------------

    def _info(self, index, ap):
        if ap != self._ap or not self.netdev.connected:
            return None
        return _address(self._if.ip_info(self.netdev)[index])

    @property
    def ipv4_address(self):
        """The station's address (``None`` when not connected)."""
        return self._info(0, False)

    @property
    def ipv4_subnet(self):
        """The station's netmask (``None`` when not connected)."""
        return self._info(1, False)

    @property
    def ipv4_gateway(self):
        """The station's gateway (``None`` when not connected)."""
        return self._info(2, False)

    @property
    def ipv4_address_ap(self):
        """The access point's own address (``None`` when it is not running)."""
        return self._info(0, True)

    @property
    def ipv4_subnet_ap(self):
        """The access point's netmask (``None`` when it is not running)."""
        return self._info(1, True)

    @property
    def ipv4_gateway_ap(self):
        """The access point's gateway (``None`` when it is not running)."""
        return self._info(2, True)

    @property
    def addresses(self):
        """The station's addresses as strings (empty when not connected)."""
        address = self.ipv4_address
        return () if address is None else (str(address),)

    @property
    def addresses_ap(self):
        """The access point's addresses as strings (empty when it is not running)."""
        address = self.ipv4_address_ap
        return () if address is None else (str(address),)

    @property
    def ipv4_dns(self):
        """The DNS server (``None`` when not connected). Settable."""
        if not self.netdev.connected:
            return None
        return _address(self._if.dns(self.netdev))

    @ipv4_dns.setter
    def ipv4_dns(self, value):
        self._if.set_dns(self.netdev, _ip(value, "ipv4_dns"))

    @property
    def dns(self):
        """The DNS server as a tuple of strings (empty when none). Settable with one."""
        address = self.ipv4_dns
        return () if address is None else (str(address),)

    @dns.setter
    def dns(self, value):
        if len(value) != 1:
            raise ValueError("dns takes one address")
        self.ipv4_dns = value[0]

    def set_ipv4_address(self, *, ipv4, netmask, gateway, ipv4_dns=None):
        """A static address for the station (stops its DHCP client), and the DNS server
        when given."""
        raw = (_ip(ipv4, "ipv4"), _ip(netmask, "netmask"), _ip(gateway, "gateway"))
        dns = None if ipv4_dns is None else _ip(ipv4_dns, "ipv4_dns")
        self._if.set_ip(self.netdev, *raw)
        if dns is not None:
            self._if.set_dns(self.netdev, dns)

    def set_ipv4_address_ap(self, *, ipv4, netmask, gateway):
        """A static address for the access point."""
        raise self._unsupported("set_ipv4_address_ap")

    def start_dhcp(self, *, ipv4=True, ipv6=False):
        """Start the station's DHCP client again (after :meth:`set_ipv4_address`)."""
        if ipv6:
            raise NotImplementedError("ipv6: no co-processor firmware has IPv6")
        if ipv4:
            self._if.start_dhcp(self.netdev)
        else:
            self.stop_dhcp()

    def stop_dhcp(self):
        """Stop the station's DHCP client (the address stays until another is set)."""
        self._if.stop_dhcp(self.netdev)

    def start_dhcp_ap(self):
        """The access point's DHCP server runs while the access point does."""

    def stop_dhcp_ap(self):
        """Not available: the firmware's access point always serves DHCP."""
        raise self._unsupported("stop_dhcp_ap")

    # -- identity ---------------------------------------------------------------------------

    @property
    def mac_address(self):
        """The station's MAC address (6 ``bytes``). Not settable."""
        return bytes(self.netdev.hardware_addr())

    @mac_address.setter
    def mac_address(self, value):
        raise self._unsupported("setting mac_address")

    @property
    def mac_address_ap(self):
        """The access point's MAC address (6 ``bytes``)."""
        return self._if.mac_address_ap(self.netdev)

    @property
    def hostname(self):
        """The name the interface gives DHCP. Setting it takes effect at the next
        :meth:`connect`, as on CircuitPython."""
        if self._hostname is not None:
            return self._hostname
        return self._if.hostname(self.netdev)

    @hostname.setter
    def hostname(self, value):
        name = _buffer_text(value, "hostname")
        if not 1 <= len(name) <= 253:
            raise ValueError("hostname length must be 1-253")
        for label in name.split("."):
            if not label or len(label) > 63 or label[0] == "-" or label[-1] == "-":
                raise ValueError("invalid hostname")
            for ch in label:
                if not (ch.isalpha() or ch.isdigit() or ch == "-") or ord(ch) > 127:
                    raise ValueError("invalid hostname")
        self._if.set_hostname(self.netdev, name)
        self._hostname = name

    @property
    def tx_power(self):
        """Not available on co-processor firmware."""
        raise self._unsupported("tx_power")

    @property
    def power_management(self):
        """Not available on co-processor firmware."""
        raise self._unsupported("power_management")

    # -- ping, scan -------------------------------------------------------------------------

    def ping(self, ip, *, timeout=0.5):
        """Echo time to ``ip`` in seconds (``float``), or ``None`` when no answer came within
        ``timeout`` seconds (``None``: 0.5). The co-processor waits for its own limit
        before it says "no answer" (NINA-FW: 5 s), whatever ``timeout`` is."""
        if timeout is None:
            timeout = 0.5
        ms = self._if.ping(self.netdev, _ip(ip, "ip"), timeout)
        if ms < 0 or ms > timeout * 1000:
            return None
        return ms / 1000

    def start_scanning_networks(self, *, start_channel=1, stop_channel=11):
        """Scan for access points; an iterator of :class:`Network`. The channel range is
        checked as CircuitPython does and otherwise ignored (the firmware scans them all)."""
        for value, name in ((start_channel, "start_channel"), (stop_channel, "stop_channel")):
            if not 1 <= value <= 14:
                raise ValueError("%s must be 1-14" % name)
        if self._scan is not None:
            raise RuntimeError("Already scanning for wifi networks")
        self._scan = _Scan(self._if.scan(self.netdev))
        return self._scan

    def stop_scanning_networks(self):
        """End the scan (its results are dropped)."""
        self._scan = None

    # -- the access point -------------------------------------------------------------------

    def start_ap(self, ssid, password=b"", *, channel=1, authmode=(), max_connections=4):
        """Start an access point (the netdev's Netlinker in AP mode; the station is left).
        ``authmode`` and ``max_connections`` are checked and otherwise the firmware's own
        (WPA2-PSK with a password, open without)."""
        from adafruit_netdev.netlink import CONNECT_MODE_AP, ConnectError, ConnectParams  # noqa: PLC0415

        ssid = _buffer_text(ssid, "ssid")
        if not 1 <= len(ssid.encode()) <= 32:
            raise ValueError("ssid length must be 1-32")
        password = _buffer_text(password, "password")
        if password and not 8 <= len(password) <= 63:
            raise ValueError("password length must be 8-63")
        if not 1 <= channel <= 13:
            raise ValueError("channel must be 1-13")
        if password and AuthMode.OPEN in authmode:
            raise ValueError("AuthMode.OPEN is not used with password")
        dev = self.netdev
        dev.net_disconnect()
        if self._ap:
            self._ap_stopped()
        self._ap = True
        params = ConnectParams(ssid=ssid, passphrase=password, connect_mode=CONNECT_MODE_AP, retries=1)
        params.channel = channel
        try:
            self._if.start_ap(dev, params)
        except ConnectError as exc:
            self._ap = False
            raise _ConnectionError("Unknown failure %d: %s" % (exc.args[0], exc.args[-1]))
        except BaseException:
            self._ap = False
            raise

    def stop_ap(self):
        """Stop the access point (nothing when none runs)."""
        if self._ap:
            self._ap = False
            self.netdev.net_disconnect()
            self._ap_stopped()

    def _ap_stopped(self):
        """The access point has stopped: the interface's ``ap_stopped(dev)``, where it has
        one, gives the station back what it lost (NINA-FW <= 2.x: the static address; as
        CircuitPython's station keeps its own across the access point's use)."""
        again = getattr(self._if, "ap_stopped", None)
        if again is not None:
            again(self.netdev)

    @property
    def ap_active(self):
        """True while the access point runs."""
        return self._ap and self.netdev.connected

    @property
    def stations_ap(self):
        """Not available: no co-processor firmware lists its stations to the host."""
        raise self._unsupported("stations_ap")


def register_with_connection_manager(radio):
    """Make ``adafruit_connection_manager.get_radio_socketpool(radio)`` and
    ``get_radio_ssl_context(radio)`` return a :class:`~adafruit_netdev.socketpool.SocketPool`
    and an SSL context of this library for ``radio``. The package dispatches on a radio's
    class name and knows none of ours, but it first looks the radio up in its own caches:
    this fills them. A :class:`Radio` calls this when it is made (importing the package
    when it is installed); call it again after ``connection_manager_close_all(pool,
    release_references=True)``, which empties them. Returns True when registered, False
    when the package is not installed."""
    try:
        import adafruit_connection_manager as cm  # noqa: PLC0415
    except ImportError:
        return False  # not installed: nothing to register with
    try:
        key = cm._get_radio_hash_key(radio)
        pools, contexts, keys = cm._global_socketpools, cm._global_ssl_contexts, cm._global_key_by_socketpool
    except AttributeError as exc:
        raise RuntimeError(
            "this adafruit_connection_manager has no radio caches (%s): make the pool with "
            "adafruit_netdev.socketpool.SocketPool(radio) instead" % exc
        )
    old = pools.get(key)
    if getattr(old, "dev", None) is not radio.netdev:
        # (an entry under this key for another netdev belongs to a radio that is gone: the
        # key is hash(radio), and a new object may get a dead one's hash)
        from adafruit_netdev.socketpool import SocketPool, create_default_context  # noqa: PLC0415

        if old is not None:
            keys.pop(old, None)
        pool = SocketPool(radio)
        pools[key] = pool
        contexts[key] = create_default_context(radio.netdev)
        keys[pool] = key
    return True
