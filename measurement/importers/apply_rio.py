"""Store domain registrations from exportRIO.xml, joined to organisations on TOOI.

Cancelled registrations (opgezegdSinds) make the domain inactive with that date; no
domain is ever deleted. An organisation RIO knows and the database does not yet is
created from RIO's own fields, so RIO can be imported before or without exportOO.xml.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from measurement.importers.oo_xml import is_ended
from measurement.importers.records import (
    DOMAIN,
    DomainRegistration,
    ImportSummary,
    InvalidRow,
)
from measurement.importers.rows import insert
from measurement.importers.sectors import sector_of
from measurement.importers.slugs import unique_slug
from measurement.importers.tally import BATCH_SIZE, Tally, batches
from measurement.models import Domain, Organisation, Source

# Sources whose domains RIO may take over: RIO is the register of who owns a domain,
# a website guess (roo) is not; CSV and manual entries are a person's decision.
RIO_OUTRANKS = (Source.ROO, Source.RIO)


def import_domain_registrations(
    records: Iterable[DomainRegistration | InvalidRow],
    *,
    skip_invalid: bool = False,
    today: datetime.date | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportSummary:
    """Apply RIO registrations atomically; returns what changed."""
    today = today or timezone.localdate()
    tally = Tally(skip_invalid=skip_invalid)
    with transaction.atomic():
        organisation_ids: dict[str, int] = {}
        owner_of: dict[str, str] = {}  # domain -> TOOI, to catch one domain under two owners
        taken_slugs: set[str] | None = None
        for batch in batches(records, batch_size):
            registrations = []
            for record in batch:
                if isinstance(record, InvalidRow):
                    tally.invalid(record)
                    continue
                previous_owner = owner_of.setdefault(record.domain, record.tooi)
                if previous_owner != record.tooi:
                    tally.invalid(
                        InvalidRow(
                            record.where,
                            _("staat ook bij %(tooi)s in dit bestand") % {"tooi": previous_owner},
                            DOMAIN,
                        )
                    )
                    continue
                registrations.append(record)
            missing = {r.tooi for r in registrations} - organisation_ids.keys()
            found = dict(Organisation.objects.filter(tooi__in=missing).values_list("tooi", "pk"))
            # RIO changes nothing about an organisation it finds: joined means unchanged.
            tally.organisations["unchanged"] += len(found)
            organisation_ids.update(found)
            new = {}
            for record in registrations:
                if record.tooi not in organisation_ids and record.tooi not in new:
                    if taken_slugs is None:
                        taken_slugs = set(Organisation.objects.values_list("slug", flat=True))
                    new[record.tooi] = _new_organisation(record, taken_slugs)
            insert(list(new.values()))
            organisation_ids.update((tooi, o.pk) for tooi, o in new.items())
            tally.organisations["created"] += len(new)
            _upsert_domains(registrations, organisation_ids, tally, today)
    return tally.summary()


def _new_organisation(record: DomainRegistration, taken_slugs: set[str]) -> Organisation:
    return Organisation(
        name=record.organisation_name or record.tooi,
        abbreviation=record.abbreviation[:100],
        organisation_type=record.organisation_type[:100],
        sector=sector_of(record.organisation_type),
        tooi=record.tooi,
        register_id=record.register_id[:50],
        source=Source.RIO,
        slug=unique_slug(
            record.organisation_name or "organisatie",
            record.organisation_type,
            record.abbreviation,
            taken_slugs,
        ),
    )


def _upsert_domains(
    registrations: list[DomainRegistration],
    organisation_ids: dict[str, int],
    tally: Tally,
    today: datetime.date,
) -> None:
    existing = Domain.objects.in_bulk([r.domain for r in registrations], field_name="name")
    to_create, to_update = [], []
    for record in registrations:
        owner = organisation_ids[record.tooi]
        active = not is_ended(record.cancelled_on, today)
        removed_on = None if active else record.cancelled_on
        domain = existing.get(record.domain)
        if domain is None:
            to_create.append(
                Domain(
                    name=record.domain,
                    organisation_id=owner,
                    source=Source.RIO,
                    is_active=active,
                    added_on=record.registered_on or today,
                    removed_on=removed_on,
                )
            )
            tally.domains["created"] += 1
            tally.domains["ended"] += not active
            continue
        if domain.organisation_id != owner and domain.source not in RIO_OUTRANKS:
            # Not an error in the file: a person put this domain elsewhere. Reported, kept.
            tally.skipped.append(
                InvalidRow(
                    record.where,
                    _("domein hoort al bij organisatie %(id)s (bron %(source)s); niet verplaatst")
                    % {"id": domain.organisation_id, "source": domain.source},
                    DOMAIN,
                )
            )
            continue
        wanted = {
            "organisation_id": owner,
            "is_active": active,
            "removed_on": removed_on,
            "source": Source.RIO if domain.source in RIO_OUTRANKS else domain.source,
        }
        if all(getattr(domain, f) == v for f, v in wanted.items()):
            tally.domains["unchanged"] += 1
            continue
        tally.domains["ended"] += domain.is_active and not active
        for f, v in wanted.items():
            setattr(domain, f, v)
        to_update.append(domain)
        tally.domains["updated"] += 1
    insert(to_create)
    Domain.objects.bulk_update(to_update, ["organisation", "is_active", "removed_on", "source"])
