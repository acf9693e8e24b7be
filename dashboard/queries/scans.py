"""The scans the dashboard shows: finished scans of the whole register, rounds, versions."""

from django.db.models import Count, Max, Min, QuerySet

from measurement.models import Scan

FULL_SCAN_KINDS = (Scan.Kind.SCHEDULED, Scan.Kind.FULL, Scan.Kind.ROUND)


def finished_scans() -> QuerySet[Scan]:
    """Finished scans of the whole register (scheduled and rounds), newest first."""
    return Scan.objects.filter(status=Scan.Status.FINISHED, kind__in=FULL_SCAN_KINDS).order_by(
        "-created_at"
    )


def latest_finished_scan() -> Scan | None:
    """The newest finished scan of the whole register: what the overview shows."""
    return finished_scans().first()


def finished_rounds() -> QuerySet[Scan]:
    return finished_scans().filter(kind=Scan.Kind.ROUND)


def methodology_versions() -> list[dict]:
    """Each methodology version with its first and last scan: the version history."""
    return list(
        Scan.objects.filter(status=Scan.Status.FINISHED)
        .values("methodology_version")
        .annotate(first=Min("created_at"), last=Max("created_at"), scans=Count("id"))
        .order_by("first")
    )
