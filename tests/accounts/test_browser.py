"""The organisations' side in a real headless Chromium: log in, invite, explain, staff
accept, the public scorecard shows it, log out."""

# ruff: noqa: F811 - the dashboard's browser fixtures are imported and used by name

import re

import pytest
from django.core import mail

from tests.accounts.conftest import PASSWORD, make_people
from tests.dashboard.test_browser import AXE, SIDEWAYS, browser, live_server, page  # noqa: F401

pytestmark = pytest.mark.browser
NEW_PASSWORD = "een-nieuw-wachtwoord-voor-de-browser"


@pytest.fixture
def live_people(transactional_db):
    return make_people()


def log_in(tab, base: str, username: str, password: str) -> None:
    tab.goto(f"{base}/account/inloggen/")
    tab.get_by_label("E-mailadres of gebruikersnaam").fill(username)
    tab.get_by_label("Wachtwoord").fill(password)
    tab.get_by_role("button", name="Inloggen").click()
    tab.wait_for_url("**/account/")


def log_out(tab) -> None:
    tab.get_by_role("button", name="Uitloggen").click()
    tab.wait_for_url("**/")


def test_invite_explain_accept_and_the_scorecard_shows_it(page, live_server, live_people):
    base, slug = live_server.url, live_people.a.slug
    log_in(page, base, live_people.staff.username, PASSWORD)
    page.goto(f"{base}/account/organisatie/{slug}/")
    page.get_by_label("E-mailadres").fill("nieuw@alleenstarttls.nl")
    page.get_by_label("Rol").select_option("beheerder")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    assert page.get_by_text("De uitnodiging is verstuurd.").is_visible()
    log_out(page)

    link = re.search(r"http\S+/account/uitnodiging/\S+/", mail.outbox[-1].body).group(0)
    page.goto(base + link.split("8000", 1)[1])
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Uitnodiging aannemen").click()
    page.wait_for_url(f"**/account/organisatie/{slug}/")
    page.get_by_role("link", name="uitleg geven (DANE)", exact=True).click()
    page.get_by_label("Reden").select_option("supplier")
    page.get_by_label("Toelichting").fill("Onze leverancier levert DANE in het voorjaar.")
    page.get_by_label("Voldoet naar verwachting op").fill("2099-03-01")
    page.get_by_role("button", name="Uitleg opslaan").click()
    assert page.get_by_text("De uitleg is opgeslagen en wacht op beoordeling.").is_visible()
    log_out(page)

    log_in(page, base, live_people.staff.username, PASSWORD)
    page.get_by_role("link", name="Uitleg beoordelen").click()
    page.get_by_label("accepteren").check()
    page.get_by_role("button", name="Besluit opslaan").click()
    assert page.get_by_text("Er wacht geen uitleg op beoordeling.").is_visible()
    log_out(page)

    page.goto(f"{base}/organisatie/{slug}/")
    section = page.locator("#leg-uit")
    assert "Uitleg (geaccepteerd door Forum Standaardisatie)" in section.inner_text()
    assert "Onze leverancier levert DANE in het voorjaar." in section.inner_text()
    assert page.get_by_role("link", name="Inloggen").is_visible()
    assert page.errors == []


@pytest.mark.parametrize("path", ["/account/inloggen/", "/account/", "/account/beoordelen/"])
def test_the_account_pages_have_no_serious_accessibility_violations(
    browser,
    live_server,
    live_people,
    path,
):
    context = browser.new_context(bypass_csp=True)  # axe is an inline script (see dashboard)
    page = context.new_page()
    try:
        if path != "/account/inloggen/":
            log_in(page, live_server.url, live_people.staff.username, PASSWORD)
        page.goto(f"{live_server.url}{path}")
        page.add_script_tag(content=AXE.read_text("utf-8"))
        result = page.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        )
    finally:
        context.close()
    serious = [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_the_account_pages_fit_a_390_pixel_phone(browser, live_server, live_people):
    own = f"/account/organisatie/{live_people.a.slug}/"
    visits = {
        live_people.beheerder_a.username: ["/account/", own, f"/en{own}"],
        live_people.staff.username: ["/account/beoordelen/", own],
    }
    for username, paths in visits.items():
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        try:
            log_in(page, live_server.url, username, PASSWORD)
            for path in paths:
                assert page.goto(live_server.url + path).status == 200, path
                assert (path, page.evaluate(SIDEWAYS)) == (path, [])
        finally:
            context.close()
