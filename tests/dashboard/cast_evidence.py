"""The dashboard cast's stored results, built through the types a scan stores
(measurement.evaluate.evidence and the probe's observations): a throw-away certificate
per MX host, the DNS facts, the probe and the verdicts of each profile."""

import datetime
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from measurement.evaluate import dane, evidence
from measurement.models import Outcome
from measurement.probe.observations import (
    DnsAnswer,
    DnssecStatus,
    DomainObservation,
    HostObservation,
    MtaStsObservation,
    MxHost,
    MxObservation,
    SmtpObservation,
    TlsaRecord,
)
from measurement.probe.observations import Outcome as ProbeOutcome

P = Outcome.PASS


def self_signed(host: str) -> tuple[bytes, bytes]:
    """A throw-away certificate for `host` (DER) and its SPKI SHA-256 (a 3 1 1 TLSA value)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return cert.public_bytes(serialization.Encoding.DER), hashlib.sha256(spki).digest()


def _answer(qname: str, rdtype: str, status: str, records=()) -> DnsAnswer:
    return DnsAnswer(
        qname, rdtype, "NOERROR", DnssecStatus(status), tuple(records), resolver="127.53.0.2"
    )


@dataclass(frozen=True)
class Profile:
    """How one domain looks in every scan: verdicts, reasons, MX hosts, probe outcome."""

    verdicts: dict
    reasons: dict
    mx_host: str
    address: str
    probe_outcome: str
    starttls: bool | None
    tls_version: str
    dnssec: str
    mta_sts_mode: str = ""


def stored_evidence(name: str, profile: Profile, spki_hash: bytes, verdicts: dict) -> dict:
    """The stored evidence of one result, built through the types a scan stores."""
    return evidence.to_builtins(
        {
            "mx": [evidence.MxEntry(host=profile.mx_host, preference=10)],
            "observation": _observation(name, profile, spki_hash),
            "verdicts": _stored_verdicts(name, profile, spki_hash, verdicts),
        }
    )


def _observation(name: str, profile: Profile, spki_hash: bytes) -> DomainObservation:
    host, mode = profile.mx_host, profile.mta_sts_mode
    tlsa = (TlsaRecord(3, 1, 1, spki_hash),) if name == "veiligstad.nl" else ()
    policy = f"version: STSv1\nmode: {mode}\nmx: {host}\nmax_age: 86400\n" if mode else ""
    return DomainObservation(
        domain=name,
        mx=MxObservation(
            domain=name,
            answer=_answer(name, "MX", profile.dnssec, [f"10 {host}."]),
            hosts=(MxHost(10, host),),
        ),
        hosts=(
            HostObservation(
                host=host,
                a=_answer(host, "A", profile.dnssec, [profile.address]),
                aaaa=_answer(host, "AAAA", profile.dnssec),
                tlsa=_answer(
                    f"_25._tcp.{host}", "TLSA", profile.dnssec, [dane.presentation(r) for r in tlsa]
                ),
                tlsa_base_domain=host,
                tlsa_records=tlsa,
            ),
        ),
        mta_sts=MtaStsObservation(
            domain=name,
            txt=_answer(
                f"_mta-sts.{name}", "TXT", profile.dnssec, ["v=STSv1; id=20260101"] if mode else []
            ),
            policy_url=f"https://mta-sts.{name}/.well-known/mta-sts.txt" if mode else "",
            policy_text=policy,
        ),
    )


def _stored_verdicts(
    name: str, profile: Profile, spki_hash: bytes, verdicts: dict
) -> evidence.VerdictsEvidence:
    """What measurement.evaluate.verdicts.DomainVerdicts.stored() gives for the profile."""
    host = profile.mx_host
    current = f"3 1 1 {spki_hash.hex()}"
    dane_passed = verdicts["dane"] == P
    publish = [] if dane_passed else [f"_25._tcp.{host}. IN TLSA {current}"]
    checks = {
        check: evidence.CheckEvidence(
            outcome=outcome,
            reasons=list(profile.reasons.get(check, [])),
            details={"publish": publish} if check == "dane" else {},
        )
        for check, outcome in verdicts.items()
    }
    address = evidence.AddressEvidence(
        address=profile.address,
        probe_outcome=profile.probe_outcome,
        starttls=evidence.CheckEvidence(outcome=verdicts["starttls"]),
        dane=evidence.CheckEvidence(
            outcome=verdicts["dane"],
            reasons=list(profile.reasons.get("dane", [])),
            details={"matched_record": current if dane_passed else None},
        ),
        tls_version=profile.tls_version,
        tlsa_to_publish="" if dane_passed else current,
        certificate=evidence.CertificateEvidence(
            web_pki_valid=False,
            reason="self_signed",
            names=[host],
            not_after="2027-01-01T00:00:00+00:00",
        )
        if profile.starttls
        else None,
    )
    mx_host = evidence.HostEvidence(
        host=host,
        preference=10,
        tlsa_base_domain=host,
        tlsa_status=profile.dnssec,
        tlsa_records=[current] if dane_passed else [],
        address_status=[profile.dnssec],
        dane=checks["dane"],
        rollover=evidence.RolloverEvidence(
            holds=dane_passed, reason="" if dane_passed else "single_record"
        ),
        addresses=[address],
    )
    return evidence.VerdictsEvidence(
        **checks,
        hosts=[mx_host],
        mta_sts_mode=profile.mta_sts_mode,
        methodology_version="1.0",
        domain=name,
    )


def probe_observation(profile: "Profile", der: bytes) -> dict:
    """The stored probe of the profile's MX address (HostResult.observation)."""
    return evidence.to_builtins(
        SmtpObservation(
            host=profile.mx_host,
            address=profile.address,
            outcome=ProbeOutcome(profile.probe_outcome),
            starttls_offered=profile.starttls,
            tls_version=profile.tls_version,
            chain=(der,) if profile.starttls else (),
            transcript=("S: 220 mx ESMTP", "C: EHLO scanner"),
        )
    )
