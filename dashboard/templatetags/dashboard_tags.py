"""Template filters and tags of the dashboard: outcomes, figures and failure explanations."""

import json
from importlib import import_module

from django import template
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from dashboard import evidence, labels, language
from measurement.models import Outcome

register = template.Library()


@register.filter
def outcome_label(value: str) -> str:
    """The Dutch (or translated) label of an outcome code, a dash when there is none."""
    try:
        return Outcome(value).label
    except ValueError:
        return "–" if not value else value


@register.filter
def outcome_class(value: str) -> str:
    return f"outcome outcome-{value}" if value in Outcome.values else "outcome outcome-none"


@register.filter
def pct(value) -> str:
    """A percentage with one decimal in the active locale's notation, or a dash."""
    if value is None:
        return "–"
    # Cheaper than number_format(), which dominates pages with long tables.
    return f"{value:.1f}".replace(".", get_format("DECIMAL_SEPARATOR")) + "%"


@register.filter
def points(value) -> str:
    """A change in percentage points, signed, in the locale's notation: "+12,5 procentpunt"."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    number = f"{abs(value):.1f}".replace(".", get_format("DECIMAL_SEPARATOR"))
    return f"{sign}{number} " + str(_("procentpunt"))


@register.filter
def standard_label(check: str) -> str:
    """The label of a standard's code (starttls_dane -> "STARTTLS en DANE")."""
    from dashboard.queries import STANDARD_LABELS

    return str(STANDARD_LABELS.get(check, check))


@register.filter
def lookup(mapping, key):
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def pretty_json(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)


@register.inclusion_tag("dashboard/_figure.html")
def figure(value, show_organisations: bool = False):
    """A percentage with the number measured and the number not testable beside it."""
    return {"figure": value, "show_organisations": show_organisations}


def _explainer():
    try:
        return import_module("measurement.explanations").explain
    except (ImportError, AttributeError):
        return None


def _as_parts(explained) -> dict:
    """Normalise what explain() returns (text, mapping or object) for the template."""
    if explained is None:
        return {}
    if isinstance(explained, str):
        return {"text": explained}
    parts = {}
    for key in ("title", "what", "why", "fix", "record", "text", "summary"):
        value = explained.get(key) if isinstance(explained, dict) else getattr(explained, key, None)
        if value:
            parts[key] = str(value)
    return parts or {"text": str(explained)}


@register.simple_tag
def explain_reason(reason: str, check: str = "", card=None) -> dict:
    """The explanation and fix of one failure reason, or just its code when none exists.

    `card` (a queries.DomainCard) gives the domain and its typed evidence, from which the
    record to publish is computed. measurement.explanations is optional here so that the
    dashboard never breaks on it.
    """
    explain = _explainer()
    parts: dict = {}
    if explain is not None:
        context = {"check": check}
        if card is not None:
            context |= {"domain": card.domain.name, "evidence": card.evidence}
        try:
            parts = _as_parts(explain(reason, context))
        except Exception:  # noqa: BLE001 - an explanation must never break the page
            parts = {}
    return {"code": reason, **parts}


@register.filter
def leaf_certificate(observation):
    """The presented leaf certificate of a probe (an SmtpObservation), summarised."""
    return evidence.leaf_certificate(observation)


@register.filter
def tlsa_records(host) -> list[str]:
    """An MX host's TLSA records (a HostObservation) in presentation form."""
    return evidence.tlsa_records(host)


@register.filter
def dnssec_status(answer) -> str:
    """The DNSSEC status of a DNS answer in words (the status in brackets)."""
    status = evidence.dnssec_status(answer)
    return str(labels.DNSSEC_STATUSES.get(status, status))


@register.filter
def probe_outcome(code: str) -> str:
    """How a connection attempt ended, in words."""
    return str(labels.PROBE_OUTCOMES.get(code, code))


@register.filter
def verdict_details(stored, check: str) -> dict:
    """What the judgement stored for one check beyond its outcome and reasons (`stored`:
    a result's typed evidence)."""
    entry = stored.verdicts.check(check)
    return {"details": entry.details} if entry is not None and entry.details else {}


@register.filter
def lookup_attr(obj, name: str):
    return getattr(obj, name, None)


@register.simple_tag(takes_context=True)
def language_url(context, code: str) -> str:
    """This page (with its query string) in the language `code`: the language switch. The
    500 page has no request: there it is the home page in that language."""
    request = context.get("request")
    return language.language_url(request.get_full_path() if request else "/", code)
