"""Routes of the read-only JSON API, version 1."""

from django.urls import path

from dashboard import api

urlpatterns = [
    path("", api.index, name="api_index"),
    path("openapi.json", api.openapi, name="api_openapi"),
    path("organisations/", api.organisations, name="api_organisations"),
    path("organisations/<slug:slug>/", api.organisation, name="api_organisation"),
    path(
        "organisations/<slug:slug>/history/",
        api.organisation_history,
        name="api_organisation_history",
    ),
    path("domains/", api.domains, name="api_domains"),
    path("domains/<str:name>/", api.domain, name="api_domain"),
    path("domains/<str:name>/history/", api.domain_history, name="api_domain_history"),
    path("sectors/", api.sectors, name="api_sectors"),
    path("scans/", api.scans, name="api_scans"),
    path("scans/<int:scan_id>/", api.scan, name="api_scan"),
    path("rounds/", api.rounds, name="api_rounds"),
]
