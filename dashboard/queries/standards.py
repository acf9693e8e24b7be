"""The standards and checks the dashboard shows, in order, with their labels."""

from django.utils.translation import gettext_lazy as _

# The checks shown per organisation in the sector table (status per standard).
from measurement.evaluate.outcomes import TABLE_CHECKS as TABLE_CHECKS

# The standards the overview shows, in order (DESIGN.md section 2); mta_sts_testing is
# the pseudo-check "policy published in mode testing" stored by the aggregation.
STANDARDS: tuple[tuple[str, str], ...] = (
    ("starttls", _("STARTTLS")),
    ("dane", _("DANE")),
    ("starttls_dane", _("STARTTLS en DANE")),
    ("mta_sts", _("MTA-STS (enforce)")),
    ("mta_sts_testing", _("MTA-STS (testing)")),
    ("tls_rpt", _("TLS-RPT")),
    ("dnssec", _("DNSSEC")),
    ("tls_ncsc", _("TLS (NCSC)")),
)
STANDARD_LABELS = dict(STANDARDS)
# Checks of a single domain, as shown on the scorecard and in exports.
DOMAIN_CHECKS: tuple[tuple[str, str], ...] = (
    ("mx", _("MX")),
    ("dnssec", _("DNSSEC")),
    ("starttls", _("STARTTLS")),
    ("dane", _("DANE")),
    ("dane_end_to_end", _("DANE, end-to-end")),
    ("dane_rollover", _("DANE-rollover")),
    ("starttls_dane", _("STARTTLS en DANE")),
    ("mta_sts", _("MTA-STS")),
    ("tls_rpt", _("TLS-RPT")),
    ("tls_ncsc", _("TLS (NCSC)")),
)
SIDE_BY_SIDE_LABELS = {
    "both": _("DANE en MTA-STS"),
    "dane_only": _("alleen DANE"),
    "mta_sts_only": _("alleen MTA-STS"),
    "neither": _("geen van beide"),
}

TREND_CHECKS = tuple(check for check, _label in STANDARDS)
