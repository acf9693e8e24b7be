"""A judged result goes into the database and comes back as the same types: the one
serialiser of what a scan stores (measurement.evaluate.evidence)."""

import dataclasses
import datetime

import pytest

from measurement.evaluate import evidence
from measurement.models import Domain, DomainResult, HostResult, Organisation, Scan
from measurement.probe.observations import Outcome, TlsaRecord
from measurement.scan import judging, store
from measurement.scan.sql import update_rows
from tests.dashboard.cast_evidence import self_signed
from tests.measurement.evaluate.observation_builders import domain_observation, host, probe

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def observation():
    der, spki_hash = self_signed("mx.example.nl")
    return domain_observation(
        [host("mx.example.nl", "192.0.2.1", (TlsaRecord(3, 1, 1, spki_hash),))],
        [probe("mx.example.nl", "192.0.2.1", (der,), banner="220 \x00 hostile")],
    )


@pytest.fixture
def result(db):
    organisation = Organisation.objects.create(name="Voorbeeld", source="manual", slug="v")
    domain = Domain.objects.create(name="example.nl", organisation=organisation, source="manual")
    scan = Scan.objects.create(methodology_version="t", scanner_version="t")
    return DomainResult.objects.create(
        scan=scan, domain=domain, domain_name=domain.name, organisation=organisation,
        sector=organisation.sector, methodology_version="t",
    )  # fmt: skip


def test_a_judged_result_reads_back_from_the_database_as_the_same_types(result, observation):
    shared = judging.SharedHosts()
    row = judging.judged_row(result.pk, observation, shared, measured_at=NOW, now=NOW)
    update_rows([row], store.JUDGED_FIELDS, model=DomainResult)
    result.refresh_from_db()
    stored = evidence.read(result.evidence)
    assert stored.observation == dataclasses.replace(observation, probes=())
    expected = judging.verdicts(observation, judging.SharedHosts(), measured_at=NOW)
    assert stored.verdicts.hosts == expected["hosts"]
    assert stored.verdicts.dane == expected["dane"]
    assert [(e.host, e.preference) for e in stored.mx] == [("mx.example.nl", 10)]


def test_a_stored_probe_reads_back_with_its_bytes_and_a_nul_as_text(result, observation):
    row = HostResult(scan=result.scan, host="mx.example.nl", address="192.0.2.1")
    store.fill_host_result(row, observation.probes[0])
    row.save()
    row.refresh_from_db()
    back = evidence.convert(row.observation, type(observation.probes[0]))
    assert back.outcome is Outcome.OK
    assert back.chain == observation.probes[0].chain
    assert back.banner == "220 \\x00 hostile"
