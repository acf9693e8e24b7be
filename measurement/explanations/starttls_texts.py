"""Explanations of the STARTTLS reasons: what the probe of a mail server saw."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from measurement.explanations.sentences import FIX_RETRY, WHY_NOT_TESTABLE

STARTTLS_TEXTS: dict[str, tuple[Any, Any, Any]] = {
    # STARTTLS and the probe
    "starttls_not_offered": (
        _("De mailserver biedt geen STARTTLS aan"),
        _(
            "Zonder STARTTLS gaat e-mail onversleuteld over het internet en kan iedereen "
            "onderweg meelezen."
        ),
        _("Zet STARTTLS aan op de mailserver met een certificaat."),
    ),
    "handshake_failed": (
        _("De TLS-verbinding met de mailserver mislukt"),
        _(
            "De server biedt STARTTLS aan, maar de versleutelde verbinding komt niet tot "
            "stand; verzenders die versleuteling eisen (DANE, MTA-STS) leveren niet af."
        ),
        _(
            "Controleer certificaat, sleutel en TLS-instellingen (versies, cijfers) van de "
            "mailserver."
        ),
    ),
    "smtp_timeout": (_("De mailserver antwoordde niet op tijd"), WHY_NOT_TESTABLE, FIX_RETRY),
    "smtp_refused": (_("De mailserver weigerde de verbinding"), WHY_NOT_TESTABLE, FIX_RETRY),
    "smtp_unreachable": (_("De mailserver was onbereikbaar"), WHY_NOT_TESTABLE, FIX_RETRY),
    "smtp_rate_limited": (
        _("De mailserver vroeg ons later terug te komen (4xx)"),
        WHY_NOT_TESTABLE,
        FIX_RETRY,
    ),
    "smtp_rejected": (
        _("De mailserver weigerde ons (5xx)"),
        WHY_NOT_TESTABLE,
        _("Sta verbindingen van de meetdienst toe op poort 25."),
    ),
    "smtp_protocol_error": (
        _("De mailserver gaf geen geldig SMTP-antwoord"),
        WHY_NOT_TESTABLE,
        _("Controleer of op poort 25 een werkende mailserver draait."),
    ),
    "address_not_allowed": (
        _("De mailserver heeft een privé- of gereserveerd IP-adres"),
        _("Zo'n adres is vanaf het internet niet bereikbaar; wij maken er geen verbinding mee."),
        _("Laat de MX-hostnaam naar een publiek IP-adres wijzen."),
    ),
    "not_probed": (_("Deze mailserver is niet gemeten"), WHY_NOT_TESTABLE, FIX_RETRY),
    "probe_error": (
        _("Fout in onze meting"),
        _("Dit is een fout aan onze kant; het telt niet mee en is gelogd."),
        _("Geen actie nodig."),
    ),
    "evaluate_error": (
        _("Fout in onze beoordeling"),
        _("Dit is een fout aan onze kant; het telt niet mee en is gelogd."),
        _("Geen actie nodig."),
    ),
    "mx_host_no_address": (
        _("Een mailserver uit de MX-records heeft geen IP-adres"),
        _("Verzenders kunnen die server niet bereiken en proberen de volgende."),
        _("Verwijder de MX-record of geef de hostnaam A- of AAAA-records."),
    ),
    "mx_no_address": (
        _("Geen enkele mailserver heeft een IP-adres"),
        _("Het domein kan zo geen e-mail ontvangen."),
        _("Geef de mailservers A- of AAAA-records."),
    ),
    "address_lookup_failed": (
        _("De IP-adressen van een mailserver konden niet worden opgevraagd"),
        WHY_NOT_TESTABLE,
        _("Controleer of de nameservers van de mailserver antwoorden."),
    ),
    "address_lookup_bogus": (
        _("De DNSSEC-handtekening van de adressen van een mailserver is ongeldig"),
        _("Validerende resolvers vinden de mailserver dan niet."),
        _("Herstel de ondertekening van de zone van de mailserver."),
    ),
    "host_not_resolved": (
        _("Een mailserver is niet opgezocht"),
        WHY_NOT_TESTABLE,
        _("Geen actie nodig; wij meten opnieuw."),
    ),
    "not_resolved": (
        _("Het domein is niet opgezocht"),
        _("De meting stopte voordat dit domein aan de beurt was."),
        _("Geen actie nodig; wij meten opnieuw."),
    ),
}
