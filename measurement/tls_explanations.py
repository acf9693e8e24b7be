"""What each TLS (NCSC) finding means and how to fix it, Dutch first, English via i18n.

The exact configuration lines come from measurement/evaluate/tls_advice.py; this module
adds the words around them, as measurement/explanations.py does for the other checks.
"""

from django.utils.translation import gettext_lazy as _

from measurement.evaluate import tls_quality as q
from measurement.evaluate.ncsc_tables import GUIDELINES_VERSION, Level
from measurement.evaluate.tls_advice import fix_lines
from measurement.explanations import Explanation

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
