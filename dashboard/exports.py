"""CSV and XLSX downloads of the measurements: the columns, their rows and the views.

The columns of each export are defined once, below: adding a column is one entry in its
tuple. How the files are written is in export_format.py; docs/api.md describes every
column.
"""

from collections.abc import Iterator
from itertools import chain

from django.db.models import QuerySet
from django.db.models.fields.json import KeyTransform
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from accounts.states import State, counts_of_rows, states_of_rows
from dashboard import queries
from dashboard.export_format import (
    BadFilter,
    Column,
    csv_lines,
    csv_response,
    decimal,
    header,
    same,
    separator,
    xlsx_response,
)
from dashboard.problems import problem
from measurement.evaluate import evidence
from measurement.models import VERDICT_COLUMNS, DomainResult, Organisation, Scan, Sector

FILTERED_MAX_AGE = 300  # the latest scan changes when the next one finishes
FINISHED_MAX_AGE = 3600  # a finished scan's file changes only when it is re-judged


def _mx_hosts(mx) -> str:
    return "|".join(f"{e.preference} {e.host}".strip() for e in evidence.read_mx(mx))


def _reasons(reasons) -> str:
    return "; ".join(
        f"{check}: {','.join(codes)}"
        for check, codes in sorted(evidence.read_reasons(reasons).items())
        if codes
    )


def _text(value) -> str:
    return value or ""


DOMAIN_COLUMNS = (
    Column("scan_id", "scan_id"),
    Column("scan_date", "scan__created_at"),
    Column("scan_kind", "scan__kind"),
    Column("scan_name", "scan__name"),
    Column("methodology_version", "methodology_version"),
    Column("organisation", "organisation__name"),
    Column("organisation_slug", "organisation__slug"),
    Column("organisation_tooi", "organisation__tooi", _text),
    Column("sector", "sector"),
    Column("domain", "domain_name"),
    Column("judged_at", "judged_at"),
    Column("mx_hosts", "mx_list", _mx_hosts),
    *(Column(name, name, _text) for name in VERDICT_COLUMNS),
    Column("reasons", "reasons", _reasons),
)
ORGANISATION_COLUMNS = (
    Column("scan_id", "scan_id"),
    Column("scan_date", "scan_date"),
    Column("organisation", "name"),
    Column("organisation_slug", "slug"),
    Column("organisation_tooi", "tooi", _text),
    Column("abbreviation", "abbreviation"),
    Column("sector", "sector"),
    Column("domains", "domains"),
    *(
        Column(f"{check}_{part}", f"{check}_{part}")
        for check in queries.TABLE_CHECKS
        for part in ("passed", "measured", "not_testable", "status")
    ),
    *(Column(f"{check}_explanation", f"{check}_explanation") for check in queries.TABLE_CHECKS),
)
SECTOR_COLUMNS = tuple(
    Column(name, name)
    for name in (
        "scan_id", "scan_date", "methodology_version", "sector", "check", "passed", "failed",
        "not_applicable", "not_testable", "errors", "percentage", "organisations_measured",
        "organisations_compliant", *(f"organisations_{state}" for state in State.values),
    )
)  # fmt: skip


def rendered(columns: tuple[Column, ...], rows) -> Iterator[list]:
    """Each row (its stored values in column order) as cell values."""
    renders = [column.render for column in columns]
    for row in rows:
        yield [v if render is same else render(v) for render, v in zip(renders, row, strict=True)]


def from_dict(columns: tuple[Column, ...], row: dict) -> list:
    """A row built in Python (a dict keyed by the columns' sources) in column order."""
    return [row[column.source] for column in columns]


def domain_rows(results: QuerySet[DomainResult]) -> Iterator[list]:
    """The rows of DOMAIN_COLUMNS, read from the database in chunks."""
    query = (
        results.annotate(mx_list=KeyTransform("mx", "evidence"))
        .values_list(*(column.source for column in DOMAIN_COLUMNS))
        .order_by("sector", "organisation__name", "domain_name")
    )
    return rendered(DOMAIN_COLUMNS, query.iterator(chunk_size=5000))


def organisation_rows(scan: Scan, sector: str | None = None) -> Iterator[list]:
    rows = queries.organisation_rows(scan, sector)
    states = states_of_rows(rows)  # "pas toe of leg uit", as of today
    toois = dict(
        Organisation.objects.filter(id__in=[row.id for row in rows]).values_list("id", "tooi")
    )
    for org in rows:
        row = {
            "scan_id": scan.pk, "scan_date": scan.created_at, "name": org.name,
            "slug": org.slug, "tooi": toois.get(org.id), "abbreviation": org.abbreviation,
            "sector": org.sector, "domains": org.domains,
        }  # fmt: skip
        for check, entry in org.checks.items():
            row |= {f"{check}_{part}": value for part, value in entry.items()}
            row[f"{check}_explanation"] = states[(org.id, check)]
        yield from rendered(ORGANISATION_COLUMNS, [from_dict(ORGANISATION_COLUMNS, row)])


def sector_rows(scan: Scan, delimiter: str = ",") -> Iterator[list]:
    for sector, _label, figures in queries.sector_stats(scan).rows():
        explained = counts_of_rows(queries.sector_organisation_rows(scan, sector))
        for check in sorted(figures):
            f = figures[check]
            row = {
                "scan_id": scan.pk, "scan_date": scan.created_at,
                "methodology_version": scan.methodology_version, "sector": sector,
                "check": check, "passed": f.passed, "failed": f.failed,
                "not_applicable": f.not_applicable, "not_testable": f.not_testable,
                "errors": f.errors, "percentage": decimal(f.percentage, delimiter),
                "organisations_measured": f.organisations_measured,
                "organisations_compliant": f.organisations_compliant,
            }  # fmt: skip
            row |= {f"organisations_{st}": explained.get(check, {}).get(st) for st in State.values}
            yield from rendered(SECTOR_COLUMNS, [from_dict(SECTOR_COLUMNS, row)])


# --- filters ---------------------------------------------------------------------------


def _finished_scan(value: str) -> Scan | None:
    if not value.isdigit() or int(value) < 1:
        raise BadFilter("scan must be the id of a finished scan (a positive integer)")
    return Scan.objects.filter(pk=int(value), status=Scan.Status.FINISHED).first()


def _sector(request: HttpRequest) -> str | None:
    value = request.GET.get("sector", "")
    if value and value not in Sector.values:
        raise BadFilter(f"sector must be one of {', '.join(Sector.values)}")
    return value or None


def _results(scan: Scan) -> QuerySet[DomainResult]:
    return DomainResult.objects.filter(scan=scan, methodology_version=scan.methodology_version)


def scan_metadata(scan: Scan, request: HttpRequest) -> list[tuple[str, object]]:
    """The metadata lines of every CSV of a scan: no free text (names are in the data)."""
    lines = [
        ("scan_id", scan.pk),
        ("scan_kind", scan.kind),
        ("scan_date", scan.created_at),
        ("methodology_version", scan.methodology_version),
    ]
    if scan.checksum:
        lines.append(("checksum", scan.checksum))
    lines.append(("source", request.build_absolute_uri(f"/api/v1/scans/{scan.pk}/")))
    return lines


def download(view):
    """Bad filters answer 400 and unknown scans 404, as problem details (like the API)."""

    @require_safe
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except BadFilter as exc:
            return problem(400, str(exc))
        except LookupError as exc:
            return problem(404, str(exc))

    wrapper.__doc__ = view.__doc__
    wrapper.__name__ = view.__name__
    return wrapper


def _requested_scan(request: HttpRequest) -> Scan:
    """?scan=ID, or the latest finished scan of the whole register."""
    value = request.GET.get("scan", "")
    scan = _finished_scan(value) if value else queries.latest_finished_scan()
    if scan is None:
        raise LookupError("no finished scan" + (f" with id {value}" if value else ""))
    return scan


def _scan_by_id(scan_id: int) -> Scan:
    scan = _finished_scan(str(scan_id))
    if scan is None:
        raise LookupError(f"no finished scan with id {scan_id}")
    return scan


def _round_headers(scan: Scan) -> dict:
    return {"X-Checksum": scan.checksum or "-", "X-Methodology-Version": scan.methodology_version}


# --- views -----------------------------------------------------------------------------


@download
def scan_csv(request: HttpRequest, scan_id: int) -> HttpResponse:
    """Every domain of one finished scan (a measurement round), with checksum and method."""
    delimiter = separator(request)
    scan = _scan_by_id(scan_id)
    lines = csv_lines(
        header(DOMAIN_COLUMNS),
        domain_rows(_results(scan)),
        delimiter,
        scan_metadata(scan, request),
    )
    suffix = "-excel" if delimiter == ";" else ""
    return csv_response(
        lines, f"meting-{scan.pk}{suffix}.csv", FINISHED_MAX_AGE, _round_headers(scan)
    )


@download
def domains_csv(request: HttpRequest) -> HttpResponse:
    """The domains of a filtered view: ?scan, ?sector, ?organisation (slug), ?q."""
    delimiter, sector = separator(request), _sector(request)
    scan = _requested_scan(request)
    results = _results(scan)
    if sector:
        results = results.filter(sector=sector)
    slug = request.GET.get("organisation", "")
    if slug:
        if not Organisation.objects.filter(slug=slug[:320]).exists():
            raise LookupError(f"no organisation with slug {slug[:100]!r}")
        results = results.filter(organisation__slug=slug)
    query = queries.clean_query(request.GET.get("q", ""))
    if query:
        results = results.filter(domain_name__icontains=query) | results.filter(
            organisation__name__icontains=query
        )
    lines = csv_lines(
        header(DOMAIN_COLUMNS), domain_rows(results), delimiter, scan_metadata(scan, request)
    )
    return csv_response(lines, f"domeinen-{scan.pk}.csv", FILTERED_MAX_AGE)


@download
def organisations_csv(request: HttpRequest) -> HttpResponse:
    delimiter, sector = separator(request), _sector(request)
    scan = _requested_scan(request)
    rows = organisation_rows(scan, sector)
    lines = csv_lines(header(ORGANISATION_COLUMNS), rows, delimiter, scan_metadata(scan, request))
    return csv_response(lines, f"organisaties-{scan.pk}.csv", FILTERED_MAX_AGE)


@download
def sectors_csv(request: HttpRequest) -> HttpResponse:
    delimiter = separator(request)
    scan = _requested_scan(request)
    rows = sector_rows(scan, delimiter)
    lines = csv_lines(header(SECTOR_COLUMNS), rows, delimiter, scan_metadata(scan, request))
    return csv_response(lines, f"sectoren-{scan.pk}.csv", FILTERED_MAX_AGE)


@download
def scan_xlsx(request: HttpRequest, scan_id: int) -> HttpResponse:
    """The round export as XLSX: sheet `meting` (key, value) and sheet `domeinen`."""
    scan = _scan_by_id(scan_id)
    about = [("scan_name", scan.name), *scan_metadata(scan, request)]
    domains = chain([header(DOMAIN_COLUMNS)], domain_rows(_results(scan)))
    return xlsx_response(
        {"meting": about, "domeinen": domains},
        f"meting-{scan.pk}.xlsx",
        FINISHED_MAX_AGE,
        _round_headers(scan),
    )
