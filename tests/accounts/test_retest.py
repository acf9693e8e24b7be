"""The organisation's own people re-test without the public hourly cap, still once per
organisation per period."""

import pytest
from django.core.cache import cache

from measurement.models import Scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_hourly_retests(settings):
    cache.clear()
    settings.SCANNER_RETEST_PER_HOUR = 0  # the public cap is used up
    # A broker setting makes the retest wait for the commit, which a test never makes:
    # the scan is planned, not run.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    yield
    cache.clear()


def test_a_member_retests_past_the_public_hourly_cap_but_once_per_period(
    client, people, no_hourly_retests
):
    path = f"/organisatie/{people.a.slug}/hertest/"
    assert client.post(path).status_code == 429  # the public
    client.force_login(people.lezer_a)
    assert client.post(path).status_code == 302
    assert Scan.objects.filter(kind=Scan.Kind.ON_DEMAND).count() == 1
    assert client.post(path).status_code == 429  # the per-organisation limit holds
    client.force_login(people.beheerder_b)  # a member of another organisation
    assert client.post(f"/organisatie/{people.a.slug}/hertest/").status_code == 429
