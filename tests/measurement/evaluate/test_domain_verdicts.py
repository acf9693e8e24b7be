"""Domain verdicts: MX, DNSSEC, DANE end-to-end and rollover, and the MX hosts a sender skips."""

import dataclasses

import pytest

from measurement.evaluate.outcomes import CheckOutcome
from measurement.evaluate.verdicts import (
    DOMAIN_CHECKS,
    judge_domain,
)
from measurement.probe.observations import (
    DomainObservation,
    MtaStsObservation,
    MxObservation,
    TlsRptObservation,
)
from tests.measurement.evaluate.conftest import NOW
from tests.measurement.evaluate.observation_builders import (
    BOGUS,
    DOMAIN,
    FAIL,
    INDETERMINATE,
    INSECURE,
    NOT_APPLICABLE,
    NOT_TESTABLE,
    PASS,
    answer,
    domain_observation,
    host,
    outcomes,
    probe,
)
from tests.measurement.evaluate.test_dane import record_for


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
