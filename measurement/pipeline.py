"""Storage and orchestration of a scan: plan -> resolve -> probe -> judge -> aggregate.

Every phase works on a batch of row ids and is idempotent (results are upserted on their
natural keys), so the same functions run in-process (the embedded default) and as Celery
tasks (measurement/tasks.py) that may be delivered twice. The network work is done by
measurement.probe.engine and the judgement by measurement.evaluate; this module only
moves their frozen results in and out of the database.
"""

import dataclasses
import logging
import math
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from datetime import timedelta
from functools import partial
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from measurement import aggregation
from measurement.checksum import checksum_of_results
from measurement.evaluate.verdicts import METHODOLOGY_VERSION, HostJudgements, judge_domain
from measurement.host_results import (
    PENDING,
    PROBE_FIELDS,
    SharedProbes,
    fill_host_result,
    record_progress,
)
from measurement.models import (
    CHECKS,
    VERDICT_COLUMNS,
    Domain,
    DomainResult,
    HostResult,
    Organisation,
    Scan,
)
from measurement.probe import engine, preflight, stream
from measurement.probe.observations import (
    DomainObservation,
    HostObservation,
    IdentityCache,
    SmtpObservation,
    from_json,
    to_json,
)
from measurement.storage import encode_json, insert_selected, update_rows

log = logging.getLogger(__name__)

SCANNER_VERSION = "0.1.0"


class ScanFrozen(Exception):
    """A measurement round is frozen: its domain list and results no longer change."""


class RetestRateLimited(Exception):
    """A re-test refused; `reason` says which limit, `retry_after` the seconds it still holds."""

    ORGANISATION = "organisation"  # this organisation was re-tested a short while ago
    HOURLY = "hourly"  # the site-wide number of re-tests this hour is reached

    def __init__(self, retry_after: int, reason: str = ORGANISATION) -> None:
        super().__init__(f"retest rate limited ({reason}), retry after {retry_after} s")
        self.retry_after = retry_after
        self.reason = reason


# --- plan -------------------------------------------------------------------------------


def plan_scan(
    *,
    kind: str = Scan.Kind.ON_DEMAND,
    name: str = "",
    organisation: Organisation | None = None,
    sector: str | None = None,
    domain: str | None = None,
) -> Scan:
    """Create a Scan and one pending DomainResult per domain: the register snapshot."""
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


def batches(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    batch: list[int] = []
    for item in ids:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def probe_config() -> engine.ProbeConfig:
    return engine.ProbeConfig(
        resolver=settings.SCANNER_RESOLVER,
        resolver_port=settings.SCANNER_RESOLVER_PORT,
        ehlo_name=settings.SCANNER_EHLO_NAME,
        lab_mode=settings.SCANNER_LAB_MODE,
        smtp_port=settings.SCANNER_SMTP_PORT,
        https_port=settings.SCANNER_HTTPS_PORT,
        greeting_timeout=settings.SCANNER_GREETING_TIMEOUT,
        command_timeout=settings.SCANNER_COMMAND_TIMEOUT,
        probe_timeout=settings.SCANNER_PROBE_TIMEOUT,
        concurrency=settings.SCANNER_CONCURRENCY,
        address_gap=settings.SCANNER_ADDRESS_GAP,
        retry_delay=settings.SCANNER_RETRY_DELAY,
        source_address=settings.SCANNER_SOURCE_ADDRESS or None,
    )


def _ensure_open(scan: Scan) -> None:
    if scan.is_frozen:
        raise ScanFrozen(f"scan {scan.pk} ({scan.name}) is a frozen measurement round")


# --- resolve ----------------------------------------------------------------------------


def resolve_batch(scan_id: int, result_ids: list[int]) -> int:
    """Resolve the DNS facts of a batch of domains and register the (host, address) pairs.

    Returns the number of domains resolved. Domains already resolved are skipped, so a
    redelivered batch changes nothing.
    """
    scan = Scan.objects.get(pk=scan_id)
    _ensure_open(scan)
    todo = list(
        DomainResult.objects.filter(
            pk__in=result_ids, scan=scan, evidence__observation__isnull=True
        ).only("pk", "domain_name")
    )
    if not todo:
        return 0
    known = _known_hosts(scan_id)
    observations = engine.run(
        engine.resolve_domains([r.domain_name for r in todo], probe_config(), known_hosts=known)
    )
    known.update((host.host, host) for obs in observations for host in obs.hosts)
    by_name = {obs.domain: obs for obs in observations}
    pairs: set[tuple[str, str]] = set()
    for result in todo:
        obs = by_name[result.domain_name]
        result.evidence = _evidence(obs)
        pairs.update(_pairs_of(obs))
    with transaction.atomic():
        update_rows(todo, ["evidence"])
        HostResult.objects.bulk_create(
            (HostResult(scan=scan, host=h, address=a, outcome=PENDING) for h, a in sorted(pairs)),
            ignore_conflicts=True,
            batch_size=1000,
        )
        record_progress(scan_id)
    return len(todo)


# MX hosts this worker process resolved for the scan it works on (DESIGN.md: answers are
# kept for the length of one scan); forgotten when a batch of another scan arrives.
_KNOWN_HOSTS: dict[int, dict] = {}


def _known_hosts(scan_id: int) -> dict:
    if scan_id not in _KNOWN_HOSTS:
        _KNOWN_HOSTS.clear()
        _KNOWN_HOSTS[scan_id] = {}
    return _KNOWN_HOSTS[scan_id]


def _evidence(obs: DomainObservation, shared: "SharedHosts | None" = None) -> dict:
    """A domain's stored evidence: its MX list and its observation without the probes
    (they are stored once per scan, in HostResult)."""
    facts = dataclasses.replace(obs, probes=())
    if shared is None:
        observation = to_json(facts)
    else:
        observation = to_json(dataclasses.replace(facts, hosts=()))
        observation["hosts"] = [shared.host_json(host) for host in obs.hosts]
    return {"mx": _mx_list(obs), "observation": observation}


class SharedHosts:
    """A streaming scan's work per MX host, done once however many domains share it:
    the host's judgement and dict (HostJudgements) and its evidence JSON."""

    def __init__(self) -> None:
        self.judgements = HostJudgements()
        self._json = IdentityCache()

    def host_json(self, host: HostObservation) -> dict:
        return self._json.get((host,), (), lambda: to_json(host))


def _mx_list(obs: DomainObservation) -> list[dict]:
    return [{"preference": mx.preference, "host": mx.host} for mx in obs.mx.hosts]


def _pairs_of(obs: DomainObservation) -> set[tuple[str, str]]:
    return {(host.host, address) for host in obs.hosts for address in host.addresses}


# --- probe ------------------------------------------------------------------------------


def probe_batch(scan_id: int, host_result_ids: list[int], limiter=None, claim: str = "") -> int:
    """Probe a batch of (MX host, address) pairs once each; return how many were probed.

    The batch first claims its pairs (as `claim`, the task id when distributed): a pair
    claimed by someone else whose lease has not run out is left alone.
    """
    scan = Scan.objects.get(pk=scan_id)
    _ensure_open(scan)
    todo = _claim_pairs(scan, host_result_ids, claim or f"local-{uuid.uuid4().hex}")
    if not todo:
        return 0
    observations = engine.run(_probe([(r.host, r.address) for r in todo], limiter or _limiter()))
    by_pair = {(o.host, o.address): o for o in observations}
    for row in todo:
        fill_host_result(row, by_pair[(row.host, row.address)])
    with transaction.atomic():
        update_rows(todo, PROBE_FIELDS)
        record_progress(scan_id, hosts_done=len(todo))
    return len(todo)


async def _probe(pairs: list[tuple[str, str]], limiter) -> list[SmtpObservation]:
    try:
        return await engine.probe_pairs(pairs, probe_config(), limiter=limiter)
    finally:
        if limiter is not None and hasattr(limiter, "close"):
            await limiter.close()


def release_claims(claim: str) -> int:
    """Give back the pairs a batch claimed but did not probe (it ran out of time)."""
    return HostResult.objects.filter(outcome=PENDING, claimed_by=claim).update(
        claimed_by="", claimed_at=None
    )


def claimable_pairs(scan: Scan):
    """Pairs still to probe: pending and not claimed by a live batch (lease not run out)."""
    lease_end = timezone.now() - timedelta(seconds=settings.SCANNER_PROBE_LEASE)
    return scan.host_results.filter(outcome=PENDING).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=lease_end)
    )


def _claim_pairs(scan: Scan, ids: list[int], claim: str) -> list[HostResult]:
    with transaction.atomic():
        candidates = (
            claimable_pairs(scan) | scan.host_results.filter(outcome=PENDING, claimed_by=claim)
        ).filter(pk__in=ids)
        rows = list(
            HostResult.objects.select_for_update(skip_locked=True).filter(
                pk__in=candidates.values("pk")
            )
        )
        HostResult.objects.filter(pk__in=[r.pk for r in rows]).update(
            claimed_by=claim, claimed_at=timezone.now()
        )
    return rows


def _limiter():
    """Across workers, the per-IP limit lives in Redis; in-process the engine's own suffices."""
    if settings.CELERY_BROKER_URL:
        from measurement.address_limiter import RedisAddressLimiter

        # A worker killed mid-probe leaves its lock behind: it lapses once no probe
        # could still be running.
        return RedisAddressLimiter(
            settings.CELERY_BROKER_URL,
            gap_seconds=settings.SCANNER_ADDRESS_GAP,
            hold_seconds=settings.SCANNER_PROBE_TIMEOUT + 10,
        )
    return None


# --- judge ------------------------------------------------------------------------------


def judge_batch(scan_id: int, result_ids: list[int], methodology_version: str | None = None) -> int:
    """Judge a batch of resolved domains from their stored observations; return how many.

    A domain is judged once: rows that already carry a verdict are skipped.
    """
    scan = Scan.objects.get(pk=scan_id)
    if methodology_version is None:
        _ensure_open(scan)
    # Certificates are judged as they were when the scan measured them, also on re-judging.
    measured_at = scan.started_at or timezone.now()
    with transaction.atomic():
        # Locked while judged: a second batch holding the same rows (a redelivery, the
        # watchdog) skips them, so each domain is judged and counted once.
        todo = list(
            DomainResult.objects.select_for_update(skip_locked=True).filter(
                pk__in=result_ids, scan=scan, judged_at__isnull=True
            )
        )
        if not todo:
            return 0
        observations = {r.pk: _observation_of(r) for r in todo}
        probes = _probes_for(scan, observations.values())
        now = timezone.now()
        for row in todo:
            obs = observations[row.pk]
            if obs is None:
                _store_verdicts(row, None, now)
                continue
            verdicts = judge_domain(
                engine.assemble(obs, probes), trust_store=trust_store(), now=measured_at
            )
            _store_verdicts(row, verdicts, now)
        update_rows(todo, ["judged_at", "reasons", "evidence", *VERDICT_FIELDS])
        if methodology_version is None:  # re-judged verdicts do not replace the latest
            _point_domains_at(scan, [row.pk for row in todo])
            record_progress(scan_id, domains_done=len(todo))
    return len(todo)


VERDICT_FIELDS = VERDICT_COLUMNS


def _observation_of(row: DomainResult) -> DomainObservation | None:
    data = (row.evidence or {}).get("observation")
    return from_json(DomainObservation, data) if data else None


def _probes_for(scan: Scan, observations) -> dict[tuple[str, str], SmtpObservation]:
    pairs = set().union(*(_pairs_of(o) for o in observations if o is not None))
    if not pairs:
        return {}
    hosts = {h for h, _ in pairs}
    probes = {}
    for row in HostResult.objects.filter(scan=scan, host__in=hosts).exclude(outcome=PENDING):
        if (row.host, row.address) in pairs:
            probes[(row.host, row.address)] = from_json(SmtpObservation, row.observation)
    return probes


def _store_verdicts(row: DomainResult | SimpleNamespace, verdicts, now, host_dict=None) -> None:
    row.judged_at = now
    if verdicts is None:
        # Never resolved (the scan failed before this domain's DNS was seen): our error.
        for name in ("mx", *CHECKS):
            setattr(row, name, "error")
        row.reasons = {"mx": ["not_resolved"]}
        return
    data = verdicts.to_dict(host_dict)
    for name in ("mx", *CHECKS):
        setattr(row, name, data[name]["outcome"])
    row.mta_sts_mode = data.get("mta_sts_mode") or ""
    row.reasons = {name: list(data[name]["reasons"]) for name in ("mx", *CHECKS)}
    row.evidence = encode_json(dict(row.evidence or {}) | {"verdicts": data})


_TRUST_STORE = None


def trust_store():
    global _TRUST_STORE
    if _TRUST_STORE is None:
        from measurement.evaluate import pkix

        _TRUST_STORE = pkix.load_trust_store(settings.SCANNER_TRUST_STORE or None)
    return _TRUST_STORE


# --- aggregate and finish ---------------------------------------------------------------


def finish_scan(scan_id: int) -> Scan:
    """Judge anything left and store the aggregates."""
    scan = Scan.objects.get(pk=scan_id)
    if scan.status == Scan.Status.FINISHED:
        return scan
    leftover = list(scan.domain_results.filter(judged_at__isnull=True).values_list("pk", flat=True))
    for batch in batches(leftover, settings.SCANNER_BATCH_SIZE):
        judge_batch(scan_id, batch)
    aggregation.aggregate_scan(scan)
    scan.refresh_from_db()
    scan.status = Scan.Status.FINISHED
    scan.finished_at = timezone.now()
    if scan.kind == Scan.Kind.ROUND:
        scan.checksum = round_checksum(scan)
        scan.is_frozen = True
    scan.save(update_fields=["status", "finished_at", "checksum", "is_frozen"])
    return scan


def _point_domains_at(scan: Scan, result_ids: list[int]) -> None:
    """Make these newly judged results their domains' latest, unless a newer scan's
    result is already: a domain shows its latest measurement as soon as it is stored,
    and no scan ends with a statement over all its domains.

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


def fail_scan(scan_id: int, reason: str) -> None:
    """End a scan that cannot complete, keeping everything it measured."""
    Scan.objects.filter(pk=scan_id).exclude(status=Scan.Status.FINISHED).update(
        status=Scan.Status.FAILED, failure_reason=reason[:2000], finished_at=timezone.now()
    )


def round_checksum(scan: Scan) -> str:
    """SHA-256 over named columns of the round's CSV export (measurement/checksum.py)."""
    return checksum_of_results(
        scan.domain_results.filter(methodology_version=scan.methodology_version)
    )


# --- running a scan ---------------------------------------------------------------------


def run_scan(scan_id: int, *, progress=None) -> Scan:
    """Run a planned scan: through Celery when a broker is set, else in this process."""
    if settings.CELERY_BROKER_URL:
        from measurement import tasks

        tasks.start_scan(scan_id)
        return Scan.objects.get(pk=scan_id)
    return run_scan_in_process(scan_id, progress=progress)


def run_scan_in_process(scan_id: int, *, progress=None) -> Scan:
    """The embedded mode: one event loop resolves and probes every domain, streaming.

    The loop runs beside this thread (measurement.probe.stream) and hands over finished
    domains (with their probes, each (host, address) probed once for the whole scan) in
    chunks; this thread judges and stores each chunk while the loop goes on, so probe
    time-outs hide behind the other domains' work and a failure keeps every chunk
    already stored.
    """
    scan = start(scan_id)
    try:
        todo = dict(
            scan.domain_results.filter(judged_at__isnull=True).values_list("domain_name", "pk")
        )
        stored_pairs = set(scan.host_results.values_list("host", "address"))
        shared = SharedHosts()
        with _phase(scan_id, "observe, judge and store"):
            for chunk in _observe(list(todo), probe_config()):
                _store_observed(scan, chunk, todo, stored_pairs, shared)
                _report(progress, scan_id)
        with _phase(scan_id, "aggregate"):
            return finish_scan(scan_id)
    except Exception as exc:
        log.exception("scan %s failed", scan_id)
        fail_scan(scan_id, f"{type(exc).__name__}: {exc}")
        raise


def _observe(names: list[str], config) -> Iterator[list[DomainObservation]]:
    """A large scan observes in a child process, so probing and judging each get a core;
    a small one (a re-test) in a thread, which starts at once."""
    if len(names) >= settings.SCANNER_PROCESS_MIN_DOMAINS and stream.can_use_process():
        return stream.in_process(names, config)
    return stream.in_thread(names, config)


def _store_observed(
    scan: Scan,
    observations: list[DomainObservation],
    result_ids: dict[str, int],
    stored_pairs: set[tuple[str, str]],
    shared: SharedHosts,
    *,
    store_probes: bool = True,
) -> None:
    """Judge finished domains and store them with their not yet stored probes."""
    new_probes = {}
    for observation in observations if store_probes else ():
        for probe in observation.probes:
            pair = (probe.host, probe.address)
            if pair not in stored_pairs:
                new_probes[pair] = probe
    host_rows = []
    for (host, address), probe in new_probes.items():
        row = HostResult(scan=scan, host=host, address=address, claimed_by="in-process")
        fill_host_result(row, probe)
        host_rows.append(row)
    # Only the ids of rows not judged yet (another run may have judged some): every
    # column written below is computed here, so nothing else of the row is loaded.
    open_ids = set(
        DomainResult.objects.filter(
            pk__in=[result_ids[o.domain] for o in observations], judged_at__isnull=True
        ).values_list("pk", flat=True)
    )
    now = timezone.now()
    measured_at = scan.started_at or now
    judged = []
    for observation in observations:
        pk = result_ids[observation.domain]
        if pk not in open_ids:
            continue
        row = SimpleNamespace(pk=pk, evidence=_evidence(observation, shared))
        verdicts = judge_domain(
            observation, trust_store=trust_store(), now=measured_at, hosts=shared.judgements
        )
        _store_verdicts(row, verdicts, now, shared.judgements.as_dict)
        judged.append(row)
    with transaction.atomic():
        HostResult.objects.bulk_create(host_rows, ignore_conflicts=True, batch_size=1000)
        update_rows(
            judged, ["evidence", "judged_at", "reasons", *VERDICT_FIELDS], model=DomainResult
        )
        _point_domains_at(scan, [row.pk for row in judged])
        stored_pairs.update(new_probes)
        Scan.objects.filter(pk=scan.pk).update(
            heartbeat_at=now,
            domains_done=F("domains_done") + len(judged),
            hosts_done=F("hosts_done") + len(host_rows),
            hosts_total=F("hosts_total") + len(host_rows),
        )


def stream_batch(scan_id: int, result_ids: list[int], claim: str = "") -> int:
    """Distributed streaming: the embedded stream over one batch of a scan's domains.

    Several batches run at once on several workers and share the scan's probes through
    their HostResult rows (SharedProbes): the first batch to need a pair claims and
    probes it, the others wait for its result without holding up their other domains.
    Returns how many domains were judged.
    """
    scan = Scan.objects.get(pk=scan_id)
    _ensure_open(scan)
    todo = dict(
        scan.domain_results.filter(pk__in=result_ids, judged_at__isnull=True).values_list(
            "domain_name", "pk"
        )
    )
    if not todo:
        return 0
    claim = claim or f"local-{uuid.uuid4().hex}"
    hosts = SharedHosts()
    judged = 0
    with closing(_observe_shared(list(todo), probe_config(), scan_id, claim)) as chunks:
        for chunk in chunks:
            complete = [o for o in chunk if len(o.probes) == len(_pairs_of(o))]
            _store_observed(scan, complete, todo, set(), hosts, store_probes=False)
            judged += len(complete)
            # A domain whose probes went missing (our error) keeps its DNS facts; the
            # phase functions probe its pairs and judge it in the next round.
            _store_facts(scan, [o for o in chunk if o not in complete], todo)
    # A pair still pending under our claim was probed but not stored (the database was
    # away): give it back now rather than when the lease runs out.
    release_claims(claim)
    return judged


def _observe_shared(
    names: list[str], config, scan_id: int, claim: str
) -> Iterator[list[DomainObservation]]:
    """A worker's stream: a large batch observes in a forked child (a pool process may
    not start processes the usual way), so judging here and the event loop there each
    get a core instead of contending for one interpreter lock; a small one in a thread."""
    setup = partial(_shared_probing, scan_id, claim)
    if len(names) >= settings.SCANNER_PROCESS_MIN_DOMAINS:
        # Closing the connections would end a transaction under way (a caller's atomic).
        in_transaction = any(c.in_atomic_block for c in connections.all(initialized_only=True))
        if stream.can_fork() and not in_transaction:
            connections.close_all()  # the child opens its own; a shared socket would break
            yield from stream.in_fork(names, config, setup)
            return
        log.warning(
            "scan %s: %d domains observed in a thread, slower (%d threads, transaction: %s)",
            scan_id, len(names), threading.active_count(), in_transaction,
        )  # fmt: skip
    with setup() as extra:
        yield from stream.in_thread(names, config, **extra)


@contextmanager
def _shared_probing(scan_id: int, claim: str) -> Iterator[dict]:
    """The engine's per-IP limiter and probe sharing for one batch of a worker scan."""
    shared = SharedProbes(scan_id, claim)
    try:
        yield {"limiter": _limiter(), "shared_probe": shared.probe}
    finally:
        shared.close()


def _store_facts(scan: Scan, observations: list[DomainObservation], ids: dict) -> None:
    if not observations:
        return
    rows = []
    for observation in observations:
        row = DomainResult(pk=ids[observation.domain])
        row.evidence = _evidence(observation)
        rows.append(row)
    update_rows(rows, ["evidence"])


@contextmanager
def _phase(scan_id: int, name: str):
    wall, cpu = time.monotonic(), time.process_time()
    yield
    log.info(
        "scan %s: %s took %.1f s wall, %.1f s CPU",
        scan_id, name, time.monotonic() - wall, time.process_time() - cpu,
    )  # fmt: skip


def stalled_scans() -> list[int]:
    """Running scans whose last batch finished longer ago than SCAN_STALL_SECONDS."""
    limit = timezone.now() - timedelta(seconds=settings.SCAN_STALL_SECONDS)
    return list(
        Scan.objects.filter(status=Scan.Status.RUNNING)
        .filter(Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, started_at__lt=limit))
        .values_list("pk", flat=True)
    )


def start(scan_id: int) -> Scan:
    scan = Scan.objects.get(pk=scan_id)
    _ensure_open(scan)
    try:
        require_validating_resolver()
    except preflight.ResolverNotUsable as exc:
        fail_scan(scan_id, str(exc))  # before anything is measured: no verdicts stored
        raise
    if scan.status == Scan.Status.PLANNED:
        scan.status = Scan.Status.RUNNING
        scan.started_at = scan.heartbeat_at = timezone.now()
        scan.save(update_fields=["status", "started_at", "heartbeat_at"])
    return scan


def require_validating_resolver() -> None:
    """The pre-flight of every scan and check_domain (measurement/probe/preflight.py):
    ResolverNotUsable, saying what is wrong and how to fix it, unless SCANNER_RESOLVER
    answers and validates DNSSEC."""
    preflight.require_validating_resolver(settings.SCANNER_RESOLVER, settings.SCANNER_RESOLVER_PORT)


def _report(progress, scan_id: int) -> None:
    if progress is not None:
        progress(Scan.objects.get(pk=scan_id))


# --- re-test on demand ------------------------------------------------------------------


def request_retest(organisation: Organisation) -> Scan:
    """Plan and start a re-test of one organisation, rate-limited per organisation and overall."""
    per_org_key = f"retest:org:{organisation.pk}"
    now = timezone.now()
    hour_key = f"retest:hour:{now:%Y%m%d%H}"
    if cache.get(hour_key, 0) >= settings.SCANNER_RETEST_PER_HOUR:
        until_next_hour = 3600 - now.minute * 60 - now.second
        raise RetestRateLimited(until_next_hour, RetestRateLimited.HOURLY)
    # The mark holds when it lapses, so a refusal can say how long it still holds.
    window = settings.SCANNER_RETEST_PER_ORGANISATION_SECONDS
    if not cache.add(per_org_key, now.timestamp() + window, window):
        lapses = cache.get(per_org_key) or now.timestamp() + window
        raise RetestRateLimited(max(1, math.ceil(lapses - now.timestamp())))
    cache.add(hour_key, 0, 3600)
    cache.incr(hour_key)
    scan = plan_scan(kind=Scan.Kind.ON_DEMAND, organisation=organisation)
    if settings.CELERY_BROKER_URL:
        transaction.on_commit(lambda: _start_on_workers(scan.pk))
    else:
        _run_in_thread(scan.pk)
    return scan


def _start_on_workers(scan_id: int) -> None:
    try:
        run_scan(scan_id)
    except preflight.ResolverNotUsable:
        # Recorded as the scan's failure reason; the page that asked shows the scan.
        log.exception("scan %s refused by the resolver pre-flight", scan_id)


def _run_in_thread(scan_id: int) -> None:
    from django.db import connection

    def target() -> None:
        try:
            run_scan_in_process(scan_id)
        except Exception:  # noqa: BLE001 - already recorded as a failed scan
            pass
        finally:
            connection.close()

    threading.Thread(target=target, name=f"scan-{scan_id}", daemon=True).start()


# --- re-judging under a new methodology --------------------------------------------------


def rejudge_scan(scan_id: int, methodology_version: str = METHODOLOGY_VERSION) -> int:
    """Judge a scan's stored observations again as a new set of verdicts; never overwrite."""
    scan = Scan.objects.get(pk=scan_id)
    existing = DomainResult.objects.filter(scan=scan, methodology_version=methodology_version)
    if existing.exists() and not existing.filter(judged_at__isnull=True).exists():
        return 0
    if not existing.exists():
        _copy_for_rejudging(scan, methodology_version)
    new_ids = existing.filter(judged_at__isnull=True).values_list("pk", flat=True)
    judged = 0
    for batch in batches(list(new_ids), settings.SCANNER_BATCH_SIZE):
        judged += judge_batch(scan_id, batch, methodology_version=methodology_version)
    aggregation.aggregate_scan(scan, methodology_version)
    return judged


@transaction.atomic
def _copy_for_rejudging(scan: Scan, methodology_version: str) -> None:
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
