# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""
`adafruit_netdev.host`
================================================================================

:class:`HostNetdev`: the Netdever and Netlinker over CPython's ``socket`` and ``ssl``, for
Linux boards with their own network (Raspberry Pi with Blinka) and as the reference netdev
every co-processor driver is compared with.

It behaves like a co-processor where that matters to portable code: a bounded fd table
(10 by default; exhaustion raises :class:`~adafruit_netdev.NoMoreSocketsError`), TLS done
"on the device" (``IPPROTO_TLS`` sockets, the server name given to ``connect``), and the
same deadline rules. TLS verifies certificates and host names against the system CA store,
or ``cafile``. ``gethostbyname`` with a deadline runs the system resolver in a thread of
its own and returns at the deadline (the resolver finishes in its own time).

A TLS peer that closes without ``close_notify`` reads as a clean end of stream, as on every
netdev (co-processors report both alike): trust a response's announced length or
terminator (``Content-Length``), and treat an end of stream before it as an error.
"""

import os
import socket
import ssl
import threading

from micropython import const

from adafruit_netdev import (
    AF_INET,
    EAI_NONAME,
    EBADF,
    ECONNABORTED,
    ECONNREFUSED,
    ECONNRESET,
    EINVAL,
    EIO,
    ENOMEM,
    ENOTCONN,
    EOPNOTSUPP,
    EPIPE,
    IPPROTO_TLS,
    IPPROTO_UDP,
    SO_KEEPALIVE,
    SO_LINGER,
    SOCK_DGRAM,
    SOCK_STREAM,
    SOL_SOCKET,
    SOL_TCP,
    TCP_KEEPINTVL,
    Netdever,
    check_address,
    check_buffer,
    check_hostname,
    check_socket_args,
    error,
    make_lock,
    remaining_ms,
    send_view,
    timeout_error,
    would_block,
)
from adafruit_netdev.netlink import Netlinker

_WOULD_BLOCK = (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError)
_TLS_RECORD = const(16384)  # the largest TLS record's payload


class _Slot:
    __slots__ = ("closed", "listening", "peer", "proto", "sock", "tls", "users")

    def __init__(self, sock, proto):
        self.sock = sock
        self.proto = proto
        self.tls = None
        self.peer = None
        self.listening = False
        self.users = 0  # calls running on it (see HostNetdev._held)
        self.closed = False


def _timeout_for(dl):
    """A socket timeout for deadline ``dl``: None blocks, 0.0 tries once."""
    ms = remaining_ms(dl)
    if ms is None:
        return None
    return ms / 1000 if ms > 0 else 0.0


def _resolve(name):
    try:
        return socket.gethostbyname(name)
    except (OSError, UnicodeError):
        raise error(EAI_NONAME, "host name %r not found" % (name,)) from None


def _resolve_into(name, found):
    try:
        found.append(_resolve(name))
    except OSError as exc:
        found.append(exc)


def _pem(data, what):
    if isinstance(data, str):
        data = data.encode()
    if not isinstance(data, (bytes, bytearray)) or b"-----BEGIN " not in data:
        raise ValueError("the client %s must be PEM text (-----BEGIN ...)" % what)
    return bytes(data)


def _load_client_cert(ctx, cert_pem, key_pem):
    """``ctx.load_cert_chain`` from PEM bytes (``ssl`` reads only files: private temporary
    ones, removed at once)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name, data in (("cert.pem", cert_pem), ("key.pem", key_pem)):
            path = os.path.join(tmp, name)
            with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as f:
                f.write(data)
            paths.append(path)
        try:
            ctx.load_cert_chain(paths[0], paths[1])
        except ssl.SSLError as exc:
            raise ValueError("client certificate or key not usable: %s" % (exc.reason or exc)) from None


def _blocked(timeout, what):
    """The error for a call that found nothing to do: EAGAIN when it was non-blocking
    (its deadline had passed before it began), ETIMEDOUT when it waited in vain."""
    return would_block(what) if timeout == 0.0 else timeout_error(what + " timed out")


class HostNetdev(Netdever, Netlinker):
    """Netdever + Netlinker over the host's own network stack.

    :param int max_sockets: size of the fd table, like a co-processor's socket slots
    :param str cafile: PEM file of trusted CAs for TLS (default: the system store)
    :param dict hosts: ``{name: ip}`` answered before the system resolver (like /etc/hosts)
    :param str any_address: what "any" (``""``/``"0.0.0.0"``) binds on this host; tests
        use ``"127.0.0.1"`` to stay on loopback
    """

    def __init__(self, max_sockets=10, cafile=None, hosts=None, any_address="0.0.0.0"):
        Netlinker.__init__(self)
        if max_sockets < 1:
            raise ValueError("max_sockets must be at least 1")
        self._slots = [None] * max_sockets
        self._lock = make_lock()
        self._cafile = cafile
        self._hosts = dict(hosts or {})
        self._any = any_address
        self._tls_context = None
        self._client_cert = None  # (cert PEM, key PEM) from set_client_cert
        self.debug = False

    # -- fd table --------------------------------------------------------------------------

    def open_fds(self):
        """The fds now open (for tests and leak checks)."""
        return [fd for fd, slot in enumerate(self._slots) if slot is not None]

    def _slot(self, fd):
        if isinstance(fd, int) and 0 <= fd < len(self._slots):
            slot = self._slots[fd]
            if slot is not None:
                return slot
        raise error(EBADF, "fd %r is not an open socket" % (fd,))

    def _held(self, fd, call, *args):
        """``call(slot, fd, *args)`` on the slot of ``fd``, which stays this call's until it
        ends: a close meanwhile shuts the socket down (the call stops waiting) but leaves it
        open, so that the OS cannot give its number to a new socket the call would then
        wait on; the last call to end closes it, and each raises EBADF."""
        with self._lock:
            slot = self._slot(fd)
            slot.users += 1
        try:
            return call(slot, fd, *args)
        finally:
            with self._lock:
                slot.users -= 1
                last = slot.closed and not slot.users
            if last:
                (slot.tls or slot.sock).close()
            if slot.closed:
                raise error(EBADF, "fd %d was closed while this call was waiting on it" % fd)

    def _store(self, slot):
        with self._lock:
            for fd, used in enumerate(self._slots):
                if used is None:
                    self._slots[fd] = slot
                    return fd
        slot.sock.close()
        raise error(ENOMEM, "no free socket: all %d are in use; close one first" % len(self._slots))

    # -- Netdever -----------------------------------------------------------------------------

    def gethostbyname(self, name, deadline=None):
        if check_hostname(name):
            return name
        if name in self._hosts:
            return self._hosts[name]
        timeout = _timeout_for(deadline)
        if timeout is None:
            return _resolve(name)
        # The system resolver takes no timeout: it runs in a thread of its own, and this call
        # returns at the deadline whether or not the resolver has (it finishes in its time).
        found = []
        thread = threading.Thread(target=_resolve_into, args=(name, found), name="netdev-dns", daemon=True)
        thread.start()
        thread.join(timeout)
        if not found:
            raise _blocked(timeout, "DNS lookup of %r" % (name,))
        if isinstance(found[0], OSError):
            raise found[0]
        return found[0]

    def addr(self):
        try:
            ip = socket.gethostbyname(socket.gethostname())
        except OSError:
            ip = "127.0.0.1"
        return ip

    def socket(self, domain, stype, protocol):
        protocol = check_socket_args(domain, stype, protocol)
        kind = socket.SOCK_DGRAM if stype == SOCK_DGRAM else socket.SOCK_STREAM
        sock = socket.socket(socket.AF_INET, kind)
        return self._store(_Slot(sock, protocol))

    def bind(self, fd, address):
        slot = self._slot(fd)
        ip, port = check_address(address)
        if slot.proto != IPPROTO_UDP:
            slot.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            slot.sock.bind((ip or self._any, port))
        except OSError as exc:
            raise error(exc.errno or EINVAL, "bind to %s:%d failed: %s" % (ip, port, exc.strerror))

    def connect(self, fd, host, address, deadline=None):
        return self._held(fd, self._connect, host, address, deadline)

    def _connect(self, slot, fd, host, address, deadline):
        ip, port = address
        if host:
            check_hostname(host)
        if slot.proto == IPPROTO_TLS:
            if not host:
                raise ValueError("a TLS connect needs the server's host name")
            if not ip:
                ip = self.gethostbyname(host, deadline)
        if not ip or not 0 < port < 65536:
            raise ValueError("cannot connect to %r:%r" % (ip, port))
        ip, port = check_address((ip, port))
        where = "%s:%d" % (host or ip, port)
        if slot.proto == IPPROTO_UDP:
            # records where send() goes; nothing is sent, and every sender is still heard
            # (recvfrom tells them apart), as on the co-processors
            slot.peer = (ip, port)
            return
        if slot.peer is not None:
            raise error(getattr(__import__("errno"), "EISCONN", 106), "fd %d is already connected" % fd)
        sock = slot.sock
        timeout = _timeout_for(deadline)
        try:
            sock.settimeout(timeout)
            sock.connect((ip, port))
            if slot.proto == IPPROTO_TLS:
                slot.tls = self._context().wrap_socket(sock, server_hostname=host)
        except ssl.SSLCertVerificationError as exc:
            self._reopen(slot)
            raise error(ECONNABORTED, "TLS to %s refused: %s" % (where, exc.verify_message)) from None
        except ssl.SSLError as exc:
            self._reopen(slot)
            raise error(ECONNABORTED, "TLS handshake with %s failed: %s" % (where, exc.reason)) from None
        except (socket.timeout, BlockingIOError):
            self._reopen(slot)
            raise _blocked(timeout, "connect to %s" % where) from None
        except ConnectionRefusedError:
            self._reopen(slot)
            raise error(ECONNREFUSED, "connection to %s refused: nothing listens there" % where) from None
        except OSError as exc:
            self._reopen(slot)
            raise error(exc.errno or EIO, "connect to %s failed: %s" % (where, exc.strerror)) from None
        slot.peer = (ip, port)

    def _reopen(self, slot):
        # A failed connect leaves a socket that cannot connect again; the fd stays valid
        # (TinyGo's examples retry on the same fd), so give it a fresh one.
        slot.sock.close()
        slot.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        slot.tls = None

    def set_default_verify_paths(self):
        """TLS connections from now on trust the system's default CA paths, not ``cafile``
        (``SSLContext.set_default_verify_paths``)."""
        self._cafile = None
        self._tls_context = None

    def _context(self):
        if self._tls_context is None:
            ctx = ssl.create_default_context(cafile=self._cafile)
            ctx.check_hostname = True
            ctx.verify_mode = ssl.CERT_REQUIRED
            if self._client_cert is not None:
                _load_client_cert(ctx, *self._client_cert)
            self._tls_context = ctx
        return self._tls_context

    def listen(self, fd, backlog):
        slot = self._slot(fd)
        if slot.proto == IPPROTO_UDP:
            raise error(EOPNOTSUPP, "listen on a UDP socket: UDP has no connections")
        if slot.proto == IPPROTO_TLS:
            raise error(EOPNOTSUPP, "TLS servers are not supported (TLS is client-only, as on co-processors)")
        try:
            slot.sock.listen(max(1, backlog))
        except OSError as exc:
            raise error(exc.errno or EINVAL, "listen failed: %s (bind first)" % exc.strerror) from None
        slot.listening = True

    def accept(self, fd, deadline=None):
        return self._held(fd, self._accept, deadline)

    def _accept(self, slot, fd, deadline):
        if not slot.listening:
            raise error(EINVAL, "fd %d is not listening: call listen() first" % fd)
        if None not in self._slots:
            raise error(ENOMEM, "no free socket to accept into: close one first")
        timeout = _timeout_for(deadline)
        try:
            slot.sock.settimeout(timeout)
            conn, peer = slot.sock.accept()
        except (socket.timeout, BlockingIOError):
            raise _blocked(timeout, "accept") from None
        except OSError as exc:
            raise error(exc.errno or EIO, "accept failed: %s" % exc.strerror) from None
        new = _Slot(conn, slot.proto)
        new.peer = peer
        return self._store(new), peer

    def send(self, fd, buf, flags=0, deadline=None):
        if flags:
            raise error(EOPNOTSUPP, "send flags %r not supported (the netdev contract has none)" % (flags,))
        return self._held(fd, self._send, buf, flags, deadline)

    def _send(self, slot, fd, buf, flags, deadline):
        sock = slot.tls or slot.sock
        if slot.peer is None:
            raise error(ENOTCONN, "fd %d is not connected" % fd)
        view = memoryview(send_view(buf))
        total = len(view)
        sent = 0
        timeout = _timeout_for(deadline)
        try:
            sock.settimeout(timeout)
            if slot.proto == IPPROTO_UDP:
                return sock.sendto(view, slot.peer)
            # TLS a record at a time: OpenSSL writes a buffer whole or not at all, so a
            # timeout part way through a larger one would hide how much went
            step = _TLS_RECORD if slot.tls else total
            while sent < total:
                sent += sock.send(view[sent : sent + step])
        except _WOULD_BLOCK + (socket.timeout,):
            if sent:
                return sent  # the deadline passed part way: report what went, lose nothing
            raise _blocked(timeout, "send") from None
        except (BrokenPipeError, ConnectionResetError, ssl.SSLEOFError):
            raise error(EPIPE, "send failed: the peer closed the connection") from None
        except OSError as exc:
            raise error(exc.errno or EIO, "send failed: %s" % exc.strerror) from None
        return sent

    def recv(self, fd, buf, flags=0, deadline=None):
        if flags:
            raise error(EOPNOTSUPP, "recv flags %r not supported (the netdev contract has none)" % (flags,))
        return self._held(fd, self._recv, buf, flags, deadline)

    def _recv(self, slot, fd, buf, flags, deadline):
        sock = slot.tls or slot.sock
        if slot.peer is None and slot.proto != IPPROTO_UDP:
            raise error(ENOTCONN, "fd %d is not connected" % fd)
        check_buffer(buf)
        timeout = _timeout_for(deadline)
        try:
            sock.settimeout(timeout)
            return sock.recv_into(buf)
        except _WOULD_BLOCK + (socket.timeout,):
            raise _blocked(timeout, "recv") from None
        except ssl.SSLEOFError:
            return 0  # the peer closed without close_notify: end of stream all the same
        except ConnectionResetError:
            raise error(ECONNRESET, "recv failed: the peer reset the connection") from None
        except OSError as exc:
            raise error(exc.errno or EIO, "recv failed: %s" % exc.strerror) from None

    def recvfrom(self, fd, buf, flags=0, deadline=None):
        """Like :meth:`recv`, and who sent it: ``(n, (ip, port))``. UDP: one datagram and its
        sender, from any sender; TCP/TLS: the connection's peer."""
        if flags:
            raise error(EOPNOTSUPP, "recvfrom flags %r not supported (the contract has none)" % (flags,))
        return self._held(fd, self._recvfrom, buf, deadline)

    def _recvfrom(self, slot, fd, buf, deadline):
        if slot.proto != IPPROTO_UDP:
            return self._recv(slot, fd, buf, 0, deadline), slot.peer
        check_buffer(buf)
        timeout = _timeout_for(deadline)
        try:
            slot.sock.settimeout(timeout)
            n, (ip, port) = slot.sock.recvfrom_into(buf)
        except _WOULD_BLOCK + (socket.timeout,):
            raise _blocked(timeout, "recvfrom") from None
        except OSError as exc:
            raise error(exc.errno or EIO, "recvfrom failed: %s" % exc.strerror) from None
        return n, (ip, port)

    def set_client_cert(self, cert_pem, key_pem):
        """The client certificate and its private key (PEM, ``bytes`` or ``str``) TLS
        connections made from now on present when a server asks for one; ``None, None``
        forgets them."""
        if (cert_pem is None) != (key_pem is None):
            raise ValueError("give both the certificate and its key, or neither (None, None)")
        if cert_pem is not None:
            cert_pem, key_pem = _pem(cert_pem, "certificate"), _pem(key_pem, "private key")
            _load_client_cert(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT), cert_pem, key_pem)  # (usable?)
        self._client_cert = None if cert_pem is None else (cert_pem, key_pem)
        self._tls_context = None  # the next TLS connect builds a context with them

    def close(self, fd):
        if not isinstance(fd, int) or not 0 <= fd < len(self._slots):
            raise error(EBADF, "fd %r is not a socket" % (fd,))
        with self._lock:
            slot = self._slots[fd]
            self._slots[fd] = None
            if slot is None:
                return
            slot.closed = True
            busy = slot.users
        sock = slot.tls or slot.sock
        if not busy:
            sock.close()
            return
        try:  # wake the calls that wait on it; the last of them closes it (_held)
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        except OSError:
            pass

    def setsockopt(self, fd, level, opt, value):
        slot = self._slot(fd)
        if level == SOL_SOCKET and opt == SO_KEEPALIVE:
            slot.sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1 if value else 0)
        elif level == SOL_SOCKET and opt == SO_LINGER:
            import struct

            slot.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, int(value)))
        elif level == SOL_TCP and opt == TCP_KEEPINTVL:
            slot.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, max(1, int(value)))
        else:
            raise error(EOPNOTSUPP, "socket option (%r, %r) is not supported" % (level, opt))

    # -- Netlinker: the host's own network is managed by the OS -------------------------------

    def net_connect(self, params=None):
        """The host is already on its network: mark the link up and fire ``EVENT_NET_UP``.
        ``params`` may be None or name any SSID (examples pass CIRCUITPY_WIFI_SSID)."""
        if params is None or not params.ssid:
            from adafruit_netdev.netlink import ConnectParams

            params = ConnectParams(ssid="host", watchdog_timeout=0)
        Netlinker.net_connect(self, params)

    def _link_join(self, params):
        return None

    def _link_leave(self):
        return None

    def _link_up(self):
        return True

    def _link_reset(self):
        return None

    def hardware_addr(self):
        """The MAC of the first non-loopback interface (6 bytes)."""
        try:
            for name in sorted(os.listdir("/sys/class/net")):
                if name == "lo":
                    continue
                with open("/sys/class/net/%s/address" % name) as f:
                    text = f.read().strip()
                if text and text != "00:00:00:00:00:00":
                    return bytes(int(part, 16) for part in text.split(":"))
        except OSError:
            pass
        import uuid

        return uuid.getnode().to_bytes(6, "big")

    def netif(self):
        """The module of the interface calls :class:`adafruit_netdev.radio.Radio` makes
        (docs/radio.rst)."""
        from adafruit_netdev import _host_netif  # noqa: PLC0415

        return _host_netif


__all__ = ["AF_INET", "SOCK_STREAM", "HostNetdev"]
