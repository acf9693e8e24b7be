"""Thin Celery tasks over the door (measurement.scan.door), used when CELERY_BROKER_URL is set.

A scan runs in rounds: `advance` asks the door for the next round's batches and sends a
`stream` task per batch, in a chord whose body is `advance` again; when every domain is
judged the door finishes the scan. A lost or redelivered batch costs one more round, and
a lost chord is made up for by the check each stream leaves behind (door.stream_batch).
"""

import logging
import os

from celery import chord, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError, InterfaceError
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError

from measurement.models import Scan
from measurement.scan import door
from measurement.scan.observer import ObserverLost

log = logging.getLogger(__name__)

INFRASTRUCTURE_ERRORS = (DatabaseError, InterfaceError, BrokerError, RedisConnectionError, OSError)
BATCH_TASK = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": INFRASTRUCTURE_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "max_retries": 8,
}


@shared_task(bind=True, **BATCH_TASK)
def stream(self, scan_id: int, result_ids: list[int], round_number: int = 0) -> int:
    """One stream over a batch of a scan's domains (door.stream_batch).

    Infrastructure errors are retried; a batch that runs out of time or whose observer
    child is killed gives its unprobed pairs back, and the next round streams what it
    left; anything else fails the scan and keeps its results.
    """
    log.info(
        "scan %s: stream %s of round %s, %d domains, in process %d",
        scan_id, self.request.id, round_number, len(result_ids), os.getpid(),
    )  # fmt: skip
    try:
        return door.stream_batch(scan_id, result_ids, self.request.id, round_number)
    except (SoftTimeLimitExceeded, ObserverLost) as exc:
        released = door.release_claims(self.request.id)
        log.warning("scan %s: stream stopped (%r); %s pairs released", scan_id, exc, released)
        return 0
    except INFRASTRUCTURE_ERRORS:
        if self.request.retries >= self.max_retries:
            door.fail(scan_id, "infrastructure errors persisted; see the worker log")
        raise
    except Exception as exc:
        log.exception("scan %s: stream failed", scan_id)
        door.fail(scan_id, f"{self.name}: {type(exc).__name__}: {exc}")
        raise


@shared_task(bind=True, **BATCH_TASK)
def advance(self, scan_id: int, after: int | None = None, if_stalled: bool = False) -> str:
    """Send out the scan's next round of streams (door.next_round), or say why not."""
    found = door.next_round(scan_id, after, if_stalled=if_stalled)
    if isinstance(found, str):
        return found
    streams = (stream.si(scan_id, batch, found.number) for batch in found.batches)
    chord(streams)(advance.si(scan_id, after=found.number))
    return f"round {found.number}"


@shared_task
def resume_stalled_scans() -> list[int]:
    """Beat's watchdog: re-drive running scans that stored nothing for SCAN_STALL_SECONDS
    (a lost chord, a broker that forgot its queue)."""
    stalled = door.stalled_scans()
    for scan_id in stalled:
        log.warning("scan %s stalled; advancing it again", scan_id)
        advance.delay(scan_id)
    return stalled


@shared_task
def scheduled_scan() -> int:
    """The scheduled full scan (Celery beat, SCAN_SCHEDULE_CRON).

    Not acks_late and not retried: a redelivery must not plan a second full scan.
    """
    scan = door.plan(kind=Scan.Kind.SCHEDULED)
    door.run(scan.pk)
    return scan.pk


@shared_task
def scheduled_register_import() -> None:
    """The daily exportRIO.xml import: skips and reports bad rows (importers/scheduled.py)."""
    from django.conf import settings

    from measurement.importers.scheduled import scheduled_import

    scheduled_import("rio-xml", settings.RIO_IMPORT_URL)
