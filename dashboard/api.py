"""The read-only JSON API (/api/v1/): paginated, cacheable, described in openapi.py."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils.cache import get_conditional_response, set_response_etag
from django.views.decorators.http import require_safe

from dashboard import queries
from dashboard.openapi import OPENAPI
from measurement.domains import InvalidDomain, normalise_domain
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
CACHE_SECONDS = 300
VERDICT_FIELDS = VERDICT_COLUMNS


class NotFound(Exception):
    pass


def api_view(view: Callable) -> Callable:
    """GET and HEAD only; JSON 404 for unknown objects; Cache-Control and ETag on answers."""

    @require_safe
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> JsonResponse:
        try:
            response = JsonResponse(
                view(request, *args, **kwargs), json_dumps_params={"ensure_ascii": False}
            )
            response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
            # A strong ETag over the body lets clients revalidate with If-None-Match (304).
            set_response_etag(response)
            response = get_conditional_response(request, etag=response["ETag"], response=response)
        except NotFound as exc:
            response = JsonResponse({"error": "not_found", "detail": str(exc)}, status=404)
            response["Cache-Control"] = "public, max-age=60"
        except ValueError as exc:
            response = JsonResponse({"error": "bad_request", "detail": str(exc)}, status=400)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def _positive(value: str | None, default: int, name: str) -> int:
    if value in (None, ""):
        return default
    if not str(value).isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a positive integer")
    return int(value)


def paginate(request: HttpRequest, items: QuerySet, serialise: Callable) -> dict:
    """Page `page` of `page_size` items (at most 500), with links to the neighbours."""
    page = _positive(request.GET.get("page"), 1, "page")
    size = min(
        _positive(request.GET.get("page_size"), DEFAULT_PAGE_SIZE, "page_size"), MAX_PAGE_SIZE
    )
    count = items.count()
    start = (page - 1) * size
    rows = [serialise(item) for item in items[start : start + size]]

    def link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        params["page_size"] = str(size)
        return request.build_absolute_uri(f"{request.path}?{urlencode(params, doseq=True)}")

    return {
        "count": count,
        "page": page,
        "page_size": size,
        "next": link(page + 1) if start + size < count else None,
        "previous": link(page - 1) if page > 1 and start - size < count else None,
        "results": rows,
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _organisation(org: Organisation) -> dict:
    return {
        "slug": org.slug,
        "name": org.name,
        "abbreviation": org.abbreviation,
        "sector": org.sector,
        "type": org.organisation_type,
        "tooi": org.tooi,
        "valid_from": _iso(org.valid_from),
        "valid_to": _iso(org.valid_to),
    }


def _result(result: DomainResult | None) -> dict | None:
    if result is None:
        return None
    return {
        "scan": result.scan_id,
        "scan_date": _iso(result.scan.created_at) if result.scan_id else None,
        "methodology_version": result.methodology_version,
        "judged_at": _iso(result.judged_at),
        "verdicts": {name: getattr(result, name) or None for name in VERDICT_FIELDS},
        "reasons": result.reasons or {},
        "mx": queries.mx_hosts(result),
    }


def _domain(domain: Domain) -> dict:
    return {
        "name": domain.name,
        "organisation": domain.organisation.slug,
        "active": domain.is_active,
        "added_on": _iso(domain.added_on),
        "removed_on": _iso(domain.removed_on),
        "latest_result": _result(domain.latest_result),
    }


def _scan(scan: Scan) -> dict:
    return {
        "id": scan.pk,
        "kind": scan.kind,
        "name": scan.name,
        "status": scan.status,
        "frozen": scan.is_frozen,
        "methodology_version": scan.methodology_version,
        "scanner_version": scan.scanner_version,
        "created_at": _iso(scan.created_at),
        "started_at": _iso(scan.started_at),
        "finished_at": _iso(scan.finished_at),
        "domains_total": scan.domains_total,
        "domains_done": scan.domains_done,
        "checksum": scan.checksum or None,
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
        raise NotFound(f"no organisation with slug {slug[:100]!r}")
    return org


def _get_domain(name: str) -> Domain:
    try:
        normalised = normalise_domain(name)
    except (InvalidDomain, ValueError):
        raise NotFound("no such domain") from None
    domain = (
        Domain.objects.select_related("organisation", "latest_result__scan")
        .filter(name=normalised)
        .first()
    )
    if domain is None:
        raise NotFound(f"no domain {normalised!r}")
    return domain


@api_view
def index(request: HttpRequest) -> dict:
    base = request.build_absolute_uri("/api/v1/")
    return {
        "openapi": base + "openapi.json",
        "organisations": base + "organisations/",
        "domains": base + "domains/",
        "sectors": base + "sectors/",
        "scans": base + "scans/",
        "rounds": base + "rounds/",
    }


@api_view
def openapi(request: HttpRequest) -> dict:
    return OPENAPI


@api_view
def organisations(request: HttpRequest) -> dict:
    items = Organisation.objects.order_by("name", "id")
    sector = request.GET.get("sector")
    if sector:
        if sector not in Sector.values:
            raise ValueError(f"sector must be one of {', '.join(Sector.values)}")
        items = items.filter(sector=sector)
    query = queries.clean_query(request.GET.get("q"))
    if query:
        items = items.filter(id__in=[o.id for o in queries.search_organisations(query, 500)])
    return paginate(request, items, _organisation)


@api_view
def organisation(request: HttpRequest, slug: str) -> dict:
    org = _get_organisation(slug)
    domains = org.domains.select_related("organisation", "latest_result__scan").order_by("name")
    return _organisation(org) | {"domains": [_domain(d) for d in domains]}


@api_view
def organisation_history(request: HttpRequest, slug: str) -> dict:
    org = _get_organisation(slug)
    return {
        "organisation": org.slug,
        "history": [
            {
                "scan": row["scan_id"],
                "date": _iso(row["date"]),
                "kind": row["kind"],
                "name": row["name"],
                "domains": row["domains"],
                "checks": row["checks"],
            }
            for row in queries.organisation_history(org)
        ],
    }


@api_view
def domains(request: HttpRequest) -> dict:
    items = Domain.objects.select_related("organisation", "latest_result__scan").order_by("name")
    if request.GET.get("organisation"):
        items = items.filter(organisation__slug=request.GET["organisation"][:320])
    sector = request.GET.get("sector")
    if sector:
        if sector not in Sector.values:
            raise ValueError(f"sector must be one of {', '.join(Sector.values)}")
        items = items.filter(organisation__sector=sector)
    if request.GET.get("active") in ("true", "1"):
        items = items.filter(is_active=True)
    return paginate(request, items, _domain)


@api_view
def domain(request: HttpRequest, name: str) -> dict:
    return _domain(_get_domain(name))


@api_view
def domain_history(request: HttpRequest, name: str) -> dict:
    dom = _get_domain(name)
    return {"domain": dom.name} | paginate(request, queries.domain_history(dom), _result)


@api_view
def sectors(request: HttpRequest) -> dict:
    value = request.GET.get("scan")
    if value:
        scan = Scan.objects.filter(
            pk=_positive(value, 0, "scan"), status=Scan.Status.FINISHED
        ).first()
        if scan is None:
            raise NotFound("no finished scan with that id")
    else:
        scan = queries.latest_finished_scan()
    stats = queries.sector_stats(scan)
    return {
        "scan": _scan(scan) if scan else None,
        "sectors": {
            sector: {check: _figure(figure) for check, figure in sorted(figures.items())}
            for sector, _label, figures in stats.rows()
        },
        "total": {check: _figure(figure) for check, figure in sorted(stats.total.items())},
    }


@api_view
def scans(request: HttpRequest) -> dict:
    items = Scan.objects.filter(status=Scan.Status.FINISHED).order_by("-created_at", "-id")
    kind = request.GET.get("kind")
    if kind:
        if kind not in Scan.Kind.values:
            raise ValueError(f"kind must be one of {', '.join(Scan.Kind.values)}")
        items = items.filter(kind=kind)
    return paginate(request, items, _scan)


@api_view
def rounds(request: HttpRequest) -> dict:
    items = queries.finished_rounds().order_by("-created_at", "-id")
    return paginate(request, items, _scan)


@api_view
def scan(request: HttpRequest, scan_id: int) -> dict:
    item = Scan.objects.filter(pk=scan_id).first()
    if item is None:
        raise NotFound("no scan with that id")
    return _scan(item)
