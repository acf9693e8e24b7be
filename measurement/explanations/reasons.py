"""Explain a verdict reason: what is wrong, why it matters, how to fix it, and the record
to publish where we can compute it.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from measurement.explanations.certificate_texts import CERTIFICATE_TEXTS
from measurement.explanations.dane_texts import DANE_TEXTS
from measurement.explanations.explanation import Explanation
from measurement.explanations.mx_texts import MX_TEXTS
from measurement.explanations.policy_texts import POLICY_TEXTS
from measurement.explanations.records import record_for
from measurement.explanations.starttls_texts import STARTTLS_TEXTS
from measurement.explanations.tls_texts import TLS_TEXTS, explain_tls_finding

_TEXTS = MX_TEXTS | STARTTLS_TEXTS | DANE_TEXTS | CERTIFICATE_TEXTS | POLICY_TEXTS | TLS_TEXTS
REASONS = frozenset(_TEXTS)


def explain(reason: str, context: Mapping[str, Any] | None = None) -> Explanation:
    """The explanation of one reason code; context supplies what the record needs.

    Context keys used: domain; publish (lines 'owner IN TLSA ...'), or host/tlsa_base_domain
    with chain (DER, leaf first); mx_hosts; policy_id; rua. A stored DomainResult.evidence
    under "evidence" (with "check") supplies publish and mx_hosts when they are absent.
    """
    context = _with_evidence(context or {})
    if (finding := explain_tls_finding(reason, context)) is not None:
        return finding  # with what was seen and the exact configuration lines
    code, _sep, argument = reason.partition(":")  # "certificate_extension_rejected:<name>"
    title, why, fix = _TEXTS.get(
        code,
        (_("Onbekende reden"), _("Deze reden heeft nog geen uitleg."), _("Neem contact op.")),
    )
    title = str(title)
    if "%(extension)s" in title:
        title = title % {"extension": argument or "?"}
    return Explanation(title, str(why), str(fix), record_for(code, context))


def _with_evidence(context: Mapping[str, Any]) -> Mapping[str, Any]:
    verdicts = (context.get("evidence") or {}).get("verdicts")
    if not isinstance(verdicts, Mapping):
        return context
    filled = dict(context)
    filled["domain"] = context.get("domain") or verdicts.get("domain", "")
    hosts = (verdicts.get("mx") or {}).get("details", {}).get("hosts", [])
    filled.setdefault("mx_hosts", [h["host"] for h in hosts if isinstance(h, Mapping)])
    filled.setdefault("mta_sts_mode", verdicts.get("mta_sts_mode", ""))
    check = verdicts.get(context.get("check") or "dane") or {}
    publish = (check.get("details") or {}).get("publish") or (
        (verdicts.get("dane") or {}).get("details", {}).get("publish", [])
    )
    filled.setdefault("publish", publish)
    tls = (verdicts.get("tls_ncsc") or {}).get("details") or {}
    filled.setdefault("findings", tls.get("findings", ()))
    return filled


def explain_stored(verdicts: Mapping[str, Any]) -> dict[str, list[Explanation]]:
    """Explanations for every failing or untestable check of a stored DomainVerdicts dict."""
    domain = verdicts.get("domain", "")
    mx_hosts = [h["host"] for h in verdicts.get("mx", {}).get("details", {}).get("hosts", [])]
    result: dict[str, list[Explanation]] = {}
    for check, stored in verdicts.items():
        if not isinstance(stored, Mapping) or "reasons" not in stored:
            continue
        details = stored.get("details") or {}
        context = {
            "domain": domain,
            "mx_hosts": mx_hosts,
            "publish": details.get("publish", ()),
            "findings": details.get("findings", ()),
            "mta_sts_mode": verdicts.get("mta_sts_mode", ""),
        }
        result[check] = [explain(reason, context) for reason in stored["reasons"]]
    return result
