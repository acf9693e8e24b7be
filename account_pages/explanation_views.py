"""Writing an explanation ("leg uit") and the Forum staff's review of it."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import organisation_for
from accounts.forms import ExplanationForm, ReviewForm
from accounts.models import Explanation, ReviewStatus
from dashboard import queries
from measurement.models import Outcome


def _failing(organisation, standard: str) -> bool:
    rows = queries.organisation_rows(
        queries.latest_finished_scan(), organisation_ids=[organisation.id]
    )
    return bool(rows) and rows[0].checks[standard]["status"] == Outcome.FAIL


@login_required
def explain(request: HttpRequest, slug: str, standard: str) -> HttpResponse:
    """A new version of the explanation for one standard the organisation does not meet."""
    if standard not in queries.TABLE_CHECKS:
        raise Http404("no such standard")
    org = organisation_for(request.user, slug, manage=True)
    versions = Explanation.objects.filter(organisation=org, standard=standard)
    current = versions.first()
    form = ExplanationForm(request.POST or None, instance=None, initial=_initial(current))
    failing = _failing(org, standard)
    if request.method == "POST" and not failing:
        form.add_error(None, _("Er valt niets uit te leggen: u voldoet aan deze standaard."))
    if request.method == "POST" and form.is_valid():
        _save_version(form, org, standard, request.user)
        messages.success(request, _("De uitleg is opgeslagen en wacht op beoordeling."))
        return redirect("accounts:organisation", slug=org.slug)
    return render(
        request,
        "accounts/explain.html",
        {
            "organisation": org,
            "standard": standard,
            "label": queries.STANDARD_LABELS[standard],
            "failing": failing,
            "form": form,
            "versions": versions,
        },
        status=400 if request.method == "POST" else 200,
    )


def _initial(current: Explanation | None) -> dict:
    if current is None:
        return {}
    return {"reason": current.reason, "text": current.text, "comply_by": current.comply_by}


def _save_version(form: ExplanationForm, org, standard: str, user) -> Explanation:
    """Add the next version; two saving at once get different numbers or one error."""
    explanation = form.save(commit=False)
    explanation.organisation = org
    explanation.standard = standard
    explanation.author = user
    explanation.author_name = user.get_full_name() or user.email or user.get_username()
    for _attempt in range(3):
        latest = Explanation.objects.filter(organisation=org, standard=standard).first()
        explanation.version = (latest.version if latest else 0) + 1
        try:
            with transaction.atomic():
                explanation.save()
            return explanation
        except IntegrityError:
            explanation.pk = None
    raise IntegrityError("could not number the explanation's version")


@staff_member_required(login_url="accounts:login")
def review_queue(request: HttpRequest) -> HttpResponse:
    """New and changed explanations awaiting a decision, oldest first."""
    pending = (
        Explanation.objects.current()
        .filter(status=ReviewStatus.PENDING)
        .select_related("organisation")
        .order_by("created_at")
    )
    return render(
        request,
        "accounts/review_queue.html",
        {"pending": pending, "labels": queries.STANDARD_LABELS, "form": ReviewForm()},
    )


@staff_member_required(login_url="accounts:login")
@require_POST
def review(request: HttpRequest, explanation_id: int) -> HttpResponse:
    explanation = get_object_or_404(Explanation.objects.current(), pk=explanation_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("remark", []) + form.errors.get("decision", []):
            messages.error(request, error)
        return redirect("accounts:review_queue")
    accepted = form.cleaned_data["decision"] == ReviewForm.ACCEPT
    Explanation.objects.filter(pk=explanation.pk, status=ReviewStatus.PENDING).update(
        status=ReviewStatus.ACCEPTED if accepted else ReviewStatus.SENT_BACK,
        reviewed_by=request.user,
        reviewed_at=timezone.now(),
        review_remark=form.cleaned_data["remark"],
    )
    done = (
        _("Uitleg van %(organisation)s geaccepteerd.")
        if accepted
        else _("Uitleg van %(organisation)s teruggestuurd.")
    )
    messages.success(request, done % {"organisation": explanation.organisation})
    return redirect("accounts:review_queue")
