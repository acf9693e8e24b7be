"""A cast with known changes between rounds, for the progress figures and the comparison.

Four scans a year apart at most: the nulmeting (52 weeks ago), a weekly scan, a second
round (13 weeks ago) and today's weekly scan. Three gemeenten and one Rijk organisation:

- Gemeente Vooruit: two domains; DANE fails on both in the nulmeting, passes on both from
  the second round on (improved DANE and STARTTLS en DANE);
- Gemeente Achteruit: one domain; MTA-STS passes in the nulmeting, fails from the second
  round on (regressed MTA-STS);
- Gemeente Stilstand: one domain, the same verdicts in every scan;
- Ministerie van Gelijk: one domain at Microsoft 365, STARTTLS only, in every scan.
"""

import datetime

from django.utils import timezone

from measurement.models import Domain, DomainResult, Organisation, Outcome, Scan, Sector
from measurement.scan.store import store_aggregates

P, F = Outcome.PASS, Outcome.FAIL
ALL_PASS = dict.fromkeys(
    ("mx", "dnssec", "starttls", "dane", "dane_end_to_end", "dane_rollover", "starttls_dane",
     "mta_sts", "tls_rpt"), P,
)  # fmt: skip
STARTTLS_ONLY = {**dict.fromkeys(ALL_PASS, F), "mx": P, "starttls": P}
SCANS = (
    (52, Scan.Kind.ROUND, "Nulmeting 2025"),
    (26, Scan.Kind.SCHEDULED, ""),
    (13, Scan.Kind.ROUND, "Tweede meting 2026"),
    (0, Scan.Kind.SCHEDULED, ""),
)
# domain -> (organisation, sector, MX host, verdicts in the nulmeting, verdicts later)
DOMAINS = {
    "vooruit.nl": ("Gemeente Vooruit", Sector.GEMEENTE, "mx.vooruit.nl",
                   {**ALL_PASS, "dane": F, "starttls_dane": F, "dane_rollover": F}, ALL_PASS),
    "post.vooruit.nl": ("Gemeente Vooruit", Sector.GEMEENTE, "mx.vooruit.nl",
                        {**ALL_PASS, "dane": F, "starttls_dane": F}, ALL_PASS),
    "achteruit.nl": ("Gemeente Achteruit", Sector.GEMEENTE, "mx.achteruit.nl",
                     ALL_PASS, {**ALL_PASS, "mta_sts": F}),
    "stilstand.nl": ("Gemeente Stilstand", Sector.GEMEENTE, "mx1.gedeeld.nl",
                     STARTTLS_ONLY, STARTTLS_ONLY),
    "gelijk.nl": ("Ministerie van Gelijk", Sector.RIJK,
                  "gelijk-nl.mail.protection.outlook.com", STARTTLS_ONLY, STARTTLS_ONLY),
}  # fmt: skip


def build_progress_cast() -> list[Scan]:
    """Create the cast; returns the scans oldest first."""
    organisations, domains = {}, {}
    for name, (org_name, sector, _host, _before, _after) in DOMAINS.items():
        if org_name not in organisations:
            organisations[org_name] = Organisation.objects.create(
                name=org_name,
                sector=sector,
                source="manual",
                slug=org_name.lower().replace(" ", "-"),
            )
        domains[name] = Domain.objects.create(
            name=name, organisation=organisations[org_name], source="manual"
        )
    now = timezone.now()
    scans = []
    for index, (weeks, kind, label) in enumerate(SCANS):
        created = now - datetime.timedelta(weeks=weeks)
        scan = Scan.objects.create(
            kind=kind, name=label, status=Scan.Status.FINISHED, is_frozen=kind == Scan.Kind.ROUND,
            methodology_version="1.0", scanner_version="test", created_at=created,
            started_at=created, finished_at=created, domains_total=len(domains),
            domains_done=len(domains), checksum="cd" * 32 if kind == Scan.Kind.ROUND else "",
        )  # fmt: skip
        for name, domain in domains.items():
            _org, sector, host, before, after = DOMAINS[name]
            verdicts = before if index < 2 else after
            result = DomainResult.objects.create(
                scan=scan, domain=domain, domain_name=name, organisation=domain.organisation,
                sector=sector, methodology_version="1.0", judged_at=created,
                evidence={"mx": [{"preference": 10, "host": host}]}, **verdicts,
            )  # fmt: skip
            domain.latest_result = result
            domain.save(update_fields=["latest_result"])
        store_aggregates(scan, scan.methodology_version)
        scans.append(scan)
    return scans
