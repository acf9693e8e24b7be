"""Subscribe to alerts (logged in) and unsubscribe (a signed link, no login needed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import is_forum_staff, organisation_for
from alerts.models import Subscription
from measurement.models import Sector


@login_required
@require_POST
def subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    org = organisation_for(request.user, slug)
    if request.POST.get("action") == "stop":
        Subscription.objects.filter(user=request.user, organisation=org).delete()
        messages.success(request, _("U ontvangt geen meldingen meer over deze organisatie."))
    else:
        Subscription.objects.update_or_create(
            user=request.user, organisation=org, defaults={"language": _language()}
        )
        messages.success(request, _("U krijgt een e-mail als een meting slechter uitvalt."))
    return redirect("accounts:organisation", slug=org.slug)


@login_required
@require_POST
def subscribe_sector(request: HttpRequest, sector: str) -> HttpResponse:
    if not is_forum_staff(request.user) or sector not in Sector.values:
        raise Http404("sector alerts are for Forum staff")
    if request.POST.get("action") == "stop":
        Subscription.objects.filter(user=request.user, sector=sector).delete()
    else:
        Subscription.objects.update_or_create(
            user=request.user, sector=sector, defaults={"language": _language()}
        )
    messages.success(request, _("Uw meldingen zijn bijgewerkt."))
    return redirect("accounts:home")


def _language() -> str:
    return "en" if get_language().startswith("en") else "nl"


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (mail scanners follow links), POST unsubscribes."""
    subscription = Subscription.from_unsubscribe_token(token)
    if subscription is None:
        return render(
            request,
            "accounts/message.html",
            {
                "title": _("Afmelden"),
                "message": _("Deze afmeldlink is ongeldig of al gebruikt. Er is niets veranderd."),
            },
            status=400,
        )
    if request.method == "POST":
        subscription.delete()
        return render(
            request,
            "accounts/message.html",
            {"title": _("Afgemeld"), "message": _("U ontvangt deze meldingen niet meer.")},
        )
    return render(request, "alerts/unsubscribe.html", {"subscription": subscription})
