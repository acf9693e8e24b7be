"""X.509 helpers shared by DANE and PKIX: parsing (cached), names, signatures, name matching."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import NameOID

# Probes are shared by many domains (a handful of providers serve most municipalities),
# so the same DER is judged many times per scan: parse it once.
_PARSE_CACHE = 4096


class BadCertificate(ValueError):
    """DER that does not parse as an X.509 certificate."""


@lru_cache(maxsize=_PARSE_CACHE)
def load_certificate(der: bytes) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(der)
    except ValueError as exc:
        raise BadCertificate(str(exc)) from None


def load_chain(chain: Sequence[bytes]) -> tuple[x509.Certificate, ...]:
    """Parse a presented chain (leaf first); raise BadCertificate when any entry is not DER."""
    return tuple(load_certificate(der) for der in chain)


def spki_der(cert: x509.Certificate) -> bytes:
    """The DER SubjectPublicKeyInfo: what TLSA selector 1 covers (RFC 6698 section 2.1.2)."""
    return cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def dns_names(cert: x509.Certificate) -> tuple[str, ...]:
    """The subjectAltName dNSName entries, lower case, without a trailing dot."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (x509.ExtensionNotFound, ValueError):
        return ()
    return tuple(name.lower().rstrip(".") for name in san.get_values_for_type(x509.DNSName))


def common_names(cert: x509.Certificate) -> tuple[str, ...]:
    try:
        attributes = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    except ValueError:
        return ()
    return tuple(str(a.value).lower().rstrip(".") for a in attributes)


def presented_names(cert: x509.Certificate) -> tuple[str, ...]:
    """Names an SMTP client checks: DNS-IDs, else the subject CN (RFC 7672 section 3.2.3)."""
    return dns_names(cert) or common_names(cert)


def name_matches(pattern: str, hostname: str) -> bool:
    """Does a certificate name cover hostname? A wildcard only as the whole left-most label.

    RFC 7672 section 3.2.3 (and RFC 6125 section 6.4.3): "*.example.nl" covers exactly one
    label in front of example.nl; partial wildcards ("mx*.example.nl") and wildcards in
    any other position never match.
    """
    pattern = pattern.lower().rstrip(".")
    hostname = hostname.lower().rstrip(".")
    if not pattern or not hostname:
        return False
    if "*" not in pattern:
        return pattern == hostname
    first, _, rest = pattern.partition(".")
    if first != "*" or "*" in rest or not rest or "." not in rest:
        # "*.nl" would cover a whole TLD: never accepted.
        return False
    label, _, host_rest = hostname.partition(".")
    return bool(label) and host_rest == rest


def certificate_matches_any(cert: x509.Certificate, reference_names: Iterable[str]) -> bool:
    names = presented_names(cert)
    return any(name_matches(pattern, ref) for pattern in names for ref in reference_names)


def signed_by(cert: x509.Certificate, public_key: object) -> bool:
    """Is cert's signature made by public_key? No name checks, no exceptions."""
    signature, tbs = cert.signature, cert.tbs_certificate_bytes
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            padding = cert.signature_algorithm_parameters
            public_key.verify(signature, tbs, padding, cert.signature_hash_algorithm)
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, tbs, cert.signature_algorithm_parameters)
        elif isinstance(public_key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
            public_key.verify(signature, tbs)
        elif isinstance(public_key, dsa.DSAPublicKey):
            public_key.verify(signature, tbs, cert.signature_hash_algorithm)
        else:
            return False
    except (InvalidSignature, UnsupportedAlgorithm, TypeError, ValueError):
        return False
    return True


def is_ca(cert: x509.Certificate) -> bool:
    """basicConstraints cA is TRUE (RFC 5280 section 4.2.1.9): may sign other certificates."""
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except (x509.ExtensionNotFound, ValueError):
        return False


def validity_problem(cert: x509.Certificate, now: datetime) -> str:
    """'' when now lies in the validity period, else 'expired' or 'not_yet_valid'."""
    if now > cert.not_valid_after_utc:
        return "expired"
    if now < cert.not_valid_before_utc:
        return "not_yet_valid"
    return ""
