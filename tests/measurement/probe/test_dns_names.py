"""Answers read over UDP and over TCP (a truncated reply asked again) are the same
DnsAnswer, and what dnspython would read: names with escapes and mixed case, CNAME
chains, every record type the probe stores."""

import dns.name
import pytest

from measurement.probe.dns import Resolver
from measurement.probe.engine import run as on_scan_loop
from tests.measurement.probe.scripted_servers import DnsServer

# (query name, type, answer records as (owner, type, rdata text), expected records, chain)
CASES = {
    "MX, mixed case": (
        "d.test",
        "MX",
        [("d.test", "MX", "20 mx2.d.test."), ("D.Test", "MX", "10 MX1.Other.test.")],
        ("10 MX1.Other.test.", "20 mx2.d.test."),
        (),
    ),
    "null MX": ("d.test", "MX", [("d.test", "MX", "0 .")], ("0 .",), ()),
    "CNAME chain, mixed case": (
        "mx.a.test",
        "A",
        [
            ("Mx.A.test", "CNAME", "Mid.B.test."),
            ("mid.b.test", "CNAME", "FINAL.c.test."),
            ("final.C.test", "A", "192.0.2.7"),
            ("other.test", "A", "192.0.2.8"),
        ],
        ("192.0.2.7",),
        ("mid.b.test", "final.c.test"),
    ),
    "CNAME asked for": (
        "alias.test",
        "CNAME",
        [("alias.test", "CNAME", "Target.test.")],
        ("Target.test.",),
        (),
    ),
    "AAAA": (
        "h.test",
        "AAAA",
        [("h.test", "AAAA", "::ffff:192.0.2.1"), ("h.test", "AAAA", "2001:db8::1")],
        ("2001:db8::1", "::ffff:192.0.2.1"),
        (),
    ),
    "TXT, several strings, not UTF-8": (
        "_mta-sts.a.test",
        "TXT",
        [("_mta-sts.a.test", "TXT", r'"v=STSv1; " "id=\255"')],
        ("v=STSv1; id=\ufffd",),
        (),
    ),
    "TLSA, long data": (
        "_25._tcp.mx.a.test",
        "TLSA",
        [("_25._tcp.mx.a.test", "TLSA", "3 0 0 " + "ab" * 100)],
        ("3 0 0 " + "ab" * 64 + " " + "ab" * 36,),
        (),
    ),
    "escaped dot and decimal escape in the query name": (
        r"a\.b\032c.test",
        "A",
        [(r"a\.b\032c.test", "A", "192.0.2.1")],
        ("192.0.2.1",),
        (),
    ),
    "a query name dnspython writes with escapes": (
        "a$b.test",
        "A",
        [(r"a\$b.test", "A", "192.0.2.2")],
        ("192.0.2.2",),
        (),
    ),
    "a chain through an escaped name": (
        "mx.e.test",
        "A",
        [("mx.e.test", "CNAME", r"x\200y.test."), (r"X\200Y.test", "A", "192.0.2.3")],
        ("192.0.2.3",),
        (r"x\200y.test",),
    ),
}


def answers_over_udp_and_tcp(qname: str, rdtype: str, records: list):
    """The same question to the same server, answered over UDP, then truncated: over TCP."""
    key = (dns.name.from_text(qname).to_text(omit_final_dot=True).lower(), rdtype)

    async def run():
        async with DnsServer({key: ("NOERROR", True, records, None)}) as server:
            answers = []
            for truncate in ((), {key}):
                server.truncate = set(truncate)
                resolver = Resolver(server.address, server.port, timeout=0.5, attempts=1)
                try:
                    answers.append(await resolver.query(qname, rdtype))
                finally:
                    resolver.close()
            return answers, server.tcp_queries

    return on_scan_loop(run())


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_udp_and_tcp_answers_are_the_same(case):
    qname, rdtype, records, expected, chain = case
    (udp, tcp), tcp_queries = answers_over_udp_and_tcp(qname, rdtype, records)
    assert tcp_queries == 1
    assert (udp.rcode, udp.records, udp.cname_chain) == ("NOERROR", expected, chain)
    assert udp == tcp
