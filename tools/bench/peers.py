# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The peers the netdevs talk to, in a child process (so that host CPU time counts driver
and emulator only): a byte source, a sink that checks what it got, a 64-byte echo that
stamps its replies, and a TLS byte source::

    python -m tools.bench.peers CERT KEY

prints ``{name: port}`` as one JSON line and serves until its stdin closes."""

import contextlib
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
import zlib

from tools import ROOT
from tools.bench.settings import ECHO_SIZE, MIB

CHUNK = 65536  # what the peers send and receive at a time
SINK_BUFFER = 8 * MIB  # the sink's kernel receive buffer: a whole upload
STOP_SECONDS = 5  # how long the peers get to stop
EXIT_SECONDS = 10  # how long the child process gets to exit


def _read_exactly(sock, count):
    data = bytearray()
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


PATTERN_BLOCK = bytes((i * 7919 + (i >> 8) * 31) & 0xFF for i in range(65521))


def pattern(size):
    """The bytes the source sends: a fixed pseudo-random block, repeated."""
    block = PATTERN_BLOCK
    reps = size // len(block) + 1
    return (block * reps)[:size]


def serve_source(sock, addr, peer):
    """Request: 8-byte big-endian count. Answer: that many bytes of :func:`pattern`, then
    the end of stream."""
    head = _read_exactly(sock, 8)
    if head is None:
        return
    (count,) = struct.unpack(">Q", head)
    data = memoryview(pattern(count))
    for at in range(0, count, CHUNK):
        sock.sendall(data[at : at + CHUNK])


def serve_sink(sock, addr, peer):
    """Request: 8-byte count, then that many bytes. Answer: count received and CRC-32."""
    head = _read_exactly(sock, 8)
    if head is None:
        return
    (count,) = struct.unpack(">Q", head)
    got = 0
    crc = 0
    while got < count:
        chunk = sock.recv(min(CHUNK, count - got))
        if not chunk:
            break
        got += len(chunk)
        crc = zlib.crc32(chunk, crc)
    sock.sendall(struct.pack(">QI", got, crc))
    while sock.recv(CHUNK):  # until the client closes
        pass


def serve_stamped_echo(sock, addr, peer):
    """``ECHO_SIZE``-byte requests; each answered at once by as many bytes whose first 8 are
    the CLOCK_MONOTONIC time (ns) of the answer's send."""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while True:
        request = _read_exactly(sock, ECHO_SIZE)
        if request is None:
            return
        sock.sendall(struct.pack(">Q", time.monotonic_ns()) + request[8:])


def serve_peers(cert, key):
    """The child process: start the peers, print their ports as one JSON line, serve until
    stdin closes."""
    from netdev_emulator.lab_peers import TCPPeer
    from netdev_emulator.lab_tls import server_context

    peers = {
        "source": TCPPeer("bench-source", serve_source),
        "sink": TCPPeer("bench-sink", serve_sink),
        "echo": TCPPeer("bench-echo", serve_stamped_echo),
        "tls_source": TCPPeer("bench-tls-source", serve_source, server_context((cert, key))),
    }
    # The sink's kernel buffer holds a whole upload: a sink process that the scheduler
    # holds back must not stall the emulated firmware's send buffer (Adafruit 1.x closes a
    # connection whose send would block, protocol-nina.rst), a hazard of this loopback only.
    peers["sink"]._listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SINK_BUFFER)
    for peer in peers.values():
        peer.start()
    print(json.dumps({name: peer.address[1] for name, peer in peers.items()}), flush=True)
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    deadline = time.monotonic() + STOP_SECONDS
    for peer in peers.values():
        peer.stop(deadline)
    return 0


@contextlib.contextmanager
def peer_process(cert, key):
    """The peers in a child process; yields ``{name: ("127.0.0.1", port)}``."""
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "tools.bench.peers", cert, key],
        cwd=str(ROOT),
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("bench peers did not start (exit code %s)" % proc.poll())
        yield {name: ("127.0.0.1", port) for name, port in json.loads(line).items()}
    finally:
        proc.stdin.close()
        try:
            proc.wait(EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(EXIT_SECONDS)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m tools.bench.peers CERT KEY")
    sys.exit(serve_peers(*sys.argv[1:]))
