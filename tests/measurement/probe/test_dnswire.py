"""The hand-built query and the lean response parser agree with dnspython."""

import struct

import dns.edns
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import pytest

from measurement.evaluate import dane
from measurement.probe.dnswire import (
    MalformedResponse,
    Record,
    build_query,
    canonical_name,
    encode_name,
    parse_response,
    read_name,
)


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
    assert parsed.answers == [Record("d.test", 15, "10 mx.d.test.", None)]
    assert parsed.ede == ((6, "signature bad"),)
    assert (parsed.qname, parsed.qtype) == ("d.test", 15)


# --- names ------------------------------------------------------------------------------

NAMES = [
    "mx.example.nl",
    "mx.example.nl.",
    "MiXeD.CaSe.Test",
    "_25._tcp.mx.example.nl",
    "*.wild-card.test",
    r"a\.b.test",
    r"back\\slash.test",
    r"\"quoted\".\(paren\).\;\@\$.test",
    "a b.test",  # written with a bare space: dnspython escapes it as \032
    "a$b@c(d).test",
    r"\255\000\127\031.test",
    r"\065\066.test",  # "AB", escaped without need
    "x" * 63 + ".test",
    ".".join(["x" * 63] * 3 + ["y" * 61]),  # 255 octets on the wire
]


@pytest.mark.parametrize("text", NAMES + ["", "."])
def test_names_are_encoded_as_dnspython_encodes_them(text):
    assert encode_name(text) == dns.name.from_text(text or ".").to_wire()


@pytest.mark.parametrize(
    "text",
    [
        "x" * 64 + ".test",  # label over 63 octets
        ".".join(["x" * 63] * 4),  # name over 255 octets
        "a..b.test",
        ".a.test",
        "a.test..",
        "a\\",
        r"a\25x.test",
        r"a\256.test",
        "bücher.test",  # IDNs go in as A-labels
    ],
)
def test_names_that_cannot_be_sent_are_refused(text):
    with pytest.raises(ValueError):
        encode_name(text)


def plain(name: dns.name.Name) -> str:
    return name.to_text(omit_final_dot=True).lower() or "."


@pytest.mark.parametrize("text", NAMES + ["."])
def test_a_name_is_read_as_dnspython_writes_it_lowercased(text):
    name = dns.name.from_text(text)
    wire = b"\x07padding" + name.to_wire() + b"\xff"
    assert read_name(wire, 8) == (plain(name), len(wire) - 1)
    assert canonical_name(text) == plain(name)


def test_a_compressed_name_is_followed_and_ends_after_the_pointer():
    wire = b"\x01d\x04test\x00" + b"\x02mx\xc0\x00" + b"\xc0\x08"
    assert read_name(wire, 8) == ("mx.d.test", 13)
    assert read_name(wire, 13) == ("mx.d.test", 15)


# --- whole replies, compared with dnspython ---------------------------------------------


def reply(qname: str, qtype: str, *rrsets: tuple[str, str, list[str]]) -> bytes:
    """A reply as dnspython writes it (names compressed), answer RRsets given as text."""
    response = dns.message.make_response(dns.message.make_query(qname, qtype))
    for owner, rdtype, rdatas in rrsets:
        response.answer.append(dns.rrset.from_text_list(owner, 300, "IN", rdtype, rdatas))
    return response.to_wire()


def dnspython_records(wire: bytes) -> list[Record]:
    """What dns.py stored from dnspython's rdata: owner, type, to_text (TXT strings joined)."""
    records = []
    for rrset in dns.message.from_wire(wire).answer:
        if rrset.rdclass != dns.rdataclass.IN or rrset.rdtype == dns.rdatatype.RRSIG:
            continue
        for rdata in rrset:
            if rrset.rdtype == dns.rdatatype.TXT:
                text = b"".join(rdata.strings).decode("utf-8", "replace")
            else:
                text = rdata.to_text()
            target = plain(rdata.target) if rrset.rdtype == dns.rdatatype.CNAME else None
            records.append(Record(plain(rrset.name), rrset.rdtype, text, target))
    return records


ROUND_TRIPS = {
    "two MX, mixed case, one RRSIG": reply(
        "d.test",
        "MX",
        ("d.test.", "MX", ["10 MX1.D.test.", "20 mx2.other.test."]),
        ("d.test.", "RRSIG", ["MX 13 2 60 20300101000000 20200101000000 1 d.test. AAAA"]),
    ),
    "null MX": reply("d.test", "MX", ("d.test.", "MX", ["0 ."])),
    "A": reply("h.test", "A", ("h.test.", "A", ["192.0.2.1", "0.0.0.0", "255.255.255.255"])),
    "AAAA": reply(
        "h.test",
        "AAAA",
        (
            "h.test.",
            "AAAA",
            [
                "2001:db8::1",
                "::",
                "::1",
                "::ffff:192.0.2.1",
                "::1.2.3.4",
                "::1:0",
                "1:0:0:1:0:0:0:1",
                "1:0:0:1:0:0:1:1",
                "2001:db8:0:1:1:1:1:1",
                "fe80::abcd:0:0:1",
            ],
        ),
    ),
    "CNAME chain": reply(
        "Mx.A.test",
        "A",
        ("Mx.A.test.", "CNAME", ["Mid.B.test."]),
        ("mid.b.test.", "CNAME", ["final.c.test."]),
        ("final.c.test.", "A", ["192.0.2.7"]),
    ),
    "TXT, several strings, not UTF-8, escapes": reply(
        "t.test",
        "TXT",
        (
            "t.test.",
            "TXT",
            ['"v=spf1 " "-all"', r'"\255\254 bad" "" "\"q\" \\ ;"', '"caf\\195\\169"'],
        ),
    ),
    "TLSA, digests and full data": reply(
        "_25._tcp.mx.test",
        "TLSA",
        (
            "_25._tcp.mx.test.",
            "TLSA",
            ["3 1 1 " + "AB" * 32, "2 0 2 " + "0f" * 64, "3 0 0 " + "c3" * 300, "3 1 0 00"],
        ),
    ),
    "escapes in owner and target names": reply(
        r"a\.b\032c.test",
        "CNAME",
        (r"a\.b\032c.test.", "CNAME", [r"\"x\"\(y\)\;\@\$\\\200.Target.test."]),
    ),
    "types read through dnspython": reply(
        "d.test",
        "A",
        ("d.test.", "DNAME", ["e.test."]),
        ("d.test.", "NS", ["ns1.d.test."]),
        ("d.test.", "SOA", ["ns1.d.test. host.d.test. 1 2 3 4 5"]),
        ("d.test.", "CAA", ['0 issue "ca.test"']),
        ("d.test.", "SRV", ["0 5 25 mx.d.test."]),
    ),
    "root": reply(".", "NS", (".", "NS", ["a.root-servers.test."])),
    "long names": reply(
        "x" * 63 + ".test",
        "MX",
        ("x" * 63 + ".test.", "MX", ["10 " + ".".join(["y" * 63] * 3 + ["z" * 61]) + "."]),
    ),
}


@pytest.mark.parametrize("wire", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_answers_read_as_dnspython_renders_them(wire):
    assert parse_response(wire).answers == dnspython_records(wire)


def test_an_uncompressed_reply_reads_the_same():
    question = b"\x01d\x04test\x00" + struct.pack("!HH", 15, 1)
    exchange = b"\x00\x0a\x02Mx\x01d\x04test\x00"
    mx = b"\x01d\x04test\x00" + struct.pack("!HHIH", 15, 1, 60, len(exchange)) + exchange
    wire = struct.pack("!HHHHHH", 1, 0x8180, 1, 1, 0, 0) + question + mx
    assert parse_response(wire).answers == [Record("d.test", 15, "10 Mx.d.test.", None)]
    assert parse_response(wire).answers == dnspython_records(wire)


def test_records_of_another_class_are_left_out():
    response = dns.message.make_response(dns.message.make_query("v.test", "TXT"))
    response.answer.append(dns.rrset.from_text("v.test.", 0, "CH", "TXT", '"chaos"'))
    response.answer.append(dns.rrset.from_text("v.test.", 0, "IN", "TXT", '"internet"'))
    assert [r.text for r in parse_response(response.to_wire()).answers] == ["internet"]


# --- malformed replies ------------------------------------------------------------------

QUESTION = b"\x01d\x04test\x00" + struct.pack("!HH", 1, 1)  # d.test at offset 12


def message(*answers: bytes, question: bytes = QUESTION) -> bytes:
    return struct.pack("!HHHHHH", 1, 0x8180, 1, len(answers), 0, 0) + question + b"".join(answers)


def record(rtype: int, rdata: bytes, *, owner: bytes = b"\xc0\x0c", length=None) -> bytes:
    length = len(rdata) if length is None else length
    return owner + struct.pack("!HHIH", rtype, 1, 60, length) + rdata


MALFORMED = {
    "empty": b"",
    "truncated header": b"\x00\x01\x81\x80\x00\x01\x00\x01",
    "garbage": b"\xff" * 40,
    "question name cut short": message(question=b"\x05ab"),
    "pointer to itself": message(question=b"\xc0\x0c\x00\x01\x00\x01"),
    "pointer loop": message(record(1, b"\x7f\x00\x00\x01", owner=b"\x01a\xc0\x1c")),
    "pointer forward": message(record(1, b"\x7f\x00\x00\x01", owner=b"\xc0\x40")),
    "pointer cut short": message(b"\xc0"),
    "pointer to labels running into the name": message(
        record(1, b"\x7f\x00\x00\x01", owner=b"\xc0\x17")  # 23: qclass's low octet, 1
    ),
    "label type 0x40 (label over 63)": message(
        record(1, b"\x7f\x00\x00\x01", owner=b"\x40" + b"x" * 64 + b"\x00")
    ),
    "name over 255 octets": message(
        record(1, b"\x7f\x00\x00\x01", owner=(b"\x3f" + b"x" * 63) * 4 + b"\x00")
    ),
    "truncated rdata": message(record(1, b"\x7f\x00", length=4)),
    "A of 5 octets": message(record(1, b"\x7f\x00\x00\x01\x00")),
    "AAAA of 4 octets": message(record(28, b"\x7f\x00\x00\x01")),
    "MX without a name": message(record(15, b"\x00\x0a")),
    "MX with octets after its name": message(record(15, b"\x00\x0a\xc0\x0c\x00")),
    "CNAME name running past its data": message(
        record(5, b"\x02mx\xc0\x0c", length=3) + b"\x00" * 8
    ),
    "TXT string running past its data": message(record(16, b"\x05abc")),
    "TXT without strings": message(record(16, b"")),
    "TLSA cut short": message(record(52, b"\x03\x01")),
    "SOA through dnspython, cut short": message(record(6, b"\x00")),
}


def test_a_tlsa_digest_of_the_wrong_length_is_read_for_the_judgement_not_refused():
    # dnspython refuses the whole reply; the publisher's mistake must be judged instead
    # (evaluate.dane: wrong_digest_length), not hidden as a failed lookup.
    wire = message(record(52, b"\x03\x01\x01" + b"\xaa" * 31))
    (answer,) = parse_response(wire).answers
    assert answer.text == "3 1 1 " + "aa" * 31
    with pytest.raises(dns.exception.DNSException):
        dns.message.from_wire(wire)
    record_ = dane.parse_tlsa(answer.text)
    assert dane.unusable_reason(record_) == dane.UNUSABLE_WRONG_DIGEST_LENGTH


@pytest.mark.parametrize("wire", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_reply_raises_one_known_error_as_dnspython_refuses_it(wire):
    with pytest.raises(MalformedResponse):
        parse_response(wire)
    with pytest.raises(dns.exception.DNSException):
        dns.message.from_wire(wire)
