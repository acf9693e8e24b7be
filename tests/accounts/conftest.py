"""People for the accounts tests, on the dashboard's cast: organisation A (STARTTLS only,
failing DANE) with a beheerder and a lezer, organisation B (fully secured) with a
beheerder, and one of Forum staff."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from accounts.models import Membership, Role
from tests.dashboard.conftest import Cast, build_cast

PASSWORD = "een-lang-genoeg-wachtwoord-2026"


@dataclass(frozen=True)
class People:
    cast: Cast
    beheerder_a: User
    lezer_a: User
    beheerder_b: User
    staff: User

    @property
    def a(self):
        return self.cast.starttls_only

    @property
    def b(self):
        return self.cast.secure


def make_people() -> People:
    cast = build_cast()

    def person(email: str, organisation=None, role: str = Role.BEHEERDER, **extra) -> User:
        user = User.objects.create_user(email, email, PASSWORD, **extra)
        if organisation is not None:
            Membership.objects.create(user=user, organisation=organisation, role=role)
        return user

    return People(
        cast=cast,
        beheerder_a=person("beheer@alleenstarttls.nl", cast.starttls_only),
        lezer_a=person("lezer@alleenstarttls.nl", cast.starttls_only, Role.LEZER),
        beheerder_b=person("beheer@veiligstad.nl", cast.secure),
        staff=person("medewerker@forumstandaardisatie.nl", is_staff=True),
    )


@pytest.fixture
def people(db) -> People:
    return make_people()
