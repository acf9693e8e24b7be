"""Shared set-up for scan tests: settings that point the scanner at the lab, and a register."""

from django.utils.text import slugify

from config.lab import lab_scanner_settings
from measurement.models import Domain, Organisation

SECTORS = ("rijk", "provincie", "gemeente", "waterschap", "semi_publiek")


def lab_settings(lab, **overrides) -> dict:
    """The lab's scanner settings, scans in-process unless a test says otherwise."""
    return lab_scanner_settings(lab, CELERY_BROKER_URL="", **overrides)


def register_scenarios(scenarios) -> list[Domain]:
    """One organisation per scenario, spread over the sectors, each owning its domain."""
    domains = []
    for index, scenario in enumerate(scenarios):
        name = f"Scenario {scenario.name}"
        organisation = Organisation.objects.create(
            name=name,
            sector=SECTORS[index % len(SECTORS)],
            source="manual",
            slug=slugify(name),
        )
        domains.append(
            Domain.objects.create(name=scenario.domain, organisation=organisation, source="manual")
        )
    return domains


def ours(log, scan, ehlo: str) -> list:
    """The lab's SMTP connection records of this scan: other test runs may share the lab.

    A connection that reached EHLO carries our EHLO name; one that never did (a silent
    server) is attributed by time.
    """
    start, end = scan.started_at.timestamp(), scan.finished_at.timestamp()
    return [
        record
        for record in log
        if record.protocol == "smtp"
        and start <= record.start <= end
        and (
            any(c.upper().startswith(("EHLO ", "HELO ")) and ehlo in c for c in record.commands)
            or not any(c.upper().startswith(("EHLO ", "HELO ")) for c in record.commands)
        )
    ]
