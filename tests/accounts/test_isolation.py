"""A person of organisation A reads and changes nothing of organisation B, on every view
that takes an organisation; Forum staff reach all of them."""

import pytest
from django.core import mail
from django.urls import URLPattern, get_resolver

from accounts.models import Explanation, Invitation, Membership
from alerts.models import Subscription

pytestmark = pytest.mark.django_db


def _organisation_views(people) -> list[tuple[str, str]]:
    b = people.b.slug
    other = Membership.objects.get(user=people.beheerder_b)
    return [
        ("get", f"/account/organisatie/{b}/"),
        ("post", f"/account/organisatie/{b}/uitnodigen/"),
        ("post", f"/account/organisatie/{b}/leden/{other.pk}/verwijderen/"),
        ("post", f"/account/organisatie/{people.a.slug}/leden/{other.pk}/verwijderen/"),
        ("get", f"/account/organisatie/{b}/uitleg/dane/"),
        ("post", f"/account/organisatie/{b}/uitleg/dane/"),
        ("post", f"/meldingen/organisatie/{b}/"),
    ]


def test_every_view_that_takes_an_organisation_is_listed_here():
    """A new view with an organisation in its path must join the list above."""
    routes = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                routes.append(prefix + str(pattern.pattern))
            else:
                walk(pattern.url_patterns, prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns)
    private = sorted(
        r for r in routes if "<slug:slug>" in r and r.startswith(("account/", "meldingen/"))
    )
    assert private == [
        "account/organisatie/<slug:slug>/",
        "account/organisatie/<slug:slug>/leden/<int:membership_id>/verwijderen/",
        "account/organisatie/<slug:slug>/uitleg/<str:standard>/",
        "account/organisatie/<slug:slug>/uitnodigen/",
        "meldingen/organisatie/<slug:slug>/",
    ]


@pytest.mark.parametrize("who", ["beheerder_a", "lezer_a"])
def test_a_person_of_a_gets_404_for_everything_of_b_and_nothing_changes(client, people, who):
    client.force_login(getattr(people, who))
    for method, path in _organisation_views(people):
        data = {
            "email": "x@example.nl",
            "role": "beheerder",
            "reason": "other",
            "comply_by": "2099-01-01",
        }
        response = getattr(client, method)(path, data if method == "post" else None)
        assert response.status_code == 404, (who, method, path)
    assert Membership.objects.filter(user=people.beheerder_b).exists()
    assert not Invitation.objects.exists() and not mail.outbox
    assert not Explanation.objects.exists() and not Subscription.objects.exists()


def test_a_person_who_is_not_logged_in_is_sent_to_the_login(client, people):
    for method, path in _organisation_views(people):
        response = getattr(client, method)(path)
        assert response.status_code == 302 and "/account/inloggen/" in response.headers["Location"]


def test_forum_staff_reach_every_organisation(client, people):
    client.force_login(people.staff)
    assert client.get(f"/account/organisatie/{people.b.slug}/").status_code == 200
    assert client.get(f"/account/organisatie/{people.a.slug}/uitleg/dane/").status_code == 200


def test_sector_alerts_are_for_staff_only(client, people):
    client.force_login(people.beheerder_a)
    assert client.post("/meldingen/sector/rijk/").status_code == 404
    client.force_login(people.staff)
    assert client.post("/meldingen/sector/rijk/").status_code == 302
    assert Subscription.objects.get().sector == "rijk"


def test_a_removed_member_no_longer_gets_the_organisations_alerts(client, people):
    Subscription.objects.create(user=people.lezer_a, organisation=people.a)
    membership = Membership.objects.get(user=people.lezer_a)
    client.force_login(people.beheerder_a)
    response = client.post(
        f"/account/organisatie/{people.a.slug}/leden/{membership.pk}/verwijderen/"
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not Subscription.objects.filter(user=people.lezer_a).exists()
