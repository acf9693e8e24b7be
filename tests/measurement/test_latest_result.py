"""Domain.latest_result: set as each result is stored, never back to an older scan's.

The domains here are never resolved (no lab), so judging gives each the verdict "error"
(not_resolved): enough to follow which result a domain points at.
"""

import pytest
from django.utils import timezone

from measurement.models import Domain, DomainResult, Organisation, Scan
from measurement.scan import door, judging, store


@pytest.fixture
def domains():
    organisation = Organisation.objects.create(
        name="Gemeente Voorbeeld", sector="gemeente", source="csv", slug="voorbeeld"
    )
    return [
        Domain.objects.create(name=name, organisation=organisation, source="csv")
        for name in ("voorbeeld.example", "mail.voorbeeld.example", "oud.voorbeeld.example")
    ]


def judge(scan: Scan, names: list[str] | None = None) -> None:
    rows = scan.domain_results.all()
    if names is not None:
        rows = rows.filter(domain_name__in=names)
    now = timezone.now()
    judged = [judging.unresolved_row(pk, now=now) for pk in rows.values_list("pk", flat=True)]
    store.store_judged(scan, judged, {}, now)


def latest_scans() -> dict[str, int | None]:
    return {
        d.name: d.latest_result.scan_id if d.latest_result else None
        for d in Domain.objects.select_related("latest_result")
    }


@pytest.mark.django_db
def test_a_domain_points_at_its_result_as_soon_as_it_is_judged(domains):
    scan = door.plan()
    judge(scan, ["voorbeeld.example"])
    scan.refresh_from_db()
    assert scan.status != Scan.Status.FINISHED
    assert latest_scans() == {
        "voorbeeld.example": scan.pk,
        "mail.voorbeeld.example": None,
        "oud.voorbeeld.example": None,
    }


@pytest.mark.django_db
def test_an_older_scan_judged_later_does_not_replace_a_newer_result(domains):
    older = door.plan()
    newer = door.plan()
    judge(newer, ["voorbeeld.example", "mail.voorbeeld.example"])
    judge(older)
    assert latest_scans() == {
        "voorbeeld.example": newer.pk,
        "mail.voorbeeld.example": newer.pk,
        "oud.voorbeeld.example": older.pk,  # the newer scan has not judged it yet
    }
    judge(newer)
    assert set(latest_scans().values()) == {newer.pk}


@pytest.mark.django_db
def test_re_judged_verdicts_do_not_become_the_latest_result(domains):
    scan = door.plan()
    judge(scan)
    door.rejudge(scan.pk, "test-next")
    assert DomainResult.objects.filter(scan=scan, methodology_version="test-next").count() == 3
    pointed = set(Domain.objects.values_list("latest_result__methodology_version", flat=True))
    assert pointed == {scan.methodology_version}


@pytest.mark.django_db
def test_a_failed_scan_keeps_what_it_judged_as_the_latest(domains):
    scan = door.plan()
    judge(scan, ["voorbeeld.example"])
    door.fail(scan.pk, "test: the resolver went away")
    assert latest_scans()["voorbeeld.example"] == scan.pk
    assert latest_scans()["oud.voorbeeld.example"] is None
