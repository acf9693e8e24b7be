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
