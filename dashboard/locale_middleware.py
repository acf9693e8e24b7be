"""Dutch first: the language is Dutch unless the visitor chose English with the switch.

Django's LocaleMiddleware would follow the browser's Accept-Language; a Dutch government
site starts in Dutch for everyone, and the choice made with the language switch (the
cookie set by django.views.i18n.set_language) is remembered.
"""

from django.middleware.locale import LocaleMiddleware


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
