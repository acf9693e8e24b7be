"""The summary an import prints: counts per kind and the skipped records by kind."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from measurement.importers.records import DOMAIN, ORGANISATION, ROW, Counts, ImportSummary

SKIPPED_KINDS = {
    ORGANISATION: gettext_lazy("organisaties"),
    DOMAIN: gettext_lazy("domeinen"),
    ROW: gettext_lazy("regels"),
}


def format_summary(summary: ImportSummary) -> str:
    """The lines the command prints: counts per kind, skipped records by kind, and whether
    anything changed ("nothing changed" only when nothing was skipped either)."""
    lines = [
        _counts_line(_("Organisaties"), summary.organisations),
        _counts_line(_("Domeinen"), summary.domains),
        _("Overgeslagen: %(count)d") % {"count": len(summary.skipped)},
    ]
    for kind, label in SKIPPED_KINDS.items():
        rows = [row for row in summary.skipped if row.kind == kind]
        if rows:
            lines.append(f"  {label} ({len(rows)}):")
            lines += [f"    - {row}" for row in rows]
    if not summary.changed and not summary.skipped:
        lines.append(_("Niets gewijzigd: de gegevens waren al actueel."))
    return "\n".join(lines)


def nothing_usable(summary: ImportSummary) -> bool:
    """Every record was skipped: the file is not what it claims, however it parsed."""
    counted = summary.organisations, summary.domains
    seen = sum(c.created + c.updated + c.unchanged for c in counted)
    return bool(summary.skipped) and seen == 0


def _counts_line(label: str, counts: Counts) -> str:
    return _(
        "%(label)s: %(created)d nieuw, %(updated)d gewijzigd, %(unchanged)d ongewijzigd, "
        "%(ended)d beëindigd"
    ) % {
        "label": label,
        "created": counts.created,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "ended": counts.ended,
    }
