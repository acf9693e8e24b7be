"""Shared set-up for scan tests: settings that point the scanner at the lab, and a register."""

import random

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


def own_source_address() -> str:
    """A loopback source address for one test's probes: the lab's log tells them apart."""
    return f"127.77.{random.randrange(256)}.{random.randrange(1, 255)}"


def ours(log, source: str) -> list:
    """The lab's SMTP connection records made from `source`: other test runs share the lab."""
    return [record for record in log if record.protocol == "smtp" and record.peer == source]


def overlapping_connections(records) -> list[str]:
    """Addresses that had two connections open at once, from the servers' own log."""
    by_address: dict[str, list] = {}
    for record in records:
        by_address.setdefault(record.server, []).append(record)
    overlapping = []
    for address, connections in by_address.items():
        connections.sort(key=lambda r: r.start)
        if any(
            later.start < earlier.end
            for earlier, later in zip(connections, connections[1:], strict=False)
        ):
            overlapping.append(address)
    return overlapping
