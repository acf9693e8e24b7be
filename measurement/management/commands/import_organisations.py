"""manage.py import_organisations: exportOO.xml, exportRIO.xml or CSV into the register."""

from contextlib import closing

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from measurement.importers.apply_csv import import_csv_rows
from measurement.importers.apply_oo import import_organisation_records
from measurement.importers.apply_rio import import_domain_registrations
from measurement.importers.csv_file import parse_csv
from measurement.importers.oo_xml import parse_oo_xml
from measurement.importers.records import (
    DOMAIN,
    ORGANISATION,
    ROW,
    Counts,
    ImportRejected,
    ImportSummary,
)
from measurement.importers.rio_xml import parse_rio_xml
from measurement.importers.sources import open_source

FORMATS = {
    "oo-xml": (parse_oo_xml, import_organisation_records),
    "rio-xml": (parse_rio_xml, import_domain_registrations),
    "csv": (parse_csv, import_csv_rows),
}


class Command(BaseCommand):
    help = gettext_lazy(
        "Importeer organisaties en domeinen uit exportOO.xml (oo-xml), exportRIO.xml (rio-xml) "
        "of een CSV-bestand (csv). Zie docs/importers.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help=gettext_lazy("Sla ongeldige rijen over en importeer de rest."),
        )
        parser.add_argument("source", metavar="FILE_OR_URL")

    def handle(self, *args, **options):
        parse, store = FORMATS[options["format"]]
        try:
            with open_source(options["source"]) as stream, closing(parse(stream)) as records:
                summary = store(records, skip_invalid=options["skip_invalid"])
        except ImportRejected as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            # A download that breaks off halfway, a disk error: the transaction has rolled back.
            raise CommandError(
                _("Lezen van %(source)s mislukt: %(reason)s. Er is niets geïmporteerd.")
                % {"source": options["source"], "reason": exc}
            ) from exc
        self.stdout.write(format_summary(summary))
        if nothing_usable(summary):
            raise CommandError(
                _(
                    "Alle %(count)d records zijn overgeslagen en er is niets geïmporteerd: "
                    "is dit het goede bestand en het goede --format?"
                )
                % {"count": len(summary.skipped)}
            )


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
