"""Thin Celery tasks over measurement.pipeline (used when CELERY_BROKER_URL is set).

A scan is driven by one state-machine task, `advance`, which looks at what the database
says is still missing (unresolved domains, unprobed pairs, unjudged domains) and fans out
batch tasks for that phase in a chord whose body is `advance` again. Because `advance`
trusts the database and not the chord, a redelivered or lost batch only means one more
round; every batch is idempotent.
"""

import logging

from celery import chord, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError
from django.db.models import F
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError

from measurement import pipeline
from measurement.models import Scan
from measurement.probe.stream import ObserverLost

log = logging.getLogger(__name__)

INFRASTRUCTURE_ERRORS = (DatabaseError, InterfaceError, BrokerError, RedisConnectionError, OSError)
MAX_ROUNDS = 12  # advance rounds before a scan that makes no progress is declared failed
BATCH_TASK = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": INFRASTRUCTURE_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "max_retries": 8,
}


def start_scan(scan_id: int) -> None:
    pipeline.start(scan_id)
    advance.delay(scan_id)


@shared_task(bind=True, **BATCH_TASK)
def stream(self, scan_id: int, result_ids: list[int]) -> int:
    return _guarded(self, scan_id, pipeline.stream_batch, scan_id, result_ids, self.request.id)


@shared_task(bind=True, **BATCH_TASK)
def resolve(self, scan_id: int, result_ids: list[int]) -> int:
    return _guarded(self, scan_id, pipeline.resolve_batch, scan_id, result_ids)


@shared_task(bind=True, **BATCH_TASK)
def probe(self, scan_id: int, host_result_ids: list[int]) -> int:
    return _guarded(
        self, scan_id, pipeline.probe_batch, scan_id, host_result_ids, None, self.request.id
    )


@shared_task(bind=True, **BATCH_TASK)
def judge(self, scan_id: int, result_ids: list[int]) -> int:
    return _guarded(self, scan_id, pipeline.judge_batch, scan_id, result_ids)


def _guarded(task, scan_id, function, *args):
    """Retry infrastructure errors; anything else fails the scan and keeps its results.

    A batch that runs out of time, or whose observer child is killed, gives its unprobed
    pairs back: `advance` sends them out again (at most MAX_ROUNDS times) instead of
    failing a whole scan for one batch.
    """
    try:
        return function(*args)
    except (SoftTimeLimitExceeded, ObserverLost) as exc:
        # Out of time, or the batch's observer child was killed (out of memory, a
        # signal): as with a lost worker, what it stored stays.
        released = pipeline.release_claims(task.request.id)
        log.warning(
            "scan %s: %s stopped (%s); %s pairs released",
            scan_id, task.name, type(exc).__name__, released,
        )  # fmt: skip
        return 0
    except INFRASTRUCTURE_ERRORS:
        if task.request.retries >= task.max_retries:
            pipeline.fail_scan(scan_id, "infrastructure errors persisted; see the worker log")
        raise
    except Exception as exc:
        log.exception("scan %s: %s failed", scan_id, task.name)
        pipeline.fail_scan(scan_id, f"{task.name}: {type(exc).__name__}: {exc}")
        raise


@shared_task(bind=True, **BATCH_TASK)
def advance(self, scan_id: int, *_chord_results) -> str:
    """Fan out the next missing phase of a scan, or finish it."""
    scan = Scan.objects.get(pk=scan_id)
    if scan.status in (Scan.Status.FINISHED, Scan.Status.FAILED):
        return scan.status
    size = settings.SCANNER_BATCH_SIZE
    if not scan.advance_rounds:
        # First round: the embedded stream, batch by batch on every worker at once
        # (pipeline.stream_batch); later rounds finish what it left, phase by phase.
        todo = list(scan.domain_results.filter(judged_at__isnull=True).values_list("pk", flat=True))
        stream_size = max(1, -(-len(todo) // settings.SCANNER_STREAM_BATCHES))
        return _fan_out(scan, "stream", stream, pipeline.batches(todo, stream_size))
    unresolved = list(
        scan.domain_results.filter(
            judged_at__isnull=True, evidence__observation__isnull=True
        ).values_list("pk", flat=True)
    )
    if unresolved:
        return _fan_out(scan, "resolve", resolve, pipeline.batches(unresolved, size))
    # Ordered by address: the pairs of one address share a batch instead of several
    # workers queueing on that address's lock.
    pending = list(
        pipeline.claimable_pairs(scan).order_by("address", "host").values_list("pk", flat=True)
    )
    if pending:
        Scan.objects.filter(pk=scan_id, hosts_total=0).update(hosts_total=scan.host_results.count())
        return _fan_out(scan, "probe", probe, pipeline.batches(pending, size))
    if scan.host_results.filter(outcome=pipeline.PENDING).exists():
        # Pairs claimed by batches still running: look again shortly.
        advance.apply_async((scan_id,), countdown=5)
        return "waiting"
    unjudged = list(scan.domain_results.filter(judged_at__isnull=True).values_list("pk", flat=True))
    if unjudged:
        return _fan_out(scan, "judge", judge, pipeline.batches(unjudged, size))
    pipeline.finish_scan(scan_id)
    return Scan.Status.FINISHED


def _fan_out(scan: Scan, phase: str, task, batches) -> str:
    rounds = scan.advance_rounds + 1
    if rounds > MAX_ROUNDS:
        pipeline.fail_scan(scan.pk, f"no progress after {MAX_ROUNDS} rounds ({phase})")
        return Scan.Status.FAILED
    Scan.objects.filter(pk=scan.pk).update(advance_rounds=F("advance_rounds") + 1)
    chord(task.si(scan.pk, batch) for batch in batches)(advance.si(scan.pk))
    return phase


@shared_task
def resume_stalled_scans() -> list[int]:
    """Beat's watchdog: re-drive running scans whose last batch finished too long ago
    (a lost chord, a broker that forgot its queue)."""
    stalled = pipeline.stalled_scans()
    for scan_id in stalled:
        log.warning("scan %s stalled; advancing it again", scan_id)
        advance.delay(scan_id)
    return stalled


@shared_task
def scheduled_scan() -> int:
    """The scheduled full scan (Celery beat, SCAN_SCHEDULE_CRON).

    Not acks_late and not retried: a redelivery must not plan a second full scan.
    """
    scan = pipeline.plan_scan(kind=Scan.Kind.SCHEDULED)
    start_scan(scan.pk)
    return scan.pk
