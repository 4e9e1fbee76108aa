# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The virtual world an emulated co-processor lives in: access points, DNS, port mapping,
the firmware's trusted CA store, and the model clock both emulators share."""

import fcntl
import hashlib
import os
import socket
import ssl
import struct
import tempfile
import threading
import warnings

WIRE_SLACK = 256 * 1024  # unsent host bytes still counted as in flight (see send_room)
_SIOCOUTQNSD = 0x894B  # Linux: bytes in a TCP send queue not yet sent
PC_ADDRESS = "127.0.0.1"  # the computer, where the lab's peers and the emulators' ports are
DEVICE_ADDRESS = "127.0.0.2"  # the emulated co-processor's own address, where it can be had
_device_address = None


def default_device_ip():
    """The address an emulated co-processor gets unless told otherwise: ``127.0.0.2``, a
    loopback address of its own, so that its sockets never take a port of the computer's
    (127.0.0.1) and a device socket can use the same port number as a peer on the
    computer, as a real co-processor with its own IP can. Linux routes all of
    127.0.0.0/8 to the loopback interface; where only 127.0.0.1 exists (macOS, unless
    127.0.0.2 is added as an alias) it falls back to ``127.0.0.1`` with a warning."""
    global _device_address  # noqa: PLW0603 (checked once per process)
    if _device_address is None:
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                probe.bind((DEVICE_ADDRESS, 0))
            _device_address = DEVICE_ADDRESS
        except OSError as exc:
            warnings.warn(
                "netdev_emulator: %s is not a loopback address here (%s): the emulated "
                "co-processor shares %s with this computer, so its sockets take this "
                "computer's port numbers (on macOS: sudo ifconfig lo0 alias %s up)"
                % (DEVICE_ADDRESS, exc, PC_ADDRESS, DEVICE_ADDRESS),
                RuntimeWarning,
                stacklevel=2,
            )
            _device_address = PC_ADDRESS
    return _device_address


def send_room(sock, buffer_size):
    """Free space of a modelled lwIP TCP send buffer of ``buffer_size`` bytes over the host
    socket ``sock``: what the host has not been able to put on the wire yet (the peer's
    window is full) counts as queued.

    The model moves bytes far faster than the chip's bus, so a peer that keeps up with the
    bus may still fall behind the emulator for a moment (a thread waiting for the GIL, a
    process not scheduled), and loopback TCP holds back small segments for a while (a
    congestion window counted in packets, delayed ACKs). The first ``WIRE_SLACK`` unsent
    bytes are therefore "on the wire", not in lwIP's buffer: only a peer that stops reading
    makes the queue grow past them, and then the buffer fills after ``buffer_size`` more,
    as on the chip."""
    try:
        queued = struct.unpack("i", fcntl.ioctl(sock.fileno(), _SIOCOUTQNSD, b"\0\0\0\0"))[0]
    except (OSError, ValueError):  # closed, or not a TCP socket
        return buffer_size
    return max(0, buffer_size - max(0, queued - WIRE_SLACK))


def load_client_certificate(context, cert_pem, key_pem, password=None):
    """``context.load_cert_chain`` for a certificate chain and key held as PEM bytes or str
    (what a firmware model was sent), through files only this call sees."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, pem in (("cert.pem", cert_pem), ("key.pem", key_pem)):
            path = os.path.join(folder, name)
            with open(path, "wb") as f:
                f.write(pem.encode() if isinstance(pem, str) else pem)
            paths.append(path)
        context.load_cert_chain(paths[0], paths[1], password=password)


class AccessPoint:
    """One access point of the world. ``passphrase`` None means an open network."""

    def __init__(self, ssid, passphrase, channel, rssi, bssid):
        self.ssid = ssid
        self.passphrase = passphrase
        self.channel = channel
        self.rssi = rssi
        self.bssid = bssid
        self.up = True

    @property
    def open(self):
        return self.passphrase is None


class Network:
    """The virtual world shared by every emulated co-processor.

    :param dict access_points: ``{ssid: passphrase or None}`` (None: an open network)
    :param dict hosts: ``{name: ip}`` answered before the host's resolver
    :param dict ports: ``{(name_or_ip, port): local_port}``: a connection to that name (or
        address) and port reaches ``127.0.0.1:local_port`` instead
    :param str cafile: PEM bundle the co-processor trusts (its built-in CA store); None
        uses the host's default store
    :param str ip: the co-processor's own address: what it reports, and the host address
        every socket it opens binds (listening or not), so that the computer reaches its
        servers there. Default :func:`default_device_ip` (``127.0.0.2``, else
        ``127.0.0.1``); its gateway and DNS server are the computer, ``127.0.0.1``
    :param bool resolve_host_names: ask the host's resolver for names not in ``hosts``;
        False keeps the world closed (unknown names fail, as offline)
    """

    def __init__(
        self,
        access_points=None,
        hosts=None,
        ports=None,
        *,
        cafile=None,
        ip=None,
        resolve_host_names=True,
    ):
        self.access_points = {}
        for index, (ssid, passphrase) in enumerate((access_points or {}).items()):
            digest = hashlib.sha1(ssid.encode()).digest()
            bssid = b"\x02" + digest[:5]  # locally administered, stable per SSID
            self.access_points[ssid] = AccessPoint(
                ssid, passphrase, 1 + (index * 5) % 11, -40 - (index * 7) % 40, bssid
            )
        self.hosts = dict(hosts or {})
        self.ports = dict(ports or {})
        self.cafile = cafile
        self.ip = ip or default_device_ip()
        self.gateway = PC_ADDRESS if self.ip.startswith("127.") else self.ip
        self.netmask = "255.0.0.0" if self.ip.startswith("127.") else "255.255.255.0"
        self.resolve_host_names = resolve_host_names
        self.dns_failing = False
        self._lock = threading.Lock()

    # -- access points -------------------------------------------------------------------

    def visible_access_points(self):
        """The access points in range now, strongest first."""
        with self._lock:
            aps = [ap for ap in self.access_points.values() if ap.up]
        return sorted(aps, key=lambda ap: -ap.rssi)

    def join(self, ssid, passphrase):
        """The outcome of an association attempt: ``"ok"``, ``"no-ap"`` or ``"auth"``."""
        with self._lock:
            ap = self.access_points.get(ssid)
            if ap is None or not ap.up:
                return "no-ap"
            if ap.passphrase is None:
                return "ok" if not passphrase else "auth"
            return "ok" if passphrase == ap.passphrase else "auth"

    def is_up(self, ssid):
        with self._lock:
            ap = self.access_points.get(ssid)
            return ap is not None and ap.up

    def drop_access_point(self, ssid):
        """The access point goes out of range (associated co-processors lose the link)."""
        with self._lock:
            self.access_points[ssid].up = False

    def restore_access_point(self, ssid):
        """The access point is back in range."""
        with self._lock:
            self.access_points[ssid].up = True

    # -- DNS and routing ---------------------------------------------------------------------

    def resolve(self, name):
        """The IPv4 address for ``name`` (literal addresses as they are), or None."""
        if self.dns_failing:
            return None
        if name in self.hosts:
            return self.hosts[name]
        parts = name.split(".")
        if len(parts) == 4 and all(p.isascii() and p.isdigit() and int(p) < 256 for p in parts):
            return name
        if not self.resolve_host_names or not name:
            return None
        try:
            return socket.gethostbyname(name)
        except (OSError, UnicodeError):
            return None

    def route(self, ip, port, name=None):
        """Where a connection to ``ip:port`` (for host ``name``, when known) really goes:
        the ``ports`` map applied, as a host ``(ip, port)`` pair."""
        for key in ((name, port), (ip, port)):
            if key[0] is not None and key in self.ports:
                return "127.0.0.1", self.ports[key]
        for mapped_name, mapped_ip in self.hosts.items():
            if mapped_ip == ip and (mapped_name, port) in self.ports:
                return "127.0.0.1", self.ports[(mapped_name, port)]
        return ip, port

    def listen_address(self, port):
        """The host address a listening co-processor socket on ``port`` binds."""
        return self.ip, port

    def client_context(self):
        """An ``ssl.SSLContext`` as the firmware's TLS client uses: the world's CA store,
        certificate and host-name verification on."""
        ctx = ssl.create_default_context(cafile=self.cafile) if self.cafile else (
            ssl.create_default_context()
        )
        ctx.check_hostname = True
        ctx.verify_mode = ssl.CERT_REQUIRED
        return ctx


class BusStats:
    """Counters of one emulated bus, and its model clock: what the traffic would cost on
    the real link (bytes at the link rate plus per-transaction overhead and firmware
    turnaround), independent of how fast the host runs the emulator."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self.transactions = 0
            self.commands = 0
            self.bytes_to_device = 0
            self.bytes_from_device = 0
            self.model_seconds = 0.0

    def add(self, to_device=0, from_device=0, seconds=0.0, transactions=1, commands=0):
        with self._lock:
            self.transactions += transactions
            self.commands += commands
            self.bytes_to_device += to_device
            self.bytes_from_device += from_device
            self.model_seconds += seconds

    def snapshot(self):
        """A dict of the counters now (for differences across an operation)."""
        with self._lock:
            return {
                "transactions": self.transactions,
                "commands": self.commands,
                "bytes_to_device": self.bytes_to_device,
                "bytes_from_device": self.bytes_from_device,
                "model_seconds": self.model_seconds,
            }

    def __repr__(self):
        s = self.snapshot()
        return (
            "BusStats(transactions=%(transactions)d, commands=%(commands)d, "
            "to_device=%(bytes_to_device)d, from_device=%(bytes_from_device)d, "
            "model_seconds=%(model_seconds).6f)" % s
        )


# -- carrying a world to a subprocess (examples run as their own processes) ----------------

def world_to_environ(world):
    """Environment variables that describe ``world``, for a program started as a
    subprocess whose ``probe()`` builds an emulated co-processor
    (``python -m netdev_emulator run``, ``make demo``)."""
    aps = ",".join(
        "%s=%s" % (ap.ssid, "" if ap.passphrase is None else ap.passphrase)
        for ap in world.access_points.values()
    )
    hosts = ",".join("%s=%s" % item for item in world.hosts.items())
    ports = ",".join("%s:%d=%d" % (name, port, local) for (name, port), local in world.ports.items())
    env = {
        "NETDEV_EMULATOR_APS": aps,
        "NETDEV_EMULATOR_HOSTS": hosts,
        "NETDEV_EMULATOR_PORTS": ports,
        "NETDEV_EMULATOR_IP": world.ip,
    }
    if world.cafile:
        env["NETDEV_CA_FILE"] = world.cafile  # the one name of the CA file setting
    return env


def world_from_environ(getenv):
    """The :class:`Network` described by :func:`world_to_environ` (``getenv`` is
    ``os.getenv``). Without those variables: one access point named after
    ``CIRCUITPY_WIFI_SSID`` (default ``"lab-ap"``) with ``CIRCUITPY_WIFI_PASSWORD``, and
    the host's own resolver."""
    aps = {}
    spec = getenv("NETDEV_EMULATOR_APS")
    if spec:
        for item in spec.split(","):
            ssid, _, passphrase = item.partition("=")
            aps[ssid] = passphrase or None
    elif getenv("CIRCUITPY_WIFI_SSID"):
        aps[getenv("CIRCUITPY_WIFI_SSID")] = getenv("CIRCUITPY_WIFI_PASSWORD") or None
    else:
        aps["lab-ap"] = "lab-password"  # the lab's access point, as the examples' settings name it
    hosts = dict(item.split("=", 1) for item in (getenv("NETDEV_EMULATOR_HOSTS") or "").split(",") if item)
    ports = {}
    for item in (getenv("NETDEV_EMULATOR_PORTS") or "").split(","):
        if item:
            key, _, local = item.partition("=")
            name, _, port = key.rpartition(":")
            ports[(name, int(port))] = int(local)
    return Network(
        access_points=aps,
        hosts=hosts,
        ports=ports,
        cafile=_ca_file(getenv),
        ip=getenv("NETDEV_EMULATOR_IP") or None,
        resolve_host_names=not hosts,
    )


def _ca_file(getenv):
    """``NETDEV_CA_FILE``, or its old name ``NETDEV_EMULATOR_CAFILE`` (with a warning)."""
    path = getenv("NETDEV_CA_FILE")
    if not path and getenv("NETDEV_EMULATOR_CAFILE"):
        import warnings

        warnings.warn("NETDEV_EMULATOR_CAFILE is renamed NETDEV_CA_FILE: the old name still works "
                      "for now; rename it", FutureWarning, stacklevel=3)
        path = getenv("NETDEV_EMULATOR_CAFILE")
    return path or None


# -- the emulators' command lines -----------------------------------------------------------

def add_world_arguments(parser):
    """The options every emulator command takes to describe its world."""
    parser.add_argument("--ap", action="append", default=[], metavar="SSID[:PASS]",
                        help="an access point in range (repeatable; no :PASS: an open network). "
                        "Without --ap/--host/--map the world comes from the NETDEV_EMULATOR_* "
                        "and CIRCUITPY_WIFI_* variables (default: lab-ap:lab-password)")
    parser.add_argument("--host", action="append", default=[], metavar="NAME=IP",
                        help="a host name the co-processor resolves (repeatable)")
    parser.add_argument("--map", action="append", default=[], metavar="NAME:PORT=LOCALPORT",
                        help="connections to NAME:PORT reach 127.0.0.1:LOCALPORT (repeatable)")
    parser.add_argument("--cafile", help="PEM bundle the co-processor trusts for TLS")
    parser.add_argument("--ip", help="the co-processor's own address (default 127.0.0.2, or "
                        "127.0.0.1 where the system has no such loopback address)")
    parser.add_argument("--offline", "--no-resolve", dest="offline", action="store_true",
                        help="names not given with --host do not resolve (a closed world)")


def world_from_args(args):
    """The :class:`Network` that :func:`add_world_arguments`' options describe."""
    if not (args.ap or args.host or args.map):
        import os

        world = world_from_environ(os.getenv)
    else:
        aps = {}
        for item in args.ap:
            ssid, sep, passphrase = item.partition(":")
            aps[ssid] = passphrase if sep else None
        hosts = {}
        for item in args.host:
            name, sep, ip = item.partition("=")
            if not sep:
                raise SystemExit("--host wants NAME=IP, got %r" % item)
            hosts[name] = ip
        ports = {}
        for item in args.map:
            key, sep, local = item.partition("=")
            name, colon, port = key.rpartition(":")
            if not sep or not colon:
                raise SystemExit("--map wants NAME:PORT=LOCALPORT, got %r" % item)
            ports[(name, int(port))] = int(local)
        world = Network(access_points=aps, hosts=hosts, ports=ports)
    if args.cafile:
        world.cafile = args.cafile
    if args.ip:
        world.ip = args.ip
        world.gateway = PC_ADDRESS if args.ip.startswith("127.") else args.ip
    if args.offline:
        world.resolve_host_names = False
    return world
