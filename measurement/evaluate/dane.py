"""DANE for SMTP (RFC 7672 section 3, RFC 6698, RFC 7671): TLSA usability, matching, rollover."""

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from measurement.evaluate.certificates import (
    BadCertificate,
    certificate_matches_any,
    is_ca,
    load_chain,
    signed_by,
    spki_der,
    validity_problem,
)
from measurement.probe.observations import TlsaRecord


class Usage(IntEnum):
    PKIX_TA = 0
    PKIX_EE = 1
    DANE_TA = 2
    DANE_EE = 3


class Selector(IntEnum):
    CERT = 0
    SPKI = 1


class MatchingType(IntEnum):
    FULL = 0
    SHA256 = 1
    SHA512 = 2


DIGEST_LENGTHS = {MatchingType.SHA256: 32, MatchingType.SHA512: 64}

# Reasons a TLSA record is unusable for SMTP (stable machine codes).
UNUSABLE_PKIX_USAGE = "pkix_usage"  # RFC 7672 section 3.1.3: usages 0 and 1 are not for SMTP
UNUSABLE_UNKNOWN_USAGE = "unknown_usage"
UNUSABLE_UNKNOWN_SELECTOR = "unknown_selector"
UNUSABLE_UNKNOWN_MATCHING_TYPE = "unknown_matching_type"
UNUSABLE_WRONG_DIGEST_LENGTH = "wrong_digest_length"
UNUSABLE_MALFORMED = "malformed_data"

# Reasons a usable record does not match a presented chain.
NO_MATCH_LEAF = "leaf_mismatch"
NO_MATCH_ANCHOR_NOT_FOUND = "dane_ta_anchor_not_found"
NO_MATCH_CHAIN_INVALID = "dane_ta_chain_invalid"
NO_MATCH_EXPIRED = "dane_ta_certificate_expired"
NO_MATCH_NOT_YET_VALID = "dane_ta_certificate_not_yet_valid"
NO_MATCH_NAME = "dane_ta_name_mismatch"
# RFC 7671 section 9: a stronger digest is published for the same usage and selector, so
# clients with digest agility use only that one and ignore this record.
NO_MATCH_DIGEST_SUPERSEDED = "digest_superseded"

# When several DANE-TA records fail for different reasons, report the one that says most
# about the server (the anchor was found, but ...).
_NO_MATCH_PRIORITY = (
    NO_MATCH_DIGEST_SUPERSEDED,
    NO_MATCH_NAME,
    NO_MATCH_EXPIRED,
    NO_MATCH_NOT_YET_VALID,
    NO_MATCH_CHAIN_INVALID,
    NO_MATCH_ANCHOR_NOT_FOUND,
    NO_MATCH_LEAF,
)


def presentation(record: TlsaRecord) -> str:
    """The record's rdata as it appears in a zone file: '3 1 1 <hex>'."""
    return f"{record.usage} {record.selector} {record.matching_type} {record.data.hex()}"


_TLSA_TEXT = re.compile(r"^\s*(\d{1,3})\s+(\d{1,3})\s+(\d{1,3})\s+([0-9A-Fa-f\s]*)$")


def parse_tlsa(text: str) -> TlsaRecord:
    """Parse TLSA rdata in presentation format (RFC 6698 section 2.2); ValueError if not."""
    found = _TLSA_TEXT.match(text)
    if not found:
        raise ValueError(f"not TLSA rdata: {text!r}")
    usage, selector, matching_type = (int(found.group(i)) for i in (1, 2, 3))
    if max(usage, selector, matching_type) > 255:
        raise ValueError(f"TLSA field above 255: {text!r}")
    data = bytes.fromhex("".join(found.group(4).split()))
    return TlsaRecord(usage, selector, matching_type, data)


def unusable_reason(record: TlsaRecord) -> str:
    """'' when the record is usable for SMTP, else why not (RFC 7672 section 3.1.3).

    Usable: usage DANE-TA(2) or DANE-EE(3), selector 0 or 1, matching type 0, 1 or 2, and
    association data of the right form (a digest of the digest's length; for matching type 0
    a DER certificate or SubjectPublicKeyInfo).
    """
    if record.usage in (Usage.PKIX_TA, Usage.PKIX_EE):
        return UNUSABLE_PKIX_USAGE
    if record.usage not in (Usage.DANE_TA, Usage.DANE_EE):
        return UNUSABLE_UNKNOWN_USAGE
    if record.selector not in (Selector.CERT, Selector.SPKI):
        return UNUSABLE_UNKNOWN_SELECTOR
    if record.matching_type not in (MatchingType.FULL, MatchingType.SHA256, MatchingType.SHA512):
        return UNUSABLE_UNKNOWN_MATCHING_TYPE
    if record.matching_type in DIGEST_LENGTHS:
        if len(record.data) != DIGEST_LENGTHS[MatchingType(record.matching_type)]:
            return UNUSABLE_WRONG_DIGEST_LENGTH
        return ""
    return "" if _full_key(record) is not None else UNUSABLE_MALFORMED


def is_usable(record: TlsaRecord) -> bool:
    return not unusable_reason(record)


def usable_records(records: Iterable[TlsaRecord]) -> tuple[TlsaRecord, ...]:
    return tuple(r for r in records if is_usable(r))


# RFC 7671 section 9: the digest algorithms in order of strength. Full(0) is no digest and
# takes no part: a record of matching type 0 always counts.
DIGEST_STRENGTH = {MatchingType.SHA256: 1, MatchingType.SHA512: 2}


def superseded_digests(records: Iterable[TlsaRecord]) -> frozenset[TlsaRecord]:
    """Usable records that a client with digest agility ignores (RFC 7671 section 9).

    For each usage and selector, such a client uses only the strongest digest present among
    the usable records; a record with a weaker digest does not count, even when it is the
    only one that matches (Postfix and OpenSSL do this).
    """
    usable = usable_records(records)
    strongest: dict[tuple[int, int], int] = {}
    for r in usable:
        if r.matching_type in DIGEST_STRENGTH:
            key = (r.usage, r.selector)
            strongest[key] = max(strongest.get(key, 0), DIGEST_STRENGTH[r.matching_type])
    return frozenset(
        r
        for r in usable
        if r.matching_type in DIGEST_STRENGTH
        and DIGEST_STRENGTH[r.matching_type] < strongest[(r.usage, r.selector)]
    )


def effective_records(records: Iterable[TlsaRecord]) -> tuple[TlsaRecord, ...]:
    """The usable records a DANE client with digest agility uses."""
    records = tuple(records)
    superseded = superseded_digests(records)
    return tuple(r for r in usable_records(records) if r not in superseded)


@lru_cache(maxsize=1024)
def _full_key(record: TlsaRecord) -> tuple[object, x509.Name | None] | None:
    """For matching type 0: the public key (and subject, for a certificate) the record holds."""
    try:
        if record.selector == Selector.CERT:
            cert = x509.load_der_x509_certificate(record.data)
            return cert.public_key(), cert.subject
        return serialization.load_der_public_key(record.data), None
    except (ValueError, TypeError):
        return None


def association_data(cert: x509.Certificate, selector: int, matching_type: int) -> bytes:
    """What a record with this selector and matching type holds for cert (RFC 6698 2.1.2-3)."""
    content = cert.public_bytes(serialization.Encoding.DER) if selector == 0 else spki_der(cert)
    if matching_type == MatchingType.SHA256:
        return hashlib.sha256(content).digest()
    if matching_type == MatchingType.SHA512:
        return hashlib.sha512(content).digest()
    return content


def record_matches_certificate(record: TlsaRecord, cert: x509.Certificate) -> bool:
    """Selector and matching type applied to cert equal the association data (usage aside)."""
    if record.selector not in (0, 1) or record.matching_type not in (0, 1, 2):
        return False
    return association_data(cert, record.selector, record.matching_type) == record.data


def tlsa_record_for(
    chain: Sequence[bytes], usage: int = Usage.DANE_EE, selector: int = 1, matching_type: int = 1
) -> TlsaRecord | None:
    """The record to publish for the presented leaf ('3 1 1' by default); None if no leaf."""
    if not chain:
        return None
    try:
        leaf = load_chain(chain[:1])[0]
    except BadCertificate:
        return None
    data = association_data(leaf, selector, matching_type)
    return TlsaRecord(usage, selector, matching_type, data)


@dataclass(frozen=True, slots=True)
class RecordCheck:
    """How one TLSA record fared against one presented chain."""

    record: str  # presentation format
    usable: bool
    matched: bool
    reason: str = ""  # unusable reason, or why a usable record did not match


@dataclass(frozen=True, slots=True)
class DaneMatch:
    """RFC 7672 section 3 for one presented chain: did at least one usable record match?"""

    matched: bool
    reason: str  # "" when matched; else "no_usable_tlsa", "no_chain", "bad_certificate",
    # "tlsa_no_match"
    detail: str = ""  # most telling per-record reason code when nothing matched
    matched_record: str = ""
    records: tuple[RecordCheck, ...] = ()
    message: str = ""  # e.g. the parse error of a bad certificate


@lru_cache(maxsize=2048)
def match_chain(
    records: tuple[TlsaRecord, ...],
    chain: tuple[bytes, ...],
    reference_names: tuple[str, ...],
    now: datetime,
) -> DaneMatch:
    """Match the TLSA RRset against a presented chain (DER, leaf first) per RFC 7672 section 3.

    reference_names are the MX host name and the TLSA base domain (RFC 7672 section 3.2.2);
    they only matter for DANE-TA. Cached: many domains share one probe.
    """
    if not usable_records(records):
        checks = tuple(
            RecordCheck(presentation(r), False, False, unusable_reason(r)) for r in records
        )
        return DaneMatch(False, "no_usable_tlsa", records=checks)
    if not chain:
        return DaneMatch(False, "no_chain")
    try:
        certs = load_chain(chain)
    except BadCertificate as exc:
        return DaneMatch(False, "bad_certificate", message=str(exc))
    checks = []
    superseded = superseded_digests(records)
    for record in records:
        why = unusable_reason(record)
        if why:
            checks.append(RecordCheck(presentation(record), False, False, why))
            continue
        if record.usage == Usage.DANE_EE:
            why = _check_dane_ee(record, certs)
        else:
            why = _check_dane_ta(record, certs, reference_names, now)
        if record in superseded:
            # It may match, but a client with digest agility does not use it.
            checks.append(
                RecordCheck(presentation(record), True, False, why or NO_MATCH_DIGEST_SUPERSEDED)
            )
            continue
        checks.append(RecordCheck(presentation(record), True, not why, why))
    matched = [c for c in checks if c.matched]
    if matched:
        return DaneMatch(True, "", matched_record=matched[0].record, records=tuple(checks))
    found = {c.reason for c in checks if c.usable}
    detail = next((r for r in _NO_MATCH_PRIORITY if r in found), "")
    return DaneMatch(False, "tlsa_no_match", detail=detail, records=tuple(checks))


def _check_dane_ee(record: TlsaRecord, certs: Sequence[x509.Certificate]) -> str:
    # RFC 7672 section 3.1.1: DANE-EE matches the leaf only; names and expiry are ignored.
    return "" if record_matches_certificate(record, certs[0]) else NO_MATCH_LEAF


def _check_dane_ta(
    record: TlsaRecord,
    certs: Sequence[x509.Certificate],
    reference_names: Sequence[str],
    now: datetime,
) -> str:
    """RFC 7672 section 3.1.2 and RFC 7671 section 5.2 for one DANE-TA record.

    The trust anchor is an issuer certificate in the presented chain that matches the record,
    or, for matching type 0, the key (or certificate) in the record itself, which may then be
    absent from the chain. From the leaf up to the anchor every link must be signed by the
    next, the issuers must be CAs, and the leaf and intermediates must be within their
    validity period; the anchor itself is trust-anchor information (RFC 5280 section 6.1.1
    d), so its own dates are not checked, just as a key-only anchor has none. The leaf's
    names must match the MX host name or the TLSA base domain (RFC 7672 section 3.2.2).
    """
    anchor_key = _full_key(record) if record.matching_type == MatchingType.FULL else None
    anchor_in_chain = any(record_matches_certificate(record, c) for c in certs[1:])
    if anchor_key is None and not anchor_in_chain:
        return NO_MATCH_ANCHOR_NOT_FOUND
    path = [certs[0]]
    used = {0}
    anchored = False
    while not anchored:
        current = path[-1]
        if anchor_key is not None:
            key, subject = anchor_key
            if (subject is None or subject == current.issuer) and signed_by(current, key):
                anchored = True
                break
        step = _next_issuer(current, certs, used, record)
        if step is None:
            return NO_MATCH_CHAIN_INVALID
        index, is_anchor = step
        used.add(index)
        if is_anchor:
            anchored = True
        else:
            path.append(certs[index])
    for cert in path:
        problem = validity_problem(cert, now)
        if problem:
            return NO_MATCH_EXPIRED if problem == "expired" else NO_MATCH_NOT_YET_VALID
    if not certificate_matches_any(certs[0], reference_names):
        return NO_MATCH_NAME
    return ""


def _next_issuer(
    current: x509.Certificate,
    certs: Sequence[x509.Certificate],
    used: set[int],
    record: TlsaRecord,
) -> tuple[int, bool] | None:
    """The presented certificate that issued current: (index, is it the anchor?), or None."""
    for index, candidate in enumerate(certs):
        if index in used or candidate.subject != current.issuer:
            continue
        if not signed_by(current, candidate.public_key()):
            continue
        if record_matches_certificate(record, candidate):
            return index, True
        if is_ca(candidate):
            return index, False
    return None


@dataclass(frozen=True, slots=True)
class Rollover:
    holds: bool
    reason: str  # "" or "rollover_single_record", "rollover_no_independent_record"


def judge_rollover(records: Iterable[TlsaRecord], current_leaves: Iterable[bytes]) -> Rollover:
    """Would DANE survive replacing the current certificate or key? (DESIGN.md section 2)

    At least two usable records (a digest that a stronger one supersedes does not count,
    RFC 7671 section 9), at least one of which still holds after the replacement:
    a DANE-TA record, or a DANE-EE record that matches none of the leaves presented now
    (the next key, published ahead of time as RFC 7671 section 8.1 advises).
    """
    usable = effective_records(records)
    if len(usable) < 2:
        return Rollover(False, "rollover_single_record")
    if any(r.usage == Usage.DANE_TA for r in usable):
        return Rollover(True, "")
    try:
        leaves = load_chain(tuple(current_leaves))
    except BadCertificate:
        leaves = ()
    for record in usable:
        if not any(record_matches_certificate(record, leaf) for leaf in leaves):
            return Rollover(True, "")
    return Rollover(False, "rollover_no_independent_record")
