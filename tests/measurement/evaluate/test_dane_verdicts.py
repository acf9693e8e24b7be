"""DANE verdicts: the TLSA RRset from DNS alone, each address's match, and the host (RFC 7672)."""

import dataclasses

import pytest

from measurement.evaluate.dane import tlsa_record_for
from measurement.evaluate.verdicts import (
    judge_domain,
)
from measurement.probe.observations import (
    Outcome,
    TlsaRecord,
)
from tests.measurement.evaluate.conftest import NOW
from tests.measurement.evaluate.observation_builders import (
    BOGUS,
    FAIL,
    INDETERMINATE,
    INSECURE,
    NOT_TESTABLE,
    PASS,
    SECURE,
    answer,
    domain_observation,
    host,
    probe,
)
from tests.measurement.evaluate.test_dane import record_for


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


def _dual_stack_host(pki):
    """mx1.example.nl on 192.0.2.1 and 2001:db8::1, its TLSA record for the lab leaf."""
    name = "mx1.example.nl"
    return name, dataclasses.replace(
        host(name, "192.0.2.1", (record_for(pki.leaf),)),
        aaaa=answer(name, "AAAA", "2001:db8::1"),
    )


def test_one_failing_address_fails_dane_although_the_other_matches(pki, store):
    name, observation_host = _dual_stack_host(pki)
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
    name, observation_host = _dual_stack_host(pki)
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
