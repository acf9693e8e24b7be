"""A whole scan, in-process, of every lab scenario: verdicts, storage and politeness."""

from collections import Counter

import pytest
from django.test import override_settings

from lab.pytest_plugin import skip_unless_reachable
from lab.scenarios import SCENARIOS
from measurement.models import Domain, DomainResult, HostResult, Organisation, Scan, SectorAggregate
from measurement.scan import door, store
from tests.measurement.scan_fixtures import (
    lab_settings,
    ours,
    overlapping_connections,
    own_source_address,
    register_scenarios,
)


@pytest.fixture(scope="module")
def scanned(lab, django_db_setup, django_db_blocker):
    """One round over the catalogue, kept for the whole module, removed afterwards.

    Observed in a child process, as large embedded scans are (SCANNER_PROCESS_MIN_DOMAINS).
    """
    source = own_source_address()
    settings = lab_settings(lab, SCANNER_SOURCE_ADDRESS=source, SCANNER_PROCESS_MIN_DOMAINS=1)
    with django_db_blocker.unblock(), override_settings(**settings):
        register_scenarios(lab.scenarios)
        scan = door.plan(kind=Scan.Kind.ROUND, name="Testronde")
        scan = door.run(scan.pk)
        log = ours(lab.connection_log(), source)
        yield scan, log
        Domain.objects.update(latest_result=None)
        Scan.objects.all().delete()
        Domain.objects.all().delete()
        Organisation.objects.all().delete()


@pytest.mark.django_db
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_every_catalogue_scenario_gets_its_expected_verdicts(lab, scanned, scenario):
    skip_unless_reachable(lab, scenario)
    scan, _ = scanned
    result = DomainResult.objects.get(scan=scan, domain_name=scenario.domain)
    got = {check: getattr(result, check) for check in scenario.expected}
    assert got == scenario.expected, result.reasons


@pytest.mark.django_db
def test_a_rua_with_an_unencoded_exclamation_point_is_invalid_not_missing(scanned):
    # RFC 8460 section 3: the record is served and read, but "rua=...!10m" is no rua.
    scan, _ = scanned
    result = DomainResult.objects.get(scan=scan, domain_name="tls-rpt-bang-size.example")
    assert result.reasons["tls_rpt"] == ["tls_rpt_invalid"]


@pytest.mark.django_db
def test_the_scan_finishes_with_every_domain_judged_exactly_once(scanned):
    scan, _ = scanned
    scan.refresh_from_db()
    assert scan.status == Scan.Status.FINISHED
    assert scan.domains_done == scan.domains_total == len(SCENARIOS)
    assert DomainResult.objects.filter(scan=scan, judged_at__isnull=True).count() == 0
    assert DomainResult.objects.filter(scan=scan).count() == len(SCENARIOS)


@pytest.mark.django_db
def test_each_host_and_address_is_probed_once_however_many_domains_share_it(scanned):
    scan, log = scanned
    pairs = list(HostResult.objects.filter(scan=scan).values_list("host", "address"))
    assert len(pairs) == len(set(pairs))
    # Shared providers: some pair serves several domains, yet it has one HostResult row.
    shared = Counter(
        (host["host"], address)
        for result in DomainResult.objects.filter(scan=scan)
        for host in result.evidence["observation"]["hosts"]
        for address in host["a"]["records"] + host["aaaa"]["records"]
    )
    assert max(shared.values()) > 1
    # The servers' own log: connections per address never exceed the attempts we recorded
    # and the TLS quality assessment's connections.
    attempts = Counter()
    for row in HostResult.objects.filter(scan=scan):
        attempts[row.address] += row.observation["attempts"]
        attempts[row.address] += (row.tls_quality or {}).get("connections", 0)
    connections = Counter(record.server for record in log)
    for address, count in connections.items():
        assert count <= attempts[address], address


@pytest.mark.django_db
def test_never_two_connections_to_one_address_at_once_and_never_mail_or_rcpt(scanned):
    _, log = scanned
    assert overlapping_connections(log) == []
    for record in log:
        verbs = {command.split()[0].upper() for command in record.commands if command.split()}
        assert not verbs & {"MAIL", "RCPT", "DATA"}, record
        assert not record.bytes_before_greeting, record


@pytest.mark.django_db
def test_a_round_is_frozen_with_a_checksum_over_its_results(scanned):
    scan, _ = scanned
    scan.refresh_from_db()
    assert scan.is_frozen
    assert scan.checksum == store.round_checksum(scan)
    batch = list(scan.domain_results.values_list("pk", flat=True)[:5])
    with pytest.raises(store.ScanFrozen):
        door.stream_batch(scan.pk, batch, "late-batch")


@pytest.mark.django_db
def test_aggregates_and_latest_results_are_stored_when_the_scan_finishes(scanned):
    scan, _ = scanned
    dane = SectorAggregate.objects.filter(
        scan=scan, check_name="dane", methodology_version=scan.methodology_version
    )
    assert sum(row.passed + row.failed + row.not_testable + row.not_applicable for row in dane) == (
        DomainResult.objects.filter(scan=scan).exclude(dane="error").count()
    )
    assert not Domain.objects.filter(latest_result__isnull=True).exists()
    assert all(d.latest_result.scan_id == scan.pk for d in Domain.objects.all())


@pytest.mark.django_db
def test_re_judging_adds_a_new_set_of_verdicts_and_keeps_the_old(scanned):
    scan, _ = scanned
    before = list(
        DomainResult.objects.filter(scan=scan, methodology_version=scan.methodology_version)
        .order_by("domain_name")
        .values_list("domain_name", "dane", "starttls")
    )
    judged = door.rejudge(scan.pk, "test-next")
    assert judged == len(SCENARIOS)
    after = list(
        DomainResult.objects.filter(scan=scan, methodology_version="test-next")
        .order_by("domain_name")
        .values_list("domain_name", "dane", "starttls")
    )
    assert after == before  # same code, same observations: same verdicts
    assert door.rejudge(scan.pk, "test-next") == 0
    assert SectorAggregate.objects.filter(scan=scan, methodology_version="test-next").exists()
