"""Account pages: the person's organisations, an organisation's people, invitations."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import invitations
from accounts.access import can_manage, is_forum_staff, organisation_for
from accounts.forms import InvitationForm
from accounts.models import Membership
from accounts.states import current_explanations
from alerts.models import Subscription
from dashboard import queries
from measurement.models import Sector


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("organisation").order_by(
        "organisation__name"
    )
    subscriptions = list(
        Subscription.objects.filter(user=request.user).select_related("organisation")
    )
    return render(
        request,
        "accounts/home.html",
        {
            "memberships": memberships,
            "is_staff": is_forum_staff(request.user),
            "subscriptions": subscriptions,
            "sectors": Sector.choices,
            "followed_sectors": {s.sector for s in subscriptions if s.sector},
        },
    )


@login_required
def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    org = organisation_for(request.user, slug)
    manage = can_manage(request.user, org)
    rows = queries.organisation_rows(queries.latest_finished_scan(), organisation_ids=[org.id])
    statuses = rows[0].checks if rows else {}
    explanations = current_explanations([org.id])
    standards = [
        {
            "standard": standard,
            "label": queries.STANDARD_LABELS[standard],
            "status": statuses.get(standard, {}).get("status", ""),
            "explanation": explanations.get((org.id, standard)),
        }
        for standard in queries.TABLE_CHECKS
    ]
    return render(
        request,
        "accounts/organisation.html",
        {
            "organisation": org,
            "manage": manage,
            "standards": standards,
            "members": org.memberships.select_related("user").order_by("user__email")
            if manage
            else (),
            "invitations": org.invitations.open().order_by("-created_at") if manage else (),
            "invitation_form": InvitationForm(),
            "subscribed": Subscription.objects.filter(user=request.user, organisation=org).exists(),
        },
    )


@login_required
@require_POST
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    org = organisation_for(request.user, slug, manage=True)
    form = InvitationForm(request.POST)
    if form.is_valid():
        invitations.send_invitation(
            org, form.cleaned_data["email"], form.cleaned_data["role"], request.user
        )
        messages.success(request, _("De uitnodiging is verstuurd."))
    else:
        messages.error(request, _("Vul een geldig e-mailadres en een rol in."))
    return redirect("accounts:organisation", slug=org.slug)


@login_required
@require_POST
def remove_member(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    org = organisation_for(request.user, slug, manage=True)
    membership = get_object_or_404(Membership, pk=membership_id, organisation=org)
    membership.delete()
    # Alerts follow membership: a person who left no longer hears about the organisation.
    Subscription.objects.filter(user=membership.user, organisation=org).delete()
    messages.success(request, _("%(person)s is geen lid meer.") % {"person": membership.user})
    return redirect("accounts:organisation", slug=org.slug)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: a new person chooses a password, a known one logs in first."""
    try:
        pending = invitations.open_invitation(token)
    except invitations.InvitationInvalid as error:
        return _invitation_message(request, str(error))
    known = get_user_model().objects.filter(email__iexact=pending.email).first()
    if known is not None and request.user != known:
        return render(request, "accounts/invitation_login.html", {"invitation": pending})
    form = SetPasswordForm(known or get_user_model()(username=pending.email), request.POST or None)
    if request.method == "POST" and (known is not None or form.is_valid()):
        try:
            user, accepted = invitations.accept(
                token, known, "" if known else form.cleaned_data["new_password1"]
            )
        except invitations.InvitationInvalid as error:
            return _invitation_message(request, str(error))
        if known is None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("U bent nu lid van %(organisation)s.") % {"organisation": accepted.organisation},
        )
        return redirect("accounts:organisation", slug=accepted.organisation.slug)
    return render(
        request,
        "accounts/invitation.html",
        {"invitation": pending, "form": None if known else form},
    )


def _invitation_message(request: HttpRequest, message: str) -> HttpResponse:
    return render(
        request,
        "accounts/message.html",
        {"title": _("Uitnodiging"), "message": message},
        status=400,
    )
