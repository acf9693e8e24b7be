"""Unbound, the lab's validating resolver: our root as hints, our root DS as trust anchor."""

import subprocess
from pathlib import Path

from lab import addresses
from lab.zones import NS_NAME


def write_config(
    state: Path,
    root_ds: str,
    *,
    name: str = "unbound",
    interface: str = addresses.RESOLVER,
    validating: bool = True,
) -> Path:
    """Write STATE/<name>.conf, root hints and the trust anchor. Never Debian's config.

    `validating=False` gives a resolver that resolves but does not validate (no trust
    anchor, module-config "iterator"): what the scanner must refuse to scan through.
    """
    hints = state / "root.hints"
    hints.write_text(
        f". 3600000 IN NS {NS_NAME}\n{NS_NAME} 3600000 IN A {addresses.AUTHORITATIVE}\n"
    )
    anchor = state / f"{name}.root.ds" if name != "unbound" else state / "root.ds"
    anchor.write_text(root_ds + "\n")
    lines = _config_lines(state, name, interface, hints, anchor if validating else None)
    (state / name).mkdir(parents=True, exist_ok=True)
    config = state / f"{name}.conf"
    config.write_text("\n".join(lines) + "\n")
    return config


def _config_lines(
    state: Path, name: str, interface: str, hints: Path, anchor: Path | None
) -> list[str]:
    """unbound.conf for the lab: validating with the anchor, a plain iterator without."""
    validating = anchor is not None
    return [
        "server:",
        f"    interface: {interface}",
        f"    port: {addresses.DNS_PORT}",
        "    do-ip6: no",
        "    do-daemonize: no",
        '    username: ""',
        '    chroot: ""',
        f'    directory: "{state}"',
        f'    pidfile: "{state}/{name}/unbound.pid"',
        f'    logfile: "{state}/{name}.log"',
        "    use-syslog: no",
        "    log-time-ascii: yes",
        "    verbosity: 1",
        "    num-threads: 1",
        "    so-reuseport: no",
        "    access-control: 127.0.0.0/8 allow",
        f'    root-hints: "{hints}"',
        *([f'    trust-anchor-file: "{anchor}"'] if validating else []),
        # Without this Unbound refuses to query 127.0.0.0/8 and every lookup SERVFAILs.
        "    do-not-query-localhost: no",
        # RFC 8914 Extended DNS Errors: how a bogus answer is told apart from a timeout.
        "    ede: yes",
        "    val-log-level: 2",
        "    log-servfail: yes",
        f'    module-config: "{"validator iterator" if validating else "iterator"}"',
        "    qname-minimisation: no",
        "    prefetch: no",
        "    outgoing-range: 4096",
        "    num-queries-per-thread: 2048",
        # Two workers with 256 queries in flight each overflow the default receive
        # buffer (208 KiB): the kernel drops queries and each costs a 5 s time-out.
        "    so-rcvbuf: 4m",
        "    so-sndbuf: 4m",
        "    msg-cache-size: 64m",
        "    rrset-cache-size: 128m",
        "    infra-cache-numhosts: 100000",
        "    harden-glue: yes",
        "    harden-dnssec-stripped: yes",
        "remote-control:",
        "    control-enable: yes",
        f'    control-interface: "{state}/{name}/control.sock"',
        "    control-use-cert: no",
    ]


def command(config: Path) -> list[str]:
    return ["unbound", "-d", "-c", str(config)]


def flush(config: Path) -> None:
    """Empty Unbound's caches (after a zone changes) through its control socket."""
    subprocess.run(
        ["unbound-control", "-c", str(config), "reload"],
        check=True,
        capture_output=True,
        timeout=10,
    )
