# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The lab's servers: a threaded TCP peer (optionally TLS) with prompt, clean shutdown,
a datagram peer, and the small protocols that run on them (echo, counting sink, SNTP,
websocket echo)."""

import selectors
import socket
import struct
import sys
import threading
import time
import traceback

LOCALHOST = "127.0.0.1"
# A client that opens a TLS connection and never finishes the handshake is dropped after this.
HANDSHAKE_TIMEOUT = 10.0
# How long the close_notify exchange at the end of a TLS connection may take.
TLS_CLOSE_TIMEOUT = 1.0
# 2208988800 s from 1900-01-01 (the NTP era) to 1970-01-01 (the Unix epoch).
NTP_UNIX_OFFSET = 2208988800


def _wait_threads(threads, deadline):
    """Join ``threads`` until ``deadline`` (a ``time.monotonic()`` value); the names of
    those still alive."""
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return [thread.name for thread in threads if thread.is_alive()]


class _Waker:
    """A socket pair whose read end a selector watches, so another thread can end a
    ``select()`` at once instead of waiting for a poll interval."""

    def __init__(self):
        self.reader, self._writer = socket.socketpair()

    def wake(self):
        try:
            self._writer.send(b"x")
        except OSError:
            pass

    def close(self):
        self.reader.close()
        self._writer.close()


class TCPPeer:
    """A TCP server on ``127.0.0.1`` (free port) serving each connection in its own thread.

    :param str name: the peer's name in errors and thread names
    :param handler: ``handler(sock, addr, peer)`` serves one connection; the peer closes
        the socket when it returns
    :param ssl.SSLContext tls_context: when given, every connection is TLS (server side);
        the handshake runs in the connection's thread, bounded by ``HANDSHAKE_TIMEOUT``

    ``stop()`` ends the accept loop at once, shuts every open connection down so blocked
    handlers return, and joins all threads (bounded).
    """

    def __init__(self, name, handler, tls_context=None, backlog=64):
        self.name = name
        self.tls = tls_context is not None
        self._handler = handler
        self._tls_context = tls_context
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._connections = {}  # thread -> socket being served
        self.accepted = 0  # connections accepted so far
        self._waker = _Waker()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            self._listener.bind((LOCALHOST, 0))
            self._listener.listen(backlog)
        except OSError:
            self._listener.close()
            self._waker.close()
            raise
        self.address = self._listener.getsockname()
        self._thread = threading.Thread(
            target=self._accept_loop, name="lab-%s-accept" % name, daemon=True
        )

    def start(self):
        self._thread.start()
        return self

    def _accept_loop(self):
        with selectors.DefaultSelector() as selector:
            selector.register(self._listener, selectors.EVENT_READ)
            selector.register(self._waker.reader, selectors.EVENT_READ)
            while not self.stopping.is_set():
                for key, _ in selector.select():
                    if key.fileobj is self._waker.reader:
                        return
                    try:
                        conn, addr = self._listener.accept()
                    except OSError:
                        continue  # the client gave up between select and accept
                    thread = threading.Thread(
                        target=self._serve_connection,
                        args=(conn, addr),
                        name="lab-%s-%s:%d" % (self.name, addr[0], addr[1]),
                        daemon=True,
                    )
                    with self._lock:
                        if self.stopping.is_set():
                            conn.close()
                            return
                        self._connections[thread] = conn
                        self.accepted += 1
                    thread.start()

    def _track(self, sock):
        """Make ``sock`` the socket ``stop()`` shuts down for this thread; False when the
        peer is already stopping."""
        with self._lock:
            self._connections[threading.current_thread()] = sock
            return not self.stopping.is_set()

    def _serve_connection(self, conn, addr):
        sock = conn
        try:
            if self._tls_context is not None:
                # Wrap without the handshake first, so the wrapped socket is tracked
                # (and stop() can interrupt it) before anything blocks on it.
                sock = self._tls_context.wrap_socket(
                    conn, server_side=True, do_handshake_on_connect=False
                )
                if not self._track(sock):
                    return
                sock.settimeout(HANDSHAKE_TIMEOUT)
                sock.do_handshake()
                sock.settimeout(None)
            self._handler(sock, addr, self)
            if self._tls_context is not None:
                # Say goodbye properly so a client reading to the end sees a clean EOF.
                sock.settimeout(TLS_CLOSE_TIMEOUT)
                sock.unwrap()
        except (OSError, ValueError):
            pass  # the client went away, failed the handshake, or the lab is stopping
        except Exception:  # pylint: disable=broad-except
            sys.stderr.write("lab %s: error serving %s:%d\n" % (self.name, addr[0], addr[1]))
            traceback.print_exc()
        finally:
            with self._lock:
                self._connections.pop(threading.current_thread(), None)
            sock.close()

    def connection_count(self):
        """How many connections are being served now."""
        with self._lock:
            return len(self._connections)

    def stop(self, deadline):
        """Stop serving; returns the names of threads still alive at ``deadline``."""
        self.stopping.set()
        self._waker.wake()
        stuck = _wait_threads([self._thread], deadline) if self._thread.ident else []
        self._listener.close()
        with self._lock:
            threads = list(self._connections)
            for sock in self._connections.values():
                try:
                    # The plain socket method: never disturb an SSL object another
                    # thread is blocked in; shutting the descriptor down wakes it.
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
                except OSError:
                    pass
        stuck += _wait_threads(threads, deadline)
        self._waker.close()
        return stuck


class DatagramPeer:
    """A UDP server on ``127.0.0.1`` (free port), one thread; ``respond(data, addr)``
    returns the reply datagram or None."""

    def __init__(self, name, respond):
        self.name = name
        self._respond = respond
        self._waker = _Waker()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            self._sock.bind((LOCALHOST, 0))
        except OSError:
            self._sock.close()
            self._waker.close()
            raise
        self.address = self._sock.getsockname()
        self.requests = 0
        self._thread = threading.Thread(
            target=self._loop, name="lab-%s" % name, daemon=True
        )

    def start(self):
        self._thread.start()
        return self

    def _loop(self):
        with selectors.DefaultSelector() as selector:
            selector.register(self._sock, selectors.EVENT_READ)
            selector.register(self._waker.reader, selectors.EVENT_READ)
            while True:
                for key, _ in selector.select():
                    if key.fileobj is self._waker.reader:
                        return
                    try:
                        data, addr = self._sock.recvfrom(65535)
                    except OSError:
                        continue  # e.g. an ICMP port unreachable from an earlier reply
                    self.requests += 1
                    reply = self._respond(data, addr)
                    if reply is not None:
                        try:
                            self._sock.sendto(reply, addr)
                        except OSError:
                            pass

    def stop(self, deadline):
        self._waker.wake()
        stuck = _wait_threads([self._thread], deadline) if self._thread.ident else []
        self._sock.close()
        self._waker.close()
        return stuck


# -- protocols --------------------------------------------------------------------------


def serve_echo(sock, addr, peer):
    """TCP echo: send back everything until the client half-closes, then close."""
    while True:
        data = sock.recv(65536)
        if not data:
            return
        sock.sendall(data)


class Sink:
    """What the counting sink received: the bytes of each connection, in the order the
    connections closed."""

    def __init__(self):
        self._cond = threading.Condition()
        self._closed = []

    def serve(self, sock, addr, peer):
        """The TCP handler: read to the end, then record the connection's bytes (also when
        the client resets the connection: what arrived is recorded)."""
        parts = []
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                parts.append(data)
        finally:
            with self._cond:
                self._closed.append(b"".join(parts))
                self._cond.notify_all()

    def wait_closed(self, count, timeout):
        """The bytes of the first ``count`` closed connections (a list of bytes objects);
        ``TimeoutError`` if fewer than ``count`` have closed within ``timeout`` seconds."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._closed) >= count, timeout):
                raise TimeoutError(
                    "lab sink: %d of %d connections closed within %.1f s"
                    % (len(self._closed), count, timeout)
                )
            return list(self._closed[:count])

    @property
    def closed(self):
        """The bytes of every connection closed so far (a new list)."""
        with self._cond:
            return list(self._closed)

    def clear(self):
        """Forget the connections closed so far (open ones are recorded when they close)."""
        with self._cond:
            del self._closed[:]


def ntp_timestamp(seconds):
    """64-bit NTP timestamp (seconds since 1900 and a 32-bit binary fraction) of the Unix
    time ``seconds``."""
    whole = int(seconds)
    fraction = int((seconds - whole) * (1 << 32)) & 0xFFFFFFFF
    return struct.pack(">II", (whole + NTP_UNIX_OFFSET) & 0xFFFFFFFF, fraction)


def sntp_reply(request, addr=None, clock=time.time):
    """The SNTP server's answer to ``request`` (None for anything but a client request):
    48 bytes, LI 0, VN 4, mode 4 (server), stratum 1, originate = the request's transmit
    timestamp, reference/receive/transmit = now."""
    if len(request) < 48 or request[0] & 0x07 != 3:
        return None
    now = ntp_timestamp(clock())
    header = struct.pack(
        ">BBBbII4s",
        0x24,  # LI 0, VN 4, mode 4
        1,  # stratum 1: a primary reference
        request[2],  # poll: echo the client's
        -20,  # precision: about a microsecond
        0,  # root delay
        0,  # root dispersion
        b"LAB\x00",  # reference id
    )
    return header + now + bytes(request[40:48]) + now + now


class WebSocketPeer:
    """A websocket echo server (``/echo``; text and binary) on the ``websockets`` sync API,
    in its own thread."""

    def __init__(self, name="ws"):
        try:
            from websockets.sync.server import serve  # pylint: disable=import-outside-toplevel
        except ImportError as exc:
            raise RuntimeError(
                "lab peer %r needs the 'websockets' package (>= 13): pip install websockets"
                % name
            ) from exc
        self.name = name
        self._server = serve(
            self._echo,
            LOCALHOST,
            0,
            process_request=self._route,
            compression=None,  # plain frames: a small device client need not inflate
            ping_interval=None,  # nor answer pings
        )
        self.address = self._server.socket.getsockname()
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="lab-%s" % name, daemon=True
        )

    @staticmethod
    def _route(connection, request):
        if request.path.split("?")[0] != "/echo":
            return connection.respond(404, "only /echo here\n")
        return None

    @staticmethod
    def _echo(websocket):
        for message in websocket:
            websocket.send(message)

    def start(self):
        self._thread.start()
        return self

    def stop(self, deadline):
        # shutdown() closes open connections and waits for their handlers; run it in a
        # thread so that the wait stays bounded too.
        closer = threading.Thread(target=self._server.shutdown, name="lab-ws-shutdown")
        closer.start()
        threads = [closer, self._thread] if self._thread.ident else [closer]
        return _wait_threads(threads, deadline)
