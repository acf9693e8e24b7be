"""Every TLS (NCSC) finding is explained in Dutch and English, with its exact fix lines."""

import pytest
from django.utils import translation

from measurement.evaluate import tls_quality as q
from measurement.evaluate.ncsc_tables import Level
from measurement.explanations.tls_texts import explain_finding


@pytest.mark.parametrize("code", q.FINDING_CODES)
def test_every_finding_says_what_why_and_how_in_dutch_and_in_english(code):
    finding = q.Finding(code, Level.INSUFFICIENT, ("TLSv1",))
    with translation.override("nl"):
        dutch = explain_finding(finding)
    with translation.override("en"):
        english = explain_finding(finding)
    assert "onvoldoende" in dutch.title and "TLSv1" in dutch.title
    assert "insufficient" in english.title
    assert dutch.why != english.why and dutch.fix != english.fix
    assert "NCSC" in dutch.why
    assert "# Postfix (main.cf)" in dutch.record and "# Exchange (PowerShell)" in dutch.record


def test_the_old_versions_fix_holds_the_postfix_and_schannel_lines():
    finding = q.Finding(q.VERSION, Level.INSUFFICIENT, ("TLSv1.1", "TLSv1"))
    record = explain_finding(finding).record
    assert "smtpd_tls_mandatory_protocols = >=TLSv1.2" in record
    assert r"SCHANNEL\Protocols\TLS 1.0\Server' -Name Enabled -Value 0" in record
