"""Large table bodies rendered in Python: hundreds of rows cost milliseconds, not tens of them.

The templates keep the page structure; the repeated rows of the sector table and of the
trend data tables are built here with every value escaped.
"""

from django.urls import reverse
from django.utils.formats import date_format, get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dashboard.queries import Figure, OrganisationRow
from measurement.models import Outcome


def _pct(value: float | None, separator: str = ".") -> str:
    # number_format() per cell costs more than the rest of a large table together.
    return "–" if value is None else f"{value:.1f}".replace(".", separator) + "%"


def _counts(figure: Figure, not_testable_label: str) -> str:
    text = f"{figure.measured}"
    if figure.not_testable:
        text += f", {figure.not_testable} {not_testable_label}"
    return f'<span class="counts">({text})</span>'


def _status(status: str, labels: dict[str, str]) -> str:
    """An organisation's status for a standard (measurement.evaluate.compliance)."""
    css = f"outcome outcome-{status}" if status in labels else "outcome outcome-none"
    return f'<span class="{css}">{labels.get(status, "–")}</span>'


def organisation_rows(rows: list[OrganisationRow], checks: tuple[str, ...]) -> SafeString:
    """The <tr> elements of the sector table: name, domains, status and counts per standard."""
    labels = {value: escape(label) for value, label in Outcome.choices}
    nt = escape(_("n.t."))
    base = reverse("dashboard:organisation", args=["-slug-"])
    parts = []
    for row in rows:
        cells = [
            f'<th scope="row"><a href="{escape(base.replace("-slug-", row.slug))}">'
            f"{escape(row.name)}</a>"
            + (
                f' <span class="abbr">({escape(row.abbreviation)})</span>'
                if row.abbreviation
                else ""
            )
            + "</th>",
            f"<td>{row.domains}</td>",
        ]
        for check in checks:
            entry = row.checks[check]
            extra = f", {entry['not_testable']} {nt}" if entry["not_testable"] else ""
            cells.append(
                f"<td>{_status(entry['status'], labels)} "
                f'<span class="counts">{entry["passed"]}/{entry["measured"]}{extra}</span></td>'
            )
        parts.append("<tr>" + "".join(cells) + "</tr>")
    return mark_safe("\n".join(parts))  # noqa: S308  every value above is escaped


def trend_rows(rows: list[dict]) -> SafeString:
    """The <tr> elements of a trend chart's data table: date (a round's row marked, and
    class "round": on paper only the rounds are printed), then figures."""
    nt = escape(_("n.t."))
    separator = get_format("DECIMAL_SEPARATOR")
    parts = []
    for row in rows:
        badge = f' <span class="badge">{escape(row["round"])}</span>' if row["round"] else ""
        cells = "".join(
            f"<td>{_pct(f.percentage, separator)} {_counts(f, nt)}</td>"
            for f in (*row["figures"], *row["sectors"])
        )
        kind = ' class="round"' if row["round"] else ""
        parts.append(f'<tr{kind}><th scope="row">{escape(row["date"])}{badge}</th>{cells}</tr>')
    return mark_safe("\n".join(parts))  # noqa: S308  every value above is escaped


def domain_summary_rows(cards: list, checks: tuple[tuple[str, str], ...]) -> SafeString:
    """One row per mail domain of a scorecard: its verdict per check, linking to its card."""
    labels = {value: escape(label) for value, label in Outcome.choices}
    parts = []
    for number, card in enumerate(cards, start=1):
        cells = [f'<th scope="row"><a href="#domain-{number}">{escape(card.domain.name)}</a></th>']
        for check, _label in checks:
            value = getattr(card.result, check, "") if card.result is not None else ""
            css = f"outcome outcome-{value}" if value in labels else "outcome outcome-none"
            cells.append(f'<td><span class="{css}">{labels.get(value, "–")}</span></td>')
        parts.append("<tr>" + "".join(cells) + "</tr>")
    return mark_safe("\n".join(parts))  # noqa: S308  every value above is escaped


def history_rows(history: list[dict], checks: tuple[str, ...]) -> SafeString:
    """The <tr> elements of a scorecard's history: per scan, each standard's status and
    share, with the domains not testable beside them, as in the sector table."""
    labels = {value: escape(label) for value, label in Outcome.choices}
    nt = escape(_("n.t."))
    separator = get_format("DECIMAL_SEPARATOR")
    round_label, retest_label = escape(_("meetronde")), escape(_("hertest"))
    parts = []
    for row in history:
        badge = ""
        if row["kind"] == "round":
            badge = f' <span class="badge">{escape(row["name"]) or round_label}</span>'
        elif row["kind"] == "on_demand":
            badge = f' <span class="badge">{retest_label}</span>'
        cells = "".join(
            f"<td>{_status(e['status'], labels)} {_pct(e['percentage'], separator)} "
            f'<span class="counts">({e["passed"]}/{e["measured"]}'
            + (f", {e['not_testable']} {nt}" if e["not_testable"] else "")
            + ")</span></td>"
            for e in (row["checks"][check] for check in checks)
        )
        date = escape(date_format(row["date"], "j M Y"))
        parts.append(f'<tr><th scope="row">{date}{badge}</th><td>{row["domains"]}</td>{cells}</tr>')
    return mark_safe("\n".join(parts))  # noqa: S308  every value above is escaped
