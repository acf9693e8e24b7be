"""Benchmark the TLS quality check (NCSC) on a scale lab's MX hosts, and its cost to a weekly scan.

    python -m lab up --scale 10000
    python bench/tls_quality.py --domains 10000 [--gap 1.0] [--repeat 2]

Part 1, the assessment: every (MX host, address) of the scale lab that a scan would
assess (those that greet; the silent, refusing and 421 hosts offer no STARTTLS), all at
once as a scan does: one connection at a time per address with --gap seconds between
them (production's 1.0 by default). Prints wall time, connections per address (the
probe's own count and the lab servers' log), and the CPU of the assessing process and of
the lab's SMTP servers (all in one process: with hundreds of hosts it, not the gap, can
set the wall time).

Part 2, on a fresh SQLite file, embedded: a weekly scan without the check (the scan with
the assessment switched off), a measurement round (assesses every address), and a weekly
scan within SCANNER_TLS_QUALITY_PERIOD_DAYS (reuses the round's assessments), each with
wall time and CPU per domain; --repeat runs the two weekly kinds again, alternating.
"""

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.scan import (  # noqa: E402 - after the path is set
    MachineCpu,
    cpu_seconds,
    lab_env,
    register,
    setup_django,
    tree_cpu_seconds,
)

SOURCE = "127.77.19.19"  # the lab's log tells this benchmark's connections apart


def assessed_hosts(lab) -> dict[tuple[str, str], str]:
    """(host, address) -> fault of the hosts a scan assesses: those that greet ("" and
    "slow", which waits SLOW_GREETING seconds before each greeting, as postscreen may)."""
    hosts = json.loads((lab.state_dir / "scale" / "hosts.json").read_text())
    return {(h["name"], h["address"]): h["fault"] for h in hosts if h["fault"] in ("", "slow")}


def assessment(gap: float) -> None:
    """Part 1: every greeting scale host assessed at once, as a scan's TLS step does."""
    from config.lab import running_lab
    from measurement.probe.engine import run
    from measurement.probe.tls_quality import TlsQualityProbe
    from measurement.scan.tls_offers import offer_plan

    lab = running_lab()
    faults = assessed_hosts(lab)
    pairs = list(faults)
    probe = TlsQualityProbe(
        plan=offer_plan(),
        gap=gap,
        lab_mode=True,
        target_defaults={"port": lab.smtp_port, "source_address": SOURCE, "greeting_timeout": 12},
    )
    started_log = time.time()

    async def all_pairs():
        return await asyncio.gather(*(probe.assess(host, address) for host, address in pairs))

    servers = json.loads((lab.state_dir / "servers.pid").read_text())["pid"]  # lab.serve
    machine, lab_cpu0 = MachineCpu(), tree_cpu_seconds(servers)
    cpu0, wall0 = cpu_seconds(resource.RUSAGE_SELF), time.monotonic()
    try:
        observations = run(all_pairs())
    finally:
        probe.close()
    wall, cpu = time.monotonic() - wall0, cpu_seconds(resource.RUSAGE_SELF) - cpu0
    lab_cpu = tree_cpu_seconds(servers) - lab_cpu0
    busy = machine.stop()
    logged: dict[str, int] = {}
    for record in lab.connection_log():
        if record.peer == SOURCE and record.start >= started_log - 1:
            logged[record.server] = logged.get(record.server, 0) + 1
    print(
        f"assessment: {len(pairs)} (host, address) pairs, gap {gap} s: wall {wall:.1f} s; "
        f"{_connections(observations, logged)}; CPU {cpu:.1f} s = "
        f"{1000 * cpu / max(sum(logged.values()), 1):.2f} ms per handshake; the lab's SMTP "
        f"servers (one process) {lab_cpu:.1f} s CPU; {_per_kind(observations, faults)}{busy}",
        flush=True,
    )


def _connections(observations, logged: dict[str, int]) -> str:
    counts = sorted(o.connections for o in observations)
    outcomes: dict[str, int] = {}
    for o in observations:
        outcomes[o.outcome.value] = outcomes.get(o.outcome.value, 0) + 1
    return (
        f"connections per address min {counts[0]}, median {statistics.median(counts):.0f}, "
        f"max {counts[-1]}, total {sum(counts)} (lab log: max {max(logged.values(), default=0)}"
        f" per address, total {sum(logged.values())}); outcomes {outcomes}"
    )


def _per_kind(observations, faults: dict) -> str:
    """The median time one address's assessment took, healthy and slow-greeting hosts."""
    seconds: dict[str, list[float]] = {}
    for o in observations:
        kind = faults[(o.host, o.address)] or "healthy"
        seconds.setdefault(kind, []).append(o.duration_ms / 1000)
    return "; ".join(
        f"{kind} hosts ({len(s)}): median {statistics.median(s):.1f} s per address"
        for kind, s in seconds.items()
    )


def scans(count: int, repeat: int) -> None:
    """Part 2 in this (child) process: Django on a fresh SQLite file."""
    setup_django()
    from django.core.management import call_command

    from measurement.models import HostResult, Scan
    from measurement.scan import door, tls_quality

    call_command("migrate", verbosity=0)
    register(count)
    with_check = tls_quality.probe_settings
    # The hook after a scan (alerts: each scan compared with the one before) is left out:
    # alternating with and without the check, every scan would differ from the last.
    door.scan_finished = lambda scan: None

    def one(label: str, kind: str, check: bool) -> None:
        tls_quality.probe_settings = with_check if check else (lambda kind: {})
        machine = MachineCpu()
        cpu0, wall0 = cpu_seconds(resource.RUSAGE_SELF), time.monotonic()
        children0 = cpu_seconds(resource.RUSAGE_CHILDREN)
        scan = door.run(door.plan(kind=kind).pk)
        wall = time.monotonic() - wall0
        cpu = cpu_seconds(resource.RUSAGE_SELF) - cpu0
        cpu += cpu_seconds(resource.RUSAGE_CHILDREN) - children0
        rows = HostResult.objects.filter(scan=scan)
        fresh = rows.filter(tls_quality_at__gte=scan.created_at).count()
        reused = rows.filter(tls_quality_at__lt=scan.created_at).count()
        judged = scan.domain_results.filter(judged_at__isnull=False).count()
        scan.refresh_from_db()
        recorded = (scan.finished_at - scan.created_at).total_seconds()
        print(
            f"{label}: {judged} domains in {wall:.1f} s (scan record {recorded:.1f} s) = "
            f"{judged / wall:.0f} domains/s; "
            f"CPU {1000 * cpu / judged:.2f} ms/domain; TLS assessed {fresh}, reused {reused}"
            f"{machine.stop()}",
            flush=True,
        )

    one("weekly scan without the check", Scan.Kind.SCHEDULED, check=False)
    one("measurement round (assesses every address)", Scan.Kind.ROUND, check=True)
    one("weekly scan, assessments cached", Scan.Kind.SCHEDULED, check=True)
    for _ in range(repeat - 1):
        one("weekly scan without the check", Scan.Kind.SCHEDULED, check=False)
        one("weekly scan, assessments cached", Scan.Kind.SCHEDULED, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--domains", type=int, default=10_000)
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between connections")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--skip-assessment", action="store_true")
    parser.add_argument("--skip-scans", action="store_true")
    parser.add_argument("--child-scans", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_scans:
        scans(args.child_scans, args.repeat)
        return
    if not args.skip_assessment:
        assessment(args.gap)
    if not args.skip_scans:
        var = Path(tempfile.mkdtemp(prefix="bench-tls-"))
        env = os.environ | lab_env()
        env |= {"DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}", "CELERY_BROKER_URL": ""}
        env["VAR_DIR"] = str(var)
        command = [sys.executable, __file__, "--child-scans", str(args.domains)]
        subprocess.run([*command, "--repeat", str(args.repeat)], env=env, cwd=REPO, check=True)


if __name__ == "__main__":
    main()
