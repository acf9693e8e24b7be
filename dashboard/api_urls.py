"""Routes of the read-only JSON API, version 1: the operations, then JSON 404s for the rest."""

from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, path, resolve

from dashboard.api import api
from dashboard.problems import problem


def unknown_path(request, rest: str = ""):
    """A JSON 404, or a redirect when only the final slash is missing (/api/v1/scans)."""
    try:
        match = resolve(request.path + "/")
    except Resolver404:
        match = None
    if match is not None and match.func is not unknown_path and not request.path.endswith("/"):
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
    return problem(404, f"no such API path: {request.path[:200]}")


urlpatterns = [
    path("", api.urls),
    path("<path:rest>", unknown_path),
]
