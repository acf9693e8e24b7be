"""URL routes: the admin, the JSON API and the downloads (no language), and the pages:
Dutch without a prefix, English under /en/ (the same paths), so each can be linked."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    path("api/v1/", include("dashboard.api_urls")),
    path("", include("dashboard.export_urls")),
    *i18n_patterns(
        path("account/", include("account_pages.urls")),
        path("meldingen/", include("alerts.urls")),
        path("", include("dashboard.urls")),
        prefix_default_language=False,
    ),
]
