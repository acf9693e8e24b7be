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
