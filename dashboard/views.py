"""Thin views over the query functions in dashboard/queries.py."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from accounts.access import is_member_or_staff
from dashboard import charts, progress, queries, tables, trends
from measurement.domains import InvalidDomain, normalise_domain
from measurement.models import SIDE_BY_SIDE, Domain, Organisation, Outcome, Scan, Sector

SECTOR_ROWS_PER_PAGE = 200


def _sector_label(value: str) -> str:
    return dict(Sector.choices).get(value, value)


@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    scan = queries.latest_finished_scan()
    stats = queries.sector_stats(scan)
    return render(
        request,
        "dashboard/overview.html",
        {
            "scan": scan,
            "stats": stats,
            "standards": queries.STANDARDS,
            "trend_charts": trends.cached_trend_charts(scan),
            "headlines": progress.headlines(scan),
            "rounds": list(queries.finished_rounds()[:20]),
        },
    )


@require_safe
def side_by_side(request: HttpRequest) -> HttpResponse:
    scan = queries.latest_finished_scan()
    counts = queries.side_by_side(scan)
    labels = queries.SIDE_BY_SIDE_LABELS
    rows = [
        (str(name), [(kind, counts.get(value, {}).get(kind, 0)) for kind in SIDE_BY_SIDE])
        for value, name in [*Sector.choices, ("total", _("Totaal"))]
    ]
    title = _("DANE en MTA-STS naast elkaar, per sector")
    points = queries.side_by_side_trend()
    trend_rows = [
        (
            date_format(p.date, "SHORT_DATE_FORMAT") + (f" ({p.name})" if p.is_round else ""),
            [
                (kind, queries.trend_total(p, f"dane_vs_mta_sts:{kind}").passed)
                for kind in SIDE_BY_SIDE
            ],
        )
        for p in points
    ]
    trend_title = _("DANE en MTA-STS naast elkaar, over de tijd")
    return render(
        request,
        "dashboard/side_by_side.html",
        {
            "scan": scan,
            "kinds": [
                (kind, labels[kind], charts.SIDE_BY_SIDE_COLOURS[kind]) for kind in SIDE_BY_SIDE
            ],
            "rows": rows,
            "svg": charts.bars_for_screens(rows, charts.SIDE_BY_SIDE_COLOURS, title),
            "title": title,
            "trend_rows": trend_rows,
            "trend_svg": charts.bars_for_screens(
                trend_rows[-26:], charts.SIDE_BY_SIDE_COLOURS, trend_title
            ),
            "trend_title": trend_title,
        },
    )


SORT_KEYS = ("name", "domains", *queries.TABLE_CHECKS)


@require_safe
def sector(request: HttpRequest, sector: str) -> HttpResponse:
    if sector not in Sector.values:
        raise Http404(_("Onbekende sector"))
    scan = queries.latest_finished_scan()
    query = queries.clean_query(request.GET.get("q", ""))
    sort = request.GET.get("sort", "name")
    sort = sort if sort in SORT_KEYS else "name"
    descending = request.GET.get("order") == "desc"
    check = request.GET.get("check", "")
    status = request.GET.get("status", "")
    all_rows = queries.sector_organisation_rows(scan, sector)
    rows = queries.organisation_rows(scan, sector, query) if query else all_rows
    rows = queries.sort_rows(queries.filter_rows(rows, check, status), sort, descending)
    page = Paginator(rows, SECTOR_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    distribution = queries.distribution(all_rows)
    outcomes = (Outcome.PASS, Outcome.FAIL, Outcome.NOT_TESTABLE, Outcome.NOT_APPLICABLE)
    dist_rows = [
        (str(label), [(o, distribution[c][o]) for o in outcomes])
        for c, label in queries.STANDARDS
        if c in queries.TABLE_CHECKS
    ]
    title = _("Verdeling van organisaties per standaard")
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "dashboard/sector.html",
        {
            "sector": sector,
            "sector_label": _sector_label(sector),
            "scan": scan,
            "stats": queries.sector_stats(scan).by_sector.get(sector, {}),
            "standards": queries.STANDARDS,
            "table_checks": [(c, queries.STANDARD_LABELS[c]) for c in queries.TABLE_CHECKS],
            "page": page,
            "rows_html": tables.organisation_rows(list(page), queries.TABLE_CHECKS),
            "query": query,
            "sort": sort,
            "descending": descending,
            "check": check,
            "status": status,
            "outcomes": [(o, o.label) for o in outcomes],
            "dist_rows": dist_rows,
            "dist_svg": charts.bars_for_screens(dist_rows, charts.OUTCOME_COLOURS, title),
            "dist_title": title,
            "providers": queries.providers(scan, sector),
            "trend_charts": trends.cached_trend_charts(scan, sector),
            "headlines": progress.headlines(scan, sector),
            "querystring": params.urlencode(),
            "sort_links": _sort_links(params, sort, descending),
        },
    )


def _sort_links(params, sort: str, descending: bool) -> dict[str, dict[str, str]]:
    """Per column of the sector table: the query that sorts by it, and its aria-sort."""
    links = {}
    for key in SORT_KEYS:
        link = params.copy()
        link["sort"] = key
        active = key == sort
        link["order"] = "asc" if active and descending else ("desc" if active else "asc")
        if key in queries.TABLE_CHECKS and not active:
            link["order"] = "desc"  # best first is the useful first look at a standard
        links[key] = {
            "query": link.urlencode(),
            "aria_sort": ("descending" if descending else "ascending") if active else "",
        }
    return links


@require_safe
def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_object_or_404(Organisation, slug=slug)
    scan = queries.latest_finished_scan()
    retest_scan = None
    if request.GET.get("scan", "").isdigit():
        retest_scan = Scan.objects.filter(
            pk=int(request.GET["scan"]), kind=Scan.Kind.ON_DEMAND
        ).first()
    cards = queries.organisation_domains(org)
    history = queries.organisation_history(org)
    history_title = _("Aandeel van de domeinen van %(name)s dat voldoet, per meting") % {
        "name": org.name
    }
    history_svg = charts.line_chart(
        [
            charts.Series(
                str(queries.STANDARD_LABELS[check]),
                tuple(row["checks"][check]["percentage"] for row in history),
            )
            for check in queries.TABLE_CHECKS
        ],
        [date_format(row["date"], "SHORT_DATE_FORMAT") for row in history],
        [i for i, row in enumerate(history) if row["kind"] == Scan.Kind.ROUND],
        history_title,
        _("meetronde"),
    )
    return render(
        request,
        "dashboard/organisation.html",
        {
            "organisation": org,
            "cards": cards,
            "summary_html": tables.domain_summary_rows(cards, queries.DOMAIN_CHECKS),
            "history": history,
            "history_svg": history_svg,
            "history_html": tables.history_rows(history, queries.TABLE_CHECKS),
            "history_title": history_title,
            "comparison": queries.sector_comparison(org, scan),
            "table_checks": [(c, queries.STANDARD_LABELS[c]) for c in queries.TABLE_CHECKS],
            "domain_checks": queries.DOMAIN_CHECKS,
            "scan": scan,
            "retest_scan": retest_scan,
            "permalink": request.build_absolute_uri(
                reverse("dashboard:organisation", args=[org.slug])
            ),
        },
    )


def _retest_function():
    """The door's request_retest, or None when the scan machinery is not installed."""
    try:
        from measurement.scan.door import RetestRateLimited, request_retest
    except ImportError:
        return None, None
    return request_retest, RetestRateLimited


@require_POST
def retest(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_object_or_404(Organisation, slug=slug)
    request_retest, rate_limited = _retest_function()
    if request_retest is None:
        return render(
            request,
            "dashboard/message.html",
            {
                "title": _("Hertest niet beschikbaar"),
                "message": _("De meetdienst is niet beschikbaar. Probeer het later opnieuw."),
                "organisation": org,
            },
            status=503,
        )
    try:
        scan = request_retest(org, hourly_cap=not is_member_or_staff(request.user, org))
    except rate_limited as exc:
        return _retest_refused(request, org, exc)
    return redirect(f"{reverse('dashboard:organisation', args=[org.slug])}?scan={scan.pk}#hertest")


def _retest_refused(request: HttpRequest, org: Organisation, refused) -> HttpResponse:
    """429 that says which limit refused the re-test, with the time it still holds."""
    retry_after = max(1, int(refused.retry_after))
    minutes = max(1, (retry_after + 59) // 60)
    if refused.reason == refused.HOURLY:
        message = ngettext(
            "Er zijn dit uur al zoveel hertests gevraagd als de meetdienst per uur uitvoert; "
            "deze organisatie is niet getest. Probeer het over %(minutes)d minuut opnieuw.",
            "Er zijn dit uur al zoveel hertests gevraagd als de meetdienst per uur uitvoert; "
            "deze organisatie is niet getest. Probeer het over %(minutes)d minuten opnieuw.",
            minutes,
        )
    else:
        message = ngettext(
            "Deze organisatie is kort geleden al opnieuw getest. Probeer het over "
            "%(minutes)d minuut opnieuw.",
            "Deze organisatie is kort geleden al opnieuw getest. Probeer het over "
            "%(minutes)d minuten opnieuw.",
            minutes,
        )
    response = render(
        request,
        "dashboard/message.html",
        {"title": _("Even geduld"), "message": message % {"minutes": minutes}, "organisation": org},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


@require_safe
@cache_control(no_cache=True)
def scan_progress(request: HttpRequest, scan_id: int) -> JsonResponse:
    scan = get_object_or_404(Scan, pk=scan_id)
    return JsonResponse(
        {
            "id": scan.pk,
            "status": scan.status,
            "domains_done": scan.domains_done,
            "domains_total": scan.domains_total,
            "finished": scan.status in (Scan.Status.FINISHED, Scan.Status.FAILED),
        }
    )


@require_safe
def domain(request: HttpRequest, name: str) -> HttpResponse:
    try:
        normalised = normalise_domain(name)
    except (InvalidDomain, ValidationError, ValueError):
        raise Http404(_("Onbekend domein")) from None
    dom = get_object_or_404(
        Domain.objects.select_related("organisation", "latest_result__scan"), name=normalised
    )
    return render(
        request,
        "dashboard/domain.html",
        {
            "domain": dom,
            "card": queries.domain_card(dom),
            "history": queries.domain_history(dom),
            "domain_checks": queries.DOMAIN_CHECKS,
        },
    )


@require_safe
def methodology(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dashboard/methodology.html",
        {"versions": queries.methodology_versions()},
    )


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = queries.clean_query(request.GET.get("q", ""))
    results = queries.search_organisations(query, limit=50)
    if len(results) == 1 and request.GET.get("go") == "1":
        return redirect("dashboard:organisation", slug=results[0].slug)
    # A status badge per result: the list entry (STARTTLS en DANE) in the latest scan.
    rows = queries.organisation_rows(
        queries.latest_finished_scan(), organisation_ids=[org.id for org in results]
    )
    statuses = {row.id: row.checks["starttls_dane"]["status"] for row in rows} if results else {}
    return render(
        request,
        "dashboard/search.html",
        {"query": query, "results": results, "statuses": statuses},
    )


@require_safe
@cache_control(max_age=60, public=True)
def suggestions(request: HttpRequest) -> JsonResponse:
    results = queries.search_organisations(request.GET.get("q", ""), limit=10)
    return JsonResponse(
        {
            "results": [
                {
                    "name": org.name,
                    "abbreviation": org.abbreviation,
                    "url": reverse("dashboard:organisation", args=[org.slug]),
                }
                for org in results
            ]
        }
    )
