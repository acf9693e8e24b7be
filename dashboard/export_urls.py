"""Downloads that have no language (CSV, XLSX, DCAT): one URL each, outside the /en/ pages."""

from django.urls import path

from dashboard import dcat, exports

app_name = "exports"
urlpatterns = [
    path("export/meting/<int:scan_id>.csv", exports.scan_csv, name="scan_csv"),
    path("export/meting/<int:scan_id>.xlsx", exports.scan_xlsx, name="scan_xlsx"),
    path("export/domeinen.csv", exports.domains_csv, name="domains_csv"),
    path("export/organisaties.csv", exports.organisations_csv, name="organisations_csv"),
    path("export/sectoren.csv", exports.sectors_csv, name="sectors_csv"),
    path("export/meting/<int:scan_id>.jsonld", dcat.scan_dcat, name="scan_dcat"),
    path("export/catalogus.jsonld", dcat.catalogue, name="catalogue"),
]
