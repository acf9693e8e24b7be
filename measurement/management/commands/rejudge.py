"""`manage.py rejudge SCAN_ID`: judge stored observations again under the current methodology."""

from django.core.management.base import BaseCommand, CommandError

from measurement.evaluate.verdicts import METHODOLOGY_VERSION
from measurement.models import Scan
from measurement.scan import door


class Command(BaseCommand):
    help = "Beoordeel de opgeslagen waarnemingen van een meting opnieuw (nieuwe set oordelen)."

    def add_arguments(self, parser):
        parser.add_argument("scan_id", type=int)

    def handle(self, *args, scan_id, **options):
        if not Scan.objects.filter(pk=scan_id, status=Scan.Status.FINISHED).exists():
            raise CommandError(f"no finished scan {scan_id}")
        judged = door.rejudge(scan_id, METHODOLOGY_VERSION)
        version = METHODOLOGY_VERSION
        if not judged:
            self.stdout.write(f"scan {scan_id} already has verdicts under {version}")
        else:
            self.stdout.write(f"scan {scan_id}: {judged} domains judged under {version}")
