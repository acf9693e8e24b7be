"""NSD, the lab's authoritative name server: config file and command line."""

from pathlib import Path

from lab import addresses


def write_config(state: Path, zone_files: dict[str, Path]) -> Path:
    """Write STATE/nsd.conf serving every zone file; no privilege drop, no chroot, no database."""
    work = state / "nsd"
    work.mkdir(parents=True, exist_ok=True)
    lines = [
        "server:",
        f"    ip-address: {addresses.AUTHORITATIVE}@{addresses.DNS_PORT}",
        "    do-ip6: no",
        '    username: ""',
        '    chroot: ""',
        '    database: ""',
        f'    zonelistfile: "{work}/zone.list"',
        f'    xfrdfile: "{work}/xfrd.state"',
        f'    xfrdir: "{work}"',
        f'    pidfile: "{work}/nsd.pid"',
        f'    logfile: "{state}/nsd.log"',
        "    server-count: 1",
        "    verbosity: 1",
        "    hide-version: yes",
        "    tcp-count: 256",
        "    zonefiles-write: 0",
        "    zonefiles-check: no",
        "    reuseport: no",
        "remote-control:",
        "    control-enable: no",
    ]
    for name, path in zone_files.items():
        lines += ["zone:", f'    name: "{name}"', f'    zonefile: "{path}"']
    config = state / "nsd.conf"
    config.write_text("\n".join(lines) + "\n")
    return config


def command(config: Path) -> list[str]:
    return ["nsd", "-d", "-c", str(config)]
