"""Sentences the explanations of several reasons share: why it matters, how to fix it."""

from django.utils.translation import gettext_lazy as _

WHY_DANE = _(
    "Verzenders die DANE toepassen (zoals veel Nederlandse overheden en grote providers) "
    "vertrouwen alleen op de TLSA-records om te weten dat ze met de echte mailserver "
    "praten. Zonder werkende DANE kan een aanvaller het e-mailverkeer onderscheppen of "
    "terugvallen naar onversleuteld afdwingen."
)
WHY_DEFER = _(
    "Een verzender die DANE toepast, kan de mailserver dan niet controleren en houdt de "
    "e-mail vast (uitstel), zodat berichten vertraagd aankomen of na enkele dagen "
    "terugkomen als onbestelbaar."
)
WHY_NOT_TESTABLE = _(
    "Dit is geen oordeel over de mailserver: wij konden niet meten. Het telt niet mee in "
    "de percentages en wordt apart getoond."
)
FIX_RETRY = _(
    "Controleer of de mailserver bereikbaar is op poort 25 vanaf het internet; wij meten "
    "bij de volgende meting opnieuw."
)
WHY_MTA_STS = _(
    "MTA-STS vertelt verzenders dat zij alleen versleuteld mogen afleveren bij de "
    "genoemde mailservers met een geldig certificaat. Zonder geldig beleid in modus "
    "enforce kan een aanvaller de versleuteling weghalen."
)
FIX_MTA_STS = _(
    "Begin met modus testing, samen met een TLS-RPT-record: publiceer één TXT-record op "
    "_mta-sts.<domein>, een beleid op https://mta-sts.<domein>/.well-known/mta-sts.txt met "
    "een geldig certificaat en het TLS-RPT-record, zoals hieronder. Zet mode op enforce "
    "zodra de TLS-RPT-rapporten enkele weken geen problemen tonen, en verhoog het id bij "
    "elke wijziging van het beleid."
)
WHY_TLS_RPT = _(
    "Met TLS-RPT ontvangt u dagelijks rapporten van verzenders over mislukte "
    "versleutelde afleveringen, zodat u problemen met DANE of MTA-STS ziet voordat e-mail "
    "wegblijft."
)
FIX_TLS_RPT = _(
    "Publiceer precies één TXT-record op _smtp._tls.<domein> dat begint met v=TLSRPTv1 en "
    "een rua met een mailto:- of https:-adres bevat."
)
FIX_TLSA = _(
    "Publiceer in een met DNSSEC ondertekende zone een TLSA-record voor poort 25 van elke "
    "mailserver, bij voorkeur '3 1 1' (de SHA-256 van de publieke sleutel van het "
    "certificaat dat de server nu toont), en daarnaast een record voor de volgende sleutel."
)
WHY_PKIX = _(
    "Verzenders die MTA-STS toepassen, eisen een certificaat dat een publieke "
    "certificaatautoriteit heeft uitgegeven voor de naam van de mailserver en dat nog "
    "geldig is."
)
FIX_PKIX = _(
    "Installeer een geldig certificaat van een publieke certificaatautoriteit met de naam "
    "van de server in subjectAltName, en stuur de volledige keten (met tussencertificaten) "
    "mee."
)
