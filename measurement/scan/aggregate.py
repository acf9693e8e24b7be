"""Per scan and sector: the counts behind every percentage, computed once when a scan finishes.

The dashboard reads these rows and never aggregates DomainResult rows on a page view.
"""

from collections import defaultdict

from django.db.models import Count, Q

from measurement.evaluate import compliance, readings
from measurement.models import (
    CHECKS,
    SIDE_BY_SIDE,
    DomainResult,
    Outcome,
    Scan,
)

_OUTCOME_FIELDS = {
    Outcome.PASS: "passed",
    Outcome.FAIL: "failed",
    Outcome.NOT_APPLICABLE: "not_applicable",
    Outcome.NOT_TESTABLE: "not_testable",
    Outcome.ERROR: "errors",
}


def _empty() -> dict[str, int]:
    return {name: 0 for name in _OUTCOME_FIELDS.values()} | {
        "organisations_measured": 0,
        "organisations_compliant": 0,
    }


Rows = dict[tuple[str, str], dict[str, int]]  # (sector, check) -> counts


def sector_counts(scan: Scan, version: str) -> Rows:
    """Per (sector, check) the counts of one scan under one methodology version, as
    measurement.scan.store stores them in SectorAggregate rows; a reading's version
    (evaluate/readings.py) counts some checks from other verdict columns."""
    results = DomainResult.objects.judged().filter(
        scan=scan, methodology_version=readings.judged_version(version)
    )
    columns = {check: readings.column_of(check, version) for check in CHECKS}
    rows: Rows = defaultdict(_empty)
    _count_outcomes(results, rows, columns)
    _count_organisations(results, rows, columns)
    _count_testing_mode(results, rows)
    _count_side_by_side(results, rows)
    return rows


def _count_outcomes(results, rows: Rows, columns: dict[str, str]) -> None:
    """One pass over the results for every check's outcomes: a query per check and
    outcome took most of the time a scan spends finishing."""
    outcomes = {
        f"n{n}": (check, outcome, field)
        for n, (check, (outcome, field)) in enumerate(
            (check, item) for check in CHECKS for item in _OUTCOME_FIELDS.items()
        )
    }
    counts = results.values("sector").annotate(
        **{
            alias: Count("id", filter=Q(**{columns[check]: outcome}))
            for alias, (check, outcome, _) in outcomes.items()
        }
    )
    for row in counts.order_by():
        for alias, (check, _, field) in outcomes.items():
            if row[alias]:
                rows[(row["sector"], check)][field] += row[alias]


def _count_organisations(results, rows: Rows, columns: dict[str, str]) -> None:
    """Organisations measured and compliant: the one rule of evaluate.compliance."""
    per_check = {check: (f"p{n}", f"f{n}") for n, check in enumerate(CHECKS)}
    per_org = results.values("sector", "organisation").annotate(
        **{
            name: Count("id", filter=Q(**{columns[check]: outcome}))
            for check, names in per_check.items()
            for name, outcome in zip(names, (Outcome.PASS, Outcome.FAIL), strict=True)
        }
    )
    for row in per_org.order_by():
        for check, (passed, failed) in per_check.items():
            if compliance.is_measured(row[passed], row[failed]):
                rows[(row["sector"], check)]["organisations_measured"] += 1
            if compliance.is_compliant(row[passed], row[failed]):
                rows[(row["sector"], check)]["organisations_compliant"] += 1


def _count_testing_mode(results, rows: Rows) -> None:
    """MTA-STS in testing mode: a published policy that is not enforced."""
    for row in (
        results.filter(mta_sts__in=[Outcome.PASS, Outcome.FAIL])
        .values("sector")
        .annotate(
            testing=Count("id", filter=Q(mta_sts_mode="testing")),
            measured=Count("id"),
        )
        .order_by()
    ):
        target = rows[(row["sector"], "mta_sts_testing")]
        target["passed"] = row["testing"]
        target["failed"] = row["measured"] - row["testing"]


def _count_side_by_side(results, rows: Rows) -> None:
    """DANE and MTA-STS side by side, over domains where both were measured."""
    both_measured = results.filter(
        dane__in=[Outcome.PASS, Outcome.FAIL], mta_sts__in=[Outcome.PASS, Outcome.FAIL]
    )
    dane_pass, sts_pass = Q(dane=Outcome.PASS), Q(mta_sts=Outcome.PASS)
    filters = {
        "both": dane_pass & sts_pass,
        "dane_only": dane_pass & ~sts_pass,
        "mta_sts_only": ~dane_pass & sts_pass,
        "neither": ~dane_pass & ~sts_pass,
    }
    for row in (
        both_measured.values("sector")
        .annotate(
            measured=Count("id"),
            **{kind: Count("id", filter=filters[kind]) for kind in SIDE_BY_SIDE},
        )
        .order_by()
    ):
        for kind in SIDE_BY_SIDE:
            target = rows[(row["sector"], f"dane_vs_mta_sts:{kind}")]
            target["passed"] = row[kind]
            target["failed"] = row["measured"] - row[kind]
