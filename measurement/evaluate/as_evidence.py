"""Verdicts in their stored shape: the typed evidence of measurement.evaluate.evidence,
with details made JSON-safe.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from measurement.evaluate import evidence
from measurement.evaluate.address_verdicts import AddressVerdict
from measurement.evaluate.host_verdicts import HostVerdict
from measurement.evaluate.outcomes import Verdict


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
        tls_ncsc=verdict_as_evidence(address.tls_ncsc) if address.tls_ncsc else None,
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
