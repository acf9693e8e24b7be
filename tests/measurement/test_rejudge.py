"""`manage.py rejudge`: a scan stored under an older methodology is judged again, from its
stored observations, under the current one (docs/methodology.md, history)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from measurement.evaluate.verdicts import METHODOLOGY_VERSION
from measurement.models import DomainResult, Scan, SectorAggregate
from measurement.scan import door
from tests.measurement.scan_fixtures import lab_settings, register_scenarios

CHANGED_BY_2026_2 = ("bogus-zone", "ds-mismatch", "tlsa-stale-sha512", "tls-rpt-two-rua")


@pytest.mark.django_db
def test_rejudge_brings_a_2026_1_scan_to_the_current_methodology(lab):
    scenarios = [lab.scenario(name) for name in CHANGED_BY_2026_2]
    register_scenarios(scenarios)
    with override_settings(**lab_settings(lab)):
        scan = door.run(door.plan().pk)
    # Make it a scan judged under 2026.1: the old verdicts are wrong on purpose, so the
    # new ones can only come from the stored observations.
    Scan.objects.filter(pk=scan.pk).update(methodology_version="2026.1")
    DomainResult.objects.filter(scan=scan).update(
        methodology_version="2026.1", dane="error", tls_rpt="error"
    )
    out = StringIO()
    call_command("rejudge", scan.pk, stdout=out)
    assert f"{len(scenarios)} domains judged under {METHODOLOGY_VERSION}" in out.getvalue()
    current = DomainResult.objects.filter(scan=scan, methodology_version=METHODOLOGY_VERSION)
    for scenario in scenarios:
        result = current.get(domain_name=scenario.domain)
        got = {check: getattr(result, check) for check in scenario.expected}
        assert got == scenario.expected, (scenario.name, result.reasons)
    assert current.get(domain_name="bogus-zone.example").reasons["dane"] == ["mx_bogus"]
    old = DomainResult.objects.filter(scan=scan, methodology_version="2026.1")
    assert set(old.values_list("dane", flat=True)) == {"error"}  # never overwritten
    assert SectorAggregate.objects.filter(scan=scan, methodology_version=METHODOLOGY_VERSION)
