"""The checks and verdict outcomes of DESIGN.md section 2, and the Verdict every check
returns."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# The checks of one mail domain (DESIGN.md section 2), in the order they are shown.
DOMAIN_CHECKS = (
    "mx",
    "dnssec",
    "starttls",
    "dane",
    "dane_end_to_end",
    "dane_rollover",
    "starttls_dane",
    "mta_sts",
    "tls_rpt",
    "tls_ncsc",
    "starttls_internetnl",
    "starttls_dane_internetnl",
)
# The standards an organisation is held to (the sector table's columns, "pas toe of leg
# uit", alerts), in the order they are shown.
TABLE_CHECKS = ("starttls", "dane", "starttls_dane", "mta_sts", "tls_rpt", "dnssec", "tls_ncsc")


class CheckOutcome(StrEnum):
    """The same values as measurement.models.Outcome (evaluate does not import Django)."""

    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    NOT_TESTABLE = "not_testable"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Verdict:
    """One check's outcome with stable machine reasons and the facts behind them."""

    check: str
    outcome: CheckOutcome
    reasons: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def passed(self) -> bool:
        return self.outcome is CheckOutcome.PASS


def combine(outcomes: Iterable[CheckOutcome]) -> CheckOutcome:
    """An 'every part must pass' outcome: a measured fail beats everything.

    One failing part is enough to know the whole fails, even when other parts could not be
    measured; only when nothing failed do our own errors and then the unmeasurable parts
    decide. No parts at all: not testable.
    """
    seen = set(outcomes)
    if not seen:
        return CheckOutcome.NOT_TESTABLE
    for outcome in (
        CheckOutcome.FAIL,
        CheckOutcome.ERROR,
        CheckOutcome.NOT_TESTABLE,
        CheckOutcome.NOT_APPLICABLE,
    ):
        if outcome in seen:
            return outcome
    return CheckOutcome.PASS


def unique(items: Iterable[str]) -> tuple[str, ...]:
    """Reasons in first-seen order without repeats."""
    return tuple(dict.fromkeys(i for i in items if i))


def combined(check: str, parts: Sequence[Verdict]) -> Verdict:
    """'Every part must pass', with the reasons of the parts that decided the outcome."""
    outcome = combine(p.outcome for p in parts)
    reasons = unique(r for p in parts if p.outcome is outcome for r in p.reasons)
    return Verdict(check, outcome, reasons)
