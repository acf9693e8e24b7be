"""Explanations of the Web-PKI certificate reasons (MTA-STS needs a valid certificate)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from measurement.explanations.sentences import FIX_PKIX, WHY_PKIX

CERTIFICATE_TEXTS: dict[str, tuple[Any, Any, Any]] = {
    # Web PKI (MTA-STS)
    "certificate_expired": (_("Het certificaat is verlopen"), WHY_PKIX, FIX_PKIX),
    "certificate_not_yet_valid": (_("Het certificaat is nog niet geldig"), WHY_PKIX, FIX_PKIX),
    "certificate_name_mismatch": (
        _("Het certificaat staat niet op de naam van de server"),
        WHY_PKIX,
        FIX_PKIX,
    ),
    "certificate_self_signed": (_("Het certificaat is zelfondertekend"), WHY_PKIX, FIX_PKIX),
    "certificate_untrusted": (
        _("Het certificaat is niet door een vertrouwde CA uitgegeven of de keten is onvolledig"),
        WHY_PKIX,
        FIX_PKIX,
    ),
    "no_certificate": (_("Geen certificaat ontvangen"), WHY_PKIX, FIX_PKIX),
    # "certificate_extension_rejected:<extension>": the title names the extension.
    "certificate_extension_rejected": (
        _("Het certificaat voldoet niet aan het strikte CA/Browser-forumprofiel: %(extension)s"),
        _(
            "Wij controleren certificaten bewust streng, volgens RFC 5280 en de Baseline "
            "Requirements van het CA/Browser-forum. Een extensie die ontbreekt of niet klopt "
            "(bijvoorbeeld een servercertificaat zonder Authority Key Identifier) wordt door "
            "strikte verzenders geweigerd."
        ),
        _(
            "Laat de certificaatautoriteit een certificaat uitgeven met de genoemde extensie "
            "zoals het profiel haar eist, en stuur de volledige keten mee."
        ),
    ),
}
