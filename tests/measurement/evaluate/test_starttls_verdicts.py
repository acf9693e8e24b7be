"""STARTTLS verdicts per probed address: what each probe outcome means (DESIGN.md section 2)."""

import pytest

from measurement.evaluate.outcomes import CheckOutcome
from measurement.evaluate.verdicts import (
    DOMAIN_CHECKS,
    METHODOLOGY_VERSION,
    judge_domain,
)
from measurement.probe.observations import (
    Outcome,
)
from tests.measurement.evaluate.conftest import NOW
from tests.measurement.evaluate.observation_builders import (
    FAIL,
    NOT_TESTABLE,
    PASS,
    domain_observation,
    host,
    outcomes,
    probe,
)


def test_a_fully_secured_domain_passes_every_check(dane_domain, store):
    verdicts = judge_domain(dane_domain, trust_store=store, now=NOW)
    assert outcomes(verdicts) == dict.fromkeys(DOMAIN_CHECKS, PASS)
    assert verdicts.mta_sts_mode == "enforce"
    assert verdicts.methodology_version == METHODOLOGY_VERSION == "2026.3"


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
