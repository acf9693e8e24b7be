"""Starting and stopping the lab: refusing taken addresses, cleaning up after a crash."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lab import control, processes
from lab.pytest_plugin import skip_unless_reachable

pytestmark = pytest.mark.lab

REPO = Path(__file__).resolve().parents[2]


def test_up_refuses_with_a_clear_message_when_an_address_is_taken(lab, tmp_path):
    # The session's lab holds 127.53.0.1:53, so a second lab in another state dir cannot start.
    with pytest.raises(processes.AddressInUse, match=r"127\.53\.0\.1 port 53/tcp is in use"):
        control.up(tmp_path / "second", control.UpOptions(postfix=False))
    assert not processes.recorded(tmp_path / "second")


def test_status_reports_the_running_processes_and_addresses(lab):
    result = subprocess.run(
        [sys.executable, "-m", "lab", "status"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "LAB_STATE_DIR": str(lab.state_dir)},
        timeout=30,
    )
    assert result.returncode == 0
    assert "unbound" in result.stdout and "running" in result.stdout
    assert "127.53.0.2:53 (validating)" in result.stdout
    assert "NOT RUNNING" not in result.stdout


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def test_down_after_a_crash_leaves_no_process_and_spares_strangers(tmp_path):
    state = tmp_path / "crashed"
    marker = str(state / "servers.json")
    # A parent that starts a child in its own process group, like NSD's server processes.
    script = (
        "import subprocess, sys, time;"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)', sys.argv[1]]);"
        "time.sleep(120)"
    )
    started = processes.start(
        state, "servers", [sys.executable, "-c", script, marker], marker, tmp_path / "out"
    )
    deadline = time.monotonic() + 10
    while len(processes.lingering({marker})) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    child = next(pid for pid in processes.lingering({marker}) if pid != started.pid)
    os.kill(started.pid, signal.SIGKILL)  # the crash: the parent dies, its pid file stays
    os.waitpid(started.pid, 0)
    # A stale pid file naming a process that is not ours (this test) must not be signalled.
    (processes.pid_dir(state) / "nsd.pid").write_text(
        json.dumps({"pid": os.getpid(), "marker": str(state / "nsd.conf")})
    )
    stopped = control.down(state)
    assert {p.name for p in stopped} == {"servers", "nsd"}
    deadline = time.monotonic() + 5
    while _alive(child):
        assert time.monotonic() < deadline, "the orphaned child survived down"
        time.sleep(0.05)
    assert not list(processes.pid_dir(state).glob("*.pid"))


def test_a_second_user_of_a_running_lab_does_not_stop_it(lab):
    state, users = control.attach(lab.state_dir)
    assert state == lab.state_dir
    assert control.detach(state, users) is False  # the session fixture still holds it
    assert control.healthy(lab.state_dir)


@pytest.mark.lab
def test_a_held_ipv6_port_drops_only_the_ipv6_listener_with_a_warning(lab, capsys):
    # The running lab's own servers hold [::1]:25: for a second start it is "another process".
    from lab.listeners import without_unavailable_ipv6

    listeners = [{"address": "::1", "port": 25}, {"address": "127.25.0.9", "port": 25}]
    kept, reason = without_unavailable_ipv6(listeners)
    assert kept == [{"address": "127.25.0.9", "port": 25}]
    assert "[::1]:25 is held by another process" in reason
    warning = capsys.readouterr().err
    assert "starts without its IPv6 listener" in warning and "ipv6-only" in warning


def test_a_lab_without_ipv6_says_which_scenarios_it_cannot_serve(lab):
    from dataclasses import replace

    without = replace(lab, ipv6_note="[::1]:25 is held by another process")
    assert not without.reachable(lab.scenario("ipv6-only"))
    assert without.reachable(lab.scenario("dane-ee"))
    with pytest.raises(pytest.skip.Exception) as skipped:
        skip_unless_reachable(without, lab.scenario("ipv6-only"))
    assert "needs the lab's IPv6 listener" in str(skipped.value)
