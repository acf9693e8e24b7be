"""Thin views of progress: the round comparison (page and CSV), the yearly report (page and
PDF) and the mail providers."""

from pathlib import Path
from urllib.parse import urlparse

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from dashboard import charts, export_format, mailproviders, progress, queries, trends
from measurement.models import SIDE_BY_SIDE, Scan, Sector

REPORT_CACHE_SECONDS = 24 * 3600


def _round(value: str, default: Scan | None) -> Scan | None:
    if value.isdigit():
        return get_object_or_404(
            Scan, pk=int(value), status=Scan.Status.FINISHED, kind__in=queries.FULL_SCAN_KINDS
        )
    return default


def _pair(request: HttpRequest) -> tuple[Scan, Scan]:
    """The two scans to compare: ?voor= and ?na=, by default the nulmeting and the latest round."""
    latest = queries.finished_rounds().first() or queries.latest_finished_scan()
    after = _round(request.GET.get("na", ""), latest)
    before = _round(request.GET.get("voor", ""), progress.baseline_round())
    if before is None or after is None:
        raise Http404(_("Er zijn nog geen twee metingen om te vergelijken."))
    return before, after


@require_safe
def comparison(request: HttpRequest) -> HttpResponse:
    before, after = _pair(request)
    result = progress.compare(before, after)
    return render(
        request,
        "dashboard/comparison.html",
        {
            "comparison": result,
            "checks": [(c, queries.STANDARD_LABELS[c]) for c in progress.HEADLINE_CHECKS],
            "choices": list(queries.finished_scans().filter(kind=Scan.Kind.ROUND)[:50]),
            "movers": [
                (queries.STANDARD_LABELS[c], result.improved[c], result.regressed[c])
                for c in progress.HEADLINE_CHECKS
            ],
        },
    )


def comparison_rows(result: progress.Comparison):
    for row in result.shares:
        for check, old, new, change in row.cells:
            yield (
                row.sector,
                check,
                old.passed,
                old.measured,
                old.percentage,
                new.passed,
                new.measured,
                new.percentage,
                change.points,
            )


COMPARISON_COLUMNS = (
    "sector",
    "check",
    "before_passed",
    "before_measured",
    "before_percentage",
    "after_passed",
    "after_measured",
    "after_percentage",
    "change_points",
)


@require_safe
def comparison_csv(request: HttpRequest) -> HttpResponse:
    """The comparison's shares per sector and standard, written as every export is
    (export_format: metadata lines without free text, text quoted, numbers as numbers)."""
    before, after = _pair(request)
    result = progress.compare(before, after)
    metadata = [
        (f"{side}_{key}", value)
        for side, scan in (("before", before), ("after", after))
        for key, value in (
            ("scan_id", scan.pk),
            ("scan_date", scan.created_at),
            ("methodology_version", scan.methodology_version),
        )
    ]
    lines = export_format.csv_lines(COMPARISON_COLUMNS, comparison_rows(result), ",", metadata)
    name = f"vergelijking-{before.pk}-{after.pk}.csv"
    return export_format.csv_response(lines, name, max_age=300)


def _report_context(scan: Scan) -> dict:
    baseline = progress.baseline_round()
    if baseline is not None and baseline.pk == scan.pk:
        baseline = None
    side = queries.side_by_side(scan)
    labels = queries.SIDE_BY_SIDE_LABELS
    side_rows = [
        (str(name), [(kind, side.get(value, {}).get(kind, 0)) for kind in SIDE_BY_SIDE])
        for value, name in [*Sector.choices, ("total", _("Totaal"))]
    ]
    side_title = _("DANE en MTA-STS naast elkaar, per sector")
    found = mailproviders.providers(scan)
    return {
        "scan": scan,
        "baseline": baseline,
        "headlines": progress.headlines(scan),
        "comparison": progress.compare(baseline, scan) if baseline else None,
        "checks": [(c, queries.STANDARD_LABELS[c]) for c in progress.HEADLINE_CHECKS],
        "trend_charts": trends.cached_trend_charts(scan),
        "side_rows": side_rows,
        "side_kinds": [
            (kind, labels[kind], charts.SIDE_BY_SIDE_COLOURS[kind]) for kind in SIDE_BY_SIDE
        ],
        "side_svg": charts.bars_for_screens(side_rows, charts.SIDE_BY_SIDE_COLOURS, side_title),
        "side_title": side_title,
        "providers": list(found.values())[:10],
        "language": get_language(),
    }


def _report_scan(scan_id: int) -> Scan:
    return get_object_or_404(
        Scan, pk=scan_id, status=Scan.Status.FINISHED, kind__in=queries.FULL_SCAN_KINDS
    )


@require_safe
def report(request: HttpRequest, scan_id: int) -> HttpResponse:
    return render(request, "dashboard/report.html", _report_context(_report_scan(scan_id)))


def static_fetcher(url: str, *args, **kwargs):
    """Our own static files (the style sheets) for WeasyPrint; nothing else is fetched."""
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage
    from weasyprint.urls import URLFetcherResponse

    path = urlparse(url).path
    if not path.startswith(settings.STATIC_URL):
        raise ValueError(f"the report fetches only our static files, not {url}")
    name = path[len(settings.STATIC_URL) :]
    found = finders.find(name)
    if found:
        data = Path(found).read_bytes()
    else:
        with staticfiles_storage.open(name) as handle:
            data = handle.read()
    mime = "text/css" if name.endswith(".css") else "application/octet-stream"
    return URLFetcherResponse(url, data, headers={"Content-Type": mime})


def _report_pdf_bytes(request: HttpRequest, scan: Scan) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "dashboard/report.html", {**_report_context(scan), "pdf": True}, request
    )
    base = request.build_absolute_uri("/")
    return HTML(string=html, base_url=base, url_fetcher=static_fetcher).write_pdf()


@require_safe
def report_pdf(request: HttpRequest, scan_id: int) -> HttpResponse:
    """The report rendered by WeasyPrint from the same template, with the print styles.

    A finished scan's results do not change (re-judging adds a methodology version), so
    its PDF is made once per scan, version, language and host (the PDF's links are
    absolute) and then served from the cache for a day.
    """
    scan = _report_scan(scan_id)
    key = (
        f"dashboard:report-pdf:{scan.pk}:{scan.methodology_version}:{get_language()}:"
        f"{request.get_host()}"
    )
    pdf = cache.get_or_set(key, lambda: _report_pdf_bytes(request, scan), REPORT_CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"voortgangsrapportage-{scan.pk}-{get_language()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
def provider_index(request: HttpRequest) -> HttpResponse:
    scan = queries.latest_finished_scan()
    return render(
        request,
        "dashboard/providers.html",
        {"scan": scan, "providers": list(mailproviders.providers(scan).values())},
    )


@require_safe
def provider(request: HttpRequest, slug: str) -> HttpResponse:
    scan = queries.latest_finished_scan()
    found = mailproviders.providers(scan).get(slug)
    if found is None:
        raise Http404(_("Onbekende provider"))
    organisations: dict[str, dict] = {}
    for domain in found.domains:
        entry = organisations.setdefault(
            domain.slug, {"name": domain.organisation, "slug": domain.slug, "domains": []}
        )
        entry["domains"].append(domain)
    return render(
        request,
        "dashboard/provider.html",
        {
            "scan": scan,
            "provider": found,
            "figures": found.figures(),
            "labels": queries.STANDARD_LABELS,
            "hosts": mailproviders.host_states(scan, found),
            "organisations": sorted(organisations.values(), key=lambda o: o["name"].casefold()),
        },
    )
