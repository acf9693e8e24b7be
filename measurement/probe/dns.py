"""Stub queries to a validating resolver, with the DNSSEC status of every answer.

DESIGN.md section 2: the resolver (Unbound) validates; we read its verdict from the AD
bit, the rcode and Extended DNS Errors (RFC 8914). Queries carry DO and never CD, so
nothing we ask can fill the resolver's cache with unvalidated data.
"""

import asyncio
from collections import OrderedDict
from enum import IntEnum

import dns.exception
import dns.rcode
import dns.rdataclass
import dns.rdatatype

from measurement.probe.addresses import is_untestable_mx_name
from measurement.probe.dnstransport import UdpChannel, tcp_exchange
from measurement.probe.dnswire import Record, canonical_name
from measurement.probe.gate import PriorityGate
from measurement.probe.observations import (
    DnsAnswer,
    DnssecStatus,
    HostObservation,
    MxHost,
    MxObservation,
    TlsaRecord,
)

# RFC 8914 section 4: the codes that report a DNSSEC failure. 3 (stale answer) and 4
# (forged answer) are not about DNSSEC; 27 (RFC 9276, NSEC3 iterations) and 29
# (signature expired before valid) are.
DNSSEC_EDE_CODES = frozenset({1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 27, 29})
MAX_CNAME_CHAIN = 16
MAX_MX_HOSTS = 10  # DESIGN.md section 2, as Internet.nl and the Forum test
TIMEOUT_RCODE = "TIMEOUT"


class Priority(IntEnum):
    """Which queries go first when more wait than may be in flight (PriorityGate)."""

    FOLLOW_UP = 0  # of a domain under way: its MX hosts' A, AAAA, TLSA; the policy host
    MAIL = 1  # a domain's MX: it finds the hosts to probe, and probes set a scan's end
    POLICY = 2  # a domain's TLS-RPT and MTA-STS records


class Resolver:
    """Queries one validating resolver; answers are cached for the life of this object.

    Concurrent queries for the same (name, type) share one request. The cache keeps at
    most `cache_size` answers (least recently used go first), so a scan's memory does not
    grow with the number of domains. Queries go over a few shared UDP sockets, at most
    `max_in_flight` at a time, with TCP when an answer is truncated.
    """

    def __init__(
        self,
        address: str,
        port: int = 53,
        *,
        timeout: float = 5.0,
        attempts: int = 2,
        cache_size: int = 20_000,
        max_in_flight: int = 256,
        sockets: int = 4,
    ) -> None:
        self.address = address
        self.port = port
        self.timeout = timeout
        self.attempts = attempts
        self.cache_size = cache_size
        self.max_in_flight = max_in_flight
        self.sockets = sockets
        self._answers: OrderedDict[tuple[str, str], DnsAnswer] = OrderedDict()
        self._pending: dict[tuple[str, str], asyncio.Future[DnsAnswer]] = {}
        self._channels: list[UdpChannel] = []
        self._channels_loop: asyncio.AbstractEventLoop | None = None
        self._opening: asyncio.Lock | None = None
        self._in_flight: PriorityGate | None = None
        self._next = 0
        self._closed = False
        self.queries_sent = 0

    @property
    def label(self) -> str:
        return f"{self.address}:{self.port}" if self.port != 53 else self.address

    async def query(
        self, name: str, rdtype: str, *, priority: Priority = Priority.FOLLOW_UP
    ) -> DnsAnswer:
        """The answer for (name, rdtype), asked once per scan. When more queries wait than
        may be in flight, those of a lower `priority` value go first (Priority)."""
        key = (name.lower().rstrip("."), rdtype.upper())
        if (answer := self._answers.get(key)) is not None:
            self._answers.move_to_end(key)
            return answer
        if (pending := self._pending.get(key)) is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[DnsAnswer] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            answer = await self._ask(*key, priority=priority)
        except BaseException as exc:  # cancelled: let waiters see it too
            future.cancel()
            del self._pending[key]
            raise exc
        del self._pending[key]
        future.set_result(answer)
        self._answers[key] = answer
        if len(self._answers) > self.cache_size:
            self._answers.popitem(last=False)
        return answer

    async def _ask(self, name: str, rdtype: str, *, priority: Priority) -> DnsAnswer:
        wanted = dns.rdatatype.from_text(rdtype)
        for _ in range(self.attempts):
            self.queries_sent += 1
            try:
                channel = await self._channel()
                assert self._in_flight is not None
                async with self._in_flight.slot(priority):
                    response = await channel.exchange(name, wanted, self.timeout)
                if response.truncated:
                    response = await tcp_exchange(
                        self.address, self.port, name, wanted, self.timeout
                    )
            except (TimeoutError, ValueError, OSError, EOFError, dns.exception.DNSException):
                continue  # ValueError: a MalformedResponse, or a name that cannot be sent
            return _answer(
                name,
                rdtype,
                dns.rcode.to_text(response.rcode),
                response.authenticated,
                response.ede,
                response.answers,
                resolver=self.label,
            )
        return DnsAnswer(
            qname=name,
            rdtype=rdtype,
            rcode=TIMEOUT_RCODE,
            status=DnssecStatus.INDETERMINATE,
            resolver=self.label,
        )

    async def _channel(self) -> UdpChannel:
        loop = asyncio.get_running_loop()
        if self._channels_loop is not loop:
            # A new event loop (a new asyncio.run): sockets belong to the loop that made them.
            self._channels, self._channels_loop = [], loop
            self._opening = asyncio.Lock()
            self._in_flight = PriorityGate(self.max_in_flight, ranks=len(Priority))
        if not self._channels:
            assert self._opening is not None
            async with self._opening:
                if self._closed:
                    raise OSError("resolver closed")
                if not self._channels:
                    opened: list[UdpChannel] = []
                    try:
                        for _ in range(self.sockets):
                            opened.append(await UdpChannel.open(self.address, self.port))
                    except BaseException:
                        for channel in opened:
                            channel.close()
                        raise
                    self._channels = opened
        self._next = (self._next + 1) % len(self._channels)
        return self._channels[self._next]

    def close(self) -> None:
        """Close the sockets; later queries answer TIMEOUT rather than open new ones."""
        self._closed = True
        for channel in self._channels:
            channel.close()
        self._channels = []


def _answer(
    qname: str,
    rdtype: str,
    rcode: str,
    authenticated: bool,
    ede: tuple[tuple[int, str], ...],
    records: list[Record],
    *,
    resolver: str,
) -> DnsAnswer:
    """Status, CNAME chain from qname, and the records of the wanted type at its end."""
    wanted = dns.rdatatype.from_text(rdtype)
    current = canonical_name(qname)  # owners and targets are compared as read_name writes them
    chain: list[str] = []
    for _ in range(MAX_CNAME_CHAIN):
        if wanted == dns.rdatatype.CNAME:
            break
        target = next(
            (r.target for r in records if r.rtype == dns.rdatatype.CNAME and r.owner == current),
            None,
        )
        if target is None:
            break
        current = target
        chain.append(current)
    found: tuple[str, ...] = ()
    if rcode == "NOERROR":
        found = tuple(sorted(r.text for r in records if r.rtype == wanted and r.owner == current))
    return DnsAnswer(
        qname=qname,
        rdtype=rdtype,
        rcode=rcode,
        status=dnssec_status(rcode, authenticated, ede),
        records=found,
        cname_chain=tuple(chain),
        ede=ede,
        resolver=resolver,
    )


def dnssec_status(
    rcode: str, authenticated: bool, ede: tuple[tuple[int, str], ...]
) -> DnssecStatus:
    """DESIGN.md section 2: AD means secure; SERVFAIL with a DNSSEC EDE means bogus."""
    if rcode in ("NOERROR", "NXDOMAIN"):
        return DnssecStatus.SECURE if authenticated else DnssecStatus.INSECURE
    if rcode == "SERVFAIL" and any(code in DNSSEC_EDE_CODES for code, _ in ede):
        return DnssecStatus.BOGUS
    return DnssecStatus.INDETERMINATE


# --- MX (RFC 5321 section 5.1, RFC 7505) ------------------------------------------------


async def resolve_mx(
    resolver: Resolver, domain: str, *, max_hosts: int = MAX_MX_HOSTS
) -> MxObservation:
    answer = await resolver.query(domain, "MX", priority=Priority.MAIL)
    return mx_observation(domain, answer, max_hosts=max_hosts)


def mx_observation(
    domain: str, answer: DnsAnswer, *, max_hosts: int = MAX_MX_HOSTS
) -> MxObservation:
    """MX hosts by preference then name; null MX; localhost and IP literals set apart."""
    by_host: dict[str, int] = {}
    for record in answer.records:
        preference, _, exchange = record.partition(" ")
        host = exchange.strip().lower().rstrip(".") or "."
        pref = int(preference)
        by_host[host] = min(pref, by_host.get(host, pref))
    if by_host and set(by_host) == {"."}:
        # RFC 7505 section 3: "0 ." alone says the domain accepts no mail.
        return MxObservation(domain=domain, answer=answer, null_mx=True)
    ordered = sorted((MxHost(pref, host) for host, pref in by_host.items()), key=_mx_key)
    untestable = tuple(
        mx.host for mx in ordered if mx.host == "." or is_untestable_mx_name(mx.host)
    )
    testable = [mx for mx in ordered if mx.host not in untestable]
    return MxObservation(
        domain=domain,
        answer=answer,
        hosts=tuple(testable[:max_hosts]),
        skipped=max(0, len(testable) - max_hosts),
        untestable_hosts=untestable,
    )


def _mx_key(mx: MxHost) -> tuple[int, str]:
    return (mx.preference, mx.host)


# --- addresses and TLSA (RFC 7672 section 2.2.3) ----------------------------------------


async def resolve_host(resolver: Resolver, host: str, *, port: int = 25) -> HostObservation:
    """A, AAAA and the TLSA RRset of one MX host, at the right TLSA base domain."""
    a, aaaa = await asyncio.gather(resolver.query(host, "A"), resolver.query(host, "AAAA"))
    expanded = secure_expansion(a, aaaa)
    tlsa = None
    base = host
    if expanded and expanded != host:
        # RFC 7672 section 2.2.3: with a secure CNAME chain, try the final name first and
        # fall back to the original name only when no TLSA records exist there; a bogus or
        # indeterminate answer is a failure, not an absence.
        tlsa = await resolver.query(f"_{port}._tcp.{expanded}", "TLSA")
        if tlsa.records or tlsa.status in (DnssecStatus.BOGUS, DnssecStatus.INDETERMINATE):
            base = expanded
        else:
            tlsa = None
    if tlsa is None:
        tlsa = await resolver.query(f"_{port}._tcp.{host}", "TLSA")
    return HostObservation(
        host=host,
        a=a,
        aaaa=aaaa,
        tlsa=tlsa,
        tlsa_base_domain=base,
        tlsa_records=tlsa_records(tlsa),
    )


def secure_expansion(a: DnsAnswer, aaaa: DnsAnswer) -> str:
    """The CNAME-expanded host name when every alias chain seen is secure, else ""."""
    aliased = [answer for answer in (a, aaaa) if answer.cname_chain]
    if aliased and all(answer.status is DnssecStatus.SECURE for answer in aliased):
        return aliased[0].canonical_name
    return ""


def tlsa_records(answer: DnsAnswer) -> tuple[TlsaRecord, ...]:
    """Parse TLSA rdata in presentation form ("3 1 1 abcd..."); malformed ones are dropped."""
    records = []
    for text in answer.records:
        parts = text.split()
        try:
            usage, selector, mtype = (int(p) for p in parts[:3])
            data = bytes.fromhex("".join(parts[3:]))
        except ValueError:
            continue
        records.append(TlsaRecord(usage, selector, mtype, data))
    return tuple(records)


# --- TXT --------------------------------------------------------------------------------
