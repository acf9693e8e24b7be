"""MTA-STS: the _mta-sts TXT record and the policy fetched over HTTPS (RFC 8461 section 3).

One GET over our own TLS connection, the HTTP/1.1 parsed by h11 (policy_http.py): no
redirects followed (RFC 8461 section 3.3), the body capped at 64 KiB, the response head at
16 KiB, every wait bounded. The TLS handshake does not verify:
the chain is captured and Web-PKI validity is judged in measurement/evaluate, like SMTP.

fetch_outcome says whether we saw an HTTP answer: ok means a complete response arrived,
whatever its status; http_status and content_type say what it was (a 3xx is recorded with
its Location in fetch_detail, never followed). not_supported means mta-sts.<domain> has
no address records; unreachable means its address lookup failed (SERVFAIL, bogus, timeout).
"""

import asyncio
import ssl
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass

from measurement.probe import policy_http
from measurement.probe.addresses import not_allowed_reason
from measurement.probe.dns import Priority, Resolver
from measurement.probe.observations import DnssecStatus, MtaStsObservation, Outcome
from measurement.probe.tls import handshake_facts, observation_context
from measurement.probe.wire import ConnectionClosed, LineConnection

POLICY_PATH = "/.well-known/mta-sts.txt"
MAX_POLICY_BYTES = policy_http.MAX_POLICY_BYTES
USER_AGENT = "mailbeveiliging-probe/0.1 (+MTA-STS policy check)"


def announces_policy(records: tuple[str, ...]) -> bool:
    """RFC 8461 section 3.1: records that do not begin with "v=STSv1;" are discarded."""
    return any(record.startswith("v=STSv1;") for record in records)


async def observe_mta_sts(
    resolver: Resolver,
    domain: str,
    *,
    port: int = 443,
    timeout: float = 10.0,
    lab_mode: bool = False,
    ipv6: bool = True,
    source_address: str | None = None,
    connections: AbstractAsyncContextManager | None = None,
) -> MtaStsObservation:
    """The TXT record and, when it announces a policy, the policy. `connections` (e.g. the
    engine's semaphore) is held for the HTTPS connection only, not for the lookups."""
    txt = await resolver.query(f"_mta-sts.{domain}", "TXT", priority=Priority.POLICY)
    if not announces_policy(txt.records):
        return MtaStsObservation(domain=domain, txt=txt)
    policy_host = f"mta-sts.{domain}"
    fetch = await fetch_policy(
        resolver,
        policy_host,
        port=port,
        timeout=timeout,
        lab_mode=lab_mode,
        ipv6=ipv6,
        source_address=source_address,
        connections=connections,
    )
    return MtaStsObservation(
        domain=domain,
        txt=txt,
        policy_url=f"https://{policy_host}{POLICY_PATH}",
        fetch_outcome=fetch.outcome,
        fetch_detail=fetch.detail,
        http_status=fetch.status,
        content_type=fetch.content_type,
        policy_text=fetch.body,
        chain=fetch.chain,
    )


@dataclass(frozen=True, slots=True)
class PolicyFetch:
    outcome: Outcome
    detail: str = ""
    status: int | None = None
    content_type: str = ""
    body: str = ""
    chain: tuple[bytes, ...] = ()


async def fetch_policy(
    resolver: Resolver,
    policy_host: str,
    *,
    port: int = 443,
    timeout: float = 10.0,
    lab_mode: bool = False,
    ipv6: bool = True,
    source_address: str | None = None,
    connections: AbstractAsyncContextManager | None = None,
) -> PolicyFetch:
    """GET the policy from the first address of `policy_host` that answers."""
    lookups = [resolver.query(policy_host, "A")]
    if ipv6:
        lookups.append(resolver.query(policy_host, "AAAA"))
    answers = await asyncio.gather(*lookups)
    addresses = [r for answer in answers for r in answer.records if not r.endswith(".")]
    if not addresses:
        failed = [
            a for a in answers if a.status in (DnssecStatus.BOGUS, DnssecStatus.INDETERMINATE)
        ]
        if failed:
            return PolicyFetch(
                Outcome.UNREACHABLE,
                f"{policy_host}: address lookup failed ({failed[0].rcode}, {failed[0].status})",
            )
        return PolicyFetch(Outcome.NOT_SUPPORTED, f"{policy_host} has no A or AAAA records")
    fetch = PolicyFetch(Outcome.ERROR, "no address tried")
    for address in addresses[:2]:
        if reason := not_allowed_reason(address, lab_mode=lab_mode):
            fetch = PolicyFetch(Outcome.NOT_ALLOWED, f"{address}: {reason}")
            continue
        same_family = source_address and (":" in source_address) == (":" in address)
        local = source_address if same_family else None
        async with connections or nullcontext():
            fetch = await get_policy(
                policy_host, address, port=port, timeout=timeout, source_address=local
            )
        if fetch.outcome not in (Outcome.REFUSED, Outcome.UNREACHABLE, Outcome.TIMEOUT):
            break
    return fetch


async def get_policy(
    policy_host: str,
    address: str,
    *,
    port: int = 443,
    timeout: float = 10.0,
    context: ssl.SSLContext | None = None,
    source_address: str | None = None,
) -> PolicyFetch:
    """One HTTPS GET of the policy path at `address`, SNI and Host being `policy_host`.

    The probe's own TLS connection (wire.py); the HTTP exchange is h11's (policy_http.py).
    Every outcome is classified, none raises.
    """
    connection = LineConnection(policy_http.MAX_HEAD_BYTES, 2 * policy_http.READ_BYTES)
    chain: tuple[bytes, ...] = ()
    try:
        async with asyncio.timeout(timeout):
            opened = await _open_tls(
                connection, policy_host, address, port, context, source_address
            )
            if isinstance(opened, PolicyFetch):
                return opened
            _version, _cipher, chain = handshake_facts(opened)
            answer = await policy_http.get(
                connection.write, connection.read_some, policy_host, POLICY_PATH, USER_AGENT
            )
    except TimeoutError:
        return PolicyFetch(
            Outcome.TIMEOUT, f"{address}: no complete answer within {timeout:g} s", chain=chain
        )
    except policy_http.PolicyHttpError as exc:
        return PolicyFetch(Outcome.PROTOCOL_ERROR, f"{address}: {exc}", chain=chain)
    except (ConnectionClosed, ConnectionError, OSError, ssl.SSLError) as exc:
        return PolicyFetch(
            Outcome.PROTOCOL_ERROR,
            f"{address}: connection lost: {exc or type(exc).__name__}",
            chain=chain,
        )
    finally:
        connection.close()  # Connection: close; the body is complete or abandoned
    redirect = 300 <= answer.status < 400
    return PolicyFetch(
        Outcome.OK,
        f"redirect to {answer.location or '?'} not followed" if redirect else "",
        status=answer.status,
        content_type=answer.content_type,
        body=answer.body.decode("utf-8", "replace"),
        chain=chain,
    )


async def _open_tls(
    connection: LineConnection,
    policy_host: str,
    address: str,
    port: int,
    context: ssl.SSLContext | None,
    source_address: str | None,
) -> ssl.SSLObject | PolicyFetch:
    """Connect and complete the TLS handshake, or the classified fetch that failed."""
    try:
        await asyncio.get_running_loop().create_connection(
            lambda: connection,
            address,
            port,
            local_addr=(source_address, 0) if source_address else None,
        )
    except ConnectionRefusedError:
        return PolicyFetch(Outcome.REFUSED, f"{address}: connection refused")
    except OSError as exc:
        return PolicyFetch(Outcome.UNREACHABLE, f"{address}: {exc}")
    try:
        return await connection.start_tls(context or observation_context(), policy_host)
    except ssl.SSLError as exc:
        return PolicyFetch(
            Outcome.TLS_ERROR, f"{address}: TLS handshake failed: {exc.reason or exc}"
        )
    except (ConnectionClosed, ConnectionError, OSError) as exc:
        return PolicyFetch(
            Outcome.TLS_ERROR, f"{address}: connection closed during TLS handshake: {exc}"
        )
