"""The read-only JSON API (/api/v1/), served by django-ninja.

The OpenAPI document (/api/v1/openapi.json) and the documentation page (/api/v1/docs)
are generated from these operations and the classes in api_schemas.py. Caching, ETags,
HEAD and CORS are added by dashboard.middleware.ApiHeadersMiddleware; errors are RFC 9457
problem details (dashboard.problems).
"""

from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import NinjaAPI, Query
from ninja.errors import HttpError, ValidationError
from pydantic import Field

from dashboard import api_schemas as s
from dashboard import queries
from dashboard.explanations import organisation_explanations
from dashboard.middleware import API_VERSION
from dashboard.problems import PROBLEM_TYPE, problem
from measurement.domains import InvalidDomain, normalise_domain
from measurement.evaluate.readings import Reading
from measurement.models import (
    VERDICT_COLUMNS,
    Domain,
    DomainResult,
    Organisation,
    Scan,
    Sector,
)

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
ERRORS = {400: s.Problem, 404: s.Problem}
DESCRIPTION = (
    "Read-only access to the measurements of STARTTLS, DANE, MTA-STS, TLS-RPT and DNSSEC "
    "of Dutch government mail domains. Outcomes are pass, fail, not_applicable, "
    "not_testable and error; percentages are pass / (pass + fail). Answers carry "
    "Cache-Control: public, max-age=300 and a strong ETag; errors are RFC 9457 problem "
    "details. The data is open (CC0). See docs/api.md."
)


class DocumentedAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Error answers are problem details: say so in their media type (RFC 9457)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, answer in operation["responses"].items():
                    if str(status).startswith("4") and "content" in answer:
                        answer["content"] = {PROBLEM_TYPE: answer["content"]["application/json"]}
        schema["info"]["license"] = {"name": "CC0-1.0", "identifier": "CC0-1.0"}
        return schema


api = DocumentedAPI(
    title="Mailbeveiliging overheid API",
    version=API_VERSION,
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def bad_parameters(request: HttpRequest, exc: ValidationError):
    detail = "; ".join(
        f"{'.'.join(str(part) for part in error['loc'][1:])}: {error['msg']}"
        for error in exc.errors
    )
    return problem(400, detail)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    return problem(exc.status_code, str(exc))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    return problem(404, str(exc) or "not found")


class Paging(s.Schema):
    page: int = Field(1, ge=1, description="page number, from 1")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, description=f"items per page; more than {MAX_PAGE_SIZE} is capped"
    )


def paginate(request: HttpRequest, items: QuerySet, paging: Paging, serialise) -> dict:
    """Page `page` of `page_size` items (at most 500), with links to the neighbours."""
    size = min(paging.page_size, MAX_PAGE_SIZE)
    count = items.count()
    start = (paging.page - 1) * size
    rows = [serialise(item) for item in items[start : start + size]]

    def link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        params["page_size"] = str(size)
        return request.build_absolute_uri(f"{request.path}?{urlencode(params, doseq=True)}")

    return {
        "count": count,
        "page": paging.page,
        "page_size": size,
        "next": link(paging.page + 1) if start + size < count else None,
        "previous": link(paging.page - 1) if paging.page > 1 and start - size < count else None,
        "results": rows,
    }


# --- serialisers: model -> the dict of its schema ---------------------------------------


def _organisation(org: Organisation) -> dict:
    return {
        "slug": org.slug,
        "name": org.name,
        "abbreviation": org.abbreviation,
        "sector": org.sector,
        "type": org.organisation_type,
        "tooi": org.tooi,
        "valid_from": org.valid_from,
        "valid_to": org.valid_to,
    }


def _result(result: DomainResult | None) -> dict | None:
    if result is None:
        return None
    return {
        "scan": result.scan_id,
        "scan_date": result.scan.created_at if result.scan_id else None,
        "methodology_version": result.methodology_version,
        "judged_at": result.judged_at,
        "verdicts": {name: getattr(result, name) or None for name in VERDICT_COLUMNS},
        "reasons": result.reasons or {},
        "mx": queries.mx_hosts(result),
    }


def _domain(domain: Domain) -> dict:
    return {
        "name": domain.name,
        "organisation": domain.organisation.slug,
        "active": domain.is_active,
        "added_on": domain.added_on,
        "removed_on": domain.removed_on,
        "latest_result": _result(domain.latest_result),
    }


def _scan(request: HttpRequest, scan: Scan) -> dict:
    is_round = scan.kind == Scan.Kind.ROUND and scan.status == Scan.Status.FINISHED
    return {
        "id": scan.pk,
        "kind": scan.kind,
        "name": scan.name,
        "status": scan.status,
        "frozen": scan.is_frozen,
        "methodology_version": scan.methodology_version,
        "scanner_version": scan.scanner_version,
        "created_at": scan.created_at,
        "started_at": scan.started_at,
        "finished_at": scan.finished_at,
        "domains_total": scan.domains_total,
        "domains_done": scan.domains_done,
        "checksum": scan.checksum or None,
        "csv": request.build_absolute_uri(reverse("exports:scan_csv", args=[scan.pk])),
        "dcat": request.build_absolute_uri(reverse("exports:scan_dcat", args=[scan.pk]))
        if is_round
        else None,
    }


def _figure(figure: queries.Figure) -> dict:
    return {
        "passed": figure.passed,
        "failed": figure.failed,
        "not_applicable": figure.not_applicable,
        "not_testable": figure.not_testable,
        "errors": figure.errors,
        "measured": figure.measured,
        "percentage": figure.percentage,
        "organisations_measured": figure.organisations_measured,
        "organisations_compliant": figure.organisations_compliant,
        "organisations_percentage": figure.organisation_percentage,
    }


def _get_organisation(slug: str) -> Organisation:
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise Http404(f"no organisation with slug {slug[:100]!r}")
    return org


def _get_domain(name: str) -> Domain:
    try:
        normalised = normalise_domain(name)
    except (InvalidDomain, ValueError):
        raise Http404("no such domain") from None
    domain = (
        Domain.objects.select_related("organisation", "latest_result__scan")
        .filter(name=normalised)
        .first()
    )
    if domain is None:
        raise Http404(f"no domain {normalised!r}")
    return domain


# --- operations -------------------------------------------------------------------------


@api.get("/", response=s.Links, url_name="index", summary="Links to the collections")
def index(request: HttpRequest):
    base = request.build_absolute_uri(reverse("api:index"))
    names = ("organisations", "domains", "sectors", "scans", "rounds")
    return {"openapi": base + "openapi.json", "docs": base + "docs"} | {
        name: base + name + "/" for name in names
    }


@api.get(
    "/organisations/",
    response={200: s.OrganisationPage, **ERRORS},
    url_name="organisations",
    summary="Organisations, by name",
)
def organisations(
    request: HttpRequest,
    paging: Query[Paging],
    sector: Sector | None = None,
    q: str | None = Query(None, max_length=100, description="name contains"),
):
    items = Organisation.objects.order_by("name", "id")
    if sector:
        items = items.filter(sector=sector)
    query = queries.clean_query(q)
    if query:
        items = items.filter(id__in=[o.id for o in queries.search_organisations(query, 500)])
    return paginate(request, items, paging, _organisation)


@api.get(
    "/organisations/{slug}/",
    response={200: s.OrganisationDetail, **ERRORS},
    url_name="organisation",
    summary="One organisation with its domains and their latest results",
)
def organisation(request: HttpRequest, slug: str):
    org = _get_organisation(slug)
    domains = org.domains.select_related("organisation", "latest_result__scan").order_by("name")
    return _organisation(org) | {
        "domains": [_domain(d) for d in domains],
        "explanations": organisation_explanations(org, queries.latest_finished_scan()),
    }


@api.get(
    "/organisations/{slug}/history/",
    response={200: s.OrganisationHistory, **ERRORS},
    url_name="organisation_history",
    summary="Per finished scan: how many of its domains pass each standard",
)
def organisation_history(request: HttpRequest, slug: str):
    org = _get_organisation(slug)
    history = [
        {"scan": row["scan_id"]} | {key: row[key] for key in ("date", "kind", "name", "domains")}
        | {"checks": row["checks"]}
        for row in queries.organisation_history(org)
    ]  # fmt: skip
    return {"organisation": org.slug, "history": history}


@api.get(
    "/domains/",
    response={200: s.DomainPage, **ERRORS},
    url_name="domains",
    summary="Mail domains with their latest result",
)
def domains(
    request: HttpRequest,
    paging: Query[Paging],
    sector: Sector | None = None,
    organisation: str | None = Query(None, max_length=320, description="organisation slug"),
    active: bool | None = Query(None, description="true: only active domains; false: removed"),
):
    items = Domain.objects.select_related("organisation", "latest_result__scan").order_by("name")
    if organisation:
        items = items.filter(organisation__slug=organisation)
    if sector:
        items = items.filter(organisation__sector=sector)
    if active is not None:
        items = items.filter(is_active=active)
    return paginate(request, items, paging, _domain)


@api.get(
    "/domains/{name}/",
    response={200: s.Domain, **ERRORS},
    url_name="domain",
    summary="One domain and its latest result",
)
def domain(request: HttpRequest, name: str):
    return _domain(_get_domain(name))


@api.get(
    "/domains/{name}/history/",
    response={200: s.ResultPage, **ERRORS},
    url_name="domain_history",
    summary="Every result of one domain, oldest first",
)
def domain_history(request: HttpRequest, name: str, paging: Query[Paging]):
    found = _get_domain(name)
    return {"domain": found.name} | paginate(
        request, queries.domain_history(found), paging, _result
    )


_READING = Query(
    None,
    description="default: STARTTLS as today; internetnl: STARTTLS (and STARTTLS en DANE) pass "
    "only with a TLS configuration that passes TLS (NCSC); none: the site's setting",
)


@api.get(
    "/sectors/",
    response={200: s.SectorStatistics, **ERRORS},
    url_name="sectors",
    summary="Sector statistics of a finished scan (default: the latest)",
)
def sectors(
    request: HttpRequest,
    scan: int | None = Query(None, ge=1, description="scan id"),
    reading: Reading | None = _READING,
):
    if scan:
        found = Scan.objects.filter(pk=scan, status=Scan.Status.FINISHED).first()
        if found is None:
            raise Http404("no finished scan with that id")
    else:
        found = queries.latest_finished_scan()
    stats = queries.sector_stats(found, reading)
    return {
        "scan": _scan(request, found) if found else None,
        "methodology_version": queries.figures_version(found, reading) if found else None,
        "sectors": {
            sector: {check: _figure(figure) for check, figure in sorted(figures.items())}
            for sector, _label, figures in stats.rows()
        },
        "total": {check: _figure(figure) for check, figure in sorted(stats.total.items())},
    }


@api.get(
    "/scans/",
    response={200: s.ScanPage, **ERRORS},
    url_name="scans",
    summary="Finished scans, newest first",
)
def scans(request: HttpRequest, paging: Query[Paging], kind: Scan.Kind | None = None):
    items = Scan.objects.filter(status=Scan.Status.FINISHED).order_by("-created_at", "-id")
    if kind:
        items = items.filter(kind=kind)
    return paginate(request, items, paging, lambda item: _scan(request, item))


@api.get(
    "/scans/{scan_id}/", response={200: s.ScanOut, **ERRORS}, url_name="scan", summary="One scan"
)
def scan(request: HttpRequest, scan_id: int):
    item = Scan.objects.filter(pk=scan_id).first()
    if item is None:
        raise Http404("no scan with that id")
    return _scan(request, item)


@api.get(
    "/rounds/",
    response={200: s.ScanPage, **ERRORS},
    url_name="rounds",
    summary="Measurement rounds (frozen, named scans), newest first",
)
def rounds(request: HttpRequest, paging: Query[Paging]):
    items = queries.finished_rounds().order_by("-created_at", "-id")
    return paginate(request, items, paging, lambda item: _scan(request, item))
