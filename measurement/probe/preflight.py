"""Pre-flight: does the configured resolver answer, and does it validate DNSSEC?

DESIGN.md section 2: DNSSEC status comes from the resolver's AD bit. Through a resolver
that does not validate (a plain forwarder, an authoritative server, Unbound with
validation off) every signed domain would look unsigned and every DANE domain would get
"TLSA without DNSSEC": a complete, wrong scan. So before any scan, and in check_domain,
we ask for the root zone's SOA, an answer that must be secure under the trust anchor the
resolver is configured with (the root's in production, the lab's root in lab mode), and
refuse to go on unless it comes back with the AD bit.

Runnable on its own, e.g. as a healthcheck of the resolver service:

    python -m measurement.probe.preflight [ADDRESS] [--port PORT]

ADDRESS and PORT default to SCANNER_RESOLVER and SCANNER_RESOLVER_PORT from the
environment (127.0.0.1 and 53). Exit status 0 when the resolver validates, 1 when not,
with the reason on stderr.
"""

import argparse
import asyncio
import os
import sys
from dataclasses import dataclass

from measurement.probe.dns import TIMEOUT_RCODE, Resolver
from measurement.probe.observations import DnsAnswer, DnssecStatus

# The root zone is signed, and its key is the trust anchor itself: a validating resolver
# always sets AD on its SOA. It is also the one name every resolver can answer.
SECURE_NAME = "."
SECURE_TYPE = "SOA"
HOW_TO_FIX = "docs/scanner.md, 'The resolver'"


class ResolverNotUsable(Exception):
    """The configured resolver does not answer or does not validate; the scan must not run."""


@dataclass(frozen=True, slots=True)
class ResolverCheck:
    """What the pre-flight saw: `problem` is "" when the resolver may be used."""

    resolver: str
    problem: str  # "", "no_answer", "refused", "not_validating", "cannot_validate", "rcode"
    message: str
    answer: DnsAnswer | None = None

    @property
    def usable(self) -> bool:
        return not self.problem


def judge_resolver_answer(answer: DnsAnswer, resolver: str) -> ResolverCheck:
    """Pure: the verdict on one answer for the root SOA from `resolver`."""
    what = f"The resolver {resolver} (SCANNER_RESOLVER, SCANNER_RESOLVER_PORT)"
    rcode = answer.rcode
    if rcode == TIMEOUT_RCODE:
        return ResolverCheck(
            resolver,
            "no_answer",
            f"{what} did not answer a query for the root zone's SOA. Start it, or set "
            "SCANNER_RESOLVER and SCANNER_RESOLVER_PORT to a validating resolver that this "
            f"host can reach ({HOW_TO_FIX}).",
            answer,
        )
    if rcode == "REFUSED":
        return ResolverCheck(
            resolver,
            "refused",
            f"{what} answered REFUSED: it does not serve this host. Allow the scanner's "
            "address in its access control (Unbound: access-control), or point "
            f"SCANNER_RESOLVER at a validating resolver that does ({HOW_TO_FIX}).",
            answer,
        )
    if rcode == "SERVFAIL":
        ede = "; ".join(f"EDE {code} {text}".strip() for code, text in answer.ede)
        return ResolverCheck(
            resolver,
            "cannot_validate",
            f"{what} could not validate the root zone (SERVFAIL{', ' + ede if ede else ''}): "
            "its trust anchor does not match the root it asks (in lab mode: the lab's root "
            "key), its clock is wrong, or it cannot reach the root servers. Fix its trust "
            f"anchor, clock or network ({HOW_TO_FIX}).",
            answer,
        )
    if rcode != "NOERROR" or not answer.records:
        return ResolverCheck(
            resolver,
            "rcode",
            f"{what} answered the root zone's SOA with {rcode} and "
            f"{len(answer.records)} records: it is not a working recursive resolver. Point "
            f"SCANNER_RESOLVER at a validating resolver ({HOW_TO_FIX}).",
            answer,
        )
    if answer.status is not DnssecStatus.SECURE:
        return ResolverCheck(
            resolver,
            "not_validating",
            f"{what} answered the root zone's SOA without the AD bit: it does not validate "
            "DNSSEC (a plain forwarder, an authoritative server, or a resolver with "
            "validation off). Through it every signed domain would look unsigned. Turn "
            'validation on (Unbound: module-config: "validator iterator" with a root trust '
            "anchor, as in deploy/unbound.conf), or point SCANNER_RESOLVER at a validating "
            f"resolver ({HOW_TO_FIX}).",
            answer,
        )
    return ResolverCheck(resolver, "", f"{what} validates DNSSEC.", answer)


async def check_resolver(resolver: Resolver) -> ResolverCheck:
    """Ask `resolver` for the root SOA (DO set, CD never) and judge the answer."""
    answer = await resolver.query(SECURE_NAME, SECURE_TYPE)
    return judge_resolver_answer(answer, resolver.label)


def check(address: str, port: int = 53, *, timeout: float = 3.0) -> ResolverCheck:
    """check_resolver from synchronous code (a command, the start of a scan)."""
    resolver = Resolver(address, port, timeout=timeout, attempts=2, sockets=1)

    async def run() -> ResolverCheck:
        try:
            return await check_resolver(resolver)
        finally:
            resolver.close()

    return asyncio.run(run())


def require_validating_resolver(address: str, port: int = 53) -> ResolverCheck:
    """check(), raising ResolverNotUsable with the message when the resolver is unusable."""
    result = check(address, port)
    if not result.usable:
        raise ResolverNotUsable(result.message)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("address", nargs="?", default=os.environ.get("SCANNER_RESOLVER"))
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args(argv)
    address = args.address or "127.0.0.1"
    port = args.port or int(os.environ.get("SCANNER_RESOLVER_PORT") or 53)
    result = check(address, port)
    print(result.message, file=sys.stdout if result.usable else sys.stderr)
    return 0 if result.usable else 1


if __name__ == "__main__":
    sys.exit(main())
