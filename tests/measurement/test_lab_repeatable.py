"""The lab is an instrument: two undisturbed scans of one scale lab give identical verdicts.

Before, "slow" scale hosts greeted after 12 s while the lab's greeting time-out was 12 s,
and two scans of 2,044 domains differed on 158. Every lab delay now stays well clear of
every time-out (tests/lab/test_scale.py checks the budget); this checks the outcome.
"""

import json
from collections import Counter

import pytest
from django.test import override_settings

from measurement.models import VERDICT_COLUMNS, Domain, Organisation, Scan
from measurement.scan import door
from tests.measurement.scan_fixtures import lab_settings


def _scan_verdicts() -> dict[str, tuple]:
    scan = door.plan(kind=Scan.Kind.FULL)
    scan = door.run(scan.pk)
    return {
        result.domain_name: tuple(getattr(result, column) for column in VERDICT_COLUMNS)
        for result in scan.domain_results.all()
    }


@pytest.mark.django_db
def test_two_scans_of_one_scale_lab_give_identical_verdicts(lab):
    domains = lab.scale_domains()
    assert len(domains) >= 60, "the tests' lab starts with scale domains (lab/pytest_plugin.py)"
    hosts = json.loads((lab.state_dir / "scale" / "hosts.json").read_text())
    assert {"silent", "refused", "421", "slow"} <= {h["fault"] for h in hosts}
    organisation = Organisation.objects.create(
        name="Schaalproef", sector="gemeente", source="manual", slug="schaalproef"
    )
    Domain.objects.bulk_create(
        [Domain(name=name, organisation=organisation, source="manual") for name in domains]
    )
    with override_settings(**lab_settings(lab)):
        first = _scan_verdicts()
        second = _scan_verdicts()
    assert len(first) == len(domains)
    differing = sorted(name for name in first if first[name] != second[name])
    assert differing == []
    # The scans saw the faults: STARTTLS both passed and could not be measured.
    starttls = Counter(verdicts[VERDICT_COLUMNS.index("starttls")] for verdicts in first.values())
    assert len(starttls) > 1, starttls
