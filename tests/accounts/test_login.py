"""Logging in: Django's authentication, throttled by django-axes; the admin behind it."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_person_logs_in_with_the_right_password_and_out_again(client, people):
    response = client.post(
        "/account/inloggen/", {"username": people.beheerder_a.username, "password": PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/account/"
    assert "Ministerie van Alleen STARTTLS" in client.get("/account/").text
    assert client.post("/account/uitloggen/").status_code == 302
    assert client.get("/account/").status_code == 302  # back to the login page


def test_wrong_passwords_lock_the_login_after_the_limit_even_for_the_right_one(
    client, people, settings
):
    username = people.beheerder_a.username
    answers = [
        client.post("/account/inloggen/", {"username": username, "password": f"fout-{n}"})
        for n in range(settings.AXES_FAILURE_LIMIT + 2)
    ]
    codes = [answer.status_code for answer in answers]
    assert codes[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert codes[-1] == 429 and "Te veel pogingen" in answers[-1].text
    right = client.post("/account/inloggen/", {"username": username, "password": PASSWORD})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_admin_login_hands_over_to_the_throttled_login(client, people, settings):
    """Both are one form, so the admin's login is throttled per address like any other."""
    login = f"/account/inloggen/?next={reverse('admin:index')}"
    first = client.get(reverse("admin:index"))
    assert first.status_code == 302
    second = client.get(first.headers["Location"])
    assert second.status_code == 302 and second.headers["Location"].startswith(
        f"/account/inloggen/?next={reverse('admin:index')}"
    )
    # The admin's own form takes no password: nothing can be guessed past the throttle.
    credentials = {"username": people.staff.username, "password": PASSWORD}
    bypass = client.post(reverse("admin:login"), credentials)
    assert bypass.status_code == 302 and "_auth_user_id" not in client.session
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": "x", "password": f"x{n}"})
    locked = client.post(login, credentials)
    assert locked.status_code == 429


def test_the_admin_is_for_staff_only(client, people):
    client.force_login(people.beheerder_a)
    assert client.get(reverse("admin:index")).status_code == 302
    client.force_login(people.staff)
    people.staff.is_superuser = True
    people.staff.save()
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_password_reset_goes_by_e_mail_and_sets_a_new_password(client, people):
    response = client.post("/account/wachtwoord-vergeten/", {"email": "lezer@alleenstarttls.nl"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lezer@alleenstarttls.nl"]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/account/wachtwoord-" in line)
    path = link.split("testserver", 1)[1]
    form = client.get(path, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {
            "new_password1": "nieuw-wachtwoord-voor-2027",
            "new_password2": "nieuw-wachtwoord-voor-2027",
        },
    )
    assert done.status_code == 302
    people.lezer_a.refresh_from_db()
    assert people.lezer_a.check_password("nieuw-wachtwoord-voor-2027")
    assert client.get(path, follow=True).context["validlink"] is False  # used once


def test_every_form_needs_its_csrf_token(people):
    from django.test import Client

    from accounts.models import Invitation, Membership
    from alerts.models import Subscription

    _invitation, token = Invitation.issue(people.a, "nieuw@example.nl", "lezer", people.staff)
    subscription = Subscription.objects.create(user=people.lezer_a, organisation=people.a)
    membership = Membership.objects.get(user=people.lezer_a)
    anonymous = Client(enforce_csrf_checks=True)
    for path in (
        "/account/inloggen/",
        "/account/wachtwoord-vergeten/",
        f"/account/uitnodiging/{token}/",
        f"/meldingen/afmelden/{subscription.unsubscribe_token()}/",
    ):
        assert anonymous.post(path, {"username": "x", "email": "x@x.nl"}).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people.beheerder_a)
    slug = people.a.slug
    for path in (
        "/account/uitloggen/",
        f"/account/organisatie/{slug}/uitnodigen/",
        f"/account/organisatie/{slug}/leden/{membership.pk}/verwijderen/",
        f"/account/organisatie/{slug}/uitleg/dane/",
        f"/meldingen/organisatie/{slug}/",
    ):
        assert strict.post(path, {}).status_code == 403, path
    strict.force_login(people.staff)
    for path in ("/account/beoordelen/1/", "/meldingen/sector/rijk/"):
        assert strict.post(path, {}).status_code == 403, path
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not Invitation.objects.filter(accepted_at__isnull=False).exists()
