"""Explanations of the DANE reasons: the TLSA RRset, its records, the match, rollover."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from measurement.explanations.sentences import FIX_TLSA, WHY_DANE, WHY_DEFER, WHY_NOT_TESTABLE

DANE_TEXTS: dict[str, tuple[Any, Any, Any]] = {
    # DANE
    "no_tlsa": (_("Er is geen TLSA-record voor de mailserver"), WHY_DANE, FIX_TLSA),
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
        WHY_DEFER,
        _("Herstel de ondertekening van de zone (verlopen of ontbrekende handtekeningen)."),
    ),
    "tlsa_indeterminate": (
        _("De TLSA-records konden niet worden opgevraagd (SERVFAIL)"),
        WHY_DEFER,
        _("Controleer of de nameservers van de mailserver TLSA-vragen correct beantwoorden."),
    ),
    "tlsa_lookup_timeout": (
        _("De TLSA-records konden niet op tijd worden opgevraagd"),
        WHY_NOT_TESTABLE,
        _("Controleer of de nameservers van de mailserver antwoorden."),
    ),
    "no_usable_tlsa": (
        _("Geen enkel TLSA-record is bruikbaar voor SMTP"),
        _(
            "Voor e-mail tellen alleen DANE-TA(2) en DANE-EE(3) met selector 0/1 en "
            "matching type 0/1/2 (RFC 7672); PKIX-TA(0) en PKIX-EE(1) worden genegeerd."
        ),
        FIX_TLSA,
    ),
    "tlsa_no_match": (
        _("Geen TLSA-record past bij het certificaat van de mailserver"),
        WHY_DEFER,
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
        WHY_DEFER,
        _("Configureer een certificaat op de mailserver."),
    ),
    "bad_certificate": (
        _("Het certificaat van de server is onleesbaar"),
        WHY_DEFER,
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
}
