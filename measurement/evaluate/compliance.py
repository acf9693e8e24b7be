"""The figures' rules, one copy each: the percentage and its rounding, and when an
organisation complies with a standard (DESIGN.md section 2, "Organisation").

A domain is measured for a standard when it passed or failed it. An organisation
complies when it has measured domains and every one of them passes; a domain that
could not be tested (not_testable) does not decide it either way and is shown beside
the status. Domains without mail (not_applicable) are not mail domains.
"""

from measurement.evaluate.outcomes import CheckOutcome


def percentage(part: int, whole: int) -> float | None:
    """`part` of `whole` in per cent to one decimal; None when `whole` is 0."""
    return round(100 * part / whole, 1) if whole else None


def is_measured(passed: int, failed: int) -> bool:
    """An organisation is measured for a standard when any of its domains passed or failed."""
    return bool(passed or failed)


def is_compliant(passed: int, failed: int) -> bool:
    """Every measured domain passes (and there is one)."""
    return bool(passed) and not failed


def organisation_status(passed: int, failed: int, not_testable: int, domains: int) -> str:
    """An organisation's status for a standard, from the counts of its domains' outcomes:
    pass (compliant), fail, not_testable (none measured, some not testable),
    not_applicable (none measured), or "" without domains."""
    if is_compliant(passed, failed):
        return CheckOutcome.PASS
    if failed:
        return CheckOutcome.FAIL
    if not_testable:
        return CheckOutcome.NOT_TESTABLE
    return CheckOutcome.NOT_APPLICABLE if domains else ""
