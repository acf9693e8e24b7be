"""`make demo` prints two logins that work: a gemeente's beheerder and Forum staff."""

import pytest
from django.contrib.auth import authenticate

from accounts.models import Membership
from demo.logins import GEMEENTE, STAFF, create_demo_logins
from tests.dashboard.conftest import build_cast

pytestmark = pytest.mark.django_db


def test_the_demo_logins_work_and_can_be_created_again(rf):
    cast = build_cast()
    logins = create_demo_logins()
    assert create_demo_logins() == logins  # a second `make demo` resets, never duplicates
    assert logins == [(GEMEENTE, cast.secure.name), (STAFF, "")]
    request = rf.post("/account/inloggen/")
    gemeente = authenticate(request, username=GEMEENTE.username, password=GEMEENTE.password)
    staff = authenticate(request, username=STAFF.username, password=STAFF.password)
    assert Membership.objects.get(user=gemeente).organisation == cast.secure
    assert Membership.objects.get(user=gemeente).role == "beheerder"
    assert staff.is_staff and not Membership.objects.filter(user=staff).exists()
