"""Screenshots of every page at desktop (1280x800) and phone (390x844) size, full page.

    .venv/bin/python docs/screenshots/take.py http://127.0.0.1:8000

Run it against `make demo` (the demo's history, provider and round names are assumed);
it writes docs/screenshots/<page>-desktop.jpg and <page>-phone.jpg (JPEG at quality 50,
the top 4000 pixels of a longer page) and prints each file's size and the total.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
MAX_HEIGHT = 4000  # px: the first five phone screens of a long page keep the folder small


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
        "overview-english": "/en/",
        "login": "/account/inloggen/",
        "not-found": "/bestaat-niet/",
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
                full = page.evaluate("document.documentElement.scrollHeight")
                clip = {"x": 0, "y": 0, "width": width, "height": min(full, MAX_HEIGHT)}
                page.screenshot(path=out, full_page=True, clip=clip, type="jpeg", quality=50)
                page.close()
                print(f"{out.name:36s} {out.stat().st_size / 1024:6.0f} KiB  {path}")
        browser.close()
    total = sum(f.stat().st_size for f in HERE.glob("*.jpg"))
    print(f"total {total / 1024 / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
