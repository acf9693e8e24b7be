"""Bring the lab up, report on it and take it down: the work behind `python -m lab`."""

import contextlib
import fcntl
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import dns.flags
import dns.message
import dns.query
import dns.rcode

from lab import addresses, listeners, nsd, pki, postfix, processes, scale, unbound, zones
from lab.scenarios import PROVIDER_ZONES, SCENARIOS, TLD, Host

REPO = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT = 15.0


class LabError(RuntimeError):
    """The lab cannot do what was asked; the message says why and what to do."""


def state_dir() -> Path:
    """var/lab/ under the repository, or LAB_STATE_DIR."""
    return Path(os.environ.get("LAB_STATE_DIR") or REPO / "var" / "lab").resolve()


@contextlib.contextmanager
def locked(state: Path) -> Iterator[None]:
    """One `up`/`down` at a time per state directory, across processes."""
    state.mkdir(parents=True, exist_ok=True)
    with open(state / "lab.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class UpOptions:
    scale: int = 0
    greeting_delay: float = 0.0
    owner: str = "cli"  # "cli" or "pytest": a pytest-started lab is torn down by pytest
    postfix: bool = True
    stage: int | None = None  # a history stage of the scale domains (lab.scale), for the demo
    every_fault: bool = False  # a small scale lab with every host fault (the tests' lab)


def info_path(state: Path) -> Path:
    return state / "lab.json"


def read_info(state: Path) -> dict:
    try:
        return json.loads(info_path(state).read_text())
    except (OSError, ValueError):
        return {}


def query(name: str, rdtype: str, server: str = addresses.RESOLVER, timeout: float = 2.0):
    """One DNSSEC-OK query with the AD bit set (RFC 6840 section 5.7), over UDP."""
    message = dns.message.make_query(name, rdtype, want_dnssec=True)
    message.flags |= dns.flags.AD
    return dns.query.udp(message, server, port=addresses.DNS_PORT, timeout=timeout)


def resolver_healthy() -> bool:
    try:
        answer = query(f"{TLD}.", "SOA", timeout=1.0)
    except (OSError, dns.exception.DNSException):
        return False
    return answer.rcode() == dns.rcode.NOERROR and bool(answer.flags & dns.flags.AD)


def healthy(state: Path) -> bool:
    """Every recorded process runs, and the resolver validates our root to the TLD."""
    entries = processes.recorded(state)
    if not entries or not read_info(state):
        return False
    if any(not processes.is_ours(p.pid, p.marker) for p in entries):
        return False
    return resolver_healthy()


def _clean(state: Path) -> None:
    for name in ("zones", "pki", "nsd", "unbound", "postfix", "scale"):
        shutil.rmtree(state / name, ignore_errors=True)
    for name in ("servers.ready", "lab.json", "smtp-connections.jsonl"):
        (state / name).unlink(missing_ok=True)


def _wait(check, what: str, state: Path, log: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    tail = ""
    with contextlib.suppress(OSError):
        tail = "\n".join((state / log).read_text().splitlines()[-15:])
    raise LabError(f"{what} did not come up within {STARTUP_TIMEOUT:.0f} s; {log}:\n{tail}")


def _nsd_answers() -> bool:
    try:
        answer = query(".", "SOA", server=addresses.AUTHORITATIVE, timeout=0.5)
    except (OSError, dns.exception.DNSException):
        return False
    return answer.rcode() == dns.rcode.NOERROR


def up(state: Path | None = None, options: UpOptions = UpOptions()) -> dict:
    """Build certificates, zones and configs, start every process, wait until all answer."""
    state = state or state_dir()
    with locked(state):
        if processes.running(state):
            raise LabError(f"a lab is already running from {state}; `python -m lab down` stops it")
        processes.stop_all(state)  # stale pid files from a crash: clean up what lingers
        return _up(state, options)


def _up(state: Path, options: UpOptions) -> dict:
    begun = time.monotonic()
    _clean(state)
    authority = pki.create_authority(state / "pki")
    use_postfix = options.postfix and postfix.available()
    certificates, smtp, https, postfix_hosts = listeners.catalogue_listeners(
        state, authority, use_postfix
    )
    smtp, ipv6_note = listeners.without_unavailable_ipv6(smtp)
    ipv6 = not ipv6_note
    extra = []
    if options.scale:
        built_scale = scale.build(
            state,
            authority,
            options.scale,
            options.greeting_delay,
            stage=options.stage,
            every_fault=options.every_fault,
        )
        smtp += built_scale.smtp
        https += built_scale.https
        extra.append(built_scale.delegation)
    for address, port, kinds in listeners.needed_addresses(smtp, https, postfix_hosts):
        processes.check_free(address, port, kinds)
    built = zones.build(state / "zones", SCENARIOS, PROVIDER_ZONES, certificates, authority, extra)
    zone_files = dict(built.files)
    if options.scale:
        zone_files[built_scale.delegation.name] = built_scale.zone_file

    servers_config = state / "servers.json"
    servers_config.write_text(
        json.dumps(
            {
                "log": str(state / "smtp-connections.jsonl"),
                "ready": str(state / "servers.ready"),
                "smtp": smtp,
                "https": https,
            },
            indent=1,
        )
    )
    nsd_config = nsd.write_config(state, zone_files)
    unbound_config = unbound.write_config(state, built.root_ds)
    _start(state, nsd_config, unbound_config, servers_config, postfix_hosts, certificates)
    info = {
        "owner": options.owner,
        "started": time.time(),
        "startup_seconds": round(time.monotonic() - begun, 2),
        "options": asdict(options),
        "resolver": addresses.RESOLVER,
        "authoritative": addresses.AUTHORITATIVE,
        "ca_pem": str(authority.pem_path),
        "postfix": [h.name for h in postfix_hosts],
        "ipv6": ipv6,
        "ipv6_note": ipv6_note,
        "scale_domains": str(state / "scale" / "domains.txt") if options.scale else None,
    }
    info_path(state).write_text(json.dumps(info, indent=1))
    return info


def _start(
    state: Path,
    nsd_config: Path,
    unbound_config: Path,
    servers_config: Path,
    postfix_hosts: list[Host],
    certificates: dict[str, pki.Issued],
) -> None:
    """Start NSD, the SMTP and HTTPS servers, Unbound and Postfix, each once it can answer."""
    python = str(REPO / ".venv" / "bin" / "python")
    if not Path(python).exists():
        python = sys.executable
    try:
        processes.start(state, "nsd", nsd.command(nsd_config), str(nsd_config), state / "nsd.out")
        processes.start(
            state,
            "servers",
            [python, "-m", "lab.serve", "--config", str(servers_config)],
            str(servers_config),
            state / "servers.log",
        )
        _wait(_nsd_answers, "NSD", state, "nsd.log")
        processes.start(
            state,
            "unbound",
            unbound.command(unbound_config),
            str(unbound_config),
            state / "unbound.out",
        )
        if postfix_hosts:
            postfix.start(state, postfix_hosts[0], certificates[postfix_hosts[0].name])
        _wait(resolver_healthy, "Unbound", state, "unbound.log")
        _wait((state / "servers.ready").exists, "the SMTP/HTTPS servers", state, "servers.log")
        if postfix_hosts:
            _wait(lambda: postfix.answers(postfix_hosts[0]), "Postfix", state, "postfix.log")
    except BaseException:
        processes.stop_all(state)
        raise


def down(state: Path | None = None) -> list[processes.Started]:
    """Stop exactly the processes the pid files name (also after a crash)."""
    state = state or state_dir()
    with locked(state):
        stopped = processes.stop_all(state)
        shutil.rmtree(postfix.spool(state), ignore_errors=True)
        info_path(state).unlink(missing_ok=True)
        (state / "servers.ready").unlink(missing_ok=True)
        return stopped


def status(state: Path | None = None) -> str:
    """What runs where, as text for a terminal."""
    state = state or state_dir()
    entries = processes.recorded(state)
    if not entries:
        return f"lab: not running (state dir {state})"
    info = read_info(state)
    lines = [f"lab: state dir {state}, owner {info.get('owner', '?')}"]
    for p in entries:
        alive = "running" if processes.is_ours(p.pid, p.marker) else "NOT RUNNING (stale pid)"
        lines.append(f"  {p.name:<8} pid {p.pid:<7} {alive}")
    lines.append(f"  authoritative DNS (NSD)  {addresses.AUTHORITATIVE}:53")
    lines.append(
        f"  resolver (Unbound)       {addresses.RESOLVER}:53 "
        f"({'validating' if resolver_healthy() else 'NOT ANSWERING'})"
    )
    lines.append(f"  lab CA                   {info.get('ca_pem')}")
    for scenario in SCENARIOS:
        where = ", ".join(f"{h.name} {'/'.join(h.addresses)}" for h in scenario.hosts)
        sts = f" mta-sts {scenario.mta_sts_address}" if scenario.mta_sts_address else ""
        lines.append(f"  {scenario.name:<30} {where}{sts}")
    if info.get("ipv6_note"):
        lines.append(f"  warning: no IPv6 listener: {info['ipv6_note']}")
    if info.get("scale_domains"):
        count = sum(1 for _ in open(info["scale_domains"]))
        lines.append(f"  scale: {count} domains listed in {info['scale_domains']}")
    if info.get("startup_seconds") is not None:
        lines.append(f"  started in {info['startup_seconds']} s")
    return "\n".join(lines)


def attach(state: Path | None = None, options: UpOptions = UpOptions(owner="pytest")):
    """Use the running lab, or start one; returns (state, handle) for detach().

    Every user holds a shared lock on STATE/users.lock while it uses the lab, so a
    lab started by one test session outlives it while another session still runs.
    """
    state = state or state_dir()
    with locked(state):
        if not healthy(state):
            processes.stop_all(state)
            _up(state, options)
        users = open(state / "users.lock", "w")
        fcntl.flock(users, fcntl.LOCK_SH)
    return state, users


def detach(state: Path, users) -> bool:
    """Stop a pytest-started lab when no other session uses it; True when it was stopped."""
    with locked(state):
        try:
            fcntl.flock(users, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            users.close()
            return False
        try:
            if read_info(state).get("owner") != "pytest":
                return False  # started by `python -m lab up`: its owner takes it down
            processes.stop_all(state)
            shutil.rmtree(postfix.spool(state), ignore_errors=True)
            info_path(state).unlink(missing_ok=True)
            return True
        finally:
            users.close()
