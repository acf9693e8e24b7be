"""Domain verdicts of DESIGN.md section 2, judged from one DomainObservation (pure, no I/O).

Each MX host is judged in host_verdicts.py (each of its addresses in
address_verdicts.py), the domain-wide checks built from them in domain_checks.py, and the
result stored through as_evidence.py.

Reasons are stable machine codes; measurement/explanations/ turns each into a text. The
methodology version travels with every stored verdict so old observations can be judged
again under a new method without overwriting the old verdicts.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from measurement.evaluate import domain_checks, evidence, mtasts, pkix, tlsrpt
from measurement.evaluate.as_evidence import host_as_evidence, verdict_as_evidence
from measurement.evaluate.host_verdicts import HostVerdict, judge_host
from measurement.evaluate.outcomes import DOMAIN_CHECKS, CheckOutcome, Verdict, combined
from measurement.probe.dns import MAX_MX_HOSTS  # at most 10 MX hosts tested, by preference
from measurement.probe.observations import (
    DnssecStatus,
    DomainObservation,
    HostObservation,
    IdentityCache,
    MxObservation,
    SmtpObservation,
)

log = logging.getLogger(__name__)

METHODOLOGY_VERSION = "2026.3"

PASS = CheckOutcome.PASS
FAIL = CheckOutcome.FAIL
NOT_APPLICABLE = CheckOutcome.NOT_APPLICABLE
NOT_TESTABLE = CheckOutcome.NOT_TESTABLE
ERROR = CheckOutcome.ERROR


class HostJudgements:
    """judge_host and host_as_evidence once per MX host for a whole scan, not once per domain.

    Keyed by the identity of the host's observations (IdentityCache): observations
    rebuilt from JSON are new objects, so they miss and are judged afresh.
    """

    def __init__(self, size: int = 4096) -> None:
        self._verdicts = IdentityCache(size)
        self._dicts = IdentityCache(size)

    def judge(
        self,
        host: HostObservation,
        preference: int,
        probes: Mapping[tuple[str, str], SmtpObservation],
        *,
        trust_store: pkix.TrustStore,
        now: datetime,
    ) -> HostVerdict:
        used = tuple(probes.get((host.host, address)) for address in host.addresses)
        return self._verdicts.get(
            (host, trust_store, *used),
            (len(used), preference, now),
            lambda: judge_host(host, preference, probes, trust_store=trust_store, now=now),
        )

    def evidence(self, host: HostVerdict) -> evidence.HostEvidence:
        """host_as_evidence, shared by the domains of one host."""
        return self._dicts.get((host,), (), lambda: host_as_evidence(host))


@dataclass(frozen=True, slots=True)
class DomainVerdicts:
    """Every domain verdict of DESIGN.md section 2, with the per-host evidence behind them."""

    domain: str
    mx: Verdict
    dnssec: Verdict
    starttls: Verdict
    dane: Verdict
    dane_end_to_end: Verdict
    dane_rollover: Verdict
    starttls_dane: Verdict
    mta_sts: Verdict
    tls_rpt: Verdict
    tls_ncsc: Verdict
    starttls_internetnl: Verdict
    starttls_dane_internetnl: Verdict
    mta_sts_mode: str = ""  # enforce, testing, none, or "" without a valid policy
    hosts: tuple[HostVerdict, ...] = ()
    methodology_version: str = METHODOLOGY_VERSION
    judged_at: datetime | None = field(default=None, compare=False)

    def verdict(self, check: str) -> Verdict:
        return getattr(self, check)

    def stored(self, host_evidence=None) -> dict[str, Any]:
        """What a scan stores: {check: CheckEvidence, ..., "hosts": [HostEvidence]},
        typed (measurement.evaluate.evidence) and encoded by its one serialiser.

        `host_evidence` turns one HostVerdict into its HostEvidence (HostJudgements
        shares it between the domains of one host).
        """
        host_evidence = host_evidence or host_as_evidence
        data: dict[str, Any] = {
            check: verdict_as_evidence(self.verdict(check)) for check in DOMAIN_CHECKS
        }
        data["mta_sts_mode"] = self.mta_sts_mode
        data["methodology_version"] = self.methodology_version
        data["domain"] = self.domain
        data["hosts"] = [host_evidence(h) for h in self.hosts]
        return data

    def to_dict(self, host_evidence=None) -> dict[str, Any]:
        """The stored JSON shape as plain dicts and lists (reports, tests)."""
        return evidence.to_builtins(self.stored(host_evidence))


def judge_domain(
    observation: DomainObservation,
    *,
    trust_store: pkix.TrustStore,
    now: datetime,
    hosts: HostJudgements | None = None,
) -> DomainVerdicts:
    """Judge one mail domain (DESIGN.md section 2). Never raises: our bugs become 'error'.

    `hosts` lets a scan judge each shared MX host once (HostJudgements).
    """
    try:
        return _judge_domain(observation, trust_store, now, hosts.judge if hosts else judge_host)
    except Exception:
        log.exception("judging %s failed", getattr(observation, "domain", "?"))
        verdicts = {c: Verdict(c, ERROR, ("evaluate_error",)) for c in DOMAIN_CHECKS}
        return DomainVerdicts(domain=getattr(observation, "domain", ""), judged_at=now, **verdicts)


def _judge_domain(
    observation: DomainObservation,
    store: pkix.TrustStore,
    now: datetime,
    judge_one_host=judge_host,
) -> DomainVerdicts:
    mx = observation.mx
    answer = mx.answer
    if answer.rcode == "TIMEOUT" or answer.status is DnssecStatus.INDETERMINATE:
        return _everything(observation, now, NOT_TESTABLE, "mx_lookup_failed", rcode=answer.rcode)
    if mx.null_mx:
        # RFC 7505: the domain accepts no mail; every check is not applicable.
        return _everything(observation, now, NOT_APPLICABLE, "null_mx")
    if answer.status is DnssecStatus.BOGUS:
        return _mx_bogus(observation, store, now)
    if not answer.records and not mx.hosts:
        # No MX at all (NODATA or NXDOMAIN): not a mail domain in the Forum's measurement.
        return _everything(observation, now, NOT_APPLICABLE, "no_mx", rcode=answer.rcode)
    mx_details = _mx_details(mx)
    if not mx_details["hosts"]:
        return _mx_not_testable(observation, mx_details, store, now)
    return _judge_hosts(observation, mx_details, store, now, judge_one_host)


def _everything(
    observation: DomainObservation, now: datetime, outcome: CheckOutcome, reason: str, **details
) -> DomainVerdicts:
    verdicts = {c: Verdict(c, outcome, (reason,), details) for c in DOMAIN_CHECKS}
    return DomainVerdicts(domain=observation.domain, judged_at=now, **verdicts)


def _mx_bogus(observation: DomainObservation, store: pkix.TrustStore, now: datetime):
    """A validating sender defers all mail to the domain (RFC 7672 section 2.1.1).

    DANE does not work here, and the cause is the domain's own, so it stays in the DANE
    denominator. STARTTLS stays unmeasured: no sender learns the MX hosts.
    """
    verdicts = {c: Verdict(c, NOT_TESTABLE, ("mx_bogus",)) for c in DOMAIN_CHECKS}
    for check in ("mx", "dnssec", "dane", "dane_end_to_end", "starttls_dane"):
        verdicts[check] = Verdict(check, FAIL, ("mx_bogus",))
    verdicts["starttls_dane_internetnl"] = Verdict("starttls_dane_internetnl", FAIL, ("mx_bogus",))
    verdicts["dane_rollover"] = Verdict("dane_rollover", FAIL, ("dane_failed",))
    verdicts["tls_rpt"] = tlsrpt.judge_tls_rpt(observation.tls_rpt)
    verdicts["mta_sts"], mode = domain_checks.mta_sts_without_hosts(
        observation, "mx_bogus", store, now
    )
    return DomainVerdicts(domain=observation.domain, judged_at=now, mta_sts_mode=mode, **verdicts)


def _mx_details(mx: MxObservation) -> dict[str, Any]:
    """The MX hosts tested (at most MAX_MX_HOSTS, by preference) and those left out."""
    mx_hosts = mx.hosts[:MAX_MX_HOSTS]
    return {
        "hosts": [{"host": h.host, "preference": h.preference} for h in mx_hosts],
        "skipped": mx.skipped + max(0, len(mx.hosts) - MAX_MX_HOSTS),
        "untestable_hosts": list(mx.untestable_hosts),
    }


def _mx_not_testable(
    observation: DomainObservation,
    mx_details: dict[str, Any],
    store: pkix.TrustStore,
    now: datetime,
) -> DomainVerdicts:
    """Only localhost or IP-literal MX targets: nothing a sender could use or we could test."""
    verdicts = {c: Verdict(c, NOT_TESTABLE, ("mx_not_testable",)) for c in DOMAIN_CHECKS}
    verdicts["mx"] = Verdict("mx", NOT_TESTABLE, ("mx_not_testable",), mx_details)
    verdicts["dnssec"] = domain_checks.judge_dnssec(observation.mx.answer)
    verdicts["tls_rpt"] = tlsrpt.judge_tls_rpt(observation.tls_rpt)
    verdicts["mta_sts"], mode = domain_checks.mta_sts_without_hosts(
        observation, "mx_not_testable", store, now
    )
    return DomainVerdicts(domain=observation.domain, judged_at=now, mta_sts_mode=mode, **verdicts)


def _judge_hosts(
    observation: DomainObservation,
    mx_details: dict[str, Any],
    trust_store: pkix.TrustStore,
    now: datetime,
    judge_one_host,
) -> DomainVerdicts:
    """The domain's verdicts from those of its tested MX hosts."""
    probes = {(p.host, p.address): p for p in observation.probes}
    host_observations = {h.host: h for h in observation.hosts}
    hosts, missing = [], []
    for entry in mx_details["hosts"]:
        host_observation = host_observations.get(entry["host"])
        if host_observation is None:
            missing.append(entry["host"])
            continue
        hosts.append(
            judge_one_host(
                host_observation, entry["preference"], probes, trust_store=trust_store, now=now
            )
        )
    extra = [Verdict("host", NOT_TESTABLE, ("host_not_resolved",))] if missing else []
    starttls = domain_checks.domain_starttls(hosts, extra)
    tls_ncsc = domain_checks.domain_tls_ncsc(hosts, extra)
    dane_verdict = _domain_dane(hosts, extra)
    starttls_dane = domain_checks.starttls_dane(starttls, dane_verdict)
    answer = observation.mx.answer
    mta_sts, mode = mtasts.judge_mta_sts(
        observation.mta_sts,
        mx_hosts=tuple(entry["host"] for entry in mx_details["hosts"]),
        mx_certificates={h.host: domain_checks.mx_certificate(h) for h in hosts},
        trust_store=trust_store,
        now=now,
    )
    return DomainVerdicts(
        domain=observation.domain,
        mx=Verdict("mx", PASS, (), mx_details | {"not_resolved": missing}),
        dnssec=domain_checks.judge_dnssec(answer),
        starttls=starttls,
        dane=dane_verdict,
        dane_end_to_end=domain_checks.dane_end_to_end(dane_verdict, answer, hosts),
        dane_rollover=domain_checks.dane_rollover(dane_verdict, hosts),
        starttls_dane=starttls_dane,
        mta_sts=mta_sts,
        tls_rpt=tlsrpt.judge_tls_rpt(observation.tls_rpt),
        tls_ncsc=tls_ncsc,
        starttls_internetnl=domain_checks.internetnl_reading(starttls, tls_ncsc),
        starttls_dane_internetnl=domain_checks.internetnl_reading(starttls_dane, tls_ncsc),
        mta_sts_mode=mode,
        hosts=tuple(hosts),
        judged_at=now,
    )


def _domain_dane(hosts: list[HostVerdict], extra: list[Verdict]) -> Verdict:
    """Every tested MX host passes DANE; a host without addresses counts only when failing."""
    dane_parts = [h.dane for h in hosts if not h.no_address or h.dane.outcome is FAIL] + extra
    if not dane_parts:
        return Verdict("dane", NOT_TESTABLE, ("mx_no_address",), domain_checks.dane_details(hosts))
    verdict = combined("dane", dane_parts)
    return Verdict("dane", verdict.outcome, verdict.reasons, domain_checks.dane_details(hosts))
