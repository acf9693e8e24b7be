"""The trend small multiples: one compact chart per standard, sectors as lines, with tables.

Rounds are marked on every chart with their names; each chart's figures are also in a
data table beside it, so nothing depends on reading the lines.
"""

from django.core.cache import cache
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dashboard import charts, queries, tables
from measurement.models import Scan, Sector

# The standards of the small multiples, in the order of the headline figures.
TREND_STANDARDS = ("starttls_dane", "dane", "starttls", "mta_sts", "tls_rpt", "dnssec")
SMALL_WIDTH, SMALL_HEIGHT = 460, 250
CHART_CACHE_SECONDS = 600


def _sector_label(value: str) -> str:
    return str(dict(Sector.choices).get(value, value))


def _series(points: list[queries.TrendPoint], check: str, sectors, total: bool):
    series = []
    if total:
        values = tuple(queries.trend_total(p, check).percentage for p in points)
        series.append(charts.Series(_("Totaal"), values))
    for value, name in sectors:
        values = tuple(p.figures.get((value, check), queries.Figure()).percentage for p in points)
        series.append(charts.Series(str(name), values))
    return series


def trend_charts(points: list[queries.TrendPoint], sector: str | None = None) -> list[dict]:
    """Per standard: a compact SVG chart with a line per sector (or the one sector), and a table."""
    labels = [date_format(p.date, "SHORT_DATE_FORMAT") for p in points]
    marked = [i for i, p in enumerate(points) if p.is_round]
    names = [points[i].name or _("meetronde") for i in marked]
    sectors = [(sector, _sector_label(sector))] if sector else list(Sector.choices)
    result = []
    for check in TREND_STANDARDS:
        label = queries.STANDARD_LABELS[check]
        rows = [
            {
                "date": labels[i],
                "round": p.name if p.is_round else "",
                "figures": [queries.trend_total(p, check)] if sector is None else [],
                "sectors": [p.figures.get((v, check), queries.Figure()) for v, _n in sectors],
            }
            for i, p in enumerate(points)
        ]
        title = _("Trend %(standard)s: percentage domeinen dat voldoet") % {"standard": label}
        svg = charts.line_chart(
            _series(points, check, sectors, sector is None),
            labels,
            marked,
            title,
            names,
            width=SMALL_WIDTH,
            height=SMALL_HEIGHT,
        )
        result.append(
            {
                "check": check,
                "label": label,
                "title": title,
                "svg": svg,
                "rows_html": tables.trend_rows(rows),
                "columns": ([_("Totaal")] if sector is None else []) + [n for _v, n in sectors],
            }
        )
    return result


def cached_trend_charts(scan: Scan | None, sector: str | None = None) -> list[dict]:
    """The trend charts, rendered once per newest scan, sector and language.

    They change only when a scan finishes; the short lifetime bounds what re-judging an
    older scan could leave stale. Rendered SVG and table rows are plain strings, cheap
    to cache.
    """
    if scan is None:
        return []
    key = f"dashboard:trends:{scan.pk}:{scan.methodology_version}:{sector}:{get_language()}"
    return cache.get_or_set(
        key,
        lambda: trend_charts(queries.trend_by_sector(queries.TREND_CHECKS, sector), sector),
        CHART_CACHE_SECONDS,
    )
