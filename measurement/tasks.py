"""Thin Celery tasks over measurement.pipeline (used when CELERY_BROKER_URL is set).

A scan is driven by one state-machine task, `advance`, which looks at what the database
says is still missing (unresolved domains, unprobed pairs, unjudged domains) and fans out
batch tasks for that phase in a chord whose body is `advance` again. Because `advance`
trusts the database and not the chord, a redelivered or lost batch only means one more
round; every batch is idempotent.
"""

import logging

from celery import chord, shared_task
from django.conf import settings
from django.db import DatabaseError, InterfaceError
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError

from measurement import pipeline
from measurement.models import Scan

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
def resolve(self, scan_id: int, result_ids: list[int]) -> int:
    return _guarded(self, scan_id, pipeline.resolve_batch, scan_id, result_ids)


@shared_task(bind=True, **BATCH_TASK)
def probe(self, scan_id: int, host_result_ids: list[int]) -> int:
    return _guarded(self, scan_id, pipeline.probe_batch, scan_id, host_result_ids)


@shared_task(bind=True, **BATCH_TASK)
def judge(self, scan_id: int, result_ids: list[int]) -> int:
    return _guarded(self, scan_id, pipeline.judge_batch, scan_id, result_ids)


def _guarded(task, scan_id, function, *args):
    """Retry infrastructure errors; anything else fails the scan and keeps its results."""
    try:
        return function(*args)
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
    rounds = scan.scope.get("_rounds", 0) + 1
    if rounds > MAX_ROUNDS:
        pipeline.fail_scan(scan_id, f"no progress after {MAX_ROUNDS} rounds")
        return Scan.Status.FAILED
    Scan.objects.filter(pk=scan_id).update(scope=scan.scope | {"_rounds": rounds})
    size = settings.SCANNER_BATCH_SIZE
    next_round = advance.si(scan_id)

    unresolved = list(
        scan.domain_results.filter(
            judged_at__isnull=True, evidence__observation__isnull=True
        ).values_list("pk", flat=True)
    )
    if unresolved:
        chord(resolve.si(scan_id, b) for b in pipeline.batches(unresolved, size))(next_round)
        return "resolve"
    pending = list(scan.host_results.filter(outcome=pipeline.PENDING).values_list("pk", flat=True))
    if pending:
        Scan.objects.filter(pk=scan_id, hosts_total=0).update(hosts_total=len(pending))
        chord(probe.si(scan_id, b) for b in pipeline.batches(pending, size))(next_round)
        return "probe"
    unjudged = list(scan.domain_results.filter(judged_at__isnull=True).values_list("pk", flat=True))
    if unjudged:
        chord(judge.si(scan_id, b) for b in pipeline.batches(unjudged, size))(next_round)
        return "judge"
    pipeline.finish_scan(scan_id)
    return Scan.Status.FINISHED


@shared_task(**BATCH_TASK)
def scheduled_scan() -> int:
    """The scheduled full scan (Celery beat, SCAN_SCHEDULE_CRON)."""
    scan = pipeline.plan_scan(kind=Scan.Kind.SCHEDULED)
    start_scan(scan.pk)
    return scan.pk
