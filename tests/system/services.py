"""Private, real services for system tests that restart them on purpose.

A PostgreSQL cluster and a Redis server of our own (on their own ports, in a temporary
directory) so that a test may restart them without touching the machine's shared ones,
and real Celery worker processes running the project's code.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def _postgres_bin() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not candidates:
        raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql")
    return candidates[-1].parent


class PrivatePostgres:
    """A throw-away PostgreSQL cluster owned by the postgres user, trust auth, one port.

    It lives in its own directory under the system temp dir: pytest's are private to root,
    and the postgres user must reach its data directory.
    """

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="mailbeveiliging-pg-"))
        self.data = self.directory / "pgdata"
        self.port = free_port()
        self.bin = _postgres_bin()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/scan"

    def _as_postgres(self, *command: str, **kwargs) -> subprocess.CompletedProcess:
        runner = [] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--"]
        return subprocess.run([*runner, *command], check=True, capture_output=True, **kwargs)

    def start(self) -> "PrivatePostgres":
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self._as_postgres(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust"
        )
        self._pg_ctl("start")
        self._as_postgres(
            str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "scan"
        )
        return self

    def _pg_ctl(self, action: str, mode: str = "fast") -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory}"
        args = [str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-m", mode]
        if action != "stop":
            args += ["-o", options, "-l", str(self.directory / "postgres.log")]
        self._as_postgres(*args, action)

    def restart(self, mode: str = "fast") -> None:
        """`immediate`: the server stops without a checkpoint, as in a crash, and
        recovers from its write-ahead log when it starts again."""
        self._pg_ctl("restart", mode)

    def stop(self) -> None:
        if self.data.exists():
            try:
                self._pg_ctl("stop")
            except subprocess.CalledProcessError:
                pass
        shutil.rmtree(self.directory, ignore_errors=True)


class PrivateRedis:
    """A Redis server that keeps its data in an append-only file across restarts."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> "PrivateRedis":
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "yes",
                "--appendfsync", "always",
                "--dir", str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)
        return self

    def restart(self) -> None:
        self.stop()
        self.start()

    def lose_data(self) -> None:
        """`redis-cli shutdown nosave`, and started again without its append-only file:
        a Redis restarted without persistence, every queued message and chord gone."""
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
            check=False, capture_output=True, timeout=20,
        )  # fmt: skip
        if self.process:
            self.process.wait(timeout=20)
        for name in ("appendonlydir", "appendonly.aof", "dump.rdb"):
            shutil.rmtree(self.directory / name, ignore_errors=True)
            (self.directory / name).unlink(missing_ok=True)
        self.start()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: Redis flushes its append-only file
            self.process.wait(timeout=20)


def project_env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCANNER_", "CELERY_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(REPO)})
    env.update({k: str(v) for k, v in settings.items()})
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    done = subprocess.run(
        [PYTHON, str(REPO / "manage.py"), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


class CeleryWorkers:
    """Real `celery worker` processes (prefork, one child each) and optionally beat."""

    def __init__(self, env: dict[str, str], count: int, log_dir: Path, beat: bool = False):
        self.env = env
        self.count = count
        self.log_dir = log_dir
        self.beat = beat
        self.processes: list[subprocess.Popen] = []

    def start(self) -> "CeleryWorkers":
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for index in range(self.count):
            self.processes.append(self._spawn(index))
        if self.beat:
            self.processes.append(
                self._popen(
                    "beat",
                    ["beat", "--schedule", str(self.log_dir / "beat-schedule"), "-l", "INFO"],
                )
            )
        return self

    def _spawn(self, index: int) -> subprocess.Popen:
        return self._popen(
            f"worker{index}",
            ["worker", "-n", f"w{index}@%h", "--concurrency", "1", "-l", "INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
        )  # fmt: skip

    def _popen(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        return subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "config", *args],
            env=self.env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def pool_children(self) -> list[int]:
        """The prefork pool processes, where tasks run."""
        parents = {process.pid for process in self.processes[: self.count]}
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended while we looked
            if int(fields[1]) in parents:  # field 4 of stat, after "pid (comm)": the ppid
                children.append(int(stat.parent.name))
        return children

    def busy_stream_processes(self) -> list[int]:
        """Pool processes running a stream task now: the task names its process when it
        starts (measurement.tasks.stream), and Celery logs it when it ends."""
        logs = self.logs()
        started = dict(
            re.findall(r"stream (\S+) of round \d+, \d+ domains, in process (\d+)", logs)
        )
        ended = set(
            re.findall(r"measurement\.tasks\.stream\[([^\]]+)\] (?:succeeded|raised)", logs)
        )
        children = set(self.pool_children())
        return [
            int(pid) for task, pid in started.items() if task not in ended and int(pid) in children
        ]

    def kill_a_busy_child(self) -> int | None:
        """SIGKILL a pool process that is running a stream (its task is lost with it)."""
        busy = self.busy_stream_processes()
        if not busy:
            return None
        os.kill(busy[0], signal.SIGKILL)
        return busy[0]

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("*.log")))

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
