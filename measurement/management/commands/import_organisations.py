"""manage.py import_organisations: exportOO.xml, exportRIO.xml or CSV into the register."""

from contextlib import closing

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from measurement.importers.formats import FORMATS
from measurement.importers.records import ImportRejected
from measurement.importers.sources import open_source
from measurement.importers.summary import format_summary, nothing_usable


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
