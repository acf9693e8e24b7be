"""Routes of the read-only JSON API, version 1: the operations, then JSON 404s for the rest."""

from django.urls import path

from dashboard.api import api
from dashboard.problems import problem


def unknown_path(request, rest: str = ""):
    return problem(404, f"no such API path: {request.path[:200]}")


urlpatterns = [
    path("", api.urls),
    path("<path:rest>", unknown_path),
]
