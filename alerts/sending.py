"""One alert e-mail per scan and subscriber, claimed in the database before it is sent.

The claim is an AlertDelivery row under a unique (scan, subscription) constraint: a
retried or redelivered task, or two at once, cannot send the same alert twice. A claim
whose mail failed to go out is given back, so the task's retry sends it; a claim whose
mail went out but whose worker died before noting it stays: at most once, never twice.
"""

import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from alerts.changes import EXPIRING, WORSE, Change, scan_changes
from alerts.models import AlertDelivery, Subscription
from dashboard.queries import STANDARD_LABELS
from measurement.explanations import explain
from measurement.models import Organisation, Scan

log = logging.getLogger(__name__)


def send_alerts(scan_id: int) -> int:
    """Send this scan's alerts; returns how many e-mails went out now."""
    scan = Scan.objects.get(pk=scan_id)
    if scan.status != Scan.Status.FINISHED:
        return 0
    by_organisation: dict[int, list[Change]] = defaultdict(list)
    for change in scan_changes(scan):
        by_organisation[change.organisation_id].append(change)
    if not by_organisation:
        return 0
    organisations = Organisation.objects.in_bulk(list(by_organisation))
    sectors = {o.sector for o in organisations.values()}
    subscriptions = Subscription.objects.filter(
        Q(organisation_id__in=list(by_organisation)) | Q(sector__in=sectors),
        user__is_active=True,
    ).select_related("user")
    sent = 0
    with get_connection() as connection:
        for subscription in subscriptions:
            followed = [
                organisations[pk]
                for pk in by_organisation
                if pk == subscription.organisation_id
                or (subscription.user.is_staff and organisations[pk].sector == subscription.sector)
            ]
            if followed and subscription.user.email:
                sent += _send_once(scan, subscription, followed, by_organisation, connection)
    return sent


def _send_once(scan, subscription, followed, by_organisation, connection) -> int:
    changes = sum(len(by_organisation[o.pk]) for o in followed)
    try:
        with transaction.atomic():
            delivery = AlertDelivery.objects.create(
                scan=scan, subscription=subscription, changes=changes
            )
    except IntegrityError:
        return 0  # claimed before: this alert went out already (or is going out)
    try:
        alert_message(scan, subscription, followed, by_organisation).send_with(connection)
    except Exception:
        delivery.delete()  # not sent: the retry may claim it again
        raise
    AlertDelivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())
    return 1


class AlertMessage(EmailMessage):
    def send_with(self, connection) -> None:
        self.connection = connection
        self.send(fail_silently=False)


def alert_message(scan, subscription, followed, by_organisation) -> AlertMessage:
    """The e-mail in the subscriber's language: per organisation what changed and the fix."""
    unsubscribe = settings.SITE_URL + reverse(
        "alerts:unsubscribe", args=[subscription.unsubscribe_token()]
    )
    with translation.override(subscription.language):
        sections = [
            {
                "organisation": organisation,
                "url": settings.SITE_URL
                + reverse("dashboard:organisation", args=[organisation.slug]),
                "changes": [_described(c) for c in by_organisation[organisation.pk]],
            }
            for organisation in followed
        ]
        context = {"scan": scan, "sections": sections, "unsubscribe": unsubscribe}
        subject = render_to_string("alerts/alert_subject.txt", context).strip()
        body = render_to_string("alerts/alert_email.txt", context)
    return AlertMessage(
        subject,
        body,
        None,
        [subscription.user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
    )


def _described(change: Change) -> dict:
    if change.kind == EXPIRING:
        return {"change": change, "expires": change.reason}
    explanation = explain(change.reason, {"domain": change.domain})
    return {
        "change": change,
        "label": STANDARD_LABELS.get(change.check, change.check) if change.kind == WORSE else "",
        "title": explanation.title,
        "fix": explanation.fix,
    }
