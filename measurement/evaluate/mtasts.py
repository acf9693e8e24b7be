"""MTA-STS (RFC 8461): strict parsing of the TXT record and the policy, MX patterns, verdict."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from measurement.evaluate import pkix
from measurement.evaluate.outcomes import CheckOutcome, Verdict, unique
from measurement.probe.observations import DnssecStatus, MtaStsObservation, Outcome

CHECK = "mta_sts"
MAX_POLICY_BYTES = 64 * 1024  # RFC 8461 section 3.3 lets senders cap the size; 64 KiB
MAX_AGE_LIMIT = 31_557_600  # RFC 8461 section 3.2: about one year
MODES = ("enforce", "testing", "none")

# --- the _mta-sts TXT record (RFC 8461 section 3.1) -------------------------------------

_WSP = " \t"
STS_PREFIX = "v=STSv1;"  # RFC 8461 section 3.1: only records that begin with this count
_STS_ID = re.compile(r"[A-Za-z0-9]{1,32}")
_EXT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
_EXT_VALUE = re.compile(r"[\x21-\x3a\x3c\x3e-\x7e]+")  # no '=', ';', space or controls


@dataclass(frozen=True, slots=True)
class StsRecord:
    id: str
    extensions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class TxtJudgement:
    status: str  # "valid", "missing", "multiple", "invalid"
    record: StsRecord | None = None
    error: str = ""
    text: str = ""


def parse_sts_record(text: str) -> StsRecord:
    """Parse one TXT record per the ABNF of RFC 8461 section 3.1; ValueError says why not.

    sts-text-record = sts-version 1*(sts-field-delim sts-field) [sts-field-delim], with
    sts-field-delim = *WSP ";" *WSP: whitespace only around a ";", never at the ends of
    the record (unless after a final ";"). A field is sts-id or an extension; the id is
    required. "id=..." with a value that is no sts-id still matches sts-extension, and a
    second sts-id is grammatical too: the first sts-id counts, the rest are ignored, as
    unknown fields are (section 3.2: parsers MUST accept grammatical records).
    """
    sts_id = None
    extensions = []
    for field_text in record_fields(text, "v=STSv1"):
        name, _, value = field_text.partition("=")
        if name == "id" and _STS_ID.fullmatch(value):
            sts_id = sts_id or value
        elif _EXT_NAME.fullmatch(name) and _EXT_VALUE.fullmatch(value):
            extensions.append((name, value))
        else:
            raise ValueError(f"field {field_text[:80]!r} is not id=... or name=value")
    if sts_id is None:
        raise ValueError("no id field of 1 to 32 letters and digits")
    return StsRecord(sts_id, tuple(extensions))


_FIELD_DELIM = re.compile(r"[ \t]*;[ \t]*")


def record_fields(text: str, version: str) -> list[str]:
    """The fields of `version 1*(field-delim field) [field-delim]`, field-delim being
    *WSP ";" *WSP (RFC 8461 section 3.1, RFC 8460 section 3); ValueError when the text
    does not have that shape. The fields themselves are left to the caller."""
    parts = _FIELD_DELIM.split(text)
    if parts[0] != version:
        raise ValueError(f"record does not start with {version}")
    fields = parts[1:]
    if fields and fields[-1] == "":
        fields.pop()  # the optional final delimiter
    if not fields:
        raise ValueError(f"no fields after {version}")
    if "" in fields:
        raise ValueError("an empty field between two ';'")
    return fields


def judge_sts_txt(records: Sequence[str]) -> TxtJudgement:
    """RFC 8461 section 3.1: records that do not begin with "v=STSv1;" are discarded (so
    "v=STSv10;", "v=STSv1.1;" and a bare "v=STSv1" too); exactly one must remain, and it
    must match the grammar."""
    candidates = [r for r in records if r.startswith(STS_PREFIX)]
    if not candidates:
        return TxtJudgement("missing")
    if len(candidates) > 1:
        return TxtJudgement("multiple", error=f"{len(candidates)} records start with v=STSv1;")
    try:
        return TxtJudgement("valid", parse_sts_record(candidates[0]), text=candidates[0])
    except ValueError as exc:
        return TxtJudgement("invalid", error=str(exc), text=candidates[0])


# --- the policy (RFC 8461 section 3.2) ---------------------------------------------------

_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
_MX_PATTERN = re.compile(
    r"(\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
)
_MAX_AGE = re.compile(r"[0-9]{1,10}")
# sts-policy-ext-value: sts-policy-vchar (VCHAR or UTF-8 beyond ASCII) with inner spaces,
# %x20 only, no tab (section 3.2 ABNF).
_VALUE = re.compile(r"[^\x00-\x20\x7f](?:[^\x00-\x1f\x7f]*[^\x00-\x20\x7f])?")


@dataclass(frozen=True, slots=True)
class Policy:
    """A parsed policy; valid when errors is empty."""

    version: str = ""
    mode: str = ""
    max_age: int | None = None
    mx: tuple[str, ...] = ()
    extensions: tuple[tuple[str, str], ...] = ()
    errors: tuple[str, ...] = ()  # each names the line: "line 3: ..."
    warnings: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.errors


def parse_policy(text: str) -> Policy:
    """Parse a policy body strictly: RFC 8461 section 3.2, lines ending in CRLF or LF.

    version, mode and max_age are required; when one appears more than once, the first
    occurrence counts and the rest are ignored with a warning. mx one or more times (it may
    be absent in mode none); unknown keys are kept as extensions and otherwise ignored.
    Every line that breaks the grammar is reported by number. Blank lines are tolerated
    with a warning: the ABNF has no place for them, but they change nothing a sender reads.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_POLICY_BYTES:
        return Policy(errors=(f"policy larger than {MAX_POLICY_BYTES} bytes",))
    values, mx, extensions, errors, warnings = _read_fields(text)
    for key in ("version", "mode", "max_age"):
        if key not in values:
            errors.append(f"{key} is missing")
    mode = values.get("mode", "")
    if not mx and mode in ("enforce", "testing"):
        errors.append("no mx pattern")
    max_age = values.get("max_age", "")
    return Policy(
        version=values.get("version", ""),
        mode=mode if mode in MODES else "",
        max_age=int(max_age) if _MAX_AGE.fullmatch(max_age) else None,
        mx=tuple(mx),
        extensions=tuple(extensions),
        errors=tuple(errors),
        warnings=tuple(warnings),
    )


def _read_fields(text: str):
    """Each line of a policy as a field: (values, mx, extensions, errors, warnings)."""
    errors: list[str] = []
    warnings: list[str] = []
    values: dict[str, str] = {}
    mx: list[str] = []
    extensions: list[tuple[str, str]] = []
    # Split on LF, then drop one CR before it: CRLF and LF may even be mixed (the ABNF's
    # sts-policy-term is LF / CRLF per line). A stray CR elsewhere is a bad character.
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the optional final terminator
    for number, raw in enumerate(lines, start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line.strip(_WSP):
            warnings.append(f"line {number}: empty line")
            continue
        key, sep, rest = line.partition(":")
        if not sep or not _KEY.fullmatch(key):
            errors.append(f"line {number}: not 'key: value': {line[:80]!r}")
            continue
        value = rest.strip(_WSP)  # field-delim = ":" *WSP, and *WSP after the field
        if not _VALUE.fullmatch(value):
            errors.append(f"line {number}: bad or empty value for {key!r}")
            continue
        if key == "mx":
            if _MX_PATTERN.fullmatch(value):
                mx.append(value.lower())
            else:
                errors.append(f"line {number}: mx {value!r} is not a host name or *.pattern")
        elif key in ("version", "mode", "max_age"):
            if key in values:
                # The first occurrence counts; a repeat is ignored, not an error.
                warnings.append(f"line {number}: {key} repeated, ignored")
                continue
            values[key] = value
            problem = _field_problem(key, value)
            if problem:
                errors.append(f"line {number}: {problem}")
        else:
            extensions.append((key, value))
    return values, mx, extensions, errors, warnings


def _field_problem(key: str, value: str) -> str:
    if key == "version" and value != "STSv1":
        return f"version {value!r} is not STSv1"
    if key == "mode" and value not in MODES:
        return f"mode {value!r} is not enforce, testing or none"
    if key == "max_age":
        if not _MAX_AGE.fullmatch(value):
            return f"max_age {value!r} is not 1 to 10 digits"
        if int(value) > MAX_AGE_LIMIT:
            return f"max_age {value} is above {MAX_AGE_LIMIT}"
    return ""


def mx_pattern_matches(pattern: str, host: str) -> bool:
    """RFC 8461 section 4.1: exact, or '*.' standing for exactly one left-most label."""
    pattern = pattern.lower().rstrip(".")
    host = host.lower().rstrip(".")
    if pattern.startswith("*."):
        label, _, rest = host.partition(".")
        return bool(label) and rest == pattern[2:]
    return pattern == host


def uncovered_mx_hosts(patterns: Sequence[str], hosts: Sequence[str]) -> tuple[str, ...]:
    return tuple(h for h in hosts if not any(mx_pattern_matches(p, h) for p in patterns))


def content_type_is_text_plain(value: str) -> bool:
    """RFC 8461 section 3.3: media type text/plain; parameters such as charset are fine."""
    return value.split(";", 1)[0].strip().lower() == "text/plain"


# --- the verdict (DESIGN.md section 2) ----------------------------------------------------

_FETCH_NOT_TESTABLE = {
    Outcome.TIMEOUT,
    Outcome.REFUSED,
    Outcome.UNREACHABLE,
    Outcome.RATE_LIMITED,
    Outcome.NOT_ALLOWED,
}


@dataclass(frozen=True, slots=True)
class MxCertificate:
    """Web-PKI state of one MX host's certificates, as the domain verdict computed it."""

    outcome: CheckOutcome  # pass: valid on every address; fail; not_testable
    reason: str = ""


def judge_mta_sts(
    observation: MtaStsObservation | None,
    *,
    mx_hosts: Sequence[str],
    mx_certificates: Mapping[str, MxCertificate],
    trust_store: pkix.TrustStore,
    now: datetime,
) -> tuple[Verdict, str]:
    """The MTA-STS verdict and the policy mode ('' when there is no valid policy).

    Pass: one valid v=STSv1 TXT, a policy fetched with HTTP 200, text/plain and a Web-PKI
    valid certificate for mta-sts.<domain>, a valid policy in mode enforce, every MX host
    covered by an mx pattern and every MX certificate Web-PKI valid for its host name
    (RFC 8461 sections 3 and 4). Testing mode fails with reason mta_sts_mode_testing and is
    reported through the mode.
    """
    if observation is None:
        return _verdict(CheckOutcome.NOT_TESTABLE, "mta_sts_not_observed")
    facts: dict = {}
    found = (
        _txt_verdict(observation, facts)
        or _fetch_verdict(observation, facts)
        or _delivery_verdict(observation, facts, trust_store, now)
    )
    if found:
        return found
    policy = parse_policy(observation.policy_text)
    facts |= {"policy_mode": policy.mode, "max_age": policy.max_age, "mx_patterns": list(policy.mx)}
    if not policy.valid:
        too_large = any("larger than" in e for e in policy.errors)
        reason = "mta_sts_policy_too_large" if too_large else "mta_sts_policy_invalid"
        return _verdict(CheckOutcome.FAIL, reason, errors=list(policy.errors), **facts)
    if policy.warnings:
        facts["warnings"] = list(policy.warnings)
    return _policy_verdict(policy, mx_hosts, mx_certificates, facts)


def _verdict(outcome: CheckOutcome, *reasons: str, mode: str = "", **details):
    return Verdict(CHECK, outcome, unique(reasons), details), mode


def _txt_verdict(observation: MtaStsObservation, facts: dict) -> tuple[Verdict, str] | None:
    """The _mta-sts TXT record (RFC 8461 section 3.1): a verdict when it decides one."""
    txt = observation.txt
    if txt.status is DnssecStatus.BOGUS:
        return _verdict(CheckOutcome.FAIL, "mta_sts_txt_bogus")
    if txt.status is DnssecStatus.INDETERMINATE or txt.rcode in ("SERVFAIL", "TIMEOUT"):
        return _verdict(CheckOutcome.NOT_TESTABLE, "mta_sts_txt_lookup_failed", rcode=txt.rcode)
    judged = judge_sts_txt(txt.records)
    if judged.status != "valid":
        return _verdict(
            CheckOutcome.FAIL,
            f"mta_sts_txt_{judged.status}" if judged.status != "missing" else "mta_sts_missing",
            txt=list(txt.records),
            error=judged.error,
        )
    facts.update(txt=judged.text, id=judged.record.id, policy_url=observation.policy_url)
    return None


def _fetch_verdict(observation: MtaStsObservation, facts: dict) -> tuple[Verdict, str] | None:
    """The policy fetch: a verdict when it did not succeed."""
    fetch = observation.fetch_outcome
    if fetch is None:
        return _verdict(CheckOutcome.NOT_TESTABLE, "mta_sts_policy_not_fetched", **facts)
    if fetch is Outcome.ERROR:
        return _verdict(CheckOutcome.ERROR, "probe_error", detail=observation.fetch_detail)
    if fetch in _FETCH_NOT_TESTABLE:
        return _verdict(
            CheckOutcome.NOT_TESTABLE,
            "mta_sts_policy_unreachable",
            detail=observation.fetch_detail,
            **facts,
        )
    if fetch is not Outcome.OK:
        reason = "mta_sts_policy_fetch_failed"
        if fetch is Outcome.NOT_SUPPORTED:
            reason = "mta_sts_policy_host_not_found"
        elif "larger than" in observation.fetch_detail:
            reason = "mta_sts_policy_too_large"
        return _verdict(CheckOutcome.FAIL, reason, detail=observation.fetch_detail, **facts)
    return None


def _delivery_verdict(
    observation: MtaStsObservation, facts: dict, trust_store: pkix.TrustStore, now: datetime
) -> tuple[Verdict, str] | None:
    """How the policy was served (RFC 8461 section 3.3): certificate, status, media type."""
    reasons = []
    policy_host = f"mta-sts.{observation.domain}"
    certificate = pkix.validate_chain(observation.chain, policy_host, trust_store, now)
    if not certificate.valid:
        reasons.append("mta_sts_policy_certificate_invalid")
    facts["policy_certificate"] = certificate.reason or "valid"
    if observation.http_status != 200:
        reasons.append("mta_sts_policy_http_status")
        facts["http_status"] = observation.http_status
    if not content_type_is_text_plain(observation.content_type):
        reasons.append("mta_sts_policy_content_type")
        facts["content_type"] = observation.content_type
    if reasons:
        # Without a usable fetch a sender has no policy: the body does not count.
        return _verdict(CheckOutcome.FAIL, *reasons, detail=observation.fetch_detail, **facts)
    return None


def _policy_verdict(
    policy: Policy,
    mx_hosts: Sequence[str],
    mx_certificates: Mapping[str, MxCertificate],
    facts: dict,
) -> tuple[Verdict, str]:
    """A valid policy: its mode, the MX hosts it covers and their certificates."""
    reasons = []
    mode = policy.mode
    if mode == "testing":
        reasons.append("mta_sts_mode_testing")
    elif mode == "none":
        reasons.append("mta_sts_mode_none")
    if mode != "none":
        uncovered = uncovered_mx_hosts(policy.mx, mx_hosts)
        if uncovered:
            reasons.append("mta_sts_mx_not_covered")
            facts["mx_not_covered"] = list(uncovered)
    states = {host: mx_certificates.get(host) for host in mx_hosts}
    invalid = {h: s.reason for h, s in states.items() if s and s.outcome is CheckOutcome.FAIL}
    if invalid and mode != "none":
        reasons.append("mta_sts_mx_certificate_invalid")
        facts["mx_certificate_invalid"] = invalid
    if reasons:
        return _verdict(CheckOutcome.FAIL, *reasons, mode=mode, **facts)
    unknown = [h for h, s in states.items() if s is None or s.outcome is not CheckOutcome.PASS]
    if unknown:
        facts["mx_not_testable"] = unknown
        return _verdict(CheckOutcome.NOT_TESTABLE, "mx_not_testable", mode=mode, **facts)
    return _verdict(CheckOutcome.PASS, mode=mode, **facts)
