# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""WiFiNINA TLS beyond the connect (which the driver does): a TLS record the firmware holds
for a peer that takes nothing, and the client certificate (Adafruit's SET_CLI_CERT and
SET_PK: docs/protocol-nina.rst). Loaded on first use."""

from micropython import const

import adafruit_netdev as nd
from adafruit_netdev import timeout_error
from adafruit_netdev_wifinina import codec as c

_SET_CLI_CERT = const(0x40)
_SET_PK = const(0x41)
# The firmware's buffers (Adafruit main/CommandHandler.cpp: CERT_BUF, PK_BUFF), the same in
# 1.7, 2.x and 3.x: each copied whole from the command, read up to its first NUL
_CERT_BUF = const(1300)
_PK_BUFF = const(1700)


def drop_held(dev, sock, exc, limit_ms):
    """``send`` failed with ``exc`` while the firmware (<= 2.x) held a TLS record of it. When
    the bound for that record passed, the session is stuck behind a peer that takes nothing
    (and any other bytes written now would be answered for that record): the connection is
    closed, as Adafruit 3.x's firmware closes one after 30 s. Returns the error to report."""
    sock.held = None
    if exc.args[0] not in (nd.ETIMEDOUT, nd.EAGAIN):
        return exc  # the connection or the link failed meanwhile: nothing is held any more
    link = dev.link
    if sock.number >= 0 and sock.gen == dev.gen and link.broken is None:
        link.call(c.STOP_CLIENT_TCP, sock.number)
    sock.number = -1
    sock.eof = True
    return timeout_error(
        "send: the TLS peer took no data for %d s; the connection is closed" % (limit_ms // 1000)
    )


def check_handshake(dev, sock, deadline, host, port):
    """After START_CLIENT answered 1 for a TLS connection on Adafruit's NINA-FW 1.x: that
    firmware answers 1 for a handshake that failed, too (``WiFiSSLClient::connect`` retries
    it for 120 s, then stops the client and returns -1, which ``startClientTcp`` takes for
    success). Its GET_CLIENT_STATE tells: 0 for the stopped client (and the firmware frees
    the number), while a connection just made answers 4 at least once. Raises the TLS error
    for a failed handshake; the caller's deadline bounds the one exchange."""
    sock.dl = deadline
    if dev._still_open(sock):
        return
    sock.eof = False  # (nothing was connected: the fd may try again, as after any failed connect)
    raise nd.error(
        nd.ECONNREFUSED,
        "TLS handshake with %s:%d failed: certificate not trusted for that name or server "
        "refused (it may require a client certificate: SSLContext.load_cert_chain); Adafruit "
        "NINA-FW %s reports this only after retrying for 120 s" % (host, port, dev.version),
    )


def set_client_cert(dev, cert_pem, key_pem):
    """SET_CLI_CERT and SET_PK (Adafruit's NINA-FW): the certificate and key its TLS
    connections present from now on; kept for the driver to send again after a reset."""
    if not dev.adafruit:
        raise NotImplementedError(
            "Arduino's NINA-FW %s has no client certificates (its command 0x40 is SET_ENT, "
            "WPA2 Enterprise): flash Adafruit's NINA-FW (1.7 or later)" % dev.version
        )
    if dev.esp32_core:
        raise NotImplementedError(
            "Adafruit's NINA-FW %s (3.x) sets a client certificate instead of its CA bundle: "
            "once one is set no TLS connection works until a reset (docs/wifinina.rst); "
            "mutual TLS needs Adafruit's NINA-FW 1.7 or 2.x" % dev.version
        )
    if (cert_pem is None) != (key_pem is None):
        raise ValueError("give both the certificate and its key, or neither (None, None)")
    if cert_pem is None:
        if getattr(dev, "client_cert", None) is not None:
            raise NotImplementedError(
                "NINA-FW keeps a client certificate until the co-processor restarts: it cannot "
                "forget one (reset it, e.g. a new WiFiNINA, to connect without)"
            )
        return
    cert = _pem(cert_pem, "certificate", _CERT_BUF)
    key = _pem(key_pem, "private key", _PK_BUFF)
    dev.check()
    send_client_cert(dev, cert, key)
    dev.client_cert = (cert, key)


def send_client_cert(dev, cert, key):
    """Send ``cert`` and ``key`` (checked PEM bytes) to the co-processor (again after a
    reset: the firmware forgets them)."""
    link = dev.link
    frame = bytearray(max(len(cert), len(key)) + 9)  # (see _text_command)
    for cmd, data in ((_SET_CLI_CERT, cert), (_SET_PK, key)):
        length = _text_command(frame, cmd, data)
        link.take(None)
        try:
            link.send(length, cmd, frame)
            link.receive(cmd, 2000, 1)
            ok = link.rep[4] == 1
        finally:
            link.release()
        if not ok:
            raise nd.error(nd.EIO, "the co-processor refused the client certificate (0x%02x)" % cmd)


def _pem(data, what, room):
    """``data`` as PEM bytes that fit the firmware's buffer of ``room`` bytes with the NUL
    that ends them (mbedTLS reads the text up to it)."""
    if isinstance(data, str):
        data = data.encode()
    if not isinstance(data, (bytes, bytearray)) or b"-----BEGIN " not in data or b"\0" in data:
        raise ValueError("the client %s must be PEM text (-----BEGIN ...)" % what)
    if len(data) >= room:
        raise ValueError(
            "the client %s is %d bytes: NINA-FW holds at most %d (a shorter key or chain, e.g. "
            "an EC key, fits)" % (what, len(data), room - 1)
        )
    return bytes(data)


def _text_command(buf, cmd, text):
    """The frame of a command whose parameter the firmware copies from offset 4 into a fixed
    buffer and reads as a C string, not by its length (SET_CLI_CERT, SET_PK): ``text``,
    then a NUL that ends it there; the length byte holds the low 8 bits of its length, as
    the reference host sends. ``buf`` needs ``len(text) + 9`` bytes; returns the frame
    length. (A frame builder like those of codec.py, kept here: only this rarely loaded
    module sends it, and codec.py is in every program's heap.)"""
    n = len(text)
    pos = c.begin(buf, cmd, 1)
    buf[pos] = n & 0xFF
    buf[pos + 1 : pos + 1 + n] = text
    buf[pos + 1 + n] = 0
    return c.finish(buf, pos + 2 + n)
