"""Store CSV rows: find or create the organisation, attach the domain (source csv).

An organisation is found by its TOOI when the row gives one, else by its name (and
sector, when several share the name). A domain that already belongs to another
organisation is an invalid row (the CSV does not silently move domains), unless it was
only a guess from that organisation's website.

Rows are decided one by one, in file order, against indexes of what the database and the
earlier rows hold; the database is read and written in batches (a few queries per
thousand rows).
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from measurement.importers.records import CsvRow, ImportSummary, InvalidRow
from measurement.importers.rows import insert
from measurement.importers.slugs import unique_slug
from measurement.importers.tally import BATCH_SIZE, Tally, batches
from measurement.models import Domain, Organisation, Source


def import_csv_rows(
    rows: Iterable[CsvRow | InvalidRow],
    *,
    skip_invalid: bool = False,
    today: datetime.date | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportSummary:
    """Apply CSV rows atomically: one invalid row (without skip_invalid) stores nothing."""
    tally = Tally(skip_invalid=skip_invalid)
    with transaction.atomic():
        known = _Known(set(Organisation.objects.values_list("slug", flat=True)))
        for batch in batches(rows, batch_size):
            known.load([row for row in batch if isinstance(row, CsvRow)])
            changes = _Changes(today or timezone.localdate())
            for row in batch:
                if isinstance(row, InvalidRow):
                    tally.invalid(row)
                else:
                    _apply(row, known, changes, tally)
            changes.save()
        for outcome in known.outcomes.values():
            tally.organisations[outcome] += 1
    return tally.summary()


class _Known:
    """Organisations and domains by key, from the database and from earlier rows."""

    def __init__(self, taken_slugs: set[str]):
        self.taken_slugs = taken_slugs
        self.by_tooi: dict[str, Organisation | None] = {}
        self.by_name: dict[str, list[Organisation]] = {}  # lower-case name -> organisations
        self.domains: dict[str, Domain | None] = {}
        self.outcomes: dict[int, str] = {}  # id(organisation) -> created, updated or unchanged
        self.rows: dict[int, Organisation] = {}  # pk -> the one object of each stored row

    def one(self, organisation: Organisation) -> Organisation:
        """Every stored organisation as one object, however it was found."""
        return self.rows.setdefault(organisation.pk, organisation)

    def load(self, rows: list[CsvRow]) -> None:
        """Read what this batch's rows refer to and the indexes do not hold yet."""
        toois = {r.tooi for r in rows if r.tooi} - self.by_tooi.keys()
        self.by_tooi.update(dict.fromkeys(toois))
        for organisation in Organisation.objects.filter(tooi__in=toois).order_by("pk"):
            self.by_tooi[organisation.tooi] = self.by_tooi[organisation.tooi] or self.one(
                organisation
            )
        names = {r.organisation.lower() for r in rows if not r.tooi} - self.by_name.keys()
        for name in names:
            self.by_name[name] = []
        for organisation in (
            Organisation.objects.annotate(lower_name=Lower("name"))
            .filter(lower_name__in=names)
            .order_by("pk")
        ):
            self.by_name.setdefault(organisation.lower_name, []).append(self.one(organisation))
        domains = {r.domain for r in rows} - self.domains.keys()
        self.domains.update(dict.fromkeys(domains))
        for domain in Domain.objects.filter(name__in=domains).select_related("organisation"):
            domain.organisation = self.one(domain.organisation)
            self.domains[domain.name] = domain

    def find(self, row: CsvRow) -> Organisation | InvalidRow | None:
        if row.tooi:
            return self.by_tooi.get(row.tooi)
        named = self.by_name.get(row.organisation.lower(), [])
        if len(named) > 1:
            named = [o for o in named if o.sector == row.sector]
        if len(named) > 1:
            return InvalidRow(
                row.where,
                _(
                    "%(count)d organisaties heten %(name)r in sector %(sector)s: "
                    "geef de TOOI-identifier in kolom tooi"
                )
                % {"count": len(named), "name": row.organisation, "sector": row.sector},
            )
        return named[0] if named else None

    def add(self, organisation: Organisation) -> None:
        if organisation.tooi:
            self.by_tooi[organisation.tooi] = organisation
        else:
            self.by_name.setdefault(organisation.name.lower(), []).append(organisation)


class _Changes:
    """One batch's writes, saved together: new organisations first, then domains."""

    def __init__(self, today: datetime.date):
        self.today = today
        self.new_organisations: list[Organisation] = []
        self.changed_organisations: dict[int, Organisation] = {}
        self.new_domains: list[Domain] = []
        self.changed_domains: dict[int, Domain] = {}

    def save(self) -> None:
        insert(self.new_organisations)
        for domain in self.new_domains:
            domain.organisation_id = domain.organisation.pk  # set once its organisation has one
        insert(self.new_domains)
        now = timezone.now()
        for organisation in self.changed_organisations.values():
            organisation.updated_at = now
        Organisation.objects.bulk_update(
            list(self.changed_organisations.values()), ["sector", "updated_at"]
        )
        Domain.objects.bulk_update(
            list(self.changed_domains.values()),
            ["organisation", "source", "is_active", "removed_on"],
        )


def _apply(row: CsvRow, known: _Known, changes: _Changes, tally: Tally) -> None:
    found = known.find(row)
    if isinstance(found, InvalidRow):
        tally.invalid(found)
        return
    domain = known.domains.get(row.domain)
    elsewhere = domain is not None and (found is None or not _same(domain.organisation, found))
    # A website guess (roo) yields to a person's CSV; any other owner does not.
    if elsewhere and domain.source != Source.ROO:
        tally.invalid(
            InvalidRow(
                row.where,
                _("domein %(domain)s hoort al bij %(owner)s")
                % {"domain": row.domain, "owner": domain.organisation},
            )
        )
        return
    organisation, outcome = _create_or_update(found, row, known, changes)
    if known.outcomes.get(id(organisation)) in (None, "unchanged"):
        known.outcomes[id(organisation)] = outcome
    _attach_domain(row, domain, organisation, known, changes, tally)


def _create_or_update(
    organisation: Organisation | None, row: CsvRow, known: _Known, changes: _Changes
) -> tuple[Organisation, str]:
    if organisation is None:
        organisation = Organisation(
            name=row.organisation,
            sector=row.sector,
            tooi=row.tooi,
            source=Source.CSV,
            slug=unique_slug(row.organisation, row.sector, "", known.taken_slugs),
        )
        changes.new_organisations.append(organisation)
        known.add(organisation)
        return organisation, "created"
    # The registers decide the sector of their own organisations; a CSV only of its own.
    if organisation.source == Source.CSV and organisation.sector != row.sector:
        organisation.sector = row.sector
        if organisation.pk is not None:
            changes.changed_organisations[organisation.pk] = organisation
        return organisation, "updated"
    return organisation, "unchanged"


def _attach_domain(
    row: CsvRow,
    domain: Domain | None,
    organisation: Organisation,
    known: _Known,
    changes: _Changes,
    tally: Tally,
) -> None:
    if domain is None:
        domain = Domain(
            name=row.domain, organisation=organisation, source=Source.CSV, added_on=changes.today
        )
        changes.new_domains.append(domain)
        known.domains[row.domain] = domain
        tally.domains["created"] += 1
        return
    if domain.source == Source.ROO and not _same(domain.organisation, organisation):
        domain.organisation, domain.source = organisation, Source.CSV
    elif domain.is_active:
        tally.domains["unchanged"] += 1
        return
    domain.is_active, domain.removed_on = True, None
    if domain.pk is not None:
        changes.changed_domains[domain.pk] = domain
    tally.domains["updated"] += 1


def _same(one: Organisation, other: Organisation) -> bool:
    """One organisation: the same object, or two copies of one stored row."""
    return one is other or (one.pk is not None and one.pk == other.pk)
