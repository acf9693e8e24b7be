"""Offline signing: a scenario's zone is broken exactly where the scenario says."""

import time

import dns.dnssec
import dns.name
import dns.rdatatype
import dns.zone
import pytest

from lab import zones

TEXT = """\
t.example. 300 IN SOA ns1.example. h.example. 1 3600 600 86400 300
t.example. 300 IN NS ns1.example.
t.example. 300 IN MX 10 mx.t.example.
mx.t.example. 300 IN A 127.25.0.99
_25._tcp.mx.t.example. 300 IN TLSA 3 1 1 {digest}
""".format(digest="ab" * 32)


def validates(zone: dns.zone.Zone, name: str, rdtype: dns.rdatatype.RdataType) -> bool:
    origin = zone.origin
    keys = {origin: zone.find_rrset(origin, dns.rdatatype.DNSKEY)}
    rrset = zone.find_rrset(name, rdtype)
    sigs = zone.find_rrset(name, dns.rdatatype.RRSIG, covers=rdtype)
    try:
        dns.dnssec.validate(rrset, sigs, keys)
    except dns.dnssec.ValidationFailure:
        return False
    return True


def signed(state: str) -> dns.zone.Zone:
    text = zones.sign(TEXT, "t.example.", zones.make_key(), state)
    return dns.zone.from_text(text, "t.example.", relativize=False)


def test_a_signed_zone_validates_everywhere():
    zone = signed("signed")
    assert validates(zone, "t.example.", dns.rdatatype.MX)
    assert validates(zone, "_25._tcp.mx.t.example.", dns.rdatatype.TLSA)


def test_bogus_tlsa_breaks_only_the_tlsa_signature():
    zone = signed("bogus_tlsa")
    assert validates(zone, "t.example.", dns.rdatatype.MX)
    assert validates(zone, "mx.t.example.", dns.rdatatype.A)
    assert not validates(zone, "_25._tcp.mx.t.example.", dns.rdatatype.TLSA)


def test_a_bogus_zone_has_no_valid_signature():
    zone = signed("bogus")
    for name, rdtype in [
        ("t.example.", dns.rdatatype.MX),
        ("t.example.", dns.rdatatype.DNSKEY),
        ("mx.t.example.", dns.rdatatype.A),
    ]:
        assert not validates(zone, name, rdtype)


def test_an_expired_zone_has_signatures_that_ended_in_the_past():
    zone = signed("expired")
    sigs = zone.find_rrset("t.example.", dns.rdatatype.RRSIG, covers=dns.rdatatype.MX)
    assert all(sig.expiration < time.time() for sig in sigs)
    with pytest.raises(dns.dnssec.ValidationFailure):
        dns.dnssec.validate(
            zone.find_rrset("t.example.", dns.rdatatype.MX),
            sigs,
            {dns.name.from_text("t.example."): zone.find_rrset("t.example.", "DNSKEY")},
        )
