# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The RTL8720DN emulator's model of mbedTLS 2.4.0's server-certificate check
(netdev_emulator.rtl8720_x509): the verify_result bits x509_crt.c and ssl_tls.c set."""

import datetime

import pytest
import trustme
from cryptography import x509

from netdev_emulator import rtl8720_x509 as v

NOT_TRUSTED = v.BADCERT_NOT_TRUSTED
CN_MISMATCH = v.BADCERT_CN_MISMATCH


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


def der_chain(leaf):
    return [x509.load_pem_x509_certificate(b.bytes()).public_bytes(v.Encoding.DER)
            for b in leaf.cert_chain_pems]


def flags(ca, leaf, host):
    return v.verify_flags(der_chain(leaf), v.load_trusted(ca.cert_pem.bytes()), host)


def test_a_leaf_of_the_trusted_ca_for_its_name_verifies(ca):
    assert flags(ca, ca.issue_cert("tls.test"), "tls.test") == 0
    assert flags(ca, ca.issue_cert("tls.test"), "TLS.Test") == 0  # case-insensitive


def test_another_ca_is_not_trusted(ca):
    assert flags(trustme.CA(), ca.issue_cert("tls.test"), "tls.test") == NOT_TRUSTED


def test_another_name_is_a_cn_mismatch(ca):
    assert flags(ca, ca.issue_cert("tls.test"), "other.test") == CN_MISMATCH
    assert flags(trustme.CA(), ca.issue_cert("tls.test"), "other.test") == NOT_TRUSTED | CN_MISMATCH


def test_an_ip_address_san_is_never_matched(ca):
    # mbedTLS 2.4 parses only dNSName subjectAltNames: a server reached by its address
    # fails the name check unless the address is written as a DNS name
    assert flags(ca, ca.issue_cert("127.0.0.1"), "127.0.0.1") == CN_MISMATCH


def test_a_wildcard_matches_one_label(ca):
    leaf = ca.issue_cert("*.example.test")
    assert flags(ca, leaf, "www.example.test") == 0
    assert flags(ca, leaf, "a.b.example.test") == CN_MISMATCH
    assert flags(ca, leaf, "example.test") == CN_MISMATCH


def test_an_intermediate_sent_by_the_server_is_followed(ca):
    child = ca.create_child_ca()
    leaf = child.issue_cert("tls.test")
    assert flags(ca, leaf, "tls.test") == 0
    assert v.verify_flags(der_chain(leaf)[:1], v.load_trusted(ca.cert_pem.bytes()), "tls.test") == NOT_TRUSTED


def test_expired_and_not_yet_valid(ca):
    now = datetime.datetime.now(datetime.timezone.utc)
    chain = der_chain(ca.issue_cert("tls.test"))
    trusted = v.load_trusted(ca.cert_pem.bytes())
    later = datetime.datetime(3001, 1, 1, tzinfo=datetime.timezone.utc)  # trustme: valid to 3000
    assert v.verify_flags(chain, trusted, "tls.test", now=later) & v.BADCERT_EXPIRED
    earlier = now - datetime.timedelta(days=365 * 50)
    assert v.verify_flags(chain, trusted, "tls.test", now=earlier) & v.BADCERT_FUTURE


def test_no_certificate_and_no_ca(ca):
    assert v.verify_flags([], v.load_trusted(ca.cert_pem.bytes()), "tls.test") == NOT_TRUSTED
    assert v.load_trusted(None) == [] and v.load_trusted("not a PEM") == []
    assert flags(ca, ca.issue_cert("tls.test"), None) == 0  # no host name: not checked
