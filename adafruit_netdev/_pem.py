# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""PEM files for :meth:`adafruit_netdev.socketpool.SSLContext.load_cert_chain`: read, the
certificate and the key taken out, given to the netdev. Loaded on first use (a program that
never presents a client certificate does not hold this code)."""


def load_cert_chain(dev, certfile, keyfile, password):
    """Give ``dev`` the certificate in ``certfile`` and the key in ``keyfile`` (or in
    ``certfile``)."""
    if password is not None:
        raise NotImplementedError("encrypted private keys are not supported: give the key unencrypted")
    set_client_cert = getattr(dev, "set_client_cert", None)
    if set_client_cert is None:
        raise NotImplementedError("%s cannot present client certificates" % type(dev).__name__)
    with open(certfile, "rb") as f:
        cert = f.read()
    if keyfile is None:
        key = cert
    else:
        with open(keyfile, "rb") as f:
            key = f.read()
    set_client_cert(block(cert, b"CERTIFICATE"), block(key, b"PRIVATE KEY"))


def block(data, kind):
    """The first PEM block of ``data`` whose label ends with ``kind`` (``b"CERTIFICATE"``,
    ``b"PRIVATE KEY"``: RSA, EC and PKCS#8 keys alike), with its BEGIN and END lines."""
    at = 0
    while True:
        start = data.find(b"-----BEGIN ", at)
        if start < 0:
            raise ValueError("no PEM %s in the file" % str(kind, "ascii").lower())
        label_end = data.find(b"-----", start + 11)
        end = data.find(b"-----END ", label_end)
        stop = data.find(b"-----", end + 9) + 5
        if label_end < 0 or end < 0 or stop < 5:
            raise ValueError("a PEM block without its END line")
        if data[start + 11 : label_end].endswith(kind):
            return data[start:stop] + b"\n"
        at = stop
