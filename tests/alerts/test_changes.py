"""What counts as a change for the worse between a domain's two results (pure)."""

from datetime import UTC, datetime, timedelta

from alerts.changes import EXPIRING, TLSA_AFTER_NEW_CERTIFICATE, WORSE, changes_between
from dashboard.queries import TABLE_CHECKS
from measurement.evaluate import evidence

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


def result(at=NOW, dane="pass", not_after=NOW + timedelta(days=200), reasons=(), **checks) -> dict:
    verdicts = dict.fromkeys(TABLE_CHECKS, "pass") | {"dane": dane, "starttls_dane": dane} | checks
    certificate = evidence.CertificateEvidence(
        web_pki_valid=True, names=["mx.gemeente.nl"], not_after=not_after.isoformat()
    )
    host = evidence.HostEvidence(
        host="mx.gemeente.nl",
        dane=evidence.CheckEvidence(outcome=dane, reasons=list(reasons)),
        addresses=[evidence.AddressEvidence(address="192.0.2.25", certificate=certificate)],
    )
    return {
        "organisation_id": 1, "sector": "gemeente", "domain_name": "gemeente.nl",
        "judged_at": at, "reasons": {"dane": list(reasons)},
        "evidence": evidence.to_builtins({"verdicts": {"hosts": [host]}}), **verdicts,
    }  # fmt: skip


def kinds(changes) -> list[tuple[str, str, str]]:
    return [(c.kind, c.check, c.reason) for c in changes]


def test_the_same_result_twice_is_no_change():
    assert changes_between(result(), result(), 21) == []


def test_a_standard_that_passed_and_now_fails_is_a_change_with_its_reason():
    before = result()
    after = result(mta_sts="fail") | {"reasons": {"mta_sts": ["policy_missing"]}}
    assert kinds(changes_between(before, after, 21)) == [(WORSE, "mta_sts", "policy_missing")]


def test_a_standard_that_was_failing_or_not_testable_is_no_change():
    assert changes_between(result(tls_rpt="fail"), result(tls_rpt="fail"), 21) == []
    assert changes_between(result(starttls="not_testable"), result(starttls="fail"), 21) == []


def test_a_certificate_entering_its_last_21_days_is_a_change_once():
    soon = NOW + timedelta(days=20)
    changes = changes_between(result(), result(not_after=soon), 21)
    assert kinds(changes) == [(EXPIRING, "mx.gemeente.nl", soon.isoformat())]
    week_later = result(at=NOW + timedelta(days=7), not_after=soon)
    assert changes_between(result(not_after=soon), week_later, 21) == []


def test_a_tlsa_record_that_stops_matching_after_a_new_certificate_is_said_precisely():
    renewed = result(dane="fail", reasons=["leaf_mismatch"], not_after=NOW + timedelta(days=90))
    assert kinds(changes_between(result(), renewed, 21)) == [
        (TLSA_AFTER_NEW_CERTIFICATE, "mx.gemeente.nl", "leaf_mismatch")
    ]


def test_a_tlsa_mismatch_with_the_same_certificate_is_a_plain_dane_failure():
    broken = result(dane="fail", reasons=["tlsa_no_match"])
    assert kinds(changes_between(result(), broken, 21)) == [
        (WORSE, "dane", "tlsa_no_match"),
        (WORSE, "starttls_dane", ""),
    ]
