"""Per organisation of a scan: its domains' counts and status per standard (the sector
table), over time, and beside its sector.
"""

from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Q

from dashboard.queries.figures import Figure
from dashboard.queries.search import clean_query
from dashboard.queries.sectors import sector_stats
from dashboard.queries.standards import STANDARD_LABELS, TABLE_CHECKS
from measurement.evaluate import readings
from measurement.evaluate.compliance import organisation_status, percentage
from measurement.models import DomainResult, Organisation, Outcome, Scan


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    id: int
    name: str
    abbreviation: str
    slug: str
    sector: str
    domains: int
    checks: dict[str, dict]  # check -> {"passed", "measured", "not_testable", "status"}

    def share(self, check: str) -> float:
        entry = self.checks[check]
        return entry["passed"] / entry["measured"] if entry["measured"] else -1.0


_SECTOR_ROWS: OrderedDict[tuple, list[OrganisationRow]] = OrderedDict()
SECTOR_ROWS_KEPT = 32


def sector_organisation_rows(scan: Scan | None, sector: str | None) -> list[OrganisationRow]:
    """organisation_rows of a whole sector, kept in this process for finished scans.

    A finished scan's verdicts do not change (re-judging adds another methodology
    version), so the rows are aggregated once per scan, version and sector; kept as
    objects in memory because unpickling a thousand rows from a shared cache costs about
    as much as the query.
    """
    if scan is None or scan.status != Scan.Status.FINISHED:
        return organisation_rows(scan, sector)
    key = (scan.pk, scan.methodology_version, settings.METHODOLOGY_READING, sector)
    rows = _SECTOR_ROWS.get(key)
    if rows is None:
        rows = _SECTOR_ROWS[key] = organisation_rows(scan, sector)
        while len(_SECTOR_ROWS) > SECTOR_ROWS_KEPT:
            _SECTOR_ROWS.popitem(last=False)
    return rows


def organisation_rows(
    scan: Scan | None,
    sector: str | None = None,
    query: str = "",
    organisation_ids: list[int] | None = None,
) -> list[OrganisationRow]:
    """Per organisation of a scan: counts per standard, aggregated in the database."""
    if scan is None:
        return []
    results = DomainResult.objects.filter(scan=scan, methodology_version=scan.methodology_version)
    if sector:
        results = results.filter(sector=sector)
    if organisation_ids is not None:
        results = results.filter(organisation_id__in=organisation_ids)
    query = clean_query(query)
    if query:
        results = results.filter(
            Q(organisation__name__icontains=query) | Q(organisation__abbreviation__icontains=query)
        )
    rows = (
        results.values(
            "organisation_id",
            "organisation__name",
            "organisation__abbreviation",
            "organisation__slug",
            "organisation__sector",
        )
        .annotate(**_check_counts())
        .order_by("organisation__name")
    )
    return [
        OrganisationRow(
            id=row["organisation_id"],
            name=row["organisation__name"],
            abbreviation=row["organisation__abbreviation"],
            slug=row["organisation__slug"],
            sector=row["organisation__sector"],
            domains=row["domains"],
            checks={check: _check_entry(row, check) for check in TABLE_CHECKS},
        )
        for row in rows
    ]


def sort_rows(rows: list[OrganisationRow], key: str, descending: bool) -> list[OrganisationRow]:
    """Sort the sector table by name or by the share of domains passing one standard."""
    if key in TABLE_CHECKS:
        return sorted(rows, key=lambda row: (row.share(key), row.name), reverse=descending)
    if key == "domains":
        return sorted(rows, key=lambda row: (row.domains, row.name), reverse=descending)
    return sorted(rows, key=lambda row: row.name.casefold(), reverse=descending)


def filter_rows(rows: list[OrganisationRow], check: str, status: str) -> list[OrganisationRow]:
    if check in TABLE_CHECKS and status in Outcome.values:
        return [row for row in rows if row.checks[check]["status"] == status]
    return rows


def distribution(rows: list[OrganisationRow]) -> dict[str, dict[str, int]]:
    """Per standard: how many organisations comply, fail, are not testable or have no mail."""
    counts = {
        check: dict.fromkeys(
            (Outcome.PASS, Outcome.FAIL, Outcome.NOT_TESTABLE, Outcome.NOT_APPLICABLE), 0
        )
        for check in TABLE_CHECKS
    }
    for row in rows:
        for check in TABLE_CHECKS:
            status = row.checks[check]["status"]
            if status in counts[check]:
                counts[check][status] += 1
    return counts


def organisation_history(organisation: Organisation) -> list[dict]:
    """Per finished scan since the first: how many of its domains passed each standard."""
    rows = (
        DomainResult.objects.filter(
            organisation=organisation,
            scan__status=Scan.Status.FINISHED,
            methodology_version=F("scan__methodology_version"),
        )
        .values("scan_id", "scan__created_at", "scan__kind", "scan__name")
        .annotate(**_check_counts())
        .order_by("scan__created_at", "scan_id")
    )
    return [
        {
            "scan_id": row["scan_id"],
            "date": row["scan__created_at"],
            "kind": row["scan__kind"],
            "name": row["scan__name"],
            "domains": row["domains"],
            "checks": {check: _history_entry(row, check) for check in TABLE_CHECKS},
        }
        for row in rows
    ]


def _check_counts() -> dict[str, Count]:
    """Per standard: the domains that pass, fail and are not testable, counted in the
    database, in the reading the dashboard shows (METHODOLOGY_READING)."""
    counts = {"domains": Count("id")}
    for check in TABLE_CHECKS:
        column = readings.column_in(check, settings.METHODOLOGY_READING)
        counts[f"{check}__pass"] = Count("id", filter=Q(**{column: Outcome.PASS}))
        counts[f"{check}__fail"] = Count("id", filter=Q(**{column: Outcome.FAIL}))
        counts[f"{check}__nt"] = Count("id", filter=Q(**{column: Outcome.NOT_TESTABLE}))
    return counts


def _check_entry(row: dict, check: str) -> dict:
    """One standard's counts of a row of _check_counts, with the organisation's status."""
    passed, failed, not_testable = (row[f"{check}__{n}"] for n in ("pass", "fail", "nt"))
    return {
        "passed": passed,
        "measured": passed + failed,
        "not_testable": not_testable,
        "status": organisation_status(passed, failed, not_testable, row["domains"]),
    }


def _history_entry(row: dict, check: str) -> dict:
    entry = _check_entry(row, check)
    return entry | {"percentage": percentage(entry["passed"], entry["measured"])}


def sector_comparison(organisation: Organisation, scan: Scan | None) -> list[dict]:
    """Per standard: the organisation's share of passing domains next to its sector's."""
    if scan is None:
        return []
    mine = organisation_rows(scan, organisation_ids=[organisation.id])
    sector = sector_stats(scan).by_sector.get(organisation.sector, {})
    comparison = []
    for check in TABLE_CHECKS:
        own = mine[0].checks[check] if mine else {"passed": 0, "measured": 0}
        figure = sector.get(check, Figure())
        comparison.append(
            {
                "check": check,
                "label": STANDARD_LABELS[check],
                "passed": own["passed"],
                "measured": own["measured"],
                "percentage": percentage(own["passed"], own["measured"]),
                "sector": figure,
            }
        )
    return comparison
