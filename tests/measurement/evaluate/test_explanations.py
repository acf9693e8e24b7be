import re

import pytest
from django.utils import translation

from measurement import explanations
from measurement.evaluate import evidence, mtasts, pkix, tlsrpt
from measurement.evaluate.verdicts import DOMAIN_CHECKS, judge_domain
from measurement.probe.observations import Outcome
from tests.measurement.evaluate import observation_builders as cases
from tests.measurement.evaluate.conftest import NOW
from tests.measurement.evaluate.test_dane import record_for


@pytest.mark.parametrize("reason", sorted(explanations.REASONS))
def test_every_reason_says_what_why_and_how_in_dutch(reason):
    with translation.override("nl"):
        text = explanations.explain(reason)
    assert text.title and text.why and text.fix
    assert text.title != "Onbekende reden"


def test_an_unknown_reason_still_gets_an_explanation():
    assert explanations.explain("something_new").title


def test_every_reason_a_verdict_can_give_has_its_own_explanation(pki):
    store = pkix.TrustStore([pki.root.cert])
    observations = [
        cases.domain_observation(
            [cases.host("mx1.example.nl", "192.0.2.1", records, tlsa_status=status)],
            [cases.probe("mx1.example.nl", "192.0.2.1", chain, outcome)],
        )
        for records, status, chain, outcome in [
            ((), cases.SECURE, pki.chain(pki.leaf), Outcome.OK),
            ((), cases.INSECURE, (), Outcome.TIMEOUT),
            ((record_for(pki.leaf_next_key),), cases.SECURE, pki.chain(pki.leaf), Outcome.OK),
            ((record_for(pki.leaf),), cases.BOGUS, (), Outcome.NOT_SUPPORTED),
            ((record_for(pki.leaf),), cases.SECURE, (), Outcome.TLS_ERROR),
            ((record_for(pki.leaf),), cases.SECURE, pki.chain(pki.leaf), Outcome.OK),
        ]
    ]
    seen = set()
    for observation in observations:
        verdicts = judge_domain(observation, trust_store=store, now=NOW)
        for check in DOMAIN_CHECKS:
            seen.update(verdicts.verdict(check).reasons)
    assert len(seen) > 8
    assert seen <= explanations.REASONS, seen - explanations.REASONS


def test_reason_codes_in_the_evaluate_sources_are_all_explained():
    # Every string that looks like a reason code where a verdict is built must be known.
    import inspect

    from measurement.evaluate import dane, pkix, verdicts

    found = set()
    for module in (verdicts, mtasts, tlsrpt, dane, pkix):
        source = inspect.getsource(module)
        found.update(
            re.findall(r'"((?:mta_sts|tls_rpt|tlsa|smtp|dane_ta|rollover)_[a-z_]+)"', source)
        )
    found -= {"mta_sts_mode", "tlsa_base_domain", "tlsa_records", "tlsa_status", "tlsa_to_publish"}
    assert found <= explanations.REASONS, found - explanations.REASONS


def test_a_missing_tlsa_explanation_gives_the_3_1_1_record_for_the_presented_chain(pki):
    text = explanations.explain(
        "no_tlsa", {"host": "mx1.example.nl", "chain": list(pki.chain(pki.leaf))}
    )
    assert re.fullmatch(r"_25\._tcp\.mx1\.example\.nl\. IN TLSA 3 1 1 [0-9a-f]{64}", text.record)


def test_the_mta_sts_template_is_a_policy_that_passes_our_own_parser():
    text = explanations.explain(
        "mta_sts_missing", {"domain": "example.nl", "mx_hosts": ["mx1.example.nl"]}
    )
    txt_line, _, rest = text.record.partition("\n\n")
    assert mtasts.judge_sts_txt([txt_line.split('"')[1]]).status == "valid"
    policy_text, _, tls_rpt_line = rest.split(":\n", 1)[1].partition("\n\n")
    policy = mtasts.parse_policy(policy_text)
    # A new deployment starts in mode testing together with a TLS-RPT record.
    assert policy.valid and policy.mode == "testing" and policy.mx == ("mx1.example.nl",)
    assert tlsrpt.judge_tlsrpt_txt([tls_rpt_line.split('"')[1]]).status == "valid"


def test_a_domain_already_in_enforce_is_given_an_enforce_policy():
    text = explanations.explain(
        "mta_sts_mx_not_covered",
        {"domain": "example.nl", "mx_hosts": ["mx1.example.nl"], "mta_sts_mode": "enforce"},
    )
    policy = mtasts.parse_policy(text.record.split(":\n", 1)[1])
    assert policy.valid and policy.mode == "enforce"
    assert "TLSRPT" not in text.record


def test_a_refused_certificate_extension_is_named_in_the_title():
    with translation.override("nl"):
        text = explanations.explain("certificate_extension_rejected:authorityKeyIdentifier")
    assert text.title.endswith("CA/Browser-forumprofiel: authorityKeyIdentifier")


def test_the_tls_rpt_template_is_a_record_that_passes_our_own_parser():
    text = explanations.explain("tls_rpt_missing", {"domain": "example.nl"})
    assert tlsrpt.judge_tlsrpt_txt([text.record.split('"')[1]]).status == "valid"


def test_explanations_come_in_english_too():
    with translation.override("en"):
        english = explanations.explain("starttls_not_offered")
    with translation.override("nl"):
        dutch = explanations.explain("starttls_not_offered")
    assert dutch.title == "De mailserver biedt geen STARTTLS aan"
    assert english.title == "The mail server does not offer STARTTLS"


def test_stored_verdicts_are_explained_per_check(pki):
    store = pkix.TrustStore([pki.root.cert])
    observation = cases.domain_observation(
        [cases.host("mx1.example.nl", "192.0.2.1")],
        [cases.probe("mx1.example.nl", "192.0.2.1", pki.chain(pki.leaf))],
    )
    stored = judge_domain(observation, trust_store=store, now=NOW).to_dict()
    explained = explanations.explain_stored(evidence.convert(stored, evidence.VerdictsEvidence))
    assert "_25._tcp.mx1.example.nl. IN TLSA 3 1 1" in explained["dane"][0].record
    assert explained["mx"] == []


@pytest.mark.parametrize("reason", sorted(explanations.REASONS))
def test_every_reason_is_translated_to_english(reason):
    with translation.override("nl"):
        dutch = explanations.explain(reason)
    with translation.override("en"):
        english = explanations.explain(reason)
    assert english.title != dutch.title
    assert english.why != dutch.why
    assert english.fix != dutch.fix


def test_the_dashboard_context_with_stored_evidence_yields_the_record(pki):
    store = pkix.TrustStore([pki.root.cert])
    observation = cases.domain_observation(
        [cases.host("mx1.example.nl", "192.0.2.1")],
        [cases.probe("mx1.example.nl", "192.0.2.1", pki.chain(pki.leaf))],
    )
    stored = judge_domain(observation, trust_store=store, now=NOW).to_dict()
    typed = evidence.read({"verdicts": stored})
    context = {"check": "dane", "domain": "example.nl", "evidence": typed}
    assert "IN TLSA 3 1 1" in explanations.explain("no_tlsa", context).record
    sts = explanations.explain("mta_sts_missing", context | {"check": "mta_sts"}).record
    assert "mx: mx1.example.nl" in sts
