"""Invitations by e-mail: a one-time link with an expiry, accepted at most once."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Invitation, Membership, token_digest


class InvitationInvalid(Exception):
    """The link is unknown, used or expired; the message says which."""


def send_invitation(organisation, email: str, role: str, invited_by) -> Invitation:
    invitation, token = Invitation.issue(organisation, email, role, invited_by)
    link = settings.SITE_URL + reverse("accounts:invitation", args=[token])
    context = {"invitation": invitation, "link": link, "days": settings.INVITATION_DAYS}
    send_mail(
        _("Uitnodiging voor %(organisation)s") % {"organisation": organisation.name},
        render_to_string("accounts/invitation_email.txt", context),
        None,
        [email],
    )
    return invitation


def open_invitation(token: str) -> Invitation:
    """The invitation this token opens, or InvitationInvalid with a clear message."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_digest=token_digest(token))
        .first()
    )
    if invitation is None:
        raise InvitationInvalid(_("Deze uitnodigingslink is onbekend."))
    if invitation.accepted_at is not None:
        raise InvitationInvalid(_("Deze uitnodiging is al gebruikt."))
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid(_("Deze uitnodiging is verlopen. Vraag een nieuwe aan."))
    return invitation


@transaction.atomic
def accept(token: str, user=None, password: str = ""):
    """Accept once: the person (new with this password, or the one logged in) becomes a
    member. A second use, even at the same moment, finds the invitation taken."""
    invitation = open_invitation(token)
    taken = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=timezone.now()
    )
    if not taken:
        raise InvitationInvalid(_("Deze uitnodiging is al gebruikt."))
    if user is None:
        user = get_user_model().objects.create_user(
            username=invitation.email, email=invitation.email, password=password
        )
    Membership.objects.update_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
    return user, invitation
