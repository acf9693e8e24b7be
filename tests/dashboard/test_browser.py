"""The dashboard in a real headless Chromium (Debian's), driven by Playwright, with axe-core."""

import csv
import io
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.dashboard.conftest import build_cast

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture(scope="module")
def live_server():
    """pytest-django's live server, for this module only: its thread would otherwise
    outlive the module, and a large scan's observer forks only while the process runs
    one Python thread (measurement.scan.observer.can_fork)."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls
    # are synchronous and safe (Django's guard cannot tell the two apart). Only here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def live_cast(transactional_db):
    return build_cast()


@pytest.fixture
def page(browser):
    """A page that records console errors and uncaught exceptions (CSP violations too)."""
    context = browser.new_context(locale="nl-NL", accept_downloads=True)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()


def test_a_visitor_finds_an_organisation_switches_language_and_downloads_an_export(
    page, live_server, live_cast
):
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Mailbeveiliging van de overheid"
    assert page.locator("html").get_attribute("lang") == "nl"

    page.fill("#site-search", "Veiligstad")
    page.press("#site-search", "Enter")
    page.wait_for_url("**/zoeken/?q=Veiligstad")
    page.get_by_role("link", name="Gemeente Veiligstad").click()
    page.wait_for_url(f"**/organisatie/{live_cast.secure.slug}/")
    assert "Gemeente Veiligstad" in page.locator("h1").inner_text()
    assert page.get_by_text("mx1.veiligstad.nl").first.is_visible()

    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{live_server.url}/en/organisatie/{live_cast.secure.slug}/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Comparison with the sector").is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="domains (CSV)", exact=True).click()
    download = download_info.value
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text("utf-8"))))
    data = [row for row in rows if row and not row[0].startswith("#")]
    assert data[0][:3] == ["scan_id", "scan_date", "scan_kind"]
    assert [row[data[0].index("domain")] for row in data[1:]] == ["veiligstad.nl"]
    assert page.errors == []


def test_typing_in_the_search_box_offers_suggestions(page, live_server, live_cast):
    page.goto(f"{live_server.url}/")
    page.locator("#site-search").press_sequentially("veilig", delay=30)
    option = page.locator("#search-suggestions option").first
    option.wait_for(state="attached")
    assert option.get_attribute("value") == "Gemeente Veiligstad"
    assert page.errors == []


def test_the_sector_table_sorts_with_the_keyboard(page, live_server, live_cast):
    page.goto(f"{live_server.url}/sector/gemeente/")
    link = page.get_by_role("link", name="DANE (sorteer)", exact=True)
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**sort=dane**")
    assert page.locator('th[aria-sort="descending"]').count() == 1
    assert page.errors == []


MAIN_PAGES = (
    "/",
    "/dane-en-mta-sts/",
    "/sector/gemeente/",
    "/organisatie/gemeente-veiligstad/",
    "/domein/veiligstad.nl/",
    "/domein/onbereikbaar.nl/",
    "/methode/",
    "/zoeken/?q=gemeente",
    "/en/organisatie/gemeente-veiligstad/",
    "/account/inloggen/",
    "/bestaat-niet/",
)
# What a phone reader would have to scroll sideways for: the page itself, or any box
# that scrolls (a table left wide in its .table-scroll box counts as well).
SIDEWAYS = """() => {
  const clipped = (e) => {
    for (let p = e.parentElement; p; p = p.parentElement)
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    return false;
  };
  const wide = [];
  if (document.documentElement.scrollWidth > window.innerWidth) wide.push('page');
  for (const e of document.querySelectorAll('body *')) {
    const style = getComputedStyle(e);
    const scrolls = style.overflowX === 'auto' || style.overflowX === 'scroll';
    if (scrolls && e.scrollWidth > e.clientWidth + 1 && e.tagName !== 'PRE')
      wide.push(e.tagName + '.' + e.className + ' ' + e.scrollWidth + '>' + e.clientWidth);
    else if (e.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(e))
      wide.push(e.tagName + '.' + e.className + ' ends at ' + e.getBoundingClientRect().right);
  }
  return wide.slice(0, 5);
}"""


# A chart's text that runs past its SVG's edges (and so is cut off).
CLIPPED_LABELS = """() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
  const box = svg.viewBox.baseVal;
  return [...svg.querySelectorAll('text')].filter(t => {
    const b = t.getBBox();
    return b.x < box.x - 0.5 || b.y < box.y - 0.5 || b.x + b.width > box.x + box.width + 0.5
      || b.y + b.height > box.y + box.height + 0.5;
  }).map(t => t.textContent);
})"""


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_every_page_fits_a_390_pixel_phone_without_sideways_scrolling(
    page, live_server, live_cast, path
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{path}")
    assert page.evaluate(SIDEWAYS) == []
    assert page.evaluate(CLIPPED_LABELS) == []
    assert [e for e in page.errors if "404 (Not Found)" not in e] == []  # the 404 page's own


def test_a_verdict_table_stacks_its_rows_where_it_does_not_fit_and_not_where_it_does(
    page, live_server, live_cast
):
    row = "getComputedStyle(document.querySelector('table.summary tbody tr')).display"
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/organisatie/gemeente-veiligstad/")
    assert page.locator("table.summary tbody td").first.get_attribute("data-label") == "MX"
    assert page.evaluate(row) == "block"
    before = "getComputedStyle(document.querySelector('table.summary tbody td'), '::before')"
    assert page.evaluate(f"{before}.content") == '"MX"'
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(page.locator("table.summary")).not_to_have_class(re.compile(r"\bstacked\b"))
    assert page.evaluate(row) == "table-row"
    # every column in view: the table fits its box, nothing is cut off at the right
    assert page.evaluate(SIDEWAYS) == []
    assert page.errors == []


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_the_main_pages_have_no_serious_accessibility_violations(
    browser, live_server, live_cast, path
):
    # axe-core is injected as an inline script, which our own CSP rightly forbids: only
    # this audit context bypasses it (the other tests run with the CSP enforced).
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{live_server.url}{path}")
        page.add_script_tag(content=AXE.read_text("utf-8"))
        result = page.evaluate(
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
    assert errors == []


def test_the_retest_progress_bar_follows_the_scan(page, live_server, live_cast):
    from measurement.models import Scan

    scan = Scan.objects.create(
        kind=Scan.Kind.ON_DEMAND,
        status=Scan.Status.RUNNING,
        methodology_version="1.0",
        scanner_version="test",
        domains_total=4,
        domains_done=0,
    )
    page.goto(f"{live_server.url}/organisatie/{live_cast.secure.slug}/?scan={scan.pk}")
    Scan.objects.filter(pk=scan.pk).update(domains_done=3)
    # Evaluated page functions would need 'unsafe-eval', which our CSP forbids: wait on the DOM.
    page.locator(".progress-text", has_text="3 / 4").wait_for()
    assert page.locator("#retest-progress").get_attribute("value") == "3"
    Scan.objects.filter(pk=scan.pk).update(domains_done=4, status=Scan.Status.FINISHED)
    text = page.locator(".progress-text")
    text.filter(has_text="Klaar").wait_for()
    assert page.errors == []


def test_the_api_documentation_renders_from_our_own_files_under_the_csp(
    page, live_server, live_cast
):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/api/v1/docs")
    page.get_by_text("Organisations, by name").first.wait_for()
    assert page.get_by_text("/api/v1/rounds/").first.is_visible()
    assert all(url.startswith(live_server.url) for url in requested), requested
    assert page.errors == []


def test_bar_charts_put_their_labels_above_the_bars_on_a_phone(page, live_server, live_cast):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/dane-en-mta-sts/")
    assert page.locator("svg.chart-narrow").first.is_visible()
    assert not page.locator("svg.chart-wide").first.is_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.locator("svg.chart-wide").first.is_visible()
    assert not page.locator("svg.chart-narrow").first.is_visible()
    assert page.errors == []
