"""What the probes saw, as frozen dataclasses: observations only, never a judgement.

These are the contract between measurement/probe (which fills them) and
measurement/evaluate (which judges them). They are stored as JSON next to the verdicts
by the one serialiser of measurement/evaluate/evidence.py, so every figure can be
traced to its evidence.
"""

import dataclasses
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    """How one attempt ended (STYLE.md rule 3): 'the server lacks it' versus 'we could not see'."""

    OK = "ok"
    NOT_SUPPORTED = "not_supported"  # e.g. no STARTTLS in the EHLO reply
    TIMEOUT = "timeout"
    REFUSED = "refused"  # TCP connection refused
    UNREACHABLE = "unreachable"  # no route, network unreachable
    RATE_LIMITED = "rate_limited"  # 421 or other 4xx greeting / reply
    REJECTED = "rejected"  # 5xx greeting or 5xx to EHLO/STARTTLS
    PROTOCOL_ERROR = "protocol_error"  # garbage, oversize lines, connection dropped
    TLS_ERROR = "tls_error"  # STARTTLS accepted, handshake failed
    NOT_ALLOWED = "not_allowed"  # private/reserved address outside lab mode: not contacted
    ERROR = "error"  # our own bug; logged


class DnssecStatus(StrEnum):
    """From the validating resolver, DESIGN.md section 2 (last paragraph)."""

    SECURE = "secure"  # AD set
    INSECURE = "insecure"  # NOERROR/NXDOMAIN without AD
    BOGUS = "bogus"  # SERVFAIL with an EDE in the DNSSEC range (RFC 8914 codes 1-12)
    INDETERMINATE = "indeterminate"  # other SERVFAIL, timeout: not testable


class _Observation:
    """Pickles as (class, field values): half the time of a slots dataclass's own
    __setstate__, and every observation of a large scan crosses a pipe
    (measurement.scan.observer)."""

    __slots__ = ()

    def __reduce__(self):
        return (type(self), tuple([getattr(self, name) for name in _field_names(type(self))]))


@dataclass(frozen=True, slots=True)
class DnsAnswer(_Observation):
    """One query's answer from the validating resolver."""

    qname: str
    rdtype: str  # "MX", "A", "AAAA", "TLSA", "TXT", ...
    rcode: str  # "NOERROR", "NXDOMAIN", "SERVFAIL", or "TIMEOUT" when no answer came
    status: DnssecStatus
    records: tuple[str, ...] = ()  # rdata in presentation format (TXT: decoded string)
    cname_chain: tuple[str, ...] = ()  # owner names followed, in order, excluding qname
    ede: tuple[tuple[int, str], ...] = ()  # Extended DNS Errors (code, text)
    resolver: str = ""

    @property
    def canonical_name(self) -> str:
        return self.cname_chain[-1] if self.cname_chain else self.qname


@dataclass(frozen=True, slots=True)
class MxHost(_Observation):
    preference: int
    host: str  # lower case, no trailing dot


@dataclass(frozen=True, slots=True)
class MxObservation(_Observation):
    domain: str
    answer: DnsAnswer
    hosts: tuple[MxHost, ...] = ()  # sorted by preference, then name; at most 10 tested
    null_mx: bool = False  # RFC 7505 "0 ."
    skipped: int = 0  # MX hosts beyond the first 10
    untestable_hosts: tuple[str, ...] = ()  # localhost, IP literals: not tested


@dataclass(frozen=True, slots=True)
class TlsaRecord(_Observation):
    usage: int
    selector: int
    matching_type: int
    data: bytes  # the certificate association data


@dataclass(frozen=True, slots=True)
class HostObservation(_Observation):
    """DNS facts for one MX host: its addresses and its TLSA RRset (RFC 7672 section 2.2.3)."""

    host: str
    a: DnsAnswer
    aaaa: DnsAnswer
    tlsa: DnsAnswer  # at _25._tcp.<tlsa base domain>
    tlsa_base_domain: str  # the CNAME-expanded host when that chain is secure, else host
    tlsa_records: tuple[TlsaRecord, ...] = ()

    @property
    def addresses(self) -> tuple[str, ...]:
        return tuple(r for r in self.a.records + self.aaaa.records if r and not r.endswith("."))


# measurement/probe/tls_quality.py fills these with targeted STARTTLS handshakes;
# measurement/evaluate/tls_quality.py judges them against the NCSC tables.


@dataclass(frozen=True, slots=True)
class AcceptedSuite(_Observation):
    """One cipher suite the server chose in one protocol version, with its key exchange."""

    version: str  # "TLSv1.2", as VERSIONS in evaluate/ncsc_tables.py
    cipher: str  # OpenSSL name
    group: str = ""  # ECDHE curve ("X25519", "secp256r1"), or "DH" for finite-field DHE
    dh_prime: bytes = b""  # the server's DH prime (finite-field DHE only)
    dh_generator: int = 0


@dataclass(frozen=True, slots=True)
class TlsQualityObservation(_Observation):
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
    assessed_at: str = ""  # ISO 8601 UTC: when; a reused assessment keeps its own date


@dataclass(frozen=True, slots=True)
class SmtpObservation(_Observation):
    """One probe of one (MX host, address): greeting, EHLO, STARTTLS, handshake, EHLO, QUIT."""

    host: str
    address: str
    outcome: Outcome
    detail: str = ""
    banner: str = ""
    ehlo_keywords: tuple[str, ...] = ()
    starttls_offered: bool | None = None  # None: we never saw an EHLO reply
    tls_version: str = ""
    cipher: str = ""
    chain: tuple[bytes, ...] = ()  # DER, leaf first, as presented
    transcript: tuple[str, ...] = ()  # bounded; "C: ..." and "S: ..." lines
    attempts: int = 1
    duration_ms: int = 0
    # The TLS (NCSC) assessment of the pair (measurement/probe/tls_quality.py); None when
    # the scan did not assess it (no STARTTLS, or a scan without the check).
    tls_quality: TlsQualityObservation | None = None

    @property
    def handshake_completed(self) -> bool:
        return self.outcome is Outcome.OK and bool(self.tls_version)


@dataclass(frozen=True, slots=True)
class MtaStsObservation(_Observation):
    """The _mta-sts TXT record and the policy fetched over HTTPS (RFC 8461 sections 3.1, 3.3)."""

    domain: str
    txt: DnsAnswer
    policy_url: str = ""
    fetch_outcome: Outcome | None = None  # None: not fetched (no valid TXT)
    fetch_detail: str = ""
    http_status: int | None = None
    content_type: str = ""
    policy_text: str = ""  # decoded body, at most 64 KiB
    chain: tuple[bytes, ...] = ()  # DER of the policy host's certificate chain


@dataclass(frozen=True, slots=True)
class TlsRptObservation(_Observation):
    domain: str
    txt: DnsAnswer  # at _smtp._tls.<domain>


@dataclass(frozen=True, slots=True)
class DomainObservation(_Observation):
    """Everything seen for one mail domain; probes are shared between domains by (host, address)."""

    domain: str
    mx: MxObservation
    hosts: tuple[HostObservation, ...] = ()
    mta_sts: MtaStsObservation | None = None
    tls_rpt: TlsRptObservation | None = None
    probes: tuple[SmtpObservation, ...] = field(default=())


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


class IdentityCache:
    """What was computed from observations, keyed by the observations' identity.

    In one scan the engine hands every domain that shares an MX host the same
    HostObservation and SmtpObservation objects, so work on them (judging, JSON) can be
    done once per host instead of once per domain. Identity, not equality: hashing a
    whole observation costs about what the work does. Each entry keeps its key objects
    alive, so no id is reused while it is cached; the oldest entries go beyond `size`.
    """

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._entries: OrderedDict[tuple, tuple[tuple, Any]] = OrderedDict()

    def get(self, objects: tuple, extra: tuple, compute: Callable[[], Any]) -> Any:
        """compute() once per (identities of `objects`, `extra`); the result is shared."""
        key = (*map(id, objects), *extra)
        if (hit := self._entries.get(key)) is not None:
            return hit[1]
        value = compute()
        self._entries[key] = (objects, value)
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return value
