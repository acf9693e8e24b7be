"""Explanations of the MX and DNSSEC reasons of a mail domain."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from measurement.explanations.sentences import WHY_NOT_TESTABLE

MX_TEXTS: dict[str, tuple[Any, Any, Any]] = {
    # MX and DNSSEC
    "no_mx": (
        _("Het domein heeft geen MX-record"),
        _("Zonder MX ontvangt het domein geen e-mail; de mailchecks zijn niet van toepassing."),
        _("Geen actie nodig als het domein geen e-mail ontvangt; publiceer anders MX-records."),
    ),
    "null_mx": (
        _("Het domein ontvangt geen e-mail (null MX)"),
        _("Met een null MX (RFC 7505) zegt het domein dat het geen e-mail aanneemt."),
        _("Geen actie nodig."),
    ),
    "mx_lookup_failed": (
        _("De MX-records konden niet worden opgevraagd"),
        WHY_NOT_TESTABLE,
        _("Controleer of de nameservers van het domein antwoorden."),
    ),
    "mx_bogus": (
        _("De DNSSEC-handtekening van de MX-records is ongeldig"),
        _(
            "Validerende resolvers weigeren ongeldig ondertekende antwoorden: verzenders "
            "vinden de mailservers niet en e-mail blijft weg. Een verzender die DANE toepast, "
            "houdt alle e-mail voor het domein vast (RFC 7672), dus DANE voldoet niet."
        ),
        _(
            "Herstel de ondertekening van de zone (verlopen handtekeningen, DS-record bij de "
            "registry dat niet bij de sleutel past)."
        ),
    ),
    "mx_not_testable": (
        _("Geen testbare mailserver in de MX-records"),
        _(
            "De MX-records wijzen alleen naar localhost of een IP-adres; geen verzender kan dat "
            "gebruiken en wij kunnen het niet testen."
        ),
        _("Laat de MX-records naar de hostnamen van de echte mailservers wijzen."),
    ),
    "mx_insecure": (
        _("De MX-records zijn niet met DNSSEC ondertekend"),
        _(
            "Zonder DNSSEC kan een aanvaller verzenders naar een andere mailserver sturen; "
            "DANE op de mailservers beschermt dit domein dan niet."
        ),
        _(
            "Onderteken de zone van het domein met DNSSEC en publiceer het DS-record bij de "
            "registrar."
        ),
    ),
    "address_insecure": (
        _("De adresrecords van een mailserver zijn niet met DNSSEC ondertekend"),
        _("Zonder ondertekende A/AAAA-records kan een aanvaller verzenders omleiden."),
        _("Onderteken de zone waarin de mailserver staat met DNSSEC."),
    ),
}
