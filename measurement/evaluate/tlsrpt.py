"""TLS-RPT (RFC 8460 section 3): the _smtp._tls TXT record, parsed strictly, and its verdict."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from measurement.evaluate.outcomes import CheckOutcome, Verdict
from measurement.probe.observations import DnssecStatus, TlsRptObservation

CHECK = "tls_rpt"
_WSP = " \t"
_EXT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
_EXT_VALUE = re.compile(r"[\x21-\x3a\x3c\x3e-\x7e]+")  # no '=', ';', space or controls
# RFC 3986 URI characters (unreserved, reserved, '%'); ',' and ';' must be percent-encoded
# inside a rua URI because they delimit (RFC 8460 section 3).
_URI_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+=%]+")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+=%]+")
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
        return bool(_ADDR.fullmatch(rest.split("?", 1)[0].split("!", 1)[0]))
    if scheme == "https":
        try:
            return bool(urlsplit(uri).hostname)
        except ValueError:
            return False
    return False


def parse_tlsrpt_record(text: str) -> TlsRptRecord:
    """Parse one record per the ABNF of RFC 8460 section 3; ValueError says why not.

    tlsrpt-record = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim], with
    field-delim = *WSP ";" *WSP; rua (required, once) is a comma-separated URI list.
    """
    parts = [part.strip(_WSP) for part in text.split(";")]
    if parts[0] != "v=TLSRPTv1":
        raise ValueError("record does not start with v=TLSRPTv1")
    fields = parts[1:]
    if fields and fields[-1] == "":
        fields = fields[:-1]
    if not fields:
        raise ValueError("no fields after v=TLSRPTv1")
    rua: tuple[str, ...] | None = None
    extensions = []
    for field_text in fields:
        name, sep, value = field_text.partition("=")
        if not sep:
            raise ValueError(f"field {field_text!r} is not name=value")
        if name == "rua":
            if rua is not None:
                raise ValueError("rua appears more than once")
            rua = tuple(uri.strip(_WSP) for uri in value.split(","))
            bad = [uri for uri in rua if not _URI.fullmatch(uri)]
            if bad:
                raise ValueError(f"rua holds something that is not a URI: {bad[0][:80]!r}")
        elif _EXT_NAME.fullmatch(name) and _EXT_VALUE.fullmatch(value):
            extensions.append((name, value))
        else:
            raise ValueError(f"field {field_text!r} is not a valid extension")
    if rua is None:
        raise ValueError("no rua field")
    usable = tuple(uri for uri in rua if rua_uri_usable(uri))
    if not usable:
        raise ValueError("rua has no usable mailto: or https: URI")
    return TlsRptRecord(rua, usable, tuple(extensions))


@dataclass(frozen=True, slots=True)
class TlsRptJudgement:
    status: str  # "valid", "missing", "multiple", "invalid"
    record: TlsRptRecord | None = None
    error: str = ""
    text: str = ""


def judge_tlsrpt_txt(records: Sequence[str]) -> TlsRptJudgement:
    """RFC 8460 section 3: keep records starting with v=TLSRPTv1; exactly one, and valid."""
    candidates = [r for r in records if r.startswith("v=TLSRPTv1")]
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
