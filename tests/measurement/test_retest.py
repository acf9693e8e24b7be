"""The dashboard's re-test of one organisation: rate limits and a real scan in the background."""

import time

import pytest
from django.core.cache import cache
from django.test import override_settings

from measurement.models import Organisation, Scan
from measurement.scan import door
from tests.measurement.scan_fixtures import lab_settings, register_scenarios


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db(transaction=True)  # the scan runs in a thread with its own connection
def test_a_retest_scans_the_organisation_in_the_background(lab):
    register_scenarios([lab.scenario("dane-ee"), lab.scenario("no-starttls")])
    organisation = Organisation.objects.get(domains__name="dane-ee.example")
    with override_settings(**lab_settings(lab)):
        scan = door.request_retest(organisation)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            scan.refresh_from_db()
            if scan.status in (Scan.Status.FINISHED, Scan.Status.FAILED):
                break
            time.sleep(0.2)
    assert (scan.kind, scan.status, scan.domains_total) == ("on_demand", "finished", 1)
    assert scan.domain_results.get().dane == "pass"


@pytest.mark.django_db
def test_a_second_retest_of_one_organisation_is_refused_for_a_while():
    organisation = Organisation.objects.create(name="G", sector="gemeente", source="csv", slug="g")
    with override_settings(SCANNER_RETEST_PER_ORGANISATION_SECONDS=600):
        # As left by a first retest 100 s ago: the moment the mark lapses.
        cache.add(f"retest:org:{organisation.pk}", time.time() + 500, 600)
        with pytest.raises(door.RetestRateLimited) as refused:
            door.request_retest(organisation)
    assert refused.value.reason == door.RetestRateLimited.ORGANISATION
    assert 495 <= refused.value.retry_after <= 500
    assert not Scan.objects.exists()


@pytest.mark.django_db
def test_the_hourly_limit_does_not_lock_out_an_organisation_it_refused():
    organisation = Organisation.objects.create(
        name="W", sector="waterschap", source="csv", slug="w"
    )
    with override_settings(SCANNER_RETEST_PER_HOUR=0):
        with pytest.raises(door.RetestRateLimited) as refused:
            door.request_retest(organisation)
    assert refused.value.reason == door.RetestRateLimited.HOURLY
    assert cache.get(f"retest:org:{organisation.pk}") is None
    assert not Scan.objects.exists()
