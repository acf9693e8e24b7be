import pytest

from measurement.evaluate import tlsrpt
from measurement.evaluate.outcomes import CheckOutcome
from measurement.probe.observations import DnsAnswer, DnssecStatus, TlsRptObservation


@pytest.mark.parametrize(
    ("text", "usable"),
    [
        ("v=TLSRPTv1; rua=mailto:tlsrpt@example.nl", ("mailto:tlsrpt@example.nl",)),
        (
            "v=TLSRPTv1;rua=https://reports.example.nl/tlsrpt",
            ("https://reports.example.nl/tlsrpt",),
        ),
        ("v=TLSRPTv1; rua=mailto:a@example.nl;", ("mailto:a@example.nl",)),
        (
            "v=TLSRPTv1; rua=mailto:a@example.nl , https://r.example.nl/x",
            ("mailto:a@example.nl", "https://r.example.nl/x"),
        ),
        # An exclamation point percent-encoded is part of the URI, as RFC 8460 section 3 asks.
        ("v=TLSRPTv1; rua=mailto:a%21b@example.nl", ("mailto:a%21b@example.nl",)),
        ("v=TLSRPTv1; rua=ftp://x.nl/r,mailto:a@example.nl", ("mailto:a@example.nl",)),
        ("v=TLSRPTv1; rua=mailto:a@example.nl; ext=1", ("mailto:a@example.nl",)),
        # RFC 8460 section 3: 1*(field-delim tlsrpt-field) lets rua repeat, and extensions
        # are grammatical; parsers accept such records and every rua URI counts.
        (
            "v=TLSRPTv1; rua=mailto:a@example.nl; rua=mailto:b@example.nl",
            ("mailto:a@example.nl", "mailto:b@example.nl"),
        ),
        (
            "v=TLSRPTv1; x-policy=strict; rua=https://r.example.nl/x; note=1;",
            ("https://r.example.nl/x",),
        ),
        ("v=TLSRPTv1; rua=foo; rua=mailto:a@example.nl", ("mailto:a@example.nl",)),
    ],
)
def test_a_valid_tls_rpt_record_parses(text, usable):
    assert tlsrpt.parse_tlsrpt_record(text).usable_rua == usable


@pytest.mark.parametrize(
    "text",
    [
        "v=TLSRPTv1",
        "v=TLSRPTv1;",
        "v=TLSRPTv1; ext=1",
        "v=TLSRPTv1; rua=",
        "v=TLSRPTv1; rua=ftp://x.nl/r",
        "v=TLSRPTv1; rua=http://reports.example.nl/",
        "v=TLSRPTv1; rua=mailto:nobody",
        "v=TLSRPTv1; rua=https://",
        "v=TLSRPTv1; rua=mailto:a@example.nl ",
        "v=TLSRPTv1; rua=mailto:a@example.nl;;",
        " v=TLSRPTv1; rua=mailto:a@example.nl",
        "v=TLSRPTv1; rua=foo",
        "v=TLSRPTv1; rua=mailto:a@example.nl,,mailto:b@example.nl",
        "v=TLSRPTv1; rua=mailto:a@example.nl, not a uri",
        "v=TLSRPTv1; rua=mailto:a@example.nl; bad field",
        "v=tlsrptv1; rua=mailto:a@example.nl",
        "rua=mailto:a@example.nl; v=TLSRPTv1",
    ],
)
def test_an_invalid_tls_rpt_record_is_refused(text):
    with pytest.raises(ValueError):
        tlsrpt.parse_tlsrpt_record(text)


@pytest.mark.parametrize(
    "text",
    [
        # RFC 8460 section 3: in a tlsrpt-uri ',', ';' and '!' MUST be percent-encoded.
        # DMARC's "!size" suffix does not exist in TLS-RPT; reports to "a@example.nl!10m"
        # would not arrive.
        "v=TLSRPTv1; rua=mailto:a@example.nl!10m",
        "v=TLSRPTv1; rua=https://r.example.nl/tls!rpt",
        "v=TLSRPTv1; rua=mailto:a@example.nl!10m,mailto:b@example.nl!1k",
    ],
)
def test_an_unencoded_exclamation_point_is_no_rua_uri(text):
    with pytest.raises(ValueError, match="no list of URIs"):
        tlsrpt.parse_tlsrpt_record(text)


def test_an_unencoded_exclamation_point_beside_a_good_rua_leaves_only_the_good_one():
    record = tlsrpt.parse_tlsrpt_record(
        "v=TLSRPTv1; rua=mailto:a@example.nl!10m; rua=mailto:b@example.nl"
    )
    assert record.usable_rua == ("mailto:b@example.nl",)


def answer(*records, rcode="NOERROR", status=DnssecStatus.SECURE) -> TlsRptObservation:
    return TlsRptObservation(
        "example.nl", DnsAnswer("_smtp._tls.example.nl", "TXT", rcode, status, records)
    )


@pytest.mark.parametrize(
    ("observation", "outcome", "reasons"),
    [
        (answer("v=TLSRPTv1; rua=mailto:r@example.nl"), CheckOutcome.PASS, ()),
        (answer("v=spf1 -all", "v=TLSRPTv1; rua=mailto:r@example.nl"), CheckOutcome.PASS, ()),
        (answer(rcode="NXDOMAIN"), CheckOutcome.FAIL, ("tls_rpt_missing",)),
        (answer("v=spf1 -all"), CheckOutcome.FAIL, ("tls_rpt_missing",)),
        (answer("v=TLSRPTv1; rua=r@example.nl"), CheckOutcome.FAIL, ("tls_rpt_invalid",)),
        (
            answer("v=TLSRPTv1; rua=mailto:r@example.nl!10m"),
            CheckOutcome.FAIL,
            ("tls_rpt_invalid",),
        ),
        (
            answer("v=TLSRPTv1; rua=mailto:r@example.nl", "v=TLSRPTv1; rua=mailto:s@example.nl"),
            CheckOutcome.FAIL,
            ("tls_rpt_multiple",),
        ),
        (
            answer(rcode="SERVFAIL", status=DnssecStatus.BOGUS),
            CheckOutcome.FAIL,
            ("tls_rpt_bogus",),
        ),
        (
            answer(rcode="TIMEOUT", status=DnssecStatus.INDETERMINATE),
            CheckOutcome.NOT_TESTABLE,
            ("tls_rpt_lookup_failed",),
        ),
        (None, CheckOutcome.NOT_TESTABLE, ("tls_rpt_not_observed",)),
        # Records that do not begin with "v=TLSRPTv1;" are discarded before counting.
        (
            answer("v=TLSRPTv1; rua=mailto:r@example.nl", "v=TLSRPTv10; rua=mailto:s@ex.nl"),
            CheckOutcome.PASS,
            (),
        ),
        (answer("v=TLSRPTv1"), CheckOutcome.FAIL, ("tls_rpt_missing",)),
        (answer("v=TLSRPTv1.1; rua=mailto:r@example.nl"), CheckOutcome.FAIL, ("tls_rpt_missing",)),
    ],
)
def test_tls_rpt_verdicts(observation, outcome, reasons):
    verdict = tlsrpt.judge_tls_rpt(observation)
    assert (verdict.outcome, verdict.reasons) == (outcome, reasons)
