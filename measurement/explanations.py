"""Human explanations of every verdict reason: what is wrong, why it matters, how to fix it.

Dutch first (the msgids), English through Django i18n (locale/en). Where the fix is a DNS
record or a policy file we can compute, `record` holds the exact text to publish.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from measurement.evaluate.dane import presentation, tlsa_record_for


@dataclass(frozen=True)
class Explanation:
    title: str  # what is wrong
    why: str  # why it matters
    fix: str  # how to fix it
    record: str = ""  # the exact record or file to publish, when computable


# Shared sentences.
_WHY_DANE = _(
    "Verzenders die DANE toepassen (zoals veel Nederlandse overheden en grote providers) "
    "vertrouwen alleen op de TLSA-records om te weten dat ze met de echte mailserver "
    "praten. Zonder werkende DANE kan een aanvaller het e-mailverkeer onderscheppen of "
    "terugvallen naar onversleuteld afdwingen."
)
_WHY_DEFER = _(
    "Een verzender die DANE toepast, kan de mailserver dan niet controleren en houdt de "
    "e-mail vast (uitstel), zodat berichten vertraagd aankomen of na enkele dagen "
    "terugkomen als onbestelbaar."
)
_WHY_NOT_TESTABLE = _(
    "Dit is geen oordeel over de mailserver: wij konden niet meten. Het telt niet mee in "
    "de percentages en wordt apart getoond."
)
_FIX_RETRY = _(
    "Controleer of de mailserver bereikbaar is op poort 25 vanaf het internet; wij meten "
    "bij de volgende meting opnieuw."
)
_WHY_MTA_STS = _(
    "MTA-STS vertelt verzenders dat zij alleen versleuteld mogen afleveren bij de "
    "genoemde mailservers met een geldig certificaat. Zonder geldig beleid in modus "
    "enforce kan een aanvaller de versleuteling weghalen."
)
_FIX_MTA_STS = _(
    "Begin met modus testing, samen met een TLS-RPT-record: publiceer één TXT-record op "
    "_mta-sts.<domein>, een beleid op https://mta-sts.<domein>/.well-known/mta-sts.txt met "
    "een geldig certificaat en het TLS-RPT-record, zoals hieronder. Zet mode op enforce "
    "zodra de TLS-RPT-rapporten enkele weken geen problemen tonen, en verhoog het id bij "
    "elke wijziging van het beleid."
)
_WHY_TLS_RPT = _(
    "Met TLS-RPT ontvangt u dagelijks rapporten van verzenders over mislukte "
    "versleutelde afleveringen, zodat u problemen met DANE of MTA-STS ziet voordat e-mail "
    "wegblijft."
)
_FIX_TLS_RPT = _(
    "Publiceer precies één TXT-record op _smtp._tls.<domein> dat begint met v=TLSRPTv1 en "
    "een rua met een mailto:- of https:-adres bevat."
)
_FIX_TLSA = _(
    "Publiceer in een met DNSSEC ondertekende zone een TLSA-record voor poort 25 van elke "
    "mailserver, bij voorkeur '3 1 1' (de SHA-256 van de publieke sleutel van het "
    "certificaat dat de server nu toont), en daarnaast een record voor de volgende sleutel."
)
_WHY_PKIX = _(
    "Verzenders die MTA-STS toepassen, eisen een certificaat dat een publieke "
    "certificaatautoriteit heeft uitgegeven voor de naam van de mailserver en dat nog "
    "geldig is."
)
_FIX_PKIX = _(
    "Installeer een geldig certificaat van een publieke certificaatautoriteit met de naam "
    "van de server in subjectAltName, en stuur de volledige keten (met tussencertificaten) "
    "mee."
)

_TEXTS: dict[str, tuple[Any, Any, Any]] = {
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
        _WHY_NOT_TESTABLE,
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
    "smtp_timeout": (_("De mailserver antwoordde niet op tijd"), _WHY_NOT_TESTABLE, _FIX_RETRY),
    "smtp_refused": (_("De mailserver weigerde de verbinding"), _WHY_NOT_TESTABLE, _FIX_RETRY),
    "smtp_unreachable": (_("De mailserver was onbereikbaar"), _WHY_NOT_TESTABLE, _FIX_RETRY),
    "smtp_rate_limited": (
        _("De mailserver vroeg ons later terug te komen (4xx)"),
        _WHY_NOT_TESTABLE,
        _FIX_RETRY,
    ),
    "smtp_rejected": (
        _("De mailserver weigerde ons (5xx)"),
        _WHY_NOT_TESTABLE,
        _("Sta verbindingen van de meetdienst toe op poort 25."),
    ),
    "smtp_protocol_error": (
        _("De mailserver gaf geen geldig SMTP-antwoord"),
        _WHY_NOT_TESTABLE,
        _("Controleer of op poort 25 een werkende mailserver draait."),
    ),
    "address_not_allowed": (
        _("De mailserver heeft een privé- of gereserveerd IP-adres"),
        _("Zo'n adres is vanaf het internet niet bereikbaar; wij maken er geen verbinding mee."),
        _("Laat de MX-hostnaam naar een publiek IP-adres wijzen."),
    ),
    "not_probed": (_("Deze mailserver is niet gemeten"), _WHY_NOT_TESTABLE, _FIX_RETRY),
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
        _WHY_NOT_TESTABLE,
        _("Controleer of de nameservers van de mailserver antwoorden."),
    ),
    "address_lookup_bogus": (
        _("De DNSSEC-handtekening van de adressen van een mailserver is ongeldig"),
        _("Validerende resolvers vinden de mailserver dan niet."),
        _("Herstel de ondertekening van de zone van de mailserver."),
    ),
    "host_not_resolved": (
        _("Een mailserver is niet opgezocht"),
        _WHY_NOT_TESTABLE,
        _("Geen actie nodig; wij meten opnieuw."),
    ),
    "not_resolved": (
        _("Het domein is niet opgezocht"),
        _("De meting stopte voordat dit domein aan de beurt was."),
        _("Geen actie nodig; wij meten opnieuw."),
    ),
    # DANE
    "no_tlsa": (_("Er is geen TLSA-record voor de mailserver"), _WHY_DANE, _FIX_TLSA),
    "mx_host_unsigned": (
        _("De zone van de mailserver is niet met DNSSEC ondertekend"),
        _("DANE werkt alleen met DNSSEC: zonder ondertekening negeren verzenders TLSA."),
        _("Onderteken de zone van de mailserver (of vraag dat aan uw mailprovider)."),
    ),
    "tlsa_insecure": (
        _("Er staan TLSA-records, maar zonder DNSSEC"),
        _("Verzenders negeren TLSA-records die niet met DNSSEC zijn beveiligd."),
        _("Onderteken de zone waarin de TLSA-records staan met DNSSEC."),
    ),
    "tlsa_bogus": (
        _("De DNSSEC-handtekening van de TLSA-records is ongeldig"),
        _WHY_DEFER,
        _("Herstel de ondertekening van de zone (verlopen of ontbrekende handtekeningen)."),
    ),
    "tlsa_indeterminate": (
        _("De TLSA-records konden niet worden opgevraagd (SERVFAIL)"),
        _WHY_DEFER,
        _("Controleer of de nameservers van de mailserver TLSA-vragen correct beantwoorden."),
    ),
    "tlsa_lookup_timeout": (
        _("De TLSA-records konden niet op tijd worden opgevraagd"),
        _WHY_NOT_TESTABLE,
        _("Controleer of de nameservers van de mailserver antwoorden."),
    ),
    "no_usable_tlsa": (
        _("Geen enkel TLSA-record is bruikbaar voor SMTP"),
        _(
            "Voor e-mail tellen alleen DANE-TA(2) en DANE-EE(3) met selector 0/1 en "
            "matching type 0/1/2 (RFC 7672); PKIX-TA(0) en PKIX-EE(1) worden genegeerd."
        ),
        _FIX_TLSA,
    ),
    "tlsa_no_match": (
        _("Geen TLSA-record past bij het certificaat van de mailserver"),
        _WHY_DEFER,
        _(
            "Publiceer een TLSA-record dat past bij het certificaat dat de server nu toont "
            "(hieronder), of zet het bijbehorende certificaat terug."
        ),
    ),
    "leaf_mismatch": (
        _("Het DANE-EE-record past niet bij het servercertificaat"),
        _(
            "Waarschijnlijk is het certificaat of de sleutel vervangen zonder de TLSA-records "
            "bij te werken."
        ),
        _(
            "Werk de TLSA-records bij naar de huidige sleutel; publiceer de volgende sleutel "
            "vooraf."
        ),
    ),
    "digest_superseded": (
        _("Het passende TLSA-record wordt genegeerd: er staat een sterkere hash naast"),
        _(
            "Bij records met hetzelfde gebruik en dezelfde selector gebruiken verzenders "
            "alleen het sterkste hashtype (RFC 7671 sectie 9, zo doen Postfix en OpenSSL "
            "het). Een verouderd SHA-512-record (matching type 2) naast een goed SHA-256-record "
            "maakt dat het goede record niet meetelt en e-mail wordt uitgesteld."
        ),
        _(
            "Werk het record met de sterkste hash bij naar de huidige sleutel, of verwijder "
            "het, zodat elke hash bij hetzelfde certificaat hoort."
        ),
    ),
    "dane_ta_anchor_not_found": (
        _("De CA uit het DANE-TA-record staat niet in de keten van de server"),
        _("Bij DANE-TA moet de server de vertrouwde CA meesturen in de certificaatketen."),
        _("Configureer de mailserver zo dat de volledige keten inclusief de CA wordt meegestuurd."),
    ),
    "dane_ta_chain_invalid": (
        _("De certificaatketen loopt niet naar de CA uit het DANE-TA-record"),
        _("De handtekeningen in de keten leiden niet naar de vertrouwde CA."),
        _("Stuur de juiste tussencertificaten mee of werk het DANE-TA-record bij."),
    ),
    "dane_ta_certificate_expired": (
        _("Een certificaat in de DANE-TA-keten is verlopen"),
        _(
            "Bij DANE-TA tellen de geldigheidsdata van het servercertificaat en de "
            "tussencertificaten mee."
        ),
        _("Vernieuw het verlopen certificaat."),
    ),
    "dane_ta_certificate_not_yet_valid": (
        _("Een certificaat in de DANE-TA-keten is nog niet geldig"),
        _("Bij DANE-TA tellen de geldigheidsdata mee."),
        _("Controleer de begindatum van het certificaat en de klok van de CA."),
    ),
    "dane_ta_name_mismatch": (
        _("Het certificaat staat niet op naam van de mailserver"),
        _(
            "Bij DANE-TA moet het certificaat de MX-hostnaam (of de TLSA-basisnaam) bevatten; "
            "een wildcard mag alleen als het hele meest linkse label."
        ),
        _("Vraag een certificaat aan met de MX-hostnaam in subjectAltName."),
    ),
    "no_chain": (
        _("De server toonde geen certificaat"),
        _WHY_DEFER,
        _("Configureer een certificaat op de mailserver."),
    ),
    "bad_certificate": (
        _("Het certificaat van de server is onleesbaar"),
        _WHY_DEFER,
        _("Installeer een geldig X.509-certificaat."),
    ),
    "dane_failed": (
        _("DANE voldoet niet"),
        _("Deze controle bouwt voort op DANE; zie de redenen bij DANE."),
        _("Los eerst de DANE-problemen op."),
    ),
    "rollover_single_record": (
        _("Er is maar één bruikbaar TLSA-record"),
        _(
            "Bij vervanging van certificaat of sleutel valt DANE weg totdat het nieuwe record "
            "overal bekend is; e-mail wordt dan uitgesteld."
        ),
        _(
            "Publiceer vooraf een tweede record: '3 1 1' van de volgende sleutel, of een '2 1 1' "
            "van de uitgevende CA."
        ),
    ),
    "rollover_no_independent_record": (
        _("Alle TLSA-records hangen aan het huidige certificaat"),
        _("Na vervanging van de sleutel past geen enkel record meer; e-mail wordt uitgesteld."),
        _("Publiceer een record voor de volgende sleutel of een DANE-TA-record voor de CA."),
    ),
    # TLSA records that are unusable (shown per record)
    "pkix_usage": (
        _("PKIX-TA(0) of PKIX-EE(1) is niet bruikbaar voor SMTP"),
        _("RFC 7672 sectie 3.1.3: verzenders negeren deze records bij e-mail."),
        _("Gebruik DANE-EE(3) of DANE-TA(2)."),
    ),
    "unknown_usage": (
        _("Onbekend usage-veld in het TLSA-record"),
        _("Verzenders negeren records met onbekende waarden."),
        _("Gebruik usage 2 of 3."),
    ),
    "unknown_selector": (
        _("Onbekende selector in het TLSA-record"),
        _("Verzenders negeren records met onbekende waarden."),
        _("Gebruik selector 0 of 1."),
    ),
    "unknown_matching_type": (
        _("Onbekend matching type in het TLSA-record"),
        _("Verzenders negeren records met onbekende waarden."),
        _("Gebruik matching type 1 (SHA-256) of 2 (SHA-512)."),
    ),
    "wrong_digest_length": (
        _("De hash in het TLSA-record heeft de verkeerde lengte"),
        _(
            "Een SHA-256 is 32 bytes (64 hextekens), een SHA-512 64 bytes; andere lengtes "
            "passen nooit."
        ),
        _("Bereken de hash opnieuw en publiceer hem volledig."),
    ),
    "malformed_data": (
        _("De gegevens in het TLSA-record zijn onleesbaar"),
        _("Verzenders negeren het record."),
        _("Publiceer een volledig certificaat of publieke sleutel in DER, of een hash."),
    ),
    # Web PKI (MTA-STS)
    "certificate_expired": (_("Het certificaat is verlopen"), _WHY_PKIX, _FIX_PKIX),
    "certificate_not_yet_valid": (_("Het certificaat is nog niet geldig"), _WHY_PKIX, _FIX_PKIX),
    "certificate_name_mismatch": (
        _("Het certificaat staat niet op de naam van de server"),
        _WHY_PKIX,
        _FIX_PKIX,
    ),
    "certificate_self_signed": (_("Het certificaat is zelfondertekend"), _WHY_PKIX, _FIX_PKIX),
    "certificate_untrusted": (
        _("Het certificaat is niet door een vertrouwde CA uitgegeven of de keten is onvolledig"),
        _WHY_PKIX,
        _FIX_PKIX,
    ),
    "no_certificate": (_("Geen certificaat ontvangen"), _WHY_PKIX, _FIX_PKIX),
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
    # MTA-STS
    "mta_sts_missing": (_("Er is geen MTA-STS-record"), _WHY_MTA_STS, _FIX_MTA_STS),
    "mta_sts_txt_multiple": (
        _("Er zijn meerdere MTA-STS-records"),
        _("Bij meer dan één v=STSv1-record negeren verzenders MTA-STS helemaal (RFC 8461)."),
        _("Houd precies één TXT-record op _mta-sts over."),
    ),
    "mta_sts_txt_invalid": (
        _("Het MTA-STS-record is ongeldig"),
        _("Verzenders negeren een ongeldig record en daarmee het beleid."),
        _FIX_MTA_STS,
    ),
    "mta_sts_txt_bogus": (
        _("De DNSSEC-handtekening van het MTA-STS-record is ongeldig"),
        _("Verzenders kunnen het record niet opvragen."),
        _("Herstel de ondertekening van de zone."),
    ),
    "mta_sts_txt_lookup_failed": (
        _("Het MTA-STS-record kon niet worden opgevraagd"),
        _WHY_NOT_TESTABLE,
        _FIX_RETRY,
    ),
    "mta_sts_not_observed": (_("MTA-STS is niet gemeten"), _WHY_NOT_TESTABLE, _FIX_RETRY),
    "mta_sts_policy_not_fetched": (
        _("Het MTA-STS-beleid is niet opgehaald"),
        _WHY_NOT_TESTABLE,
        _FIX_RETRY,
    ),
    "mta_sts_policy_unreachable": (
        _("De webserver met het MTA-STS-beleid was niet bereikbaar"),
        _WHY_NOT_TESTABLE,
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
        _FIX_PKIX,
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
        _WHY_PKIX,
        _FIX_PKIX,
    ),
    # TLS-RPT
    "tls_rpt_missing": (_("Er is geen TLS-RPT-record"), _WHY_TLS_RPT, _FIX_TLS_RPT),
    "tls_rpt_multiple": (
        _("Er zijn meerdere TLS-RPT-records"),
        _("Bij meer dan één record sturen verzenders geen rapporten (RFC 8460)."),
        _FIX_TLS_RPT,
    ),
    "tls_rpt_invalid": (_("Het TLS-RPT-record is ongeldig"), _WHY_TLS_RPT, _FIX_TLS_RPT),
    "tls_rpt_bogus": (
        _("De DNSSEC-handtekening van het TLS-RPT-record is ongeldig"),
        _WHY_TLS_RPT,
        _("Herstel de ondertekening van de zone."),
    ),
    "tls_rpt_lookup_failed": (
        _("Het TLS-RPT-record kon niet worden opgevraagd"),
        _WHY_NOT_TESTABLE,
        _FIX_RETRY,
    ),
    "tls_rpt_not_observed": (_("TLS-RPT is niet gemeten"), _WHY_NOT_TESTABLE, _FIX_RETRY),
}

REASONS = frozenset(_TEXTS)

_TLSA_REASONS = {
    "no_tlsa",
    "no_usable_tlsa",
    "tlsa_no_match",
    "leaf_mismatch",
    "tlsa_insecure",
    "mx_host_unsigned",
}
_MTA_STS_POLICY_REASONS = {r for r in REASONS if r.startswith("mta_sts_")} - {
    "mta_sts_txt_bogus",
    "mta_sts_txt_lookup_failed",
    "mta_sts_not_observed",
    "mta_sts_policy_unreachable",
    "mta_sts_policy_not_fetched",
}
_TLS_RPT_REASONS = {"tls_rpt_missing", "tls_rpt_multiple", "tls_rpt_invalid"}


def explain(reason: str, context: Mapping[str, Any] | None = None) -> Explanation:
    """The explanation of one reason code; context supplies what the record needs.

    Context keys used: domain; publish (lines 'owner IN TLSA ...'), or host/tlsa_base_domain
    with chain (DER, leaf first); mx_hosts; policy_id; rua. A stored DomainResult.evidence
    under "evidence" (with "check") supplies publish and mx_hosts when they are absent.
    """
    context = _with_evidence(context or {})
    code, _sep, argument = reason.partition(":")  # "certificate_extension_rejected:<name>"
    title, why, fix = _TEXTS.get(
        code,
        (_("Onbekende reden"), _("Deze reden heeft nog geen uitleg."), _("Neem contact op.")),
    )
    title = str(title)
    if "%(extension)s" in title:
        title = title % {"extension": argument or "?"}
    return Explanation(title, str(why), str(fix), _record_for(code, context))


def _with_evidence(context: Mapping[str, Any]) -> Mapping[str, Any]:
    verdicts = (context.get("evidence") or {}).get("verdicts")
    if not isinstance(verdicts, Mapping):
        return context
    filled = dict(context)
    filled["domain"] = context.get("domain") or verdicts.get("domain", "")
    hosts = (verdicts.get("mx") or {}).get("details", {}).get("hosts", [])
    filled.setdefault("mx_hosts", [h["host"] for h in hosts if isinstance(h, Mapping)])
    filled.setdefault("mta_sts_mode", verdicts.get("mta_sts_mode", ""))
    check = verdicts.get(context.get("check") or "dane") or {}
    publish = (check.get("details") or {}).get("publish") or (
        (verdicts.get("dane") or {}).get("details", {}).get("publish", [])
    )
    filled.setdefault("publish", publish)
    return filled


def _record_for(reason: str, context: Mapping[str, Any]) -> str:
    domain = context.get("domain", "")
    if reason in _TLSA_REASONS:
        return tlsa_records_to_publish(context)
    if reason in _MTA_STS_POLICY_REASONS and domain:
        return mta_sts_template(
            domain,
            context.get("mx_hosts", ()),
            context.get("policy_id", ""),
            mode="enforce" if context.get("mta_sts_mode") == "enforce" else "testing",
        )
    if reason in _TLS_RPT_REASONS and domain:
        return tls_rpt_template(domain, context.get("rua", ""))
    return ""


def tlsa_records_to_publish(context: Mapping[str, Any]) -> str:
    """'_25._tcp.<host>. IN TLSA 3 1 1 <hex>' lines for the presented leaf certificates."""
    lines = list(context.get("publish", ()))
    chain = context.get("chain")
    if not lines and chain:
        record = tlsa_record_for(tuple(chain))
        base = context.get("tlsa_base_domain") or context.get("host", "")
        if record and base:
            lines.append(f"_25._tcp.{base}. IN TLSA {presentation(record)}")
    return "\n".join(lines)


def mta_sts_template(
    domain: str, mx_hosts: Sequence[str], policy_id: str = "", *, mode: str = "testing"
) -> str:
    """The TXT record and the policy file covering every MX host.

    A new deployment starts in mode testing with a TLS-RPT record, and moves to enforce
    when the reports are clean, as operators are advised to do; a domain already in
    enforce keeps enforce.
    """
    policy_id = policy_id or "20260101T000000"
    mx_lines = "".join(f"mx: {host}\n" for host in mx_hosts) or f"mx: mail.{domain}\n"
    text = (
        f'_mta-sts.{domain}. IN TXT "v=STSv1; id={policy_id}"\n\n'
        f"https://mta-sts.{domain}/.well-known/mta-sts.txt (Content-Type: text/plain):\n"
        f"version: STSv1\nmode: {mode}\n{mx_lines}max_age: 604800\n"
    )
    if mode == "testing":
        text += f"\n{tls_rpt_template(domain)}\n"
    return text


def tls_rpt_template(domain: str, rua: str = "") -> str:
    rua = rua or f"mailto:tlsrpt@{domain}"
    return f'_smtp._tls.{domain}. IN TXT "v=TLSRPTv1; rua={rua}"'


def explain_stored(verdicts: Mapping[str, Any]) -> dict[str, list[Explanation]]:
    """Explanations for every failing or untestable check of a stored DomainVerdicts dict."""
    domain = verdicts.get("domain", "")
    mx_hosts = [h["host"] for h in verdicts.get("mx", {}).get("details", {}).get("hosts", [])]
    result: dict[str, list[Explanation]] = {}
    for check, stored in verdicts.items():
        if not isinstance(stored, Mapping) or "reasons" not in stored:
            continue
        details = stored.get("details") or {}
        context = {
            "domain": domain,
            "mx_hosts": mx_hosts,
            "publish": details.get("publish", ()),
            "mta_sts_mode": verdicts.get("mta_sts_mode", ""),
        }
        result[check] = [explain(reason, context) for reason in stored["reasons"]]
    return result
