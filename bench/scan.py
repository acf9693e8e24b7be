"""Benchmark a whole scan against the lab's scale mode: embedded, then on Celery workers.

    python -m lab up --scale 10000
    python bench/scan.py --domains 10000 [--workers 2] [--skip-embedded]

Prints wall time, domains/s, scanner CPU ms per domain, broker messages per domain and
peak RSS. Embedded mode uses a fresh SQLite file; worker mode a fresh PostgreSQL database
(BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench_scan) and Redis
(BENCH_REDIS_URL, default redis://127.0.0.1:6379/13).
"""

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


GREETING_TIMEOUT = "5"  # the scale mode's healthy hosts greet at once; silent ones cost 2x this


def lab_env() -> dict[str, str]:
    """The lab's scanner settings, in production's configuration: with DEBUG on, Django
    keeps every query and formats its SQL, in the workers' probe claims too."""
    from config.lab import lab_scanner_settings, running_lab

    settings = lab_scanner_settings(running_lab(), SCANNER_GREETING_TIMEOUT=GREETING_TIMEOUT)
    production = {"DEBUG": "false", "SECRET_KEY": "bench-only-not-a-secret"}
    return {k: str(v) for k, v in settings.items()} | production


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def tree_cpu_seconds(root: int) -> float:
    """CPU (user + system) of a running process and all its descendants, from /proc; a
    descendant that ended counts in its parent's (cutime, cstime) once it was reaped."""
    parents, cpu = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        cpu[pid] = sum(int(tick) for tick in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += cpu.get(pid, 0.0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total


class MachineCpu:
    """How busy the whole machine's cores were between start and stop (/proc/stat): near
    100 % means the run was bound by CPU, shared with the lab and the database, and any
    CPU a mode spends on top of the other's shows in its wall time."""

    def __init__(self) -> None:
        self.first = self.read()

    @staticmethod
    def read() -> tuple[int, int]:
        ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = ticks[3] + ticks[4]  # idle, iowait
        return sum(ticks[:8]) - idle, sum(ticks[:8])

    def stop(self) -> str:
        busy, total = (now - then for now, then in zip(self.read(), self.first, strict=True))
        seconds = busy / os.sysconf("SC_CLK_TCK")
        return f"; machine {seconds:.1f} core-seconds busy, {100 * busy / max(total, 1):.0f} %"


class ServerCpu(threading.Thread):
    """CPU used by processes of one name (the database server's) while it runs: sampled
    from /proc every 0.2 s, so a backend that ends meanwhile still counts up to then."""

    def __init__(self, name: str) -> None:
        super().__init__(daemon=True)
        self.name_wanted, self.first, self.last = name, {}, {}
        self.stopping = threading.Event()

    def sample(self) -> dict[int, float]:
        seen = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue
            if text[text.index("(") + 1 : text.rindex(")")] == self.name_wanted:
                fields = text.rsplit(")", 1)[1].split()
                seen[int(stat.parent.name)] = int(fields[11]) + int(fields[12])
        return seen

    def run(self) -> None:
        self.first = self.sample()
        while not self.stopping.wait(0.2):
            self.last.update(self.sample())
        self.last.update(self.sample())

    def stop(self) -> float:
        self.stopping.set()
        self.join()
        used = sum(ticks - self.first.get(pid, 0) for pid, ticks in self.last.items())
        return used / os.sysconf("SC_CLK_TCK")


class TreeMemory(threading.Thread):
    """The peak of the summed RSS and PSS of some processes and all their descendants,
    sampled from /proc every 0.2 s. PSS splits a page shared by n processes n ways: a
    forked observer shares most of its pages with the worker it came from."""

    def __init__(self, roots: list[int]) -> None:
        super().__init__(daemon=True)
        self.roots, self.rss_kb, self.pss_kb = roots, 0, 0
        self.stopping = threading.Event()

    def sample(self) -> None:
        parents = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
        tree, todo = set(), list(self.roots)
        while todo:
            pid = todo.pop()
            tree.add(pid)
            todo.extend(child for child, parent in parents.items() if parent == pid)
        rss = pss = 0
        for pid in tree:
            try:
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            for line in rollup.splitlines():
                name, _, value = line.partition(":")
                if name == "Rss":
                    rss += int(value.split()[0])
                elif name == "Pss":
                    pss += int(value.split()[0])
        self.rss_kb, self.pss_kb = max(self.rss_kb, rss), max(self.pss_kb, pss)

    def run(self) -> None:
        while not self.stopping.wait(0.2):
            self.sample()

    def stop(self) -> tuple[float, float]:
        """Peak total RSS and PSS in MB."""
        self.stopping.set()
        self.join()
        return self.rss_kb / 1024, self.pss_kb / 1024


def register(count: int) -> int:
    """Organisations (one per 4 domains, over the sectors) and their domains, in bulk."""
    from lab import control
    from lab.handle import Lab
    from measurement.models import Domain, Organisation

    domains = Lab.at(control.state_dir()).scale_domains()[:count]
    if len(domains) < count:
        sys.exit(f"the lab has {len(domains)} scale domains: run python -m lab up --scale {count}")
    sectors = ["gemeente", "rijk", "provincie", "waterschap", "semi_publiek"]
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Bench {i}", slug=f"bench-{i}", sector=sectors[i % 5], source="manual")
        for i in range((count + 3) // 4)
    )
    Domain.objects.bulk_create(
        (
            Domain(name=name, organisation=organisations[i // 4], source="manual")
            for i, name in enumerate(domains)
        ),
        batch_size=2000,
    )
    return len(domains)


def recorded_seconds(scan) -> float:
    """Planned to finished, as the scan's own record says: the same span in both modes
    (the command's start-up and its polling for the end are outside it)."""
    return (scan.finished_at - scan.created_at).total_seconds()


def report(label: str, count: int, wall: float, cpu: float, rss_mb: float, extra: str = "") -> None:
    print(
        f"{label}: {count} domains in {wall:.1f} s = {count / wall:.0f} domains/s; "
        f"scanner CPU {1000 * cpu / count:.2f} ms/domain; peak RSS {rss_mb:.0f} MB{extra}",
        flush=True,
    )


def embedded(count: int) -> None:
    """In-process on SQLite: the `make demo` configuration."""
    var = Path(tempfile.mkdtemp(prefix="bench-scan-"))
    env = (
        os.environ
        | lab_env()
        | {
            "DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}",
            "CELERY_BROKER_URL": "",
            "VAR_DIR": str(var),
        }
    )
    subprocess.run(
        [sys.executable, __file__, "--child-embedded", str(count)], env=env, cwd=REPO, check=True
    )


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def child_embedded(count: int) -> None:
    setup_django()
    from django.core.management import call_command

    from measurement.models import Scan
    from measurement.scan import door

    call_command("migrate", verbosity=0)
    register(count)
    machine = MachineCpu()
    cpu0, wall0 = cpu_seconds(resource.RUSAGE_SELF), time.monotonic()
    children0 = cpu_seconds(resource.RUSAGE_CHILDREN)
    scan = door.plan(kind=Scan.Kind.ON_DEMAND)
    scan = door.run(scan.pk)
    wall, cpu = time.monotonic() - wall0, cpu_seconds(resource.RUSAGE_SELF) - cpu0
    busy = machine.stop()
    # The observer child process (SCANNER_PROCESS_MIN_DOMAINS), joined by now.
    child_cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - children0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    judged = scan.domain_results.filter(judged_at__isnull=False).count()
    extra = (
        f" (this process; {child_rss:.0f} MB the observer process)"
        f"; scan record {recorded_seconds(scan):.1f} s"
        f"; {scan.hosts_total} (host, address) pairs probed"
        f"; CPU judging and storing {1000 * cpu / judged:.2f} ms/domain,"
        f" observing (child) {1000 * child_cpu / judged:.2f} ms/domain"
        f"{busy}"
    )
    report("embedded (SQLite, in-process)", judged, wall, cpu + child_cpu, rss, extra)


def distributed(count: int, workers: int, concurrency: int) -> None:
    """On `workers` Celery worker processes over Redis and PostgreSQL."""
    env = _fresh_worker_environment(count)
    log_dir = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    cpu0 = cpu_seconds(resource.RUSAGE_CHILDREN)  # migrating and registering are not the scan
    processes = [_start_worker(i, env, log_dir) for i in range(workers)]
    time.sleep(4)  # workers connect
    started_up = sum(tree_cpu_seconds(process.pid) for process in processes)
    database = ServerCpu("postgres")
    database.start()
    memory = TreeMemory([process.pid for process in processes])
    memory.start()
    machine = MachineCpu()
    wall0 = time.monotonic()
    subprocess.run(
        [sys.executable, "manage.py", "scan", "--workers", "--no-progress"],
        env=env, cwd=REPO, check=True,
    )  # fmt: skip
    wall = time.monotonic() - wall0
    busy = machine.stop()
    scanning = sum(tree_cpu_seconds(process.pid) for process in processes) - started_up
    database_cpu = database.stop()
    total_rss, total_pss = memory.stop()
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait()
    logs = "".join(p.read_text() for p in log_dir.glob("*.log"))
    messages = len(re.findall(r"Task measurement\.tasks\.\w+\[[^\]]+\] received", logs))
    cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - cpu0  # workers' start-up included
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    per = count / max(messages, 1)
    recorded = subprocess.run(
        [sys.executable, __file__, "--child-recorded"],
        env=env, cwd=REPO, check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    extra = (
        f" (largest process; all {workers} workers' processes together {total_rss:.0f} MB,"
        f" PSS {total_pss:.0f} MB); {messages} task messages = 1 per {per:.0f} domains"
        f"; scan record {recorded} s; CPU of the workers during the scan"
        f" {1000 * scanning / count:.2f} ms/domain (start-up {started_up:.1f} s)"
        f"; PostgreSQL server CPU {1000 * database_cpu / count:.2f} ms/domain{busy}"
    )
    label = f"{workers} Celery workers x {concurrency} processes (Redis, PostgreSQL)"
    report(label, count, wall, cpu, rss, extra)


def _fresh_worker_environment(count: int) -> dict:
    """A new database with `count` lab domains and an empty broker; the workers' env."""
    import psycopg

    database = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_scan")
    broker = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    admin_url, name = database.rsplit("/", 1)
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(["redis-cli", "-u", broker, "flushdb"], check=True, capture_output=True)
    env = (
        os.environ
        | lab_env()
        | {
            "DATABASE_URL": database,
            "CELERY_BROKER_URL": broker,
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, cwd=REPO, check=True)
    subprocess.run(
        [sys.executable, __file__, "--child-register", str(count)], env=env, cwd=REPO, check=True
    )
    return env


def _start_worker(index: int, env: dict, log_dir: Path) -> subprocess.Popen:
    """One Celery worker with one pool process, logging to LOG_DIR/w<index>.log."""
    return subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker", "-n", f"bench{index}@%h",
            "--concurrency", "1", "-l", "INFO", "--without-gossip", "--without-mingle",
        ],
        env=env,
        cwd=REPO,
        stdout=open(log_dir / f"w{index}.log", "w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--domains", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--concurrency",
        type=int,
        default=1,
        help="pool processes per worker (2 overlaps one batch's time-outs with another's "
        "work; measured no faster on 2 cores shared with the lab)",
    )
    parser.add_argument("--skip-embedded", action="store_true")
    parser.add_argument("--skip-workers", action="store_true")
    parser.add_argument("--child-embedded", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-register", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-recorded", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_embedded:
        child_embedded(args.child_embedded)
    elif args.child_register:
        setup_django()
        register(args.child_register)
    elif args.child_recorded:
        setup_django()
        from measurement.models import Scan

        print(f"{recorded_seconds(Scan.objects.latest('created_at')):.1f}")
    else:
        if not args.skip_embedded:
            embedded(args.domains)
        if not args.skip_workers:
            distributed(args.domains, args.workers, args.concurrency)
