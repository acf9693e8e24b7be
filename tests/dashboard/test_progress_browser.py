# ruff: noqa: F811 (the fixtures imported from test_browser are used as parameters)
"""The progress pages in Debian's Chromium: headlines above the fold, small multiples side by
side, phone width, print view, the PDF download and axe-core on every new page."""

import io

import pytest

from tests.dashboard.progress_cast import build_progress_cast
from tests.dashboard.test_browser import (  # noqa: F401
    AXE,
    CLIPPED_LABELS,
    SIDEWAYS,
    browser,
    live_server,
    page,
)

pytestmark = pytest.mark.browser

NEW_PAGES = (
    "/",
    "/sector/gemeente/",
    "/vergelijken/",
    "/providers/",
    "/provider/microsoft-365/",
    "/rapport/{round}/",
    "/en/vergelijken/",
    "/en/rapport/{round}/",
)


@pytest.fixture
def progress_cast(transactional_db):
    return build_progress_cast()


def _url(live_server, path: str, scans) -> str:
    return live_server.url + path.format(round=scans[2].pk)


def test_the_overview_shows_every_standards_share_and_change_without_scrolling(
    page, live_server, progress_cast
):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/")
    cards = page.locator(".headline")
    assert cards.count() == 6
    for index in range(6):
        box = cards.nth(index).bounding_box()
        assert box["y"] + box["height"] <= 800, cards.nth(index).inner_text()
        assert "sinds de nulmeting" in cards.nth(index).inner_text()
    assert page.errors == []


def test_the_trend_charts_stand_side_by_side_on_a_wide_screen(page, live_server, progress_cast):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/sector/gemeente/")
    blocks = page.locator(".small-multiples .chart-block")
    assert blocks.count() == 6
    first, second = blocks.nth(0).bounding_box(), blocks.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 1 and second["x"] > first["x"] + first["width"] - 1
    assert "Nulmeting 2025" in blocks.nth(0).locator("svg").inner_html()


@pytest.mark.parametrize("path", NEW_PAGES)
def test_every_progress_page_fits_a_390_pixel_phone(page, live_server, progress_cast, path):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(_url(live_server, path, progress_cast))
    assert page.evaluate(SIDEWAYS) == []
    assert page.evaluate(CLIPPED_LABELS) == []
    assert page.errors == []


@pytest.mark.parametrize("path", NEW_PAGES)
def test_every_progress_page_has_no_serious_accessibility_violations(
    browser, live_server, progress_cast, path
):
    context = browser.new_context(bypass_csp=True)  # axe-core is injected inline
    audit = context.new_page()
    try:
        audit.goto(_url(live_server, path, progress_cast))
        audit.add_script_tag(content=AXE.read_text("utf-8"))
        result = audit.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        )
    finally:
        context.close()
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_the_report_prints_without_the_site_and_downloads_as_a_pdf(
    page, live_server, progress_cast
):
    from pypdf import PdfReader

    page.goto(_url(live_server, "/rapport/{round}/", progress_cast))
    page.locator(".data-table summary").first.click()  # Chromium prints a closed one closed
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.locator("#summary").is_visible() and page.locator("#method").is_visible()
    # the trend tables on paper: the rounds' rows only, with a note that says so
    table = page.locator(".data-table").first
    assert table.locator("tbody tr.round").first.is_visible()
    assert not table.locator("tbody tr:not(.round)").first.is_visible()
    assert table.locator(".print-only").is_visible()
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download als PDF").click()
    data = download.value.path().read_bytes()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 3
    assert "Voortgangsrapportage" in reader.pages[0].extract_text()


def test_the_comparison_page_links_each_mover_to_its_scorecard(page, live_server, progress_cast):
    page.goto(f"{live_server.url}/vergelijken/")
    page.locator("section[aria-labelledby=most-improved]").get_by_role(
        "link", name="Gemeente Vooruit"
    ).click()
    assert page.locator("h1").inner_text().startswith("Gemeente Vooruit")
