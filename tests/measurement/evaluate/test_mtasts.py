import dataclasses

import pytest

from measurement.evaluate import mtasts, pkix
from measurement.evaluate.mtasts import MxCertificate
from measurement.evaluate.outcomes import CheckOutcome
from measurement.probe.observations import DnsAnswer, DnssecStatus, MtaStsObservation, Outcome
from tests.measurement.evaluate.conftest import NOW

GOOD_POLICY = (
    "version: STSv1\nmode: enforce\nmx: mx1.example.nl\nmx: *.provider.nl\nmax_age: 86400\n"
)


@pytest.mark.parametrize(
    ("text", "sts_id"),
    [
        ("v=STSv1; id=20260101T000000", "20260101T000000"),
        ("v=STSv1;id=abc", "abc"),
        ("v=STSv1; id=abc;", "abc"),
        ("v=STSv1 ;\tid=abc ; ext=val_1", "abc"),
        ("v=STSv1; id=" + "a" * 32, "a" * 32),
        # RFC 8461 section 3.1: a second id= is grammatical (sts-id or sts-extension);
        # the first sts-id counts.
        ("v=STSv1; id=abc; id=def", "abc"),
        ("v=STSv1; id=abc-def; id=ghi", "ghi"),
        ("v=STSv1; id=abc;  ", "abc"),
    ],
)
def test_a_valid_mta_sts_txt_record_parses(text, sts_id):
    assert mtasts.parse_sts_record(text).id == sts_id


@pytest.mark.parametrize(
    "text",
    [
        "v=STSv1",
        "v=STSv1;",
        "v=STSv1; id=",
        "v=STSv1; id=" + "a" * 33,
        "v=STSv1; id=abc-def",
        "v=STSv1; id=abc ",
        "v=STSv1; id=abc\t",
        " v=STSv1; id=abc",
        "v=STSv1; id=abc; ;",
        "v=STSv1; ext=1",
        "v=STSv1; id=abc;; ext=1",
        "v=STSv1; id=abc; bad ext=1",
        "v=STSv1; id=abc; ext=a=b",
        "v=stsv1; id=abc",
        "id=abc; v=STSv1",
    ],
)
def test_an_invalid_mta_sts_txt_record_is_refused(text):
    with pytest.raises(ValueError):
        mtasts.parse_sts_record(text)


@pytest.mark.parametrize(
    ("records", "status"),
    [
        ((), "missing"),
        (("v=spf1 -all",), "missing"),
        (("v=STSv1; id=1",), "valid"),
        (("v=spf1 -all", "v=STSv1; id=1"), "valid"),
        (("v=STSv1; id=1", "v=STSv1; id=2"), "multiple"),
        (("v=STSv1; id=1-2",), "invalid"),
        (("v=STSv1; id=1 ",), "invalid"),
        # RFC 8461 section 3.1: records that do not begin with "v=STSv1;" are discarded
        # before "exactly one" is judged.
        (("v=STSv10; id=1",), "missing"),
        (("v=STSv1.1; id=1",), "missing"),
        (("v=STSv1",), "missing"),
        (("v=STSv1 ; id=1",), "missing"),
        (("v=STSv1; id=1", "v=STSv10; id=2"), "valid"),
        (("v=STSv1; id=1", "v=STSv1.1; id=2", "v=STSv1"), "valid"),
    ],
)
def test_exactly_one_v_stsv1_record_counts(records, status):
    assert mtasts.judge_sts_txt(records).status == status


def test_a_good_policy_parses_with_lf():
    policy = mtasts.parse_policy(GOOD_POLICY)
    assert policy.valid
    assert (policy.version, policy.mode, policy.max_age) == ("STSv1", "enforce", 86400)
    assert policy.mx == ("mx1.example.nl", "*.provider.nl")


def test_a_good_policy_parses_with_crlf_and_with_mixed_line_ends():
    crlf = GOOD_POLICY.replace("\n", "\r\n")
    mixed = "version: STSv1\r\nmode: enforce\nmx: mx1.example.nl\r\nmax_age: 86400"
    assert mtasts.parse_policy(crlf) == mtasts.parse_policy(GOOD_POLICY)
    assert mtasts.parse_policy(mixed).valid


@pytest.mark.parametrize(
    ("text", "error_fragment"),
    [
        ("version: STSv1\nmode: enforce\nmx: a.nl\n", "max_age is missing"),
        ("mode: enforce\nmx: a.nl\nmax_age: 1\n", "version is missing"),
        ("version: STSv1\nmx: a.nl\nmax_age: 1\n", "mode is missing"),
        ("version: STSv2\nmode: enforce\nmx: a.nl\nmax_age: 1\n", "line 1: version"),
        ("version: STSv1\nmode: Enforce\nmx: a.nl\nmax_age: 1\n", "line 2: mode"),
        ("version: STSv1\nmode: enforce\nmx: a.nl\nmax_age: 31557601\n", "above"),
        ("version: STSv1\nmode: enforce\nmx: a.nl\nmax_age: -1\n", "max_age '-1'"),
        ("version: STSv1\nmode: enforce\nmx: a.nl\nmax_age: 12345678901\n", "max_age"),
        ("version: STSv1\nmode: enforce\nmax_age: 1\n", "no mx pattern"),
        ("version: STSv1\nmode: enforce\nmx: a.nl\nmax_age: 1\nthis is not a field\n", "line 5"),
        ("version: STSv1\nmode: enforce\nmx: *.*.a.nl\nmax_age: 1\n", "line 3: mx"),
        ("version: STSv1\nmode: enforce\nmx: mx*.a.nl\nmax_age: 1\n", "line 3: mx"),
        ("version: STSv1\nmode: enforce\nmx: a.nl.\nmax_age: 1\n", "line 3: mx"),
        ("version: STSv1\nmode: enforce\nmx:\nmax_age: 1\n", "line 3: bad or empty"),
        ("version= STSv1\nmode: enforce\nmx: a.nl\nmax_age: 1\n", "line 1: not 'key: value'"),
        ("version: STSv1\rmode: enforce\nmx: a.nl\nmax_age: 1\n", "line 1"),
        # sts-policy-ext-value allows inner spaces (%x20) but no tab.
        ("version: STSv1\nmode: enforce\nmx: a.nl\nmax_age: 1\nnote: a\tb\n", "line 5: bad"),
    ],
)
def test_a_broken_policy_reports_the_bad_line(text, error_fragment):
    policy = mtasts.parse_policy(text)
    assert not policy.valid
    assert any(error_fragment in e for e in policy.errors), policy.errors


@pytest.mark.parametrize(
    ("text", "mode", "max_age", "warning"),
    [
        ("version: STSv1\nmode: enforce\nmode: testing\nmx: a.nl\nmax_age: 1\n", "enforce", 1, 3),
        ("version: STSv1\nversion: STSv2\nmode: none\nmax_age: 1\n", "none", 1, 2),
        ("version: STSv1\nmode: testing\nmx: a.nl\nmax_age: 5\nmax_age: x\n", "testing", 5, 5),
    ],
)
def test_a_repeated_field_other_than_mx_keeps_its_first_value_and_the_rest_are_ignored(
    text, mode, max_age, warning
):
    policy = mtasts.parse_policy(text)
    assert policy.valid, policy.errors
    assert (policy.mode, policy.max_age) == (mode, max_age)
    assert any(w.startswith(f"line {warning}: ") for w in policy.warnings), policy.warnings


def test_mx_may_repeat_and_unknown_keys_are_ignored():
    text = GOOD_POLICY + "mx: mx2.example.nl\nx-note: hello world\n"
    policy = mtasts.parse_policy(text)
    assert policy.valid
    assert len(policy.mx) == 3
    assert policy.extensions == (("x-note", "hello world"),)


def test_tabs_after_the_colon_and_at_the_end_of_a_line_are_whitespace():
    # sts-policy-field-delim = ":" *WSP, and *WSP may follow every field.
    policy = mtasts.parse_policy("version:\tSTSv1\t\nmode: enforce \nmx:\ta.nl\nmax_age: 1\t\n")
    assert policy.valid, policy.errors
    assert (policy.version, policy.mode, policy.mx, policy.max_age) == (
        "STSv1",
        "enforce",
        ("a.nl",),
        1,
    )


def test_mode_none_needs_no_mx():
    policy = mtasts.parse_policy("version: STSv1\nmode: none\nmax_age: 0\n")
    assert policy.valid and policy.mode == "none"


def test_blank_lines_are_tolerated_with_a_warning():
    policy = mtasts.parse_policy(GOOD_POLICY.replace("mx: mx1", "\nmx: mx1") + "\n")
    assert policy.valid
    assert policy.warnings == ("line 3: empty line", "line 7: empty line")


def test_an_oversize_policy_is_refused():
    text = GOOD_POLICY + "x-pad: " + "a" * (64 * 1024) + "\n"
    policy = mtasts.parse_policy(text)
    assert not policy.valid
    assert "larger than" in policy.errors[0]


@pytest.mark.parametrize(
    ("pattern", "host", "matches"),
    [
        ("mx1.example.nl", "mx1.example.nl", True),
        ("MX1.example.nl", "mx1.EXAMPLE.nl.", True),
        ("mx1.example.nl", "mx2.example.nl", False),
        ("*.example.nl", "mx1.example.nl", True),
        ("*.example.nl", "example.nl", False),
        ("*.example.nl", "a.mx1.example.nl", False),
        ("*.example.nl", "mx1.otherexample.nl", False),
    ],
)
def test_mx_patterns_cover_exactly_one_label_with_a_wildcard(pattern, host, matches):
    assert mtasts.mx_pattern_matches(pattern, host) is matches


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("text/plain", True),
        ("text/plain; charset=utf-8", True),
        ("TEXT/PLAIN", True),
        ("text/html", False),
        ("", False),
        ("text/plain-ish", False),
    ],
)
def test_the_policy_must_be_served_as_text_plain(value, ok):
    assert mtasts.content_type_is_text_plain(value) is ok


# --- verdicts ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(pki):
    return pkix.TrustStore([pki.root.cert])


def observation(pki, **changes) -> MtaStsObservation:
    base = MtaStsObservation(
        domain="example.nl",
        txt=DnsAnswer(
            "_mta-sts.example.nl", "TXT", "NOERROR", DnssecStatus.SECURE, ("v=STSv1; id=1",)
        ),
        policy_url="https://mta-sts.example.nl/.well-known/mta-sts.txt",
        fetch_outcome=Outcome.OK,
        http_status=200,
        content_type="text/plain",
        policy_text=GOOD_POLICY,
        chain=pki.chain(pki.mta_sts_leaf),
    )
    return dataclasses.replace(base, **changes)


GOOD_MX = {"mx1.example.nl": MxCertificate(CheckOutcome.PASS)}


def judge(obs, store, mx=GOOD_MX):
    return mtasts.judge_mta_sts(
        obs, mx_hosts=tuple(mx), mx_certificates=mx, trust_store=store, now=NOW
    )


def test_an_enforced_policy_covering_every_mx_with_valid_certificates_passes(pki, store):
    verdict, mode = judge(observation(pki), store)
    assert (verdict.outcome, verdict.reasons, mode) == (CheckOutcome.PASS, (), "enforce")


def test_testing_mode_is_reported_as_its_own_mode(pki, store):
    obs = observation(pki, policy_text=GOOD_POLICY.replace("enforce", "testing"))
    verdict, mode = judge(obs, store)
    assert (verdict.outcome, verdict.reasons, mode) == (
        CheckOutcome.FAIL,
        ("mta_sts_mode_testing",),
        "testing",
    )


@pytest.mark.parametrize(
    ("changes", "outcome", "reason"),
    [
        (
            {"txt": DnsAnswer("_mta-sts.example.nl", "TXT", "NXDOMAIN", DnssecStatus.SECURE)},
            CheckOutcome.FAIL,
            "mta_sts_missing",
        ),
        (
            {
                "txt": DnsAnswer(
                    "_mta-sts.example.nl",
                    "TXT",
                    "NOERROR",
                    DnssecStatus.SECURE,
                    ("v=STSv1; id=1", "v=STSv1; id=2"),
                )
            },
            CheckOutcome.FAIL,
            "mta_sts_txt_multiple",
        ),
        (
            {"txt": DnsAnswer("_mta-sts.example.nl", "TXT", "SERVFAIL", DnssecStatus.BOGUS)},
            CheckOutcome.FAIL,
            "mta_sts_txt_bogus",
        ),
        (
            {
                "txt": DnsAnswer(
                    "_mta-sts.example.nl", "TXT", "SERVFAIL", DnssecStatus.INDETERMINATE
                )
            },
            CheckOutcome.NOT_TESTABLE,
            "mta_sts_txt_lookup_failed",
        ),
        (
            {"fetch_outcome": Outcome.TIMEOUT},
            CheckOutcome.NOT_TESTABLE,
            "mta_sts_policy_unreachable",
        ),
        (
            {"fetch_outcome": Outcome.NOT_SUPPORTED},
            CheckOutcome.FAIL,
            "mta_sts_policy_host_not_found",
        ),
        (
            {
                "fetch_outcome": Outcome.PROTOCOL_ERROR,
                "fetch_detail": "127.0.0.1: policy larger than 65536 bytes",
            },
            CheckOutcome.FAIL,
            "mta_sts_policy_too_large",
        ),
        ({"fetch_outcome": Outcome.TLS_ERROR}, CheckOutcome.FAIL, "mta_sts_policy_fetch_failed"),
        ({"http_status": 404}, CheckOutcome.FAIL, "mta_sts_policy_http_status"),
        ({"http_status": 301}, CheckOutcome.FAIL, "mta_sts_policy_http_status"),
        ({"content_type": "text/html"}, CheckOutcome.FAIL, "mta_sts_policy_content_type"),
        ({"policy_text": "version: STSv1\n"}, CheckOutcome.FAIL, "mta_sts_policy_invalid"),
        (
            {"policy_text": GOOD_POLICY.replace("enforce", "none")},
            CheckOutcome.FAIL,
            "mta_sts_mode_none",
        ),
        (
            {"policy_text": GOOD_POLICY.replace("mx1.example.nl", "mx9.example.nl")},
            CheckOutcome.FAIL,
            "mta_sts_mx_not_covered",
        ),
    ],
)
def test_mta_sts_verdicts(pki, store, changes, outcome, reason):
    verdict, _ = judge(observation(pki, **changes), store)
    assert verdict.outcome is outcome
    assert reason in verdict.reasons


def test_a_policy_host_certificate_that_is_not_web_pki_valid_fails(pki, store):
    obs = observation(pki, chain=(pki.mta_sts_leaf.der,))  # intermediate left out
    verdict, _ = judge(obs, store)
    assert verdict.reasons == ("mta_sts_policy_certificate_invalid",)
    assert verdict.details["policy_certificate"] == "certificate_untrusted"


def test_an_mx_certificate_that_is_not_web_pki_valid_fails(pki, store):
    mx = {"mx1.example.nl": MxCertificate(CheckOutcome.FAIL, "certificate_untrusted")}
    verdict, _ = judge(observation(pki), store, mx)
    assert (verdict.outcome, verdict.reasons) == (
        CheckOutcome.FAIL,
        ("mta_sts_mx_certificate_invalid",),
    )


def test_an_unmeasured_mx_makes_an_otherwise_good_policy_not_testable(pki, store):
    mx = {"mx1.example.nl": MxCertificate(CheckOutcome.NOT_TESTABLE, "timeout")}
    verdict, mode = judge(observation(pki), store, mx)
    assert (verdict.outcome, mode) == (CheckOutcome.NOT_TESTABLE, "enforce")
