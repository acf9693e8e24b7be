"""The rounds of streams a scan on Celery is sent out in (door.next_round), without workers."""

import pytest
from django.test import override_settings

from measurement.models import Domain, Organisation, Scan
from measurement.scan import door, store

pytestmark = pytest.mark.django_db


@pytest.fixture
def scan():
    organisation = Organisation.objects.create(
        name="Gemeente Vijf", sector="gemeente", source="csv", slug="vijf"
    )
    for n in range(5):
        Domain.objects.create(name=f"d{n}.vijf.example", organisation=organisation, source="csv")
    planned = door.plan()
    Scan.objects.filter(pk=planned.pk).update(status=Scan.Status.RUNNING)
    return planned


@override_settings(SCANNER_STREAM_BATCHES=2, SCANNER_STREAM_MAX_DOMAINS=2)
def test_a_round_has_no_stream_over_the_maximum_and_covers_every_unjudged_domain(scan):
    found = door.next_round(scan.pk)
    assert found.number == 1
    assert [len(batch) for batch in found.batches] == [2, 2, 1]
    ids = set(scan.domain_results.values_list("pk", flat=True))
    assert {pk for batch in found.batches for pk in batch} == ids


@override_settings(SCANNER_STREAM_BATCHES=2)
def test_a_round_begins_once_however_many_ask(scan):
    assert door.next_round(scan.pk, 0).number == 1  # the round's callback, say
    assert door.next_round(scan.pk, 0) == "superseded"  # a check sent for the same round
    assert door.next_round(scan.pk, 1, if_stalled=True) == "waiting"  # the scan stores


def test_a_scan_that_never_gets_judged_fails_after_the_last_round(scan):
    for _ in range(door.MAX_ROUNDS):
        assert isinstance(door.next_round(scan.pk), door.Round)
    assert door.next_round(scan.pk) == Scan.Status.FAILED
    scan.refresh_from_db()
    assert "not judged after" in scan.failure_reason


def test_a_scan_whose_domains_are_all_judged_is_finished_once(scan, monkeypatch):
    finished = []
    monkeypatch.setattr(door, "scan_finished", lambda s: finished.append(s.pk))
    scan.domain_results.update(judged_at="2026-12-01T00:00Z")
    assert door.next_round(scan.pk) == Scan.Status.FINISHED
    assert door.next_round(scan.pk) == Scan.Status.FINISHED
    assert store.finish(scan.pk)[1] is False
    assert finished == [scan.pk]
