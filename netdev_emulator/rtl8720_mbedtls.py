# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The RTL8720DN firmware's TLS calls, as a model: eRPC service 17 (the
``rpc_wifi_mbedtls`` interface). Each handler decodes a request as the server shim does
(seeed-ambd-firmware ``src/erpc_shim/rpc_wifi_api_server.cpp``: strings copied into
``erpc_malloc``'d buffers the context then owns), calls what ``rpc_wifi_ssl_*`` in
``src/wifi/wifi_api.c`` calls in ``src/wifi/wifi_ssl_client.c`` (``wifi_ssl_set_rootCA``,
``wifi_start_ssl_client``, ...), and encodes the reply, with the firmware's quirks: the
setters and getters declared ``uint32_t`` return nothing, the string getters copy into
their own input, a freed or invented context handle crashes the chip. The sessions are
:mod:`netdev_emulator.rtl8720_tls`; ``rpc_wifi_ssl_strerror`` is mbedTLS 2.4's
``mbedtls_strerror`` (``error.c``).

:class:`MbedtlsCalls` is a part of :class:`netdev_emulator.rtl8720_firmware.Firmware`
(``self.tls`` is its session table). See docs/protocol-rtl8720dn.rst (TLS).
"""

import hashlib
import struct

from netdev_emulator.rtl8720_wire import MAX_BODY, DecodeError, Writer

MBEDTLS_MESSAGES = {
    -0x6900: "SSL - No data of requested type currently available on underlying transport",
    -0x6880: "SSL - Connection requires a write call",
    -0x7880: "SSL - The peer notified us that the connection is going to be closed",
    -0x7280: "SSL - The connection indicated an EOF",
    -0x7780: "SSL - A fatal alert message was received from our peer",
    -0x2700: "X509 - Certificate verification failed, e.g. CRL, CA or signature check failed",
    -0x0050: "NET - Connection was reset by peer",
    -0x004C: "NET - Reading information from the socket failed",
    -0x004E: "NET - Sending information through the socket failed",
    -0x7200: "SSL - An invalid SSL record was received",
    -0x7100: "SSL - Bad input parameters to function",
    -0x7F00: "SSL - Memory allocation failed",
}

_I32 = struct.Struct("<i")


class MbedtlsCalls:
    """Service 17 (a part of ``Firmware``)."""

    # -- service 17: mbedTLS client --------------------------------------------------------

    def tls_create(self, r):
        return Writer().u32(self.tls.create()).bytes()

    def tls_destroy(self, r):
        self.tls.destroy(r.u32())
        return b""

    def tls_init(self, r):
        self.tls.get(r.u32()).initialised = True
        return b""

    def tls_set_socket(self, r):
        session = self.tls.get(r.u32())
        session.fd = r.i32()
        return b""

    def tls_set_timeout(self, r):
        session = self.tls.get(r.u32())
        session.timeout_ms = r.u32()
        return b""

    def tls_get_socket(self, r):
        return _I32.pack(self.tls.get(r.u32()).fd)

    def tls_get_timeout(self, r):
        return Writer().u32(self.tls.get(r.u32()).timeout_ms).bytes()

    def _tls_setter(self, r, field):
        session = self.tls.get(r.u32())
        setattr(session, field, r.string())
        return Writer().u32(0).bytes()  # "undefined": the C function returns nothing

    def tls_set_root_ca(self, r):
        return self._tls_setter(r, "root_ca")

    def tls_set_cli_cert(self, r):
        """``rpc_wifi_ssl_set_cliCert``: the shim copies the string (any length one
        message holds, 4080 bytes at most) into an ``erpc_malloc``'d buffer with a NUL
        after it, and ``wifi_ssl_set_cliCert`` frees the one the context held and keeps
        it. Nothing is parsed here: ``start_ssl_client`` parses it, at every start, when a
        key is set too (:mod:`netdev_emulator.rtl8720_tls`). The string is not
        ``@nullable``: once set, a certificate stays until the context is destroyed."""
        return self._tls_bytes_setter(r, "cli_cert")

    def tls_set_cli_key(self, r):
        """``rpc_wifi_ssl_set_cliKey``: as :meth:`tls_set_cli_cert`, for the private key
        (PEM; parsed without a password)."""
        return self._tls_bytes_setter(r, "cli_key")

    def _tls_bytes_setter(self, r, field):
        session = self.tls.get(r.u32())
        setattr(session, field, r.binary())  # the raw string: mbedTLS reads up to a NUL
        return Writer().u32(0).bytes()  # "undefined": the C function returns nothing

    def tls_set_psk_ident(self, r):
        return self._tls_setter(r, "psk_ident")

    def tls_set_psk_key(self, r):
        return self._tls_setter(r, "psk_key")

    def tls_get_root_ca(self, r):
        session = self.tls.get(r.u32())
        w = Writer()
        if not r.is_null():
            w.string(session.root_ca or "")
        return w.u32(0).bytes()

    def tls_get_string(self, r):
        self.tls.get(r.u32())
        r.nullable_string()  # the broken getters copy into their const input: no effect
        return Writer().u32(0).bytes()

    def tls_start(self, r):
        handle = r.u32()
        host = r.nullable_string()
        port = r.u32()
        timeout = r.i32()
        return _I32.pack(self.tls.start(handle, host, port, timeout))

    def tls_stop(self, r):
        self.tls.stop(r.u32())
        return b""

    def tls_data_to_read(self, r):
        return _I32.pack(self.tls.data_to_read(r.u32()))

    def tls_send(self, r):
        handle = r.u32()
        data = r.binary()
        length = r.u16()
        return _I32.pack(self.tls.send(handle, data, length))

    def tls_receive(self, r):
        handle = r.u32()
        length = r.i32()
        result, data = self.tls.receive(handle, length)
        return Writer().binary(data if result > 0 else b"\x00").i32(result).bytes()

    def tls_verify_fingerprint(self, r):
        session = self.tls.get(r.u32())
        fingerprint = r.string()
        r.string()  # domain_name
        wanted = "".join(c for c in fingerprint.lower() if c in "0123456789abcdef")
        der = session.obj.getpeercert(binary_form=True) if session.obj is not None else None
        ok = bool(der) and hashlib.sha256(der).hexdigest() == wanted
        return Writer().bool(ok).bytes()

    def tls_verify_dn(self, r):
        session = self.tls.get(r.u32())
        domain = r.string().lower()
        cert = session.obj.getpeercert() if session.obj is not None else None
        names = set()
        for kind, value in (cert or {}).get("subjectAltName", ()):
            if kind == "DNS":
                names.add(value.lower())
        for rdn in (cert or {}).get("subject", ()):
            for key, value in rdn:
                if key == "commonName":
                    names.add(value.lower())
        return Writer().bool(domain in names).bytes()

    def tls_strerror(self, r):
        errnum = r.i32()
        buflen = r.u32()
        if buflen > MAX_BODY:  # the shim's malloc(buflen) fails: dropped, no reply (protocol-rtl8720dn.rst)
            raise DecodeError("no heap for a %d-byte strerror buffer" % buflen)
        text = MBEDTLS_MESSAGES.get(errnum, "UNKNOWN ERROR CODE (%04X)" % (-errnum & 0xFFFF))
        data = text.encode()[:max(0, buflen - 1)]
        return Writer().binary(data.ljust(buflen, b"\x00")).bytes()
