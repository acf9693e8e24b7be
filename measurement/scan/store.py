"""Every write of a scan: plan, probes and their claims, verdicts, latest result,
aggregates, the end of a scan, re-judging.

Nothing else in the project writes Scan, DomainResult, HostResult or SectorAggregate
rows during a scan; the functions here are idempotent (they skip work already stored),
so a redelivered or repeated batch changes nothing. Bulk SQL helpers: measurement.scan.sql.
"""

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from types import SimpleNamespace

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from measurement.checksum import checksum_of_results
from measurement.evaluate import evidence, readings
from measurement.evaluate.verdicts import METHODOLOGY_VERSION
from measurement.models import (
    VERDICT_COLUMNS,
    Domain,
    DomainResult,
    HostResult,
    Scan,
    SectorAggregate,
)
from measurement.probe.observations import SmtpObservation
from measurement.scan import aggregate
from measurement.scan.sql import insert_rows, insert_selected, update_rows

SCANNER_VERSION = "0.1.0"
PENDING = "pending"  # HostResult.outcome of a pair not probed yet
PROBE_FIELDS = [
    "outcome", "detail", "starttls", "tls_version", "cipher", "observation", "probed_at",
    "tls_quality", "tls_quality_at",
]  # fmt: skip
JUDGED_FIELDS = ["evidence", "judged_at", "reasons", *VERDICT_COLUMNS]

Pair = tuple[str, str]  # (MX host, address)


class ScanFrozen(Exception):
    """A measurement round is frozen: its domain list and results no longer change."""


def ensure_open(scan: Scan) -> None:
    if scan.is_frozen:
        raise ScanFrozen(f"scan {scan.pk} ({scan.name}) is a frozen measurement round")


# --- plan and start -----------------------------------------------------------------------


def plan(*, kind: str, name: str, scope: dict[str, str], domains) -> Scan:
    """A Scan and one pending DomainResult per domain of `domains` (a Domain queryset):
    the register snapshot, with the domain's name, organisation and sector."""
    with transaction.atomic():
        scan = Scan.objects.create(
            kind=kind,
            name=name,
            scope=scope,
            methodology_version=METHODOLOGY_VERSION,
            scanner_version=SCANNER_VERSION,
        )
        scan.domains_total = insert_selected(
            DomainResult,
            ["domain", "domain_name", "organisation", "sector"],
            domains.values_list("pk", "name", "organisation_id", "organisation__sector"),
            {"scan": scan.pk, "methodology_version": METHODOLOGY_VERSION},
        )
        scan.save(update_fields=["domains_total"])
    return scan


def start(scan_id: int) -> Scan:
    scan = Scan.objects.get(pk=scan_id)
    ensure_open(scan)
    if scan.status == Scan.Status.PLANNED:
        scan.status = Scan.Status.RUNNING
        scan.started_at = scan.heartbeat_at = timezone.now()
        scan.save(update_fields=["status", "started_at", "heartbeat_at"])
    return scan


def begin_round(scan_id: int, current: int) -> bool:
    """Count round `current` + 1 of the scan's streams as begun, unless another call
    began it first (the round's callback and a check after a lost callback race)."""
    rounds = Scan.objects.filter(pk=scan_id, advance_rounds=current)
    return bool(rounds.update(advance_rounds=current + 1))


# --- probes -------------------------------------------------------------------------------


def fill_host_result(row, observation: SmtpObservation) -> None:
    """Set a HostResult's (or a row-like object's) PROBE_FIELDS from one probe."""
    row.outcome = observation.outcome.value
    row.detail = evidence.storable(observation.detail)[:500]
    row.starttls = observation.starttls_offered
    row.tls_version = observation.tls_version
    row.cipher = evidence.storable(observation.cipher)[:100]
    quality = observation.tls_quality
    # The TLS (NCSC) assessment in a column of its own: a later scan reuses it from there.
    row.observation = evidence.to_builtins(
        replace(observation, tls_quality=None) if quality else observation
    )
    row.tls_quality = evidence.to_builtins(quality) if quality else None
    row.tls_quality_at = _assessed_at(quality)
    row.probed_at = timezone.now()


def _assessed_at(quality) -> datetime | None:
    return datetime.fromisoformat(quality.assessed_at) if quality and quality.assessed_at else None


def claim_new_pairs(scan_id: int, claim: str, pairs: list[Pair], now) -> dict[Pair, int]:
    """Insert a pending row per pair, claimed by `claim`; return the pairs inserted here
    (the others have a row already) with their row ids."""
    meta = HostResult._meta
    claimed_at = meta.get_field("claimed_at").get_db_prep_save(now, connection)
    address_field = meta.get_field("address")  # as Django writes it: IPv6 compressed
    inserted = insert_rows(
        HostResult,
        ["scan", "host", "address", "outcome", "claimed_by", "claimed_at"],
        [
            (scan_id, h, address_field.get_db_prep_save(a, connection), PENDING, claim, claimed_at)
            for h, a in pairs
        ],
        ignore_conflicts=True,
        returning=["id", "host", "address"],
    )
    return {(host, address): pk for pk, host, address in inserted}


def take_over(pk: int, claim: str, claimed_by: str, claimed_at, now) -> bool:
    """Claim a pending pair that is ours already (a redelivered task: the lease starts
    again) or whose claim lapsed (a batch that died)."""
    lease_end = now - timedelta(seconds=settings.SCANNER_PROBE_LEASE)
    rows = HostResult.objects.filter(pk=pk, outcome=PENDING)
    if claimed_by == claim:
        rows = rows.filter(claimed_by=claim)
    elif claimed_at is None or claimed_at < lease_end:
        rows = rows.filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=lease_end))
    else:
        return False
    return bool(rows.update(claimed_by=claim, claimed_at=now))


def store_claimed_probes(scan_id: int, claim: str, probes: list[tuple[int, SmtpObservation]]):
    """Write finished probes to their rows: only rows still pending under our claim, so a
    batch whose lease ran out mid-probe neither overwrites nor counts a pair another
    batch took over."""
    with transaction.atomic():
        ours = set(
            HostResult.objects.select_for_update()
            .filter(pk__in=[pk for pk, _ in probes], claimed_by=claim, outcome=PENDING)
            .values_list("pk", flat=True)
        )
        rows = []
        for pk, observation in probes:
            if pk in ours:
                row = SimpleNamespace(pk=pk)
                fill_host_result(row, observation)
                rows.append(row)
        update_rows(rows, PROBE_FIELDS, model=HostResult)
        _progress(scan_id, hosts_done=len(rows), hosts_total=len(rows))


def release_claims(claim: str) -> int:
    """Give back the pairs a batch claimed but did not probe (it stopped early)."""
    return HostResult.objects.filter(outcome=PENDING, claimed_by=claim).update(
        claimed_by="", claimed_at=None
    )


# --- verdicts -----------------------------------------------------------------------------


def open_results(result_ids: Sequence[int]) -> set[int]:
    """Those of these results not judged yet (another batch may have judged some)."""
    return set(
        DomainResult.objects.filter(pk__in=result_ids, judged_at__isnull=True).values_list(
            "pk", flat=True
        )
    )


def store_judged(scan: Scan, judged: list, probes: dict[Pair, SmtpObservation], now) -> None:
    """Store judged domains (judging.judged_row) and the probes not stored yet, point the
    domains at their new results and count them, in one transaction. Rows another batch
    judged meanwhile are locked out (skip_locked, judged_at) and not counted twice."""
    host_rows = []
    for (host, address), probe in probes.items():
        row = HostResult(scan=scan, host=host, address=address, claimed_by="in-process")
        fill_host_result(row, probe)
        host_rows.append(row)
    with transaction.atomic():
        HostResult.objects.bulk_create(host_rows, ignore_conflicts=True, batch_size=1000)
        if judged:
            still_open = set(
                DomainResult.objects.select_for_update(skip_locked=True)
                .filter(pk__in=[row.pk for row in judged], judged_at__isnull=True)
                .values_list("pk", flat=True)
            )
            judged = [row for row in judged if row.pk in still_open]
        update_rows(judged, JUDGED_FIELDS, model=DomainResult)
        _point_domains_at(scan, [row.pk for row in judged])
        _progress(
            scan.pk,
            domains_done=len(judged),
            hosts_done=len(host_rows),
            hosts_total=len(host_rows),
        )


def _point_domains_at(scan: Scan, result_ids: list[int]) -> None:
    """Make these newly judged results their domains' latest, unless a newer scan's
    result is already: a domain shows its latest measurement as soon as it is stored.

    The domains are locked in key order first: two scans storing at once (a re-test
    during the weekly scan) then wait for each other instead of deadlocking.
    """
    if not result_ids:
        return
    domains = list(
        Domain.objects.select_for_update(of=("self",))
        .filter(results__pk__in=result_ids)
        .filter(
            Q(latest_result__isnull=True) | Q(latest_result__scan__created_at__lte=scan.created_at)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    newest = DomainResult.objects.filter(pk__in=result_ids, domain=OuterRef("pk")).values("pk")
    Domain.objects.filter(pk__in=domains).update(latest_result=Subquery(newest[:1]))


def _progress(scan_id: int, **increments: int) -> None:
    Scan.objects.filter(pk=scan_id).update(
        heartbeat_at=timezone.now(), **{name: F(name) + n for name, n in increments.items()}
    )


# --- the end of a scan --------------------------------------------------------------------


def finish(scan_id: int) -> tuple[Scan, bool]:
    """Store the aggregates and mark a scan whose domains are all judged finished; a round
    is frozen with its checksum. Returns the scan and whether this call finished it (so
    that the "scan finished and stored" hook runs once)."""
    with transaction.atomic():
        scan = Scan.objects.select_for_update().get(pk=scan_id)
        if scan.status == Scan.Status.FINISHED:
            return scan, False
        for version in readings.versions(scan.methodology_version):
            store_aggregates(scan, version)
        scan.status = Scan.Status.FINISHED
        scan.finished_at = timezone.now()
        if scan.kind == Scan.Kind.ROUND:
            scan.checksum = round_checksum(scan)
            scan.is_frozen = True
        scan.save(update_fields=["status", "finished_at", "checksum", "is_frozen"])
    return scan, True


def fail(scan_id: int, reason: str) -> None:
    """End a scan that cannot complete, keeping everything it measured."""
    Scan.objects.filter(pk=scan_id).exclude(status=Scan.Status.FINISHED).update(
        status=Scan.Status.FAILED, failure_reason=reason[:2000], finished_at=timezone.now()
    )


def round_checksum(scan: Scan) -> str:
    """SHA-256 over named columns of the round's CSV export (measurement/checksum.py)."""
    return checksum_of_results(
        scan.domain_results.filter(methodology_version=scan.methodology_version)
    )


# --- re-judging under a new methodology ---------------------------------------------------


@transaction.atomic
def copy_for_rejudging(scan: Scan, methodology_version: str) -> None:
    """A new, unjudged DomainResult per result of the scan, with its stored DNS facts."""
    originals = scan.domain_results.filter(methodology_version=scan.methodology_version)
    DomainResult.objects.bulk_create(
        (
            DomainResult(
                scan=scan,
                domain_id=r.domain_id,
                domain_name=r.domain_name,
                organisation_id=r.organisation_id,
                sector=r.sector,
                methodology_version=methodology_version,
                evidence={k: v for k, v in r.evidence.items() if k != "verdicts"},
            )
            for r in originals.iterator(chunk_size=1000)
        ),
        batch_size=1000,
    )


def store_rejudged(judged: list) -> None:
    """Re-judged verdicts (judging.judged_row); they never become the latest result."""
    update_rows(judged, JUDGED_FIELDS, model=DomainResult)


def store_aggregates(scan: Scan, methodology_version: str) -> int:
    """Replace the scan's SectorAggregate rows under this methodology version; returns
    how many were stored."""
    rows = aggregate.sector_counts(scan, methodology_version)
    with transaction.atomic():
        SectorAggregate.objects.filter(scan=scan, methodology_version=methodology_version).delete()
        SectorAggregate.objects.bulk_create(
            SectorAggregate(
                scan=scan,
                sector=sector,
                methodology_version=methodology_version,
                check_name=check,
                **counts,
            )
            for (sector, check), counts in sorted(rows.items())
        )
    return len(rows)
