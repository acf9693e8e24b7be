"""The counts behind one percentage, as the aggregates store them per sector and check."""

from dataclasses import dataclass

from measurement.evaluate.compliance import percentage


@dataclass(frozen=True, slots=True)
class Figure:
    """The counts behind one percentage: pass / (pass + fail), with what was not testable."""

    passed: int = 0
    failed: int = 0
    not_testable: int = 0
    not_applicable: int = 0
    errors: int = 0
    organisations_measured: int = 0
    organisations_compliant: int = 0

    @property
    def measured(self) -> int:
        return self.passed + self.failed

    @property
    def percentage(self) -> float | None:
        return percentage(self.passed, self.measured)

    @property
    def organisation_percentage(self) -> float | None:
        return percentage(self.organisations_compliant, self.organisations_measured)

    def __add__(self, other: "Figure") -> "Figure":
        return Figure(*(getattr(self, name) + getattr(other, name) for name in FIGURE_FIELDS))


FIGURE_FIELDS = (
    "passed",
    "failed",
    "not_testable",
    "not_applicable",
    "errors",
    "organisations_measured",
    "organisations_compliant",
)


def figure_of(row: dict) -> Figure:
    return Figure(**{name: row.get(name) or 0 for name in FIGURE_FIELDS})
