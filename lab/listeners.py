"""What the lab's SMTP and HTTPS servers listen on: a listener per address of each
scenario, with its certificate; the IPv6 ones left out where the machine cannot have them.
"""

import socket
import sys
from pathlib import Path

from lab import addresses, pki, processes
from lab.scenarios import SCENARIOS, Host, Scenario


def catalogue_listeners(
    state: Path, authority: pki.Authority, use_postfix: bool
) -> tuple[dict[str, pki.Issued], list[dict], list[dict], list[Host]]:
    """(certificates by host, SMTP listeners, HTTPS listeners, hosts Postfix serves)."""
    certificates: dict[str, pki.Issued] = {}
    smtp: list[dict] = []
    https: list[dict] = []
    postfix_hosts: list[Host] = []
    for scenario in SCENARIOS:
        for host in scenario.hosts:
            if host.name in certificates:
                continue
            issued = pki.issue(authority, state / "pki", host.name, host.server.certificate)
            certificates[host.name] = issued
            if host.server.software == "postfix" and use_postfix:
                postfix_hosts.append(host)
                continue
            smtp += [_smtp_listener(host, address, issued) for address in host.addresses]
        if scenario.mta_sts_address:
            issued = pki.issue(
                authority, state / "pki", f"mta-sts.{scenario.domain}", scenario.mta_sts_certificate
            )
            https.append(_https_listener(scenario, issued))
    return certificates, smtp, https, postfix_hosts


def ipv6_usable() -> bool:
    """Whether ::1 can be bound here (containers sometimes run without IPv6)."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind((addresses.IPV6, 0))
    except OSError:
        return False
    return True


IPV6_WARNING = (
    "warning: {reason}; the lab starts without its IPv6 listener, and tests of the "
    "scenarios that need it ({names}) are skipped, saying so"
)


def without_unavailable_ipv6(smtp: list[dict]) -> tuple[list[dict], str]:
    """The listeners without the IPv6 ones when [::1]:25 cannot be had, and why (else "").

    Many machines run a local Postfix on [::1]:25: the lab does not refuse to start for
    it. Without IPv6 the ipv6-only scenario is unreachable, as it would be on the internet.
    """
    wanted = [item for item in smtp if ":" in item["address"]]
    if not wanted:
        return smtp, ""
    reason = "" if ipv6_usable() else "::1 cannot be bound here (no IPv6)"
    for item in wanted if not reason else []:
        try:
            processes.check_free(item["address"], item["port"])
        except processes.AddressInUse:
            reason = (
                f"[{item['address']}]:{item['port']} is held by another process (a local Postfix?)"
            )
            break
    if not reason:
        return smtp, ""
    names = ", ".join(s.name for s in SCENARIOS if any(h.ipv6 for h in s.hosts))
    print(IPV6_WARNING.format(reason=reason, names=names), file=sys.stderr)
    return [item for item in smtp if ":" not in item["address"]], reason


def needed_addresses(
    smtp: list[dict], https: list[dict], postfix_hosts: list[Host]
) -> list[tuple[str, int, tuple[int, ...]]]:
    both = (socket.SOCK_STREAM, socket.SOCK_DGRAM)
    needed = [
        (addresses.AUTHORITATIVE, addresses.DNS_PORT, both),
        (addresses.RESOLVER, addresses.DNS_PORT, both),
    ]
    needed += [(item["address"], item["port"], (socket.SOCK_STREAM,)) for item in smtp + https]
    needed += [
        (a, addresses.SMTP_PORT, (socket.SOCK_STREAM,)) for h in postfix_hosts for a in h.addresses
    ]
    return needed


def _smtp_listener(host: Host, address: str, issued: pki.Issued) -> dict:
    s = host.server
    return {
        "address": address,
        "port": addresses.SMTP_PORT,
        "host": host.name,
        "starttls": s.starttls,
        "send_ca": s.send_ca,
        "greeting_delay": s.greeting_delay,
        "greeting": s.greeting,
        "starttls_reply": s.starttls_reply,
        "handshake": s.handshake,
        "tls_profile": s.tls_profile,
        "cert_path": str(issued.cert_path),
        "key_path": str(issued.key_path),
        "chain_path": str(issued.chain_path),
    }


def _https_listener(scenario: Scenario, issued: pki.Issued) -> dict:
    return {
        "address": scenario.mta_sts_address,
        "port": addresses.HTTPS_PORT,
        "host": f"mta-sts.{scenario.domain}",
        "cert_path": str(issued.cert_path),
        "key_path": str(issued.key_path),
        "chain_path": str(issued.chain_path),
        "policy": scenario.mta_sts_policy,
    }
