"""The TLS quality check (NCSC) inside a scan, through the door: each MX address of the
lab's TLS scenarios assessed once per round, politely (the lab's own connection log),
stored beside its probe, and reused by a weekly scan within the configured period."""

import csv
import io
from collections import Counter

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from dashboard import queries
from lab.scenarios import SCENARIOS
from measurement.evaluate import evidence, readings
from measurement.explanations import explain
from measurement.models import (
    Domain,
    DomainResult,
    HostResult,
    Organisation,
    Scan,
    SectorAggregate,
)
from measurement.probe.tls_quality import BUDGET
from measurement.scan import door
from tests.measurement.scan_fixtures import (
    lab_settings,
    ours,
    overlapping_connections,
    own_source_address,
    register_scenarios,
)

GAP = 0.2  # seconds between two connections to one address; production uses 1.0
LOG_LATENCY = 0.01  # seconds the lab's server may log an accept late
TLS_SCENARIOS = (
    "tls-ncsc-good",
    "tls-ncsc-sufficient",
    "tls-old-versions",
    "tls-weak-cipher",
    "tls-weak-dh",
    "tls-client-renegotiation",
    "tls-rsa1024",
    "tls-sha1-certificate",
)
OTHERS = ("no-starttls",)


def _levels() -> list[str]:
    return [s.tls_level for s in SCENARIOS if s.name in TLS_SCENARIOS]


def _scan(lab, kind: str, **overrides) -> tuple[Scan, list]:
    """A scan of the registered domains through the door; our part of the lab's log."""
    source = own_source_address()
    settings = lab_settings(
        lab, SCANNER_SOURCE_ADDRESS=source, SCANNER_ADDRESS_GAP=GAP, **overrides
    )
    with override_settings(**settings):
        scan = door.run(door.plan(kind=kind).pk)
    return scan, ours(lab.connection_log(), source)


@pytest.fixture(scope="module")
def scans(lab, django_db_setup, django_db_blocker):
    """A round, then a weekly scan (assessments reused), then a weekly scan whose period
    has passed (assessed again); the third as two streams sharing their probes."""
    with django_db_blocker.unblock():
        register_scenarios([lab.scenario(name) for name in TLS_SCENARIOS + OTHERS])
        round_scan = _scan(lab, Scan.Kind.ROUND, SCANNER_RETRY_DELAY=0.1)
        weekly = _scan(lab, Scan.Kind.SCHEDULED, SCANNER_RETRY_DELAY=0.1)
        expired = _scan(
            lab, Scan.Kind.SCHEDULED, SCANNER_RETRY_DELAY=0.1, SCANNER_TLS_QUALITY_PERIOD_DAYS=0
        )
        yield {"round": round_scan, "weekly": weekly, "expired": expired}
        Domain.objects.update(latest_result=None)
        Scan.objects.all().delete()
        Domain.objects.all().delete()
        Organisation.objects.all().delete()


def _tls_rows(scan: Scan) -> dict[str, HostResult]:
    hosts = {f"mx.{name}.example" for name in TLS_SCENARIOS}
    return {row.host: row for row in HostResult.objects.filter(scan=scan, host__in=hosts)}


@pytest.mark.django_db
def test_a_round_assesses_every_address_that_offers_starttls_and_stores_it(scans):
    scan, _ = scans["round"]
    rows = _tls_rows(scan)
    assert len(rows) == len(TLS_SCENARIOS)
    for row in rows.values():
        assert row.tls_quality["outcome"] == "ok", row.tls_quality
        assert row.tls_quality["versions"], row.host
        assert row.tls_quality_at is not None
        assert row.observation["tls_quality"] is None  # stored once, in its own column
    others = HostResult.objects.filter(scan=scan, host__in=[f"mx.{n}.example" for n in OTHERS])
    assert others.exists()
    assert all(row.tls_quality is None for row in others)


@pytest.mark.django_db
def test_one_connection_at_a_time_per_address_with_the_gap_and_at_most_the_budget(scans):
    scan, log = scans["round"]
    assert overlapping_connections(log) == []
    by_address: dict[str, list] = {}
    for record in log:
        by_address.setdefault(record.server, []).append(record)
    for row in _tls_rows(scan).values():
        records = sorted(by_address[row.address], key=lambda r: r.start)
        gaps = [b.start - a.start for a, b in zip(records, records[1:], strict=False)]
        # Start to start, as the lab's server logged them: a busy server logs an accept
        # some milliseconds late, so the next start may seem that much early.
        assert min(gaps) >= GAP - LOG_LATENCY, (row.address, min(gaps))
        assessment = row.tls_quality["connections"]
        assert assessment <= BUDGET
        # The lab's log: the probe's attempts and the assessment's connections, no more.
        assert len(records) == row.observation["attempts"] + assessment, row.host
        for record in records:
            verbs = {c.split()[0].upper() for c in record.commands if c.split()}
            assert not verbs & {"MAIL", "RCPT", "DATA"}, record


@pytest.mark.django_db
def test_a_weekly_scan_within_the_period_reuses_the_assessment_without_connecting(scans):
    round_rows = _tls_rows(scans["round"][0])
    scan, log = scans["weekly"]
    rows = _tls_rows(scan)
    connections = Counter(record.server for record in log)
    for host, row in rows.items():
        assert row.tls_quality == round_rows[host].tls_quality
        assert row.tls_quality_at == round_rows[host].tls_quality_at
        assert connections[row.address] == row.observation["attempts"], host


@pytest.mark.django_db
def test_a_weekly_scan_after_the_period_assesses_again(scans):
    weekly_rows = _tls_rows(scans["weekly"][0])
    scan, log = scans["expired"]
    connections = Counter(record.server for record in log)
    for host, row in _tls_rows(scan).items():
        assert row.tls_quality_at > weekly_rows[host].tls_quality_at
        expected = row.observation["attempts"] + row.tls_quality["connections"]
        assert connections[row.address] == expected, host


@pytest.mark.django_db
@pytest.mark.parametrize("name", TLS_SCENARIOS)
def test_each_category_is_judged_in_the_scan_with_its_reasons(lab, scans, name):
    scenario = lab.scenario(name)
    result = DomainResult.objects.get(scan=scans["round"][0], domain_name=scenario.domain)
    insufficient = scenario.tls_level == "insufficient"
    assert result.tls_ncsc == ("fail" if insufficient else "pass"), result.reasons
    assert set(scenario.tls_reasons) <= set(result.reasons["tls_ncsc"])
    assert result.starttls == "pass"  # the default reading, as today
    assert result.starttls_internetnl == result.tls_ncsc
    assert result.starttls_dane_internetnl == result.tls_ncsc  # DANE passes on these
    stored = result.evidence["verdicts"]["tls_ncsc"]["details"]
    for reason in scenario.tls_reasons:
        level = "phase_out" if reason.endswith("_phase_out") else "insufficient"
        code = reason.removesuffix(f"_{level}")
        assert any(f["code"] == code and f["level"] == level for f in stored["findings"])


@pytest.mark.django_db
def test_each_finding_on_the_scorecard_is_explained_with_its_fix_lines(scans):
    result = DomainResult.objects.get(
        scan=scans["round"][0], domain_name="tls-old-versions.example"
    )
    context = {"check": "tls_ncsc", "evidence": evidence.read(result.evidence)}
    with translation.override("nl"):
        dutch = explain("tls_version_insufficient", context)
    with translation.override("en"):
        english = explain("tls_version_insufficient", context)
    assert "TLSv1" in dutch.title and "onvoldoende" in dutch.title
    assert "insufficient" in english.title
    assert "smtpd_tls_protocols = >=TLSv1.2" in dutch.record
    assert r"Protocols\TLS 1.0\Server" in dutch.record


@pytest.mark.django_db
def test_without_starttls_the_tls_configuration_fails_too(scans):
    result = DomainResult.objects.get(scan=scans["round"][0], domain_name="no-starttls.example")
    assert result.starttls == result.tls_ncsc == result.starttls_internetnl == "fail"
    assert result.reasons["tls_ncsc"] == ["starttls_not_offered"]


@pytest.mark.django_db
def test_the_figures_are_stored_under_both_readings(scans):
    scan, _ = scans["round"]
    version = scan.methodology_version
    rows = SectorAggregate.objects.filter(scan=scan)

    def total(methodology_version, check):
        found = rows.filter(methodology_version=methodology_version, check_name=check)
        return sum(row.passed for row in found), sum(row.failed for row in found)

    insufficient = sum(level == "insufficient" for level in _levels())
    assert total(version, "starttls") == (len(TLS_SCENARIOS), len(OTHERS))
    inl = readings.version_of(version, readings.Reading.INTERNETNL)
    assert total(inl, "starttls") == (
        len(TLS_SCENARIOS) - insufficient,
        len(OTHERS) + insufficient,
    )
    assert total(inl, "dane") == total(version, "dane")
    assert total(version, "tls_ncsc") == total(inl, "starttls")


@pytest.mark.django_db
def test_the_domain_page_shows_each_finding_with_its_fix_in_dutch_and_english(client, scans):
    name = "tls-old-versions.example"
    result = DomainResult.objects.get(scan=scans["round"][0], domain_name=name)
    context = {"check": "tls_ncsc", "evidence": evidence.read(result.evidence)}
    for language in ("nl", "en"):
        with translation.override(language):  # the English URL starts with /en/
            expected = explain("tls_version_insufficient", context)
            page = client.get(reverse("dashboard:domain", args=[name]))
        html = page.content.decode()
        assert escape(expected.title) in html, language
        assert escape(expected.fix) in html
        assert escape("smtpd_tls_protocols = >=TLSv1.2") in html
        assert "TLS (NCSC)" in html


@pytest.mark.django_db
def test_the_api_gives_the_figures_of_either_reading_and_names_its_version(client, scans):
    scan, _ = scans["round"]
    default = client.get("/api/v1/sectors/", {"scan": scan.pk}).json()
    internetnl = client.get("/api/v1/sectors/", {"scan": scan.pk, "reading": "internetnl"}).json()
    assert default["methodology_version"] == scan.methodology_version
    assert internetnl["methodology_version"] == f"{scan.methodology_version}-internetnl"
    insufficient = sum(level == "insufficient" for level in _levels())
    assert default["total"]["starttls"]["passed"] == len(TLS_SCENARIOS)
    assert internetnl["total"]["starttls"]["passed"] == len(TLS_SCENARIOS) - insufficient
    assert internetnl["total"]["tls_ncsc"] == default["total"]["tls_ncsc"]


@pytest.mark.django_db
def test_the_csv_export_has_both_readings_and_tls_ncsc_per_domain(client, scans):
    scan, _ = scans["round"]
    response = client.get(reverse("exports:scan_csv", args=[scan.pk]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    data = [line for line in io.StringIO(body) if not line.startswith("#")]  # metadata lines
    rows = {row["domain"]: row for row in csv.DictReader(data)}
    old = rows["tls-old-versions.example"]
    readings_of_old = (old["starttls"], old["tls_ncsc"], old["starttls_internetnl"])
    assert readings_of_old == ("pass", "fail", "fail")
    good = rows["tls-ncsc-good.example"]
    assert (good["tls_ncsc"], good["starttls_dane_internetnl"]) == ("pass", "pass")


@pytest.mark.django_db
def test_the_setting_chooses_the_reading_of_the_figures_trends_and_organisation_rows(scans):
    scan, _ = scans["round"]
    insufficient = sum(level == "insufficient" for level in _levels())
    expected = {"default": len(TLS_SCENARIOS), "internetnl": len(TLS_SCENARIOS) - insufficient}
    for reading, passed in expected.items():
        with override_settings(METHODOLOGY_READING=reading):
            assert queries.sector_stats(scan).total["starttls"].passed == passed
            [point] = [p for p in queries.trend_by_sector(("starttls",)) if p.scan_id == scan.pk]
            assert queries.trend_total(point, "starttls").passed == passed
            rows = queries.organisation_rows(scan, query="tls-old-versions")
            status = "pass" if reading == "default" else "fail"
            assert [row.checks["starttls"]["status"] for row in rows] == [status]
