"""The shapes of the JSON API's answers (pydantic, through django-ninja).

The OpenAPI document is generated from these classes and every answer is serialised
through them, so the document and the answers cannot drift apart. Enumerations come from
the models (Sector, Scan.Kind, Outcome): a value added there is in the document at once.
"""

import datetime

from ninja import Schema
from pydantic import ConfigDict, Field, create_model

from measurement.models import VERDICT_COLUMNS, Outcome, Scan, Sector


class Problem(Schema):
    """An error as RFC 9457 problem details, with our stable code in `error`."""

    type: str = Field(examples=["about:blank"])
    title: str = Field(examples=["Not Found"])
    status: int = Field(examples=[404])
    detail: str
    error: str = Field(description="bad_request, not_found or method_not_allowed")


class Links(Schema):
    openapi: str
    docs: str
    organisations: str
    domains: str
    sectors: str
    scans: str
    rounds: str


class Page(Schema):
    """A page of a list: `next` and `previous` are full URLs, null at the ends."""

    count: int = Field(description="items in the whole list")
    page: int
    page_size: int
    next: str | None
    previous: str | None


class Organisation(Schema):
    slug: str = Field(description="stable identifier, the permalink /organisatie/<slug>/")
    name: str
    abbreviation: str
    sector: Sector
    type: str
    tooi: str | None = Field(description="TOOI identifier (a URI), when the register has one")
    valid_from: datetime.date | None
    valid_to: datetime.date | None


class MxHost(Schema):
    preference: int | None
    host: str


_OUTCOME_NOTE = "null when the check was not judged"
Verdicts = create_model(
    "Verdicts",
    __config__=ConfigDict(extra="forbid"),
    **{
        name: (str | None, Field(description="enforce, testing, none or null (no policy)"))
        if name == "mta_sts_mode"
        else (Outcome | None, Field(description=_OUTCOME_NOTE))
        for name in VERDICT_COLUMNS
    },
)


class Result(Schema):
    scan: int | None
    scan_date: datetime.datetime | None
    methodology_version: str
    judged_at: datetime.datetime | None
    verdicts: Verdicts
    reasons: dict[str, list[str]] = Field(description="check -> machine reason codes")
    mx: list[MxHost]


class Domain(Schema):
    name: str = Field(description="IDNA A-label, lower case")
    organisation: str = Field(description="slug of the organisation")
    active: bool
    added_on: datetime.date | None
    removed_on: datetime.date | None
    latest_result: Result | None


class ExplanationState(Schema):
    """Pas toe of leg uit, per standard (docs/accounts.md)."""

    state: str | None = Field(
        description="applies, explained_accepted, explained_pending, neither; null: not measured"
    )
    reason: str | None = Field(description="the newest explanation's reason")
    comply_by: datetime.date | None = Field(description="the date it expects to comply")
    review: str | None = Field(description="pending, accepted or sent_back")


class OrganisationDetail(Organisation):
    domains: list[Domain]
    explanations: dict[str, ExplanationState] = Field(
        description="per standard of the latest finished scan: its state and newest explanation"
    )


class CheckShare(Schema):
    passed: int
    measured: int = Field(description="pass + fail")
    percentage: float | None = Field(description="pass / (pass + fail), one decimal")


class HistoryEntry(Schema):
    scan: int
    date: datetime.datetime
    kind: Scan.Kind
    name: str
    domains: int
    checks: dict[str, CheckShare]


class OrganisationHistory(Schema):
    organisation: str
    history: list[HistoryEntry]


class ScanOut(Schema):
    id: int
    kind: Scan.Kind
    name: str
    status: Scan.Status
    frozen: bool
    methodology_version: str
    scanner_version: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    domains_total: int
    domains_done: int
    checksum: str | None = Field(description="a frozen round's checksum (docs/rounds.md)")
    csv: str = Field(description="URL of the scan's CSV export")
    dcat: str | None = Field(description="URL of a round's open data record (DCAT-AP)")


class Figure(Schema):
    passed: int
    failed: int
    not_applicable: int
    not_testable: int
    errors: int
    measured: int = Field(description="pass + fail")
    percentage: float | None = Field(description="pass / (pass + fail), one decimal")
    organisations_measured: int
    organisations_compliant: int
    organisations_percentage: float | None


class SectorStatistics(Schema):
    scan: ScanOut | None
    methodology_version: str | None = Field(
        description="the version of the figures: the scan's, or its Internet.nl reading's "
        "(docs/methodology.md)"
    )
    sectors: dict[Sector, dict[str, Figure]]
    total: dict[str, Figure]


class OrganisationPage(Page):
    results: list[Organisation]


class DomainPage(Page):
    results: list[Domain]


class ResultPage(Page):
    domain: str
    results: list[Result]


class ScanPage(Page):
    results: list[ScanOut]
