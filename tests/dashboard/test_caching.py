"""Caching that a proxy may trust: public data varies only by what changes it, pages
without a form set no cookie, and the chosen language never leaks into a shared cache."""

import pytest
from django.test import Client

PAGES_WITHOUT_A_FORM = ("/", "/dane-en-mta-sts/", "/sector/gemeente/", "/methode/",
                        "/zoeken/?q=veilig", "/domein/veiligstad.nl/")  # fmt: skip


def _vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


@pytest.fixture
def english(client) -> Client:
    english = Client()
    english.get("/taal/en/", {"next": "/"})
    assert english.cookies["django_language"].value == "en"
    return english


def _content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_downloads_and_the_api_are_the_same_in_every_language_and_vary_on_nothing(
    client, cast, english
):
    for url in (
        f"/export/meting/{cast.round.pk}.csv",
        "/export/organisaties.csv?sep=semicolon",
        "/export/sectoren.csv",
        "/api/v1/sectors/",
        f"/api/v1/organisations/{cast.secure.slug}/",
        "/api/v1/openapi.json",
        f"/export/meting/{cast.round.pk}.jsonld",
    ):
        dutch, other = client.get(url), english.get(url)
        assert dutch.status_code == other.status_code == 200, url
        assert _content(dutch) == _content(other), url
        assert dutch["Cache-Control"].startswith("public, max-age="), url
        assert not _vary(dutch) & {"accept-language", "cookie"}, url
        assert not dutch.cookies, url


def test_pages_without_a_form_set_no_cookie_and_may_be_cached_by_anyone(client, cast):
    for url in PAGES_WITHOUT_A_FORM:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert response["Cache-Control"] == "public, max-age=300", url
        # the language comes from the cookie, never from Accept-Language
        assert _vary(response) == {"cookie"}, url


def test_a_page_with_a_form_sets_its_csrf_cookie_and_stays_private(client, cast):
    response = client.get(f"/organisatie/{cast.secure.slug}/")
    assert "csrftoken" in response.cookies
    assert "private" in response["Cache-Control"]


def test_a_visitor_who_chose_english_gets_private_pages_in_english(english, cast):
    response = english.get("/")
    assert response["Content-Language"] == "en"
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_the_language_switch_only_returns_to_this_site_and_only_knows_our_languages(client, db):
    response = client.get("/taal/en/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "no-store" in response["Cache-Control"]
    response = client.get("/taal/xx/", {"next": "/methode/"})
    assert response["Location"] == "/methode/" and "django_language" not in response.cookies
