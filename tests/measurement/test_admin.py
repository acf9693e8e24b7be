import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from measurement.models import Domain, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = User.objects.create_superuser("beheer", "beheer@example.nl", "geheim-wachtwoord")
    client.force_login(user)
    return client


def test_the_admin_lists_organisations_by_sector_and_finds_them_by_domain(staff):
    gemeente = Organisation.objects.create(
        name="Gemeente Voorbeeld", sector="gemeente", source="manual", slug="gv"
    )
    Organisation.objects.create(
        name="Provincie Proef", sector="provincie", source="manual", slug="pp"
    )
    Domain.objects.create(name="voorbeeld.nl", organisation=gemeente, source="manual")
    listed = staff.get(
        reverse("admin:measurement_organisation_changelist"), {"sector__exact": "gemeente"}
    )
    assert listed.status_code == 200
    assert "Gemeente Voorbeeld" in listed.text and "Provincie Proef" not in listed.text
    found = staff.get(reverse("admin:measurement_organisation_changelist"), {"q": "voorbeeld.nl"})
    assert "Gemeente Voorbeeld" in found.text


def test_the_admin_is_behind_a_login(client):
    response = client.get(reverse("admin:measurement_organisation_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response.headers["Location"]
