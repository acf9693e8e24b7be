"""Dutch first: the language is Dutch unless the visitor chose English with the switch.

The switch is a plain link (GET /taal/en/?next=...) that remembers the choice in the
language cookie, so pages need no form and no CSRF cookie for it. Django's
LocaleMiddleware would follow the browser's Accept-Language and say `Vary:
Accept-Language`; here the language comes from the cookie alone, so a page says `Vary:
Cookie`, and downloads and the API, which have no language, vary on neither.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


def chosen_language(request: HttpRequest) -> str:
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class DutchFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ("Cookie",))
            response.headers.setdefault("Content-Language", language)
        return response


@require_safe
def choose_language(request: HttpRequest, code: str) -> HttpResponseRedirect:
    """Remember the language and go back to the page the visitor came from."""
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=not settings.DEBUG,
        )
    patch_cache_control(response, private=True, no_store=True)
    return response
