"""The TLS quality check (NCSC) inside a scan, through the door: each MX address of the
lab's TLS scenarios assessed once per round, politely (the lab's own connection log),
stored beside its probe, and reused by a weekly scan within the configured period."""

from collections import Counter

import pytest
from django.test import override_settings

from measurement.models import Domain, HostResult, Organisation, Scan
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
        assert min(gaps) >= GAP, (row.address, min(gaps))
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
