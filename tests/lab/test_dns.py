"""The lab's DNS: a validating resolver over our own signed root, through dnspython."""

import dns.edns
import dns.flags
import dns.message
import dns.query
import dns.rcode
import pytest

pytestmark = pytest.mark.lab

DNSSEC_EDE_CODES = range(1, 13)  # RFC 8914 section 4: 1-12 are DNSSEC failures


def ask(lab, name: str, rdtype: str) -> dns.message.Message:
    query = dns.message.make_query(name, rdtype, want_dnssec=True)
    query.flags |= dns.flags.AD
    return dns.query.udp(query, lab.resolver, port=lab.resolver_port, timeout=3)


def extended_errors(answer: dns.message.Message) -> list[int]:
    return [o.code for o in answer.options if o.otype == dns.edns.OptionType.EDE]


def test_a_secure_name_has_the_ad_bit(lab):
    answer = ask(lab, "dane-ee.example", "MX")
    assert answer.rcode() == dns.rcode.NOERROR
    assert answer.flags & dns.flags.AD
    assert "mx.dane-ee.example." in answer.to_text()


def test_a_tlsa_record_in_a_signed_zone_is_secure(lab):
    answer = ask(lab, "_25._tcp.mx.dane-ee.example", "TLSA")
    assert answer.flags & dns.flags.AD
    assert any(rrset.rdtype == dns.rdatatype.TLSA for rrset in answer.answer)


@pytest.mark.parametrize(
    ("name", "rdtype"),
    [
        ("bogus-zone.example", "MX"),
        ("_25._tcp.mx.bogus-tlsa.example", "TLSA"),
        ("ds-mismatch.example", "MX"),  # the parent's DS is for a key the zone does not use
    ],
)
def test_a_bogus_name_gets_servfail_with_a_dnssec_extended_error(lab, name, rdtype):
    answer = ask(lab, name, rdtype)
    assert answer.rcode() == dns.rcode.SERVFAIL
    assert any(code in DNSSEC_EDE_CODES for code in extended_errors(answer))


def test_expired_signatures_make_the_zone_bogus(lab):
    # Unbound says "Signature Expired" (7) first, "DNSSEC Bogus" (6) from its cache after.
    answer = ask(lab, "expired-rrsig.example", "MX")
    assert answer.rcode() == dns.rcode.SERVFAIL
    codes = extended_errors(answer)
    assert dns.edns.EDECode.SIGNATURE_EXPIRED in codes or dns.edns.EDECode.DNSSEC_BOGUS in codes


def test_only_the_tlsa_rrset_of_the_bogus_tlsa_zone_is_broken(lab):
    answer = ask(lab, "mx.bogus-tlsa.example", "A")
    assert answer.rcode() == dns.rcode.NOERROR
    assert answer.flags & dns.flags.AD


@pytest.mark.parametrize("name", ["unsigned-tlsa.example", "unsigned-domain-dane-provider.example"])
def test_an_insecure_name_has_no_ad_bit(lab, name):
    answer = ask(lab, name, "MX")
    assert answer.rcode() == dns.rcode.NOERROR
    assert answer.answer
    assert not answer.flags & dns.flags.AD


def test_a_null_mx_is_published_as_a_single_dot(lab):
    answer = ask(lab, "null-mx.example", "MX")
    assert answer.flags & dns.flags.AD
    assert "MX 0 ." in answer.to_text()


def test_the_mx_cname_scenario_resolves_through_the_alias(lab):
    answer = ask(lab, "mail.mx-cname.example", "A")
    assert answer.flags & dns.flags.AD
    types = [rrset.rdtype for rrset in answer.answer]
    assert dns.rdatatype.CNAME in types and dns.rdatatype.A in types


def test_the_ipv6_only_host_has_only_an_aaaa_record(lab):
    assert "::1" in ask(lab, "mx.ipv6-only.example", "AAAA").to_text()
    a = ask(lab, "mx.ipv6-only.example", "A")
    assert not any(rrset.rdtype == dns.rdatatype.A for rrset in a.answer)


def test_every_scenario_domain_is_delegated(lab):
    for scenario in lab.scenarios:
        answer = ask(lab, scenario.domain, "SOA")
        if scenario.zone_state in ("bogus", "expired", "ds_mismatch"):
            assert answer.rcode() == dns.rcode.SERVFAIL, scenario.name
        else:
            assert answer.rcode() == dns.rcode.NOERROR, scenario.name
            assert bool(answer.flags & dns.flags.AD) == (scenario.zone_state != "unsigned")


def test_flushing_the_resolver_keeps_it_validating(lab):
    lab.flush()
    assert ask(lab, "dane-ee.example", "MX").flags & dns.flags.AD
