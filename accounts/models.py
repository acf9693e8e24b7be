"""People of organisations, their invitations, and the organisations' explanations.

A person belongs to organisations through a Membership with a role (beheerder or lezer);
Forum staff are Django staff users and see every organisation. An explanation ("leg uit")
is kept as a row per version: a change adds a row, so every version stays on the record
with its author and time.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from measurement.evaluate.outcomes import TABLE_CHECKS
from measurement.models import Organisation

# The standards an organisation can explain: those with an organisation verdict.
EXPLAINABLE_STANDARDS = TABLE_CHECKS


class Role(models.TextChoices):
    BEHEERDER = "beheerder", _("beheerder")
    LEZER = "lezer", _("lezer")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, default=Role.LEZER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership")
        ]
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} ({self.role})"


def token_digest(token: str) -> str:
    """Only a digest of an invitation token is stored: the database alone opens nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def open(self, now=None):
        return self.filter(accepted_at__isnull=True, expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mailadres"))
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, default=Role.LEZER)
    token_digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")

    def __str__(self) -> str:
        return f"{self.email} · {self.organisation}"

    @classmethod
    def issue(cls, organisation, email: str, role: str, invited_by) -> tuple["Invitation", str]:
        """A new invitation and its one-time token (shown once, in the e-mail)."""
        token = secrets.token_urlsafe(32)
        invitation = cls.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            token_digest=token_digest(token),
            invited_by=invited_by,
            expires_at=timezone.now() + timezone.timedelta(days=settings.INVITATION_DAYS),
        )
        return invitation, token


class Reason(models.TextChoices):
    """The reasons of the Forum's "pas toe of leg uit" reporting."""

    REPLACEMENT_PLANNED = "replacement_planned", _("vervanging gepland")
    SUPPLIER = "supplier", _("leverancier ondersteunt het niet")
    NOT_APPLICABLE = "not_applicable", _("niet van toepassing op dit domein")
    OTHER = "other", _("anders")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("in behandeling")
    ACCEPTED = "accepted", _("geaccepteerd")
    SENT_BACK = "sent_back", _("teruggestuurd")


class ExplanationQuerySet(models.QuerySet):
    def current(self):
        """The newest version of each (organisation, standard)."""
        newer = Explanation.objects.filter(
            organisation=models.OuterRef("organisation"),
            standard=models.OuterRef("standard"),
            version__gt=models.OuterRef("version"),
        )
        return self.exclude(models.Exists(newer))


class Explanation(models.Model):
    """One version of an organisation's explanation for not applying one standard."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="explanations"
    )
    standard = models.CharField(_("standaard"), max_length=40)
    version = models.PositiveIntegerField()
    reason = models.CharField(_("reden"), max_length=30, choices=Reason.choices)
    text = models.TextField(_("toelichting"), max_length=4000, blank=True)
    comply_by = models.DateField(_("voldoet naar verwachting op"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_name = models.CharField(max_length=300)  # kept when the account is removed
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_remark = models.TextField(_("opmerking"), max_length=4000, blank=True)

    objects = ExplanationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "standard", "version"], name="one_explanation_version"
            )
        ]
        ordering = ["organisation", "standard", "-version"]
        verbose_name = _("uitleg")
        verbose_name_plural = _("uitleg")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.standard} v{self.version}"

    def has_lapsed(self, today=None) -> bool:
        return self.comply_by < (today or timezone.localdate())
