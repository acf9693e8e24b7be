"""The records the parsers yield and the summary an import returns: frozen dataclasses."""

import datetime
from dataclasses import dataclass, field


class ImportRejected(Exception):
    """The whole file is refused (unknown schema, broken XML, invalid row): nothing is stored."""


ORGANISATION, DOMAIN, ROW = "organisation", "domain", "row"  # kinds of skipped record


@dataclass(frozen=True)
class InvalidRow:
    """A row the parser could not turn into a record; `where` names the line or organisation.

    `kind` says what was left out: an organisation (with what it holds), one domain of an
    organisation, or a CSV row.
    """

    where: str
    reason: str
    kind: str = ROW

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(frozen=True)
class OrganisationRecord:
    """One organisation (or unit) from exportOO.xml, with its sector already decided."""

    where: str
    name: str
    tooi: str | None
    register_id: str
    organisation_type: str
    sector: str
    abbreviation: str = ""
    parent_key: str | None = None
    ministry_tooi: str | None = None
    ministry_register_id: str | None = None  # p:relatieMetMinisterie/@p:systeemId
    website: str = ""
    # The registrable domain of the website; None for units (see docs/importers.md).
    candidate_domain: str | None = None
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    is_unit: bool = False

    @property
    def key(self) -> str:
        return organisation_key(self.tooi, self.register_id)


def organisation_key(tooi: str | None, register_id: str) -> str:
    """The key that identifies an organisation within one import: its TOOI, else systeemId."""
    return tooi if tooi else f"systeemId:{register_id}"


@dataclass(frozen=True)
class DomainRegistration:
    """One domain name registration of an organisation, from exportRIO.xml."""

    where: str
    tooi: str
    organisation_name: str
    organisation_type: str
    abbreviation: str
    register_id: str
    domain: str
    registered_on: datetime.date | None = None
    # opgezegdSinds: the registration was cancelled on this date (it stays listed).
    cancelled_on: datetime.date | None = None


@dataclass(frozen=True)
class CsvRow:
    """One line of an organisation CSV: an organisation, its sector and one mail domain."""

    where: str
    organisation: str
    sector: str
    domain: str
    tooi: str | None = None


@dataclass(frozen=True)
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ended: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.ended)


@dataclass(frozen=True)
class ImportSummary:
    """What an import did, per kind of row; `skipped` lists the invalid rows left out."""

    organisations: Counts = field(default_factory=Counts)
    domains: Counts = field(default_factory=Counts)
    skipped: tuple[InvalidRow, ...] = ()

    @property
    def changed(self) -> bool:
        return self.organisations.changed or self.domains.changed
