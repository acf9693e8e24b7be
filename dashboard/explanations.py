"""An organisation's "pas toe of leg uit" per standard as the API gives it (accounts/states.py
holds the rule)."""

from django.utils import timezone

from accounts.models import EXPLAINABLE_STANDARDS
from accounts.states import current_explanations, state_of
from dashboard.queries import organisation_rows


def organisation_explanations(organisation, scan) -> dict[str, dict]:
    """Per standard: the organisation's state in this scan and its newest explanation."""
    rows = organisation_rows(scan, organisation_ids=[organisation.id]) if scan else []
    explanations = current_explanations([organisation.id])
    today = timezone.localdate()
    fields = {}
    for standard in EXPLAINABLE_STANDARDS:
        explanation = explanations.get((organisation.id, standard))
        status = rows[0].checks[standard]["status"] if rows else ""
        fields[standard] = {
            "state": state_of(status, explanation, today) or None,
            "reason": explanation.reason if explanation else None,
            "comply_by": explanation.comply_by if explanation else None,
            "review": explanation.status if explanation else None,
        }
    return fields
