"""The domain-wide checks built from its MX hosts' verdicts: DNSSEC, STARTTLS, TLS (NCSC),
DANE end-to-end and rollover, "STARTTLS en DANE", the Internet.nl reading of both, and
MTA-STS's view of the hosts (pure).
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from measurement.evaluate import mtasts, pkix, tls_quality
from measurement.evaluate.host_verdicts import HostVerdict
from measurement.evaluate.mtasts import MxCertificate
from measurement.evaluate.outcomes import CheckOutcome, Verdict, combine, combined, unique
from measurement.probe.observations import DnsAnswer, DnssecStatus, DomainObservation

PASS = CheckOutcome.PASS
FAIL = CheckOutcome.FAIL
NOT_TESTABLE = CheckOutcome.NOT_TESTABLE


def mta_sts_without_hosts(
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


def domain_starttls(hosts: Sequence[HostVerdict], extra: list[Verdict]) -> Verdict:
    """Every tested MX address offers STARTTLS and completes a handshake."""
    parts = [a.starttls for h in hosts for a in h.addresses] + extra
    # A host whose address lookup failed is unmeasured, not skipped.
    parts += [h.starttls for h in hosts if not h.addresses and not h.no_address]
    if not parts:
        return Verdict("starttls", NOT_TESTABLE, ("mx_no_address",))
    verdict = combined("starttls", parts)
    failing = sorted(
        {
            f"{a.host} {a.address}"
            for h in hosts
            for a in h.addresses
            if a.starttls.outcome is verdict.outcome and verdict.outcome is not PASS
        }
    )
    return Verdict("starttls", verdict.outcome, verdict.reasons, {"addresses": failing})


def domain_tls_ncsc(hosts: Sequence[HostVerdict], extra: list[Verdict]) -> Verdict:
    """Every tested MX address's TLS configuration is at least phase out (NCSC)."""
    addresses = [(a.host, a.address, a.tls_ncsc) for h in hosts for a in h.addresses if a.tls_ncsc]
    extra = extra + [h.starttls for h in hosts if not h.addresses and not h.no_address]
    if not addresses and not extra:
        return Verdict(tls_quality.CHECK, NOT_TESTABLE, ("mx_no_address",))
    return tls_quality.domain_tls_ncsc(addresses, extra)


def internetnl_reading(verdict: Verdict, tls_ncsc: Verdict) -> Verdict:
    """STARTTLS (or "STARTTLS en DANE") as Internet.nl reads it, the methodology option of
    docs/methodology.md: it passes only when the TLS configuration (NCSC) passes too."""
    return combined(f"{verdict.check}_internetnl", [verdict, tls_ncsc])


def dane_details(hosts: Sequence[HostVerdict]) -> dict[str, Any]:
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


def dane_end_to_end(dane_verdict: Verdict, mx_answer: DnsAnswer, hosts) -> Verdict:
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


def dane_rollover(dane_verdict: Verdict, hosts: Sequence[HostVerdict]) -> Verdict:
    check = "dane_rollover"
    if dane_verdict.outcome is not PASS:
        reasons = ("dane_failed",) if dane_verdict.outcome is FAIL else dane_verdict.reasons
        return Verdict(check, dane_verdict.outcome, reasons)
    failing = {h.host: h.rollover.reason for h in hosts if h.rollover and not h.rollover.holds}
    if failing:
        return Verdict(check, FAIL, unique(failing.values()), {"hosts": failing})
    return Verdict(check, PASS)


def starttls_dane(starttls: Verdict, dane_verdict: Verdict) -> Verdict:
    """The list entry 'STARTTLS en DANE': both pass."""
    return combined("starttls_dane", [starttls, dane_verdict])


def mx_certificate(host: HostVerdict) -> MxCertificate:
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
