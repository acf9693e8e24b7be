"""Subscriptions to alerts, and the record that a scan's alert went to a subscriber.

AlertDelivery's unique (scan, subscription) is what makes an alert go out at most once:
a task that is retried or redelivered cannot claim the same pair again.
"""

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from measurement.models import Organisation, Scan, Sector

UNSUBSCRIBE_SALT = "alerts.unsubscribe"


class Subscription(models.Model):
    """A person follows one organisation, or (Forum staff) one sector."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_subscriptions"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sector = models.CharField(max_length=20, choices=Sector.choices, blank=True)
    language = models.CharField(_("taal"), max_length=8, choices=settings.LANGUAGES, default="nl")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(sector=""))
                | (Q(organisation__isnull=True) & ~Q(sector="")),
                name="subscription_to_one_thing",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(organisation__isnull=False),
                name="one_subscription_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["user", "sector"],
                condition=~Q(sector=""),
                name="one_subscription_per_sector",
            ),
        ]
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnementen")

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation or self.get_sector_display()}"

    def unsubscribe_token(self) -> str:
        return signing.dumps(self.pk, salt=UNSUBSCRIBE_SALT)

    @classmethod
    def from_unsubscribe_token(cls, token: str) -> "Subscription | None":
        """The subscription a token names; None for a forged or unknown one (BadSignature)."""
        try:
            pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        except signing.BadSignature:
            return None
        return cls.objects.filter(pk=pk).first()


class AlertDelivery(models.Model):
    """One alert e-mail of one scan to one subscriber: claimed before it is sent."""

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    changes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scan", "subscription"], name="one_alert_per_scan")
        ]

    def __str__(self) -> str:
        return f"{self.scan} -> {self.subscription}"
