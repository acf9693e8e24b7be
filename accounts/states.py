"""Per organisation and standard: applies, explains (accepted), explains (pending), or neither.

One rule, used by the scorecard, the sector pages, the exports and the API (the
dashboard's pages read it; this module reads nothing of the dashboard). Only a
measured verdict has a state: an organisation whose domains all pass applies the
standard; one with a failing domain explains it when its newest explanation is accepted
or awaiting review and has not lapsed, else neither.
"""

from collections.abc import Iterable
from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import EXPLAINABLE_STANDARDS, Explanation, ReviewStatus
from measurement.models import Outcome


class State(models.TextChoices):
    APPLIES = "applies", _("past toe")
    EXPLAINED_ACCEPTED = "explained_accepted", _("legt uit (geaccepteerd)")
    EXPLAINED_PENDING = "explained_pending", _("legt uit (in behandeling)")
    NEITHER = "neither", _("geen van beide")


def state_of(status: str, explanation: Explanation | None, today: date) -> str:
    """The state of one verdict status (pass, fail, ...) with its newest explanation."""
    if status == Outcome.PASS:
        return State.APPLIES
    if status != Outcome.FAIL:
        return ""  # not measured: not_testable, not_applicable, no domains
    if explanation is None or explanation.has_lapsed(today):
        return State.NEITHER
    if explanation.status == ReviewStatus.ACCEPTED:
        return State.EXPLAINED_ACCEPTED
    if explanation.status == ReviewStatus.PENDING:
        return State.EXPLAINED_PENDING
    return State.NEITHER


def current_explanations(
    organisation_ids: Iterable[int] | None = None,
) -> dict[tuple[int, str], Explanation]:
    """The newest explanation per (organisation id, standard)."""
    explanations = Explanation.objects.current()
    if organisation_ids is not None:
        explanations = explanations.filter(organisation_id__in=list(organisation_ids))
    return {(e.organisation_id, e.standard): e for e in explanations}


def states_of_rows(rows, today: date | None = None) -> dict[tuple[int, str], str]:
    """States per (organisation id, standard) of dashboard OrganisationRows."""
    today = today or timezone.localdate()
    explanations = current_explanations(row.id for row in rows)
    return {
        (row.id, standard): state_of(
            row.checks[standard]["status"], explanations.get((row.id, standard)), today
        )
        for row in rows
        for standard in EXPLAINABLE_STANDARDS
    }


def counts_of_rows(rows, today: date | None = None) -> dict[str, dict[str, int]]:
    """Per standard: how many organisations apply, explain (accepted/pending), or neither."""
    counts = {standard: dict.fromkeys(State.values, 0) for standard in EXPLAINABLE_STANDARDS}
    for (_organisation, standard), state in states_of_rows(rows, today).items():
        if state:
            counts[standard][state] += 1
    return counts
