"""`manage.py verify_round FILE`: recompute a round's checksum from its downloaded CSV."""

from django.core.management.base import BaseCommand, CommandError

from measurement.checksum import verify_round_file


class Command(BaseCommand):
    help = (
        "Bereken de controlesom van een meetronde opnieuw uit de gedownloade CSV "
        "(docs/rounds.md) en vergelijk die met de controlesom in het bestand."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the round's CSV export (meting-<id>.csv)")
        parser.add_argument("--expected", default="", help="the checksum to compare with")

    def handle(self, *args, file, expected, **options):
        try:
            computed, stated = verify_round_file(file)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise CommandError(f"{file}: {exc}") from None
        expected = expected or stated
        self.stdout.write(computed)
        if not expected:
            raise CommandError("the file states no checksum (not a frozen round); give --expected")
        if computed != expected.lower():
            raise CommandError(f"checksum mismatch: the file gives {expected}")
        self.stdout.write("OK: the checksum matches")
