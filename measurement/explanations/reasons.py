"""Explain a verdict reason: what is wrong, why it matters, how to fix it, and the record
to publish where we can compute it.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from measurement.evaluate import evidence
from measurement.evaluate.outcomes import DOMAIN_CHECKS
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
    with chain (DER, leaf first); mx_hosts; policy_id; rua. A result's typed evidence
    (measurement.evaluate.evidence.Evidence) under "evidence", with "check", supplies
    publish and mx_hosts when they are absent.
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
    stored: evidence.Evidence | None = context.get("evidence")
    if stored is None:
        return context
    verdicts = stored.verdicts
    filled = dict(context)
    filled["domain"] = context.get("domain") or verdicts.domain
    filled.setdefault("mx_hosts", _tested_mx_hosts(verdicts))
    filled.setdefault("mta_sts_mode", verdicts.mta_sts_mode)
    check = verdicts.check(context.get("check") or "dane")
    dane = verdicts.check("dane")
    publish = (check.details.get("publish") if check else None) or (
        dane.details.get("publish", []) if dane else []
    )
    filled.setdefault("publish", publish)
    tls = verdicts.check("tls_ncsc")
    filled.setdefault("findings", tls.details.get("findings", ()) if tls else ())
    return filled


def _tested_mx_hosts(verdicts: evidence.VerdictsEvidence) -> list[str]:
    """The MX hosts the judgement tested (the mx check's details), by preference."""
    mx = verdicts.check("mx")
    hosts = evidence.convert(mx.details.get("hosts", []), list[evidence.MxEntry], []) if mx else []
    return [entry.host for entry in hosts]


def explain_stored(verdicts: evidence.VerdictsEvidence) -> dict[str, list[Explanation]]:
    """Explanations for every check of stored verdicts, by check (pass: none)."""
    mx_hosts = _tested_mx_hosts(verdicts)
    result: dict[str, list[Explanation]] = {}
    for check in DOMAIN_CHECKS:
        stored = verdicts.check(check)
        if stored is None:
            continue
        context = {
            "domain": verdicts.domain,
            "mx_hosts": mx_hosts,
            "publish": stored.details.get("publish", ()),
            "findings": stored.details.get("findings", ()),
            "mta_sts_mode": verdicts.mta_sts_mode,
        }
        result[check] = [explain(reason, context) for reason in stored.reasons]
    return result
