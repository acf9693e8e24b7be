"""The progress pages through the test client: headlines, comparison, CSV, report, providers."""

import csv
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.dashboard.progress_cast import build_progress_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def scans():
    return build_progress_cast()


def test_the_overview_opens_with_each_standards_share_and_change_in_words(client, scans):
    html = client.get("/").content.decode()
    headlines = html[html.index('id="headlines"') : html.index('id="adoption"')]
    assert "STARTTLS en DANE" in headlines and "60,0%" in headlines  # DANE 3 of 5 now
    assert "gestegen <strong>+40,0 procentpunt</strong> sinds de nulmeting" in headlines
    assert "▲" in headlines and "3 van 5 gemeten domeinen" in headlines
    assert "Nulmeting 2025" in headlines


def test_the_sector_page_gives_the_sectors_own_changes(client, scans):
    html = client.get("/sector/gemeente/").content.decode()
    assert "gestegen <strong>+50,0 procentpunt</strong> sinds de nulmeting" in html
    assert "gedaald <strong>−25,0 procentpunt</strong> sinds de nulmeting" in html  # MTA-STS
    assert "gelijk gebleven <strong>±0,0 procentpunt</strong> sinds de vorige meetronde" in html
    assert html.count('class="chart-block"') == 6  # one small chart per standard


def test_the_comparison_defaults_to_the_latest_round_against_the_nulmeting(client, scans):
    nulmeting, _weekly, second, _latest = scans
    html = client.get(reverse("dashboard:comparison")).content.decode()
    assert f'<option value="{nulmeting.pk}" selected>' in html
    assert f'<option value="{second.pk}" selected>' in html
    improved = html[html.index('id="most-improved"') : html.index('id="movers"')]
    assert 'href="/organisatie/gemeente-vooruit/"' in improved
    movers = html[html.index('id="movers"') :]
    assert 'href="/organisatie/gemeente-achteruit/"' in movers
    assert "1 organisatie voldoet niet meer" in movers


def test_any_two_rounds_compare_and_a_bad_choice_is_404(client, scans):
    nulmeting, _weekly, second, _latest = scans
    html = client.get(
        reverse("dashboard:comparison"), {"voor": second.pk, "na": nulmeting.pk}
    ).content.decode()
    assert "gedaald <strong>−50,0 procentpunt</strong>" in html
    assert client.get(reverse("dashboard:comparison"), {"voor": 99999}).status_code == 404


def test_the_comparison_downloads_as_csv_with_both_shares_and_the_change(client, scans):
    response = client.get(reverse("dashboard:comparison_csv"))
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    lines = body.splitlines()
    assert lines[0].startswith("# before_scan_id: ")
    rows = list(csv.reader(line for line in lines if not line.startswith("#")))
    assert rows[0][-1] == "change_points"
    assert ["gemeente", "dane", "1", "4", "25.0", "3", "4", "75.0", "50.0"] in rows
    assert ["total", "mta_sts", "3", "5", "60.0", "2", "5", "40.0", "-20.0"] in rows


def test_the_yearly_report_has_the_monitors_parts_in_dutch_and_english(client, scans):
    second = scans[2]
    html = client.get(reverse("dashboard:report", args=[second.pk])).content.decode()
    for part in (
        "Samenvatting",
        "Resultaten per sector tegen de nulmeting",
        "DANE en MTA-STS naast elkaar",
        "De mailproviders",
        "Methode en controlesom",
    ):
        assert part in html  # fmt: skip
    assert "cd" * 32 in html and "<svg" in html
    english = client.get(f"/en/rapport/{second.pk}/").content.decode()
    assert "Progress report" in english and "Summary" in english
    assert "since the baseline" in english


def test_the_report_pdf_opens_with_its_pages_charts_and_checksum(client, scans):
    from pypdf import PdfReader

    second = scans[2]
    response = client.get(reverse("dashboard:report_pdf", args=[second.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Voortgangsrapportage Tweede meting 2026" in text
    assert "Samenvatting" in text and "cd" * 16 in text.replace("\n", "")
    assert "Mailbeveiliging overheid" not in text.split("\n")[0]  # no site header in print


def test_a_rounds_report_pdf_is_made_once_per_language_and_then_served_from_the_cache(
    client, scans, monkeypatch
):
    from dashboard import progress_views

    made = []
    make = progress_views._report_pdf_bytes
    monkeypatch.setattr(progress_views, "_report_pdf_bytes", lambda *a: made.append(1) or make(*a))
    url = reverse("dashboard:report_pdf", args=[scans[2].pk])
    first, again = client.get(url), client.get(url)
    assert first.content == again.content and len(made) == 1
    english = client.get("/en" + url)
    assert english.content != first.content and len(made) == 2
    assert "Progress report" in PdfReader(io.BytesIO(english.content)).pages[0].extract_text()


def test_the_provider_pages_name_who_would_fix_what(client, scans, settings):
    settings.MAIL_PROVIDER_PATTERNS = "Gedeelde ICT=*.gedeeld.nl"
    index = client.get(reverse("dashboard:providers")).content.decode()
    assert 'href="/provider/microsoft-365/"' in index
    assert "Gedeelde ICT" in index and "overheid" in index
    page = client.get(reverse("dashboard:provider", args=["gedeelde-ict"])).content.decode()
    assert "mx1.gedeeld.nl" in page and 'href="/organisatie/gemeente-stilstand/"' in page
    assert "Repareert 1 domein dat nu faalt" in page
    assert client.get(reverse("dashboard:provider", args=["onbekend"])).status_code == 404


def test_a_missing_page_and_a_server_error_keep_the_sites_layout(client, scans, rf):
    from django.views.defaults import server_error

    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Pagina niet gevonden" in html and 'class="utrecht-page-header site-header"' in html
    error = server_error(rf.get("/"))
    assert error.status_code == 500
    assert "Er ging iets mis" in error.content.decode()
    assert 'class="utrecht-page-header site-header"' in error.content.decode()


def test_search_results_carry_a_status_badge(client, scans):
    html = client.get(reverse("dashboard:search"), {"q": "Gemeente"}).content.decode()
    vooruit = html[html.index("Gemeente Vooruit") :].split("</li>", 1)[0]
    assert 'class="outcome outcome-pass"' in vooruit  # STARTTLS en DANE passes now
    stilstand = html[html.index("Gemeente Stilstand") :].split("</li>", 1)[0]
    assert 'class="outcome outcome-fail"' in stilstand
