"""The probe against the lab's real resolver and servers (lab/): DNS, SMTP faults, politeness.

Our connections come from a source address of our own, so the lab's connection log can
be read for exactly this test's traffic even while other tests use the lab.
"""

import itertools
import ssl
import time

import pytest

from measurement.probe.dns import Resolver, resolve_host, resolve_mx
from measurement.probe.engine import ProbeConfig, observe_domains, probe_pairs
from measurement.probe.engine import run as on_scan_loop
from measurement.probe.mtasts import observe_mta_sts
from measurement.probe.observations import DnssecStatus, Outcome
from measurement.probe.smtp import probe_smtp
from measurement.probe.tlsrpt import observe_tls_rpt

pytestmark = pytest.mark.lab

SOURCE = "127.4.0.4"  # this test module's own client address on loopback
PROBE_TIMEOUTS = dict(greeting_timeout=1.5, command_timeout=2.0, probe_timeout=8.0)


def lab_config(lab, **overrides) -> ProbeConfig:
    values = dict(
        resolver=lab.resolver,
        resolver_port=lab.resolver_port,
        lab_mode=True,
        smtp_port=lab.smtp_port,
        https_port=lab.https_port,
        address_gap=0.05,
        retry_delay=0.2,
        source_address=SOURCE,
        **PROBE_TIMEOUTS,
    )
    values.update(overrides)
    return ProbeConfig(**values)


def observe(lab, domains, **overrides):
    async def run():
        return {o.domain: o async for o in observe_domains(domains, lab_config(lab, **overrides))}

    return on_scan_loop(run())


def our_connections(lab, since: float, address: str | None = None):
    return [
        record
        for record in lab.connection_log(address)
        if record.peer == SOURCE and record.protocol == "smtp" and record.start >= since - 0.5
    ]


def resolve(lab, work):
    async def run():
        resolver = Resolver(lab.resolver, lab.resolver_port, timeout=2.0)
        try:
            return await work(resolver)
        finally:
            resolver.close()

    return on_scan_loop(run())


def domain_of(lab, name: str) -> str:
    return lab.scenario(name).domain


# --- DNS --------------------------------------------------------------------------------


def test_a_signed_mx_rrset_is_secure_and_lists_its_hosts(lab):
    obs = resolve(lab, lambda r: resolve_mx(r, domain_of(lab, "dane-ee")))
    assert obs.answer.status is DnssecStatus.SECURE
    assert [h.host for h in obs.hosts] == list(lab.scenario("dane-ee").mx_hosts)


def test_a_null_mx_and_a_missing_mx_are_told_apart(lab):
    null = resolve(lab, lambda r: resolve_mx(r, domain_of(lab, "null-mx")))
    none = resolve(lab, lambda r: resolve_mx(r, domain_of(lab, "no-mx")))
    assert null.null_mx and null.hosts == ()
    assert not none.null_mx and none.hosts == () and none.answer.rcode in ("NOERROR", "NXDOMAIN")


def test_an_unsigned_zone_is_insecure(lab):
    obs = resolve(lab, lambda r: resolve_mx(r, domain_of(lab, "unsigned-tlsa")))
    assert obs.answer.status is DnssecStatus.INSECURE
    assert obs.hosts


@pytest.mark.parametrize("scenario", ["bogus-zone", "expired-rrsig"])
def test_a_broken_signature_is_bogus_with_its_extended_error(lab, scenario):
    obs = resolve(lab, lambda r: resolve_mx(r, domain_of(lab, scenario)))
    assert (obs.answer.rcode, obs.answer.status) == ("SERVFAIL", DnssecStatus.BOGUS)
    assert obs.answer.ede


def test_a_bogus_tlsa_rrset_is_bogus_while_the_addresses_are_secure(lab):
    host = lab.scenario("bogus-tlsa").mx_hosts[0]
    obs = resolve(lab, lambda r: resolve_host(r, host))
    assert obs.a.status is DnssecStatus.SECURE
    assert obs.tlsa.status is DnssecStatus.BOGUS
    assert obs.tlsa_records == ()


def test_a_resolver_that_does_not_answer_gives_indeterminate(lab):
    async def run():
        resolver = Resolver(lab.resolver, 5399, timeout=0.2, attempts=1)
        try:
            return await resolver.query(domain_of(lab, "dane-ee"), "MX")
        finally:
            resolver.close()

    answer = on_scan_loop(run())
    assert (answer.rcode, answer.status) == ("TIMEOUT", DnssecStatus.INDETERMINATE)


def test_a_cnamed_mx_host_takes_the_secure_target_as_tlsa_base_domain(lab):
    scenario = lab.scenario("mx-cname")
    alias, target = scenario.cnames[0]
    obs = resolve(lab, lambda r: resolve_host(r, alias))
    assert obs.a.cname_chain == (target,)
    assert obs.a.status is DnssecStatus.SECURE
    assert obs.tlsa_base_domain == target
    assert obs.tlsa.qname == f"_25._tcp.{target}"
    assert obs.tlsa_records


def test_tlsa_records_are_parsed_from_the_signed_zone(lab):
    obs = resolve(lab, lambda r: resolve_host(r, lab.scenario("dane-rollover").mx_hosts[0]))
    assert obs.tlsa.status is DnssecStatus.SECURE
    assert len(obs.tlsa_records) == 2
    assert all(r.usage in (2, 3) and r.data for r in obs.tlsa_records)


# --- SMTP -------------------------------------------------------------------------------


def probe_scenario(lab, name: str, **timeouts):
    host = lab.scenario(name).hosts[0]
    options = dict(greeting_timeout=1.5, command_timeout=2.0, total_timeout=8.0) | timeouts

    async def run():
        return await probe_smtp(
            host.name,
            host.ipv4 or host.ipv6,
            port=lab.smtp_port,
            ehlo_name="probe.test",
            lab_mode=True,
            source_address=SOURCE,
            **options,
        )

    return on_scan_loop(run())


def test_a_good_lab_server_yields_its_chain_ending_in_the_lab_ca(lab):
    obs = probe_scenario(lab, "dane-ee")
    ca_der = ssl.PEM_cert_to_DER_cert(lab.ca_pem.read_text())
    assert obs.outcome is Outcome.OK, obs.detail
    assert obs.tls_version and obs.cipher
    assert len(obs.chain) == 2 and obs.chain[-1] == ca_der


def test_a_real_postfix_is_probed_through_starttls(lab):
    obs = probe_scenario(lab, "postfix-dane-ee")
    assert obs.outcome is Outcome.OK, obs.detail
    assert obs.chain


@pytest.mark.parametrize(
    ("scenario", "outcome", "detail"),
    [
        ("no-starttls", Outcome.NOT_SUPPORTED, "STARTTLS not offered"),
        ("greeting-421", Outcome.RATE_LIMITED, "421"),
        ("garbage", Outcome.PROTOCOL_ERROR, "not SMTP"),
        ("huge-greeting", Outcome.PROTOCOL_ERROR, "greeting"),
        ("drop-mid-handshake", Outcome.TLS_ERROR, "handshake"),
        ("starttls-handshake-failure", Outcome.TLS_ERROR, "handshake"),
        ("starttls-rejected", Outcome.TLS_ERROR, "454"),
    ],
)
def test_broken_lab_servers_give_their_outcome(lab, scenario, outcome, detail):
    started = time.monotonic()
    obs = probe_scenario(lab, scenario)
    assert obs.outcome is outcome, obs.detail
    assert detail in obs.detail
    assert time.monotonic() - started < 8


def test_a_silent_lab_server_times_out_within_the_greeting_bound(lab):
    started = time.monotonic()
    obs = probe_scenario(lab, "silent", greeting_timeout=1.0)
    assert obs.outcome is Outcome.TIMEOUT
    assert time.monotonic() - started < 3


def test_a_slow_greeting_is_waited_for(lab):
    obs = probe_scenario(lab, "slow-greeting", greeting_timeout=10.0, total_timeout=20.0)
    assert obs.outcome is Outcome.OK, obs.detail


# --- politeness, from the lab's own logs ------------------------------------------------

POLITENESS_SCENARIOS = [
    "dane-ee",
    "dane-ta",
    "no-starttls",
    "greeting-421",
    "garbage",
    "drop-mid-handshake",
    "starttls-rejected",
    "two-mx-one-without-dane",
    "unsigned-domain-dane-provider",
    "mx-cname",
    "postfix-dane-ee",
]


def test_a_scan_is_polite_as_the_lab_servers_saw_it(lab):
    domains = [domain_of(lab, name) for name in POLITENESS_SCENARIOS]
    since = time.time()
    # Every domain three times: shared hosts must still be probed once per run.
    observed = observe(lab, domains * 3)
    time.sleep(0.3)  # the servers log the end of each connection asynchronously
    log = our_connections(lab, since)
    assert set(observed) == set(domains)

    by_address = {
        address: sorted(records, key=lambda r: r.start)
        for address, records in itertools.groupby(
            sorted(log, key=lambda r: r.server), key=lambda r: r.server
        )
    }
    # A real Postfix serves one scenario; only the lab's own servers write the log.
    postfix = {h.ipv4 for s in lab.scenarios for h in s.hosts if h.server.software == "postfix"}
    expected_pairs = {
        (p.host, p.address) for o in observed.values() for p in o.probes if p.address not in postfix
    }
    assert len(expected_pairs) == len(by_address)
    for address, records in by_address.items():
        retried = address == lab.scenario("greeting-421").hosts[0].ipv4
        assert len(records) == (2 if retried else 1), address
        for earlier, later in itertools.pairwise(records):
            assert earlier.end is not None and later.start >= earlier.end
        for record in records:
            assert not record.bytes_before_greeting
            verbs = [c.split(" ")[0].upper() for c in record.commands]
            assert not {"MAIL", "RCPT", "DATA"} & set(verbs)
    for name in ("dane-ee", "no-starttls", "starttls-rejected"):
        records = by_address[lab.scenario(name).hosts[0].ipv4]
        assert records[0].commands[-1].upper().startswith("QUIT"), name


def test_one_address_is_never_contacted_twice_at_once(lab):
    # Two MX hosts of one domain on one address would be probed one after the other; the
    # lab gives each host its own address, so probe one address under many host names.
    address = lab.scenario("dane-ee").hosts[0].ipv4
    names = [f"alias{i}.dane-ee.example" for i in range(4)]
    since = time.time()

    async def run():
        return await probe_pairs(
            [(name, address) for name in names], lab_config(lab, address_gap=0.15)
        )

    probes = on_scan_loop(run())
    time.sleep(0.3)
    records = sorted(our_connections(lab, since, address), key=lambda r: r.start)
    assert [p.outcome for p in probes] == [Outcome.OK] * 4
    assert len(records) == 4
    for earlier, later in itertools.pairwise(records):
        assert later.start - earlier.end >= 0.1


def test_a_loopback_address_is_not_contacted_outside_lab_mode(lab):
    since = time.time()
    observed = observe(lab, [domain_of(lab, "dane-ta")], lab_mode=False)
    time.sleep(0.2)
    probe = observed[domain_of(lab, "dane-ta")].probes[0]
    assert probe.outcome is Outcome.NOT_ALLOWED
    assert our_connections(lab, since, probe.address) == []


# --- MTA-STS and TLS-RPT ----------------------------------------------------------------


def observe_policy(lab, name: str, **options):
    async def work(resolver):
        return await observe_mta_sts(
            resolver, domain_of(lab, name), port=lab.https_port, timeout=5.0, **options
        )

    return resolve(lab, work)


def test_an_announced_policy_is_fetched_with_its_chain(lab):
    obs = observe_policy(lab, "mta-sts-enforce", lab_mode=True)
    ca_der = ssl.PEM_cert_to_DER_cert(lab.ca_pem.read_text())
    assert obs.fetch_outcome is Outcome.OK, obs.fetch_detail
    assert (obs.http_status, obs.content_type.split(";")[0]) == (200, "text/plain")
    assert "mode: enforce" in obs.policy_text
    assert obs.chain[-1] == ca_der
    assert (
        obs.policy_url
        == f"https://mta-sts.{domain_of(lab, 'mta-sts-enforce')}/.well-known/mta-sts.txt"
    )


def test_a_missing_policy_file_is_seen_as_its_http_status(lab):
    obs = observe_policy(lab, "mta-sts-no-policy", lab_mode=True)
    assert (obs.fetch_outcome, obs.http_status) == (Outcome.OK, 404)


def test_no_policy_is_fetched_without_an_sts_record(lab):
    obs = observe_policy(lab, "dane-ee", lab_mode=True)
    assert obs.fetch_outcome is None and obs.policy_url == ""


def test_a_policy_host_on_loopback_is_not_contacted_outside_lab_mode(lab):
    obs = observe_policy(lab, "mta-sts-enforce", lab_mode=False)
    assert obs.fetch_outcome is Outcome.NOT_ALLOWED


def test_the_tls_rpt_record_is_read_as_one_string_per_record(lab):
    obs = resolve(lab, lambda r: observe_tls_rpt(r, domain_of(lab, "tls-rpt-valid")))
    assert obs.txt.status is DnssecStatus.SECURE
    assert list(obs.txt.records) == list(lab.scenario("tls-rpt-valid").tls_rpt_txt)
