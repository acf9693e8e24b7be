"""The one way a scan runs: a stream over its unjudged domains, judged and stored in chunks.

`stream` observes the domains (engine.observe_domains: each finds its mail hosts, starts
their probes, then fetches its policies) beside this thread and judges and stores each
chunk of finished domains while the observer goes on. Embedded, one stream covers the
whole scan; on Celery, each worker's task streams a batch of it and the batches share
their probes through the HostResult rows (measurement.scan.shared). Whatever a stream
leaves unjudged (a worker killed, a task lost, a probe whose row could not be written)
is streamed again; the probes already stored are reused.

Where the observer runs is decided in one place, `_observer`: a child process for a
large stream (probing and judging each get a core), a thread for a small one.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, nullcontext
from functools import partial

from django.conf import settings
from django.db import connections
from django.utils import timezone

from measurement.models import Scan
from measurement.probe.observations import DomainObservation
from measurement.scan import judging, observer, store, tls_quality
from measurement.scan.config import address_limiter, probe_config
from measurement.scan.shared import SharedProbes

log = logging.getLogger(__name__)


def stream(
    scan_id: int,
    result_ids: list[int] | None = None,
    *,
    claim: str = "",
    progress: Callable[[Scan], None] | None = None,
) -> int:
    """Observe, judge and store the scan's unjudged domains (of `result_ids`, or all);
    returns how many were judged here.

    With `claim` the stream shares its probes with the scan's other streams (on Celery
    several run at once): through the HostResult rows, each claimed by the first stream
    that needs it (the claim names the stream: the task id, so that a redelivered task
    takes its own claims back), and the per-address limiter in Redis when there is a
    broker. Without, it is the scan's only stream (embedded): the probes come with the
    domains and are stored with their verdicts.
    """
    scan = store.start(scan_id)
    todo = scan.domain_results.filter(judged_at__isnull=True)
    if result_ids is not None:
        todo = todo.filter(pk__in=result_ids)
    ids = dict(todo.values_list("domain_name", "pk"))
    if not ids:
        return 0
    sharing = partial(_shared_probing, scan_id, claim) if claim else None
    stored = None if sharing else set(scan.host_results.values_list("host", "address"))
    shared = judging.SharedHosts()
    judged = 0
    with _timed(scan_id, "observe, judge and store"):
        with closing(_observer(scan, list(ids), sharing)) as chunks:
            for chunk in chunks:
                judged += _store_chunk(scan, chunk, ids, shared, stored)
                if progress is not None:
                    progress(Scan.objects.get(pk=scan_id))
    if claim:
        # A pair still pending under our claim was probed but not stored (the database
        # was away): give it back now rather than when the lease runs out.
        store.release_claims(claim)
    return judged


def _store_chunk(scan: Scan, chunk: list[DomainObservation], ids: dict, shared, stored) -> int:
    """Judge and store the chunk's domains whose every probe is at hand; a domain whose
    probes went missing (a database error while they were shared) stays unjudged and is
    streamed again. `stored`: the pairs stored so far when this stream stores its own
    probes, None when they are shared (and stored as they finish)."""
    complete = [observation for observation in chunk if judging.is_complete(observation)]
    still_open = store.open_results([ids[o.domain] for o in complete])
    now = timezone.now()
    measured_at = scan.started_at or now
    judged = [
        judging.judged_row(ids[o.domain], o, shared, measured_at=measured_at, now=now)
        for o in complete
        if ids[o.domain] in still_open
    ]
    probes = {}
    for observation in complete if stored is not None else ():
        for probe in observation.probes:
            if (pair := (probe.host, probe.address)) not in stored:
                probes[pair] = probe
    store.store_judged(scan, judged, probes, now)
    if stored is not None:
        stored.update(probes)
    return len(judged)


def _observer(scan: Scan, names: list[str], sharing) -> Iterator[list[DomainObservation]]:
    """Where the stream's observer runs, decided here only: for SCANNER_PROCESS_MIN_DOMAINS
    domains or more a child process, so that probing and judging each get a core (spawned
    when it needs no database; else forked, which a Celery pool process may also do, and
    the child opens its own connections: ours are closed first, a shared socket would
    break); else a thread, which starts at once."""
    config = probe_config(**tls_quality.probe_settings(scan.kind))
    if len(names) >= settings.SCANNER_PROCESS_MIN_DOMAINS:
        if sharing is None and observer.can_use_process():
            yield from observer.in_process(names, config)
            return
        # Closing the connections would end a transaction under way (a caller's atomic).
        in_transaction = any(c.in_atomic_block for c in connections.all(initialized_only=True))
        if observer.can_fork() and not in_transaction:
            connections.close_all()
            yield from observer.in_fork(names, config, sharing)
            return
        log.warning(
            "scan %s: %d domains observed in a thread, slower (%d threads, transaction: %s)",
            scan.pk, len(names), threading.active_count(), in_transaction,
        )  # fmt: skip
    with sharing() if sharing else nullcontext({}) as extra:
        yield from observer.in_thread(names, config, **extra)


@contextmanager
def _shared_probing(scan_id: int, claim: str) -> Iterator[dict]:
    """The engine's per-address limiter and probe sharing for one stream: each pair is
    probed once per scan, by whichever stream first claims its HostResult row."""
    shared = SharedProbes(scan_id, claim)
    try:
        yield {"limiter": address_limiter(), "shared_probe": shared.probe}
    finally:
        shared.close()


@contextmanager
def _timed(scan_id: int, name: str):
    wall, cpu = time.monotonic(), time.process_time()
    yield
    log.info(
        "scan %s: %s took %.1f s wall, %.1f s CPU",
        scan_id, name, time.monotonic() - wall, time.process_time() - cpu,
    )  # fmt: skip
