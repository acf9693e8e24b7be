""".ci/run leaves the machine as it found it.

The real script runs with a real Redis; only the commands that would change the machine
or take twenty minutes are stand-ins on PATH (dpkg and apt-get: a package install cannot
be done in a test; pg_isready; make: records what the tests would have been given), and
policy-rc.d is written to a path of the test's own instead of /usr/sbin.
"""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

STUBS = {
    # One package "missing", so the install path (and policy-rc.d) is taken.
    "dpkg": '[ "$2" = nsd ] && exit 1; exit 0',
    "apt-get": '[ "$1" = install ] && { [ -x "$POLICY_RC_D" ] && echo present || echo absent; }'
    ' > "$RECORD/policy-during-install"; exit 0',
    "pg_isready": "exit 0",
    "make": 'echo "$DATABASE_URL" > "$RECORD/database"; echo "$REDIS_URL" > "$RECORD/redis";'
    " port=${REDIS_URL##*:}; port=${port%%/*};"
    ' redis-cli -p "$port" info server | sed -n "s/^process_id:\\([0-9]*\\).*/\\1/p"'
    ' > "$RECORD/redis-pid"',
}


def _run_ci(tmp_path: Path, name: str) -> Path:
    record = tmp_path / name
    record.mkdir()
    stubs = tmp_path / "bin"
    stubs.mkdir(exist_ok=True)
    for command, body in STUBS.items():
        (stubs / command).write_text(f"#!/bin/sh\n{body}\n")
        (stubs / command).chmod(0o755)
    environment = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")
    }
    environment |= {
        "PATH": f"{stubs}:{os.environ['PATH']}",
        "RECORD": str(record),
        "POLICY_RC_D": str(tmp_path / "policy-rc.d"),
    }
    run = subprocess.run(
        ["bash", str(ROOT / ".ci" / "run")], env=environment, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    return record


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text()


@pytest.fixture
def stranger(tmp_path):
    """A Redis server CI did not start: it must outlive the run."""
    process = subprocess.Popen(
        [
            "redis-server",
            *("--port", "0", "--unixsocket", str(tmp_path / "stranger.sock")),
            *("--save", "", "--appendonly", "no", "--dir", str(tmp_path)),
        ],
        stdout=subprocess.DEVNULL,
    )
    yield process
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)


def test_ci_stops_only_what_it_started_and_restores_policy_rc_d(tmp_path, stranger):
    record = _run_ci(tmp_path, "first")
    own_redis = int((record / "redis-pid").read_text())
    deadline = time.monotonic() + 10
    while _alive(own_redis) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(own_redis)  # its own Redis is stopped by its pid file
    assert stranger.poll() is None  # the Redis it did not start still runs
    assert (record / "policy-during-install").read_text().strip() == "present"
    assert not (tmp_path / "policy-rc.d").exists()  # and gone again afterwards


def test_a_policy_rc_d_that_was_there_before_stays(tmp_path):
    policy = tmp_path / "policy-rc.d"
    policy.write_text("#!/bin/sh\nexit 0\n")
    policy.chmod(0o755)
    _run_ci(tmp_path, "run")
    assert policy.read_text() == "#!/bin/sh\nexit 0\n"


def test_two_runs_use_a_database_and_a_redis_of_their_own(tmp_path):
    first, second = _run_ci(tmp_path, "first"), _run_ci(tmp_path, "second")
    assert (first / "database").read_text() != (second / "database").read_text()
    assert "mailbeveiliging_ci_" in (first / "database").read_text()
    assert (first / "redis-pid").read_text() != (second / "redis-pid").read_text()
