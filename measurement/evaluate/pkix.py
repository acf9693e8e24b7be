"""Web-PKI validation of a presented chain for a host name (cryptography.x509.verification).

Used for MTA-STS (RFC 8461 section 4.2: MX certificates and the policy host's certificate)
and for display. The trust store is the system's by default and a PEM file in lab mode;
each store is built once per process and every result is cached (probes are shared).
"""

import logging
import re
import ssl
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import (
    DNSName,
    PolicyBuilder,
    Store,
    VerificationError,
)

from measurement.evaluate.certificates import (
    BadCertificate,
    dns_names,
    load_chain,
    name_matches,
    validity_problem,
)

log = logging.getLogger(__name__)

# Reason codes (stable): why a chain is not Web-PKI valid for a name.
NO_CERTIFICATE = "no_certificate"
BAD_CERTIFICATE = "bad_certificate"
EXPIRED = "certificate_expired"
NOT_YET_VALID = "certificate_not_yet_valid"
NAME_MISMATCH = "certificate_name_mismatch"
SELF_SIGNED = "certificate_self_signed"
UNTRUSTED = "certificate_untrusted"
# cryptography's verifier applies the CA/Browser Forum profile strictly (RFC 5280 plus the
# Baseline Requirements): a chain that a browser might still accept, such as a leaf
# without an Authority Key Identifier, is refused. The reason names the extension:
# "certificate_extension_rejected:authorityKeyIdentifier".
EXTENSION_REJECTED = "certificate_extension_rejected"
_EXTENSION_ERROR = re.compile(r"invalid extension: ([0-9.]+): ")


class TrustStore:
    """A set of trust anchors with its cryptography Store built once."""

    __slots__ = ("certificates", "store", "label")

    def __init__(self, certificates: Iterable[x509.Certificate], label: str = "") -> None:
        self.certificates = tuple(certificates)
        if not self.certificates:
            raise ValueError("a trust store needs at least one certificate")
        self.store = Store(list(self.certificates))
        self.label = label

    def __repr__(self) -> str:
        return f"TrustStore({self.label or 'custom'}, {len(self.certificates)} certificates)"


def certificates_from_pem(data: bytes) -> tuple[x509.Certificate, ...]:
    """Every certificate in a PEM bundle; a block that does not parse is skipped and logged."""
    with warnings.catch_warnings():
        # A few long-lived roots in system bundles carry a non-positive serial number.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        try:
            return tuple(x509.load_pem_x509_certificates(data))
        except ValueError:
            pass
    found = []
    marker = b"-----END CERTIFICATE-----"
    for block in data.split(marker):
        if b"-----BEGIN CERTIFICATE-----" not in block:
            continue
        try:
            found.append(x509.load_pem_x509_certificate(block + marker))
        except ValueError as exc:
            log.warning("skipping a certificate in the trust store: %s", exc)
    return tuple(found)


@lru_cache(maxsize=8)
def load_trust_store(path: str | None = None) -> TrustStore:
    """The trust store from a PEM file, or the system's when path is empty (once per process)."""
    if not path:
        return system_trust_store()
    return TrustStore(certificates_from_pem(Path(path).read_bytes()), label=str(path))


@lru_cache(maxsize=1)
def system_trust_store() -> TrustStore:
    paths = ssl.get_default_verify_paths()
    for candidate in (paths.cafile, paths.openssl_cafile):
        if candidate and Path(candidate).is_file():
            return TrustStore(certificates_from_pem(Path(candidate).read_bytes()), label=candidate)
    raise FileNotFoundError("no system CA file found (install ca-certificates)")


@dataclass(frozen=True, slots=True)
class PkixResult:
    valid: bool
    reason: str  # "" when valid, else one of the codes above
    detail: str = ""
    names: tuple[str, ...] = ()  # the leaf's DNS names
    not_after: datetime | None = None


@lru_cache(maxsize=4096)
def validate(
    chain: tuple[bytes, ...], hostname: str, trust_store: TrustStore, now: datetime
) -> PkixResult:
    """Is the presented chain (DER, leaf first) Web-PKI valid for hostname at now?"""
    if not chain:
        return PkixResult(False, NO_CERTIFICATE)
    try:
        certs = load_chain(chain)
    except BadCertificate as exc:
        return PkixResult(False, BAD_CERTIFICATE, str(exc))
    leaf = certs[0]
    names = dns_names(leaf)
    facts = {"names": names, "not_after": leaf.not_valid_after_utc}
    # Name and dates first: they are what an operator can fix, and the verifier's
    # messages do not distinguish them reliably.
    problem = validity_problem(leaf, now)
    if problem:
        return PkixResult(False, EXPIRED if problem == "expired" else NOT_YET_VALID, **facts)
    if not any(name_matches(pattern, hostname) for pattern in names):
        return PkixResult(False, NAME_MISMATCH, **facts)
    try:
        verifier = (
            PolicyBuilder()
            .store(trust_store.store)
            .time(now)
            .build_server_verifier(DNSName(hostname))
        )
        verifier.verify(leaf, list(certs[1:]))
    except VerificationError as exc:
        return PkixResult(False, _verification_reason(leaf, str(exc)), str(exc), **facts)
    except ValueError as exc:  # a host name DNSName refuses
        return PkixResult(False, NAME_MISMATCH, str(exc), **facts)
    return PkixResult(True, "", **facts)


def _verification_reason(leaf: x509.Certificate, message: str) -> str:
    """Self-signed, a named extension the strict profile refused, or untrusted."""
    if leaf.issuer == leaf.subject:
        return SELF_SIGNED
    found = _EXTENSION_ERROR.search(message)
    if found:
        oid = x509.ObjectIdentifier(found.group(1))
        name = oid.dotted_string if oid._name == "Unknown OID" else oid._name
        return f"{EXTENSION_REJECTED}:{name}"
    return UNTRUSTED


def validate_chain(
    chain: Sequence[bytes], hostname: str, trust_store: TrustStore, now: datetime
) -> PkixResult:
    """validate() for any sequence (lists from JSON included)."""
    return validate(tuple(chain), hostname.lower().rstrip("."), trust_store, now)
