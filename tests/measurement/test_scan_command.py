"""`manage.py scan`: scope, kinds and refusals."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from measurement.models import Scan
from tests.measurement.scan_fixtures import lab_settings, register_scenarios

pytestmark = pytest.mark.django_db


def _scan(*args) -> str:
    out = StringIO()
    call_command("scan", "--no-progress", *args, stdout=out)
    return out.getvalue()


def test_a_round_covers_the_whole_register_and_refuses_a_scope():
    with pytest.raises(CommandError, match="whole register"):
        _scan("--round", "Nulmeting 2026", "--sector", "gemeente")
    assert not Scan.objects.exists()


def test_an_invalid_domain_is_refused_before_anything_is_planned():
    with pytest.raises(CommandError, match="leeg label"):
        _scan("--domain", "a..nl")
    assert not Scan.objects.exists()


def test_one_domain_is_scanned_on_demand_and_a_whole_register_scan_counts_as_full(lab):
    register_scenarios([lab.scenario("dane-ee"), lab.scenario("no-starttls")])
    with override_settings(**lab_settings(lab)):
        _scan("--domain", "DANE-EE.example.")
        _scan()
    one, full = Scan.objects.order_by("pk")
    assert (one.kind, one.domains_total, one.status) == ("on_demand", 1, "finished")
    assert (full.kind, full.domains_total, full.status) == ("full", 2, "finished")
    assert full.domain_results.get(domain_name="dane-ee.example").dane == "pass"
    assert full.domain_results.get(domain_name="no-starttls.example").starttls == "fail"


@pytest.mark.parametrize("observer", ["thread", "fork"])
@pytest.mark.django_db(transaction=True)  # the batches' probe threads see committed rows
def test_streaming_batches_share_a_provider_probe_instead_of_probing_it_again(
    lab, observer, monkeypatch
):
    from measurement.scan import door, observer, store
    from tests.measurement.scan_fixtures import ours, own_source_address

    forks, finished = [], []
    monkeypatch.setattr(observer, "in_fork", _counted(observer.in_fork, forks))
    monkeypatch.setattr(door, "scan_finished", lambda scan: finished.append(scan.pk))
    register_scenarios(
        [lab.scenario("unsigned-domain-dane-provider"), lab.scenario("shared-provider")]
    )
    source = own_source_address()
    minimum = 1 if observer == "fork" else 1000
    settings = lab_settings(lab, SCANNER_SOURCE_ADDRESS=source, SCANNER_PROCESS_MIN_DOMAINS=minimum)
    with override_settings(**settings):
        scan = store.start(door.plan().pk)
        first, second = scan.domain_results.order_by("domain_name").values_list("pk", flat=True)
        assert door.stream_batch(scan.pk, [first], "batch-1") == 1
        assert door.stream_batch(scan.pk, [second], "batch-2") == 1
    provider = scan.host_results.get()  # one row: mx.hosting.example
    assert provider.claimed_by == "batch-1"
    # The probe and its TLS quality assessment, by batch-1 only.
    connections = [r for r in ours(lab.connection_log(), source) if r.server == provider.address]
    assert provider.tls_quality["connections"] > 0
    assert len(connections) == 1 + provider.tls_quality["connections"]
    assert set(scan.domain_results.values_list("dane", flat=True)) == {"pass"}
    assert len(forks) == (2 if observer == "fork" else 0)
    scan.refresh_from_db()
    assert (scan.domains_done, scan.hosts_done) == (2, 1)
    # The stream that judged the last domain finished the scan, without a round's callback.
    assert scan.status == "finished"
    assert finished == [scan.pk]


def _counted(function, calls: list):
    def counted(*args, **kwargs):
        calls.append(args)
        return function(*args, **kwargs)

    return counted


@pytest.mark.django_db(transaction=True)
def test_a_large_batch_inside_a_transaction_observes_in_a_thread_and_says_so(
    lab, monkeypatch, caplog
):
    from django.db import transaction

    from measurement.scan import door, observer, store

    forks = []
    monkeypatch.setattr(observer, "in_fork", _counted(observer.in_fork, forks))
    # A domain without mail: no probe claims, which SQLite would not let a second
    # connection write while this transaction is open.
    register_scenarios([lab.scenario("null-mx")])
    with override_settings(**lab_settings(lab, SCANNER_PROCESS_MIN_DOMAINS=1)):
        scan = store.start(door.plan().pk)
        [pk] = scan.domain_results.values_list("pk", flat=True)
        with transaction.atomic():  # closing the connection for a fork would end it
            assert door.stream_batch(scan.pk, [pk], "batch-1") == 1
    assert forks == []
    assert "observed in a thread" in caplog.text
    assert scan.domain_results.get().mx == "not_applicable"
