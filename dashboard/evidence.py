"""Readable summaries of what a scan saw, from the probe's own types (read back by the
one serialiser, measurement.evaluate.evidence): the leaf certificate, TLSA records, the
DNSSEC status of an answer."""

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.x509.oid import NameOID

from measurement.evaluate.dane import presentation
from measurement.probe.observations import DnsAnswer, HostObservation, SmtpObservation


@dataclass(frozen=True, slots=True)
class CertificateSummary:
    subject: str
    names: tuple[str, ...]
    issuer: str
    not_after: datetime | None


def leaf_certificate(observation: SmtpObservation | None) -> CertificateSummary | None:
    """The first certificate of a probe's presented chain, or None."""
    if observation is None or not observation.chain:
        return None
    try:
        cert = x509.load_der_x509_certificate(observation.chain[0])
    except ValueError:
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


def tlsa_records(host: HostObservation | None) -> list[str]:
    """An MX host's TLSA records in presentation form ("3 1 1 ab12..."): as parsed, or as
    the resolver answered them when none could be parsed."""
    if host is None:
        return []
    if host.tlsa_records:
        return [presentation(record) for record in host.tlsa_records]
    return list(host.tlsa.records)


def dnssec_status(answer: DnsAnswer | None) -> str:
    """The DNSSEC status of a DNS answer (secure, insecure, bogus, indeterminate)."""
    return answer.status.value if answer is not None else ""
