"""Dashboard routes: pages (Dutch paths, English under /en/); the language-free downloads are
in export_urls.py, the JSON API in api_urls.py."""

from django.urls import path

from dashboard import progress_views, views

app_name = "dashboard"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("dane-en-mta-sts/", views.side_by_side, name="side_by_side"),
    path("sector/<slug:sector>/", views.sector, name="sector"),
    path("organisatie/<slug:slug>/", views.organisation, name="organisation"),
    path("organisatie/<slug:slug>/hertest/", views.retest, name="retest"),
    path("meting/<int:scan_id>/voortgang.json", views.scan_progress, name="scan_progress"),
    path("domein/<str:name>/", views.domain, name="domain"),
    path("methode/", views.methodology, name="methodology"),
    path("vergelijken/", progress_views.comparison, name="comparison"),
    path("vergelijken.csv", progress_views.comparison_csv, name="comparison_csv"),
    path("rapport/<int:scan_id>/", progress_views.report, name="report"),
    path("rapport/<int:scan_id>.pdf", progress_views.report_pdf, name="report_pdf"),
    path("providers/", progress_views.provider_index, name="providers"),
    path("provider/<slug:slug>/", progress_views.provider, name="provider"),
    path("zoeken/", views.search, name="search"),
    path("zoeken/suggesties.json", views.suggestions, name="suggestions"),
]
