"""Labels of measurement.models that the dashboard shows, marked here for its catalogue.

measurement/ keeps its own catalogue (measurement/locale); these markers put the labels
the dashboard displays (sectors, outcomes, scan kinds and states) in locale/ as well, so
the dashboard's English never depends on another catalogue being complete.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

DISPLAYED_MODEL_LABELS = (
    gettext_noop("Rijk"),
    gettext_noop("Provincies"),
    gettext_noop("Gemeenten"),
    gettext_noop("Waterschappen"),
    gettext_noop("(Semi-)publiek"),
    gettext_noop("voldoet"),
    gettext_noop("voldoet niet"),
    gettext_noop("niet van toepassing"),
    gettext_noop("niet testbaar"),
    gettext_noop("fout in de meting"),
    gettext_noop("gepland"),
    gettext_noop("op verzoek"),
    gettext_noop("meetronde"),
    gettext_noop("bezig"),
    gettext_noop("klaar"),
    gettext_noop("mislukt"),
)

# How one connection attempt ended (measurement.probe.observations.Outcome) and the DNSSEC
# status of a DNS answer, as the domain page shows them: words, never the stored codes.
PROBE_OUTCOMES = {
    "ok": _("gelukt"),
    "not_supported": _("geen STARTTLS aangeboden"),
    "timeout": _("geen antwoord op tijd"),
    "refused": _("verbinding geweigerd"),
    "unreachable": _("onbereikbaar"),
    "rate_limited": _("tijdelijk geweigerd (4xx)"),
    "rejected": _("geweigerd (5xx)"),
    "protocol_error": _("fout in het SMTP-gesprek"),
    "tls_error": _("TLS-handshake mislukt"),
    "not_allowed": _("niet benaderd (privé-adres)"),
    "error": _("fout in de meting"),
}
DNSSEC_STATUSES = {
    "secure": _("beveiligd (secure)"),
    "insecure": _("niet beveiligd (insecure)"),
    "bogus": _("ongeldige handtekening (bogus)"),
    "indeterminate": _("onbepaald"),
}
