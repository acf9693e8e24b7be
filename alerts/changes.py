"""What a scan made worse, per domain, compared with that domain's previous result.

Three kinds of change (issue 18): a standard that passed now fails; a mail server's
certificate that now expires within ALERT_EXPIRY_DAYS; a TLSA record that no longer
matches because the certificate was replaced. A domain's first result is no change.
The comparison is pure (changes_between); scan_changes fetches the pairs in batches.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import OuterRef, Subquery

from dashboard.queries import TABLE_CHECKS
from measurement.evaluate import evidence
from measurement.evaluate.evidence import HostEvidence
from measurement.models import DomainResult, Outcome, Scan

WORSE = "worse"
EXPIRING = "expiring"
TLSA_AFTER_NEW_CERTIFICATE = "tlsa_after_new_certificate"
TLSA_MISMATCH_REASONS = frozenset({"tlsa_no_match", "leaf_mismatch"})
BATCH = 500
_FIELDS = ("pk", "organisation_id", "sector", "domain_name", "judged_at", "reasons", "evidence")


@dataclass(frozen=True, slots=True)
class Change:
    organisation_id: int
    sector: str
    domain: str
    kind: str  # WORSE, EXPIRING or TLSA_AFTER_NEW_CERTIFICATE
    check: str  # the standard (WORSE), else the MX host
    reason: str  # a reason code of measurement.explanations, or the expiry date (EXPIRING)


def _hosts(result: dict) -> list[HostEvidence]:
    return evidence.read_verdicts(result.get("evidence")).hosts


def _certificates(host: HostEvidence) -> set[tuple]:
    """Identity of the certificates a host presented: expiry and names."""
    return {
        (address.certificate.not_after, tuple(address.certificate.names))
        for address in host.addresses
        if address.certificate
    }


def _expiring(host: HostEvidence, at: datetime, days: int) -> str:
    """The earliest expiry within `days` of `at` (ISO), or ""."""
    soon = [
        not_after
        for not_after, _names in _certificates(host)
        if not_after and datetime.fromisoformat(not_after) - at <= timedelta(days=days)
    ]
    return min(soon, default="")


def changes_between(previous: dict, current: dict, days: int) -> list[Change]:
    """The changes for the worse from one result to the next (dicts of _FIELDS and checks)."""
    found = []

    def change(kind: str, check: str, reason: str) -> None:
        found.append(
            Change(
                current["organisation_id"],
                current["sector"],
                current["domain_name"],
                kind,
                check,
                reason,
            )
        )

    before_hosts = {h.host: h for h in _hosts(previous)}
    replaced = set()
    for host in _hosts(current):
        before = before_hosts.get(host.host)
        if before is None:
            continue
        if _tlsa_after_new_certificate(before, host):
            replaced.add(host.host)
            reason = next(r for r in host.dane.reasons if r in TLSA_MISMATCH_REASONS)
            change(TLSA_AFTER_NEW_CERTIFICATE, host.host, reason)
        expiry = _expiring(host, current["judged_at"], days)
        if expiry and not _expiring(before, previous["judged_at"], days):
            change(EXPIRING, host.host, expiry)
    for check in TABLE_CHECKS:
        if previous[check] == Outcome.PASS and current[check] == Outcome.FAIL:
            if replaced and check in ("dane", "starttls_dane"):
                continue  # said more precisely by the TLSA change above
            change(WORSE, check, next(iter(current["reasons"].get(check) or ()), ""))
    return found


def _tlsa_after_new_certificate(before: HostEvidence, host: HostEvidence) -> bool:
    """DANE passed, and fails now on a TLSA mismatch because the certificate changed."""
    return (
        before.dane is not None
        and before.dane.outcome == Outcome.PASS
        and host.dane is not None
        and host.dane.outcome == Outcome.FAIL
        and bool(TLSA_MISMATCH_REASONS & set(host.dane.reasons))
        and _certificates(host) != _certificates(before)
    )


def scan_changes(scan: Scan) -> Iterator[Change]:
    """Every change for the worse in this scan, against each domain's previous result."""
    previous = (
        DomainResult.objects.filter(
            domain=OuterRef("domain"),
            judged_at__isnull=False,
            scan__created_at__lt=scan.created_at,
        )
        .order_by("-scan__created_at", "-pk")
        .values("pk")[:1]
    )
    pairs = list(
        DomainResult.objects.filter(
            scan=scan, methodology_version=scan.methodology_version, judged_at__isnull=False
        )
        .annotate(previous_id=Subquery(previous))
        .filter(previous_id__isnull=False)
        .order_by("pk")
        .values_list("pk", "previous_id")
    )
    days = settings.ALERT_EXPIRY_DAYS
    for start in range(0, len(pairs), BATCH):
        batch = dict(pairs[start : start + BATCH])
        rows = {
            row["pk"]: row
            for row in DomainResult.objects.filter(pk__in=[*batch, *batch.values()]).values(
                *_FIELDS, *TABLE_CHECKS
            )
        }
        for current_id, previous_id in batch.items():
            yield from changes_between(rows[previous_id], rows[current_id], days)
