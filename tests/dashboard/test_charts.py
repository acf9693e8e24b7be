"""The server-side SVG charts: escaped labels, marked rounds, empty data."""

from xml.etree import ElementTree

from dashboard.charts import Series, bars_for_screens, line_chart, stacked_bars


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # well-formed XML or this raises


def test_a_line_chart_escapes_its_labels_and_marks_rounds():
    svg = line_chart(
        [Series("<script>alert(1)</script>", (10.0, None, 50.0))],
        ["1-1", "8-1", "15-1"],
        marked=[1],
        title='DANE "trend"',
        mark_label="meetronde",
    )
    root = parse(svg)
    assert root.get("role") == "img" and root.get("aria-label") == 'DANE "trend"'
    assert "<script>" not in svg
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "<script>alert(1)</script>" in texts  # shown as text, not markup
    assert texts.count("meetronde") == 1
    dashed = [
        line
        for line in root.iter("{http://www.w3.org/2000/svg}line")
        if line.get("stroke-dasharray")
    ]
    assert len(dashed) == 1


def test_a_small_multiple_labels_each_round_with_its_name_inside_the_chart():
    svg = line_chart(
        [Series("Gemeenten", (10.0, 20.0, 30.0, 40.0)), Series("Rijk", (5.0, 5.0, 6.0, 9.0))],
        ["1-1", "1-4", "1-7", "1-12"],
        marked=[0, 2, 3],
        title="DANE",
        mark_label=["Nulmeting <2025>", "Halfjaar", "Jaarmeting"],
        width=460,
        height=250,
    )
    root = parse(svg)
    texts = {t.text: t for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"Nulmeting <2025>", "Halfjaar", "Jaarmeting", "Gemeenten", "Rijk"} <= set(texts)
    # the last round's name ends at its line instead of running off the chart
    assert texts["Jaarmeting"].get("text-anchor") == "end"
    # neighbouring round names sit on different rows
    assert texts["Nulmeting <2025>"].get("y") != texts["Halfjaar"].get("y")


def test_stacked_bars_make_room_for_long_labels():
    label = "7-12-2026 (Jaarmeting 2026 (demo))"
    root = parse(stacked_bars([(label, [("both", 1), ("neither", 1)])], {}, "t"))
    text = next(t for t in root.iter("{http://www.w3.org/2000/svg}text") if t.text == label)
    # right-aligned at x: the label's ~7 px a character fit left of it
    assert float(text.get("x")) >= 7 * len(label)


def test_a_line_chart_without_values_still_renders_axes():
    root = parse(line_chart([Series("DANE", (None, None))], ["a", "b"], [], "t", "r"))
    assert root.find("{http://www.w3.org/2000/svg}path") is None


def test_stacked_bars_show_shares_and_an_outline_for_empty_rows():
    svg = stacked_bars(
        [("Rijk", [("pass", 3), ("fail", 1)]), ("Leeg", [("pass", 0), ("fail", 0)])],
        {"pass": "#0072B2", "fail": "#D55E00"},
        "Verdeling",
    )
    root = parse(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "75%" in texts and "25%" in texts
    outlines = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("fill") == "none"]
    assert len(outlines) == 1


def test_a_line_charts_end_labels_stay_apart_and_inside_the_chart():
    # six sectors ending at 0 %: stacked from the bottom they would run past the edge
    series = [Series(f"sector {n}", (50.0, 0.0)) for n in range(6)]
    root = parse(line_chart(series, ["a", "b"], [], "t", "meetronde", height=300))
    ys = sorted(
        float(t.get("y"))
        for t in root.iter("{http://www.w3.org/2000/svg}text")
        if (t.text or "").startswith("sector ")
    )
    assert len(ys) == 6 and ys[-1] + 3 <= 300  # the last baseline and its descent inside
    assert all(b - a >= 12 for a, b in zip(ys, ys[1:], strict=False))


def test_a_small_charts_date_labels_do_not_run_into_each_other():
    dates = [f"{day}-12-2025" for day in range(10, 30)] + [f"{d}-1-2026" for d in range(1, 33)]
    series = [Series("(Semi-)publiek", tuple(50.0 for _ in dates))]
    root = parse(line_chart(series, dates, [], "t", "meetronde", width=460, height=250))
    xs = [
        float(t.get("x")) for t in root.iter("{http://www.w3.org/2000/svg}text") if t.text in dates
    ]
    assert len(xs) >= 2 and xs[-1] == max(xs)  # the last date is shown
    # centred labels of ten characters: at least ~60 px between their middles
    assert all(b - a >= 60 for a, b in zip(xs, xs[1:], strict=False))


def test_bars_for_a_phone_put_each_label_above_its_bar_in_a_narrow_chart():
    label = "8-6-2026 (Halfjaarmeting 2026-06 (demo))"
    both = bars_for_screens([(label, [("both", 1), ("neither", 3)])], {}, "t")
    wide, narrow = parse(f"<svg>{both}</svg>").findall("{http://www.w3.org/2000/svg}svg")
    assert wide.get("class") == "chart chart-wide" and narrow.get("class") == "chart chart-narrow"
    assert narrow.get("viewBox").split()[2] == "360"
    text = next(t for t in narrow.iter("{http://www.w3.org/2000/svg}text") if t.text == label)
    bar = next(narrow.iter("{http://www.w3.org/2000/svg}rect"))
    assert float(text.get("x")) == 0 and float(text.get("y")) < float(bar.get("y"))
    assert float(bar.get("x")) == 0 and 7 * len(label) < 360  # the label fits the width
