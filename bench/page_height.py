"""Page heights in Debian's Chromium: how far a reader has to scroll, desktop and phone.

    .venv/bin/python bench/page_height.py http://127.0.0.1:8000 [/ /sector/gemeente/ ...]

Prints document.documentElement.scrollHeight (CSS pixels) of each page at 1280x800 and at
390x844, and the horizontal overflow at 390 (0: the page fits a phone). Point it at two
servers (before and after a change) on the same data to compare.
"""

import sys

PAGES = ("/", "/sector/gemeente/", "/sector/rijk/", "/vergelijken/", "/providers/")
VIEWPORTS = ((1280, 800), (390, 844))


def main() -> None:
    from playwright.sync_api import sync_playwright

    base = sys.argv[1].rstrip("/")
    paths = sys.argv[2:] or PAGES
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        print(f"{'page':28s} {'1280 wide':>10s} {'390 wide':>10s} {'overflow 390':>13s}")
        for path in paths:
            heights, overflow = [], 0
            for width, height in VIEWPORTS:
                page = browser.new_page(viewport={"width": width, "height": height})
                response = page.goto(base + path)
                if response is None or response.status != 200:
                    heights.append(-1)
                    continue
                heights.append(page.evaluate("document.documentElement.scrollHeight"))
                if width == 390:
                    overflow = page.evaluate(
                        "document.documentElement.scrollWidth - window.innerWidth"
                    )
                page.close()
            print(f"{path:28s} {heights[0]:8d}px {heights[1]:8d}px {overflow:11d}px")
        browser.close()


if __name__ == "__main__":
    main()
