"""The door to the scan machinery: the only module views, commands and tasks call.

A scan is planned (`plan`), then run (`run`): embedded, one stream in this process over
every domain; on Celery, streams of batches on the workers, sent out in rounds by
`next_round` until every domain is judged. Either way it ends in `finish`, which stores
the aggregates and calls `scan_finished` once per scan. `check_domain` observes and
judges one domain through the same observer and judgement, without storing it;
`request_retest` is a scan of one organisation. See docs/architecture.md.
"""

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from measurement.evaluate import evidence
from measurement.evaluate.verdicts import METHODOLOGY_VERSION
from measurement.models import Domain, Organisation, Scan
from measurement.probe.observations import DomainObservation
from measurement.probe.preflight import ResolverNotUsable
from measurement.scan import judging, observer, rejudging, store, tls_quality
from measurement.scan import run as streams
from measurement.scan.config import probe_config, require_validating_resolver
from measurement.scan.store import ScanFrozen  # noqa: F401 - part of the door
from measurement.signals import scan_stored

log = logging.getLogger(__name__)

MAX_ROUNDS = 12  # rounds of streams before a scan that makes no progress is failed
ADVANCE_TASK = "measurement.tasks.advance"  # sent by name: the door imports no task


class RetestRateLimited(Exception):
    """A re-test refused; `reason` says which limit, `retry_after` the seconds it still holds."""

    ORGANISATION = "organisation"  # this organisation was re-tested a short while ago
    HOURLY = "hourly"  # the site-wide number of re-tests this hour is reached

    def __init__(self, retry_after: int, reason: str = ORGANISATION) -> None:
        super().__init__(f"retest rate limited ({reason}), retry after {retry_after} s")
        self.retry_after = retry_after
        self.reason = reason


# --- plan and run -------------------------------------------------------------------------


def plan(
    *,
    kind: str = Scan.Kind.ON_DEMAND,
    name: str = "",
    organisation: Organisation | None = None,
    sector: str | None = None,
    domain: str | None = None,
) -> Scan:
    """A Scan of the active domains of active organisations in scope, not started yet."""
    domains = Domain.objects.of_active_organisations()
    scope: dict[str, str] = {}
    if organisation is not None:
        domains = domains.filter(organisation=organisation)
        scope["organisation"] = organisation.slug
    if sector:
        domains = domains.filter(organisation__sector=sector)
        scope["sector"] = sector
    if domain:
        domains = domains.filter(name=domain)
        scope["domain"] = domain
    return store.plan(kind=kind, name=name, scope=scope, domains=domains)


def run(scan_id: int, *, progress: Callable[[Scan], None] | None = None) -> Scan:
    """Run a planned scan: on the Celery workers when a broker is set (returns at once),
    else in this process to its end (a failure is stored on the scan and raised).

    First the resolver pre-flight: a resolver that does not answer or does not validate
    fails the scan (ResolverNotUsable) before anything is measured."""
    try:
        require_validating_resolver()
    except ResolverNotUsable as exc:
        store.fail(scan_id, str(exc))
        raise
    if settings.CELERY_BROKER_URL:
        store.start(scan_id)
        _send_advance(scan_id)
        return Scan.objects.get(pk=scan_id)
    try:
        streams.stream(scan_id, progress=progress)
        return finish(scan_id)
    except Exception as exc:
        log.exception("scan %s failed", scan_id)
        store.fail(scan_id, f"{type(exc).__name__}: {exc}")
        raise


def fail(scan_id: int, reason: str) -> None:
    store.fail(scan_id, reason)


def finish(scan_id: int) -> Scan:
    """End a scan whose domains are all judged; the hook runs once, for the call that
    finished it."""
    scan, finished_here = store.finish(scan_id)
    if finished_here:
        scan_finished(scan)
    return scan


def scan_finished(scan: Scan) -> None:
    """Called once per scan, after its verdicts and aggregates are stored and it is marked
    finished (embedded or on Celery; not for a failed scan). The place for work that
    follows a finished scan, such as sending alerts; keep it quick or hand it to a task."""
    log.info("scan %s finished: %s domains", scan.pk, scan.domains_done)
    scan_stored.send(sender=Scan, scan_id=scan.pk)  # alerts (alerts/receivers.py)


# --- on Celery: rounds of streams ---------------------------------------------------------


@dataclass(frozen=True)
class Round:
    """A round of streams to send: its number and the batches of unjudged domains."""

    number: int
    batches: list[list[int]]


def next_round(scan_id: int, after: int | None = None, *, if_stalled: bool = False) -> Round | str:
    """The scan's next round of streams, or what stands in its way as a word.

    `after` is the round the caller saw last (None: whichever is current): when another
    call began the next round meanwhile, there is nothing to do ("superseded"). With
    `if_stalled` (a check sent by a stream that ended with domains left) the round
    begins only when the scan stored nothing for SCAN_RESUME_SECONDS; else the check is
    sent again for later ("waiting"). Every domain judged: the scan is finished. After
    MAX_ROUNDS rounds without that it fails.
    """
    scan = Scan.objects.get(pk=scan_id)
    current = scan.advance_rounds
    if scan.status in (Scan.Status.FINISHED, Scan.Status.FAILED):
        return scan.status
    if after is not None and current != after:
        return "superseded"
    todo = list(scan.domain_results.filter(judged_at__isnull=True).values_list("pk", flat=True))
    if not todo:
        return finish(scan_id).status
    quiet = timezone.now() - (scan.heartbeat_at or scan.started_at or timezone.now())
    if if_stalled and quiet < timedelta(seconds=settings.SCAN_RESUME_SECONDS):
        _send_advance(scan_id, current, if_stalled=True, countdown=settings.SCAN_RESUME_SECONDS)
        return "waiting"
    if current >= MAX_ROUNDS:
        store.fail(scan_id, f"{len(todo)} domains not judged after {MAX_ROUNDS} rounds")
        return Scan.Status.FAILED
    if not store.begin_round(scan_id, current):
        return "superseded"
    # The round's streams or its callback may be lost (Redis losing its data): a check
    # for later makes up for them, and sends itself again while the scan stores.
    _send_advance(scan_id, current + 1, if_stalled=True, countdown=settings.SCAN_RESUME_SECONDS)
    # At least SCANNER_STREAM_BATCHES streams, and none over SCANNER_STREAM_MAX_DOMAINS:
    # a stream must end within the task time limit, and its memory follows its domains.
    streams = max(
        settings.SCANNER_STREAM_BATCHES, -(-len(todo) // settings.SCANNER_STREAM_MAX_DOMAINS)
    )
    size = max(1, -(-len(todo) // streams))
    return Round(current + 1, [todo[i : i + size] for i in range(0, len(todo), size)])


def stream_batch(scan_id: int, result_ids: list[int], claim: str, round_number: int = 0) -> int:
    """One worker's stream over a batch of the scan's domains (round `round_number`).

    Afterwards a scan whose domains are all judged is finished at once, and one with
    domains left gets a check for later (next_round with if_stalled): the round's other
    streams, or its callback, may have been lost with Redis, and the scan must go on
    without waiting for beat's watchdog, or without beat at all.
    """
    judged = streams.stream(scan_id, result_ids, claim=claim)
    if not Scan.objects.get(pk=scan_id).domain_results.filter(judged_at__isnull=True).exists():
        finish(scan_id)
    else:
        countdown = settings.SCAN_RESUME_SECONDS
        _send_advance(scan_id, round_number, if_stalled=True, countdown=countdown)
    return judged


def release_claims(claim: str) -> int:
    return store.release_claims(claim)


def stalled_scans() -> list[int]:
    """Running scans whose last stored chunk is older than SCAN_STALL_SECONDS."""
    limit = timezone.now() - timedelta(seconds=settings.SCAN_STALL_SECONDS)
    return list(
        Scan.objects.filter(status=Scan.Status.RUNNING)
        .filter(Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, started_at__lt=limit))
        .values_list("pk", flat=True)
    )


def _send_advance(
    scan_id: int, after: int | None = None, *, if_stalled: bool = False, countdown: float = 0
) -> None:
    if not settings.CELERY_BROKER_URL:
        return  # streams called directly (tests): no task to send
    from celery import current_app

    kwargs = {"after": after, "if_stalled": if_stalled}
    current_app.send_task(ADVANCE_TASK, (scan_id,), kwargs, countdown=countdown)


# --- one domain, one organisation ---------------------------------------------------------


def check_domain(name: str) -> tuple[DomainObservation, dict]:
    """Observe and judge one domain now, as a scan would, without storing anything:
    its observation and its verdicts (as stored in a scan's evidence). The resolver
    pre-flight first: ResolverNotUsable when it does not answer or does not validate."""
    require_validating_resolver()
    chunks = list(observer.in_thread([name], probe_config(**tls_quality.probe_settings(None))))
    observation = next(o for chunk in chunks for o in chunk)
    shared = judging.SharedHosts()
    verdicts = judging.verdicts(observation, shared, measured_at=timezone.now())
    return observation, evidence.to_builtins(verdicts)


def request_retest(organisation: Organisation, *, hourly_cap: bool = True) -> Scan:
    """Plan and start a re-test of one organisation, rate-limited per organisation and
    overall: a scan with the organisation as its scope. The organisation's own logged-in
    people are not held to the overall hourly cap (hourly_cap=False)."""
    per_org_key = f"retest:org:{organisation.pk}"
    now = timezone.now()
    hour_key = f"retest:hour:{now:%Y%m%d%H}"
    if hourly_cap and cache.get(hour_key, 0) >= settings.SCANNER_RETEST_PER_HOUR:
        until_next_hour = 3600 - now.minute * 60 - now.second
        raise RetestRateLimited(until_next_hour, RetestRateLimited.HOURLY)
    # The mark holds when it lapses, so a refusal can say how long it still holds.
    window = settings.SCANNER_RETEST_PER_ORGANISATION_SECONDS
    if not cache.add(per_org_key, now.timestamp() + window, window):
        lapses = cache.get(per_org_key) or now.timestamp() + window
        raise RetestRateLimited(max(1, math.ceil(lapses - now.timestamp())))
    if hourly_cap:
        cache.add(hour_key, 0, 3600)
        cache.incr(hour_key)
    scan = plan(kind=Scan.Kind.ON_DEMAND, organisation=organisation)
    if settings.CELERY_BROKER_URL:
        transaction.on_commit(lambda: _start_on_workers(scan.pk))
    else:
        threading.Thread(
            target=_run_quietly, args=(scan.pk,), name=f"scan-{scan.pk}", daemon=True
        ).start()
    return scan


def _start_on_workers(scan_id: int) -> None:
    try:
        run(scan_id)
    except ResolverNotUsable:
        # Recorded as the scan's failure reason; the page that asked shows the scan.
        log.exception("scan %s refused by the resolver pre-flight", scan_id)


def _run_quietly(scan_id: int) -> None:
    try:
        run(scan_id)
    except Exception:  # noqa: BLE001 - already recorded as a failed scan
        pass
    finally:
        connection.close()


# --- re-judging under a new methodology ---------------------------------------------------


def rejudge(scan_id: int, methodology_version: str = METHODOLOGY_VERSION) -> int:
    """Judge a finished scan's stored observations again as a new set of verdicts beside
    the old ones; returns how many domains were judged (0: done before)."""
    return rejudging.rejudge(Scan.objects.get(pk=scan_id), methodology_version)
