import pytest

from measurement.models import Domain, DomainResult, Organisation, Scan, SectorAggregate
from measurement.scan.store import store_aggregates

pytestmark = pytest.mark.django_db


def _result(scan, org, name, **verdicts):
    domain = Domain.objects.create(name=name, organisation=org, source="manual")
    return DomainResult.objects.create(
        scan=scan,
        domain=domain,
        domain_name=name,
        organisation=org,
        sector=org.sector,
        methodology_version=scan.methodology_version,
        judged_at="2026-11-01T00:00Z",
        **verdicts,
    )


@pytest.fixture
def scan():
    return Scan.objects.create(methodology_version="t1", scanner_version="t")


def aggregate_scan(scan):
    return store_aggregates(scan, scan.methodology_version)


def _row(scan, sector, check):
    return SectorAggregate.objects.get(scan=scan, sector=sector, check_name=check)


def test_not_testable_and_not_applicable_domains_stay_out_of_the_percentage(scan):
    org = Organisation.objects.create(name="G", sector="gemeente", source="manual", slug="g")
    _result(scan, org, "a.nl", dane="pass")
    _result(scan, org, "b.nl", dane="fail")
    _result(scan, org, "c.nl", dane="not_testable")
    _result(scan, org, "d.nl", dane="not_applicable")
    aggregate_scan(scan)
    row = _row(scan, "gemeente", "dane")
    assert (row.passed, row.failed, row.not_testable, row.not_applicable) == (1, 1, 1, 1)
    assert row.measured == 2
    assert row.percentage == 50.0


def test_an_organisation_is_compliant_when_every_measured_domain_passes(scan):
    # DESIGN.md: a domain that could not be tested does not decide it (shown beside it).
    def organisation(name):
        return Organisation.objects.create(
            name=name, sector="provincie", source="manual", slug=name
        )

    good, partly_unknown, mixed, silent = (organisation(n) for n in ("p1", "p2", "p3", "p4"))
    _result(scan, good, "p1.nl", starttls="pass")
    _result(scan, good, "p1-nomail.nl", starttls="not_applicable")
    _result(scan, partly_unknown, "p2.nl", starttls="pass")
    _result(scan, partly_unknown, "p2-mail.nl", starttls="not_testable")
    _result(scan, mixed, "p3.nl", starttls="pass")
    _result(scan, mixed, "p3-mail.nl", starttls="fail")
    _result(scan, silent, "p4.nl", starttls="not_testable")
    aggregate_scan(scan)
    row = _row(scan, "provincie", "starttls")
    assert row.organisations_measured == 3
    assert row.organisations_compliant == 2  # p1, and p2 with a domain not testable


def test_dane_and_mta_sts_side_by_side_counts_each_combination(scan):
    org = Organisation.objects.create(name="W", sector="waterschap", source="manual", slug="w")
    _result(scan, org, "both.nl", dane="pass", mta_sts="pass")
    _result(scan, org, "dane.nl", dane="pass", mta_sts="fail")
    _result(scan, org, "sts.nl", dane="fail", mta_sts="pass")
    _result(scan, org, "none.nl", dane="fail", mta_sts="fail", mta_sts_mode="testing")
    _result(scan, org, "skip.nl", dane="not_testable", mta_sts="pass")
    aggregate_scan(scan)
    counts = {
        kind: _row(scan, "waterschap", f"dane_vs_mta_sts:{kind}").passed
        for kind in ("both", "dane_only", "mta_sts_only", "neither")
    }
    assert counts == {"both": 1, "dane_only": 1, "mta_sts_only": 1, "neither": 1}
    assert _row(scan, "waterschap", "dane_vs_mta_sts:both").measured == 4
    testing = _row(scan, "waterschap", "mta_sts_testing")
    assert (testing.passed, testing.measured) == (1, 5)


def test_aggregating_twice_replaces_the_rows_instead_of_adding(scan):
    org = Organisation.objects.create(name="R", sector="rijk", source="manual", slug="r")
    _result(scan, org, "r.nl", tls_rpt="pass")
    first = aggregate_scan(scan)
    second = aggregate_scan(scan)
    assert first == second
    assert SectorAggregate.objects.filter(scan=scan).count() == first
