"""What one probe of (MX host, address) means: STARTTLS, the DANE match, Web-PKI facts
(DESIGN.md section 2; pure, no I/O).
"""

from dataclasses import dataclass
from datetime import datetime

from measurement.evaluate import dane, pkix
from measurement.evaluate.outcomes import CheckOutcome, Verdict, unique
from measurement.evaluate.tls_quality import judge_address_tls
from measurement.probe.observations import HostObservation, Outcome, SmtpObservation

PASS = CheckOutcome.PASS
FAIL = CheckOutcome.FAIL
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
    tls_ncsc: Verdict | None = None  # the TLS configuration per NCSC (evaluate/tls_quality.py)

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
        tls_ncsc=judge_address_tls(probe, starttls),
    )
