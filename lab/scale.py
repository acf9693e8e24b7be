"""Scale mode: N synthetic domains over a few hundred MX hosts, for the pipeline benchmark.

All synthetic names live in one signed zone, scale.<tld> (d00001.scale.<tld> is an
ordinary name in it, not a delegation), signed with ldns-signzone because dnspython
takes about 1 ms per signature and 10,000 domains need ~40,000 of them. Hosts belong
to shared providers (a few big ones carry most domains, as with municipalities), and
some hosts misbehave: silent, refused (nothing listens), 421, or slow to greet.

A history stage (0 .. STAGES - 1) replays the past for the demo: the same domains and
hosts, drawn from the same random numbers, with fewer adopters the earlier the stage
(a host or domain adopts once its draw falls under the stage's share, so adopters only
ever grow), the biggest provider publishing TLSA records that do not match its
certificates until it fixes them at FIX_STAGE, and the smallest provider regressing at
REGRESS_STAGE (it replaces its certificate without updating its TLSA record). Without a
stage (None) the zone is the present-day mix the benchmarks use.
"""

import json
import random
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import dns.dnssec

from lab import addresses, pki
from lab.scenarios import TLD
from lab.zones import NS_NAME, TTL, Delegation, make_key, tlsa_rdata

ZONE = f"scale.{TLD}"
POLICY_ADDRESS = f"{addresses.HTTPS_PREFIX}.1.1"
# Seconds the "slow" hosts wait before greeting: half the lab scanner's greeting time-out
# (12 s, config/lab.py), so a loaded machine that makes the lab's servers a few seconds late
# does not turn a slow host into a time-out. Two scans of one scale lab must give the same
# verdicts (tests/lab/test_scale.py); a delay near a time-out made them differ.
SLOW_GREETING = 6.0
# Share of MX hosts per fault; the rest are healthy (with --greeting-delay).
FAULT_MIX = {"silent": 0.02, "refused": 0.03, "421": 0.03, "slow": 0.04}
DANE_SHARE = 0.4  # hosts with a DANE-EE record
MTA_STS_SHARE = 0.3  # domains with _mta-sts TXT and a policy
TLS_RPT_SHARE = 0.4  # domains with a TLS-RPT record
STAGES = 4  # history stages of the demo: 0 (the nulmeting) .. 3 (today)
FIX_STAGE = 2  # from this stage the biggest provider's TLSA records match
REGRESS_STAGE = 2  # from this stage the smallest provider's TLSA record is stale
STALE_TLSA = "3 1 1 " + "00" * 32


def stage_share(share: float, stage: int | None) -> float:
    """An adoption share at a history stage: a quarter of today's at stage 0, rising."""
    if stage is None:
        return share
    return share * (0.25 + 0.75 * stage / (STAGES - 1))


@dataclass(frozen=True)
class ScaleHost:
    name: str
    address: str
    fault: str  # "" (healthy), or a FAULT_MIX key
    dane: bool


@dataclass(frozen=True)
class BuiltScale:
    smtp: list[dict]
    https: list[dict]
    delegation: Delegation
    zone_file: Path
    domains: tuple[str, ...]
    hosts: tuple[ScaleHost, ...]


def host_count(domains: int) -> int:
    """A few hundred MX hosts for ten thousand domains; at least a handful for small runs."""
    return max(8, min(400, domains // 30))


def _address(index: int) -> str:
    return f"{addresses.SMTP_PREFIX}.{1 + index // 250}.{index % 250 + 1}"


def plan_hosts(
    count: int, rng: random.Random, stage: int | None = None, every_fault: bool = False
) -> tuple[ScaleHost, ...]:
    """The hosts and their faults, drawn from `rng` (seed 1: the same lab every time).

    With every_fault (the tests' small lab), a fault the draw left out is given to one of
    the hosts between the biggest and the smallest provider (which keep their roles in
    the demo's history), so that lab shows every fault.
    """
    faults = []
    for _index in range(count):
        draw, fault = rng.random(), ""
        for name, share in FAULT_MIX.items():
            if draw < share:
                fault = name
                break
            draw -= share
        faults.append((fault, rng.random() < stage_share(DANE_SHARE, stage)))
    absent = [name for name in FAULT_MIX if name not in {f for f, _dane in faults}]
    healthy = [i for i in range(count - 3, 1, -1) if not faults[i][0]]
    for index, name in zip(healthy, absent if every_fault else (), strict=False):
        faults[index] = (name, faults[index][1])
    hosts = []
    for index, (fault, dane) in enumerate(faults):
        provider, number = divmod(index, 2)
        hosts.append(
            ScaleHost(
                name=f"mx{number + 1}.p{provider + 1:03d}.{ZONE}",
                address=_address(index),
                fault=fault,
                dane=dane,
            )
        )
    return tuple(hosts)


def _listener(host: ScaleHost, issued: pki.Issued, greeting_delay: float) -> dict:
    return {
        "address": host.address,
        "port": addresses.SMTP_PORT,
        "host": host.name,
        "greeting": {"silent": "silent", "421": "421"}.get(host.fault, "normal"),
        "greeting_delay": SLOW_GREETING if host.fault == "slow" else greeting_delay,
        "cert_path": str(issued.cert_path),
        "key_path": str(issued.key_path),
        "chain_path": str(issued.chain_path),
    }


def _write_ldns_key(directory: Path, key) -> str:
    """Write K<zone>.+013+<tag>.{key,private} for ldns-signzone; return the base name."""
    base = directory / f"K{ZONE}.+013+{dns.dnssec.key_id(key.dnskey):05d}"
    Path(f"{base}.private").write_text(key.ldns_private())
    Path(f"{base}.key").write_text(f"{ZONE}. {TTL} IN DNSKEY {key.dnskey.to_text()}\n")
    return str(base)


def _tlsa(host: ScaleHost, index: int, hosts: int, stage: int | None, tlsa: str) -> str | None:
    """The TLSA rdata a host publishes at a history stage (None: no record)."""
    if stage is not None and index < 2:  # the biggest provider: published, then fixed
        return tlsa if stage >= FIX_STAGE else STALE_TLSA
    if stage is not None and index >= hosts - 2 and host.dane:  # the smallest: regresses
        return STALE_TLSA if stage >= REGRESS_STAGE else tlsa
    return tlsa if host.dane else None


def _domain_lines(domain: str, pair, rng: random.Random) -> list[str]:
    lines = [f"{domain}. {TTL} IN MX 10 {pair[0].name}."]
    if rng.random() < 0.5:
        lines.append(f"{domain}. {TTL} IN MX 20 {pair[1].name}.")
    return lines


def _policy(domain: str, provider: int, rng: random.Random, stage: int | None) -> str:
    """The MTA-STS policy a domain publishes ("" for none).

    At a history stage the mode is drawn whether or not the domain adopts yet, so every
    stage consumes the same random numbers and the domains keep their providers.
    """
    adopts = rng.random() < stage_share(MTA_STS_SHARE, stage)
    mode_draw = rng.random() if adopts or stage is not None else 1.0
    if not adopts:
        return ""
    mode = "enforce" if mode_draw < 0.7 else "testing"
    return f"version: STSv1\nmode: {mode}\nmx: *.p{provider + 1:03d}.{ZONE}\nmax_age: 86400\n"


def build(
    state: Path,
    authority: pki.Authority,
    count: int,
    greeting_delay: float = 0.0,
    seed: int = 1,
    stage: int | None = None,
    every_fault: bool = False,
) -> BuiltScale:
    """Generate, sign and describe `count` domains (at a history stage); writes STATE/scale/."""
    directory = state / "scale"
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    hosts = plan_hosts(host_count(count), rng, stage, every_fault)
    serial = int(time.time())
    lines = [
        f"{ZONE}. {TTL} IN SOA {NS_NAME} hostmaster.{TLD}. {serial} 3600 600 86400 {TTL}",
        f"{ZONE}. {TTL} IN NS {NS_NAME}",
        f"mta-sts.{ZONE}. {TTL} IN A {POLICY_ADDRESS}",
    ]
    host_lines, smtp = _host_records(state, authority, hosts, stage, greeting_delay)
    domain_lines, domains, policies = _domain_records(count, hosts, rng, stage, serial)
    signed, key = _sign(directory, lines + host_lines + domain_lines)
    (directory / "domains.txt").write_text("\n".join(domains) + "\n")
    (directory / "hosts.json").write_text(json.dumps([h.__dict__ for h in hosts], indent=0))
    https = [_policy_listener(state, authority, policies)]
    return BuiltScale(
        smtp=smtp,
        https=https,
        delegation=Delegation(ZONE, key.ds(f"{ZONE}.")),
        zone_file=signed,
        domains=tuple(domains),
        hosts=hosts,
    )


def _host_records(
    state: Path, authority: pki.Authority, hosts, stage: int | None, greeting_delay: float
) -> tuple[list[str], list[dict]]:
    """Each host's A and TLSA records, and the SMTP listener of each host that answers."""
    lines, smtp = [], []
    for index, host in enumerate(hosts):
        issued = pki.issue(authority, state / "pki", host.name)
        lines.append(f"{host.name}. {TTL} IN A {host.address}")
        rdata = _tlsa(
            host, index, len(hosts), stage, tlsa_rdata("3 1 1 leaf", issued, authority, b"")
        )
        if rdata:
            lines.append(f"_25._tcp.{host.name}. {TTL} IN TLSA {rdata}")
        if host.fault != "refused":
            smtp.append(_listener(host, issued, greeting_delay))
    return lines, smtp


def _domain_records(
    count: int, hosts, rng: random.Random, stage: int | None, serial: int
) -> tuple[list[str], list[str], dict[str, str]]:
    """Each domain's records at its provider: (zone lines, domain names, MTA-STS policies)."""
    providers = len(hosts) // 2
    # Zipf-like weights: provider 1 carries the most domains, the tail a few each.
    weights = [1 / (rank + 1) for rank in range(providers)]
    lines, domains, policies = [], [], {}
    for number in range(1, count + 1):
        domain = f"d{number:05d}.{ZONE}"
        domains.append(domain)
        provider = rng.choices(range(providers), weights)[0]
        lines += _domain_lines(domain, hosts[2 * provider : 2 * provider + 2], rng)
        if policy := _policy(domain, provider, rng, stage):
            lines.append(f'_mta-sts.{domain}. {TTL} IN TXT "v=STSv1; id={serial};"')
            lines.append(f"mta-sts.{domain}. {TTL} IN A {POLICY_ADDRESS}")
            policies[f"mta-sts.{domain}"] = policy
        if rng.random() < stage_share(TLS_RPT_SHARE, stage):
            lines.append(
                f'_smtp._tls.{domain}. {TTL} IN TXT "v=TLSRPTv1; rua=mailto:tlsrpt@{domain}"'
            )
    return lines, domains, policies


def _sign(directory: Path, lines: list[str]):
    """The zone signed with a new key by ldns-signzone: (signed zone file, key)."""
    unsigned = directory / f"{ZONE}.unsigned"
    unsigned.write_text("\n".join(lines) + "\n")
    key = make_key()
    signed = directory / f"{ZONE}.zone"
    subprocess.run(
        ["ldns-signzone", "-f", str(signed), str(unsigned), _write_ldns_key(directory, key)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return signed, key


def _policy_listener(state: Path, authority: pki.Authority, policies: dict[str, str]) -> dict:
    """The one HTTPS server that serves every scale domain's MTA-STS policy."""
    policy_issued = pki.issue(authority, state / "pki", f"mta-sts.{ZONE}")
    return {
        "address": POLICY_ADDRESS,
        "port": addresses.HTTPS_PORT,
        "host": f"mta-sts.{ZONE}",
        "cert_path": str(policy_issued.cert_path),
        "key_path": str(policy_issued.key_path),
        "chain_path": str(policy_issued.chain_path),
        "policies": policies,
        "ca_cert_path": str(authority.pem_path),
        "ca_key_path": str(authority.pem_path.with_name("ca.key")),
    }
