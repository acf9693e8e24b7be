"""What the judgement stores: plain JSON that reads back as the same evidence types."""

import json

from measurement.evaluate import evidence
from measurement.evaluate.verdicts import (
    DOMAIN_CHECKS,
    judge_domain,
)
from measurement.probe.observations import (
    DomainObservation,
)
from tests.measurement.evaluate.conftest import NOW


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
    assert evidence.read({"added_later": {"domain": "x.nl"}}) == evidence.Evidence()  # ignored


def test_observations_read_back_from_json_are_judged_the_same(dane_domain, store):
    stored = json.loads(evidence.encode(dane_domain))
    again = evidence.convert(stored, DomainObservation)
    first = judge_domain(dane_domain, trust_store=store, now=NOW).to_dict()
    assert judge_domain(again, trust_store=store, now=NOW).to_dict() == first
    assert first["dane"]["outcome"] == "pass"
