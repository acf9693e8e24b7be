"""A domain's scorecard: its latest (or given) result with, per MX host, the DNS evidence,
the judgement and the probed addresses.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from measurement.evaluate import evidence as stored_evidence
from measurement.models import Domain, DomainResult, HostResult, Organisation
from measurement.probe.observations import HostObservation, SmtpObservation


@dataclass(frozen=True, slots=True)
class ProbeEvidence:
    """One probed address of an MX host: the stored row, what the probe saw and what the
    judgement said about it."""

    probe: HostResult
    observation: SmtpObservation | None
    verdict: stored_evidence.AddressEvidence | None


@dataclass(frozen=True, slots=True)
class HostEvidence:
    """One MX host of a domain: its DNS facts, its judgement and its probed addresses."""

    preference: int | None
    host: str
    dns: HostObservation | None
    verdict: stored_evidence.HostEvidence | None  # tlsa_status, dane, rollover, addresses
    probes: list[ProbeEvidence]


@dataclass(frozen=True, slots=True)
class DomainCard:
    domain: Domain
    result: DomainResult | None
    hosts: list[HostEvidence]
    evidence: stored_evidence.Evidence = stored_evidence.Evidence()  # the result's, typed


def mx_hosts(result: DomainResult | None) -> list[dict]:
    """The MX set of a result's evidence: [{"preference": int, "host": str}], by preference."""
    if result is None:
        return []
    return stored_evidence.to_builtins(stored_evidence.read(result.evidence).mx_by_preference())


def _probes_by_scan_and_host(pairs: set[tuple[int, str]]) -> dict[tuple[int, str], list]:
    """HostResult rows for (scan id, host name) pairs, in one query, by address."""
    if not pairs:
        return {}
    condition = Q()
    for scan_id, hosts in _group_hosts(pairs).items():
        condition |= Q(scan_id=scan_id, host__in=hosts)
    probes: dict[tuple[int, str], list[HostResult]] = {}
    for probe in HostResult.objects.filter(condition).order_by("host", "address"):
        probes.setdefault((probe.scan_id, probe.host), []).append(probe)
    return probes


def _group_hosts(pairs: set[tuple[int, str]]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = {}
    for scan_id, host in sorted(pairs):
        grouped.setdefault(scan_id, []).append(host)
    return grouped


def _card(domain: Domain, result: DomainResult | None, probes: dict) -> DomainCard:
    if result is None:
        return DomainCard(domain=domain, result=None, hosts=[])
    stored = stored_evidence.read(result.evidence)
    facts = {h.host: h for h in stored.observation.hosts} if stored.observation else {}
    hosts = []
    for entry in stored.mx_by_preference():
        verdict = stored.verdicts.host(entry.host)
        hosts.append(
            HostEvidence(
                preference=entry.preference,
                host=entry.host,
                dns=facts.get(entry.host),
                verdict=verdict,
                probes=[
                    _probe_evidence(probe, verdict)
                    for probe in probes.get((result.scan_id, entry.host.lower()), [])
                ],
            )
        )
    return DomainCard(domain=domain, result=result, hosts=hosts, evidence=stored)


def _probe_evidence(
    probe: HostResult, verdict: stored_evidence.HostEvidence | None
) -> ProbeEvidence:
    return ProbeEvidence(
        probe=probe,
        observation=(
            stored_evidence.convert(probe.observation, SmtpObservation)
            if probe.observation
            else None
        ),
        verdict=verdict.address(str(probe.address)) if verdict else None,
    )


def domain_card(domain: Domain, result: DomainResult | None = None) -> DomainCard:
    """A domain's latest (or given) result with, per MX host, its DNS evidence and probes."""
    result = result if result is not None else domain.latest_result
    pairs = {(result.scan_id, e["host"].lower()) for e in mx_hosts(result)} if result else set()
    return _card(domain, result, _probes_by_scan_and_host(pairs))


def organisation_domains(organisation: Organisation) -> list[DomainCard]:
    """Each active mail domain of an organisation with its latest result and evidence."""
    domains = list(
        organisation.domains.filter(is_active=True)
        .select_related("latest_result", "latest_result__scan")
        .order_by("name")
    )
    pairs = {
        (d.latest_result.scan_id, e["host"].lower())
        for d in domains
        if d.latest_result is not None
        for e in mx_hosts(d.latest_result)
    }
    probes = _probes_by_scan_and_host(pairs)
    return [_card(domain, domain.latest_result, probes) for domain in domains]


def domain_history(domain: Domain) -> QuerySet[DomainResult]:
    """Every judged result of a domain, oldest first, with its scan."""
    return (
        DomainResult.objects.filter(domain=domain, judged_at__isnull=False)
        .select_related("scan")
        .order_by("scan__created_at", "id")
    )
