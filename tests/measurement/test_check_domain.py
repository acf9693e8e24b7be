"""`manage.py check_domain` against the lab: the report, the JSON and the computed fix."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def _run(*args) -> str:
    out = StringIO()
    call_command("check_domain", *args, stdout=out)
    return out.getvalue()


def test_the_json_report_holds_the_verdicts_and_the_evidence(lab):
    report = json.loads(_run("dane-ee.example", "--lab", "--json"))
    assert report["verdicts"]["dane"]["outcome"] == "pass"
    assert report["verdicts"]["starttls"]["outcome"] == "pass"
    probe = report["observation"]["probes"][0]
    assert probe["host"] == "mx.dane-ee.example"
    assert probe["chain"], "the presented chain is part of the evidence"


def test_the_readable_report_shows_the_tlsa_record_to_publish_when_nothing_matches(lab):
    text = _run("tlsa-mismatch.example", "--lab")
    assert "DANE                   fail" in text
    assert "_25._tcp.mx.tlsa-mismatch.example. IN TLSA 3 1 1 " in text


def test_a_timeout_is_reported_as_not_testable_not_as_missing_starttls(lab):
    report = json.loads(_run("silent.example", "--lab", "--json"))
    assert report["verdicts"]["starttls"]["outcome"] == "not_testable"


def test_an_invalid_domain_is_a_clear_error():
    with pytest.raises(CommandError, match="leeg label"):
        _run("a..nl")
