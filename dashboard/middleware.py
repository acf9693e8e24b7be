"""Headers the site sets around its views: the Content Security Policy, the API's caching,
ETags, HEAD and CORS, and the pages' caching."""

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag

from dashboard.problems import problem

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'; object-src 'none'"
)
API_PREFIX = "/api/"
API_MAX_AGE = 300
# The full version of the API (its major version is the /v1/ in the path); sent as the
# API-Version header on every answer (NL API Design Rules, API-57).
API_VERSION = "1.0.0"
PAGE_MAX_AGE = 300


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_PATH

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(self.admin_prefix):
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault(
            "Permissions-Policy", "geolocation=(), camera=(), microphone=()"
        )
        return response


class ApiHeadersMiddleware:
    """For /api/: read-only (GET and HEAD), cacheable by anyone for five minutes, with a
    strong ETag over the body (If-None-Match gives 304), open to every origin (CORS), with
    the API's full version in the API-Version header.

    The answers do not depend on the language or on any cookie, so they vary by nothing
    but their URL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        head = request.method == "HEAD"
        if head:
            request.method = "GET"  # the same answer without its body (RFC 9110 9.3.2)
        if request.method != "GET":
            response = problem(405, "the API is read-only: GET and HEAD only")
            response["Allow"] = "GET, HEAD"
        else:
            response = self._cacheable(request, self.get_response(request))
        response["Access-Control-Allow-Origin"] = "*"
        response["API-Version"] = API_VERSION
        if head:
            response.content = b""
        return response

    @staticmethod
    def _cacheable(request, response):
        if response.status_code != 200 or response.streaming:
            return response
        response["Cache-Control"] = f"public, max-age={API_MAX_AGE}"
        if response["Content-Type"].startswith("application/json"):
            set_response_etag(response)
            return get_conditional_response(request, etag=response["ETag"], response=response)
        return response


class PageCacheMiddleware:
    """HTML pages: cacheable by anyone for five minutes when the page sets no cookie (it
    has no form that needs a CSRF token; the language is in the URL); otherwise private.
    First in MIDDLEWARE, so that it sees every cookie the others set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method not in ("GET", "HEAD")
            or response.status_code != 200
            or not response.get("Content-Type", "").startswith("text/html")
            or request.path.startswith("/" + settings.ADMIN_PATH)
            or "Cache-Control" in response
        ):
            return response
        if response.cookies:
            patch_cache_control(response, private=True)
        else:
            patch_cache_control(response, public=True, max_age=PAGE_MAX_AGE)
        return response
