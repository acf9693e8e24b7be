"""One rule for an organisation's compliance, and every page and file gives its answer.

DESIGN.md: compliant for a standard when every measured domain passes; domains that
could not be tested are shown beside it and do not decide it. The overview, the sector
table, the scorecard, the CSV and the API must agree for the same organisation.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard import queries
from dashboard.export_format import header
from dashboard.exports import ORGANISATION_COLUMNS as ORGANISATION_SPEC
from measurement.evaluate.compliance import is_compliant, organisation_status
from measurement.models import Domain, DomainResult, Organisation, Scan
from measurement.scan.store import store_aggregates
from tests.dashboard.test_exports import read

ORGANISATION_COLUMNS = header(ORGANISATION_SPEC)

# Per domain of one organisation: starttls, dane, mta_sts.
DOMAINS = {
    "a.tweeledig.nl": ("pass", "not_testable", "pass"),
    "b.tweeledig.nl": ("pass", "pass", "fail"),
    "c.tweeledig.nl": ("not_applicable", "not_applicable", "not_applicable"),
}
EXPECTED = {"starttls": "pass", "dane": "pass", "mta_sts": "fail"}


@pytest.fixture
def scanned(db):
    """A finished full scan of one organisation, the only one of its sector."""
    org = Organisation.objects.create(
        name="Waterschap Tweeledig", sector="waterschap", source="manual", slug="tweeledig"
    )
    now = timezone.now()
    scan = Scan.objects.create(
        kind=Scan.Kind.FULL, status=Scan.Status.FINISHED, methodology_version="1.0",
        scanner_version="test", started_at=now, finished_at=now + datetime.timedelta(minutes=1),
        domains_total=len(DOMAINS), domains_done=len(DOMAINS),
    )  # fmt: skip
    for name, (starttls, dane, mta_sts) in DOMAINS.items():
        domain = Domain.objects.create(name=name, organisation=org, source="manual")
        domain.latest_result = DomainResult.objects.create(
            scan=scan, domain=domain, domain_name=name, organisation=org, sector=org.sector,
            methodology_version="1.0", judged_at=now, starttls=starttls, dane=dane,
            mta_sts=mta_sts,
        )  # fmt: skip
        domain.save(update_fields=["latest_result"])
    store_aggregates(scan, scan.methodology_version)
    return org, scan


def test_the_rule_counts_only_measured_domains():
    assert organisation_status(passed=1, failed=0, not_testable=3, domains=4) == "pass"
    assert organisation_status(passed=3, failed=1, not_testable=0, domains=4) == "fail"
    assert organisation_status(passed=0, failed=0, not_testable=2, domains=2) == "not_testable"
    assert organisation_status(passed=0, failed=0, not_testable=0, domains=2) == "not_applicable"


def test_overview_sector_table_scorecard_csv_and_api_agree(client, scanned):
    org, scan = scanned
    answers = {check: {} for check in EXPECTED}

    overview = client.get(reverse("dashboard:overview")).context["stats"]
    for check in EXPECTED:
        figure = overview.by_sector["waterschap"][check]
        assert figure.organisations_measured == 1
        answers[check]["overview"] = "pass" if figure.organisations_compliant else "fail"

    sector = client.get(reverse("dashboard:sector", args=["waterschap"]))
    html = sector.content.decode()
    [row] = queries.sector_organisation_rows(scan, "waterschap")
    for check in EXPECTED:
        answers[check]["sector table"] = row.checks[check]["status"]
    assert html.count("outcome-pass") >= 2 and "outcome-fail" in html

    scorecard = client.get(reverse("dashboard:organisation", args=[org.slug]))
    history = queries.organisation_history(org)[-1]  # the scorecard's history table
    for check in EXPECTED:
        answers[check]["scorecard"] = history["checks"][check]["status"]
    assert str(history["checks"]["dane"]["status"]) in str(scorecard.context["history_html"])

    export = client.get(reverse("exports:organisations_csv"), {"scan": scan.pk})
    _, _, rows = read(export)
    header = rows.index(list(ORGANISATION_COLUMNS))
    [csv_row] = [dict(zip(ORGANISATION_COLUMNS, row, strict=True)) for row in rows[header + 1 :]]
    for check in EXPECTED:
        answers[check]["csv"] = csv_row[f"{check}_status"]

    sectors = client.get("/api/v1/sectors/").json()["sectors"]["waterschap"]
    api_history = client.get(f"/api/v1/organisations/{org.slug}/history/").json()["history"]
    for check in EXPECTED:
        compliant = sectors[check]["organisations_compliant"]
        answers[check]["api, sectors"] = "pass" if compliant else "fail"
        # The history gives the counts (the API's schema, issue 15's): the one rule on them.
        entry = api_history[-1]["checks"][check]
        failed = entry["measured"] - entry["passed"]
        answers[check]["api, history"] = "pass" if is_compliant(entry["passed"], failed) else "fail"

    for check, expected in EXPECTED.items():
        assert set(answers[check].values()) == {expected}, (check, answers[check])
    # The domain not testable for DANE is shown beside the status.
    assert csv_row["dane_not_testable"] == "1"
    assert history["checks"]["dane"]["not_testable"] == 1
