"""TLS-RPT (RFC 8460 section 3): the _smtp._tls TXT record, parsed strictly, and its verdict."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from measurement.evaluate.mtasts import record_fields
from measurement.evaluate.outcomes import CheckOutcome, Verdict
from measurement.probe.observations import DnssecStatus, TlsRptObservation

CHECK = "tls_rpt"
_EXT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
_EXT_VALUE = re.compile(r"[\x21-\x3a\x3c\x3e-\x7e]+")  # no '=', ';', space or controls
# RFC 3986 URI characters (unreserved, reserved, '%'), less the three that RFC 8460
# section 3 says MUST be percent-encoded in a tlsrpt-uri: ',' and ';' delimit, and '!'
# (unlike DMARC's rua, TLS-RPT has no "!size" suffix: "mailto:a@b.nl!10m" is no tlsrpt-uri).
_URI_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@$&'()*+=%]+")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:/?#\[\]@$&'()*+=%]+")
_ADDR = re.compile(r"[^@\s]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")


@dataclass(frozen=True, slots=True)
class TlsRptRecord:
    rua: tuple[str, ...]  # every URI as written
    usable_rua: tuple[str, ...]  # the mailto: and https: ones that are well formed
    extensions: tuple[tuple[str, str], ...] = ()


def rua_uri_usable(uri: str) -> bool:
    """A mailto: URI with an address, or an https: URI with a host (RFC 8460 section 3)."""
    if not _URI_CHARS.fullmatch(uri):
        return False
    scheme, _, rest = uri.partition(":")
    scheme = scheme.lower()
    if scheme == "mailto":
        return bool(_ADDR.fullmatch(rest.split("?", 1)[0]))
    if scheme == "https":
        try:
            return bool(urlsplit(uri).hostname)
        except ValueError:
            return False
    return False


def parse_tlsrpt_record(text: str) -> TlsRptRecord:
    """Parse one record per the ABNF of RFC 8460 section 3; ValueError says why not.

    tlsrpt-record = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim], with
    field-delim = *WSP ";" *WSP and tlsrpt-field = tlsrpt-rua / tlsrpt-extension. The
    grammar lets rua appear more than once and allows extensions: such a record is valid
    and every rua URI counts. A rua field that is no URI list only matches as an
    extension; at least one real tlsrpt-rua is required.
    """
    rua: list[str] = []
    found_rua = False
    extensions = []
    for field_text in record_fields(text, "v=TLSRPTv1"):
        name, _, value = field_text.partition("=")
        uris = _rua_uris(value) if name == "rua" else None
        if uris is not None:
            found_rua = True
            rua += uris
        elif _EXT_NAME.fullmatch(name) and _EXT_VALUE.fullmatch(value):
            extensions.append((name, value))
        else:
            raise ValueError(f"field {field_text[:80]!r} is not rua=<URIs> or name=value")
    if not found_rua:
        not_uris = next((v for n, v in extensions if n == "rua"), None)
        if not_uris is not None:
            raise ValueError(
                f"rua={not_uris[:80]} is no list of URIs (',', ';' and '!' must be %-encoded)"
            )
        raise ValueError("no rua field with URIs")
    usable = tuple(uri for uri in rua if rua_uri_usable(uri))
    if not usable:
        raise ValueError("rua has no usable mailto: or https: URI")
    return TlsRptRecord(tuple(rua), usable, tuple(extensions))


_URI_SEPARATOR = re.compile(r"[ \t]*,[ \t]*")


def _rua_uris(value: str) -> list[str] | None:
    """tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri), or None when value is not that."""
    uris = _URI_SEPARATOR.split(value)
    return uris if all(_URI.fullmatch(uri) for uri in uris) else None


@dataclass(frozen=True, slots=True)
class TlsRptJudgement:
    status: str  # "valid", "missing", "multiple", "invalid"
    record: TlsRptRecord | None = None
    error: str = ""
    text: str = ""


def judge_tlsrpt_txt(records: Sequence[str]) -> TlsRptJudgement:
    """RFC 8460 section 3: records that do not begin with "v=TLSRPTv1;" are discarded;
    exactly one must remain, and it must match the grammar."""
    candidates = [r for r in records if r.startswith("v=TLSRPTv1;")]
    if not candidates:
        return TlsRptJudgement("missing")
    if len(candidates) > 1:
        return TlsRptJudgement("multiple", error=f"{len(candidates)} records")
    try:
        return TlsRptJudgement("valid", parse_tlsrpt_record(candidates[0]), text=candidates[0])
    except ValueError as exc:
        return TlsRptJudgement("invalid", error=str(exc), text=candidates[0])


def judge_tls_rpt(observation: TlsRptObservation | None) -> Verdict:
    """Pass: exactly one valid v=TLSRPTv1 record with a usable mailto: or https: rua."""
    if observation is None:
        return Verdict(CHECK, CheckOutcome.NOT_TESTABLE, ("tls_rpt_not_observed",))
    txt = observation.txt
    if txt.status is DnssecStatus.BOGUS:
        return Verdict(CHECK, CheckOutcome.FAIL, ("tls_rpt_bogus",))
    if txt.status is DnssecStatus.INDETERMINATE or txt.rcode in ("SERVFAIL", "TIMEOUT"):
        return Verdict(
            CHECK, CheckOutcome.NOT_TESTABLE, ("tls_rpt_lookup_failed",), {"rcode": txt.rcode}
        )
    judged = judge_tlsrpt_txt(txt.records)
    if judged.status == "valid":
        return Verdict(
            CHECK,
            CheckOutcome.PASS,
            (),
            {"record": judged.text, "rua": list(judged.record.usable_rua)},
        )
    reason = {"missing": "tls_rpt_missing", "multiple": "tls_rpt_multiple"}.get(
        judged.status, "tls_rpt_invalid"
    )
    return Verdict(
        CHECK, CheckOutcome.FAIL, (reason,), {"records": list(txt.records), "error": judged.error}
    )
