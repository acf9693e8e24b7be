"""Invitations by e-mail: a one-time link with an expiry."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from accounts.models import Invitation, Membership
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "welkom-bij-de-gemeente-2026"


def _invite(client, people, email="nieuw@alleenstarttls.nl", role="lezer") -> str:
    client.force_login(people.beheerder_a)
    response = client.post(
        f"/account/organisatie/{people.a.slug}/uitnodigen/", {"email": email, "role": role}
    )
    assert response.status_code == 302
    client.logout()
    link = re.search(r"http\S+/account/uitnodiging/\S+/", mail.outbox[-1].body).group(0)
    return link.split("8000", 1)[1]


def test_an_invited_person_chooses_a_password_and_becomes_a_member(client, people):
    path = _invite(client, people)
    assert mail.outbox[-1].to == ["nieuw@alleenstarttls.nl"]
    assert "Ministerie van Alleen STARTTLS" in client.get(path).text
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="nieuw@alleenstarttls.nl")
    assert user.check_password(NEW_PASSWORD)
    assert Membership.objects.get(user=user).role == "lezer"
    assert Invitation.objects.get().accepted_by == user


def test_an_invitation_link_used_twice_says_so_and_changes_nothing(client, people):
    path = _invite(client, people)
    client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    client.logout()
    again = client.post(
        path, {"new_password1": "ander-wachtwoord-9", "new_password2": "ander-wachtwoord-9"}
    )
    assert again.status_code == 400 and "al gebruikt" in again.text
    assert User.objects.get(email="nieuw@alleenstarttls.nl").check_password(NEW_PASSWORD)


def test_an_expired_or_unknown_invitation_link_says_so_and_changes_nothing(client, people):
    path = _invite(client, people)
    Invitation.objects.update(expires_at=timezone.now() - timezone.timedelta(seconds=1))
    expired = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert expired.status_code == 400 and "verlopen" in expired.text
    forged = client.get("/account/uitnodiging/niet-echt/")
    assert forged.status_code == 400 and "onbekend" in forged.text
    assert not User.objects.filter(email="nieuw@alleenstarttls.nl").exists()


def test_a_person_with_an_account_accepts_after_logging_in(client, people):
    path = _invite(client, people, email=people.beheerder_b.email, role="beheerder")
    assert "Log daarmee in" in client.get(path).text
    client.force_login(people.beheerder_b)
    assert client.post(path).status_code == 302
    assert (
        Membership.objects.get(user=people.beheerder_b, organisation=people.a).role == "beheerder"
    )
    assert people.beheerder_b.check_password(PASSWORD)


def test_a_lezer_cannot_invite(client, people):
    client.force_login(people.lezer_a)
    response = client.post(
        f"/account/organisatie/{people.a.slug}/uitnodigen/",
        {"email": "x@example.nl", "role": "beheerder"},
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists() and not mail.outbox
