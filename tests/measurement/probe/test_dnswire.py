"""The hand-built query and the lean response parser agree with dnspython."""

import dns.edns
import dns.flags
import dns.message
import dns.rrset
import pytest

from measurement.probe.dnswire import MalformedResponse, build_query, parse_response


def test_the_query_asks_recursion_with_do_and_without_cd():
    query = dns.message.from_wire(build_query(4321, "mx.example.nl", 52))
    assert query.id == 4321
    assert query.flags & dns.flags.RD and not query.flags & dns.flags.CD
    assert query.ednsflags & dns.flags.DO
    assert query.payload == 1232
    assert (str(query.question[0].name), query.question[0].rdtype) == ("mx.example.nl.", 52)


def test_the_parser_keeps_answers_skips_signatures_and_reads_extended_errors():
    query = dns.message.make_query("d.test", "MX", want_dnssec=True)
    response = dns.message.make_response(query)
    response.flags |= dns.flags.AD
    response.answer.append(dns.rrset.from_text("d.test.", 60, "IN", "MX", "10 mx.d.test."))
    response.answer.append(
        dns.rrset.from_text(
            "d.test.", 60, "IN", "RRSIG", "MX 13 2 60 20300101000000 20200101000000 1 d.test. AAAA"
        )
    )
    response.authority.append(dns.rrset.from_text("d.test.", 60, "IN", "SOA", "ns. h. 1 2 3 4 5"))
    response.use_edns(0, options=[dns.edns.EDEOption(6, "signature bad")])
    parsed = parse_response(response.to_wire())
    assert parsed.authenticated
    assert [(str(o), t, r.to_text()) for o, t, r in parsed.answers] == [
        ("d.test.", 15, "10 mx.d.test.")
    ]
    assert parsed.ede == ((6, "signature bad"),)
    assert parsed.qtype == 15


@pytest.mark.parametrize("wire", [b"", b"\x00\x01\x81\x80\x00\x01\x00\x01", b"\xff" * 40])
def test_a_malformed_reply_raises_one_known_error(wire):
    with pytest.raises(MalformedResponse):
        parse_response(wire)
