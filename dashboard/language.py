"""Dutch first: a page is Dutch unless its URL starts with /en/ (config/urls.py).

The language comes from the path alone, never from Accept-Language or a cookie, so a page
has one language per URL, can be linked in either language, and a shared cache may keep
it (no `Vary` for the language). The switch in the header links to the same page in the
other language (`language_url`). The API and the downloads have no language.
"""

from django.conf import settings
from django.urls import translate_url
from django.utils import translation


def language_of_path(path: str) -> str:
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


class PathLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_of_path(request.path_info)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Content-Language", language)
        return response


def language_url(full_path: str, code: str) -> str:
    """The same page (query string kept) in another language."""
    return translate_url(full_path, code)
