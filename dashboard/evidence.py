"""Readable summaries of stored evidence: the leaf certificate, TLSA records, DNS status."""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.x509.oid import NameOID


@dataclass(frozen=True, slots=True)
class CertificateSummary:
    subject: str
    names: tuple[str, ...]
    issuer: str
    not_after: datetime | None


def leaf_certificate(observation: dict) -> CertificateSummary | None:
    """The first certificate of a probe's presented chain (base64 DER), or None."""
    chain = observation.get("chain") if isinstance(observation, dict) else None
    if not chain or not isinstance(chain, list) or not isinstance(chain[0], str):
        return None
    try:
        cert = x509.load_der_x509_certificate(base64.b64decode(chain[0]))
    except (ValueError, binascii.Error):
        return None
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        names = tuple(san.value.get_values_for_type(x509.DNSName))
    except (x509.ExtensionNotFound, ValueError):
        names = ()
    common = [a.value for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    issuer = [a.value for a in cert.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)]
    return CertificateSummary(
        subject=str(common[0]) if common else cert.subject.rfc4514_string(),
        names=names,
        issuer=str(issuer[0]) if issuer else cert.issuer.rfc4514_string(),
        not_after=cert.not_valid_after_utc,
    )


def tlsa_records(host_dns: dict) -> list[str]:
    """TLSA records in presentation form ("3 1 1 ab12..."), from parsed or raw evidence."""
    parsed = host_dns.get("tlsa_records") if isinstance(host_dns, dict) else None
    if isinstance(parsed, list) and parsed:
        records = []
        for record in parsed:
            if not isinstance(record, dict):
                continue
            try:
                data = base64.b64decode(record.get("data", "")).hex()
            except (ValueError, binascii.Error):
                data = str(record.get("data", ""))
            records.append(
                f"{record.get('usage')} {record.get('selector')} "
                f"{record.get('matching_type')} {data}"
            )
        return records
    answer = host_dns.get("tlsa") if isinstance(host_dns, dict) else None
    if isinstance(answer, dict) and isinstance(answer.get("records"), list):
        return [str(r) for r in answer["records"]]
    return []


def dnssec_status(answer) -> str:
    """The DNSSEC status of a stored DNS answer (secure, insecure, bogus, indeterminate)."""
    return str(answer.get("status", "")) if isinstance(answer, dict) else ""


def observation(result_evidence: dict) -> dict:
    """The stored DomainObservation of a result's evidence, or an empty dict."""
    if isinstance(result_evidence, dict) and isinstance(result_evidence.get("observation"), dict):
        return result_evidence["observation"]
    return {}
