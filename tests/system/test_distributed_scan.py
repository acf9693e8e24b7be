"""Scans on real Celery workers over a real Redis and PostgreSQL, with crashes injected.

The services are private to this module (tests/system/services.py) so that crashing
them disturbs nothing else; the lab is the shared session lab. No beat runs: a scan
must recover from every fault by itself, not by the watchdog. After each fault every
domain is judged exactly once, with no duplicate rows, and the verdicts are those of
the undisturbed run on the same lab.
"""

import csv
import json
import subprocess
import time

import pytest

from config.lab import lab_scanner_settings
from lab.scenarios import SCENARIOS
from tests.measurement.scan_fixtures import ours, overlapping_connections, own_source_address
from tests.system.services import (
    PYTHON,
    REPO,
    CeleryWorkers,
    PrivatePostgres,
    PrivateRedis,
    manage,
    project_env,
)

SECTORS = ("rijk", "provincie", "gemeente", "waterschap", "semi_publiek")
SCAN_DEADLINE = 300  # seconds; a scan of the catalogue takes well under a minute

RESULTS = """
import json
from measurement.models import DomainResult, HostResult, Scan
scan = Scan.objects.get(pk={scan_id})
print(json.dumps({{
    "status": scan.status,
    "failure_reason": scan.failure_reason,
    "domains_total": scan.domains_total,
    "domains_done": scan.domains_done,
    "started": scan.started_at.timestamp(),
    "finished": scan.finished_at.timestamp() if scan.finished_at else None,
    "results": list(DomainResult.objects.filter(scan=scan).values(
        "domain_name", "judged_at", "mx", "starttls", "dane", "dnssec", "dane_end_to_end",
        "dane_rollover", "starttls_dane", "mta_sts", "mta_sts_mode", "tls_rpt", "tls_ncsc",
        "starttls_internetnl", "starttls_dane_internetnl")),
    "pairs": list(HostResult.objects.filter(scan=scan).values_list("host", "address", "outcome")),
    "details": {{r.host: [r.outcome, r.detail] for r in HostResult.objects.filter(scan=scan)}},
}}, default=str))
"""


@pytest.fixture(scope="module")
def system(lab, tmp_path_factory):
    base = tmp_path_factory.mktemp("system")
    postgres = PrivatePostgres().start()
    redis = PrivateRedis(base / "redis").start()
    source = own_source_address()
    settings = lab_scanner_settings(lab, SCANNER_SOURCE_ADDRESS=source)
    env = project_env(
        DATABASE_URL=postgres.url,
        CELERY_BROKER_URL=redis.url,
        CACHE_URL=redis.url.replace("/0", "/1"),
        VAR_DIR=str(base / "var"),
        SCANNER_STREAM_BATCHES="6",  # more batches than workers: they share the providers
        SCANNER_PROCESS_MIN_DOMAINS="1",  # every batch observes in a forked child, as large ones do
        CELERY_TASK_TIME_LIMIT="120",
        CELERY_TASK_SOFT_TIME_LIMIT="110",
        SCANNER_PROBE_LEASE="60",
        SCAN_RESUME_SECONDS="10",
        **{name: str(value) for name, value in settings.items()},
    )
    try:
        manage(env, "migrate", "--noinput")
        register = base / "register.csv"
        with register.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["organisation", "sector", "domain"])
            for index, scenario in enumerate(SCENARIOS):
                writer.writerow([f"Scenario {scenario.name}", SECTORS[index % 5], scenario.domain])
        manage(env, "import_organisations", "--format", "csv", str(register))
        workers = CeleryWorkers(env, count=2, log_dir=base / "celery", beat=False).start()
        yield {
            "env": env,
            "postgres": postgres,
            "redis": redis,
            "workers": workers,
            "source": source,
        }
    finally:
        if "workers" in locals():
            workers.stop()
        redis.stop()
        postgres.stop()


def _scan(env, *extra) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, str(REPO / "manage.py"), "scan", "--workers", "--no-progress", *extra],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen, workers) -> int:
    try:
        out, err = process.communicate(timeout=SCAN_DEADLINE)
    except subprocess.TimeoutExpired:
        process.kill()
        logs = workers.logs()[-5000:]
        raise AssertionError(f"scan did not finish in {SCAN_DEADLINE} s\n{logs}") from None
    assert process.returncode == 0, f"{out}\n{err}\n{workers.logs()[-5000:]}"
    return int(out.split()[1].rstrip(":"))  # "Meting <id>: <n> domeinen"


def _results(env, scan_id: int) -> dict:
    output = manage(env, "shell", "--no-imports", "-c", RESULTS.format(scan_id=scan_id))
    return json.loads(output.strip().splitlines()[-1])


def _assert_complete_and_correct(data):
    assert data["status"] == "finished", data["failure_reason"]
    assert data["domains_total"] == len(SCENARIOS)
    # Judged exactly once: one row per domain, each judged, the progress counted once each.
    names = [row["domain_name"] for row in data["results"]]
    assert sorted(names) == sorted(s.domain for s in SCENARIOS)
    assert all(row["judged_at"] for row in data["results"])
    assert data["domains_done"] == data["domains_total"]
    pairs = [(host, address) for host, address, _ in data["pairs"]]
    assert len(pairs) == len(set(pairs))
    assert "pending" not in {outcome for _, _, outcome in data["pairs"]}
    by_domain = {row["domain_name"]: row for row in data["results"]}
    for scenario in SCENARIOS:
        got = {check: by_domain[scenario.domain][check] for check in scenario.expected}
        host = scenario.mx_hosts[0] if scenario.mx_hosts else ""
        assert got == scenario.expected, (scenario.name, data["details"].get(host))


def _assert_polite(lab, data, source):
    records = [r for r in ours(lab.connection_log(), source) if r.start >= data["started"]]
    assert records, "the lab saw our workers' connections"
    assert overlapping_connections(records) == [], "two workers on one address at once"


UNDISTURBED: dict[str, dict] = {}  # the verdicts of the undisturbed run, per domain


def _verdicts(data) -> dict[str, dict]:
    return {
        row["domain_name"]: {k: v for k, v in row.items() if k not in ("domain_name", "judged_at")}
        for row in data["results"]
    }


def _wait_for_a_busy_stream(workers) -> list[int]:
    deadline = time.monotonic() + 60
    while not (busy := workers.busy_stream_processes()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert busy, f"no stream ran within 60 s\n{workers.logs()[-3000:]}"
    time.sleep(1.0)  # well into its domains
    return busy


def _assert_as_undisturbed(data):
    _assert_complete_and_correct(data)
    assert UNDISTURBED, "the undisturbed run comes first"
    assert _verdicts(data) == UNDISTURBED


def test_a_scan_on_two_workers_gives_every_expected_verdict_and_stays_polite(system, lab):
    scan_id = _finish(_scan(system["env"]), system["workers"])
    data = _results(system["env"], scan_id)
    _assert_complete_and_correct(data)
    _assert_polite(lab, data, system["source"])
    UNDISTURBED.update(_verdicts(data))


def test_a_scan_survives_sigkill_of_the_pool_process_running_a_stream(system, lab):
    workers = system["workers"]
    process = _scan(system["env"])
    _wait_for_a_busy_stream(workers)
    killed = workers.kill_a_busy_child()
    assert killed, "a pool process was running a stream"
    data = _results(system["env"], _finish(process, workers))
    _assert_as_undisturbed(data)
    _assert_polite(lab, data, system["source"])


def test_a_scan_survives_redis_losing_its_data(system, lab):
    workers = system["workers"]
    process = _scan(system["env"])
    _wait_for_a_busy_stream(workers)
    system["redis"].lose_data()  # queued streams, the round's chord: all gone
    data = _results(system["env"], _finish(process, workers))
    _assert_as_undisturbed(data)


def test_a_scan_survives_an_immediate_postgresql_restart(system, lab):
    workers = system["workers"]
    process = _scan(system["env"])
    _wait_for_a_busy_stream(workers)
    system["postgres"].restart(mode="immediate")
    data = _results(system["env"], _finish(process, workers))
    _assert_as_undisturbed(data)
