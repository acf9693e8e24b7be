"""The scheduled import: skips and reports bad rows instead of stopping on one.

A manual `import_organisations` is strict by default (one bad row stores nothing); the
daily import of a register must not stop because the register holds one odd row. It
imports with skip_invalid, logs every skipped row, and keeps an ImportRun (in the admin)
with the summary and the skipped rows. A file that is refused as a whole (not a
register export, broken XML, too large) is recorded as a failed run.
"""

import logging
from contextlib import closing

from django.utils import timezone

from measurement.importers.formats import FORMATS
from measurement.importers.records import ImportRejected
from measurement.importers.sources import open_source
from measurement.importers.summary import format_summary
from measurement.models import ImportRun

log = logging.getLogger(__name__)


def scheduled_import(format_name: str, source: str) -> ImportRun:
    parse, store = FORMATS[format_name]
    run = ImportRun.objects.create(format=format_name, source=source)
    try:
        with open_source(source) as stream, closing(parse(stream)) as records:
            summary = store(records, skip_invalid=True)
    except (ImportRejected, OSError) as exc:
        log.error("scheduled %s import of %s refused: %s", format_name, source, exc)
        run.error = str(exc)
    else:
        for row in summary.skipped:
            log.warning("scheduled %s import skipped %s: %s", format_name, row.kind, row)
        run.succeeded = True
        run.summary = format_summary(summary)
        run.skipped_count = len(summary.skipped)
        run.skipped = [
            {"kind": row.kind, "where": row.where, "reason": row.reason} for row in summary.skipped
        ]
        log.info("scheduled %s import of %s: %s", format_name, source, run.summary)
    run.finished_at = timezone.now()
    run.save()
    return run
