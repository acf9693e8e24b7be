"""Named queries: figures, search input cleaning, providers, trends, on PostgreSQL."""

from dashboard import queries
from dashboard.queries import Figure


def test_a_percentage_counts_pass_over_pass_plus_fail_only():
    figure = Figure(passed=3, failed=1, not_testable=5, not_applicable=7, errors=2)
    assert figure.measured == 4
    assert figure.percentage == 75.0
    assert Figure(not_testable=4).percentage is None


def test_figures_add_up_field_by_field():
    total = Figure(passed=1, failed=2, not_testable=3) + Figure(passed=4, organisations_measured=1)
    assert (total.passed, total.failed, total.not_testable) == (5, 2, 3)
    assert total.organisations_measured == 1


def test_the_provider_of_an_mx_host_is_its_registrable_domain():
    assert queries.registrable_domain("tenant.mail.protection.outlook.com") == "outlook.com"
    assert queries.registrable_domain("MX1.Example.CO.UK.") == "example.co.uk"
    assert queries.registrable_domain("mx.gemeente.nl") == "gemeente.nl"


def test_search_input_is_trimmed_capped_and_stripped_of_nul():
    assert queries.clean_query("  a\x00b  ") == "ab"
    assert len(queries.clean_query("x" * 5000)) == queries.MAX_SEARCH_LENGTH
    assert queries.clean_query(None) == ""


def test_the_latest_finished_scan_ignores_on_demand_retests(cast):
    from measurement.models import Scan

    Scan.objects.create(
        kind=Scan.Kind.ON_DEMAND,
        status=Scan.Status.FINISHED,
        methodology_version="1.0",
        scanner_version="test",
    )
    assert queries.latest_finished_scan() == cast.latest


def test_the_trend_has_one_point_per_finished_scan_with_the_round_marked(cast):
    points = queries.trend_by_sector(queries.TREND_CHECKS)
    assert [p.scan_id for p in points] == [s.pk for s in cast.scans]
    assert [p.is_round for p in points] == [False, True, False]
    dane = [queries.trend_total(p, "dane") for p in points]
    assert [f.passed for f in dane] == [0, 1, 1]  # Veiligstad got DANE after the first scan
    starttls = [queries.trend_total(p, "starttls") for p in points]
    assert all(f.not_testable == 1 for f in starttls)  # the unreachable one, never a fail


def test_providers_count_each_domain_once_with_its_adoption(cast):
    rows = {row.provider: row for row in queries.providers(cast.latest)}
    assert rows["outlook.com"].domains == 1
    assert rows["outlook.com"].starttls == 1 and rows["outlook.com"].dane == 0
    assert rows["veiligstad.nl"].share("dane") == 100.0


def test_the_side_by_side_counts_cover_domains_with_both_measured(cast):
    counts = queries.side_by_side(cast.latest)
    assert counts["gemeente"]["both"] == 1
    assert counts["rijk"]["neither"] == 1
    assert sum(counts["total"].values()) == 3  # the unreachable domain is not measured


def test_an_organisation_complies_only_when_none_of_its_domains_fail(cast):
    rows = {row.slug: row for row in queries.organisation_rows(cast.latest)}
    assert rows[cast.secure.slug].checks["dane"]["status"] == "pass"
    assert rows[cast.starttls_only.slug].checks["dane"]["status"] == "fail"
    assert rows[cast.unreachable.slug].checks["starttls"]["status"] == "not_testable"
