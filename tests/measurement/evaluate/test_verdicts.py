"""Domain verdicts from hand-made observations: the rules of DESIGN.md section 2."""

import dataclasses
import json
from datetime import timedelta

import pytest

from measurement.evaluate import evidence, pkix
from measurement.evaluate.dane import tlsa_record_for
from measurement.evaluate.outcomes import CheckOutcome
from measurement.evaluate.verdicts import (
    DOMAIN_CHECKS,
    METHODOLOGY_VERSION,
    HostJudgements,
    judge_domain,
)
from measurement.probe.observations import (
    DnsAnswer,
    DnssecStatus,
    DomainObservation,
    HostObservation,
    IdentityCache,
    MtaStsObservation,
    MxHost,
    MxObservation,
    Outcome,
    SmtpObservation,
    TlsaRecord,
    TlsRptObservation,
)
from tests.measurement.evaluate.conftest import NOW
from tests.measurement.evaluate.test_dane import record_for

PASS, FAIL = CheckOutcome.PASS, CheckOutcome.FAIL
NOT_APPLICABLE, NOT_TESTABLE = CheckOutcome.NOT_APPLICABLE, CheckOutcome.NOT_TESTABLE
SECURE, INSECURE = DnssecStatus.SECURE, DnssecStatus.INSECURE
BOGUS, INDETERMINATE = DnssecStatus.BOGUS, DnssecStatus.INDETERMINATE
DOMAIN = "example.nl"
POLICY = "version: STSv1\nmode: enforce\nmx: *.example.nl\nmax_age: 604800\n"


@pytest.fixture(scope="module")
def store(pki):
    return pkix.TrustStore([pki.root.cert])


def answer(qname, rdtype, *records, status=SECURE, rcode="NOERROR"):
    return DnsAnswer(qname, rdtype, rcode, status, tuple(records))


def host(name, address, tlsa=(), *, tlsa_status=SECURE, tlsa_rcode="NOERROR", a_status=SECURE):
    return HostObservation(
        host=name,
        a=answer(name, "A", address, status=a_status),
        aaaa=answer(name, "AAAA", status=a_status),
        tlsa=answer(
            f"_25._tcp.{name}",
            "TLSA",
            *(f"{r.usage} {r.selector} {r.matching_type} {r.data.hex()}" for r in tlsa),
            status=tlsa_status,
            rcode=tlsa_rcode,
        ),
        tlsa_base_domain=name,
        tlsa_records=tuple(tlsa),
    )


def probe(name, address, chain=(), outcome=Outcome.OK, **kwargs):
    if outcome is Outcome.OK and chain:
        kwargs.setdefault("tls_version", "TLSv1.3")
        kwargs.setdefault("starttls_offered", True)
    return SmtpObservation(host=name, address=address, outcome=outcome, chain=chain, **kwargs)


def domain_observation(hosts, probes, *, mx_status=SECURE, mta_sts=None, tls_rpt=None):
    mx_hosts = tuple(MxHost(10 * (i + 1), h.host) for i, h in enumerate(hosts))
    return DomainObservation(
        domain=DOMAIN,
        mx=MxObservation(
            domain=DOMAIN,
            answer=answer(
                DOMAIN, "MX", *(f"{m.preference} {m.host}." for m in mx_hosts), status=mx_status
            ),
            hosts=mx_hosts,
        ),
        hosts=tuple(hosts),
        probes=tuple(probes),
        mta_sts=mta_sts,
        tls_rpt=tls_rpt,
    )


@pytest.fixture
def dane_domain(pki):
    """One MX with a matching 3 1 1 record and a next-key record: everything passes."""
    records = (record_for(pki.leaf), record_for(pki.leaf_next_key))
    return domain_observation(
        [host("mx1.example.nl", "192.0.2.1", records)],
        [probe("mx1.example.nl", "192.0.2.1", pki.chain(pki.leaf))],
        mta_sts=MtaStsObservation(
            domain=DOMAIN,
            txt=answer(f"_mta-sts.{DOMAIN}", "TXT", "v=STSv1; id=2026"),
            policy_url=f"https://mta-sts.{DOMAIN}/.well-known/mta-sts.txt",
            fetch_outcome=Outcome.OK,
            http_status=200,
            content_type="text/plain; charset=utf-8",
            policy_text=POLICY,
            chain=pki.chain(pki.mta_sts_leaf),
        ),
        tls_rpt=TlsRptObservation(
            DOMAIN, answer(f"_smtp._tls.{DOMAIN}", "TXT", "v=TLSRPTv1; rua=mailto:r@example.nl")
        ),
    )


def outcomes(verdicts):
    return {check: verdicts.verdict(check).outcome for check in DOMAIN_CHECKS}


def test_a_fully_secured_domain_passes_every_check(dane_domain, store):
    verdicts = judge_domain(dane_domain, trust_store=store, now=NOW)
    assert outcomes(verdicts) == dict.fromkeys(DOMAIN_CHECKS, PASS)
    assert verdicts.mta_sts_mode == "enforce"
    assert verdicts.methodology_version == METHODOLOGY_VERSION == "2026.2"


def test_a_timeout_is_not_counted_as_missing_starttls(pki, store):
    obs = domain_observation(
        [host("mx1.example.nl", "192.0.2.1")],
        [probe("mx1.example.nl", "192.0.2.1", outcome=Outcome.TIMEOUT)],
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert verdicts.starttls.outcome is NOT_TESTABLE
    assert verdicts.starttls.reasons == ("smtp_timeout",)


@pytest.mark.parametrize(
    ("outcome", "expected", "reason"),
    [
        (Outcome.REFUSED, NOT_TESTABLE, "smtp_refused"),
        (Outcome.RATE_LIMITED, NOT_TESTABLE, "smtp_rate_limited"),
        (Outcome.UNREACHABLE, NOT_TESTABLE, "smtp_unreachable"),
        (Outcome.PROTOCOL_ERROR, NOT_TESTABLE, "smtp_protocol_error"),
        (Outcome.NOT_ALLOWED, NOT_TESTABLE, "address_not_allowed"),
        (Outcome.NOT_SUPPORTED, FAIL, "starttls_not_offered"),
        (Outcome.TLS_ERROR, FAIL, "handshake_failed"),
        (Outcome.ERROR, CheckOutcome.ERROR, "probe_error"),
    ],
)
def test_each_probe_outcome_gives_its_starttls_verdict(store, outcome, expected, reason):
    obs = domain_observation(
        [host("mx1.example.nl", "192.0.2.1")],
        [probe("mx1.example.nl", "192.0.2.1", outcome=outcome)],
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert (verdicts.starttls.outcome, verdicts.starttls.reasons) == (expected, (reason,))


def test_a_handshake_that_completed_passes_starttls_even_if_the_ehlo_after_it_timed_out(pki, store):
    obs = domain_observation(
        [host("mx1.example.nl", "192.0.2.1")],
        [
            probe(
                "mx1.example.nl",
                "192.0.2.1",
                pki.chain(pki.leaf),
                Outcome.TIMEOUT,
                tls_version="TLSv1.3",
                starttls_offered=True,
            )
        ],
    )
    assert judge_domain(obs, trust_store=store, now=NOW).starttls.outcome is PASS


def test_tlsa_present_and_a_failed_handshake_fails_dane_with_handshake_failed(pki, store):
    obs = domain_observation(
        [host("mx1.example.nl", "192.0.2.1", (record_for(pki.leaf),))],
        [probe("mx1.example.nl", "192.0.2.1", outcome=Outcome.TLS_ERROR, starttls_offered=True)],
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert (verdicts.dane.outcome, verdicts.dane.reasons) == (FAIL, ("handshake_failed",))
    assert verdicts.starttls_dane.outcome is FAIL


def test_tlsa_present_and_starttls_dropped_fails_dane(pki, store):
    obs = domain_observation(
        [host("mx1.example.nl", "192.0.2.1", (record_for(pki.leaf),))],
        [
            probe(
                "mx1.example.nl", "192.0.2.1", outcome=Outcome.NOT_SUPPORTED, starttls_offered=False
            )
        ],
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert (verdicts.dane.outcome, verdicts.dane.reasons) == (FAIL, ("starttls_not_offered",))


@pytest.mark.parametrize(
    ("status", "rcode", "expected", "reasons"),
    [
        (BOGUS, "SERVFAIL", FAIL, ("tlsa_bogus",)),
        (INDETERMINATE, "SERVFAIL", FAIL, ("tlsa_indeterminate",)),
        (INDETERMINATE, "TIMEOUT", NOT_TESTABLE, ("tlsa_lookup_timeout",)),
    ],
)
def test_a_failed_tlsa_lookup_is_judged_from_dns_alone(
    pki, store, status, rcode, expected, reasons
):
    # The server is fine; the TLSA lookup decides, and it is never "no TLSA".
    obs = domain_observation(
        [host("mx1.example.nl", "192.0.2.1", tlsa_status=status, tlsa_rcode=rcode)],
        [probe("mx1.example.nl", "192.0.2.1", pki.chain(pki.leaf))],
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert (verdicts.dane.outcome, verdicts.dane.reasons) == (expected, reasons)
    assert verdicts.starttls.outcome is PASS


def test_bogus_tlsa_fails_dane_even_when_the_server_cannot_be_reached(store):
    obs = domain_observation(
        [host("mx1.example.nl", "192.0.2.1", tlsa_status=BOGUS, tlsa_rcode="SERVFAIL")],
        [probe("mx1.example.nl", "192.0.2.1", outcome=Outcome.TIMEOUT)],
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert (verdicts.dane.outcome, verdicts.dane.reasons) == (FAIL, ("tlsa_bogus",))
    assert verdicts.starttls.outcome is NOT_TESTABLE


@pytest.mark.parametrize(
    ("records", "status", "reasons"),
    [
        ((), SECURE, ("no_tlsa",)),
        ((), INSECURE, ("no_tlsa", "mx_host_unsigned")),
        (("leaf",), INSECURE, ("tlsa_insecure",)),
        (("pkix",), SECURE, ("no_usable_tlsa",)),
    ],
)
def test_tlsa_that_is_missing_insecure_or_unusable_fails_dane(pki, store, records, status, reasons):
    made = {"leaf": record_for(pki.leaf), "pkix": record_for(pki.leaf, usage=1)}
    obs = domain_observation(
        [host("mx1.example.nl", "192.0.2.1", tuple(made[r] for r in records), tlsa_status=status)],
        [probe("mx1.example.nl", "192.0.2.1", pki.chain(pki.leaf))],
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert (verdicts.dane.outcome, verdicts.dane.reasons) == (FAIL, reasons)


def test_a_record_matching_nothing_fails_and_the_record_to_publish_is_given(pki, store):
    obs = domain_observation(
        [host("mx1.example.nl", "192.0.2.1", (record_for(pki.leaf_next_key),))],
        [probe("mx1.example.nl", "192.0.2.1", pki.chain(pki.leaf))],
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert (verdicts.dane.outcome, verdicts.dane.reasons) == (
        FAIL,
        ("tlsa_no_match", "leaf_mismatch"),
    )
    expected = tlsa_record_for(pki.chain(pki.leaf)).data.hex()
    assert verdicts.dane.details["publish"] == [
        f"_25._tcp.mx1.example.nl. IN TLSA 3 1 1 {expected}"
    ]


def test_two_mx_where_one_lacks_dane_fail_dane(pki, store):
    obs = domain_observation(
        [
            host("mx1.example.nl", "192.0.2.1", (record_for(pki.leaf),)),
            host("mx2.example.nl", "192.0.2.2"),
        ],
        [
            probe("mx1.example.nl", "192.0.2.1", pki.chain(pki.leaf)),
            probe("mx2.example.nl", "192.0.2.2", pki.chain(pki.wildcard_leaf)),
        ],
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert (verdicts.dane.outcome, verdicts.dane.reasons) == (FAIL, ("no_tlsa",))
    assert verdicts.dane.details["failing_hosts"] == ["mx2.example.nl"]
    assert [h.dane.outcome for h in verdicts.hosts] == [PASS, FAIL]
    assert verdicts.starttls.outcome is PASS
    assert verdicts.starttls_dane.outcome is FAIL


def test_one_failing_address_fails_dane_although_the_other_matches(pki, store):
    name = "mx1.example.nl"
    observation_host = dataclasses.replace(
        host(name, "192.0.2.1", (record_for(pki.leaf),)),
        aaaa=answer(name, "AAAA", "2001:db8::1"),
    )
    obs = domain_observation(
        [observation_host],
        [
            probe(name, "192.0.2.1", pki.chain(pki.leaf)),
            probe(name, "2001:db8::1", pki.chain(pki.leaf_next_key)),
        ],
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert verdicts.dane.outcome is FAIL
    assert [a.dane.outcome for a in verdicts.hosts[0].addresses] == [PASS, FAIL]


def test_an_unmeasured_address_makes_dane_not_testable_not_failed(pki, store):
    name = "mx1.example.nl"
    observation_host = dataclasses.replace(
        host(name, "192.0.2.1", (record_for(pki.leaf),)),
        aaaa=answer(name, "AAAA", "2001:db8::1"),
    )
    obs = domain_observation(
        [observation_host],
        [
            probe(name, "192.0.2.1", pki.chain(pki.leaf)),
            probe(name, "2001:db8::1", outcome=Outcome.TIMEOUT),
        ],
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert (verdicts.dane.outcome, verdicts.dane.reasons) == (NOT_TESTABLE, ("smtp_timeout",))


def test_an_expired_certificate_with_dane_ee_passes_dane_but_not_mta_sts(pki, store, dane_domain):
    obs = dataclasses.replace(
        dane_domain,
        hosts=(host("mx1.example.nl", "192.0.2.1", (record_for(pki.expired_leaf),)),),
        probes=(probe("mx1.example.nl", "192.0.2.1", pki.chain(pki.expired_leaf)),),
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert verdicts.dane.outcome is PASS
    assert verdicts.mta_sts.outcome is FAIL
    assert verdicts.mta_sts.reasons == ("mta_sts_mx_certificate_invalid",)


def test_dane_ta_with_the_ca_in_the_chain_passes(pki, store):
    obs = domain_observation(
        [host("mx1.example.nl", "192.0.2.1", (record_for(pki.intermediate, 2, 1, 1),))],
        [probe("mx1.example.nl", "192.0.2.1", pki.chain(pki.leaf))],
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert verdicts.dane.outcome is PASS


@pytest.mark.parametrize("null_mx", [True, False])
def test_null_mx_and_no_mx_are_not_applicable_for_every_check(store, null_mx):
    mx_answer = answer(DOMAIN, "MX", "0 ." if null_mx else None, rcode="NOERROR")
    mx_answer = dataclasses.replace(mx_answer, records=("0 .",) if null_mx else ())
    obs = DomainObservation(DOMAIN, MxObservation(DOMAIN, mx_answer, null_mx=null_mx))
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert outcomes(verdicts) == dict.fromkeys(DOMAIN_CHECKS, NOT_APPLICABLE)
    assert verdicts.dane.reasons == (("null_mx",) if null_mx else ("no_mx",))


def test_an_mx_lookup_that_failed_makes_everything_not_testable(store):
    mx_answer = answer(DOMAIN, "MX", status=INDETERMINATE, rcode="SERVFAIL")
    obs = DomainObservation(DOMAIN, MxObservation(DOMAIN, mx_answer))
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert outcomes(verdicts) == dict.fromkeys(DOMAIN_CHECKS, NOT_TESTABLE)


def test_a_bogus_mx_fails_dnssec_and_dane_and_leaves_starttls_not_testable(store):
    # RFC 7672 section 2.1.1: a validating sender defers all mail to the domain, so
    # DANE does not work there; no sender learns the MX hosts, so STARTTLS is unmeasured.
    mx_answer = answer(DOMAIN, "MX", status=BOGUS, rcode="SERVFAIL")
    obs = DomainObservation(DOMAIN, MxObservation(DOMAIN, mx_answer))
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    for check in ("dnssec", "dane", "dane_end_to_end", "starttls_dane"):
        assert verdicts.verdict(check).outcome is FAIL, check
        assert verdicts.verdict(check).reasons == ("mx_bogus",), check
    assert (verdicts.starttls.outcome, verdicts.starttls.reasons) == (NOT_TESTABLE, ("mx_bogus",))
    assert verdicts.dane_rollover.outcome is FAIL


def test_only_localhost_mx_is_not_testable(store):
    mx_answer = answer(DOMAIN, "MX", "10 localhost.")
    obs = DomainObservation(
        DOMAIN, MxObservation(DOMAIN, mx_answer, untestable_hosts=("localhost",))
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert (verdicts.starttls.outcome, verdicts.starttls.reasons) == (
        NOT_TESTABLE,
        ("mx_not_testable",),
    )
    assert verdicts.dnssec.outcome is PASS


def test_an_insecure_mx_fails_dnssec_and_dane_end_to_end_but_not_dane(pki, dane_domain, store):
    obs = dataclasses.replace(
        dane_domain,
        mx=dataclasses.replace(
            dane_domain.mx, answer=dataclasses.replace(dane_domain.mx.answer, status=INSECURE)
        ),
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert verdicts.dane.outcome is PASS
    assert (verdicts.dnssec.outcome, verdicts.dnssec.reasons) == (FAIL, ("mx_insecure",))
    assert verdicts.dane_end_to_end.reasons == ("mx_insecure",)


def test_insecure_address_records_fail_dane_end_to_end(pki, store):
    obs = domain_observation(
        [host("mx1.example.nl", "192.0.2.1", (record_for(pki.leaf),), a_status=INSECURE)],
        [probe("mx1.example.nl", "192.0.2.1", pki.chain(pki.leaf))],
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert verdicts.dane.outcome is PASS
    assert verdicts.dane_end_to_end.reasons == ("address_insecure",)


def test_a_single_record_fails_rollover_while_dane_passes(pki, store):
    obs = domain_observation(
        [host("mx1.example.nl", "192.0.2.1", (record_for(pki.leaf),))],
        [probe("mx1.example.nl", "192.0.2.1", pki.chain(pki.leaf))],
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert verdicts.dane.outcome is PASS
    assert (verdicts.dane_rollover.outcome, verdicts.dane_rollover.reasons) == (
        FAIL,
        ("rollover_single_record",),
    )


def test_rollover_is_not_judged_when_dane_fails(pki, store):
    obs = domain_observation(
        [host("mx1.example.nl", "192.0.2.1")],
        [probe("mx1.example.nl", "192.0.2.1", pki.chain(pki.leaf))],
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert verdicts.dane_rollover.reasons == ("dane_failed",)


def test_only_the_first_ten_mx_hosts_are_tested(pki, store):
    hosts = [host(f"mx{i}.example.nl", f"192.0.2.{i}") for i in range(12)]
    probes = [probe(h.host, h.addresses[0], pki.chain(pki.wildcard_leaf)) for h in hosts]
    verdicts = judge_domain(domain_observation(hosts, probes), trust_store=store, now=NOW)
    assert len(verdicts.hosts) == 10
    assert verdicts.mx.details["skipped"] == 2


def test_tlsa_given_only_as_text_is_parsed(pki, store):
    name = "mx1.example.nl"
    observation_host = dataclasses.replace(
        host(name, "192.0.2.1", (record_for(pki.leaf),)), tlsa_records=()
    )
    obs = domain_observation([observation_host], [probe(name, "192.0.2.1", pki.chain(pki.leaf))])
    assert judge_domain(obs, trust_store=store, now=NOW).dane.outcome is PASS


def test_a_missing_probe_is_not_testable(pki, store):
    obs = domain_observation([host("mx1.example.nl", "192.0.2.1", (record_for(pki.leaf),))], [])
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert (verdicts.starttls.outcome, verdicts.starttls.reasons) == (NOT_TESTABLE, ("not_probed",))


def test_garbage_chain_is_a_dane_failure_not_an_exception(store):
    obs = domain_observation(
        [host("mx1.example.nl", "192.0.2.1", (TlsaRecord(3, 1, 1, bytes(32)),))],
        [probe("mx1.example.nl", "192.0.2.1", (b"garbage",))],
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert (verdicts.dane.outcome, verdicts.dane.reasons) == (FAIL, ("bad_certificate",))


def test_the_stored_shape_is_plain_json(dane_domain, store):
    data = judge_domain(dane_domain, trust_store=store, now=NOW).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["dane"] == {"outcome": "pass", "reasons": [], "details": data["dane"]["details"]}
    assert data["mta_sts_mode"] == "enforce"
    assert data["hosts"][0]["addresses"][0]["certificate"]["web_pki_valid"] is True
    assert set(DOMAIN_CHECKS) <= set(data)


def test_what_the_judgement_stores_reads_back_as_the_same_types(dane_domain, store):
    judged = judge_domain(dane_domain, trust_store=store, now=NOW)
    stored = judged.stored()
    text = evidence.encode(
        {"mx": [{"preference": 10, "host": "mx1.example.nl"}], "verdicts": stored}
    )
    read = evidence.read(json.loads(text))  # as the database gives it back
    assert read.verdicts.hosts == stored["hosts"]  # the same HostEvidence, field for field
    host = read.verdicts.host("MX1.example.nl")
    assert host.dane.outcome == "pass" and host.tlsa_records == list(judged.hosts[0].tlsa_records)
    address = host.address(judged.hosts[0].addresses[0].address)
    assert address.certificate.web_pki_valid is True
    assert read.verdicts.check("dane") == stored["dane"]
    assert read.verdicts.check("hosts") is None  # not a check
    assert [entry.host for entry in read.mx_by_preference()] == ["mx1.example.nl"]


def test_stored_evidence_that_does_not_fit_its_type_reads_as_empty_not_as_a_guess(caplog):
    assert evidence.read({"mx": [{"preference": "ten"}]}) == evidence.Evidence()
    assert "does not fit" in caplog.text
    assert evidence.read(None) == evidence.Evidence()
    assert evidence.read({"observation": {"domain": "x.nl"}}).mx == []  # other keys: ignored


def test_outcome_values_match_the_django_model_choices():
    from measurement.models import CHECKS, Outcome

    assert {o.value for o in CheckOutcome} == set(Outcome.values)
    assert set(CHECKS) <= set(DOMAIN_CHECKS)


def test_a_bogus_zone_still_fails_mta_sts_and_tls_rpt_on_their_own_bogus_records(store):
    bogus = dict(status=BOGUS, rcode="SERVFAIL")
    obs = DomainObservation(
        DOMAIN,
        MxObservation(DOMAIN, answer(DOMAIN, "MX", **bogus)),
        mta_sts=MtaStsObservation(DOMAIN, answer(f"_mta-sts.{DOMAIN}", "TXT", **bogus)),
        tls_rpt=TlsRptObservation(DOMAIN, answer(f"_smtp._tls.{DOMAIN}", "TXT", **bogus)),
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert (verdicts.mta_sts.outcome, verdicts.mta_sts.reasons) == (FAIL, ("mta_sts_txt_bogus",))
    assert (verdicts.tls_rpt.outcome, verdicts.tls_rpt.reasons) == (FAIL, ("tls_rpt_bogus",))
    assert verdicts.starttls.outcome is NOT_TESTABLE


def test_our_own_bug_becomes_an_error_verdict_not_an_exception(store):
    broken = DomainObservation(
        DOMAIN,
        MxObservation(DOMAIN, answer(DOMAIN, "MX", "10 mx.example.nl."), hosts=("mx.example.nl",)),
    )
    verdicts = judge_domain(broken, trust_store=store, now=NOW)
    assert outcomes(verdicts) == dict.fromkeys(DOMAIN_CHECKS, CheckOutcome.ERROR)
    assert verdicts.dane.reasons == ("evaluate_error",)


def test_an_mx_host_without_addresses_is_skipped_like_senders_skip_it(pki, store):
    empty = dataclasses.replace(
        host("mx2.example.nl", "192.0.2.2", (record_for(pki.leaf),)),
        a=answer("mx2.example.nl", "A", rcode="NXDOMAIN"),
        aaaa=answer("mx2.example.nl", "AAAA", rcode="NXDOMAIN"),
    )
    obs = domain_observation(
        [host("mx1.example.nl", "192.0.2.1", (record_for(pki.leaf),)), empty],
        [probe("mx1.example.nl", "192.0.2.1", pki.chain(pki.leaf))],
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert (verdicts.starttls.outcome, verdicts.dane.outcome) == (PASS, PASS)
    assert verdicts.hosts[1].starttls.reasons == ("mx_host_no_address",)


def test_an_mx_host_whose_address_lookup_failed_is_not_testable(pki, store):
    failed = dataclasses.replace(
        host("mx2.example.nl", "192.0.2.2", (record_for(pki.leaf),)),
        a=answer("mx2.example.nl", "A", rcode="SERVFAIL", status=INDETERMINATE),
        aaaa=answer("mx2.example.nl", "AAAA", rcode="SERVFAIL", status=INDETERMINATE),
    )
    obs = domain_observation(
        [host("mx1.example.nl", "192.0.2.1", (record_for(pki.leaf),)), failed],
        [probe("mx1.example.nl", "192.0.2.1", pki.chain(pki.leaf))],
    )
    verdicts = judge_domain(obs, trust_store=store, now=NOW)
    assert verdicts.starttls.outcome is NOT_TESTABLE
    assert verdicts.starttls.reasons == ("address_lookup_failed",)
    assert verdicts.dane.outcome is NOT_TESTABLE


def test_no_mx_host_with_an_address_leaves_starttls_and_dane_not_testable(pki, store):
    empty = dataclasses.replace(
        host("mx1.example.nl", "192.0.2.1", (record_for(pki.leaf),)),
        a=answer("mx1.example.nl", "A"),
    )
    verdicts = judge_domain(domain_observation([empty], []), trust_store=store, now=NOW)
    assert verdicts.starttls.reasons == ("mx_no_address",)
    assert verdicts.dane.reasons == ("mx_no_address",)


def test_observations_read_back_from_json_are_judged_the_same(dane_domain, store):
    from measurement.probe.observations import from_json, to_json

    stored = json.loads(json.dumps(to_json(dane_domain)))
    again = from_json(DomainObservation, stored)
    first = judge_domain(dane_domain, trust_store=store, now=NOW).to_dict()
    assert judge_domain(again, trust_store=store, now=NOW).to_dict() == first
    assert first["dane"]["outcome"] == "pass"


# --- HostJudgements: one judgement per shared MX host per scan ---------------------------


def test_domains_sharing_a_host_share_its_judgement_and_match_judging_alone(pki, store):
    records = (record_for(pki.leaf),)
    shared_host = host("mx.provider.nl", "192.0.2.7", records)
    shared_probe = probe("mx.provider.nl", "192.0.2.7", pki.chain(pki.leaf))
    first = dataclasses.replace(domain_observation([shared_host], [shared_probe]), domain="a.nl")
    second = dataclasses.replace(first, domain="b.nl")
    judgements = HostJudgements()

    one = judge_domain(first, trust_store=store, now=NOW, hosts=judgements)
    two = judge_domain(second, trust_store=store, now=NOW, hosts=judgements)

    assert one.hosts[0] is two.hosts[0]
    alone = judge_domain(second, trust_store=store, now=NOW)
    assert two == alone
    assert two.to_dict(judgements.evidence) == alone.to_dict()
    assert judgements.evidence(one.hosts[0]) is judgements.evidence(two.hosts[0])


def test_a_host_judgement_is_not_reused_for_other_probes_preference_or_time(pki, store):
    records = (record_for(pki.leaf),)
    mx = host("mx.provider.nl", "192.0.2.7", records)
    matching = probe("mx.provider.nl", "192.0.2.7", pki.chain(pki.leaf))
    other_key = probe("mx.provider.nl", "192.0.2.7", pki.chain(pki.leaf_next_key))
    judgements = HostJudgements()

    def judged(probe_, preference=10, now=NOW):
        return judgements.judge(
            mx, preference, {(mx.host, "192.0.2.7"): probe_}, trust_store=store, now=now
        )

    assert judged(matching).dane.outcome is PASS
    assert judged(other_key).dane.outcome is FAIL
    assert judged(matching, preference=20).preference == 20
    assert judged(matching) is judged(matching)
    assert judged(matching, now=NOW + timedelta(days=1)) is not judged(matching)


def test_identity_cache_drops_the_oldest_entries_beyond_its_size():
    cache = IdentityCache(size=2)
    keys = [object() for _ in range(3)]
    calls = []

    def compute(i):
        calls.append(i)
        return i

    for i, key in enumerate(keys):
        assert cache.get((key,), (), lambda i=i: compute(i)) == i
    assert cache.get((keys[2],), (), lambda: compute(99)) == 2  # still cached
    assert cache.get((keys[0],), (), lambda: compute(0)) == 0  # evicted: computed again
    assert calls == [0, 1, 2, 0]
