"""Scale mode: synthetic domains over shared MX hosts, signed in one zone."""

import json

import dns.dnssec
import dns.name
import dns.zone

from lab import pki, scale


def test_scale_mode_builds_a_signed_zone_of_domains_over_shared_hosts(tmp_path):
    authority = pki.create_authority(tmp_path / "pki")
    built = scale.build(tmp_path, authority, 600)
    assert len(built.domains) == 600
    assert (tmp_path / "scale" / "domains.txt").read_text().split() == list(built.domains)
    assert len(built.hosts) == scale.host_count(600) < 600
    zone = dns.zone.from_text(built.zone_file.read_text(), scale.ZONE + ".", relativize=False)
    origin = dns.name.from_text(scale.ZONE + ".")
    mx = zone.find_rrset(built.domains[0] + ".", "MX")
    dns.dnssec.validate(
        mx,
        zone.find_rrset(built.domains[0] + ".", "RRSIG", covers="MX"),
        {origin: zone.find_rrset(origin, "DNSKEY")},
    )
    ds = dns.dnssec.make_ds(origin, zone.find_rrset(origin, "DNSKEY")[0], "SHA256")
    assert built.delegation.ds == ds.to_text()
    refused = {h.address for h in built.hosts if h.fault == "refused"}
    assert not refused & {listener["address"] for listener in built.smtp}
    hosts = json.loads((tmp_path / "scale" / "hosts.json").read_text())
    assert {h["name"] for h in hosts} == {h.name for h in built.hosts}


def test_the_fault_mix_is_deterministic_and_mostly_healthy():
    import random

    first = scale.plan_hosts(300, random.Random(1))
    again = scale.plan_hosts(300, random.Random(1))
    assert first == again
    healthy = sum(1 for h in first if not h.fault)
    assert 0.75 * 300 < healthy < 300
    assert {h.fault for h in first} >= {"", "silent", "refused", "421", "slow"}
