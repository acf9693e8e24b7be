"""What the TLS quality probe saw at one (MX host, address): frozen, no judgement.

measurement/probe/tls_quality.py fills it with targeted STARTTLS handshakes;
measurement/evaluate/tls_quality.py judges it against the NCSC tables.
"""

from dataclasses import dataclass

from measurement.probe.observations import Outcome


@dataclass(frozen=True, slots=True)
class AcceptedSuite:
    """One cipher suite the server chose in one protocol version, with its key exchange."""

    version: str  # "TLSv1.2", as VERSIONS in evaluate/ncsc_tables.py
    cipher: str  # OpenSSL name
    group: str = ""  # ECDHE curve ("X25519", "secp256r1"), or "DH" for finite-field DHE
    dh_prime: bytes = b""  # the server's DH prime (finite-field DHE only)
    dh_generator: int = 0


@dataclass(frozen=True, slots=True)
class TlsQualityObservation:
    """Everything the targeted handshakes showed. Tuples hold what the server accepted;
    `tested` says which parts were tried at all (a part not tried is not 'refused')."""

    host: str
    address: str
    outcome: Outcome  # OK once any handshake completed; else why nothing could be seen
    detail: str = ""
    versions: tuple[str, ...] = ()  # accepted, newest first
    refused_versions: tuple[str, ...] = ()  # offered alone and refused
    suites: tuple[AcceptedSuite, ...] = ()  # discovered per version
    ec_groups: tuple[str, ...] = ()  # ECDHE curves the server accepted when offered
    kex_hashes: tuple[str, ...] = ()  # weak hashes accepted for the key exchange signature
    compression: str = ""  # the compression method the server chose, "" for none
    secure_renegotiation: bool | None = None  # RFC 5746; None: not tested
    client_renegotiation: bool | None = None  # a renegotiation we started was accepted
    chain: tuple[bytes, ...] = ()  # DER, leaf first
    tested: tuple[str, ...] = ()  # "versions", "suites", "groups", "kex_hash", "options"
    connections: int = 0
    complete: bool = True  # False: the connection budget ran out before every part
    duration_ms: int = 0
