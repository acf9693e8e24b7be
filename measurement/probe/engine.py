"""Runs a scan's network work in one event loop: resolve domains, probe each (host, IP) once.

DESIGN.md section 1, steps 2 and 3. observe_domains does both for a list of domains,
streaming each domain as it is done; the scan machinery (measurement.scan) runs it.
Nothing here raises: every failure is an Outcome or a DNS status in the observations.
"""

import asyncio
import contextlib
import dataclasses
import ipaddress
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from measurement.probe.addresses import not_allowed_reason
from measurement.probe.dns import MAX_MX_HOSTS, Resolver, resolve_host, resolve_mx
from measurement.probe.limiter import AddressLimiter, LocalAddressLimiter
from measurement.probe.mtasts import observe_mta_sts
from measurement.probe.observations import (
    DnsAnswer,
    DnssecStatus,
    DomainObservation,
    HostObservation,
    MtaStsObservation,
    MxObservation,
    Outcome,
    SmtpObservation,
    TlsRptObservation,
)
from measurement.probe.smtp import is_retriable, probe_smtp
from measurement.probe.tls_assessing import TlsQualitySettings, TlsQualityStep
from measurement.probe.tlsrpt import observe_tls_rpt

try:
    import uvloop
except ImportError:  # not built for this platform (Windows): the standard loop, slower
    uvloop = None

log = logging.getLogger(__name__)


def run[T](work: Coroutine[Any, Any, T]) -> T:
    """asyncio.run for the scan's network work: on uvloop where it is installed.

    Tens of thousands of queries and connections per scan make the event loop itself a
    large part of the CPU: uvloop's costs about a third less per domain (docs/scanner.md).
    """
    return asyncio.run(work, loop_factory=uvloop.new_event_loop if uvloop else None)


Pair = tuple[str, str]  # (MX host, address)
STRAGGLERS = 16  # domains still finding mail hosts that do not hold the policies back


@dataclass(frozen=True)
class ProbeConfig:
    """Everything a scan's network work depends on; the defaults are production values."""

    resolver: str = "127.0.0.1"
    resolver_port: int = 53
    ehlo_name: str = "mailbeveiliging.example.nl"
    lab_mode: bool = False  # allows loopback and private addresses (the lab lives there)
    smtp_port: int = 25
    https_port: int = 443
    greeting_timeout: float = 30.0  # postscreen may delay the greeting (DESIGN.md section 3)
    command_timeout: float = 10.0
    probe_timeout: float = 90.0  # one whole SMTP attempt
    dns_timeout: float = 5.0
    https_timeout: float = 10.0
    concurrency: int = 500  # connections in flight, SMTP and HTTPS together
    address_gap: float = 1.0  # seconds between two connections to one address
    retry_delay: float = 30.0  # before the second attempt after 421/4xx, reset, timeout
    source_address: str | None = None
    ipv6: bool = True  # probe AAAA addresses too
    max_mx_hosts: int = MAX_MX_HOSTS
    domains_in_flight: int = 1000  # in each step of resolving (observe_domains)
    domains_ahead: int = 5000  # started, policies not yet fetched (observe_domains)
    dns_cache_size: int = 20_000
    fetch_mta_sts: bool = True
    tls_quality: TlsQualitySettings | None = None  # TLS (NCSC), probe/tls_assessing.py

    def smtp_target(self) -> dict[str, object]:
        """How each SMTP connection is made, the probe's and the TLS assessment's."""
        names = ("ehlo_name", "greeting_timeout", "command_timeout", "source_address")
        return {"port": self.smtp_port} | {name: getattr(self, name) for name in names}


SharedProbe = Callable[
    [str, str, Callable[[], Awaitable[SmtpObservation]]], Awaitable[SmtpObservation]
]


class _Run:
    """State shared by one batch: resolver cache, per-IP limiter, connection bound."""

    def __init__(self, config: ProbeConfig, limiter: AddressLimiter | None = None) -> None:
        self.config = config
        self.resolver = Resolver(
            config.resolver,
            config.resolver_port,
            timeout=config.dns_timeout,
            cache_size=config.dns_cache_size,
        )
        self.limiter = limiter or LocalAddressLimiter(config.address_gap)
        self.connections = asyncio.Semaphore(config.concurrency)
        self._hosts: dict[str, asyncio.Task[HostObservation]] = {}
        # Set when several runs (workers) share one scan: it decides whether this run
        # probes a pair itself (given the probe to run) or takes another run's result.
        self.shared_probe: SharedProbe | None = None
        self._probes: dict[Pair, asyncio.Task[SmtpObservation]] = {}
        self.tls_quality: TlsQualityStep | None = None
        if config.tls_quality is not None:
            target, lab_mode = config.smtp_target(), config.lab_mode
            self.tls_quality = TlsQualityStep(self.limiter, config.tls_quality, target, lab_mode)

    def close(self) -> None:
        self.resolver.close()
        if self.tls_quality is not None:
            self.tls_quality.close()

    # --- resolve ----------------------------------------------------------------------

    async def mail_hosts(
        self, domain: str, *, start_probes: bool = False
    ) -> tuple[MxObservation, list[HostObservation]]:
        """The MX answer and its hosts; with start_probes, each host's probes begin as soon
        as its addresses are known: the probe of a silent server is what a scan waits for
        longest."""
        mx = await resolve_mx(self.resolver, domain, max_hosts=self.config.max_mx_hosts)
        hosts = await _all([self.host(mx_host.host) for mx_host in mx.hosts])
        if start_probes:
            for host in hosts:
                for address in host.addresses:
                    self.probe(host.host, address)
        return mx, hosts

    async def policies(self, domain: str) -> tuple[TlsRptObservation, MtaStsObservation | None]:
        """The domain's TLS-RPT record and MTA-STS policy."""
        return await asyncio.gather(observe_tls_rpt(self.resolver, domain), self._mta_sts(domain))

    async def _mta_sts(self, domain: str) -> MtaStsObservation | None:
        config = self.config
        if not config.fetch_mta_sts:
            return None
        return await observe_mta_sts(
            self.resolver,
            domain,
            port=config.https_port,
            timeout=config.https_timeout,
            lab_mode=config.lab_mode,
            ipv6=config.ipv6,
            source_address=config.source_address,
            connections=self.connections,  # held for the HTTPS connection only
        )

    def host(self, host: str) -> "asyncio.Task[HostObservation] | HostObservation":
        """Each MX host is resolved once per run, however many domains name it."""
        if (task := self._hosts.get(host)) is None:
            # TLSA lives at _25._tcp whatever port the lab serves SMTP on (RFC 7672 2.2.3).
            task = asyncio.ensure_future(resolve_host(self.resolver, host))
            self._hosts[host] = task
        return task

    # --- probe ------------------------------------------------------------------------

    def probe(self, host: str, address: str) -> "asyncio.Task[SmtpObservation]":
        """Each (host, address) is probed once per run, however many domains share it."""
        pair = (host, address)
        if (task := self._probes.get(pair)) is None:
            if self.shared_probe is None:
                task = asyncio.ensure_future(self._observe_pair(host, address))
            else:
                task = asyncio.ensure_future(
                    self.shared_probe(host, address, lambda: self._observe_pair(host, address))
                )
            self._probes[pair] = task
        return task

    async def _observe_pair(self, host: str, address: str) -> SmtpObservation:
        """The pair's probe, then its TLS quality assessment when the scan has one."""
        observation = await self._probe_with_retry(host, address)
        return await self.tls_quality.add_to(observation) if self.tls_quality else observation

    async def _probe_with_retry(self, host: str, address: str) -> SmtpObservation:
        first = await self.attempt(host, address)
        if not is_retriable(first):
            return first
        await asyncio.sleep(self.config.retry_delay)
        return dataclasses.replace(await self.attempt(host, address), attempts=2)

    async def attempt(self, host: str, address: str) -> SmtpObservation:
        config = self.config
        if reason := _skip_reason(address, config):
            return SmtpObservation(host, address, Outcome.NOT_ALLOWED, reason)
        try:
            async with self.limiter.slot(address), self.connections:
                return await probe_smtp(
                    host,
                    address,
                    **config.smtp_target(),
                    total_timeout=config.probe_timeout,
                    lab_mode=config.lab_mode,
                )
        except Exception as exc:  # e.g. the shared limiter's Redis is down: our problem
            log.exception("probe of %s at %s failed", host, address)
            return SmtpObservation(host, address, Outcome.ERROR, f"{type(exc).__name__}: {exc}")


def failed_observation(domain: str, exc: Exception) -> DomainObservation:
    """A domain whose resolving raised (our bug): logged, and given out without facts."""
    log.error("resolving %s failed", domain, exc_info=exc)
    answer = DnsAnswer(domain, "MX", "ERROR", DnssecStatus.INDETERMINATE, ede=((0, str(exc)),))
    return DomainObservation(domain=domain, mx=MxObservation(domain=domain, answer=answer))


def _skip_reason(address: str, config: ProbeConfig) -> str:
    if reason := not_allowed_reason(address, lab_mode=config.lab_mode):
        return reason
    if not config.ipv6 and ipaddress.ip_address(address).version == 6:
        return "IPv6 probing is switched off"
    return ""


async def _all[T](items: "list[asyncio.Task[T] | T]") -> list[T]:
    """The results of shared tasks (or values at hand), in order, without cancelling them.

    Many domains wait on one host's or pair's task: one domain being cancelled must not
    cancel the task (hence shield), and a task already done costs no wrapper at all,
    which is the common case for an MX host that serves many domains.
    """
    pending = [item for item in items if isinstance(item, asyncio.Future) and not item.done()]
    if pending:
        await asyncio.shield(asyncio.gather(*pending))
    return [item.result() if isinstance(item, asyncio.Future) else item for item in items]


def pairs_to_probe(observations: Iterable[DomainObservation]) -> list[Pair]:
    """The unique (host, address) pairs of some domains, in first-seen order."""
    pairs = {
        (host.host, address): None
        for obs in observations
        for host in obs.hosts
        for address in host.addresses
    }
    return list(pairs)


async def probe_pairs(
    pairs: Iterable[Pair], config: ProbeConfig, *, limiter: AddressLimiter | None = None
) -> list[SmtpObservation]:
    """Probe each unique (host, address) pair once, as a scan does (retry rule and
    per-address limit included), without resolving anything: for tests and benchmarks."""
    run = _Run(config, limiter)
    try:
        return await _all([run.probe(host, address) for host, address in dict.fromkeys(pairs)])
    finally:
        run.close()


def assemble(
    observation: DomainObservation, probes: Mapping[Pair, SmtpObservation]
) -> DomainObservation:
    """A domain's observation with the probes of its (host, address) pairs, in MX order."""
    return dataclasses.replace(
        observation,
        probes=tuple(
            probes[(host.host, address)]
            for host in observation.hosts
            for address in host.addresses
            if (host.host, address) in probes
        ),
    )


class _Observing:
    """The state of one observe_domains run: which domains may find their mail hosts or
    fetch their policies now (see observe_domains), and the domains done."""

    def __init__(self, run: _Run, config: ProbeConfig) -> None:
        self.run = run
        self.config = config
        self.finding = asyncio.Semaphore(config.domains_in_flight)
        self.fetching = asyncio.Semaphore(config.domains_in_flight)
        self.ahead = asyncio.Semaphore(max(config.domains_ahead, config.domains_in_flight))
        # Policies wait until no domain can start finding its mail hosts and at most a
        # few still are: a domain whose DNS times out must not hold every policy back,
        # nor must many such domains for longer than one DNS time-out.
        self.mail_idle = asyncio.Event()
        self.finding_now = 0
        self.starter_held = False
        self.done: asyncio.Queue[DomainObservation] = asyncio.Queue()
        self.tasks: set[asyncio.Task[None]] = set()

    def settle(self) -> None:
        if self.finding_now <= STRAGGLERS and self.starter_held:
            self.mail_idle.set()

    async def resolve(self, domain: str) -> DomainObservation:
        run = self.run
        try:
            try:
                mx, hosts = await run.mail_hosts(domain, start_probes=True)
            finally:
                self.finding.release()
                self.finding_now -= 1
                self.settle()
            if not self.mail_idle.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.mail_idle.wait(), self.config.dns_timeout)
            async with self.fetching:
                tls_rpt, mta_sts = await run.policies(domain)
        except Exception as exc:  # our bug
            return failed_observation(domain, exc)
        finally:
            self.ahead.release()
        return DomainObservation(
            domain=domain, mx=mx, hosts=tuple(hosts), mta_sts=mta_sts, tls_rpt=tls_rpt
        )

    async def observe(self, domain: str) -> None:
        facts = await self.resolve(domain)
        try:
            pairs = pairs_to_probe([facts])
            probes = await _all([self.run.probe(h, address) for h, address in pairs])
            self.done.put_nowait(assemble(facts, dict(zip(pairs, probes, strict=True))))
        except Exception:  # our bug; the domain still comes out, without probes
            log.exception("probing the hosts of %s failed", domain)
            self.done.put_nowait(facts)

    async def start_all(self, domains: Iterable[str]) -> int:
        started = 0
        for domain in domains:
            if self.ahead.locked():  # domains_ahead reached: the policies must make room
                self.starter_held = True
                self.settle()
            await self.ahead.acquire()
            self.starter_held = False
            self.mail_idle.clear()
            await self.finding.acquire()
            self.finding_now += 1
            task = asyncio.ensure_future(self.observe(domain))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
            started += 1
        self.starter_held = True  # every domain has started
        self.settle()
        return started


async def observe_domains(
    domains: Iterable[str],
    config: ProbeConfig,
    *,
    limiter: AddressLimiter | None = None,
    shared_probe: "SharedProbe | None" = None,
) -> AsyncIterator[DomainObservation]:
    """Both phases for many domains, yielding each domain when done (in completion order).

    Each domain first finds its mail hosts (MX, then the hosts' addresses and TLSA) and
    starts their probes, then fetches its policies (TLS-RPT, MTA-STS). At most
    `domains_in_flight` domains are in each of the two steps at once, and at most
    `domains_ahead` have started without their policies. No domain fetches its
    policies while others can still start finding mail hosts or more than STRAGGLERS
    still are (waiting at most one DNS time-out): so finding mail hosts runs ahead of
    the policy fetches (HTTPS, most of the CPU), and every probe, above all the silent
    servers' two greeting time-outs that set the end of a scan, begins early. A domain
    waiting for its probes no longer counts. Probes are shared by (host, address)
    across the whole run.
    """
    run = _Run(config, limiter)
    run.shared_probe = shared_probe
    state = _Observing(run, config)
    done = state.done
    starter = asyncio.ensure_future(state.start_all(domains))
    yielded = 0
    try:
        while not starter.done():
            # Until every domain has started, also wake when the starter ends.
            getter = asyncio.ensure_future(done.get())
            await asyncio.wait({getter, starter}, return_when=asyncio.FIRST_COMPLETED)
            if not getter.done():
                getter.cancel()
                continue
            ready = [getter.result()]
            # Take everything finished so far: one wake-up per domain would pace the
            # output by event loop iterations, which are long in a busy scan.
            while not done.empty():
                ready.append(done.get_nowait())
            for observation in ready:
                yielded += 1
                yield observation
        for _ in range(starter.result() - yielded):
            yield await done.get()
    finally:
        starter.cancel()
        for task in state.tasks:
            task.cancel()
        run.close()
