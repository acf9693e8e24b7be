"""Shared set-up for scan tests: settings that point the scanner at the lab, and a register."""

from django.utils.text import slugify

from measurement.models import Domain, Organisation

SECTORS = ("rijk", "provincie", "gemeente", "waterschap", "semi_publiek")


def lab_settings(lab, **overrides) -> dict:
    """The scanner settings for the lab: loopback allowed, the lab CA trusted, short waits.

    The greeting time-out stays above the slow-greeting scenario's 6 s delay.
    """
    return {
        "SCANNER_RESOLVER": lab.resolver,
        "SCANNER_RESOLVER_PORT": lab.resolver_port,
        "SCANNER_LAB_MODE": True,
        "SCANNER_TRUST_STORE": str(lab.ca_pem),
        "SCANNER_SMTP_PORT": lab.smtp_port,
        "SCANNER_HTTPS_PORT": lab.https_port,
        "SCANNER_GREETING_TIMEOUT": 8.0,
        "SCANNER_COMMAND_TIMEOUT": 4.0,
        "SCANNER_ADDRESS_GAP": 0.05,
        "SCANNER_RETRY_DELAY": 0.5,
        "CELERY_BROKER_URL": "",
        **overrides,
    }


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
