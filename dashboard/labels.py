"""Labels of measurement.models that the dashboard shows, marked here for its catalogue.

measurement/ keeps its own catalogue (measurement/locale); these markers put the labels
the dashboard displays (sectors, outcomes, scan kinds and states) in locale/ as well, so
the dashboard's English never depends on another catalogue being complete.
"""

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
