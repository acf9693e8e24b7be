"""Store organisation records from exportOO.xml: upsert on TOOI, in one transaction.

Phase 1 upserts the organisations in batches while the file streams. Phase 2, after the
whole file is read, links units to parents and bodies to ministries (a ministry may come
after the bodies related to it) and sets candidate mail domains, which needs to know
which website domains several organisations share.
"""

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from measurement.importers.oo_xml import is_ended
from measurement.importers.records import ImportSummary, InvalidRow, OrganisationRecord
from measurement.importers.slugs import unique_slug
from measurement.importers.tally import BATCH_SIZE, Tally, batches
from measurement.models import Domain, Organisation, Source

# The fields exportOO.xml decides; parent and ministry are linked in phase 2.
RECORD_FIELDS = (
    "name",
    "abbreviation",
    "sector",
    "organisation_type",
    "tooi",
    "register_id",
    "website",
    "valid_from",
    "valid_to",
    "source",
)


def import_organisation_records(
    records: Iterable[OrganisationRecord | InvalidRow],
    *,
    skip_invalid: bool = False,
    today: datetime.date | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportSummary:
    """Apply the records atomically: an invalid record or a broken file stores nothing."""
    today = today or timezone.localdate()
    tally = Tally(skip_invalid=skip_invalid)
    with transaction.atomic():
        state = _State(taken_slugs=set(Organisation.objects.values_list("slug", flat=True)))
        for batch in batches(records, batch_size):
            valid = []
            for record in batch:
                if isinstance(record, InvalidRow):
                    tally.invalid(record)
                elif record.key in state.ids:
                    tally.invalid(InvalidRow(record.where, _("komt twee keer voor in het bestand")))
                else:
                    state.ids[record.key] = None  # claimed; the id follows below
                    valid.append(record)
            _upsert(valid, state, tally, today)
        _link(state, tally)
        _candidate_domains(state, tally, today)
    return tally.summary()


class _State:
    """What phase 2 needs of every record: small values only, never the records."""

    def __init__(self, taken_slugs: set[str]):
        self.taken_slugs = taken_slugs
        self.ids: dict[str, int | None] = {}  # record key -> Organisation id
        self.links: dict[int, tuple[str | None, str | None]] = {}  # id -> parent key, ministry
        self.current_links: dict[int, tuple[int | None, int | None]] = {}
        self.candidates: dict[int, str] = {}  # id -> candidate mail domain
        self.touched: set[int] = set()  # created or updated in phase 1


def _upsert(
    records: list[OrganisationRecord], state: _State, tally: Tally, today: datetime.date
) -> None:
    if not records:
        return
    toois = [r.tooi for r in records if r.tooi]
    register_ids = [r.register_id for r in records if r.register_id]
    existing = Organisation.objects.filter(
        Q(tooi__in=toois) | Q(tooi__isnull=True, source=Source.ROO, register_id__in=register_ids)
    )
    by_tooi, by_register_id = {}, {}
    for organisation in existing:
        if organisation.tooi:
            by_tooi[organisation.tooi] = organisation
        else:
            by_register_id[organisation.register_id] = organisation
    now = timezone.now()
    to_create, to_update = [], []
    for record in records:
        # An organisation keeps its row when the register gives it a TOOI later.
        organisation = by_tooi.get(record.tooi) if record.tooi else None
        if organisation is None and record.register_id:
            organisation = by_register_id.pop(record.register_id, None)
        values = _values(record)
        if organisation is None:
            organisation = Organisation(
                **values,
                slug=unique_slug(
                    record.name, record.organisation_type, record.abbreviation, state.taken_slugs
                ),
            )
            to_create.append((record, organisation))
            tally.organisations["created"] += 1
            if is_ended(record.valid_to, today):
                tally.organisations["ended"] += 1
            continue
        state.current_links[organisation.pk] = (organisation.parent_id, organisation.ministry_id)
        changed = [f for f in RECORD_FIELDS if getattr(organisation, f) != values[f]]
        if not changed:
            tally.organisations["unchanged"] += 1
        else:
            if is_ended(record.valid_to, today) and not is_ended(organisation.valid_to, today):
                tally.organisations["ended"] += 1
            for f in changed:
                setattr(organisation, f, values[f])
            organisation.updated_at = now
            to_update.append(organisation)
            state.touched.add(organisation.pk)
            tally.organisations["updated"] += 1
        _remember(record, organisation.pk, state)
    Organisation.objects.bulk_create([organisation for _record, organisation in to_create])
    for record, organisation in to_create:
        state.current_links[organisation.pk] = (None, None)
        state.touched.add(organisation.pk)
        _remember(record, organisation.pk, state)
    if to_update:
        Organisation.objects.bulk_update(to_update, [*RECORD_FIELDS, "updated_at"])


def _values(record: OrganisationRecord) -> dict:
    return {
        "name": record.name,
        "abbreviation": record.abbreviation,
        "sector": record.sector,
        "organisation_type": record.organisation_type,
        "tooi": record.tooi,
        "register_id": record.register_id,
        "website": record.website,
        "valid_from": record.valid_from,
        "valid_to": record.valid_to,
        "source": Source.ROO,
    }


def _remember(record: OrganisationRecord, pk: int, state: _State) -> None:
    state.ids[record.key] = pk
    if record.parent_key or record.ministry_tooi:
        state.links[pk] = (record.parent_key, record.ministry_tooi)
    if record.candidate_domain:
        state.candidates[pk] = record.candidate_domain


def _link(state: _State, tally: Tally) -> None:
    """Set parent and ministry on every imported organisation, counting real changes."""
    ministry_toois = {ministry for _parent, ministry in state.links.values() if ministry}
    # A ministry outside this file (an earlier import) is found in the database.
    ministry_ids = {tooi: state.ids.get(tooi) for tooi in ministry_toois}
    missing = [tooi for tooi, pk in ministry_ids.items() if pk is None]
    ministry_ids.update(
        Organisation.objects.filter(tooi__in=missing).values_list("tooi", "pk") if missing else ()
    )
    now = timezone.now()
    changed = []
    for pk, current in state.current_links.items():
        parent_key, ministry_tooi = state.links.get(pk, (None, None))
        wanted = (
            state.ids.get(parent_key) if parent_key else None,
            ministry_ids.get(ministry_tooi) if ministry_tooi else None,
        )
        if wanted == current:
            continue
        changed.append(
            Organisation(pk=pk, parent_id=wanted[0], ministry_id=wanted[1], updated_at=now)
        )
        if pk not in state.touched:
            state.touched.add(pk)
            tally.organisations["unchanged"] -= 1
            tally.organisations["updated"] += 1
    Organisation.objects.bulk_update(
        changed, ["parent", "ministry", "updated_at"], batch_size=BATCH_SIZE
    )


def _candidate_domains(state: _State, tally: Tally, today: datetime.date) -> None:
    """Candidate mail domains from websites, for domains no other organisation links to.

    The ministries all link to rijksoverheid.nl, which says nothing about their mail
    domains: a domain shared by several organisations is nobody's candidate.
    """
    shared = Counter(state.candidates.values())
    wanted = {domain: pk for pk, domain in state.candidates.items() if shared[domain] == 1}
    imported = set(state.current_links)
    existing = {
        domain.name: domain
        for domain in Domain.objects.filter(Q(source=Source.ROO) | Q(name__in=list(wanted)))
    }
    to_create, to_update = [], []
    for name, domain in existing.items():
        owner = wanted.get(name)
        if domain.source != Source.ROO:
            # RIO, CSV and manual entries outrank a guess from a website.
            continue
        if owner is None:
            if domain.organisation_id in imported and domain.is_active:
                domain.is_active, domain.removed_on = False, today
                to_update.append(domain)
                tally.domains["ended"] += 1
            continue
        if domain.organisation_id == owner and domain.is_active:
            tally.domains["unchanged"] += 1
            continue
        domain.organisation_id, domain.is_active, domain.removed_on = owner, True, None
        to_update.append(domain)
        tally.domains["updated"] += 1
    for name, owner in wanted.items():
        if name not in existing:
            to_create.append(
                Domain(name=name, organisation_id=owner, source=Source.ROO, added_on=today)
            )
            tally.domains["created"] += 1
    Domain.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    Domain.objects.bulk_update(
        to_update, ["organisation", "is_active", "removed_on"], batch_size=BATCH_SIZE
    )
