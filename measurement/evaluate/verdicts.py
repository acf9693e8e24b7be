"""Domain verdicts of DESIGN.md section 2, judged from one DomainObservation (pure, no I/O).

Reasons are stable machine codes; measurement/explanations.py turns each into a text. The
methodology version travels with every stored verdict so old observations can be judged
again under a new method without overwriting the old verdicts.
"""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from measurement.evaluate import dane, evidence, mtasts, pkix, tlsrpt
from measurement.evaluate.dane import Rollover
from measurement.evaluate.mtasts import MxCertificate
from measurement.evaluate.outcomes import CheckOutcome, Verdict, combine, unique
from measurement.probe.dns import MAX_MX_HOSTS  # at most 10 MX hosts tested, by preference
from measurement.probe.observations import (
    DnsAnswer,
    DnssecStatus,
    DomainObservation,
    HostObservation,
    IdentityCache,
    Outcome,
    SmtpObservation,
)

log = logging.getLogger(__name__)

METHODOLOGY_VERSION = "2026.2"

DOMAIN_CHECKS = (
    "mx",
    "dnssec",
    "starttls",
    "dane",
    "dane_end_to_end",
    "dane_rollover",
    "starttls_dane",
    "mta_sts",
    "tls_rpt",
)

PASS = CheckOutcome.PASS
FAIL = CheckOutcome.FAIL
NOT_APPLICABLE = CheckOutcome.NOT_APPLICABLE
NOT_TESTABLE = CheckOutcome.NOT_TESTABLE
ERROR = CheckOutcome.ERROR

# "We could not see": never counted as the server lacking something (DESIGN.md section 2).
_SMTP_NOT_TESTABLE = {
    Outcome.TIMEOUT: "smtp_timeout",
    Outcome.REFUSED: "smtp_refused",
    Outcome.UNREACHABLE: "smtp_unreachable",
    Outcome.RATE_LIMITED: "smtp_rate_limited",
    Outcome.REJECTED: "smtp_rejected",
    Outcome.PROTOCOL_ERROR: "smtp_protocol_error",
    Outcome.NOT_ALLOWED: "address_not_allowed",
}
# After the server offered STARTTLS, these mean the TLS part itself broke.
_BROKEN_AFTER_OFFER = {Outcome.TLS_ERROR, Outcome.PROTOCOL_ERROR, Outcome.REJECTED}


# --- per (host, address) ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AddressVerdict:
    """What one probe of (MX host, address) means: STARTTLS, DANE match, Web-PKI facts."""

    host: str
    address: str
    probe_outcome: str  # the probe's Outcome value, or "" when there was no probe
    starttls: Verdict
    dane: Verdict
    certificate: pkix.PkixResult | None = None  # Web-PKI for the MX host name
    tls_version: str = ""
    cipher: str = ""
    tlsa_to_publish: str = ""  # "3 1 1 <hex>" for the presented leaf

    @property
    def handshake_completed(self) -> bool:
        return self.starttls.outcome is PASS


def handshake_done(probe: SmtpObservation) -> bool:
    # A handshake that completed counts even if the EHLO after it then timed out.
    return bool(probe.tls_version and probe.chain)


def judge_starttls_probe(probe: SmtpObservation | None) -> Verdict:
    """Did this address offer STARTTLS and complete a TLS handshake?"""
    if probe is None:
        return Verdict("starttls", NOT_TESTABLE, ("not_probed",))
    details = {"probe_outcome": probe.outcome.value, "detail": probe.detail}
    if handshake_done(probe):
        return Verdict("starttls", PASS, (), details)
    if probe.outcome is Outcome.ERROR:
        return Verdict("starttls", ERROR, ("probe_error",), details)
    if probe.outcome is Outcome.NOT_SUPPORTED:
        return Verdict("starttls", FAIL, ("starttls_not_offered",), details)
    if probe.outcome is Outcome.TLS_ERROR or (
        probe.starttls_offered and probe.outcome in _BROKEN_AFTER_OFFER
    ):
        return Verdict("starttls", FAIL, ("handshake_failed",), details)
    if probe.outcome in _SMTP_NOT_TESTABLE:
        return Verdict("starttls", NOT_TESTABLE, (_SMTP_NOT_TESTABLE[probe.outcome],), details)
    return Verdict("starttls", ERROR, ("probe_error",), details)


def judge_address(
    host: HostObservation,
    address: str,
    probe: SmtpObservation | None,
    *,
    trust_store: pkix.TrustStore,
    now: datetime,
) -> AddressVerdict:
    """The verdicts for one (MX host, address): STARTTLS, the DANE match, Web-PKI facts."""
    starttls = judge_starttls_probe(probe)
    certificate = None
    publish = ""
    if probe is not None and handshake_done(probe):
        certificate = pkix.validate_chain(probe.chain, host.host, trust_store, now)
        record = dane.tlsa_record_for(probe.chain)
        publish = dane.presentation(record) if record else ""
    if starttls.outcome is not PASS:
        # RFC 7672 section 2.2: with usable TLSA a sender insists on TLS, so a server
        # that then cannot do TLS fails DANE; it is never "no TLSA".
        dane_verdict = Verdict("dane", starttls.outcome, starttls.reasons, starttls.details)
    else:
        names = unique((host.host, host.tlsa_base_domain or host.host))
        match = dane.match_chain(tuple(host.tlsa_records), tuple(probe.chain), names, now)
        details = {
            "matched_record": match.matched_record,
            "records": [
                {"record": c.record, "usable": c.usable, "matched": c.matched, "reason": c.reason}
                for c in match.records
            ],
        }
        if match.matched:
            dane_verdict = Verdict("dane", PASS, (), details)
        else:
            reasons = unique((match.reason, match.detail))
            dane_verdict = Verdict(
                "dane", FAIL, reasons, details | {"detail": match.detail, "message": match.message}
            )
    return AddressVerdict(
        host=host.host,
        address=address,
        probe_outcome=probe.outcome.value if probe else "",
        starttls=starttls,
        dane=dane_verdict,
        certificate=certificate,
        tls_version=probe.tls_version if probe else "",
        cipher=probe.cipher if probe else "",
        tlsa_to_publish=publish,
    )


# --- per MX host ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HostVerdict:
    host: str
    preference: int
    tlsa_base_domain: str
    tlsa_status: str  # DnssecStatus value of the TLSA answer
    tlsa_records: tuple[str, ...]  # presentation format
    tlsa: Verdict  # the DNS-only part of DANE: secure, present, usable
    dane: Verdict  # tlsa plus every address
    starttls: Verdict
    rollover: Rollover | None
    addresses: tuple[AddressVerdict, ...] = ()
    address_status: tuple[str, str] = ("", "")  # A and AAAA DnssecStatus values
    # No A or AAAA records at all (answered, not failed): senders skip such an MX host
    # (RFC 5321 section 5.1), so it counts only when nothing else can be tested.
    no_address: bool = False


def judge_tlsa_dns(host: HostObservation) -> Verdict:
    """DANE's DNS part, from DNS alone: a secure RRset with at least one usable record."""
    answer = host.tlsa
    records = tuple(host.tlsa_records) or _parse_records(answer)
    details = {"tlsa_base_domain": host.tlsa_base_domain, "status": answer.status.value}
    if answer.rcode == "TIMEOUT":
        return Verdict("tlsa", NOT_TESTABLE, ("tlsa_lookup_timeout",), details)
    if answer.status is DnssecStatus.BOGUS:
        # A DANE sender defers mail on a bogus TLSA lookup (RFC 7672 section 2.2).
        return Verdict("tlsa", FAIL, ("tlsa_bogus",), details)
    if answer.status is DnssecStatus.INDETERMINATE:
        # SERVFAIL without a DNSSEC cause: a DANE sender defers as well.
        return Verdict("tlsa", FAIL, ("tlsa_indeterminate",), details)
    if answer.status is DnssecStatus.INSECURE:
        reasons = ("tlsa_insecure",) if records else ("no_tlsa", "mx_host_unsigned")
        return Verdict("tlsa", FAIL, reasons, details)
    if not records:
        return Verdict("tlsa", FAIL, ("no_tlsa",), details)
    usable = dane.usable_records(records)
    details["unusable"] = {
        dane.presentation(r): dane.unusable_reason(r) for r in records if not dane.is_usable(r)
    }
    if not usable:
        return Verdict("tlsa", FAIL, ("no_usable_tlsa",), details)
    return Verdict("tlsa", PASS, (), details)


def _parse_records(answer: DnsAnswer) -> tuple:
    parsed = []
    for text in answer.records:
        try:
            parsed.append(dane.parse_tlsa(text))
        except ValueError:
            continue
    return tuple(parsed)


def judge_host(
    host: HostObservation,
    preference: int,
    probes: Mapping[tuple[str, str], SmtpObservation],
    *,
    trust_store: pkix.TrustStore,
    now: datetime,
) -> HostVerdict:
    if not host.tlsa_records and host.tlsa.records:
        host = _with_parsed_tlsa(host)
    tlsa = judge_tlsa_dns(host)
    addresses = tuple(
        judge_address(
            host,
            address,
            probes.get((host.host, address)),
            trust_store=trust_store,
            now=now,
        )
        for address in host.addresses
    )
    no_address = False
    if addresses:
        starttls = _combined("starttls", [a.starttls for a in addresses])
        by_address = _combined("dane", [a.dane for a in addresses])
    else:
        reason = _no_address_reason(host)
        starttls = Verdict("starttls", NOT_TESTABLE, (reason,))
        by_address = Verdict("dane", NOT_TESTABLE, (reason,))
        no_address = reason == "mx_host_no_address"
    # DNS alone decides a failing TLSA RRset, whatever the servers did.
    host_dane = Verdict("dane", tlsa.outcome, tlsa.reasons) if tlsa.outcome is not PASS else None
    host_dane = host_dane or by_address
    rollover = None
    if host_dane.outcome is PASS:
        leaves = tuple(
            probes[(host.host, a.address)].chain[0] for a in addresses if a.handshake_completed
        )
        rollover = dane.judge_rollover(host.tlsa_records, leaves)
    return HostVerdict(
        host=host.host,
        preference=preference,
        tlsa_base_domain=host.tlsa_base_domain or host.host,
        tlsa_status=host.tlsa.status.value,
        tlsa_records=tuple(dane.presentation(r) for r in host.tlsa_records),
        tlsa=tlsa,
        dane=host_dane,
        starttls=starttls,
        rollover=rollover,
        addresses=addresses,
        address_status=(host.a.status.value, host.aaaa.status.value),
        no_address=no_address,
    )


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


def _with_parsed_tlsa(host: HostObservation) -> HostObservation:
    return replace(host, tlsa_records=_parse_records(host.tlsa))


def _no_address_reason(host: HostObservation) -> str:
    answers = (host.a, host.aaaa)
    if any(a.status is DnssecStatus.BOGUS for a in answers):
        return "address_lookup_bogus"
    if any(a.rcode in ("SERVFAIL", "TIMEOUT") for a in answers):
        return "address_lookup_failed"
    return "mx_host_no_address"


def _combined(check: str, parts: Sequence[Verdict]) -> Verdict:
    """'Every part must pass', with the reasons of the parts that decided the outcome."""
    outcome = combine(p.outcome for p in parts)
    reasons = unique(r for p in parts if p.outcome is outcome for r in p.reasons)
    return Verdict(check, outcome, reasons)


# --- per domain --------------------------------------------------------------------------


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
    trust_store = store
    mx = observation.mx
    domain = observation.domain

    def everything(outcome: CheckOutcome, reason: str, **details) -> DomainVerdicts:
        verdicts = {c: Verdict(c, outcome, (reason,), details) for c in DOMAIN_CHECKS}
        return DomainVerdicts(domain=domain, judged_at=now, **verdicts)

    answer = mx.answer
    if answer.rcode == "TIMEOUT" or answer.status is DnssecStatus.INDETERMINATE:
        return everything(NOT_TESTABLE, "mx_lookup_failed", rcode=answer.rcode)
    if mx.null_mx:
        # RFC 7505: the domain accepts no mail; every check is not applicable.
        return everything(NOT_APPLICABLE, "null_mx")
    if answer.status is DnssecStatus.BOGUS:
        # A validating sender defers all mail to the domain (RFC 7672 section 2.1.1): DANE
        # does not work here, and the cause is the domain's own, so it stays in the DANE
        # denominator. STARTTLS stays unmeasured: no sender learns the MX hosts.
        verdicts = {c: Verdict(c, NOT_TESTABLE, ("mx_bogus",)) for c in DOMAIN_CHECKS}
        for check in ("mx", "dnssec", "dane", "dane_end_to_end", "starttls_dane"):
            verdicts[check] = Verdict(check, FAIL, ("mx_bogus",))
        verdicts["dane_rollover"] = Verdict("dane_rollover", FAIL, ("dane_failed",))
        verdicts["tls_rpt"] = tlsrpt.judge_tls_rpt(observation.tls_rpt)
        verdicts["mta_sts"], mode = _mta_sts_without_hosts(observation, "mx_bogus", store, now)
        return DomainVerdicts(domain=domain, judged_at=now, mta_sts_mode=mode, **verdicts)
    if not answer.records and not mx.hosts:
        # No MX at all (NODATA or NXDOMAIN): not a mail domain in the Forum's measurement.
        return everything(NOT_APPLICABLE, "no_mx", rcode=answer.rcode)

    mx_hosts = mx.hosts[:MAX_MX_HOSTS]
    skipped = mx.skipped + max(0, len(mx.hosts) - MAX_MX_HOSTS)
    mx_details = {
        "hosts": [{"host": h.host, "preference": h.preference} for h in mx_hosts],
        "skipped": skipped,
        "untestable_hosts": list(mx.untestable_hosts),
    }
    if not mx_hosts:
        # Only localhost or IP-literal MX targets: nothing a sender could use or we could test.
        verdicts = {c: Verdict(c, NOT_TESTABLE, ("mx_not_testable",)) for c in DOMAIN_CHECKS}
        verdicts["mx"] = Verdict("mx", NOT_TESTABLE, ("mx_not_testable",), mx_details)
        verdicts["dnssec"] = judge_dnssec(answer)
        verdicts["tls_rpt"] = tlsrpt.judge_tls_rpt(observation.tls_rpt)
        verdicts["mta_sts"], mode = _mta_sts_without_hosts(
            observation, "mx_not_testable", store, now
        )
        return DomainVerdicts(domain=domain, judged_at=now, mta_sts_mode=mode, **verdicts)

    probes = {(p.host, p.address): p for p in observation.probes}
    host_observations = {h.host: h for h in observation.hosts}
    hosts = []
    missing = []
    for mx_host in mx_hosts:
        host_observation = host_observations.get(mx_host.host)
        if host_observation is None:
            missing.append(mx_host.host)
            continue
        hosts.append(
            judge_one_host(
                host_observation, mx_host.preference, probes, trust_store=trust_store, now=now
            )
        )
    not_resolved = Verdict("host", NOT_TESTABLE, ("host_not_resolved",))
    extra = [not_resolved] if missing else []

    starttls = _domain_starttls(hosts, extra)
    dane_parts = [h.dane for h in hosts if not h.no_address or h.dane.outcome is FAIL] + extra
    dane_verdict = _combined("dane", dane_parts)
    if not dane_parts:
        dane_verdict = Verdict("dane", NOT_TESTABLE, ("mx_no_address",))
    dane_verdict = Verdict("dane", dane_verdict.outcome, dane_verdict.reasons, _dane_details(hosts))
    mta_sts, mode = mtasts.judge_mta_sts(
        observation.mta_sts,
        mx_hosts=tuple(h.host for h in mx_hosts),
        mx_certificates={h.host: _mx_certificate(h) for h in hosts},
        trust_store=trust_store,
        now=now,
    )
    return DomainVerdicts(
        domain=domain,
        mx=Verdict("mx", PASS, (), mx_details | {"not_resolved": missing}),
        dnssec=judge_dnssec(answer),
        starttls=starttls,
        dane=dane_verdict,
        dane_end_to_end=_dane_end_to_end(dane_verdict, answer, hosts),
        dane_rollover=_dane_rollover(dane_verdict, hosts),
        starttls_dane=_starttls_dane(starttls, dane_verdict),
        mta_sts=mta_sts,
        tls_rpt=tlsrpt.judge_tls_rpt(observation.tls_rpt),
        mta_sts_mode=mode,
        hosts=tuple(hosts),
        judged_at=now,
    )


def _mta_sts_without_hosts(
    observation: DomainObservation, reason: str, store: pkix.TrustStore, now: datetime
) -> tuple[Verdict, str]:
    """MTA-STS when the MX hosts are unknown: its own DNS and policy can still fail it."""
    verdict, mode = mtasts.judge_mta_sts(
        observation.mta_sts, mx_hosts=(), mx_certificates={}, trust_store=store, now=now
    )
    if verdict.outcome is PASS:
        verdict = Verdict("mta_sts", NOT_TESTABLE, (reason,), verdict.details)
    return verdict, mode


def judge_dnssec(mx_answer: DnsAnswer) -> Verdict:
    """DNSSEC for the mail domain: the MX RRset is secure (DESIGN.md section 2)."""
    status = mx_answer.status
    if status is DnssecStatus.SECURE:
        return Verdict("dnssec", PASS)
    if status is DnssecStatus.INSECURE:
        return Verdict("dnssec", FAIL, ("mx_insecure",))
    if status is DnssecStatus.BOGUS:
        return Verdict("dnssec", FAIL, ("mx_bogus",))
    return Verdict("dnssec", NOT_TESTABLE, ("mx_lookup_failed",))


def _domain_starttls(hosts: Sequence[HostVerdict], extra: list[Verdict]) -> Verdict:
    """Every tested MX address offers STARTTLS and completes a handshake."""
    parts = [a.starttls for h in hosts for a in h.addresses] + extra
    # A host whose address lookup failed is unmeasured, not skipped.
    parts += [h.starttls for h in hosts if not h.addresses and not h.no_address]
    if not parts:
        return Verdict("starttls", NOT_TESTABLE, ("mx_no_address",))
    verdict = _combined("starttls", parts)
    failing = sorted(
        {
            f"{a.host} {a.address}"
            for h in hosts
            for a in h.addresses
            if a.starttls.outcome is verdict.outcome and verdict.outcome is not PASS
        }
    )
    return Verdict("starttls", verdict.outcome, verdict.reasons, {"addresses": failing})


def _dane_details(hosts: Sequence[HostVerdict]) -> dict[str, Any]:
    publish = {}
    for host in hosts:
        if host.dane.outcome is PASS:
            continue
        for address in host.addresses:
            if address.tlsa_to_publish:
                owner = f"_25._tcp.{host.tlsa_base_domain}."
                publish.setdefault(owner, address.tlsa_to_publish)
    failing = [h.host for h in hosts if h.dane.outcome is not PASS]
    return {"failing_hosts": failing, "publish": [f"{o} IN TLSA {r}" for o, r in publish.items()]}


def _dane_end_to_end(dane_verdict: Verdict, mx_answer: DnsAnswer, hosts) -> Verdict:
    """RFC 7672 section 2.2: DANE plus a secure MX RRset and secure address records."""
    check = "dane_end_to_end"
    if dane_verdict.outcome is not PASS:
        reasons = ("dane_failed",) if dane_verdict.outcome is FAIL else dane_verdict.reasons
        return Verdict(check, dane_verdict.outcome, reasons)
    reasons = []
    if mx_answer.status is not DnssecStatus.SECURE:
        reasons.append("mx_insecure")
    insecure = [
        h.host for h in hosts if any(s != DnssecStatus.SECURE.value for s in h.address_status)
    ]
    if insecure:
        reasons.append("address_insecure")
    if reasons:
        return Verdict(check, FAIL, tuple(reasons), {"insecure_address_hosts": insecure})
    return Verdict(check, PASS)


def _dane_rollover(dane_verdict: Verdict, hosts: Sequence[HostVerdict]) -> Verdict:
    check = "dane_rollover"
    if dane_verdict.outcome is not PASS:
        reasons = ("dane_failed",) if dane_verdict.outcome is FAIL else dane_verdict.reasons
        return Verdict(check, dane_verdict.outcome, reasons)
    failing = {h.host: h.rollover.reason for h in hosts if h.rollover and not h.rollover.holds}
    if failing:
        return Verdict(check, FAIL, unique(failing.values()), {"hosts": failing})
    return Verdict(check, PASS)


def _starttls_dane(starttls: Verdict, dane_verdict: Verdict) -> Verdict:
    """The list entry 'STARTTLS en DANE': both pass."""
    return _combined("starttls_dane", [starttls, dane_verdict])


def _mx_certificate(host: HostVerdict) -> MxCertificate:
    """Web-PKI state of a host for MTA-STS (RFC 8461 section 4.2): valid on every address."""
    if host.no_address:
        return MxCertificate(PASS)  # skipped by senders; its name must still be covered
    if not host.addresses:
        return MxCertificate(NOT_TESTABLE, next(iter(host.starttls.reasons), ""))
    states = []
    for address in host.addresses:
        if address.certificate is not None:
            if address.certificate.valid:
                states.append(MxCertificate(PASS))
            else:
                states.append(MxCertificate(FAIL, address.certificate.reason))
        else:
            reason = next(iter(address.starttls.reasons), "")
            states.append(MxCertificate(address.starttls.outcome, reason))
    outcome = combine(s.outcome for s in states)
    reason = next((s.reason for s in states if s.outcome is outcome and s.reason), "")
    return MxCertificate(outcome, reason)


# --- the stored shape --------------------------------------------------------------------


def verdict_as_evidence(verdict: Verdict) -> evidence.CheckEvidence:
    return evidence.CheckEvidence(
        outcome=verdict.outcome.value,
        reasons=list(verdict.reasons),
        details=jsonable(verdict.details),
    )


def host_as_evidence(host: HostVerdict) -> evidence.HostEvidence:
    return evidence.HostEvidence(
        host=host.host,
        preference=host.preference,
        tlsa_base_domain=host.tlsa_base_domain,
        tlsa_status=host.tlsa_status,
        tlsa_records=list(host.tlsa_records),
        address_status=list(host.address_status),
        tlsa=verdict_as_evidence(host.tlsa),
        dane=verdict_as_evidence(host.dane),
        starttls=verdict_as_evidence(host.starttls),
        rollover=(
            evidence.RolloverEvidence(holds=host.rollover.holds, reason=host.rollover.reason)
            if host.rollover
            else None
        ),
        addresses=[address_as_evidence(a) for a in host.addresses],
    )


def address_as_evidence(address: AddressVerdict) -> evidence.AddressEvidence:
    cert = address.certificate
    return evidence.AddressEvidence(
        address=address.address,
        probe_outcome=address.probe_outcome,
        starttls=verdict_as_evidence(address.starttls),
        dane=verdict_as_evidence(address.dane),
        tls_version=address.tls_version,
        cipher=address.cipher,
        tlsa_to_publish=address.tlsa_to_publish,
        certificate=(
            evidence.CertificateEvidence(
                web_pki_valid=cert.valid,
                reason=cert.reason,
                names=list(cert.names),
                not_after=cert.not_after.isoformat() if cert.not_after else None,
            )
            if cert
            else None
        ),
    )


_PLAIN = frozenset({str, int, float, bool, type(None)})


def jsonable(value: Any) -> Any:
    """Details as JSON: tuples become lists, datetimes ISO strings, bytes hex."""
    if type(value) in _PLAIN:  # most values: no isinstance walk through the ABCs
        return value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if hasattr(value, "value") and isinstance(value.value, str):
        return value.value
    return value
