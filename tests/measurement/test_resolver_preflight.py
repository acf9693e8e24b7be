"""The resolver pre-flight against real resolvers: no scan through one that does not validate.

Besides the lab's validating Unbound, this module starts two real Unbound instances of its
own on loopback (validation off; validating under a trust anchor that is not the lab's
root), and asks the lab's NSD directly, as a scanner pointed at an authoritative server
would. No DNS is mocked.
"""

import subprocess
import sys
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from lab import addresses, unbound
from lab.zones import make_key
from measurement.models import DomainResult, Scan
from measurement.probe import preflight
from tests.measurement.scan_fixtures import lab_settings, register_scenarios


def _start_unbound(lab, tmp_path_factory, name: str, interface: str, **options):
    state = tmp_path_factory.mktemp(name)
    root_ds = options.pop("root_ds", (lab.state_dir / "root.ds").read_text().strip())
    config = unbound.write_config(state, root_ds, name=name, interface=interface, **options)
    out = (state / f"{name}.out").open("wb")
    process = subprocess.Popen(unbound.command(config), stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 15
    while preflight.check(interface).problem == "no_answer":
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"{name} did not start: {(state / f'{name}.log').read_text()}")
        time.sleep(0.2)
    return process


@pytest.fixture(scope="module")
def plain_resolver(lab, tmp_path_factory):
    """A real Unbound that resolves through the lab's root but does not validate."""
    process = _start_unbound(
        lab, tmp_path_factory, "plain", addresses.PLAIN_RESOLVER, validating=False
    )
    yield addresses.PLAIN_RESOLVER
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module")
def wrong_anchor_resolver(lab, tmp_path_factory):
    """A validating Unbound whose trust anchor is a key the lab's root does not use."""
    process = _start_unbound(
        lab,
        tmp_path_factory,
        "wrong-anchor",
        addresses.WRONG_ANCHOR_RESOLVER,
        root_ds=f". 3600 IN DS {make_key().ds('.')}",
    )
    yield addresses.WRONG_ANCHOR_RESOLVER
    process.terminate()
    process.wait(10)


def test_the_labs_validating_resolver_passes(lab):
    result = preflight.check(addresses.RESOLVER)
    assert result.usable, result.message
    assert result.answer.records


def test_a_resolver_with_validation_off_is_refused(plain_resolver):
    result = preflight.check(plain_resolver)
    assert result.problem == "not_validating"
    assert result.answer.rcode == "NOERROR" and result.answer.records  # it does resolve
    assert "without the AD bit" in result.message
    assert "validator iterator" in result.message  # how to fix it


def test_an_authoritative_server_asked_directly_is_refused(lab):
    result = preflight.check(addresses.AUTHORITATIVE)
    assert result.problem == "not_validating"


def test_a_resolver_that_cannot_validate_the_root_is_refused(wrong_anchor_resolver):
    result = preflight.check(wrong_anchor_resolver)
    assert result.problem == "cannot_validate"
    assert "trust anchor" in result.message


def test_a_resolver_that_does_not_answer_is_refused(lab):
    result = preflight.check(addresses.NO_RESOLVER, timeout=0.5)
    assert result.problem == "no_answer"
    assert addresses.NO_RESOLVER in result.message


@pytest.mark.django_db
def test_a_scan_through_a_non_validating_resolver_fails_at_once_and_stores_no_verdicts(
    lab, plain_resolver
):
    register_scenarios([lab.scenario("dane-ee"), lab.scenario("no-starttls")])
    settings = lab_settings(lab, SCANNER_RESOLVER=plain_resolver)
    started = time.monotonic()
    with override_settings(**settings), pytest.raises(CommandError, match="does not validate"):
        call_command("scan", "--no-progress", stdout=StringIO())
    assert time.monotonic() - started < 10
    scan = Scan.objects.get()
    assert scan.status == Scan.Status.FAILED
    assert "without the AD bit" in scan.failure_reason
    assert scan.domains_done == 0
    assert not DomainResult.objects.filter(judged_at__isnull=False).exists()
    assert not DomainResult.objects.exclude(dane="").exists()


@pytest.mark.django_db
def test_check_domain_refuses_a_non_validating_resolver(lab, plain_resolver):
    settings = lab_settings(lab, SCANNER_RESOLVER=plain_resolver)
    with override_settings(**settings), pytest.raises(CommandError, match="does not validate"):
        call_command("check_domain", "dane-ee.example", stdout=StringIO())


def test_the_pre_flight_runs_as_a_command_for_a_healthcheck(lab, plain_resolver):
    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "measurement.probe.preflight", *args],
            capture_output=True,
            text=True,
            timeout=30,
        )

    good = run(addresses.RESOLVER, "--port", "53")
    bad = run(plain_resolver)
    assert (good.returncode, bad.returncode) == (0, 1)
    assert "validates DNSSEC" in good.stdout
    assert "does not validate" in bad.stderr


@pytest.mark.django_db
def test_a_retest_on_the_workers_through_a_non_validating_resolver_fails_the_scan_not_the_page(
    client, lab, plain_resolver, django_capture_on_commit_callbacks
):
    from django.core.cache import cache
    from django.urls import reverse

    from measurement.models import Organisation

    cache.clear()
    register_scenarios([lab.scenario("dane-ee")])
    organisation = Organisation.objects.get(domains__name="dane-ee.example")
    # The pre-flight runs before anything is sent to the broker, so none needs to listen.
    settings = {
        **lab_settings(lab, SCANNER_RESOLVER=plain_resolver),
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
    }
    with override_settings(**settings), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dashboard:retest", args=[organisation.slug]))
    cache.clear()
    assert response.status_code == 302
    scan = Scan.objects.get()
    assert scan.status == Scan.Status.FAILED
    assert "does not validate" in scan.failure_reason
    assert not DomainResult.objects.filter(judged_at__isnull=False).exists()


@pytest.mark.django_db
def test_the_scheduled_scan_is_refused_before_anything_is_sent_to_the_workers(lab, plain_resolver):
    from measurement import tasks

    register_scenarios([lab.scenario("dane-ee")])
    # Celery beat's task, called as a worker would: the pre-flight runs before the first
    # `advance` is sent (without it, the tests' eager Celery would run the whole scan).
    settings = {
        **lab_settings(lab, SCANNER_RESOLVER=plain_resolver),
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
    }
    with override_settings(**settings), pytest.raises(preflight.ResolverNotUsable):
        tasks.scheduled_scan()
    scan = Scan.objects.get()
    assert (scan.kind, scan.status) == (Scan.Kind.SCHEDULED, Scan.Status.FAILED)
    assert "without the AD bit" in scan.failure_reason
    assert not DomainResult.objects.filter(judged_at__isnull=False).exists()
