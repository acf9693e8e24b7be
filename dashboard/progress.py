"""Progress since the nulmeting: headline figures, changes and the comparison of two rounds.

The figures come from the stored SectorAggregate rows (queries.sector_stats), the
organisations' statuses from the one organisation rule in queries.organisation_rows;
this module only puts two measurements side by side.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from dashboard import queries
from dashboard.queries import Figure
from measurement.models import Outcome, Scan, Sector

# The Forum's list entry first, then the standards it is made of and the others.
HEADLINE_CHECKS = ("starttls_dane", "dane", "starttls", "mta_sts", "tls_rpt", "dnssec")
# A change smaller than this (in percentage points) is "unchanged".
STEADY_POINTS = 0.05


@dataclass(frozen=True, slots=True)
class Change:
    """A change in percentage points between two shares, with words and an arrow."""

    points: float | None  # None when either share is unknown

    @property
    def direction(self) -> str:
        if self.points is None:
            return "unknown"
        if abs(self.points) < STEADY_POINTS:
            return "same"
        return "up" if self.points > 0 else "down"

    @property
    def arrow(self) -> str:
        return {"up": "▲", "down": "▼", "same": "▶", "unknown": ""}[self.direction]

    @property
    def words(self) -> str:
        return {
            "up": _("gestegen"),
            "down": _("gedaald"),
            "same": _("gelijk gebleven"),
            "unknown": _("niet te vergelijken"),
        }[self.direction]


def change(before: Figure | None, after: Figure | None) -> Change:
    """The change in percentage points from one Figure's share to another's, unrounded first."""
    if not before or not after or not before.measured or not after.measured:
        return Change(None)
    points = 100 * after.passed / after.measured - 100 * before.passed / before.measured
    return Change(round(points, 1))


@dataclass(frozen=True, slots=True)
class Headline:
    check: str
    label: str
    current: Figure
    since_baseline: Change
    since_previous: Change


@dataclass(frozen=True, slots=True)
class Headlines:
    scan: Scan | None
    baseline: Scan | None  # the nulmeting: the first finished round
    previous: Scan | None  # the newest finished round before the scan
    items: tuple[Headline, ...]


def baseline_round() -> Scan | None:
    """The nulmeting: the oldest finished measurement round."""
    return queries.finished_rounds().order_by("created_at", "pk").first()


def previous_round(scan: Scan | None) -> Scan | None:
    """The newest finished round before `scan` (not the scan itself)."""
    if scan is None:
        return None
    return queries.finished_rounds().filter(created_at__lt=scan.created_at).first()


def _figures(scan: Scan | None, sector: str | None) -> dict[str, Figure]:
    if scan is None:
        return {}
    stats = queries.sector_stats(scan)
    return stats.by_sector.get(sector, {}) if sector else stats.total


def headlines(scan: Scan | None, sector: str | None = None) -> Headlines:
    """Per headline standard: the share now and its change since the nulmeting and last round."""
    baseline = baseline_round()
    previous = previous_round(scan)
    if baseline is not None and scan is not None and baseline.pk == scan.pk:
        baseline = None  # the nulmeting itself has nothing to be compared with
    now, base, prev = (_figures(s, sector) for s in (scan, baseline, previous))
    items = tuple(
        Headline(
            check=check,
            label=str(queries.STANDARD_LABELS[check]),
            current=now.get(check, Figure()),
            since_baseline=change(base.get(check), now.get(check)),
            since_previous=change(prev.get(check), now.get(check)),
        )
        for check in HEADLINE_CHECKS
    )
    return Headlines(scan=scan, baseline=baseline, previous=previous, items=items)


# --- comparing two rounds -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShareRow:
    sector: str  # a Sector value, or "total"
    label: str
    cells: tuple[tuple[str, Figure, Figure, Change], ...]  # (check, before, after, change)


@dataclass(frozen=True, slots=True)
class Mover:
    """An organisation whose status for one standard changed between the two scans."""

    name: str
    slug: str
    sector: str
    before: str  # organisation status (Outcome value) in the older scan
    after: str


@dataclass(frozen=True, slots=True)
class Improver:
    name: str
    slug: str
    sector: str
    improved: tuple[str, ...]  # checks newly compliant
    regressed: tuple[str, ...]  # checks no longer compliant
    points: float  # summed change of the share of passing domains over the headline checks

    @property
    def net(self) -> int:
        return len(self.improved) - len(self.regressed)


@dataclass(frozen=True, slots=True)
class Comparison:
    before: Scan
    after: Scan
    shares: tuple[ShareRow, ...]
    improved: dict[str, tuple[Mover, ...]]  # check -> organisations now compliant
    regressed: dict[str, tuple[Mover, ...]]  # check -> organisations no longer compliant
    most_improved: tuple[Improver, ...]


def share_rows(before: Scan, after: Scan) -> tuple[ShareRow, ...]:
    """Per sector and in total, per headline standard: both Figures and the change."""
    old, new = queries.sector_stats(before), queries.sector_stats(after)
    sectors = [
        (value, str(label), old.by_sector.get(value, {}), new.by_sector.get(value, {}))
        for value, label in Sector.choices
    ] + [("total", str(_("Totaal")), old.total, new.total)]
    return tuple(
        ShareRow(
            sector=value,
            label=label,
            cells=tuple(
                (
                    check,
                    a.get(check, Figure()),
                    b.get(check, Figure()),
                    change(a.get(check), b.get(check)),
                )
                for check in HEADLINE_CHECKS
            ),
        )
        for value, label, a, b in sectors
    )


def _share(row: queries.OrganisationRow, check: str) -> float | None:
    entry = row.checks.get(check)
    if not entry or not entry["measured"]:
        return None
    return 100 * entry["passed"] / entry["measured"]


def _improver(old: queries.OrganisationRow, new: queries.OrganisationRow) -> Improver:
    improved, regressed, points = [], [], 0.0
    for check in HEADLINE_CHECKS:
        a, b = old.checks[check]["status"], new.checks[check]["status"]
        if a == Outcome.FAIL and b == Outcome.PASS:
            improved.append(check)
        elif a == Outcome.PASS and b == Outcome.FAIL:
            regressed.append(check)
        if (x := _share(old, check)) is not None and (y := _share(new, check)) is not None:
            points += y - x
    return Improver(
        new.name, new.slug, new.sector, tuple(improved), tuple(regressed), round(points, 1)
    )


MOST_IMPROVED = 10


def compare(before: Scan, after: Scan, sector: str | None = None) -> Comparison:
    """Two finished scans side by side: shares, changed organisations and the most improved.

    An organisation counts as improved for a standard when it was not compliant (a domain
    failed) and now is (none fails), by the organisation rule of queries.organisation_rows;
    organisations that were not measured in both scans are left out.
    """
    old = {row.id: row for row in queries.sector_organisation_rows(before, sector)}
    movers = [
        _improver(old[row.id], row)
        for row in queries.sector_organisation_rows(after, sector)
        if row.id in old
    ]
    improved = {
        check: tuple(
            Mover(m.name, m.slug, m.sector, Outcome.FAIL, Outcome.PASS)
            for m in movers
            if check in m.improved
        )
        for check in HEADLINE_CHECKS
    }
    regressed = {
        check: tuple(
            Mover(m.name, m.slug, m.sector, Outcome.PASS, Outcome.FAIL)
            for m in movers
            if check in m.regressed
        )
        for check in HEADLINE_CHECKS
    }
    ranked = sorted(
        (m for m in movers if m.net > 0 or (m.points > 0 and not m.regressed)),
        key=lambda m: (-m.net, -m.points, m.name.casefold()),
    )
    return Comparison(
        before=before,
        after=after,
        shares=share_rows(before, after),
        improved=improved,
        regressed=regressed,
        most_improved=tuple(ranked[:MOST_IMPROVED]),
    )
