"""Explanations of the MTA-STS and TLS-RPT reasons: the records and the policy file."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from measurement.explanations.sentences import (
    FIX_MTA_STS,
    FIX_PKIX,
    FIX_RETRY,
    FIX_TLS_RPT,
    WHY_MTA_STS,
    WHY_NOT_TESTABLE,
    WHY_PKIX,
    WHY_TLS_RPT,
)

POLICY_TEXTS: dict[str, tuple[Any, Any, Any]] = {
    # MTA-STS
    "mta_sts_missing": (_("Er is geen MTA-STS-record"), WHY_MTA_STS, FIX_MTA_STS),
    "mta_sts_txt_multiple": (
        _("Er zijn meerdere MTA-STS-records"),
        _("Bij meer dan één v=STSv1-record negeren verzenders MTA-STS helemaal (RFC 8461)."),
        _("Houd precies één TXT-record op _mta-sts over."),
    ),
    "mta_sts_txt_invalid": (
        _("Het MTA-STS-record is ongeldig"),
        _("Verzenders negeren een ongeldig record en daarmee het beleid."),
        FIX_MTA_STS,
    ),
    "mta_sts_txt_bogus": (
        _("De DNSSEC-handtekening van het MTA-STS-record is ongeldig"),
        _("Verzenders kunnen het record niet opvragen."),
        _("Herstel de ondertekening van de zone."),
    ),
    "mta_sts_txt_lookup_failed": (
        _("Het MTA-STS-record kon niet worden opgevraagd"),
        WHY_NOT_TESTABLE,
        FIX_RETRY,
    ),
    "mta_sts_not_observed": (_("MTA-STS is niet gemeten"), WHY_NOT_TESTABLE, FIX_RETRY),
    "mta_sts_policy_not_fetched": (
        _("Het MTA-STS-beleid is niet opgehaald"),
        WHY_NOT_TESTABLE,
        FIX_RETRY,
    ),
    "mta_sts_policy_unreachable": (
        _("De webserver met het MTA-STS-beleid was niet bereikbaar"),
        WHY_NOT_TESTABLE,
        _("Controleer of https://mta-sts.<domein> vanaf het internet bereikbaar is."),
    ),
    "mta_sts_policy_host_not_found": (
        _("De naam mta-sts.<domein> bestaat niet"),
        _("Het record kondigt een beleid aan, maar verzenders kunnen het niet ophalen."),
        _("Maak mta-sts.<domein> aan met een webserver die het beleid serveert."),
    ),
    "mta_sts_policy_fetch_failed": (
        _("Het MTA-STS-beleid kon niet worden opgehaald"),
        _("Verzenders zonder beleid in hun cache passen MTA-STS dan niet toe."),
        _("Controleer de HTTPS-configuratie van mta-sts.<domein>."),
    ),
    "mta_sts_policy_too_large": (
        _("Het MTA-STS-beleid is groter dan 64 KiB"),
        _("Verzenders mogen zulke grote beleidsbestanden weigeren."),
        _("Publiceer een kort beleid zoals hieronder."),
    ),
    "mta_sts_policy_certificate_invalid": (
        _("Het certificaat van mta-sts.<domein> is niet geldig"),
        _("Verzenders halen het beleid alleen op met een geldig publiek certificaat."),
        FIX_PKIX,
    ),
    "mta_sts_policy_http_status": (
        _("Het MTA-STS-beleid gaf geen HTTP 200"),
        _("Verzenders volgen geen doorverwijzingen en accepteren alleen status 200."),
        _("Serveer het bestand direct op /.well-known/mta-sts.txt met status 200."),
    ),
    "mta_sts_policy_content_type": (
        _("Het MTA-STS-beleid is niet als text/plain geserveerd"),
        _("RFC 8461 schrijft media type text/plain voor."),
        _("Stel de webserver in op Content-Type: text/plain voor dit bestand."),
    ),
    "mta_sts_policy_invalid": (
        _("Het MTA-STS-beleid bevat fouten"),
        _("Verzenders negeren een ongeldig beleid."),
        _("Herstel de genoemde regels; een geldig voorbeeld staat hieronder."),
    ),
    "mta_sts_mode_testing": (
        _("MTA-STS staat in modus testing"),
        _("In testing rapporteren verzenders problemen maar leveren ze toch onbeveiligd af."),
        _("Zet mode op enforce zodra de TLS-RPT-rapporten geen problemen meer tonen."),
    ),
    "mta_sts_mode_none": (
        _("MTA-STS staat in modus none"),
        _("Modus none schakelt MTA-STS uit."),
        _(
            "Zet mode op testing, met een TLS-RPT-record, en op enforce zodra de rapporten "
            "geen problemen tonen."
        ),
    ),
    "mta_sts_mx_not_covered": (
        _("Niet elke mailserver staat in het MTA-STS-beleid"),
        _("Verzenders leveren in enforce niet af bij mailservers die niet in het beleid staan."),
        _("Voeg een mx-regel toe voor elke mailserver (een *. dekt precies één label)."),
    ),
    "mta_sts_mx_certificate_invalid": (
        _("Een mailserver heeft geen geldig publiek certificaat"),
        WHY_PKIX,
        FIX_PKIX,
    ),
    # TLS-RPT
    "tls_rpt_missing": (_("Er is geen TLS-RPT-record"), WHY_TLS_RPT, FIX_TLS_RPT),
    "tls_rpt_multiple": (
        _("Er zijn meerdere TLS-RPT-records"),
        _("Bij meer dan één record sturen verzenders geen rapporten (RFC 8460)."),
        FIX_TLS_RPT,
    ),
    "tls_rpt_invalid": (_("Het TLS-RPT-record is ongeldig"), WHY_TLS_RPT, FIX_TLS_RPT),
    "tls_rpt_bogus": (
        _("De DNSSEC-handtekening van het TLS-RPT-record is ongeldig"),
        WHY_TLS_RPT,
        _("Herstel de ondertekening van de zone."),
    ),
    "tls_rpt_lookup_failed": (
        _("Het TLS-RPT-record kon niet worden opgevraagd"),
        WHY_NOT_TESTABLE,
        FIX_RETRY,
    ),
    "tls_rpt_not_observed": (_("TLS-RPT is niet gemeten"), WHY_NOT_TESTABLE, FIX_RETRY),
}
