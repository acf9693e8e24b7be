"""Sector figures of a scan from its SectorAggregate rows: per sector and check, in total,
over time, and DANE beside MTA-STS.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Concat

from dashboard.queries.figures import FIGURE_FIELDS, Figure, figure_of
from dashboard.queries.scans import FULL_SCAN_KINDS
from measurement.evaluate import readings
from measurement.models import SIDE_BY_SIDE, Scan, Sector, SectorAggregate


def figures_version(scan: Scan, reading: str | None = None) -> str:
    """The methodology version of the figures shown of a scan: the reading asked for, or
    the setting METHODOLOGY_READING (measurement/evaluate/readings.py)."""
    return readings.version_of(scan.methodology_version, reading or settings.METHODOLOGY_READING)


def _aggregates(scan: Scan, reading: str | None = None) -> QuerySet[SectorAggregate]:
    return SectorAggregate.objects.filter(
        scan=scan, methodology_version=figures_version(scan, reading)
    )


@dataclass(frozen=True, slots=True)
class SectorStats:
    """Per sector (and in total) per check: the Figure of one scan."""

    scan: Scan | None
    by_sector: dict[str, dict[str, Figure]] = field(default_factory=dict)
    total: dict[str, Figure] = field(default_factory=dict)

    def rows(self) -> list[tuple[str, str, dict[str, Figure]]]:
        """(sector value, label, figures) for every sector in the fixed order, then none."""
        return [(value, label, self.by_sector.get(value, {})) for value, label in Sector.choices]


def sector_stats(scan: Scan | None, reading: str | None = None) -> SectorStats:
    """The SectorAggregate rows of one scan as Figures per sector and check, plus totals."""
    if scan is None:
        return SectorStats(scan=None)
    by_sector: dict[str, dict[str, Figure]] = {}
    total: dict[str, Figure] = {}
    for row in _aggregates(scan, reading).values("sector", "check_name", *FIGURE_FIELDS):
        figure = figure_of(row)
        by_sector.setdefault(row["sector"], {})[row["check_name"]] = figure
        total[row["check_name"]] = total.get(row["check_name"], Figure()) + figure
    return SectorStats(scan=scan, by_sector=by_sector, total=total)


@dataclass(frozen=True, slots=True)
class TrendPoint:
    scan_id: int
    date: object
    kind: str
    name: str
    figures: dict[tuple[str, str], Figure]  # (sector, check) -> Figure
    totals: dict[str, Figure] = field(default_factory=dict)  # check -> summed over sectors

    @property
    def is_round(self) -> bool:
        return self.kind == Scan.Kind.ROUND


def trend_by_sector(checks: tuple[str, ...], sector: str | None = None) -> list[TrendPoint]:
    """Per finished full scan, oldest first: the Figure per (sector, check), in one query."""
    version = F("scan__methodology_version")
    if settings.METHODOLOGY_READING == readings.Reading.INTERNETNL:
        version = Concat(version, Value(readings.SUFFIX))
    rows = SectorAggregate.objects.filter(
        scan__status=Scan.Status.FINISHED,
        scan__kind__in=FULL_SCAN_KINDS,
        methodology_version=version,
        check_name__in=checks,
    )
    if sector:
        rows = rows.filter(sector=sector)
    rows = rows.values(
        "scan_id",
        "scan__created_at",
        "scan__kind",
        "scan__name",
        "sector",
        "check_name",
        *FIGURE_FIELDS,
    ).order_by("scan__created_at", "scan_id")
    points: dict[int, TrendPoint] = {}
    for row in rows:
        point = points.get(row["scan_id"])
        if point is None:
            point = points[row["scan_id"]] = TrendPoint(
                scan_id=row["scan_id"],
                date=row["scan__created_at"],
                kind=row["scan__kind"],
                name=row["scan__name"],
                figures={},
            )
        figure = figure_of(row)
        point.figures[(row["sector"], row["check_name"])] = figure
        point.totals[row["check_name"]] = point.totals.get(row["check_name"], Figure()) + figure
    return list(points.values())


def trend_total(point: TrendPoint, check: str) -> Figure:
    """The Figure of one check summed over the sectors of a trend point."""
    return point.totals.get(check) or Figure()


def side_by_side(scan: Scan | None) -> dict[str, dict[str, int]]:
    """Per sector and in total: domains with DANE and MTA-STS, one of them, or neither."""
    if scan is None:
        return {}
    result: dict[str, dict[str, int]] = {}
    kinds = [f"dane_vs_mta_sts:{kind}" for kind in SIDE_BY_SIDE]
    for row in (
        _aggregates(scan).filter(check_name__in=kinds).values("sector", "check_name", "passed")
    ):
        kind = row["check_name"].split(":", 1)[1]
        result.setdefault(row["sector"], dict.fromkeys(SIDE_BY_SIDE, 0))[kind] = row["passed"]
    total = dict.fromkeys(SIDE_BY_SIDE, 0)
    for counts in result.values():
        for kind in SIDE_BY_SIDE:
            total[kind] += counts[kind]
    result["total"] = total
    return result


def side_by_side_trend() -> list[TrendPoint]:
    return trend_by_sector(tuple(f"dane_vs_mta_sts:{kind}" for kind in SIDE_BY_SIDE))
