"""`manage.py scan`: measure all domains, or one organisation, sector or domain."""

import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from measurement.domains import InvalidDomain, normalise_domain
from measurement.models import Organisation, Scan, Sector
from measurement.scan import door


class Command(BaseCommand):
    help = "Meet de maildomeinen (alle, of een organisatie, sector of domein)."

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--organisation", help="slug, TOOI-identifier or exact name")
        scope.add_argument("--sector", choices=Sector.values)
        scope.add_argument("--domain")
        parser.add_argument("--round", dest="round_name", help="a named, frozen measurement round")
        parser.add_argument(
            "--workers",
            action="store_true",
            help="run on the Celery workers (needs CELERY_BROKER_URL) and follow progress",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        if options["workers"] and not settings.CELERY_BROKER_URL:
            raise CommandError("--workers needs CELERY_BROKER_URL (see .env.example)")
        organisation = None
        if options["organisation"]:
            organisation = self._organisation(options["organisation"])
        domain = options["domain"]
        if domain:
            try:
                domain = normalise_domain(domain)
            except InvalidDomain as exc:
                raise CommandError(str(exc)) from None
        scoped = bool(organisation or options["sector"] or domain)
        if options["round_name"] and scoped:
            raise CommandError("a measurement round covers the whole register: drop the scope")
        if options["round_name"]:
            kind = Scan.Kind.ROUND
        else:
            # Only a scan of the whole register counts in the sector figures and trends.
            kind = Scan.Kind.ON_DEMAND if scoped else Scan.Kind.FULL
        if (
            options["round_name"]
            and Scan.objects.filter(kind=Scan.Kind.ROUND, name=options["round_name"]).exists()
        ):
            raise CommandError(f"a measurement round named {options['round_name']!r} exists")
        scan = door.plan(
            kind=kind,
            name=options["round_name"] or "",
            organisation=organisation,
            sector=options["sector"],
            domain=domain,
        )
        if not scan.domains_total:
            door.fail(scan.pk, "no domains in scope")
            raise CommandError("no active domains in this scope")
        show = None if options["no_progress"] else self._progress
        self.stdout.write(f"Meting {scan.pk}: {scan.domains_total} domeinen")
        try:
            if settings.CELERY_BROKER_URL:
                door.run(scan.pk)
                scan = self._follow(scan.pk, show)
            else:
                scan = door.run(scan.pk, progress=show)
        except Exception as exc:  # recorded on the scan by the door
            raise CommandError(f"scan {scan.pk} failed: {exc}") from exc
        if show:
            sys.stderr.write("\n")
        self.stdout.write(
            f"Meting {scan.pk} {scan.get_status_display()}: "
            f"{scan.domains_done}/{scan.domains_total} domeinen, "
            f"{scan.hosts_done}/{scan.hosts_total} (host, adres)-paren"
            + (f", checksum {scan.checksum}" if scan.checksum else "")
        )
        if scan.status == Scan.Status.FAILED:
            raise CommandError(f"scan {scan.pk} failed: {scan.failure_reason}")

    def _organisation(self, value: str) -> Organisation:
        for lookup in ("slug", "tooi", "name"):
            found = Organisation.objects.filter(**{lookup: value})
            if found.count() == 1:
                return found.get()
        raise CommandError(f"no single organisation matches {value!r}")

    def _follow(self, scan_id: int, show) -> Scan:
        while True:
            try:
                scan = Scan.objects.get(pk=scan_id)
            except DatabaseError:
                # The database restarted under us: the workers carry on; so do we.
                connections.close_all()
                time.sleep(1)
                continue
            if show:
                show(scan)
            if scan.status in (Scan.Status.FINISHED, Scan.Status.FAILED):
                return scan
            time.sleep(0.2)  # one small query: the end shows without a noticeable wait

    @staticmethod
    def _progress(scan: Scan) -> None:
        total = max(scan.domains_total, 1)
        done = scan.domains_done
        width = 40
        filled = int(width * done / total)
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{scan.domains_total} domeinen"
            f"  {scan.hosts_done}/{scan.hosts_total} paren"
        )
        sys.stderr.flush()
