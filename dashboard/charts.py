"""Server-side SVG charts: no JavaScript, colour-blind safe, each paired with a data table.

The palette is Okabe-Ito (Okabe and Ito, "Color Universal Design", 2008), restricted to
its colours with at least 3:1 contrast on white (WCAG 2.1 SC 1.4.11), and every series
also has its own marker shape and a direct label, so colour is never the only cue.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#000000", "#CC79A7", "#8C6D00", "#5A5A5A")
LABEL_GAP = 12  # px between two series' end labels in a line chart
MARKERS = ("circle", "square", "diamond", "triangle", "circle-open", "square-open", "cross")
OUTCOME_COLOURS = {
    "pass": "#0072B2",
    "fail": "#D55E00",
    "not_testable": "#6B6B6B",
    "not_applicable": "#D9D9D9",
}
SIDE_BY_SIDE_COLOURS = {
    "both": "#0072B2",
    "dane_only": "#009E73",
    "mta_sts_only": "#CC79A7",
    "neither": "#D55E00",
}


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    values: tuple[float | None, ...]


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind.startswith("square"):
        fill = "#fff" if kind.endswith("open") else colour
        return (
            f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" '
            f'fill="{fill}" stroke="{colour}" stroke-width="1.5"/>'
        )
    if kind == "diamond":
        return (
            f'<path d="M{x:.1f} {y - 4.5:.1f}L{x + 4.5:.1f} {y:.1f}L{x:.1f} {y + 4.5:.1f}'
            f'L{x - 4.5:.1f} {y:.1f}Z" fill="{colour}"/>'
        )
    if kind == "triangle":
        return (
            f'<path d="M{x:.1f} {y - 4.5:.1f}L{x + 4.5:.1f} {y + 3.5:.1f}'
            f'L{x - 4.5:.1f} {y + 3.5:.1f}Z" fill="{colour}"/>'
        )
    if kind == "cross":
        return (
            f'<path d="M{x - 4:.1f} {y - 4:.1f}L{x + 4:.1f} {y + 4:.1f}M{x + 4:.1f} {y - 4:.1f}'
            f'L{x - 4:.1f} {y + 4:.1f}" stroke="{colour}" stroke-width="2"/>'
        )
    fill = "#fff" if kind.endswith("open") else colour
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{fill}" '
        f'stroke="{colour}" stroke-width="1.5"/>'
    )


def _mark(x: float, top: int, plot_h: float, name: str, number: int, right_edge: float) -> str:
    """A dashed vertical line at a round, with its name above (alternating rows)."""
    y = top - 4 - (8 if number % 2 else 0) if top > 16 else top + 10
    anchor, dx = ("end", -3) if x > right_edge - 60 else ("start", 3)
    return (
        f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + plot_h}" stroke="#000" '
        f'stroke-dasharray="4 3" stroke-width="1"/>'
        f'<text x="{x + dx:.1f}" y="{y}" font-size="10" text-anchor="{anchor}" fill="#000">'
        f"{escape(name)}</text>"
    )


@dataclass(frozen=True, slots=True)
class _Plot:
    """Where a line chart's plot area lies, and where an index and a percentage fall."""

    left: float
    top: float
    width: float
    height: float
    count: int  # points on the x axis

    def x_at(self, index: int) -> float:
        if self.count > 1:
            return self.left + self.width * index / (self.count - 1)
        return self.left + self.width / 2

    def y_at(self, value: float) -> float:
        return self.top + self.height * (1 - value / 100)


def line_chart(
    series: list[Series],
    x_labels: list[str],
    marked: list[int],
    title: str,
    mark_label: str | list[str],
    width: int = 720,
    height: int = 300,
) -> SafeString:
    """Percentages (0-100) over time; vertical dashed lines mark the indexes in `marked`.

    `mark_label` is one label for every marked line, or a list with each one's own name
    (a round's name), set at alternating heights so that neighbours do not collide.
    """
    longest = max((len(item.label) for item in series), default=8)
    # the end labels: about 7 px a character at 11 px (capitals: "STARTTLS and DANE")
    left, right, top, bottom = 44, min(180, 26 + 7 * longest), 16, 40
    names = mark_label if isinstance(mark_label, list) else [mark_label] * len(marked)
    top += 12 if isinstance(mark_label, list) else 0
    plot = _Plot(left, top, width - left - right, height - top - bottom, max(len(x_labels), 1))
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    parts += _percentage_grid(plot)
    for number, (index, name) in enumerate(zip(marked, names, strict=False)):
        parts.append(_mark(plot.x_at(index), top, plot.height, name, number, left + plot.width))
    parts += _x_axis_labels(plot, x_labels)
    ends = [_end_y(plot, item) for item in series]
    label_ys = _label_positions(ends, plot.top, plot.top + plot.height)
    for number, (item, label_y) in enumerate(zip(series, label_ys, strict=True)):
        parts += _series_line(plot, item, number, label_y)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  every label above is escaped


def _percentage_grid(plot: _Plot) -> list[str]:
    """Horizontal lines at 0, 25, 50, 75 and 100 %, labelled on the left."""
    parts = []
    for tick in (0, 25, 50, 75, 100):
        y = plot.y_at(tick)
        parts.append(
            f'<line x1="{plot.left}" x2="{plot.left + plot.width}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#D0D0D0" stroke-width="1"/>'
            f'<text x="{plot.left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#333">{tick}%</text>'
        )
    return parts


def _x_axis_labels(plot: _Plot, x_labels: list[str]) -> list[str]:
    """At most six labels under the x axis, as many as fit side by side (about 6.5 px a
    character at 11 px), always the last, none crowding it."""
    parts = []
    count = plot.count
    longest = max((len(label) for label in x_labels), default=1)
    fit = max(2, min(6, int(plot.width // (6.5 * longest + 10))))
    step = max(1, -(-count // fit))
    for index, label in enumerate(x_labels):
        near_last = index != count - 1 and count - 1 - index < max(step // 2, 1) + 1
        if (index % step == 0 and not near_last) or index == count - 1:
            anchor = "end" if index == count - 1 and count > 1 else "middle"
            parts.append(
                f'<text x="{plot.x_at(index):.1f}" y="{plot.top + plot.height + 16}" '
                f'text-anchor="{anchor}" font-size="11" fill="#333">{escape(label)}</text>'
            )
    return parts


def _end_y(plot: _Plot, item: Series) -> float | None:
    """Where a series' line ends (its last value), or None when it has no values."""
    last = next((value for value in reversed(item.values) if value is not None), None)
    return None if last is None else plot.y_at(last)


def _label_positions(ends: list[float | None], low: float, high: float) -> list[float | None]:
    """The end labels' heights: each beside its line's end, moved apart by LABEL_GAP where
    they would overlap, and kept between low and high (the plot's top and bottom), so that
    no label runs past the chart's edge."""
    placed: list[list] = []
    for y, index in sorted((y, i) for i, y in enumerate(ends) if y is not None):
        floor = placed[-1][0] + LABEL_GAP if placed else low
        placed.append([max(y, floor), index])
    ceiling = high
    for item in reversed(placed):
        item[0] = min(item[0], ceiling)
        ceiling = item[0] - LABEL_GAP
    heights: list[float | None] = [None] * len(ends)
    for y, index in placed:
        heights[index] = y
    return heights


def _series_line(plot: _Plot, item: Series, number: int, label_y: float | None) -> list[str]:
    """One series: its line, its markers and its label at the end (at label_y)."""
    colour = PALETTE[number % len(PALETTE)]
    marker = MARKERS[number % len(MARKERS)]
    points = [
        (plot.x_at(index), plot.y_at(value))
        for index, value in enumerate(item.values)
        if value is not None
    ]
    if not points:
        return []
    path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f} {y:.1f}" for i, (x, y) in enumerate(points))
    parts = [f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>']
    # Markers tell the series apart without colour; on long series every few points.
    every = 1 if len(points) <= 16 else max(1, len(points) // 12)
    shown = points[::every] + ([points[-1]] if (len(points) - 1) % every else [])
    parts.extend(_marker(marker, x, y, colour) for x, y in shown)
    # Direct label at the end of the line (placed by _label_positions).
    y = points[-1][1] if label_y is None else label_y
    right = plot.left + plot.width
    parts.append(
        _marker(marker, right + 12, y, colour)
        + f'<text x="{right + 20}" y="{y + 4:.1f}" font-size="11" fill="#000">'
        f"{escape(item.label)}</text>"
    )
    return parts


def stacked_bars(
    rows: list[tuple[str, list[tuple[str, int]]]],
    colours: dict[str, str],
    title: str,
    width: int = 720,
    narrow: bool = False,
) -> SafeString:
    """Horizontal 100% bars: per row, segments (key, count) in the order given.

    The label column is as wide as the longest label needs (about 7 px a character at
    12 px), so that no label is clipped at the chart's left edge. `narrow` is the phone's
    layout: 360 wide, each label above its bar, so that its text stays readable at 390 px.
    """
    if narrow:
        width, left, label_h, css = 360, 0, 16, "chart chart-narrow"
    else:
        longest = max((len(label) for label, _segments in rows), default=10)
        left, label_h, css = min(340, max(120, 12 + 7 * longest)), 0, "chart"
    right, bar_h, gap = 16, 22, 10
    height = 10 + len(rows) * (label_h + bar_h + gap)
    parts = [
        f'<svg class="{css}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for number, (label, segments) in enumerate(rows):
        y = 5 + number * (label_h + bar_h + gap) + label_h
        if narrow:
            parts.append(
                f'<text x="0" y="{y - 4}" font-size="12" fill="#000">{escape(label)}</text>'
            )
        else:
            parts.append(
                f'<text x="{left - 8}" y="{y + bar_h / 2 + 4:.1f}" text-anchor="end" '
                f'font-size="12" fill="#000">{escape(label)}</text>'
            )
        parts += _bar(segments, colours, left, y, width - left - right, bar_h)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  every label above is escaped


def bars_for_screens(
    rows: list[tuple[str, list[tuple[str, int]]]], colours: dict[str, str], title: str
) -> SafeString:
    """The bars twice: beside their labels for a wide screen and paper, labels above for
    a phone; the style sheet shows one (dashboard.css, "chart-narrow")."""
    wide = stacked_bars(rows, colours, title)
    return mark_safe(  # noqa: S308  both charts escape their labels
        wide.replace('class="chart"', 'class="chart chart-wide"', 1)
        + stacked_bars(rows, colours, title, narrow=True)
    )


def _bar(
    segments: list[tuple[str, int]], colours: dict[str, str], x0: int, y: int, w: int, h: int
) -> list[str]:
    """One 100% bar: its segments with their shares, or an outline when it is empty."""
    total = sum(count for _, count in segments)
    if not total:
        return [
            f'<rect x="{x0}" y="{y}" width="{w}" height="{h}" fill="none" '
            f'stroke="#6B6B6B" stroke-dasharray="3 3"/>'
        ]
    parts, x = [], float(x0)
    for key, count in segments:
        part = w * count / total
        if part <= 0:
            continue
        colour = colours.get(key, "#6B6B6B")
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{part:.1f}" height="{h}" fill="{colour}" '
            f'stroke="#fff" stroke-width="1"/>'
        )
        if part > 34:
            text_colour = "#000" if colour in ("#D9D9D9",) else "#fff"
            parts.append(
                f'<text x="{x + part / 2:.1f}" y="{y + h / 2 + 4:.1f}" '
                f'text-anchor="middle" font-size="11" fill="{text_colour}">'
                f"{round(100 * count / total)}%</text>"
            )
        x += part
    return parts
