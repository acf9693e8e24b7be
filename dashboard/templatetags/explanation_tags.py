"""Template pieces of "pas toe of leg uit" for the dashboard's own pages: the scorecard's
explanations and the sector page's counts, each a separate include."""

from django import template
from django.utils import timezone

from accounts.states import State, counts_of_rows, current_explanations, state_of
from dashboard import queries

register = template.Library()


@register.filter
def get(mapping, key):
    return mapping.get(key, "") if mapping else ""


@register.inclusion_tag("accounts/_scorecard_explanations.html")
def scorecard_explanations(organisation, scan):
    """Per failing standard: the organisation's newest explanation and its state."""
    rows = queries.organisation_rows(scan, organisation_ids=[organisation.id]) if scan else []
    explanations = current_explanations([organisation.id])
    today = timezone.localdate()
    entries = []
    for standard in queries.TABLE_CHECKS:
        status = rows[0].checks[standard]["status"] if rows else ""
        explanation = explanations.get((organisation.id, standard))
        if status != "fail":
            continue
        entries.append(
            {
                "label": queries.STANDARD_LABELS[standard],
                "state": state_of(status, explanation, today),
                "explanation": explanation,
                "lapsed": explanation is not None and explanation.has_lapsed(today),
            }
        )
    return {"entries": entries, "State": State, "organisation": organisation}


@register.inclusion_tag("accounts/_sector_explanations.html")
def sector_explanations(scan, sector):
    """Per standard: how many of the sector's organisations apply, explain, or neither."""
    counts = counts_of_rows(queries.sector_organisation_rows(scan, sector)) if scan else {}
    return {
        "rows": [
            (queries.STANDARD_LABELS[standard], [counts[standard][s] for s in State.values])
            for standard in queries.TABLE_CHECKS
        ]
        if counts
        else [],
        "states": State.labels,
    }
