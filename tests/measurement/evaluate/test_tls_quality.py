"""The TLS (NCSC) judgement of one address, and the fix lines of each finding.

Most categories are judged end to end on lab servers (tests/measurement/probe/
test_tls_quality.py). TLS compression and a server without secure renegotiation cannot
be served by the lab's OpenSSL 3 (lab/tls_profiles.py), nor can SSLv3 or RC4: those are
judged here from observations as the probe would record them.
"""

import dataclasses
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from lab import pki
from measurement.evaluate import tls_quality as q
from measurement.evaluate.ncsc_tables import Level
from measurement.evaluate.outcomes import CheckOutcome, Verdict
from measurement.evaluate.tls_advice import fix_lines
from measurement.probe.observations import (
    AcceptedSuite,
    Outcome,
    SmtpObservation,
    TlsQualityObservation,
)
from tests.measurement.evaluate.conftest import make_certificate

CA = make_certificate("Test CA", ca=True)
LEAF = make_certificate("mx.example.nl", issuer=CA, names=("mx.example.nl",))
GOOD = TlsQualityObservation(
    host="mx.example.nl",
    address="192.0.2.1",
    outcome=Outcome.OK,
    versions=("TLSv1.3",),
    refused_versions=("TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3", "SSLv2"),
    suites=(
        AcceptedSuite("TLSv1.3", "TLS_AES_256_GCM_SHA384", "X25519"),
        AcceptedSuite("TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256", "X25519"),
    ),
    chain=(LEAF.der, CA.der),
    tested=("versions", "suites", "groups"),
    connections=9,
)


def judged(**changes):
    return q.judge_tls_quality(dataclasses.replace(GOOD, **changes))


def test_tls_1_3_with_good_suites_and_a_p256_certificate_is_good_and_passes():
    verdict = judged()
    assert verdict.level is Level.GOOD
    assert verdict.verdict.outcome == "pass"
    assert verdict.findings == ()


def test_tls_1_2_with_aead_suites_is_sufficient_and_passes():
    verdict = judged(
        versions=("TLSv1.2",),
        suites=(AcceptedSuite("TLSv1.2", "ECDHE-ECDSA-AES128-GCM-SHA256", "secp256r1"),),
    )
    assert verdict.level is Level.SUFFICIENT
    assert verdict.verdict.outcome == "pass"


def test_phase_out_items_are_reported_but_do_not_fail():
    verdict = judged(
        suites=(*GOOD.suites, AcceptedSuite("TLSv1.2", "ECDHE-RSA-AES128-SHA256", "X25519")),
        kex_hashes=("sha1",),
    )
    assert verdict.level is Level.PHASE_OUT
    assert verdict.verdict.outcome == "pass"
    assert verdict.verdict.reasons == ("tls_cipher_phase_out", "tls_kex_hash_phase_out")


def test_sslv3_with_rc4_is_insufficient_twice_over():
    verdict = judged(
        versions=("TLSv1.3", "SSLv3"),
        suites=(*GOOD.suites, AcceptedSuite("SSLv3", "RC4-SHA")),
    )
    assert verdict.verdict.outcome == "fail"
    found = {f.code: f for f in verdict.findings}
    assert found[q.VERSION].subjects == ("SSLv3",)
    assert found[q.CIPHER].subjects == ("RC4-SHA",)


def test_compression_and_missing_secure_renegotiation_are_insufficient():
    verdict = judged(compression="zlib compression", secure_renegotiation=False)
    assert verdict.verdict.outcome == "fail"
    assert set(verdict.verdict.reasons) == {
        "tls_compression_insufficient",
        "tls_secure_renegotiation_insufficient",
    }


def test_a_weak_curve_and_ffdhe2048_are_named_in_the_findings():
    prime = bytes.fromhex("ff" * 8) + b"\x00" * 240 + bytes.fromhex("ff" * 8)
    verdict = judged(
        ec_groups=("secp192r1",),
        suites=(
            *GOOD.suites,
            AcceptedSuite("TLSv1.2", "DHE-RSA-AES128-GCM-SHA256", "DH", prime, 2),
        ),
    )
    subjects = {f.code: f.subjects for f in verdict.findings}
    assert subjects[q.EC_GROUP] == ("secp192r1",)
    assert subjects[q.DH_GROUP] == ("DH-2048",)  # not the RFC 7919 prime: custom
    assert verdict.verdict.outcome == "fail"


def test_certificate_keys_and_signatures_are_judged_but_not_the_root_s_own(tmp_path: Path):
    weak = make_certificate("mx.example.nl", issuer=CA, key=rsa.generate_private_key(65537, 1024))
    verdict = judged(chain=(weak.der, CA.der))
    assert [f.subjects for f in verdict.findings] == [("mx.example.nl: RSA-1024",)]
    authority = pki.create_authority(tmp_path)
    sha1 = pki.issue(authority, tmp_path, "mx.example.nl", "sha1")
    verdict = judged(chain=(sha1.leaf_der,))
    assert verdict.verdict.reasons == ("tls_cert_signature_insufficient",)
    ed = make_certificate("mx.example.nl", issuer=CA, key=ed25519.Ed25519PrivateKey.generate())
    assert judged(chain=(ed.der,)).level is Level.GOOD


def test_nothing_seen_is_not_testable_and_an_unfinished_assessment_only_fails_on_proof():
    verdict = judged(outcome=Outcome.NOT_SUPPORTED, versions=(), detail="no STARTTLS")
    assert verdict.verdict.outcome == "not_testable"
    assert verdict.level is None
    assert judged(complete=False).verdict.outcome == "not_testable"
    cut_short = judged(complete=False, versions=("TLSv1.3", "TLSv1"))
    assert cut_short.verdict.outcome == "fail"
    assert "tls_incomplete" in cut_short.verdict.reasons


def test_a_domain_passes_only_when_every_address_passes_and_names_where_each_finding_is():
    good, bad = judged().verdict, judged(versions=("TLSv1.3", "TLSv1")).verdict
    both_good = [("mx1.example.nl", "192.0.2.1", good), ("mx2.example.nl", "192.0.2.2", good)]
    assert q.domain_tls_ncsc(both_good, []).outcome == "pass"
    combined = q.domain_tls_ncsc([both_good[0], ("mx2.example.nl", "192.0.2.2", bad)], [])
    assert combined.outcome == "fail"
    assert combined.reasons == ("tls_version_insufficient",)
    assert combined.details["addresses"] == ["mx2.example.nl 192.0.2.2"]
    [finding] = [f for f in combined.details["findings"] if f["code"] == q.VERSION]
    assert finding["subjects"] == ["TLSv1"] and finding["addresses"] == ["mx2.example.nl 192.0.2.2"]
    assert q.finding_from_dict(finding) == q.Finding(q.VERSION, Level.INSUFFICIENT, ("TLSv1",))


def test_without_starttls_there_is_no_tls_to_judge_and_an_unassessed_address_is_not_testable():
    no_starttls = Verdict("starttls", CheckOutcome.FAIL, ("starttls_not_offered",))
    assert q.judge_address_tls(None, no_starttls) == Verdict(
        q.CHECK, CheckOutcome.FAIL, ("starttls_not_offered",)
    )
    works = Verdict("starttls", CheckOutcome.PASS)
    probe = SmtpObservation("mx.example.nl", "192.0.2.1", Outcome.OK, tls_version="TLSv1.3")
    assert q.judge_address_tls(probe, works).reasons == (q.NOT_ASSESSED,)
    assessed = dataclasses.replace(
        probe, tls_quality=dataclasses.replace(GOOD, versions=("TLSv1",))
    )
    assert q.judge_address_tls(assessed, works).outcome is CheckOutcome.FAIL


def test_the_fix_lines_name_what_was_found_for_postfix_and_exchange():
    versions = fix_lines(q.Finding(q.VERSION, Level.INSUFFICIENT, ("TLSv1.1", "TLSv1")))
    assert "smtpd_tls_protocols = >=TLSv1.2" in versions.postfix
    assert any(r"Protocols\TLS 1.0\Server" in line for line in versions.exchange)
    assert any(r"Protocols\TLS 1.1\Server" in line for line in versions.exchange)
    ciphers = fix_lines(q.Finding(q.CIPHER, Level.INSUFFICIENT, ("ECDHE-RSA-AES128-SHA",)))
    assert ciphers.exchange == (
        'Disable-TlsCipherSuite -Name "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"',
    )
    for code in q.FINDING_CODES:
        subject = "TLSv1" if code == q.VERSION else "x"
        lines = fix_lines(q.Finding(code, Level.INSUFFICIENT, (subject,)))
        assert lines.postfix and lines.exchange, code
