"""The resolver's DNSSEC status, CNAME chains, MX rules and TLSA base domain, over real UDP."""

import asyncio

import pytest

from measurement.probe.dns import (
    Priority,
    Resolver,
    mx_observation,
    resolve_host,
    resolve_mx,
    tlsa_records,
)
from measurement.probe.engine import run as on_scan_loop
from measurement.probe.observations import DnsAnswer, DnssecStatus
from tests.measurement.probe.scripted_servers import DnsServer

TLSA_HEX = "aa" * 32


def ask(table, work, **server_options):
    async def run():
        async with DnsServer(table, **server_options) as server:
            resolver = Resolver(server.address, server.port, timeout=0.3, attempts=2)
            try:
                return await work(resolver), server
            finally:
                resolver.close()

    return on_scan_loop(run())


def query(table, name, rdtype):
    return ask(table, lambda r: r.query(name, rdtype))


def test_an_authenticated_answer_is_secure():
    answer, server = query(
        {("a.test", "A"): ("NOERROR", True, [("a.test", "A", "192.0.2.1")], None)}, "a.test", "A"
    )
    assert answer.status is DnssecStatus.SECURE
    assert answer.records == ("192.0.2.1",)


def test_queries_ask_for_dnssec_and_never_disable_checking():
    _, server = query({}, "a.test", "A")
    request = server.queries[0]
    assert request.ednsflags & 0x8000  # DO
    assert request.payload == 1232
    assert not request.flags & 0x0010  # CD


def test_an_unauthenticated_nxdomain_is_insecure():
    answer, _ = query({}, "missing.test", "MX")
    assert (answer.rcode, answer.status) == ("NXDOMAIN", DnssecStatus.INSECURE)


@pytest.mark.parametrize("code", [6, 7, 9, 10, 12])
def test_servfail_with_a_dnssec_extended_error_is_bogus(code):
    table = {("bad.test", "MX"): ("SERVFAIL", False, [], (code, "validation failed"))}
    answer, _ = query(table, "bad.test", "MX")
    assert answer.status is DnssecStatus.BOGUS
    assert answer.ede == ((code, "validation failed"),)


@pytest.mark.parametrize("ede", [None, (22, "no reachable authority"), (3, "stale")])
def test_servfail_without_a_dnssec_cause_is_indeterminate(ede):
    answer, _ = query({("x.test", "MX"): ("SERVFAIL", False, [], ede)}, "x.test", "MX")
    assert answer.status is DnssecStatus.INDETERMINATE


def test_no_answer_at_all_is_an_indeterminate_timeout_after_a_second_try():
    answer, server = query({("quiet.test", "A"): "drop"}, "quiet.test", "A")
    assert (answer.rcode, answer.status) == ("TIMEOUT", DnssecStatus.INDETERMINATE)
    assert len(server.queries) == 2


def test_the_cname_chain_is_followed_and_recorded():
    table = {
        ("mx.a.test", "A"): (
            "NOERROR",
            True,
            [
                ("mx.a.test", "CNAME", "mid.b.test."),
                ("mid.b.test", "CNAME", "final.c.test."),
                ("final.c.test", "A", "192.0.2.7"),
            ],
            None,
        )
    }
    answer, _ = query(table, "mx.a.test", "A")
    assert answer.cname_chain == ("mid.b.test", "final.c.test")
    assert answer.canonical_name == "final.c.test"
    assert answer.records == ("192.0.2.7",)


def test_txt_character_strings_are_joined_per_record():
    table = {
        ("_mta-sts.a.test", "TXT"): (
            "NOERROR",
            True,
            [("_mta-sts.a.test", "TXT", '"v=STSv1; " "id=2024"')],
            None,
        )
    }
    answer, _ = query(table, "_mta-sts.a.test", "TXT")
    assert answer.records == ("v=STSv1; id=2024",)


def test_identical_queries_in_flight_and_later_are_sent_once():
    table = {("a.test", "A"): ("NOERROR", False, [("a.test", "A", "192.0.2.1")], None)}

    async def work(resolver):
        first = await asyncio.gather(*(resolver.query("A.test.", "A") for _ in range(5)))
        again = await resolver.query("a.test", "A")
        return first + [again]

    answers, server = ask(table, work)
    assert len(server.queries) == 1
    assert len({id(a) for a in answers}) == 1


def test_follow_ups_go_first_then_mx_queries_then_policy_records():
    opening = [f"d{n}.test" for n in range(8)]
    table = {
        (name, "MX"): ("NOERROR", False, [(name, "MX", "10 mx.test.")], None) for name in opening
    }
    table |= {(f"_smtp._tls.{name}", "TXT"): ("NXDOMAIN", False, [], None) for name in opening}
    table[("mx.test", "A")] = ("NOERROR", False, [("mx.test", "A", "192.0.2.25")], None)

    async def work(resolver):
        await resolver.query("mx.test", "A")  # opens the sockets
        resolver._answers.clear()
        waiting = []
        for name in opening:  # as a scan starts its domains: both queries of each
            waiting.append(resolver.query(f"_smtp._tls.{name}", "TXT", priority=Priority.POLICY))
            waiting.append(resolver.query(name, "MX", priority=Priority.MAIL))
        waiting = [asyncio.ensure_future(query) for query in waiting]
        await asyncio.sleep(0)  # the first is in flight (one at a time), the rest queue
        follow_up = asyncio.ensure_future(resolver.query("mx.test", "A"))
        return await asyncio.gather(*waiting, follow_up)

    async def run():
        async with DnsServer(table) as server:
            resolver = Resolver(server.address, server.port, timeout=2, max_in_flight=1)
            try:
                return await work(resolver), server
            finally:
                resolver.close()

    answers, server = on_scan_loop(run())
    assert [a.rcode for a in answers] == ["NXDOMAIN", "NOERROR"] * 8 + ["NOERROR"]
    asked = [str(q.question[0].name).rstrip(".") for q in server.queries][1:]
    assert asked[:2] == ["_smtp._tls.d0.test", "mx.test"]  # the follow-up overtakes 15
    assert asked[2:10] == opening  # then every MX query, in order
    assert asked[10:] == [f"_smtp._tls.{name}" for name in opening[1:]]


def mx_answer(*records, status=DnssecStatus.SECURE, rcode="NOERROR"):
    return DnsAnswer("d.test", "MX", rcode, status, records=tuple(records))


def test_mx_hosts_are_sorted_by_preference_then_name():
    obs = mx_observation(
        "d.test", mx_answer("20 b.test.", "10 z.test.", "10 a.test.", "10 A.test.")
    )
    assert [(h.preference, h.host) for h in obs.hosts] == [
        (10, "a.test"),
        (10, "z.test"),
        (20, "b.test"),
    ]


def test_a_lone_dot_is_a_null_mx():
    obs = mx_observation("d.test", mx_answer("0 ."))
    assert obs.null_mx and obs.hosts == ()


def test_nodata_and_nxdomain_mean_no_mx():
    assert mx_observation("d.test", mx_answer()).hosts == ()
    nx = mx_observation("d.test", mx_answer(rcode="NXDOMAIN"))
    assert nx.hosts == () and not nx.null_mx


def test_at_most_ten_hosts_are_tested_and_the_rest_counted():
    obs = mx_observation("d.test", mx_answer(*(f"{i} mx{i:02}.test." for i in range(13))))
    assert len(obs.hosts) == 10
    assert obs.skipped == 3
    assert obs.hosts[-1].host == "mx09.test"


def test_localhost_and_ip_literal_mx_hosts_are_set_apart():
    obs = mx_observation(
        "d.test",
        mx_answer(
            "10 localhost.", "20 192.0.2.1.", "30 mx.test.", "40 [2001:db8::25].",
            "50 [192.0.2.2].", "60 1.2.3.mx.test.", "70 cafe.test.", "80 mail.localhost.",
        ),
    )  # fmt: skip
    assert obs.untestable_hosts == (
        "localhost", "192.0.2.1", "[2001:db8::25]", "[192.0.2.2]", "mail.localhost"
    )  # fmt: skip
    assert [h.host for h in obs.hosts] == ["mx.test", "1.2.3.mx.test", "cafe.test"]


def test_resolve_mx_reads_the_mx_rrset():
    table = {("d.test", "MX"): ("NOERROR", True, [("d.test", "MX", "10 mx.d.test.")], None)}
    obs, _ = ask(table, lambda r: resolve_mx(r, "d.test"))
    assert obs.answer.status is DnssecStatus.SECURE
    assert [h.host for h in obs.hosts] == ["mx.d.test"]


def cname_host_table(*, a_secure: bool, tlsa_at_target: bool):
    chain = [("mx.a.test", "CNAME", "mx.provider.test."), ("mx.provider.test", "A", "192.0.2.9")]
    table = {
        ("mx.a.test", "A"): ("NOERROR", a_secure, chain, None),
        ("mx.a.test", "AAAA"): ("NOERROR", a_secure, chain[:1], None),
        ("_25._tcp.mx.a.test", "TLSA"): (
            "NOERROR",
            True,
            [("_25._tcp.mx.a.test", "TLSA", f"3 1 1 {'bb' * 32}")],
            None,
        ),
    }
    if tlsa_at_target:
        table[("_25._tcp.mx.provider.test", "TLSA")] = (
            "NOERROR",
            True,
            [("_25._tcp.mx.provider.test", "TLSA", f"3 1 1 {TLSA_HEX}")],
            None,
        )
    return table


def test_a_secure_cname_makes_the_target_the_tlsa_base_domain():
    table = cname_host_table(a_secure=True, tlsa_at_target=True)
    host, _ = ask(table, lambda r: resolve_host(r, "mx.a.test"))
    assert host.tlsa_base_domain == "mx.provider.test"
    assert host.tlsa.qname == "_25._tcp.mx.provider.test"
    assert host.tlsa_records[0].data == bytes.fromhex(TLSA_HEX)
    assert host.addresses == ("192.0.2.9",)


def test_without_tlsa_at_the_target_the_original_name_is_tried():
    table = cname_host_table(a_secure=True, tlsa_at_target=False)
    host, _ = ask(table, lambda r: resolve_host(r, "mx.a.test"))
    assert host.tlsa_base_domain == "mx.a.test"
    assert host.tlsa_records[0].data == bytes.fromhex("bb" * 32)


def test_an_insecure_cname_keeps_the_original_name_as_tlsa_base_domain():
    table = cname_host_table(a_secure=False, tlsa_at_target=True)
    host, server = ask(table, lambda r: resolve_host(r, "mx.a.test"))
    assert host.tlsa_base_domain == "mx.a.test"
    asked = {q.question[0].name.to_text() for q in server.queries}
    assert "_25._tcp.mx.provider.test." not in asked


def test_malformed_tlsa_rdata_is_dropped_not_raised():
    answer = DnsAnswer(
        "t", "TLSA", "NOERROR", DnssecStatus.SECURE, records=("3 1 1 zz", "3 1 1 abcd")
    )
    assert [r.data for r in tlsa_records(answer)] == [b"\xab\xcd"]


def test_a_truncated_answer_is_asked_again_over_tcp():
    records = [("big.test", "TXT", f'"{"x" * 200} {i}"') for i in range(3)]
    table = {("big.test", "TXT"): ("NOERROR", True, records, None)}
    answer, server = ask(
        table, lambda r: r.query("big.test", "TXT"), truncate={("big.test", "TXT")}
    )
    assert server.tcp_queries == 1
    assert answer.status is DnssecStatus.SECURE
    assert len(answer.records) == 3
