"""From observations to the rows a scan stores: evidence and verdicts, per domain.

No database here: measurement.scan.store writes what these functions compute. A
streaming scan's work per MX host is done once however many domains share the host
(SharedHosts).
"""

import dataclasses
from types import SimpleNamespace

from measurement.evaluate.evidence import MxEntry
from measurement.evaluate.verdicts import HostJudgements, judge_domain
from measurement.models import CHECKS
from measurement.probe.observations import DomainObservation
from measurement.scan.config import trust_store
from measurement.scan.sql import encode_json

Pair = tuple[str, str]  # (MX host, address)


class SharedHosts:
    """A scan's work per MX host, done once however many domains share it: the host's
    judgement and its evidence (HostJudgements)."""

    def __init__(self) -> None:
        self.judgements = HostJudgements()


def pairs_of(observation: DomainObservation) -> set[Pair]:
    """The (host, address) pairs a domain's mail goes to: what its probes must cover."""
    return {(host.host, address) for host in observation.hosts for address in host.addresses}


def is_complete(observation: DomainObservation) -> bool:
    """Every pair of the domain was probed (a probe lost to a database error is not)."""
    return len(observation.probes) == len(pairs_of(observation))


def evidence(observation: DomainObservation) -> dict:
    """A domain's stored evidence (measurement.evaluate.evidence.Evidence, without its
    verdicts): its MX list and its observation without the probes (they are stored once
    per scan, in HostResult)."""
    mx = [MxEntry(host=mx.host, preference=mx.preference) for mx in observation.mx.hosts]
    return {"mx": mx, "observation": dataclasses.replace(observation, probes=())}


def verdicts(observation: DomainObservation, shared: SharedHosts, *, measured_at) -> dict:
    """A domain's verdicts, reasons and details, typed as its evidence stores them
    (measurement.evaluate.evidence)."""
    judged = judge_domain(
        observation, trust_store=trust_store(), now=measured_at, hosts=shared.judgements
    )
    return judged.stored(shared.judgements.evidence)


def judged_row(
    pk: int, observation: DomainObservation, shared: SharedHosts, *, measured_at, now, kept=None
) -> SimpleNamespace:
    """The columns a judged DomainResult stores. Certificates are judged as they were
    when the scan measured them (`measured_at`), also on re-judging; `kept` is stored
    evidence to keep (re-judging), else the observation's own is stored."""
    data = verdicts(observation, shared, measured_at=measured_at)
    row = SimpleNamespace(pk=pk, judged_at=now, mta_sts_mode=data.get("mta_sts_mode") or "")
    for name in ("mx", *CHECKS):
        setattr(row, name, data[name].outcome)
    row.reasons = {name: data[name].reasons for name in ("mx", *CHECKS)}
    stored = kept if kept is not None else evidence(observation)
    row.evidence = encode_json(stored | {"verdicts": data})
    return row


def unresolved_row(pk: int, *, now) -> SimpleNamespace:
    """A domain re-judged without stored DNS facts (never resolved): our error."""
    row = SimpleNamespace(pk=pk, judged_at=now, mta_sts_mode="", evidence=encode_json({}))
    for name in ("mx", *CHECKS):
        setattr(row, name, "error")
    row.reasons = {"mx": ["not_resolved"]}
    return row
