"""The dashboard's pages on PostgreSQL with the cast: status codes, content, escaping, CSP."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape

from tests.dashboard.conftest import HOSTILE_NAME


def test_the_overview_shows_every_sector_with_counts_beside_the_percentages(client, cast):
    response = client.get(reverse("dashboard:overview"))
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("Rijk", "Gemeenten", "Waterschappen", "(Semi-)publiek", "Provincies"):
        assert label in html
    assert "1 gemeten" in html  # the number measured beside a percentage
    assert "niet testbaar" in html
    assert "Nulmeting 2026" in html  # the round is marked in the trend table
    assert "<svg" in html and 'role="img"' in html


def test_the_overview_names_the_date_and_methodology_version_of_its_data(client, cast):
    html = client.get(reverse("dashboard:overview")).content.decode()
    assert "methodeversie 1.0" in html


def test_the_overview_works_before_any_scan_has_finished(client, db):
    response = client.get(reverse("dashboard:overview"))
    assert response.status_code == 200
    assert "nog geen afgeronde meting" in response.content.decode()


def test_the_side_by_side_page_counts_dane_and_mta_sts_per_sector(client, cast):
    response = client.get(reverse("dashboard:side_by_side"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "DANE en MTA-STS" in html
    assert "geen van beide" in html


@pytest.mark.parametrize("sector", ["rijk", "provincie", "gemeente", "waterschap", "semi_publiek"])
def test_every_sector_page_renders(client, cast, sector):
    assert client.get(reverse("dashboard:sector", args=[sector])).status_code == 200


def test_the_sector_page_lists_its_organisations_and_their_provider(client, cast):
    html = client.get(reverse("dashboard:sector", args=["rijk"])).content.decode()
    assert "Ministerie van Alleen STARTTLS" in html
    assert "outlook.com" in html  # MX host grouped by its registrable domain
    assert "Gemeente Veiligstad" not in html


def test_the_sector_table_filters_by_status_of_a_standard(client, cast):
    url = reverse("dashboard:sector", args=["gemeente"])
    html = client.get(url, {"check": "dane", "status": "pass"}).content.decode()
    assert "Gemeente Veiligstad" in html
    html = client.get(url, {"check": "dane", "status": "fail"}).content.decode()
    assert "Geen organisaties gevonden" in html


def test_the_sector_table_sorts_and_marks_the_sorted_column(client, cast):
    html = client.get(
        reverse("dashboard:sector", args=["gemeente"]), {"sort": "dane", "order": "desc"}
    ).content.decode()
    assert 'aria-sort="descending"' in html


def test_an_unknown_sector_is_404(client, cast):
    assert client.get("/sector/onbekend/").status_code == 404


def test_the_scorecard_shows_verdicts_evidence_and_history(client, cast):
    response = client.get(reverse("dashboard:organisation", args=[cast.secure.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "veiligstad.nl" in html
    assert "mx1.veiligstad.nl" in html
    assert "TLSv1.3" in html
    assert "3 1 1 " in html  # the TLSA record in presentation form
    assert "mode: enforce" in html  # the MTA-STS policy
    assert "Vergelijking met de sector" in html
    assert "Nulmeting 2026" in html  # history since the first scan, round marked
    assert 'name="csrfmiddlewaretoken"' in html  # the re-test form


def test_the_scorecard_shows_the_reason_code_of_a_failure(client, cast):
    html = client.get(
        reverse("dashboard:organisation", args=[cast.starttls_only.slug])
    ).content.decode()
    assert "tlsa_missing" in html
    # The TLSA record that would match the presented certificate, per address.
    assert "past bij dit certificaat" in html
    assert "Web-PKI: niet geldig" in html


def test_the_scorecard_shows_which_tlsa_record_matched_each_address(client, cast):
    html = client.get(reverse("dashboard:organisation", args=[cast.secure.slug])).content.decode()
    assert "DANE-match" in html
    assert "een record blijft geldig na vervanging van de sleutel" in html


def test_an_unknown_organisation_slug_is_404(client, cast):
    assert client.get("/organisatie/bestaat-niet/").status_code == 404


def test_an_organisation_named_script_renders_as_text(client, cast):
    html = client.get(reverse("dashboard:organisation", args=[cast.hostile.slug])).content.decode()
    assert "<script>alert" not in html
    assert escape(HOSTILE_NAME) in html
    assert "<img src=x" not in html  # a hostile reason code is escaped as well
    sector_html = client.get(reverse("dashboard:sector", args=["semi_publiek"])).content.decode()
    assert "<script>alert" not in sector_html and "<b>x</b>" not in sector_html


def test_the_domain_page_shows_the_full_evidence(client, cast):
    response = client.get(reverse("dashboard:domain", args=["veiligstad.nl"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "tlsa_base_domain" in html  # the stored observation, in full
    assert "Geschiedenis" in html


@pytest.mark.parametrize("name", ["onbekend.nl", "-x.nl", "a..nl", "x" * 300])
def test_an_unknown_or_invalid_domain_is_404(client, cast, name):
    assert client.get(f"/domein/{name}/").status_code == 404


def test_the_methodology_page_states_the_rules_in_dutch_and_english(client, cast):
    dutch = client.get(reverse("dashboard:methodology")).content.decode()
    assert "voldoet / (voldoet + voldoet niet)" in dutch
    assert "1.0" in dutch  # the version history
    english = client.get("/en/methode/").content.decode()
    assert "pass / (pass + fail)" in english
    assert 'lang="en"' in english
    # Methodology 2026.2's rules, in both languages.
    for page in (dutch, english):
        for rule in ("mx_bogus", "RFC 7671", "v=STSv1;", "v=TLSRPTv1;", "CA/Browser", "!10m"):
            assert rule in page, rule
    # Methodology 2026.3: TLS (NCSC) and the Internet.nl reading.
    for page in (dutch, english):
        for rule in ("TLS (NCSC)", "2.1", "Postfix", "-internetnl"):
            assert rule in page, rule


def test_every_page_carries_a_content_security_policy_without_inline_script(client, cast):
    for url in ("/", "/dane-en-mta-sts/", "/sector/gemeente/", "/methode/", "/zoeken/?q=x"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        html = response.content.decode()
        assert "<script>" not in html and " style=" not in html


def test_every_page_has_a_language_switch_link_and_a_skip_link(client, cast):
    html = client.get("/methode/?x=1").content.decode()
    assert 'href="/en/methode/?x=1" lang="en" hreflang="en"' in html
    assert 'name="csrfmiddlewaretoken"' not in html  # no form, so no CSRF cookie
    assert 'href="#main"' in html
    assert '<html lang="nl" class="rhc-theme">' in html


def test_the_english_pages_have_their_own_urls_and_link_back_to_the_dutch(client, cast):
    html = client.get("/en/").content.decode()
    assert '<html lang="en" class="rhc-theme">' in html
    assert "Adoption per sector" in html
    assert 'href="/" lang="nl" hreflang="nl"' in html
    assert 'href="/en/methode/"' in html  # links stay in English
    scorecard = client.get(f"/en/organisatie/{cast.secure.slug}/").content.decode()
    assert f'href="/organisatie/{cast.secure.slug}/" lang="nl"' in scorecard


def test_search_finds_an_organisation_by_name_abbreviation_and_domain(client, cast):
    for query in ("veiligstad", "GV", "veiligstad.nl"):
        html = client.get(reverse("dashboard:search"), {"q": query}).content.decode()
        assert "Gemeente Veiligstad" in html


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "' OR 1=1; DROP TABLE measurement_organisation; --",
        "%_%\\",
        "\x00null\x00",
        "bücher.nl",
        "🐟 ∑ 東京",
        "<script>alert(1)</script>",
    ],
)
def test_search_is_safe_for_hostile_input(client, cast, query):
    response = client.get(reverse("dashboard:search"), {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    suggestions = client.get(reverse("dashboard:suggestions"), {"q": query})
    assert suggestions.status_code == 200
    assert suggestions.json()["results"] == []


def test_suggestions_return_names_and_scorecard_links(client, cast):
    data = client.get(reverse("dashboard:suggestions"), {"q": "veilig"}).json()
    assert data["results"] == [
        {
            "name": "Gemeente Veiligstad",
            "abbreviation": "GV",
            "url": "/organisatie/gemeente-veiligstad/",
        }
    ]


def test_the_retest_button_needs_a_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("dashboard:retest", args=[cast.secure.slug]))
    assert response.status_code == 403


def test_the_retest_endpoint_refuses_get(client, cast):
    assert client.get(reverse("dashboard:retest", args=[cast.secure.slug])).status_code == 405


def test_the_progress_endpoint_reports_domains_done_and_total(client, cast):
    data = client.get(reverse("dashboard:scan_progress", args=[cast.latest.pk])).json()
    assert data == {
        "id": cast.latest.pk,
        "status": "finished",
        "domains_done": 4,
        "domains_total": 4,
        "finished": True,
    }


def test_a_rate_limited_retest_answers_429_with_the_remaining_time(client, cast):
    import time

    from django.core.cache import cache

    # The door's per-organisation limiter (measurement.scan.door.request_retest) keeps
    # its mark in the cache with the moment it lapses: a re-test 100 s ago of a 600 s window.
    cache.add(f"retest:org:{cast.secure.pk}", time.time() + 500, 600)
    try:
        response = client.post(reverse("dashboard:retest", args=[cast.secure.slug]))
    finally:
        cache.delete(f"retest:org:{cast.secure.pk}")
    assert response.status_code == 429
    assert 495 <= int(response["Retry-After"]) <= 500
    html = response.content.decode()
    assert "kort geleden al opnieuw getest" in html
    assert "Probeer het over 9 minuten opnieuw" in html


def test_the_hourly_cap_says_the_organisation_was_not_tested(client, cast):
    from django.core.cache import cache
    from django.test import override_settings
    from django.utils import timezone

    with override_settings(SCANNER_RETEST_PER_HOUR=0):
        response = client.post(reverse("dashboard:retest", args=[cast.secure.slug]))
    now = timezone.now()
    assert cache.get(f"retest:org:{cast.secure.pk}") is None
    assert response.status_code == 429
    until_next_hour = 3600 - now.minute * 60 - now.second
    assert until_next_hour <= int(response["Retry-After"]) <= until_next_hour + 2
    html = response.content.decode()
    assert "deze organisatie is niet getest" in html
    assert "kort geleden" not in html


def test_the_scorecard_shows_the_progress_of_a_running_retest(client, cast):
    from measurement.models import Scan

    scan = Scan.objects.create(
        kind=Scan.Kind.ON_DEMAND,
        status=Scan.Status.RUNNING,
        methodology_version="1.0",
        scanner_version="test",
        domains_total=4,
        domains_done=1,
    )
    url = reverse("dashboard:organisation", args=[cast.secure.slug])
    html = client.get(url, {"scan": scan.pk}).content.decode()
    assert f'data-progress-url="/meting/{scan.pk}/voortgang.json"' in html
    assert '<progress id="retest-progress" max="4" value="1">' in html


def test_the_scorecard_explains_each_failure_with_its_fix(client, cast):
    from measurement.explanations import explain

    expected = explain("tlsa_missing", {"check": "dane", "domain": "alleenstarttls.nl"})
    html = client.get(
        reverse("dashboard:organisation", args=[cast.starttls_only.slug])
    ).content.decode()
    assert escape(expected.title) in html
    assert escape(expected.fix) in html


def test_the_overview_lists_measurement_rounds_with_their_exports(client, cast):
    html = client.get(reverse("dashboard:overview")).content.decode()
    assert f"/export/meting/{cast.round.pk}.xlsx" in html
    assert "ab" * 32 in html  # the round's checksum


@pytest.mark.django_db
def test_the_url_alone_chooses_the_language_whatever_the_browser_asks(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9", HTTP_COOKIE="django_language=en")
    assert page.headers["Content-Language"] == "nl"
    assert client.get("/en/", HTTP_ACCEPT_LANGUAGE="nl").headers["Content-Language"] == "en"


def test_dutch_pages_show_words_and_dutch_dates_and_english_pages_english_ones(client, cast):
    dutch = client.get("/domein/onbereikbaar.nl/").content.decode()
    english = client.get("/en/domein/onbereikbaar.nl/").content.decode()
    assert "geen antwoord op tijd" in dutch and "no answer in time" in english
    assert "beveiligd (secure)" in dutch and "secured (secure)" in english
    assert ">timeout<" not in dutch and ">secure<" not in dutch
    with translation.override("nl"):
        dutch_date = date_format(cast.round.created_at, "j F Y")
    with translation.override("en"):
        english_date = date_format(cast.round.created_at, "j F Y")
    assert dutch_date != english_date  # the month's name differs in the two languages
    assert dutch_date in client.get("/").content.decode()
    assert english_date in client.get("/en/").content.decode()
