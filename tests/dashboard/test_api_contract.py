"""The API as a generated client sees it: every live answer of every endpoint validates
against the OpenAPI document the API serves (openapi-core), errors included."""

import datetime
import json

import pytest
from django.utils import timezone
from openapi_core import Config, OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from openapi_spec_validator import validate

from dashboard.api_urls import api
from measurement.models import Domain, Scan


@pytest.fixture
def document(client, db) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    data = response.json()
    validate(data)  # a valid OpenAPI 3.1 document
    return data


@pytest.fixture
def full_scan(cast) -> Scan:
    """A scan of kind `full` (started by hand) and one still running, beside the cast's."""
    now = timezone.now()
    Scan.objects.create(
        kind=Scan.Kind.FULL, status=Scan.Status.RUNNING, methodology_version="1.0",
        scanner_version="test", created_at=now,
    )  # fmt: skip
    return Scan.objects.create(
        kind=Scan.Kind.FULL, name="volledig, met de hand gestart", status=Scan.Status.FINISHED,
        methodology_version="1.0", scanner_version="test", created_at=now,
        started_at=now, finished_at=now + datetime.timedelta(minutes=2),
    )  # fmt: skip


def _openapi(document: dict) -> OpenAPI:
    # openapi-core decodes application/json only; a problem is JSON too (RFC 9457).
    problems = {"application/problem+json": json.loads}
    return OpenAPI.from_dict(document, config=Config(extra_media_type_deserializers=problems))


def _validated(client, openapi: OpenAPI, url: str, params=None, status: int = 200):
    response = client.get(url, params or {})
    assert response.status_code == status, (url, response.content[:300])
    request = DjangoOpenAPIRequest(response.wsgi_request)
    if status == 200:
        openapi.validate_request(request)
    openapi.validate_response(request, DjangoOpenAPIResponse(response))
    # NL API Design Rules (API-57): the full version on every answer, as the document says
    assert response["API-Version"] == openapi.spec["info"]["version"] == "1.0.0"
    return response.json()


def test_every_endpoint_answers_as_the_document_says(client, cast, full_scan, document):
    openapi = _openapi(document)
    Domain.objects.create(name="nieuw.example.nl", organisation=cast.secure, source="manual")
    slug = cast.secure.slug
    urls = [
        ("/api/v1/", None),
        ("/api/v1/organisations/", None),
        ("/api/v1/organisations/", {"sector": "gemeente", "q": "veilig", "page_size": 1}),
        (f"/api/v1/organisations/{slug}/", None),
        (f"/api/v1/organisations/{cast.hostile.slug}/", None),
        (f"/api/v1/organisations/{slug}/history/", None),
        ("/api/v1/domains/", None),
        ("/api/v1/domains/", {"active": "true", "organisation": slug}),
        ("/api/v1/domains/nieuw.example.nl/", None),
        ("/api/v1/domains/alleenstarttls.nl/", None),
        ("/api/v1/domains/alleenstarttls.nl/history/", {"page_size": 2}),
        ("/api/v1/sectors/", None),
        ("/api/v1/sectors/", {"scan": cast.round.pk}),
        ("/api/v1/sectors/", {"scan": full_scan.pk}),
        ("/api/v1/sectors/", {"scan": cast.round.pk, "reading": "internetnl"}),
        ("/api/v1/scans/", None),
        ("/api/v1/scans/", {"kind": "full"}),
        (f"/api/v1/scans/{full_scan.pk}/", None),
        (f"/api/v1/scans/{cast.round.pk}/", None),
        ("/api/v1/rounds/", None),
    ]
    for url, params in urls:
        _validated(client, openapi, url, params)
    kinds = {scan["kind"] for scan in _validated(client, openapi, "/api/v1/scans/")["results"]}
    assert kinds == {"scheduled", "round", "full"}
    domain = _validated(client, openapi, "/api/v1/domains/nieuw.example.nl/")
    assert domain["latest_result"] is None


def test_errors_are_problem_details_as_documented(client, cast, document):
    openapi = _openapi(document)
    for url, params, status in (
        ("/api/v1/organisations/nope/", None, 404),
        ("/api/v1/domains/-bad-/", None, 404),
        ("/api/v1/scans/999999/", None, 404),
        ("/api/v1/sectors/", {"scan": "999999"}, 404),
        ("/api/v1/organisations/", {"page": "x"}, 400),
        ("/api/v1/organisations/", {"sector": "nope"}, 400),
        ("/api/v1/scans/", {"kind": "weekly"}, 400),
        ("/api/v1/sectors/", {"scan": "abc"}, 400),
        ("/api/v1/sectors/", {"reading": "strict"}, 400),
    ):
        problem = _validated(client, openapi, url, params, status)
        assert problem["status"] == status and problem["type"] == "about:blank"
        assert problem["detail"]


def test_unknown_paths_and_methods_answer_problem_json_not_html(client, cast):
    for response, status in (
        (client.get("/api/v1/nope/"), 404),
        (client.get("/api/v1/organisations/a/b/c/"), 404),
        (client.post("/api/v1/organisations/"), 405),
        (client.delete("/api/v1/scans/1/"), 405),
    ):
        assert response.status_code == status
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == status
        assert response["API-Version"] == "1.0.0"
    assert client.post("/api/v1/organisations/")["Allow"] == "GET, HEAD"
    redirect = client.get("/api/v1/scans", {"kind": "round"})
    assert redirect.status_code == 301 and redirect["Location"] == "/api/v1/scans/?kind=round"


def test_the_document_is_generated_from_the_code_that_serves_the_api(document):
    generated = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1")))
    assert document == generated
    kinds = document["components"]["schemas"]["Kind"]["enum"]
    assert set(kinds) == set(Scan.Kind.values)  # "full" included, from the model itself


def test_the_documentation_page_is_served_from_our_own_static_files(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert "openapi.json" in html
