"""The TLS quality of one MX address judged per the NCSC TLS guidelines (ncsc_tables.py).

judge_tls_quality(observation) returns the findings worse than good, each with its level
and its evidence, and the address's overall level (the worst finding). The check passes
when nothing is insufficient: the reading of Internet.nl's "secure mail server
connection", where phase-out items are shown but do not fail the test. judge_address_tls
gives an address's "TLS (NCSC)" verdict, domain_tls_ncsc a domain's (every address).
"""

from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

from measurement.evaluate import ncsc_tables as ncsc
from measurement.evaluate.ncsc_tables import Level
from measurement.evaluate.outcomes import CheckOutcome, Verdict, combine
from measurement.probe.observations import Outcome, SmtpObservation, TlsQualityObservation

CHECK = "tls_ncsc"

NOT_ASSESSED = "tls_not_assessed"  # STARTTLS works, but this scan did not assess the address
# Finding codes: stable machine names, explained in measurement/explanations/tls_texts.py.
VERSION = "tls_version"
CIPHER = "tls_cipher"
EC_GROUP = "tls_ec_group"
DH_GROUP = "tls_dh_group"
KEX_HASH = "tls_kex_hash"
COMPRESSION = "tls_compression"
SECURE_RENEGOTIATION = "tls_secure_renegotiation"
CLIENT_RENEGOTIATION = "tls_client_renegotiation"
CERT_KEY = "tls_cert_key"
CERT_SIGNATURE = "tls_cert_signature"
INCOMPLETE = "tls_incomplete"
FINDING_CODES = (
    VERSION,
    CIPHER,
    EC_GROUP,
    DH_GROUP,
    KEX_HASH,
    COMPRESSION,
    SECURE_RENEGOTIATION,
    CLIENT_RENEGOTIATION,
    CERT_KEY,
    CERT_SIGNATURE,
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing worse than good: what (code), how bad (level) and what was seen (subjects)."""

    code: str
    level: Level
    subjects: tuple[str, ...]

    @property
    def reason(self) -> str:
        """The reason string of the verdict, e.g. 'tls_version_insufficient'."""
        return f"{self.code}_{self.level.label}"


@dataclass(frozen=True, slots=True)
class TlsQualityVerdict:
    host: str
    address: str
    verdict: Verdict  # check "tls_ncsc": pass, fail or not_testable
    level: Level | None  # the worst level seen; None when nothing could be seen
    findings: tuple[Finding, ...] = ()


def judge_tls_quality(observation: TlsQualityObservation) -> TlsQualityVerdict:
    host, address = observation.host, observation.address
    if observation.outcome is not Outcome.OK or not observation.versions:
        reason = f"tls_{observation.outcome.value}"
        verdict = Verdict(
            CHECK, CheckOutcome.NOT_TESTABLE, (reason,), {"detail": observation.detail}
        )
        return TlsQualityVerdict(host, address, verdict, None)
    everything = (
        *_version_findings(observation),
        *_suite_findings(observation),
        *_group_findings(observation),
        *_kex_hash_findings(observation),
        *_option_findings(observation),
        *certificate_findings(observation.chain),
    )
    # A configuration is as good as the weakest thing it allows (NCSC 2.1 section 3.1).
    level = max((f.level for f in everything), default=Level.GOOD)
    findings = tuple(f for f in everything if f.level >= Level.PHASE_OUT)
    failed = level is Level.INSUFFICIENT
    reasons = tuple(f.reason for f in findings)
    if not observation.complete:
        reasons += (INCOMPLETE,)
    outcome = CheckOutcome.FAIL if failed else CheckOutcome.PASS
    if not failed and not observation.complete:
        outcome = CheckOutcome.NOT_TESTABLE  # an unseen part may be insufficient
    details = {
        "level": level.label,
        "connections": observation.connections,
        "assessed_at": observation.assessed_at,
        "findings": [finding_as_dict(f) for f in findings],
    }
    return TlsQualityVerdict(
        host, address, Verdict(CHECK, outcome, reasons, details), level, findings
    )


def judge_address_tls(probe: SmtpObservation | None, starttls: Verdict) -> Verdict:
    """An address's TLS (NCSC): without a working STARTTLS there is no TLS to judge, and
    the address fails or is not testable as STARTTLS says; else its assessment decides."""
    if starttls.outcome is not CheckOutcome.PASS:
        return Verdict(CHECK, starttls.outcome, starttls.reasons)
    if probe is None or probe.tls_quality is None:
        return Verdict(CHECK, CheckOutcome.NOT_TESTABLE, (NOT_ASSESSED,))
    return judge_tls_quality(probe.tls_quality).verdict


def domain_tls_ncsc(addresses: list[tuple[str, str, Verdict]], extra: list[Verdict]) -> Verdict:
    """A domain's "TLS (NCSC)": every tested address of every MX host must pass. The
    details name the addresses that decided it and each finding with where it was seen."""
    outcome = combine([v.outcome for _, _, v in addresses] + [v.outcome for v in extra])
    reasons = tuple(
        dict.fromkeys(
            r
            for v in [*(v for _, _, v in addresses), *extra]
            if v.outcome is outcome
            for r in v.reasons
        )
    )
    findings: dict[tuple[str, str], dict] = {}
    for host, address, verdict in addresses:
        for found in verdict.details.get("findings", ()):
            merged = findings.setdefault(
                (found["code"], found["level"]), found | {"subjects": [], "addresses": []}
            )
            merged["subjects"] = list(dict.fromkeys([*merged["subjects"], *found["subjects"]]))
            merged["addresses"].append(f"{host} {address}")
    failing = sorted(
        f"{host} {address}"
        for host, address, verdict in addresses
        if verdict.outcome is outcome and outcome is not CheckOutcome.PASS
    )
    details = {"addresses": failing, "findings": list(findings.values())}
    return Verdict(CHECK, outcome, reasons, details)


def finding_as_dict(finding: Finding) -> dict:
    return {"code": finding.code, "level": finding.level.label, "subjects": list(finding.subjects)}


def finding_from_dict(stored: dict) -> Finding:
    """A finding as the evidence stores it (finding_as_dict), for its explanation."""
    return Finding(stored["code"], Level[stored["level"].upper()], tuple(stored["subjects"]))


def _version_findings(observation: TlsQualityObservation) -> list[Finding]:
    by_level: dict[Level, list[str]] = {}
    for version in observation.versions:
        by_level.setdefault(ncsc.version_level(version), []).append(version)
    return [Finding(VERSION, level, tuple(v)) for level, v in sorted(by_level.items())]


def _suite_findings(observation: TlsQualityObservation) -> list[Finding]:
    by_level: dict[Level, dict[str, None]] = {}
    for suite in observation.suites:
        by_level.setdefault(ncsc.cipher_level(suite.cipher), {})[suite.cipher] = None
    return [Finding(CIPHER, level, tuple(names)) for level, names in sorted(by_level.items())]


def _group_findings(observation: TlsQualityObservation) -> list[Finding]:
    found: list[Finding] = []
    curves = dict.fromkeys(
        [
            *observation.ec_groups,
            *(s.group for s in observation.suites if s.group not in ("", "DH")),
        ]
    )
    for curve in curves:
        found.append(Finding(EC_GROUP, ncsc.ec_group_level(curve), (curve,)))
    seen: set[str] = set()
    for suite in observation.suites:
        if suite.group != "DH" or not suite.dh_prime:
            continue
        name, level = ncsc.dh_group_level(suite.dh_prime, suite.dh_generator)
        if name not in seen:
            seen.add(name)
            found.append(Finding(DH_GROUP, level, (name,)))
    return found


def _kex_hash_findings(observation: TlsQualityObservation) -> list[Finding]:
    by_level: dict[Level, list[str]] = {}
    for name in observation.kex_hashes:
        by_level.setdefault(ncsc.kex_hash_level(name), []).append(name)
    return [Finding(KEX_HASH, level, tuple(names)) for level, names in sorted(by_level.items())]


def _option_findings(observation: TlsQualityObservation) -> list[Finding]:
    found = []
    if observation.compression:
        found.append(Finding(COMPRESSION, ncsc.COMPRESSION_LEVEL, (observation.compression,)))
    if observation.secure_renegotiation is False:
        found.append(
            Finding(SECURE_RENEGOTIATION, ncsc.NO_SECURE_RENEGOTIATION_LEVEL, ("RFC 5746",))
        )
    if observation.client_renegotiation:
        found.append(
            Finding(CLIENT_RENEGOTIATION, ncsc.CLIENT_RENEGOTIATION_LEVEL, ("renegotiation",))
        )
    return found


def certificate_findings(chain: tuple[bytes, ...]) -> list[Finding]:
    """The public key and signature of each certificate the server sent, except a
    self-signed one after the leaf: a trust anchor's own signature proves nothing."""
    found = []
    for position, der in enumerate(chain):
        try:
            cert = x509.load_der_x509_certificate(der)
        except ValueError:
            continue  # an unparsable certificate is the PKIX check's finding
        name = _subject(cert, position)
        if position and cert.issuer == cert.subject:
            continue
        key_name, key_level = public_key_level(cert.public_key())
        found.append(Finding(CERT_KEY, key_level, (f"{name}: {key_name}",)))
        hash_name = signature_hash_name(cert)
        found.append(
            Finding(CERT_SIGNATURE, ncsc.signature_hash_level(hash_name), (f"{name}: {hash_name}",))
        )
    return found


def public_key_level(key) -> tuple[str, Level]:
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA-{key.key_size}", ncsc.rsa_key_level(key.key_size)
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name}", ncsc.cert_curve_level(key.curve.name)
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", ncsc.cert_curve_level("ed25519")
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", ncsc.cert_curve_level("ed448")
    if isinstance(key, dsa.DSAPublicKey):
        return f"DSA-{key.key_size}", Level.INSUFFICIENT
    return type(key).__name__, Level.INSUFFICIENT


def signature_hash_name(cert: x509.Certificate) -> str:
    """'sha256', 'sha1', 'md5', 'ed25519'; RSA-PSS reports its hash."""
    try:
        algorithm = cert.signature_hash_algorithm
    except Exception:  # an unsupported algorithm (cryptography raises UnsupportedAlgorithm)
        return cert.signature_algorithm_oid.dotted_string
    if algorithm is None:
        return cert.signature_algorithm_oid._name.lower()
    return algorithm.name.replace("-", "")


def _subject(cert: x509.Certificate, position: int) -> str:
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    common = str(names[0].value) if names else ""
    return common or ("leaf" if position == 0 else f"certificate {position + 1}")
