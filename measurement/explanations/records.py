"""The records and files an explanation can hand over ready to publish: TLSA records for
the presented certificates, an MTA-STS record with its policy, a TLS-RPT record.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from measurement.evaluate.dane import presentation, tlsa_record_for
from measurement.explanations.policy_texts import POLICY_TEXTS

_TLSA_REASONS = {
    "no_tlsa",
    "no_usable_tlsa",
    "tlsa_no_match",
    "leaf_mismatch",
    "tlsa_insecure",
    "mx_host_unsigned",
}
_MTA_STS_POLICY_REASONS = {r for r in POLICY_TEXTS if r.startswith("mta_sts_")} - {
    "mta_sts_txt_bogus",
    "mta_sts_txt_lookup_failed",
    "mta_sts_not_observed",
    "mta_sts_policy_unreachable",
    "mta_sts_policy_not_fetched",
}
_TLS_RPT_REASONS = {"tls_rpt_missing", "tls_rpt_multiple", "tls_rpt_invalid"}


def record_for(reason: str, context: Mapping[str, Any]) -> str:
    """The record that fixes this reason, from what the context holds, or ""."""
    domain = context.get("domain", "")
    if reason in _TLSA_REASONS:
        return tlsa_records_to_publish(context)
    if reason in _MTA_STS_POLICY_REASONS and domain:
        return mta_sts_template(
            domain,
            context.get("mx_hosts", ()),
            context.get("policy_id", ""),
            mode="enforce" if context.get("mta_sts_mode") == "enforce" else "testing",
        )
    if reason in _TLS_RPT_REASONS and domain:
        return tls_rpt_template(domain, context.get("rua", ""))
    return ""


def tlsa_records_to_publish(context: Mapping[str, Any]) -> str:
    """'_25._tcp.<host>. IN TLSA 3 1 1 <hex>' lines for the presented leaf certificates."""
    lines = list(context.get("publish", ()))
    chain = context.get("chain")
    if not lines and chain:
        record = tlsa_record_for(tuple(chain))
        base = context.get("tlsa_base_domain") or context.get("host", "")
        if record and base:
            lines.append(f"_25._tcp.{base}. IN TLSA {presentation(record)}")
    return "\n".join(lines)


def mta_sts_template(
    domain: str, mx_hosts: Sequence[str], policy_id: str = "", *, mode: str = "testing"
) -> str:
    """The TXT record and the policy file covering every MX host.

    A new deployment starts in mode testing with a TLS-RPT record, and moves to enforce
    when the reports are clean, as operators are advised to do; a domain already in
    enforce keeps enforce.
    """
    policy_id = policy_id or "20260101T000000"
    mx_lines = "".join(f"mx: {host}\n" for host in mx_hosts) or f"mx: mail.{domain}\n"
    text = (
        f'_mta-sts.{domain}. IN TXT "v=STSv1; id={policy_id}"\n\n'
        f"https://mta-sts.{domain}/.well-known/mta-sts.txt (Content-Type: text/plain):\n"
        f"version: STSv1\nmode: {mode}\n{mx_lines}max_age: 604800\n"
    )
    if mode == "testing":
        text += f"\n{tls_rpt_template(domain)}\n"
    return text


def tls_rpt_template(domain: str, rua: str = "") -> str:
    rua = rua or f"mailto:tlsrpt@{domain}"
    return f'_smtp._tls.{domain}. IN TXT "v=TLSRPTv1; rua={rua}"'
