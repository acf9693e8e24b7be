"""What each TLS (NCSC) finding means and how to fix it, Dutch first, English via i18n.

The exact configuration lines come from measurement/evaluate/tls_advice.py; this module
adds the words around them. A finding's reason ("tls_version_insufficient") is explained
with what the scan saw (the findings stored in the tls_ncsc verdict's details) and the
Postfix and Exchange lines that fix it.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from measurement.evaluate import tls_quality as q
from measurement.evaluate.ncsc_tables import GUIDELINES_VERSION, Level
from measurement.evaluate.tls_advice import fix_lines
from measurement.explanations.explanation import Explanation
from measurement.explanations.sentences import FIX_RETRY, WHY_NOT_TESTABLE
from measurement.probe.observations import Outcome

LEVEL_NAMES = {
    Level.GOOD: _("goed"),
    Level.SUFFICIENT: _("voldoende"),
    Level.PHASE_OUT: _("uit te faseren"),
    Level.INSUFFICIENT: _("onvoldoende"),
}

_TEXTS = {
    q.VERSION: (
        _("De mailserver accepteert verouderde TLS-versies"),
        _(
            "TLS 1.1, 1.0 en SSL hebben bekende zwakheden; een aanvaller die tussen verzender "
            "en ontvanger zit, kan een verbinding naar zo'n versie terugdwingen."
        ),
        _("Sta alleen TLS 1.2 en TLS 1.3 toe."),
    ),
    q.CIPHER: (
        _("De mailserver accepteert zwakke cipher suites"),
        _(
            "Suites zonder forward secrecy (RSA-sleuteluitwisseling), met CBC en SHA-1, 3DES "
            "of RC4 beschermen de inhoud van e-mail niet voldoende."
        ),
        _(
            "Sta alleen ECDHE met AES-GCM of ChaCha20 toe (TLS 1.2) en de standaardsuites "
            "van TLS 1.3; schakel de genoemde suites uit."
        ),
    ),
    q.EC_GROUP: (
        _("De mailserver gebruikt een zwakke elliptische curve"),
        _("Te kleine of onbekende curves geven een sleuteluitwisseling die te breken is."),
        _("Sta alleen X25519, X448, P-256, P-384 en P-521 toe."),
    ),
    q.DH_GROUP: (
        _("De mailserver gebruikt een zwakke Diffie-Hellman-groep"),
        _(
            "Een eigen of te kleine DH-groep (kleiner dan 3072 bits, of niet uit RFC 7919) "
            "maakt de sleuteluitwisseling te breken of niet te controleren."
        ),
        _("Gebruik ECDHE, of alleen de groepen ffdhe3072 of groter uit RFC 7919."),
    ),
    q.KEX_HASH: (
        _("De sleuteluitwisseling wordt ondertekend met een zwakke hashfunctie"),
        _("SHA-1 en SHA-224 zijn te zwak voor de handtekening onder de sleuteluitwisseling."),
        _("Sta voor die handtekening alleen SHA-256, SHA-384 en SHA-512 toe."),
    ),
    q.COMPRESSION: (
        _("De mailserver gebruikt TLS-compressie"),
        _("Met TLS-compressie kan een aanvaller versleutelde inhoud raden (CRIME)."),
        _("Schakel TLS-compressie uit."),
    ),
    q.SECURE_RENEGOTIATION: (
        _("De mailserver ondersteunt geen veilige heronderhandeling"),
        _("Zonder RFC 5746 kan een aanvaller eigen gegevens voor de versleutelde sessie plakken."),
        _("Werk de TLS-software bij; elke actuele versie ondersteunt RFC 5746."),
    ),
    q.CLIENT_RENEGOTIATION: (
        _("De mailserver staat heronderhandeling door de client toe"),
        _(
            "Elke heronderhandeling kost de server veel rekenwerk: een aanvaller kan hem zo "
            "overbelasten."
        ),
        _("Sta heronderhandeling op initiatief van de client niet toe."),
    ),
    q.CERT_KEY: (
        _("Het certificaat heeft een zwakke sleutel"),
        _("Een RSA-sleutel kleiner dan 3072 bits of een zwakke curve is op termijn te breken."),
        _("Vraag een certificaat aan met een RSA-sleutel van 3072 bits of meer, of ECDSA P-256."),
    ),
    q.CERT_SIGNATURE: (
        _("Het certificaat is ondertekend met een zwakke hashfunctie"),
        _("Voor een SHA-1-handtekening kan een aanvaller een vals certificaat maken."),
        _("Vraag een certificaat aan dat met SHA-256 of beter is ondertekend."),
    ),
}


def explain_finding(finding: q.Finding) -> Explanation:
    """Title (with the level and what was seen), why, fix, and the exact lines."""
    title, why, fix = _TEXTS[finding.code]
    lines = fix_lines(finding)
    record = "\n".join(
        ["# Postfix (main.cf)", *lines.postfix, "", "# Exchange (PowerShell)", *lines.exchange]
    )
    seen = ", ".join(finding.subjects)
    return Explanation(
        title=f"{title} ({LEVEL_NAMES[finding.level]}): {seen}",
        why=f"{why} {_('Volgens')} {GUIDELINES_VERSION}.",
        fix=str(fix),
        record=record,
    )


def explain_tls_finding(reason: str, context: Mapping[str, Any]) -> Explanation | None:
    """A finding's reason explained with what was seen (the context's stored findings),
    or None when the reason is no finding."""
    finding = _FINDING_REASONS.get(reason)
    if finding is None:
        return None
    for stored in context.get("findings") or ():
        if f"{stored.get('code')}_{stored.get('level')}" == reason:
            finding = q.finding_from_dict(stored)
            break
    return explain_finding(finding)


_FINDING_REASONS = {
    f"{code}_{level.label}": q.Finding(code, level, ())
    for code in q.FINDING_CODES
    for level in (Level.PHASE_OUT, Level.INSUFFICIENT)
}
_NOT_SEEN = _("De TLS-configuratie kon niet worden beoordeeld")
TLS_TEXTS: dict[str, tuple[Any, Any, Any]] = (
    {
        reason: (_TEXTS[finding.code][0], _TEXTS[finding.code][1], _TEXTS[finding.code][2])
        for reason, finding in _FINDING_REASONS.items()
    }
    | {
        q.INCOMPLETE: (
            _("De beoordeling van de TLS-configuratie is niet afgemaakt"),
            _(
                "Na het maximum van 30 verbindingen waren niet alle onderdelen getest; een "
                "niet-getest onderdeel kan onvoldoende zijn."
            ),
            FIX_RETRY,
        ),
        q.NOT_ASSESSED: (
            _("De TLS-configuratie is in deze meting niet beoordeeld"),
            _("Deze meting beoordeelde de TLS-configuratie van dit adres niet."),
            _("De volgende meetronde beoordeelt haar."),
        ),
    }
    | {
        f"tls_{outcome.value}": (_NOT_SEEN, WHY_NOT_TESTABLE, FIX_RETRY)
        for outcome in Outcome
        if outcome is not Outcome.OK
    }
)
