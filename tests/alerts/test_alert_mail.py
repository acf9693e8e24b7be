"""Alerts reach subscribers through a real SMTP server: one e-mail per scan and
subscriber, in their language, with the fix and a working unsubscribe link; never twice."""

import re
import threading

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from alerts import sending
from alerts.models import AlertDelivery, Subscription
from alerts.tasks import send_scan_alerts
from measurement.explanations import explain
from measurement.models import DomainResult, Scan
from tests.dashboard.conftest import build_cast


def worse_scan(cast) -> Scan:
    """A new finished scan: as the latest, but Veiligstad's MTA-STS policy went missing."""
    now = timezone.now()
    scan = Scan.objects.create(
        kind=Scan.Kind.SCHEDULED, status=Scan.Status.FINISHED, methodology_version="1.0",
        scanner_version="test", created_at=now, started_at=now, finished_at=now,
    )  # fmt: skip
    for result in DomainResult.objects.filter(scan=cast.latest):
        result.pk, result.scan, result.judged_at = None, scan, now
        if result.domain_name == "veiligstad.nl":
            result.mta_sts = "fail"
            result.reasons = {**result.reasons, "mta_sts": ["mta_sts_missing"]}
        result.save()
    return scan


def subscriber(email: str, language: str = "nl", **subscription) -> Subscription:
    user = User.objects.create_user(
        email, email, "wachtwoord-niet-nodig-1", is_staff=email.startswith("staff")
    )
    return Subscription.objects.create(user=user, language=language, **subscription)


@pytest.fixture
def cast(db):
    return build_cast()


def test_a_worse_verdict_reaches_each_subscriber_once_in_their_language(smtp_server, cast):
    dutch = subscriber("beheer@veiligstad.nl", organisation=cast.secure)
    english = subscriber("reader@veiligstad.nl", "en", organisation=cast.secure)
    staff = subscriber("staff@forumstandaardisatie.nl", sector="gemeente")
    subscriber("beheer@alleenstarttls.nl", organisation=cast.starttls_only)  # nothing changed
    scan = worse_scan(cast)

    assert send_scan_alerts.apply(args=[scan.pk]).get() == 3
    assert send_scan_alerts.apply(args=[scan.pk]).get() == 0  # the task delivered again

    assert [len(smtp_server.to(s.user.email)) for s in (dutch, english, staff)] == [1, 1, 1]
    assert smtp_server.to("beheer@alleenstarttls.nl") == []
    nl = smtp_server.to(dutch.user.email)[0]
    assert nl["Subject"] == "Mailbeveiliging: Gemeente Veiligstad scoort slechter"
    body = nl.get_content()
    assert "veiligstad.nl: MTA-STS (enforce) voldeed, nu niet meer." in body
    assert f"Oplossing: {explain('mta_sts_missing').fix}" in body
    en = smtp_server.to(english.user.email)[0]
    assert en["Subject"] == "Mail security: Gemeente Veiligstad scores worse"
    assert "MTA-STS (enforce) passed, and no longer does." in en.get_content()
    assert AlertDelivery.objects.filter(scan=scan, sent_at__isnull=False).count() == 3


def test_the_unsubscribe_link_works_without_login_and_a_forged_one_changes_nothing(
    smtp_server, cast
):
    dutch = subscriber("beheer@veiligstad.nl", organisation=cast.secure)
    send_scan_alerts.apply(args=[worse_scan(cast).pk])
    message = smtp_server.to(dutch.user.email)[0]
    link = re.search(r"http://\S+/meldingen/afmelden/\S+/", message.get_content()).group(0)
    assert message["List-Unsubscribe"].strip() == f"<{link}>"
    path = link.split("8000", 1)[1]
    anonymous = Client(enforce_csrf_checks=False)
    forged = anonymous.post(path.replace(path.split("/")[-2], path.split("/")[-2][:-2] + "xx"))
    assert forged.status_code == 400 and "ongeldig" in forged.text
    assert Subscription.objects.filter(pk=dutch.pk).exists()
    assert "Afmelden" in anonymous.get(path).text
    assert Subscription.objects.filter(pk=dutch.pk).exists()  # a GET (a mail scanner) does not
    assert anonymous.post(path).status_code == 200
    assert not Subscription.objects.filter(pk=dutch.pk).exists()
    assert anonymous.post(path).status_code == 400  # used: nothing left to change


def test_a_refused_mail_is_sent_by_the_retry_and_the_others_are_not_sent_twice(smtp_server, cast):
    first = subscriber("een@veiligstad.nl", organisation=cast.secure)
    second = subscriber("twee@veiligstad.nl", organisation=cast.secure)
    smtp_server.refuse_once.add(second.user.email)  # a real 451 from the server
    scan = worse_scan(cast)
    with pytest.raises(Exception, match="Try again later"):
        sending.send_alerts(scan.pk)
    assert sending.send_alerts(scan.pk) == 1  # what the task's retry does
    assert len(smtp_server.to(first.user.email)) == len(smtp_server.to(second.user.email)) == 1


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_of_the_task_at_once_send_each_alert_once(smtp_server):
    """The unique (scan, subscription) claim holds between concurrent workers too."""
    cast = build_cast()
    subscribers = [subscriber(f"p{n}@veiligstad.nl", organisation=cast.secure) for n in range(4)]
    scan = worse_scan(cast)
    sent = []

    def deliver():
        try:
            sent.append(sending.send_alerts(scan.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(sent) in ([0, 4], [1, 3], [2, 2])
    assert [len(smtp_server.to(s.user.email)) for s in subscribers] == [1, 1, 1, 1]


def test_the_database_refuses_a_second_alert_for_one_scan_and_subscriber(cast):
    subscription = subscriber("een@veiligstad.nl", organisation=cast.secure)
    AlertDelivery.objects.create(scan=cast.latest, subscription=subscription)
    with pytest.raises(IntegrityError), transaction.atomic():
        AlertDelivery.objects.create(scan=cast.latest, subscription=subscription)


def test_a_scan_without_changes_for_the_worse_sends_nothing(smtp_server, cast):
    subscriber("beheer@veiligstad.nl", organisation=cast.secure)
    assert send_scan_alerts.apply(args=[cast.latest.pk]).get() == 0
    assert smtp_server.messages == [] and not AlertDelivery.objects.exists()
