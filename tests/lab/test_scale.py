"""Scale mode: synthetic domains over shared MX hosts, signed in one zone."""

import json

import dns.dnssec
import dns.name
import dns.rdatatype
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


def test_history_stages_only_add_adopters_and_keep_every_domains_provider(tmp_path):
    """The demo's past: stage 0 has fewer DANE hosts and MTA-STS domains than stage 3, the
    biggest provider's TLSA records are stale until FIX_STAGE, the smallest provider's
    become stale from REGRESS_STAGE, and no domain changes provider."""
    authority = pki.create_authority(tmp_path / "pki")
    zones = {}
    for stage in (0, scale.STAGES - 1):
        built = scale.build(tmp_path / str(stage), authority, 300, stage=stage)
        zones[stage] = dns.zone.from_text(
            built.zone_file.read_text(), scale.ZONE + ".", relativize=False
        )
        hosts = built.hosts

    def records(zone, rdtype):
        return {
            name.to_text(): rdataset.to_text()
            for name, node in zone.nodes.items()
            for rdataset in node.rdatasets
            if rdataset.rdtype == dns.rdatatype.from_text(rdtype)
        }

    first, last = zones[0], zones[scale.STAGES - 1]
    assert records(first, "MX") == records(last, "MX")
    assert set(records(first, "TXT")) < set(records(last, "TXT"))  # more MTA-STS, TLS-RPT
    big = f"_25._tcp.{hosts[0].name}."
    assert scale.STALE_TLSA.split()[-1] in records(first, "TLSA")[big]
    assert scale.STALE_TLSA.split()[-1] not in records(last, "TLSA")[big]
    healthy_first = [n for n, t in records(first, "TLSA").items() if "0000000000" not in t]
    healthy_last = [n for n, t in records(last, "TLSA").items() if "0000000000" not in t]
    assert len(healthy_first) < len(healthy_last)


def test_every_lab_delay_stays_well_clear_of_every_lab_time_out(tmp_path):
    """Half a time-out at most: a loaded machine may make the lab's servers seconds late."""
    from config.lab import lab_scanner_settings
    from lab.handle import Lab
    from lab.scenarios import SCENARIOS

    timeouts = lab_scanner_settings(Lab.at(tmp_path))
    greeting = timeouts["SCANNER_GREETING_TIMEOUT"]
    delays = [h.server.greeting_delay for s in SCENARIOS for h in s.hosts] + [scale.SLOW_GREETING]
    # A delay either is meant to exceed the time-out by far ("silent" never greets) or stays
    # under half of it.
    assert max(d for d in delays if d < greeting) <= greeting / 2
    assert not [d for d in delays if greeting / 2 < d < 2 * greeting]


def test_a_lab_asked_for_every_fault_has_every_fault_even_when_small():
    import random

    drawn = scale.plan_hosts(8, random.Random(1))
    every = scale.plan_hosts(8, random.Random(1), every_fault=True)
    assert {h.fault for h in every} >= set(scale.FAULT_MIX)
    assert every[:2] == drawn[:2] and every[-2:] == drawn[-2:]  # biggest, smallest provider
