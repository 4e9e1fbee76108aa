# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Client certificates on the RTL8720DN (issue 20, mutual TLS): ``set_client_cert(cert,
key)`` makes every TLS connect present them (``rpc_wifi_ssl_set_cliCert`` and
``set_cliKey`` before ``rpc_wifi_start_ssl_client``, which parses them), against a real
TLS server on loopback that requires a client certificate from its own CA. Before, the
driver had no way to give the chip one."""

import errno

import pytest
import trustme

import adafruit_netdev as nd
from tests.emulator.test_rtl8720_client_cert import MutualTlsServer
from tests.rtl8720dn.conftest import radio

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def client_ca():
    return trustme.CA()


@pytest.fixture(scope="module")
def device_cert(client_ca):
    leaf = client_ca.issue_cert("device-1@example", common_name="device-1")
    return leaf.cert_chain_pems[0].bytes(), leaf.private_key_pem.bytes()


@pytest.fixture(scope="module")
def server_ca():
    return trustme.CA()


@pytest.fixture
def mtls(server_ca, client_ca, world):
    """A TLS server (``tls.test``, its certificate from ``server_ca``) that requires a
    client certificate from ``client_ca`` and echoes a line (tests/emulator's)."""
    server = MutualTlsServer(server_ca, client_ca)
    world.hosts["tls.test"] = "127.0.0.1"
    yield server
    server.close()


@pytest.fixture
def chip(world, server_ca):
    with radio(world) as (rtl, dev, _uart):
        dev.root_ca = server_ca.cert_pem.bytes()
        yield rtl, dev


def connect(dev, port, seconds=10):
    fd = dev.socket(nd.AF_INET, nd.SOCK_STREAM, nd.IPPROTO_TLS)
    try:
        dev.connect(fd, "tls.test", ("", port), nd.deadline(seconds))
    except BaseException:
        dev.close(fd)
        raise
    return fd


def test_a_tls_connect_presents_the_client_certificate(chip, mtls, device_cert):
    _rtl, dev = chip
    dev.set_client_cert(*device_cert)
    for _ in range(2):  # every connect presents it (the chip reads it at each start)
        fd = connect(dev, mtls.port)
        try:
            assert mtls.outcome() == ("ok", "device-1")
            assert dev.send(fd, b"mutual\n", 0, nd.deadline(5)) == 7
            buf = bytearray(16)
            got = 0
            while got < 7:
                got += dev.recv(fd, memoryview(buf)[got:], 0, nd.deadline(5))
            assert bytes(buf[:7]) == b"mutual\n"
        finally:
            dev.close(fd)


def test_without_a_client_certificate_the_server_refuses_and_the_error_says_why(chip, mtls, device_cert):
    rtl, dev = chip
    dev.set_client_cert(*device_cert)
    dev.set_client_cert(None, None)  # cleared: none is presented
    with pytest.raises(OSError) as info:
        connect(dev, mtls.port, 5)
    assert info.value.args[0] == errno.ECONNABORTED, info.value.args
    assert "set_client_cert" in info.value.args[1]
    assert mtls.outcome()[0] == "refused"
    assert dev.open_fds() == [] and rtl.open_sockets() == {}  # nothing left on the chip


def test_a_certificate_from_another_ca_is_refused(chip, mtls):
    stranger = trustme.CA().issue_cert("device-2@example", common_name="device-2")
    _rtl, dev = chip
    dev.set_client_cert(stranger.cert_chain_pems[0].bytes().decode(), stranger.private_key_pem.bytes())
    with pytest.raises(OSError) as info:
        connect(dev, mtls.port, 5)
    assert info.value.args[0] == errno.ECONNABORTED, info.value.args
    assert mtls.outcome()[0] == "refused"


def test_a_certificate_the_chip_cannot_read_is_a_clear_error(chip, mtls, device_cert):
    cert, key = device_cert
    rtl, dev = chip
    dev.set_client_cert(cert.replace(b"MII", b"M!I", 1), key)  # not base64 any more
    with pytest.raises(OSError) as info:
        connect(dev, mtls.port, 5)
    assert info.value.args[0] == errno.ECONNABORTED, info.value.args
    assert "could not read" in info.value.args[1] and "client certificate" in info.value.args[1]
    assert dev.open_fds() == [] and rtl.open_sockets() == {}


def test_set_client_cert_checks_its_arguments(world, device_cert):
    cert, key = device_cert
    with radio(world, join=False) as (_rtl, dev, _uart):
        with pytest.raises(ValueError, match="private key"):
            dev.set_client_cert(cert, None)
        with pytest.raises(ValueError, match="too long"):
            dev.set_client_cert(cert * 6, key)
        with pytest.raises(TypeError):
            dev.set_client_cert(42, key)
        assert dev.client_cert is None


def test_minimqtt_reaches_a_broker_that_requires_a_client_certificate(world, lab):
    """adafruit_minimqtt, unmodified, through the socketpool to the lab's mosquitto listener
    that requires a client certificate (test.mosquitto.org:8884's kind): with the lab's
    client certificate set it subscribes and gets its own message; without, the broker
    refuses the handshake."""
    import uuid

    import adafruit_minimqtt.adafruit_minimqtt as MQTT

    from adafruit_netdev.socketpool import SocketPool, create_default_context
    from tests.mqtt_round_trip import round_trip

    def client(pool):
        return MQTT.MQTT(
            broker="test.mosquitto.org",
            port=8884,
            is_ssl=True,
            ssl_context=create_default_context(),
            socket_pool=pool,
            client_id="netdev-" + uuid.uuid4().hex[:10],
            socket_timeout=0.5,
            recv_timeout=5,
            connect_retries=1,
        )

    with radio(world, cafile=lab.cafile) as (_rtl, dev, _uart):
        pool = SocketPool(dev)
        with open(lab.client_certfile, "rb") as cert, open(lab.client_keyfile, "rb") as key:
            dev.set_client_cert(cert.read(), key.read())
        topic = "netdev/mtls/%s" % uuid.uuid4().hex[:8]
        assert round_trip(client(pool), topic, "over mutual TLS", 10) == [(topic, "over mutual TLS")]
        dev.set_client_cert(None, None)
        with pytest.raises(MQTT.MMQTTException):
            client(pool).connect()
        assert dev.open_fds() == []
