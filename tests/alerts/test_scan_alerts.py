"""A real scan of the lab ends in alerts: the scan's door stores it, the task runs after
it, and a real SMTP server receives one e-mail per subscriber."""

import copy
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from alerts.models import AlertDelivery, Subscription
from alerts.tasks import send_scan_alerts
from measurement.models import DomainResult, Organisation, Scan
from measurement.scan import door
from tests.measurement.scan_fixtures import lab_settings, register_scenarios

pytestmark = [pytest.mark.lab, pytest.mark.django_db(transaction=True)]


def _scan(lab) -> Scan:
    with override_settings(**lab_settings(lab)):
        return door.run(door.plan(kind=Scan.Kind.FULL).pk)


def _as_last_week(result: DomainResult, dane_passed: bool) -> None:
    """Turn a first real result into the week before: a certificate valid for a year more,
    and (dane_passed) DANE passing with it: the state before the certificate changed."""
    evidence = copy.deepcopy(result.evidence)
    for host in evidence["verdicts"]["hosts"]:
        for address in host["addresses"]:
            if address.get("certificate"):
                address["certificate"]["not_after"] = "2099-01-01T00:00:00+00:00"
        if dane_passed:
            host["dane"] = {"outcome": "pass", "reasons": [], "details": {}}
    result.evidence = evidence
    if dane_passed:
        result.dane = result.starttls_dane = "pass"
    result.judged_at -= timedelta(days=7)
    result.save()


def test_a_scan_that_makes_verdicts_worse_mails_the_subscribers_once(lab, smtp_server):
    register_scenarios([lab.scenario("tlsa-mismatch"), lab.scenario("dane-ee-expired")])
    first = _scan(lab)
    mismatch = first.domain_results.get(domain_name=lab.scenario("tlsa-mismatch").domain)
    expired = first.domain_results.get(domain_name=lab.scenario("dane-ee-expired").domain)
    assert (mismatch.dane, expired.dane) == ("fail", "pass")
    _as_last_week(mismatch, dane_passed=True)
    _as_last_week(expired, dane_passed=False)
    people = {}
    for result, language in ((mismatch, "nl"), (expired, "en")):
        email = f"beheer@{result.domain_name}"
        people[result.domain_name] = email
        user = User.objects.create_user(email, email, "niet-nodig-in-deze-test")
        Subscription.objects.create(user=user, organisation=result.organisation, language=language)

    second = _scan(lab)

    assert second.status == Scan.Status.FINISHED
    dutch = smtp_server.to(people[mismatch.domain_name])
    english = smtp_server.to(people[expired.domain_name])
    assert len(dutch) == len(english) == 1
    body = dutch[0].get_content()
    assert "past geen TLSA-record meer" in body
    assert "Geen TLSA-record past bij het certificaat van de mailserver" in body
    assert "/meldingen/afmelden/" in body
    assert "expires on" in english[0].get_content()
    assert AlertDelivery.objects.filter(scan=second).count() == 2
    door.finish(second.pk)  # finishing again (a redelivered last batch)
    send_scan_alerts.apply(args=[second.pk])  # the alert task delivered again
    assert len(smtp_server.messages) == 2
    assert Organisation.objects.count() == 2
