"""CSV and XLSX exports: generators of rows, streamed; columns documented in docs/api.md.

Every cell that a spreadsheet would read as a formula (starting with = + - @, a tab or a
carriage return) is prefixed with an apostrophe (OWASP, "CSV Injection").
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.db.models.fields.json import KeyTransform
from django.http import FileResponse, Http404, HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.formats import number_format
from django.views.decorators.http import require_safe

from dashboard import queries
from measurement.models import VERDICT_COLUMNS, DomainResult, Scan, Sector

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
DOMAIN_COLUMNS = (
    "scan_id",
    "scan_date",
    "scan_kind",
    "scan_name",
    "methodology_version",
    "organisation",
    "organisation_slug",
    "sector",
    "domain",
    "judged_at",
    "mx_hosts",
    *VERDICT_COLUMNS,
    "reasons",
)
ORGANISATION_COLUMNS = (
    "scan_id",
    "scan_date",
    "organisation",
    "organisation_slug",
    "abbreviation",
    "sector",
    "domains",
    *(
        f"{check}_{part}"
        for check in queries.TABLE_CHECKS
        for part in ("passed", "measured", "not_testable", "status")
    ),
)
SECTOR_COLUMNS = (
    "scan_id",
    "scan_date",
    "methodology_version",
    "sector",
    "check",
    "passed",
    "failed",
    "not_applicable",
    "not_testable",
    "errors",
    "percentage",
    "organisations_measured",
    "organisations_compliant",
)


def neutralise(value) -> str:
    """A cell as text that no spreadsheet executes as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Line:
    """A write-only buffer for csv.writer: writerow returns the formatted line."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    header: Iterable[str],
    rows: Iterable[Iterable],
    delimiter: str = ",",
    comments: Iterable[str] = (),
) -> Iterator[str]:
    """Comment lines ("# key: value"), a header row, then the rows, each neutralised."""
    writer = csv.writer(_Line(), delimiter=delimiter, lineterminator="\r\n")
    if delimiter == ";":
        yield BOM  # Excel with a Dutch locale reads UTF-8 only with a byte order mark
    for comment in comments:
        yield writer.writerow([neutralise(f"# {comment}")])
    yield writer.writerow(list(header))
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def _mx_hosts(mx) -> str:
    if not isinstance(mx, list):
        return ""
    entries = [e for e in mx if isinstance(e, dict)]
    return "|".join(f"{e.get('preference', '')} {e.get('host', '')}".strip() for e in entries)


def _reasons(reasons) -> str:
    if not isinstance(reasons, dict):
        return ""
    return "; ".join(
        f"{check}: {','.join(str(code) for code in codes)}"
        for check, codes in sorted(reasons.items())
        if isinstance(codes, list) and codes
    )


def _iso(value) -> str:
    return value.isoformat() if value else ""


def domain_rows(results: QuerySet[DomainResult]) -> Iterator[tuple]:
    """One row per domain result in DOMAIN_COLUMNS order, read in chunks from the database."""
    fields = (
        "scan_id",
        "scan__created_at",
        "scan__kind",
        "scan__name",
        "methodology_version",
        "organisation__name",
        "organisation__slug",
        "sector",
        "domain_name",
        "judged_at",
        "mx_list",
        *VERDICT_COLUMNS,
        "reasons",
    )
    query = (
        results.annotate(mx_list=KeyTransform("mx", "evidence"))
        .values_list(*fields)
        .order_by("sector", "organisation__name", "domain_name")
    )
    for row in query.iterator(chunk_size=5000):
        (scan_id, created, kind, name, version, org, slug, sector, domain, judged, mx) = row[:11]
        yield (
            scan_id,
            _iso(created),
            kind,
            name,
            version,
            org,
            slug,
            sector,
            domain,
            _iso(judged),
            _mx_hosts(mx),
            *row[11:-1],
            _reasons(row[-1]),
        )


def organisation_export_rows(scan: Scan, sector: str | None = None) -> Iterator[tuple]:
    for org in queries.organisation_rows(scan, sector):
        cells = []
        for check in queries.TABLE_CHECKS:
            entry = org.checks[check]
            cells += [entry["passed"], entry["measured"], entry["not_testable"], entry["status"]]
        yield (scan.pk, _iso(scan.created_at), org.name, org.slug, org.abbreviation,
               org.sector, org.domains, *cells)  # fmt: skip


def sector_rows(scan: Scan, decimal_comma: bool = False) -> Iterator[tuple]:
    stats = queries.sector_stats(scan)
    for sector, _label, figures in stats.rows():
        for check in sorted(figures):
            f = figures[check]
            percentage = f.percentage
            if percentage is not None and decimal_comma:
                percentage = number_format(percentage, 1, use_l10n=False).replace(".", ",")
            yield (
                scan.pk, _iso(scan.created_at), scan.methodology_version, sector, check,
                f.passed, f.failed, f.not_applicable, f.not_testable, f.errors,
                "" if percentage is None else percentage,
                f.organisations_measured, f.organisations_compliant,
            )  # fmt: skip


# --- views -------------------------------------------------------------------------------


def _delimiter(request: HttpRequest) -> str:
    return ";" if request.GET.get("sep") in ("semicolon", ";") else ","


def _stream(lines: Iterator[str], filename: str, headers: dict | None = None):
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=300"
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def _scan_or_latest(request: HttpRequest) -> Scan:
    value = request.GET.get("scan", "")
    if value.isdigit():
        return get_object_or_404(Scan, pk=int(value), status=Scan.Status.FINISHED)
    scan = queries.latest_finished_scan()
    if scan is None:
        raise Http404("no finished scan")
    return scan


def _results(scan: Scan) -> QuerySet[DomainResult]:
    return DomainResult.objects.filter(scan=scan, methodology_version=scan.methodology_version)


def _scan_comments(scan: Scan) -> list[str]:
    return [
        f"scan: {scan.pk} {scan.name or scan.get_kind_display()} ({_iso(scan.created_at)})",
        f"methodology_version: {scan.methodology_version}",
        f"checksum: {scan.checksum or '-'}",
    ]


@require_safe
def scan_csv(request: HttpRequest, scan_id: int) -> StreamingHttpResponse:
    """Every domain of one finished scan (a measurement round), with checksum and method."""
    scan = get_object_or_404(Scan, pk=scan_id, status=Scan.Status.FINISHED)
    delimiter = _delimiter(request)
    lines = csv_lines(DOMAIN_COLUMNS, domain_rows(_results(scan)), delimiter, _scan_comments(scan))
    suffix = "-excel" if delimiter == ";" else ""
    return _stream(
        lines,
        f"meting-{scan.pk}{suffix}.csv",
        {"X-Checksum": scan.checksum or "-", "X-Methodology-Version": scan.methodology_version},
    )


@require_safe
def domains_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The domains of a filtered view: ?scan, ?sector, ?organisation (slug), ?q."""
    scan = _scan_or_latest(request)
    results = _results(scan)
    sector = request.GET.get("sector", "")
    if sector in Sector.values:
        results = results.filter(sector=sector)
    if request.GET.get("organisation"):
        results = results.filter(organisation__slug=request.GET["organisation"][:320])
    query = queries.clean_query(request.GET.get("q", ""))
    if query:
        results = results.filter(domain_name__icontains=query) | results.filter(
            organisation__name__icontains=query
        )
    delimiter = _delimiter(request)
    lines = csv_lines(DOMAIN_COLUMNS, domain_rows(results), delimiter, _scan_comments(scan))
    return _stream(lines, f"domeinen-{scan.pk}.csv")


@require_safe
def organisations_csv(request: HttpRequest) -> StreamingHttpResponse:
    scan = _scan_or_latest(request)
    sector = request.GET.get("sector", "")
    rows = organisation_export_rows(scan, sector if sector in Sector.values else None)
    lines = csv_lines(ORGANISATION_COLUMNS, rows, _delimiter(request), _scan_comments(scan))
    return _stream(lines, f"organisaties-{scan.pk}.csv")


@require_safe
def sectors_csv(request: HttpRequest) -> StreamingHttpResponse:
    scan = _scan_or_latest(request)
    delimiter = _delimiter(request)
    rows = sector_rows(scan, decimal_comma=delimiter == ";")
    lines = csv_lines(SECTOR_COLUMNS, rows, delimiter, _scan_comments(scan))
    return _stream(lines, f"sectoren-{scan.pk}.csv")


@require_safe
def scan_xlsx(request: HttpRequest, scan_id: int) -> FileResponse:
    """The round export as XLSX (openpyxl write-only mode: rows go to disk, not memory)."""
    from openpyxl import Workbook

    scan = get_object_or_404(Scan, pk=scan_id, status=Scan.Status.FINISHED)
    workbook = Workbook(write_only=True)
    about = workbook.create_sheet("meting")
    for comment in _scan_comments(scan):
        key, _sep, value = comment.partition(": ")
        about.append([key, neutralise(value)])
    sheet = workbook.create_sheet("domeinen")
    sheet.append(list(DOMAIN_COLUMNS))
    for row in domain_rows(_results(scan)):
        sheet.append([neutralise(cell) for cell in row])
    spool = tempfile.TemporaryFile()
    workbook.save(spool)
    spool.seek(0)
    response = FileResponse(
        spool,
        as_attachment=True,
        filename=f"meting-{scan.pk}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["X-Checksum"] = scan.checksum or "-"
    response["X-Methodology-Version"] = scan.methodology_version
    return response
