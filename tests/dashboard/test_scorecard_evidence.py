"""The scorecard reads a result's stored evidence and probes through the types a scan
stores them with (measurement.evaluate.evidence and the probe's observations)."""

from django.urls import reverse
from django.utils.html import escape

from dashboard import queries
from dashboard.evidence import leaf_certificate, tlsa_records
from measurement.evaluate import evidence
from measurement.models import Domain, HostResult
from measurement.probe.observations import (
    DnssecStatus,
    DomainObservation,
    HostObservation,
    SmtpObservation,
)


def test_a_scorecard_holds_the_stored_evidence_as_its_types(cast):
    card = queries.domain_card(Domain.objects.get(name="veiligstad.nl"))
    assert isinstance(card.evidence, evidence.Evidence)
    assert isinstance(card.evidence.observation, DomainObservation)
    assert card.evidence.observation.mx.answer.status is DnssecStatus.SECURE
    host = card.hosts[0]
    assert isinstance(host.dns, HostObservation)
    assert host.dns.tlsa_records[0].usage == 3 and len(host.dns.tlsa_records[0].data) == 32
    assert isinstance(host.verdict, evidence.HostEvidence) and host.verdict.dane.outcome == "pass"
    probe = host.probes[0]
    assert isinstance(probe.observation, SmtpObservation)
    assert probe.observation.chain and isinstance(probe.observation.chain[0], bytes)
    assert probe.verdict.certificate.reason == "self_signed"


def test_the_scorecard_renders_what_the_types_hold(client, cast):
    card = queries.domain_card(Domain.objects.get(name="veiligstad.nl"))
    host = card.hosts[0]
    html = client.get(reverse("dashboard:domain", args=["veiligstad.nl"])).content.decode()
    assert tlsa_records(host.dns)[0] in html  # from the TlsaRecord's bytes
    assert escape(leaf_certificate(host.probes[0].observation).subject) in html  # DER chain
    assert "v=STSv1; id=20260101" in html  # the MtaStsObservation
    assert "beveiligd (secure)" in html  # the DnsAnswer's DNSSEC status


def test_a_probe_whose_stored_observation_does_not_fit_shows_no_certificate(client, cast, caplog):
    probe = HostResult.objects.filter(host="mx1.veiligstad.nl").latest("pk")
    probe.observation = {"host": probe.host, "chain": ["not base64!"]}  # no outcome, bad DER
    probe.save(update_fields=["observation"])
    card = queries.domain_card(Domain.objects.get(name="veiligstad.nl"))
    assert card.hosts[0].probes[0].observation is None
    assert "does not fit" in caplog.text
    assert client.get(reverse("dashboard:domain", args=["veiligstad.nl"])).status_code == 200
