"""Benchmark of measurement/probe against the lab: probes/s, CPU per probe and per domain, RSS.

Run with a lab up (`python -m lab up --scale 10000` for the figures of issue 4):

    .venv/bin/python bench/probe.py                 # scale domains if any, else the catalogue
    .venv/bin/python bench/probe.py --probes 3000   # probe phase only, catalogue servers
    .venv/bin/python bench/probe.py --fetches 2000  # MTA-STS policy fetches only (HTTPS GET)

Prints figures; asserts nothing. Client CPU is this process's user+system time
(resource.getrusage RUSAGE_SELF): the lab's servers run in other processes.
"""

import argparse
import asyncio
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lab import control  # noqa: E402
from lab.handle import Lab  # noqa: E402
from measurement.probe.engine import (  # noqa: E402
    ProbeConfig,
    observe_domains,
    probe_pairs,
    run,
)
from measurement.probe.mtasts import get_policy  # noqa: E402
from measurement.probe.observations import Outcome  # noqa: E402


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _machine() -> tuple[int, int]:
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(ticks[:8]) - ticks[3] - ticks[4], sum(ticks[:8])


def _busy(first: tuple[int, int]) -> float:
    busy, total = (now - then for now, then in zip(_machine(), first, strict=True))
    return 100 * busy / max(total, 1)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def config_for(lab: Lab, args) -> ProbeConfig:
    return ProbeConfig(
        resolver=lab.resolver,
        resolver_port=lab.resolver_port,
        lab_mode=True,
        smtp_port=lab.smtp_port,
        https_port=lab.https_port,
        greeting_timeout=args.greeting_timeout,
        command_timeout=5.0,
        probe_timeout=20.0,
        concurrency=args.concurrency,
        address_gap=args.gap,
        retry_delay=1.0,
        fetch_mta_sts=not args.no_mta_sts,
    )


def healthy_catalogue_pairs(lab: Lab) -> list[tuple[str, str]]:
    pairs = []
    for scenario in lab.scenarios:
        for host in scenario.hosts:
            server = host.server
            if (
                host.ipv4
                and server.starttls
                and server.greeting == "normal"
                and server.handshake == "normal"
                and server.starttls_reply == 220
                and server.greeting_delay == 0
                and server.software == "asyncio"
            ):
                pairs.append((host.name, host.ipv4))
    return pairs


async def bench_probes(config: ProbeConfig, pairs: list[tuple[str, str]]) -> None:
    cpu, wall = cpu_seconds(), time.monotonic()
    probes = await probe_pairs(pairs, config)
    cpu, wall = cpu_seconds() - cpu, time.monotonic() - wall
    ok = sum(p.outcome is Outcome.OK for p in probes)
    print(f"probe phase: {len(probes)} probes ({ok} ok) in {wall:.2f} s")
    print(f"  probes/s             {len(probes) / wall:8.1f}")
    print(f"  client CPU per probe {cpu / len(probes) * 1000:8.3f} ms")


async def bench_stream(config: ProbeConfig, domains: list[str]) -> None:
    cpu, wall = cpu_seconds(), time.monotonic()
    count = 0
    outcomes: dict[str, int] = {}
    marks = {int(len(domains) * share): share for share in (0.5, 0.9, 0.99)}
    async for obs in observe_domains(domains, config):
        count += 1
        if count in marks:
            print(f"  {marks[count]:.0%} of domains done after {time.monotonic() - wall:6.2f} s")
        for probe in obs.probes:
            outcomes[probe.outcome.value] = outcomes.get(probe.outcome.value, 0) + 1
    cpu, wall = cpu_seconds() - cpu, time.monotonic() - wall
    print(f"resolve + probe (+ MTA-STS), streaming: {count} domains in {wall:.2f} s")
    print(f"  domains/s            {count / wall:8.1f}")
    print(f"  client CPU per domain {cpu / count * 1000:7.3f} ms")
    print(f"  probe outcomes, counted per domain: {dict(sorted(outcomes.items()))}")


async def bench_fetches(lab: Lab, count: int, concurrency: int) -> None:
    """`count` HTTPS GETs of one catalogue scenario's policy: TLS handshake plus HTTP."""
    scenario = next(s for s in lab.scenarios if s.name == "mta-sts-enforce")
    host, address = f"mta-sts.{scenario.domain}", scenario.mta_sts_address
    gate = asyncio.Semaphore(concurrency)

    async def one():
        async with gate:
            return await get_policy(host, address, port=lab.https_port, timeout=20.0)

    cpu, wall = cpu_seconds(), time.monotonic()
    fetches = await asyncio.gather(*(one() for _ in range(count)))
    cpu, wall = cpu_seconds() - cpu, time.monotonic() - wall
    ok = sum(f.outcome is Outcome.OK and f.status == 200 for f in fetches)
    print(f"policy fetches: {count} ({ok} ok, 200) of {host} in {wall:.2f} s")
    print(f"  fetches/s            {count / wall:8.1f}")
    print(f"  client CPU per fetch {cpu / count * 1000:8.3f} ms (TLS handshake included)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", type=int, default=0, help="use the first N scale domains")
    parser.add_argument("--probes", type=int, default=0, help="probe phase only: N probes")
    parser.add_argument("--concurrency", type=int, default=500)
    parser.add_argument("--gap", type=float, default=0.0, help="per-address gap (s)")
    parser.add_argument("--greeting-timeout", type=float, default=10.0)
    parser.add_argument("--no-mta-sts", action="store_true")
    parser.add_argument("--fetches", type=int, default=0, help="MTA-STS policy fetches only")
    args = parser.parse_args()
    state, users = control.attach()
    try:
        lab = Lab.at(state)
        config = config_for(lab, args)
        domains = lab.scale_domains()
        if args.domains:
            domains = domains[: args.domains]
        if args.fetches:
            machine = _machine()
            run(bench_fetches(lab, args.fetches, min(args.concurrency, 50)))
            print(f"  (machine {_busy(machine):.0f} % busy meanwhile)")
            return 0
        if args.probes or not domains:
            healthy = healthy_catalogue_pairs(lab)
            count = args.probes or 2000
            # The same healthy servers under many names: each (alias, address) is a probe.
            pairs = [
                (f"n{i}.{healthy[i % len(healthy)][0]}", healthy[i % len(healthy)][1])
                for i in range(count)
            ]
            print(f"catalogue mode: {count} probes over {len(healthy)} healthy lab servers")
            run(bench_probes(config, pairs))
        if domains and not args.probes:
            run(bench_stream(config, domains))
        print(f"peak RSS {peak_rss_mib():.1f} MiB")
    finally:
        control.detach(state, users)
    return 0


if __name__ == "__main__":
    sys.exit(main())
