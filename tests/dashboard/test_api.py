"""The JSON API: shapes, pagination, cache headers, 404s and the OpenAPI description."""

from django.urls import reverse


def test_the_organisation_list_is_paginated_with_links(client, cast):
    response = client.get("/api/v1/organisations/", {"page_size": 2})
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    data = response.json()
    assert data["count"] == 4 and data["page"] == 1 and data["page_size"] == 2
    assert len(data["results"]) == 2
    assert data["previous"] is None
    assert "page=2" in data["next"]
    second = client.get(data["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None
    names = [o["name"] for o in data["results"] + second["results"]]
    assert names == sorted(names)


def test_the_page_size_is_capped_and_bad_pages_are_400(client, cast):
    assert client.get("/api/v1/organisations/", {"page_size": 100000}).json()["page_size"] == 500
    assert client.get("/api/v1/organisations/", {"page": "x"}).status_code == 400
    assert client.get("/api/v1/organisations/", {"sector": "nope"}).status_code == 400


def test_an_organisation_lists_its_domains_with_their_latest_verdicts(client, cast):
    data = client.get(f"/api/v1/organisations/{cast.secure.slug}/").json()
    assert data["name"] == "Gemeente Veiligstad" and data["sector"] == "gemeente"
    (domain,) = data["domains"]
    assert domain["name"] == "veiligstad.nl"
    result = domain["latest_result"]
    assert result["scan"] == cast.latest.pk
    assert result["verdicts"]["dane"] == "pass"
    assert result["mx"] == [{"preference": 10, "host": "mx1.veiligstad.nl"}]


def test_the_organisation_history_has_one_entry_per_scan(client, cast):
    data = client.get(f"/api/v1/organisations/{cast.secure.slug}/history/").json()
    assert [h["scan"] for h in data["history"]] == [s.pk for s in cast.scans]
    assert [h["checks"]["dane"]["passed"] for h in data["history"]] == [0, 1, 1]


def test_a_domain_and_its_history(client, cast):
    data = client.get("/api/v1/domains/alleenstarttls.nl/").json()
    assert data["latest_result"]["verdicts"]["starttls"] == "pass"
    assert data["latest_result"]["reasons"]["dane"] == ["tlsa_missing"]
    history = client.get("/api/v1/domains/alleenstarttls.nl/history/").json()
    assert history["count"] == 3 and len(history["results"]) == 3


def test_the_domain_list_filters_by_sector(client, cast):
    data = client.get("/api/v1/domains/", {"sector": "rijk"}).json()
    assert [d["name"] for d in data["results"]] == ["alleenstarttls.nl"]


def test_sector_statistics_give_counts_and_percentages(client, cast):
    data = client.get("/api/v1/sectors/").json()
    assert data["scan"]["id"] == cast.latest.pk
    dane = data["sectors"]["gemeente"]["dane"]
    assert dane["passed"] == 1 and dane["measured"] == 1 and dane["percentage"] == 100.0
    assert data["sectors"]["waterschap"]["starttls"]["not_testable"] == 1
    assert data["sectors"]["provincie"] == {}
    assert data["total"]["starttls"]["measured"] == 3


def test_rounds_and_scans_are_listed(client, cast):
    rounds = client.get("/api/v1/rounds/").json()
    assert [r["name"] for r in rounds["results"]] == ["Nulmeting 2026"]
    assert rounds["results"][0]["checksum"] == "ab" * 32
    assert client.get("/api/v1/scans/").json()["count"] == 3
    assert client.get(f"/api/v1/scans/{cast.round.pk}/").json()["kind"] == "round"


def test_unknown_objects_are_json_404s(client, cast):
    for url in (
        "/api/v1/organisations/nope/",
        "/api/v1/domains/nope.nl/",
        "/api/v1/domains/-bad-/",
        "/api/v1/scans/999999/",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"


def test_the_api_is_read_only(client, cast):
    assert client.post("/api/v1/organisations/").status_code == 405


def test_the_openapi_description_names_every_route(client, cast):
    data = client.get(reverse("api:openapi-json")).json()
    assert data["openapi"].startswith("3.")
    for path in (
        "/organisations/",
        "/organisations/{slug}/",
        "/organisations/{slug}/history/",
        "/domains/",
        "/domains/{name}/",
        "/domains/{name}/history/",
        "/sectors/",
        "/scans/",
        "/rounds/",
    ):
        assert "/api/v1" + path in data["paths"]


def test_an_unchanged_answer_revalidates_with_its_etag(client, cast):
    first = client.get("/api/v1/sectors/")
    etag = first["ETag"]
    again = client.get("/api/v1/sectors/", headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again["Cache-Control"] == "public, max-age=300"
    assert client.head("/api/v1/sectors/").status_code == 200
