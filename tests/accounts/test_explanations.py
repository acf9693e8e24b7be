"""Explanations ("leg uit"): versioned, reviewed by staff, shown on the public scorecard."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Explanation

pytestmark = pytest.mark.django_db


def _future(days: int = 90) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _explain(client, people, standard="dane", **data):
    client.force_login(people.beheerder_a)
    payload = {
        "reason": "supplier",
        "text": "De leverancier levert DANE in 2027.",
        "comply_by": _future(),
    }
    payload.update(data)
    return client.post(f"/account/organisatie/{people.a.slug}/uitleg/{standard}/", payload)


def test_a_beheerder_explains_a_failing_standard_and_each_change_is_a_new_version(client, people):
    assert _explain(client, people).status_code == 302
    assert (
        _explain(client, people, reason="replacement_planned", text="Nieuwe mailserver").status_code
        == 302
    )
    versions = list(
        Explanation.objects.filter(organisation=people.a, standard="dane").order_by("version")
    )
    assert [(v.version, v.reason, v.author) for v in versions] == [
        (1, "supplier", people.beheerder_a),
        (2, "replacement_planned", people.beheerder_a),
    ]
    assert versions[0].text == "De leverancier levert DANE in 2027."  # never overwritten
    page = client.get(f"/account/organisatie/{people.a.slug}/uitleg/dane/")
    assert "Eerdere versies" in page.text and "Nieuwe mailserver" in page.text


@pytest.mark.parametrize(
    "data, message",
    [
        ({"reason": ""}, "Kies een reden."),
        ({"comply_by": ""}, "Vul de datum in"),
        ({"comply_by": "2020-01-01"}, "niet in de toekomst"),
        ({"reason": "verzonnen"}, "geen beschikbare keuze"),
    ],
)
def test_an_explanation_without_reason_or_with_a_bad_date_is_refused_clearly(
    client, people, data, message
):
    response = _explain(client, people, **data)
    assert response.status_code == 400 and message in response.text
    assert not Explanation.objects.exists()


def test_a_passing_standard_needs_no_explanation(client, people):
    response = _explain(client, people, standard="starttls")
    assert response.status_code == 400 and "niets uit te leggen" in response.text
    assert not Explanation.objects.exists()


def test_a_lezer_reads_but_cannot_explain(client, people):
    client.force_login(people.lezer_a)
    assert client.get(f"/account/organisatie/{people.a.slug}/").status_code == 200
    response = client.post(
        f"/account/organisatie/{people.a.slug}/uitleg/dane/",
        {"reason": "supplier", "comply_by": _future()},
    )
    assert response.status_code == 404 and not Explanation.objects.exists()


def test_staff_accept_and_the_public_scorecard_shows_it_until_it_lapses(client, people):
    _explain(client, people)
    explanation = Explanation.objects.get()
    scorecard = f"/organisatie/{people.a.slug}/"
    client.logout()
    assert "Uitleg (nog niet beoordeeld)" in client.get(scorecard).text
    client.force_login(people.staff)
    queue = client.get("/account/beoordelen/")
    assert "De leverancier levert DANE in 2027." in queue.text
    client.post(f"/account/beoordelen/{explanation.pk}/", {"decision": "accept"})
    explanation.refresh_from_db()
    assert (explanation.status, explanation.reviewed_by) == ("accepted", people.staff)
    assert "Er wacht geen uitleg" in client.get("/account/beoordelen/").text
    client.logout()
    page = client.get(scorecard).text
    assert "Uitleg (geaccepteerd door Forum Standaardisatie)" in page
    assert "leverancier ondersteunt het niet" in page
    Explanation.objects.update(comply_by=timezone.localdate() - datetime.timedelta(days=1))
    assert "De uitleg is verlopen" in client.get(scorecard).text


def test_staff_send_an_explanation_back_with_a_remark_only(client, people):
    _explain(client, people)
    explanation = Explanation.objects.get()
    client.force_login(people.staff)
    client.post(f"/account/beoordelen/{explanation.pk}/", {"decision": "send_back", "remark": ""})
    explanation.refresh_from_db()
    assert explanation.status == "pending"  # a send-back without a remark changes nothing
    client.post(
        f"/account/beoordelen/{explanation.pk}/",
        {"decision": "send_back", "remark": "Noem de leverancier."},
    )
    explanation.refresh_from_db()
    assert (explanation.status, explanation.review_remark) == ("sent_back", "Noem de leverancier.")
    client.force_login(people.beheerder_a)
    assert "Noem de leverancier." in client.get(f"/account/organisatie/{people.a.slug}/").text


def test_only_staff_see_the_review_queue(client, people):
    _explain(client, people)
    explanation = Explanation.objects.get()
    client.force_login(people.beheerder_a)
    assert client.get("/account/beoordelen/").status_code == 302
    client.post(f"/account/beoordelen/{explanation.pk}/", {"decision": "accept"})
    explanation.refresh_from_db()
    assert explanation.status == "pending"


def test_the_sector_page_counts_applies_explains_and_neither(client, people):
    _explain(client, people, standard="dane")
    explanation = Explanation.objects.get()
    page = client.get("/sector/rijk/").text
    section = page.split('id="leg-uit"', 1)[1].split("</section>", 1)[0]
    dane_row = section.split('<th scope="row">DANE</th>', 1)[1].split("</tr>", 1)[0]
    assert [int(cell) for cell in dane_row.replace("<td>", " ").replace("</td>", " ").split()] == [
        0,
        0,
        1,
        0,
    ]
    Explanation.objects.filter(pk=explanation.pk).update(status="accepted")
    page = client.get("/sector/rijk/").text
    section = page.split('id="leg-uit"', 1)[1].split("</section>", 1)[0]
    dane_row = section.split('<th scope="row">DANE</th>', 1)[1].split("</tr>", 1)[0]
    assert [int(cell) for cell in dane_row.replace("<td>", " ").replace("</td>", " ").split()] == [
        0,
        1,
        0,
        0,
    ]


def test_exports_and_the_api_carry_the_state_per_organisation_and_standard(client, people):
    import csv
    import io

    _explain(client, people, standard="dane")
    client.logout()
    text = b"".join(client.get("/export/organisaties.csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))
    by_slug = {row["organisation_slug"]: row for row in rows}
    assert by_slug[people.a.slug]["dane_explanation"] == "explained_pending"
    assert by_slug[people.a.slug]["starttls_explanation"] == "applies"
    assert by_slug[people.b.slug]["dane_explanation"] == "applies"
    text = b"".join(client.get("/export/sectoren.csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))
    rijk_dane = next(r for r in rows if r["sector"] == "rijk" and r["check"] == "dane")
    assert [rijk_dane[f"organisations_{s}"] for s in ("applies", "explained_accepted",
            "explained_pending", "neither")] == ["0", "0", "1", "0"]  # fmt: skip
    answer = client.get(f"/api/v1/organisations/{people.a.slug}/").json()
    assert answer["explanations"]["dane"]["state"] == "explained_pending"
    assert answer["explanations"]["dane"]["reason"] == "supplier"
    assert answer["explanations"]["starttls"] == {
        "state": "applies", "reason": None, "comply_by": None, "review": None
    }  # fmt: skip
