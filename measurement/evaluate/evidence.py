"""What a scan stores, as types, with its one serialiser (msgspec): the observations of
measurement.probe.observations and the judgement's evidence, written and read back
through the same types.

A DomainResult's evidence holds the domain's MX list, its observation (the DNS facts: a
DomainObservation without its probes) and the verdicts: per check the outcome, reasons
and details, and per MX host and address what the judgement said (HostEvidence,
AddressEvidence). A HostResult holds one probe (SmtpObservation) and its TLS quality
assessment. `read` gives the typed evidence of a stored value and `convert` any stored
observation; unknown keys are ignored, and a value that does not fit is logged and read
as empty, never guessed at. `encode` and `to_builtins` write them, with a NUL a hostile
server sent escaped (PostgreSQL's text and jsonb cannot hold NUL).
"""

import logging
from typing import Any

import msgspec

from measurement.evaluate.outcomes import DOMAIN_CHECKS
from measurement.probe.observations import DomainObservation

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
    domain: str = ""
    methodology_version: str = ""

    def check(self, name: str) -> CheckEvidence | None:
        """The evidence of one check (DOMAIN_CHECKS), None for another name."""
        return getattr(self, name) if name in DOMAIN_CHECKS else None

    def host(self, name: str) -> HostEvidence | None:
        name = name.lower()
        return next((h for h in self.hosts if h.host.lower() == name), None)


class Evidence(msgspec.Struct, frozen=True):
    """A DomainResult's evidence: the MX list, the DNS facts seen and the verdicts."""

    mx: list[MxEntry] = []
    observation: DomainObservation | None = None
    verdicts: VerdictsEvidence = VerdictsEvidence()

    def mx_by_preference(self) -> list[MxEntry]:
        return sorted(self.mx, key=lambda entry: (entry.preference, entry.host))


def read(stored: Any) -> Evidence:
    """The typed evidence of a stored JSON value (a dict, or None for none)."""
    return convert(stored, Evidence, Evidence()) if stored else Evidence()


class _VerdictsOnly(msgspec.Struct, frozen=True):
    verdicts: VerdictsEvidence = VerdictsEvidence()


def read_verdicts(stored: Any) -> VerdictsEvidence:
    """The verdicts of a stored evidence, without reading its observation."""
    if not stored:
        return VerdictsEvidence()
    return convert(stored, _VerdictsOnly, _VerdictsOnly()).verdicts


def read_reasons(stored: Any) -> dict[str, list[str]]:
    """A DomainResult's reasons column: the reason codes per check."""
    return convert(stored, dict[str, list[str]], {}) if stored else {}


def read_mx(stored: Any) -> list[MxEntry]:
    """The MX list of a stored evidence (its "mx" value, as the database returns it)."""
    return convert(stored, list[MxEntry], []) if stored else []


def convert[Stored](stored: Any, kind: type[Stored], empty: Any = None) -> Stored:
    """A stored JSON value (dicts and lists) as `kind`: an evidence type or an observation.

    What does not fit is logged and read as `empty`.
    """
    try:
        return msgspec.convert(stored, kind)
    except msgspec.ValidationError as exc:
        log.warning("stored %s does not fit its type: %s", kind, exc)
        return empty


_ENCODER = msgspec.json.Encoder()
_NUL = b"\\u0000"


def encode(value: Any) -> str:
    """JSON text of evidence and observations (and dicts and lists of them), NUL escaped."""
    text = _ENCODER.encode(value)
    if _NUL in text:
        text = _ENCODER.encode(storable(msgspec.to_builtins(value)))
    return text.decode()


def to_builtins(value: Any) -> Any:
    """Dicts, lists and plain values of evidence and observations, as a JSON column holds
    them (bytes as base64, enums as their values), NUL escaped."""
    built = msgspec.to_builtins(value)
    return storable(built) if _NUL in _ENCODER.encode(built) else built


def storable(value: Any) -> Any:
    """A hostile server's NUL as the text \\x00, in a string or in the strings of dicts
    and lists; a string without one is returned as it is."""
    if isinstance(value, str):
        return value.replace("\x00", "\\x00") if "\x00" in value else value
    if isinstance(value, list | tuple):
        return [storable(item) for item in value]
    if isinstance(value, dict):
        return {key: storable(item) for key, item in value.items()}
    return value
