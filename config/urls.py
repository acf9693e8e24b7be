"""URL routes: the admin, the language switch (a link), accounts, alerts, the JSON API and
the dashboard."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from dashboard import language

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    path("taal/<str:code>/", language.choose_language, name="choose_language"),
    path("api/v1/", include("dashboard.api_urls")),
    path("account/", include("accounts.urls")),
    path("meldingen/", include("alerts.urls")),
    path("", include("dashboard.urls")),
]
