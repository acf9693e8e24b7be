"""Re-judging a scan's stored observations under a new methodology version.

The stored DNS facts of each domain (DomainResult.evidence["observation"]) and the
scan's probes (HostResult.observation) are read back and judged again, as a new set of
DomainResult rows beside the old ones; they never become a domain's latest result.
"""

from django.utils import timezone

from measurement.evaluate import evidence, readings
from measurement.models import DomainResult, HostResult, Scan
from measurement.probe.engine import assemble
from measurement.probe.observations import DomainObservation, SmtpObservation
from measurement.scan import judging, store
from measurement.scan.tls_quality import stored_probe

BATCH = 1000  # domains read, judged and written together


def rejudge(scan: Scan, methodology_version: str) -> int:
    """Judge the scan again under `methodology_version`; returns how many domains were
    judged (0 when that was done before)."""
    existing = DomainResult.objects.filter(scan=scan, methodology_version=methodology_version)
    if not existing.exists():
        store.copy_for_rejudging(scan, methodology_version)
    todo = existing.filter(judged_at__isnull=True).order_by("pk")
    ids = list(todo.values_list("pk", flat=True))
    if not ids:
        return 0
    measured_at = scan.started_at or timezone.now()
    shared = judging.SharedHosts()
    for start in range(0, len(ids), BATCH):
        rows = list(DomainResult.objects.filter(pk__in=ids[start : start + BATCH]))
        observations = {row.pk: _observation_of(row) for row in rows}
        probes = _probes_for(scan, observations.values())
        now = timezone.now()
        judged = []
        for row in rows:
            observation = observations[row.pk]
            if observation is None:
                judged.append(judging.unresolved_row(row.pk, now=now))
                continue
            complete = assemble(observation, probes)
            kept = {k: v for k, v in row.evidence.items() if k != "verdicts"}
            judged.append(
                judging.judged_row(
                    row.pk, complete, shared, measured_at=measured_at, now=now, kept=kept
                )
            )
        store.store_rejudged(judged)
    for version in readings.versions(methodology_version):
        store.store_aggregates(scan, version)
    return len(ids)


def _observation_of(row: DomainResult) -> DomainObservation | None:
    return evidence.read(row.evidence).observation


def _probes_for(scan: Scan, observations) -> dict[tuple[str, str], SmtpObservation]:
    pairs = set().union(*(judging.pairs_of(o) for o in observations if o is not None))
    if not pairs:
        return {}
    probes = {}
    rows = HostResult.objects.filter(scan=scan, host__in={h for h, _ in pairs})
    for row in rows.exclude(outcome=store.PENDING):
        if (row.host, row.address) in pairs:
            probes[(row.host, row.address)] = stored_probe(row.observation, row.tls_quality)
    return probes
