"""The stored evidence of a judgement, as types: written by the judgement, read by the
dashboard through the same types, and encoded by one serialiser (msgspec).

A DomainResult's evidence holds the domain's MX list, its observation (DNS facts,
stored with measurement.probe.observations' own JSON) and the verdicts: per check the
outcome, reasons and details, and per MX host and address what the judgement said
(HostEvidence, AddressEvidence). `read` gives the typed evidence of a stored value;
unknown keys are ignored, and a value that does not fit is logged and read as empty,
never guessed at.
"""

import logging
from typing import Any

import msgspec

log = logging.getLogger(__name__)


class CheckEvidence(msgspec.Struct, frozen=True):
    """One check's outcome with its reasons and the facts behind them."""

    outcome: str
    reasons: list[str] = []
    details: dict[str, Any] = {}


class CertificateEvidence(msgspec.Struct, frozen=True):
    """Web-PKI facts of the certificate an address presented, for the MX host name."""

    web_pki_valid: bool
    reason: str = ""
    names: list[str] = []
    not_after: str | None = None


class RolloverEvidence(msgspec.Struct, frozen=True):
    holds: bool
    reason: str = ""


class AddressEvidence(msgspec.Struct, frozen=True):
    """What the probe of one (MX host, address) means."""

    address: str
    probe_outcome: str = ""
    starttls: CheckEvidence | None = None
    dane: CheckEvidence | None = None
    tls_version: str = ""
    cipher: str = ""
    tlsa_to_publish: str = ""
    certificate: CertificateEvidence | None = None
    tls_ncsc: CheckEvidence | None = None


class HostEvidence(msgspec.Struct, frozen=True):
    """What the judgement said about one MX host and each of its addresses."""

    host: str
    preference: int = 0
    tlsa_base_domain: str = ""
    tlsa_status: str = ""
    tlsa_records: list[str] = []
    address_status: list[str] = []
    tlsa: CheckEvidence | None = None
    dane: CheckEvidence | None = None
    starttls: CheckEvidence | None = None
    rollover: RolloverEvidence | None = None
    addresses: list[AddressEvidence] = []

    def address(self, address: str) -> AddressEvidence | None:
        return next((a for a in self.addresses if a.address == address), None)


class MxEntry(msgspec.Struct, frozen=True):
    host: str
    preference: int = 0


class VerdictsEvidence(msgspec.Struct, frozen=True):
    """The verdicts part of the evidence: per check its outcome, reasons and details
    (the outcome and reasons are also the result's columns), and per MX host."""

    mx: CheckEvidence | None = None
    dnssec: CheckEvidence | None = None
    starttls: CheckEvidence | None = None
    dane: CheckEvidence | None = None
    dane_end_to_end: CheckEvidence | None = None
    dane_rollover: CheckEvidence | None = None
    starttls_dane: CheckEvidence | None = None
    mta_sts: CheckEvidence | None = None
    tls_rpt: CheckEvidence | None = None
    tls_ncsc: CheckEvidence | None = None
    starttls_internetnl: CheckEvidence | None = None
    starttls_dane_internetnl: CheckEvidence | None = None
    mta_sts_mode: str = ""
    hosts: list[HostEvidence] = []

    def check(self, name: str) -> CheckEvidence | None:
        value = getattr(self, name, None) if name in self.__struct_fields__ else None
        return value if isinstance(value, CheckEvidence) else None

    def host(self, name: str) -> HostEvidence | None:
        name = name.lower()
        return next((h for h in self.hosts if h.host.lower() == name), None)


class Evidence(msgspec.Struct, frozen=True):
    """A DomainResult's evidence as the dashboard reads it."""

    mx: list[MxEntry] = []
    verdicts: VerdictsEvidence = VerdictsEvidence()

    def mx_by_preference(self) -> list[MxEntry]:
        return sorted(self.mx, key=lambda entry: (entry.preference, entry.host))


def read(stored: Any) -> Evidence:
    """The typed evidence of a stored JSON value (a dict, or None for none)."""
    if not stored:
        return Evidence()
    try:
        return msgspec.convert(stored, Evidence)
    except msgspec.ValidationError as exc:
        log.warning("stored evidence does not fit its type: %s", exc)
        return Evidence()


_ENCODER = msgspec.json.Encoder()


def encode(value: Any) -> str:
    """JSON text of the evidence (dicts, lists and the types above): the one serialiser
    of what a scan stores."""
    return _ENCODER.encode(value).decode()


def to_builtins(value: Any) -> Any:
    """Dicts and lists of the evidence types, for a JSON response or report."""
    return msgspec.to_builtins(value)
