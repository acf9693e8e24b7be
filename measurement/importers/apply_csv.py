"""Store CSV rows: find or create the organisation, attach the domain (source csv).

An organisation is found by its TOOI when the row gives one, else by its name (and
sector, when several share the name). A domain that already belongs to another
organisation is an invalid row (the CSV does not silently move domains), unless it was
only a guess from that organisation's website.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from measurement.importers.records import CsvRow, ImportSummary, InvalidRow
from measurement.importers.slugs import unique_slug
from measurement.importers.tally import Tally
from measurement.models import Domain, Organisation, Source


def import_csv_rows(
    rows: Iterable[CsvRow | InvalidRow],
    *,
    skip_invalid: bool = False,
    today: datetime.date | None = None,
) -> ImportSummary:
    """Apply CSV rows atomically: one invalid row (without skip_invalid) stores nothing."""
    today = today or timezone.localdate()
    tally = Tally(skip_invalid=skip_invalid)
    seen: dict[int, str] = {}  # organisation id -> created, updated or unchanged
    with transaction.atomic():
        taken_slugs = set(Organisation.objects.values_list("slug", flat=True))
        for row in rows:
            if isinstance(row, InvalidRow):
                tally.invalid(row)
                continue
            found = _find_organisation(row)
            if isinstance(found, InvalidRow):
                tally.invalid(found)
                continue
            domain = Domain.objects.filter(name=row.domain).select_related("organisation").first()
            elsewhere = domain is not None and (found is None or domain.organisation_id != found.pk)
            # A website guess (roo) yields to a person's CSV; any other owner does not.
            if elsewhere and domain.source != Source.ROO:
                tally.invalid(
                    InvalidRow(
                        row.where,
                        _("domein %(domain)s hoort al bij %(owner)s")
                        % {"domain": row.domain, "owner": domain.organisation},
                    )
                )
                continue
            organisation, outcome = _create_or_update(found, row, taken_slugs)
            if seen.get(organisation.pk) in (None, "unchanged"):
                seen[organisation.pk] = outcome
            _attach_domain(row, domain, organisation, tally, today)
        for outcome in seen.values():
            tally.organisations[outcome] += 1
    return tally.summary()


def _find_organisation(row: CsvRow) -> Organisation | InvalidRow | None:
    if row.tooi:
        return Organisation.objects.filter(tooi=row.tooi).first()
    named = list(
        Organisation.objects.annotate(lower_name=Lower("name")).filter(
            lower_name=row.organisation.lower()
        )
    )
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


def _create_or_update(
    organisation: Organisation | None, row: CsvRow, taken_slugs: set[str]
) -> tuple[Organisation, str]:
    if organisation is None:
        organisation = Organisation.objects.create(
            name=row.organisation,
            sector=row.sector,
            tooi=row.tooi,
            source=Source.CSV,
            slug=unique_slug(row.organisation, row.sector, "", taken_slugs),
        )
        return organisation, "created"
    # The registers decide the sector of their own organisations; a CSV only of its own.
    if organisation.source == Source.CSV and organisation.sector != row.sector:
        organisation.sector = row.sector
        organisation.save(update_fields=["sector", "updated_at"])
        return organisation, "updated"
    return organisation, "unchanged"


def _attach_domain(
    row: CsvRow,
    domain: Domain | None,
    organisation: Organisation,
    tally: Tally,
    today: datetime.date,
) -> None:
    if domain is None:
        Domain.objects.create(
            name=row.domain, organisation=organisation, source=Source.CSV, added_on=today
        )
        tally.domains["created"] += 1
    elif domain.source == Source.ROO and domain.organisation_id != organisation.pk:
        domain.organisation, domain.source = organisation, Source.CSV
        domain.is_active, domain.removed_on = True, None
        domain.save(update_fields=["organisation", "source", "is_active", "removed_on"])
        tally.domains["updated"] += 1
    elif domain.is_active:
        tally.domains["unchanged"] += 1
    else:
        domain.is_active, domain.removed_on = True, None
        domain.save(update_fields=["is_active", "removed_on"])
        tally.domains["updated"] += 1
