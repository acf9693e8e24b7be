"""Caching that a proxy may trust: public data varies only by what changes it, pages
without a form set no cookie, and each language has its own URL (/en/ for English)."""

PAGES_WITHOUT_A_FORM = ("/", "/dane-en-mta-sts/", "/sector/gemeente/", "/methode/",
                        "/zoeken/?q=veilig", "/domein/veiligstad.nl/")  # fmt: skip


def _vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


def _content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_downloads_and_the_api_are_the_same_whatever_language_is_asked_and_vary_on_nothing(
    client, cast
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
        dutch = client.get(url)
        other = client.get(url, HTTP_ACCEPT_LANGUAGE="en", HTTP_COOKIE="django_language=en")
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
        # the language comes from the URL, never from Accept-Language (the Cookie in Vary
        # is the session's: a logged-in visitor sees their account in the header)
        assert "accept-language" not in _vary(response), url
        english = client.get("/en" + url)
        assert english.status_code == 200 and english["Content-Language"] == "en", url
        assert english["Cache-Control"] == "public, max-age=300", url


def test_a_page_with_a_form_sets_its_csrf_cookie_and_stays_private(client, cast):
    response = client.get(f"/organisatie/{cast.secure.slug}/")
    assert "csrftoken" in response.cookies
    assert "private" in response["Cache-Control"]


def test_downloads_have_one_url_outside_the_english_pages(client, cast):
    assert client.get(f"/en/export/meting/{cast.round.pk}.csv").status_code == 404
    assert client.get("/en/api/v1/sectors/").status_code == 404
