"""The verdicts of one MX host: its TLSA RRset from DNS alone, and every address of it
(DESIGN.md section 2; pure, no I/O).
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from measurement.evaluate import dane, pkix
from measurement.evaluate.address_verdicts import AddressVerdict, judge_address
from measurement.evaluate.dane import Rollover
from measurement.evaluate.outcomes import CheckOutcome, Verdict, combined
from measurement.probe.observations import (
    DnsAnswer,
    DnssecStatus,
    HostObservation,
    SmtpObservation,
)

PASS = CheckOutcome.PASS
FAIL = CheckOutcome.FAIL
NOT_TESTABLE = CheckOutcome.NOT_TESTABLE


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
        starttls = combined("starttls", [a.starttls for a in addresses])
        by_address = combined("dane", [a.dane for a in addresses])
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


def _with_parsed_tlsa(host: HostObservation) -> HostObservation:
    return replace(host, tlsa_records=_parse_records(host.tlsa))


def _no_address_reason(host: HostObservation) -> str:
    answers = (host.a, host.aaaa)
    if any(a.status is DnssecStatus.BOGUS for a in answers):
        return "address_lookup_bogus"
    if any(a.rcode in ("SERVFAIL", "TIMEOUT") for a in answers):
        return "address_lookup_failed"
    return "mx_host_no_address"
