"""Observing beside the stream that judges and stores (measurement.scan.observer): in a
child process (large scans) or a thread (small ones).

Against the lab's real resolver and servers; the observer process is killed for real.
"""

import contextlib
import os
import pickle
import signal
from functools import partial

import pytest
from django.test import override_settings

from measurement.models import DomainResult, Scan
from measurement.probe.observations import (
    DnsAnswer,
    DnssecStatus,
    DomainObservation,
    HostObservation,
    MxHost,
    MxObservation,
    Outcome,
    SmtpObservation,
)
from measurement.scan import door, run, store
from measurement.scan import observer as stream
from measurement.scan.config import probe_config
from tests.measurement.scan_fixtures import lab_settings, register_scenarios


def observation(domain: str, host: HostObservation, probe: SmtpObservation) -> DomainObservation:
    answer = DnsAnswer(domain, "MX", "NOERROR", DnssecStatus.SECURE, (f"10 {host.host}.",))
    mx = MxObservation(domain=domain, answer=answer, hosts=(MxHost(10, host.host),))
    return DomainObservation(domain=domain, mx=mx, hosts=(host,), probes=(probe,))


def shared_host() -> tuple[HostObservation, SmtpObservation]:
    name = "mx.provider.example"
    answer = DnsAnswer(name, "A", "NOERROR", DnssecStatus.SECURE, ("192.0.2.1",))
    empty = DnsAnswer(name, "AAAA", "NOERROR", DnssecStatus.SECURE)
    host = HostObservation(host=name, a=answer, aaaa=empty, tlsa=empty, tlsa_base_domain=name)
    probe = SmtpObservation(host=name, address="192.0.2.1", outcome=Outcome.OK, chain=(b"\x30",))
    return host, probe


def test_a_shared_host_crosses_the_pipe_once_and_stays_one_object():
    host, probe = shared_host()
    writer, reader = stream.ChunkWriter(), stream.ChunkReader()
    first_blob = writer.dumps("chunk", [observation("a.example", host, probe)])
    second_blob = writer.dumps("chunk", [observation("b.example", host, probe)])
    _, first = reader.loads(first_blob)
    kind, second = reader.loads(second_blob)

    assert kind == "chunk"
    assert [o.domain for o in first + second] == ["a.example", "b.example"]
    assert first[0].hosts[0] is second[0].hosts[0]
    assert first[0].probes[0] is second[0].probes[0]
    assert second[0].hosts[0] == host and second[0].probes[0] == probe
    # The second chunk refers to the host by number: it carries the domain, not the host.
    assert len(second_blob) < len(first_blob)


def test_a_reference_to_an_object_never_sent_is_an_error_not_a_wrong_object():
    host, probe = shared_host()
    writer = stream.ChunkWriter()
    writer.dumps("chunk", [observation("a.example", host, probe)])  # lost on the way
    blob = writer.dumps("chunk", [observation("b.example", host, probe)])
    with pytest.raises(pickle.UnpicklingError, match="unknown shared object"):
        stream.ChunkReader().loads(blob)


def test_an_exception_that_cannot_be_pickled_still_reaches_the_parent_by_name():
    class Local(Exception):  # a local class: pickle cannot find it by name
        pass

    writer, reader = stream.ChunkWriter(), stream.ChunkReader()
    kind, error = reader.loads(writer.dumps("error", stream._picklable(Local("resolver gone"))))
    assert kind == "error"
    assert isinstance(error, RuntimeError)
    assert str(error) == "Local: resolver gone"
    _, kept = reader.loads(writer.dumps("error", stream._picklable(OSError(5, "I/O"))))
    assert isinstance(kept, OSError) and kept.errno == 5


def catalogue_domains(lab) -> list[str]:
    return [scenario.domain for scenario in lab.scenarios]


def observed_facts(observations) -> dict:
    return {
        o.domain: (
            o.mx.answer.rcode,
            tuple(h.host for h in o.hosts),
            tuple(sorted((p.host, p.address, p.outcome.value) for p in o.probes)),
        )
        for o in observations
    }


def test_the_child_process_observes_what_a_thread_observes(lab):
    domains = [d for d in catalogue_domains(lab) if "slow" not in d and "silent" not in d][:12]
    with override_settings(**lab_settings(lab)):
        config = probe_config()
    by_process = [o for chunk in stream.in_process(domains, config) for o in chunk]
    by_thread = [o for chunk in stream.in_thread(domains, config) for o in chunk]

    assert sorted(o.domain for o in by_process) == sorted(domains)
    assert observed_facts(by_process) == observed_facts(by_thread)
    assert any(o.probes for o in by_process)


def test_stopping_early_stops_the_observer_process(lab):
    with override_settings(**lab_settings(lab)):
        config = probe_config()
    chunks = stream.in_process(catalogue_domains(lab), config)
    next(chunks)
    child = next(p for p in stream.multiprocessing.active_children() if p.name == "scan-observer")
    chunks.close()
    assert not child.is_alive()


@pytest.mark.django_db
def test_a_killed_observer_process_fails_the_scan_and_keeps_what_was_stored(lab, monkeypatch):
    register_scenarios(lab.scenarios)
    store_chunk = run._store_chunk
    killed = []

    def store_then_kill(*args, **kwargs):
        stored = store_chunk(*args, **kwargs)
        if not killed:
            child = next(
                p for p in stream.multiprocessing.active_children() if p.name == "scan-observer"
            )
            os.kill(child.pid, signal.SIGKILL)  # the fault itself is real
            killed.append(child.pid)
        return stored

    # Only the moment of the kill is chosen by the test: right after the first chunk.
    monkeypatch.setattr(run, "_store_chunk", store_then_kill)
    with override_settings(**lab_settings(lab, SCANNER_PROCESS_MIN_DOMAINS=1)):
        scan = door.plan(kind=Scan.Kind.ON_DEMAND)
        with pytest.raises(stream.ObserverLost):
            door.run(scan.pk)

    scan.refresh_from_db()
    assert killed
    assert scan.status == Scan.Status.FAILED
    assert "observer process ended unexpectedly" in scan.failure_reason
    kept = DomainResult.objects.filter(scan=scan, judged_at__isnull=False).count()
    assert 0 < kept < len(lab.scenarios)
    assert scan.domains_done == kept


@contextlib.contextmanager
def note_pid(path):
    """A fork's setup that writes down which process ran it."""
    path.write_text(str(os.getpid()))
    yield {}


def test_a_forked_child_runs_the_setup_and_observes_what_a_thread_observes(lab, tmp_path):
    domains = [d for d in catalogue_domains(lab) if "slow" not in d and "silent" not in d][:12]
    with override_settings(**lab_settings(lab)):
        config = probe_config()
    assert stream.can_fork()  # else pytest left a thread behind, and this tests nothing
    pid_file = tmp_path / "pid"
    by_fork = [
        o for chunk in stream.in_fork(domains, config, partial(note_pid, pid_file)) for o in chunk
    ]
    by_thread = [o for chunk in stream.in_thread(domains, config) for o in chunk]

    assert int(pid_file.read_text()) != os.getpid()
    assert sorted(o.domain for o in by_fork) == sorted(domains)
    assert observed_facts(by_fork) == observed_facts(by_thread)


def test_a_failing_setup_reaches_the_parent_as_the_error_it_was(lab):
    @contextlib.contextmanager
    def broken():
        raise ConnectionError("database unreachable")
        yield {}

    with override_settings(**lab_settings(lab)):
        config = probe_config()
    with pytest.raises(ConnectionError, match="database unreachable"):
        list(stream.in_fork(catalogue_domains(lab), config, broken))


def test_stopping_early_ends_the_forked_child(lab, tmp_path):
    with override_settings(**lab_settings(lab)):
        config = probe_config()
    pid_file = tmp_path / "pid"
    chunks = stream.in_fork(catalogue_domains(lab), config, partial(note_pid, pid_file))
    next(chunks)
    child = int(pid_file.read_text())
    chunks.close()
    with pytest.raises(ChildProcessError):  # reaped: nothing of it is left
        os.waitpid(child, os.WNOHANG)
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)


CHILD_OF_A_KILLED_PARENT = """
import contextlib, os, sys, time
sys.path.insert(0, {repo!r})
from measurement.probe import engine
from measurement.scan import observer as stream

@contextlib.contextmanager
def setup():
    open({pid_file!r}, "w").write(str(os.getpid()))
    time.sleep(60)  # observing for a long time
    yield {{}}

for chunk in stream.in_fork(["a.example"], engine.ProbeConfig(), setup):
    pass
"""


def test_a_forked_child_dies_with_its_parent(tmp_path):
    import subprocess
    import sys
    import time
    from pathlib import Path

    pid_file = tmp_path / "pid"
    script = CHILD_OF_A_KILLED_PARENT.format(
        repo=str(Path(__file__).resolve().parents[2]), pid_file=str(pid_file)
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 20
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the child never started"
        time.sleep(0.05)
    child = int(pid_file.read_text())
    parent.kill()  # SIGKILL: the parent cannot clean up; the kernel tells the child
    parent.wait()
    while Path(f"/proc/{child}").exists() and "Z" not in _state(child):
        assert time.monotonic() < deadline, "the child outlived its parent"
        time.sleep(0.05)


def _state(pid: int) -> str:
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"  # gone meanwhile


@pytest.mark.django_db(transaction=True)  # the child's probe claims see committed rows
def test_a_worker_batch_whose_observer_is_killed_keeps_its_results_and_the_scan_running(
    lab, monkeypatch
):
    from measurement import tasks
    from measurement.scan.store import PENDING

    register_scenarios(lab.scenarios)
    forked, real_fork = [], os.fork

    def fork():
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    store_chunk = run._store_chunk

    def store_then_kill(*args, **kwargs):
        stored = store_chunk(*args, **kwargs)
        if forked and len(forked) == 1:
            os.kill(forked[0], signal.SIGKILL)  # the fault itself is real
            forked.append("killed")
        return stored

    # Only the moment of the kill is chosen by the test: right after the first chunk.
    monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr(run, "_store_chunk", store_then_kill)
    with override_settings(**lab_settings(lab, SCANNER_PROCESS_MIN_DOMAINS=1)):
        scan = store.start(door.plan(kind=Scan.Kind.ON_DEMAND).pk)
        ids = list(scan.domain_results.values_list("pk", flat=True))
        result = tasks.stream.apply(args=[scan.pk, ids], task_id="batch-1")

    assert forked[1:] == ["killed"]
    assert result.get() == 0  # given back, not failed: the next round streams the rest
    scan.refresh_from_db()
    assert scan.status == Scan.Status.RUNNING and not scan.failure_reason
    kept = DomainResult.objects.filter(scan=scan, judged_at__isnull=False).count()
    assert 0 < kept < len(ids)
    assert not scan.host_results.filter(outcome=PENDING, claimed_by="batch-1").exists()
