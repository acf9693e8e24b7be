"""Screenshots of every page at desktop (1280x800) and phone (390x844) size, full page.

    .venv/bin/python docs/screenshots/take.py http://127.0.0.1:8000

Run it against `make demo` (the demo's history, provider and round names are assumed);
it writes docs/screenshots/<page>-desktop.jpg and <page>-phone.jpg.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def pages(base: str, browser) -> dict[str, str]:
    """The pages by name; the first organisation, domain and round are looked up."""
    page = browser.new_page()
    page.goto(f"{base}/sector/gemeente/")
    organisation = page.locator("table.organisations tbody th a").first.get_attribute("href")
    page.goto(base + organisation)
    domain = page.locator("a[href^='/domein/']").first.get_attribute("href")
    page.goto(f"{base}/vergelijken/")
    report = page.locator("a[href^='/rapport/']").first.get_attribute("href")
    page.goto(f"{base}/providers/")
    provider = page.locator("table.providers tbody th a").first.get_attribute("href")
    page.close()
    return {
        "overview": "/",
        "sector": "/sector/gemeente/",
        "dane-mta-sts": "/dane-en-mta-sts/",
        "organisation": organisation,
        "domain": domain,
        "search": "/zoeken/?q=gemeente",
        "methodology": "/methode/",
        "comparison": "/vergelijken/",
        "report": report,
        "providers": "/providers/",
        "provider": provider,
    }


def main() -> None:
    base = sys.argv[1].rstrip("/")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        for name, path in pages(base, browser).items():
            for size, (width, height) in SIZES.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(base + path)
                out = HERE / f"{name}-{size}.jpg"
                page.screenshot(path=out, full_page=True, type="jpeg", quality=55)
                page.close()
                print(out.name, path)
        browser.close()


if __name__ == "__main__":
    main()
