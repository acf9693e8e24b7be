"""A real Postfix smtpd serves one DANE-EE scenario: interop with a real MTA."""

import hashlib
import smtplib
import ssl

import dns.resolver
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

pytestmark = pytest.mark.lab


def test_postfix_offers_starttls_and_its_key_matches_the_dane_ee_record(lab):
    host = lab.scenario("postfix-dane-ee").hosts[0]
    client = smtplib.SMTP(host.ipv4, lab.smtp_port, timeout=10)
    code, banner = client.ehlo("probe.lab")
    assert code == 250 and b"STARTTLS" in banner
    client._host = host.name  # smtplib sends this as SNI and checks the name against it
    client.starttls(context=ssl.create_default_context(cafile=str(lab.ca_pem)))
    der = client.sock.getpeercert(binary_form=True)
    assert client.ehlo("probe.lab")[0] == 250
    client.quit()
    spki = (
        x509.load_der_x509_certificate(der)
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [lab.resolver]
    tlsa = resolver.resolve(f"_25._tcp.{host.name}", "TLSA")[0]
    assert tlsa.cert == hashlib.sha256(spki).digest()


def test_the_postfix_greeting_comes_from_postfix(lab):
    host = lab.scenario("postfix-dane-ee").hosts[0]
    client = smtplib.SMTP(timeout=10)
    code, greeting = client.connect(host.ipv4, lab.smtp_port)
    client.quit()
    assert code == 220
    assert b"ESMTP Postfix (lab)" in greeting
