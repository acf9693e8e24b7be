"""The engine over scripted DNS and SMTP servers: sharing, politeness, retries, phases."""

import asyncio
import contextlib
import socket

from measurement.probe.engine import (
    ProbeConfig,
    observe_domains,
)
from measurement.probe.engine import run as on_scan_loop
from measurement.probe.observations import Outcome
from tests.measurement.probe.scripted_servers import DnsServer, SmtpServer, make_pki

PKI = make_pki("mx.shared.test")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mx(domain, *hosts):
    records = [(domain, "MX", f"{10 * (i + 1)} {h}.") for i, h in enumerate(hosts)]
    return {(domain, "MX"): ("NOERROR", True, records, None)}


def a(host, address):
    return {(host, "A"): ("NOERROR", True, [(host, "A", address)], None)}


def config(dns: DnsServer, port: int, **overrides) -> ProbeConfig:
    values = dict(
        resolver=dns.address,
        resolver_port=dns.port,
        lab_mode=True,
        smtp_port=port,
        greeting_timeout=1.0,
        command_timeout=1.0,
        probe_timeout=5.0,
        dns_timeout=0.5,
        address_gap=0.2,
        retry_delay=0.2,
        fetch_mta_sts=False,
    )
    values.update(overrides)
    return ProbeConfig(**values)


async def collect(domains, cfg):
    return {obs.domain: obs async for obs in observe_domains(domains, cfg)}


def run_scenario(table, servers, work):
    """Start the DNS server and SMTP servers (address -> kwargs) on one port; run work."""
    port = free_port()

    async def run():
        async with contextlib.AsyncExitStack() as stack:
            dns = await stack.enter_async_context(DnsServer(table))
            started = {
                address: await stack.enter_async_context(
                    SmtpServer(
                        kwargs.pop("behaviour", "good"),
                        address=address,
                        port=port,
                        pki=PKI,
                        **kwargs,
                    )
                )
                for address, kwargs in servers.items()
            }
            result = await work(dns, port)
            await asyncio.sleep(0.05)
            return result, started

    return on_scan_loop(run())


def test_a_host_shared_by_many_domains_is_probed_once_per_run():
    table = {
        **mx("one.test", "mx.shared.test"),
        **mx("two.test", "mx.shared.test"),
        **mx("three.test", "mx.shared.test", "mx.own.test"),
        **a("mx.shared.test", "127.0.0.11"),
        **a("mx.own.test", "127.0.0.12"),
        ("null.test", "MX"): ("NOERROR", True, [("null.test", "MX", "0 .")], None),
    }
    domains = ["one.test", "two.test", "three.test", "null.test"]
    observed, servers = run_scenario(
        table,
        {"127.0.0.11": {}, "127.0.0.12": {}},
        lambda dns, port: collect(domains, config(dns, port)),
    )
    assert set(observed) == set(domains)
    assert len(servers["127.0.0.11"].log) == 1
    assert len(servers["127.0.0.12"].log) == 1
    assert [p.outcome for p in observed["three.test"].probes] == [Outcome.OK, Outcome.OK]
    assert observed["one.test"].probes[0] is observed["two.test"].probes[0]
    assert observed["null.test"].mx.null_mx and observed["null.test"].probes == ()


def test_one_address_never_has_two_connections_at_once_and_gets_a_gap():
    hosts = [f"mx{i}.shared.test" for i in range(4)]
    table = {**mx("many.test", *hosts)}
    for host in hosts:
        table.update(a(host, "127.0.0.13"))
    observed, servers = run_scenario(
        table,
        {"127.0.0.13": {"hold": 0.1}},
        lambda dns, port: collect(["many.test"], config(dns, port, address_gap=0.15)),
    )
    log = servers["127.0.0.13"].log
    assert len(log) == 4
    assert not servers["127.0.0.13"].overlapping()
    starts_and_ends = sorted((c.start, c.end) for c in log)
    gaps = [b[0] - a[1] for a, b in zip(starts_and_ends, starts_and_ends[1:], strict=False)]
    assert min(gaps) >= 0.1  # the client closes a moment after it frees the slot
    assert all(p.outcome is Outcome.OK for p in observed["many.test"].probes)


def test_a_421_greeting_is_retried_once_and_a_recovered_server_counts():
    table = {**mx("busy.test", "mx.busy.test"), **a("mx.busy.test", "127.0.0.14")}
    observed, servers = run_scenario(
        table,
        {"127.0.0.14": {"behaviour": "greeting_421", "recover": True}},
        lambda dns, port: collect(["busy.test"], config(dns, port)),
    )
    probe = observed["busy.test"].probes[0]
    assert (probe.outcome, probe.attempts) == (Outcome.OK, 2)
    assert len(servers["127.0.0.14"].log) == 2


def test_a_server_that_stays_at_421_is_rate_limited_after_exactly_two_attempts():
    table = {**mx("busy.test", "mx.busy.test"), **a("mx.busy.test", "127.0.0.15")}
    observed, servers = run_scenario(
        table,
        {"127.0.0.15": {"behaviour": "greeting_421"}},
        lambda dns, port: collect(["busy.test"], config(dns, port)),
    )
    probe = observed["busy.test"].probes[0]
    assert (probe.outcome, probe.attempts) == (Outcome.RATE_LIMITED, 2)
    assert len(servers["127.0.0.15"].log) == 2


def test_a_loopback_mx_address_is_not_contacted_outside_lab_mode():
    table = {**mx("private.test", "mx.private.test"), **a("mx.private.test", "127.0.0.16")}
    observed, servers = run_scenario(
        table,
        {"127.0.0.16": {}},
        lambda dns, port: collect(["private.test"], config(dns, port, lab_mode=False)),
    )
    assert observed["private.test"].probes[0].outcome is Outcome.NOT_ALLOWED
    assert servers["127.0.0.16"].log == []


def test_an_unreachable_resolver_gives_indeterminate_domains_not_an_exception():
    async def work(dns, port):
        cfg = config(dns, port, resolver_port=free_port(), dns_timeout=0.2)
        return await collect(["gone.test"], cfg)

    observed, _ = run_scenario({}, {}, work)
    assert observed["gone.test"].mx.answer.rcode == "TIMEOUT"
    assert observed["gone.test"].probes == ()


def test_a_silent_server_does_not_hold_up_domains_that_do_not_use_it():
    table = {
        **mx("slow.test", "mx.silent.test"),
        **mx("quick.test", "mx.good.test"),
        **a("mx.silent.test", "127.0.0.18"),
        **a("mx.good.test", "127.0.0.19"),
    }

    async def work(dns, port):
        cfg = config(dns, port, domains_in_flight=1, greeting_timeout=0.5)
        return [obs async for obs in observe_domains(["slow.test", "quick.test"], cfg)]

    observed, _ = run_scenario(
        table, {"127.0.0.18": {"behaviour": "silent"}, "127.0.0.19": {}}, work
    )
    assert [o.domain for o in observed] == ["quick.test", "slow.test"]
    assert observed[1].probes[0].outcome is Outcome.TIMEOUT
    assert observed[1].probes[0].attempts == 2


def test_probes_begin_while_the_domains_mta_sts_policy_is_still_being_fetched():
    table = {
        **mx("policy.test", "mx.good.test"),
        **a("mx.good.test", "127.0.0.20"),
        ("_mta-sts.policy.test", "TXT"): (
            "NOERROR", True, [("_mta-sts.policy.test", "TXT", '"v=STSv1; id=1"')], None
        ),
        **a("mta-sts.policy.test", "127.0.0.21"),
    }  # fmt: skip

    async def work(dns, port):
        # A policy server that accepts the connection and never says a word.
        done = asyncio.Event()

        async def mute(reader, writer):
            await done.wait()
            writer.close()

        https = await asyncio.start_server(mute, "127.0.0.21", 0)
        cfg = config(
            dns, port, fetch_mta_sts=True, https_port=https.sockets[0].getsockname()[1],
            https_timeout=1.5,
        )  # fmt: skip
        started = asyncio.get_running_loop().time()
        try:
            observed = [obs async for obs in observe_domains(["policy.test"], cfg)]
        finally:
            done.set()
            https.close()
        return observed, started, asyncio.get_running_loop().time()

    (observed, started, ended), servers = run_scenario(table, {"127.0.0.20": {}}, work)
    [obs] = observed
    assert obs.mta_sts.fetch_outcome is Outcome.TIMEOUT and ended - started >= 1.5
    assert obs.probes[0].outcome is Outcome.OK
    [connection] = servers["127.0.0.20"].log
    assert connection.start - started < 1.0  # not after the policy fetch gave up


def _asked_in_order(domains, work_config):
    """The (name, type) of each query the resolver got while observing `domains`, each
    with its own MX host and TLS-RPT record."""
    table = {}
    for number, domain in enumerate(domains):
        table |= mx(domain, f"mx.{domain}") | a(f"mx.{domain}", f"127.0.0.{30 + number}")
        table[(f"_smtp._tls.{domain}", "TXT")] = ("NXDOMAIN", True, [], None)

    async def work(dns, port):
        observed = [obs async for obs in observe_domains(domains, work_config(dns, port))]
        return observed, [
            (str(q.question[0].name).rstrip("."), q.question[0].rdtype.name) for q in dns.queries
        ]

    servers = {f"127.0.0.{30 + n}": {} for n in range(len(domains))}
    (observed, asked), _ = run_scenario(table, servers, work)
    assert sorted(o.domain for o in observed) == sorted(domains)
    assert all(o.probes[0].outcome is Outcome.OK for o in observed)
    return asked


def test_every_domain_finds_its_mail_hosts_before_any_policy_record_is_asked():
    domains = [f"d{n}.test" for n in range(6)]
    asked = _asked_in_order(domains, lambda dns, port: config(dns, port, domains_in_flight=2))
    first_policy = next(i for i, (_, rdtype) in enumerate(asked) if rdtype == "TXT")
    assert {name for name, rdtype in asked[:first_policy] if rdtype == "MX"} == set(domains)
    assert sorted(name for name, rdtype in asked if rdtype == "TXT") == [
        f"_smtp._tls.{d}" for d in domains
    ]


def test_finding_mail_hosts_runs_at_most_domains_ahead_of_the_policies():
    domains = [f"d{n}.test" for n in range(4)]
    asked = _asked_in_order(
        domains, lambda dns, port: config(dns, port, domains_in_flight=1, domains_ahead=2)
    )
    order = [name for name, rdtype in asked if rdtype in ("MX", "TXT")]
    # Two domains find their hosts, then they fetch their policies and make room.
    assert order[:2] == ["d0.test", "d1.test"]
    assert order[2] in ("_smtp._tls.d0.test", "_smtp._tls.d1.test")
    assert order.index("d2.test") > 2


def test_domains_whose_dns_times_out_hold_the_others_policies_back_one_time_out_at_most():
    dead = [f"dead{n}.test" for n in range(20)]  # more than STRAGGLERS
    table = {(domain, "MX"): "drop" for domain in dead}
    table |= mx("good.test", "mx.good.test") | a("mx.good.test", "127.0.0.50")

    async def work(dns, port):
        cfg = config(dns, port, dns_timeout=1.0)
        return [obs.domain async for obs in observe_domains([*dead, "good.test"], cfg)]

    order, _ = run_scenario(table, {"127.0.0.50": {}}, work)
    # The dead domains' MX steps take two 1 s time-outs; good.test, held back one time-out
    # at most, has fetched its policies and is done before them.
    assert order[0] == "good.test"
    assert sorted(order[1:]) == sorted(dead)
