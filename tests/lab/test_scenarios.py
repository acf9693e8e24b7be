"""The scenario catalogue is consistent data: names, addresses, hosts and expected verdicts."""

from collections import Counter

from lab import scenarios
from lab.pki import CERTIFICATE_KINDS
from measurement.evaluate.outcomes import DOMAIN_CHECKS

CHECKS = set(DOMAIN_CHECKS)  # the one list of a domain's checks
OUTCOMES = {"pass", "fail", "not_applicable", "not_testable"}


def test_every_scenario_expects_only_known_checks_and_outcomes():
    for s in scenarios.SCENARIOS:
        assert s.expected, s.name
        for check, outcome in s.expected.items():
            if check == "mta_sts_mode":
                assert outcome in ("enforce", "testing", "none")
                continue
            assert check in CHECKS, (s.name, check)
            assert outcome in OUTCOMES, (s.name, outcome)


def test_starttls_dane_passes_exactly_when_starttls_and_dane_pass():
    for s in scenarios.SCENARIOS:
        e = s.expected
        if "starttls_dane" in e and e["starttls_dane"] == "pass":
            assert e["starttls"] == e["dane"] == "pass", s.name
        if e.get("dane") == "fail" and "starttls_dane" in e:
            assert e["starttls_dane"] == "fail", s.name


def test_names_domains_and_addresses_are_unique():
    assert len({s.name for s in scenarios.SCENARIOS}) == len(scenarios.SCENARIOS)
    assert len({s.domain for s in scenarios.SCENARIOS}) == len(scenarios.SCENARIOS)
    addresses = [a for h in scenarios.all_hosts() for a in h.addresses]
    addresses += [s.mta_sts_address for s in scenarios.SCENARIOS if s.mta_sts_address]
    assert [a for a, n in Counter(addresses).items() if n > 1] == []
    assert sum(1 for a in addresses if ":" in a) == 1  # one IPv6-only scenario on ::1


def test_every_mx_target_is_a_defined_host_or_an_alias():
    hosts = {h.name for h in scenarios.all_hosts()}
    for s in scenarios.SCENARIOS:
        aliases = {alias for alias, _ in s.cnames}
        for name in s.mx_hosts:
            assert name in hosts | aliases, (s.name, name)


def test_servers_ask_only_for_known_behaviours():
    for host in scenarios.all_hosts():
        server = host.server
        assert server.certificate in CERTIFICATE_KINDS
        assert server.greeting in scenarios.GREETINGS
        assert server.handshake in scenarios.HANDSHAKES
        for symbolic in host.tlsa:
            usage, selector, matching, subject = symbolic.split()
            assert subject in ("leaf", "ca", "next", "other")


def test_the_catalogue_holds_every_scenario_issue_3_asks_for():
    required = {
        "dane-ee", "dane-ta", "dane-ta-no-ca", "tlsa-mismatch", "dane-ee-expired",
        "dane-ta-wrong-name", "tlsa-pkix-only", "tlsa-unknown-matching", "dane-rollover",
        "signed-no-tlsa", "unsigned-tlsa", "bogus-zone", "bogus-tlsa", "expired-rrsig",
        "mx-unsigned-host", "two-mx-one-without-dane", "mx-cname", "null-mx", "no-mx",
        "no-starttls", "starttls-handshake-failure", "self-signed-no-tlsa", "greeting-421",
        "slow-greeting", "silent", "garbage", "drop-mid-handshake", "ipv6-only",
        "mta-sts-enforce", "mta-sts-testing", "mta-sts-none", "mta-sts-bad-cert",
        "mta-sts-mx-not-covered", "mta-sts-no-policy", "mta-sts-two-txt", "tls-rpt-valid",
        "tls-rpt-invalid", "tls-rpt-duplicated", "postfix-dane-ee",
    }  # fmt: skip
    assert required <= set(scenarios.BY_NAME)
