"""DNS on the wire, lean: queries built by hand and a parser that reads only what the
probe needs (header, answer records, Extended DNS Errors); dnstransport.py sends them.

A scan sends tens of thousands of queries; a socket per query and full parsing of every
signature and NSEC record cost several times the CPU of the answer itself. Names and the
answer types the probe asks for are read straight into text: dnspython Name and Rdata
objects cost more than the rest of the query together.
"""

import re
import socket
import struct
from dataclasses import dataclass
from typing import NamedTuple

import dns.exception
import dns.rdata

EDNS_PAYLOAD = 1232  # DNS flag day 2020: avoids IP fragmentation
FLAG_QR = 0x8000
FLAG_TC = 0x0200
FLAG_RD = 0x0100
FLAG_AD = 0x0020
FLAG_CD = 0x0010
EDNS_DO = 0x8000  # RFC 3225: in the OPT RR's TTL field
OPTION_EDE = 15  # RFC 8914
CLASS_IN = 1
TYPE_A = 1
TYPE_CNAME = 5
TYPE_MX = 15
TYPE_TXT = 16
TYPE_AAAA = 28
TYPE_OPT = 41
TYPE_RRSIG = 46
TYPE_TLSA = 52
MAX_LABEL = 63  # RFC 1035 section 2.3.4
MAX_NAME = 255  # octets on the wire, the root label included
HEX_CHUNK = 128  # dnspython breaks TLSA hex into words of 128 digits

# A label octet as dnspython's to_text writes it: these punctuation marks behind a
# backslash, other printable ASCII as is, the rest as \DDD.
_SPECIAL = b'"().;\\@$'
_OCTET_TEXT = tuple(
    "\\" + chr(c) if c in _SPECIAL else chr(c) if 0x20 < c < 0x7F else f"\\{c:03d}"
    for c in range(256)
)
_PLAIN_OCTETS = bytes(c for c in range(256) if _OCTET_TEXT[c] == chr(c))
# A name written with plain octets only: its text is its presentation, up to case.
_PLAIN_NAME = re.compile(
    "(?:[{0}]+(?:\\.[{0}]+)*)?\\.?".format(re.escape(_PLAIN_OCTETS.decode("ascii")))
)


def encode_name(text: str) -> bytes:
    """A name in presentation form ("mx.example.nl", "." or "" for the root, \\DDD and \\X
    escapes as in zone files) in wire form, without compression and keeping its case."""
    if text in ("", "."):
        return b"\x00"
    if not text.isascii():
        raise ValueError(f"name is not ASCII (IDNs go in as A-labels): {text!r}")
    if "\\" in text:
        labels = _unescaped_labels(text)
    else:
        labels = text.removesuffix(".").encode("ascii").split(b".")
    wire = bytearray()
    for label in labels:
        if not label or len(label) > MAX_LABEL:
            raise ValueError(f"empty label or label over {MAX_LABEL} octets: {text!r}")
        wire.append(len(label))
        wire += label
    wire.append(0)
    if len(wire) > MAX_NAME:
        raise ValueError(f"name over {MAX_NAME} octets: {text!r}")
    return bytes(wire)


def _unescaped_labels(text: str) -> list[bytes]:
    """The labels of a name written with backslash escapes; a final dot is the root."""
    labels, label = [], bytearray()
    position = 0
    while position < len(text):
        char = text[position]
        if char == "\\":
            digits = text[position + 1 : position + 4]
            if digits.isdigit() and len(digits) == 3 and int(digits) < 256:
                label.append(int(digits))
                position += 4
                continue
            if position + 1 >= len(text) or text[position + 1].isdigit():
                raise ValueError(f"bad escape in name: {text!r}")
            label += text[position + 1].encode("ascii")
            position += 2
            continue
        if char == ".":
            labels.append(bytes(label))
            label = bytearray()
        else:
            label += char.encode("ascii")
        position += 1
    if label:
        labels.append(bytes(label))
    return labels


def canonical_name(text: str) -> str:
    """A name as read_name writes it, for comparing a text name with the ones we read."""
    if _PLAIN_NAME.fullmatch(text):
        return text.lower().removesuffix(".") or "."
    return read_name(encode_name(text), 0)[0]


def read_name(wire: bytes, offset: int) -> tuple[str, int]:
    """The name at `offset`, lowercased, without its final dot ("." for the root), and the
    offset after it. Names compare equal exactly when these texts do."""
    text, after = _name_as_written(wire, offset)
    return text.lower() or ".", after


def _name_as_written(wire: bytes, offset: int) -> tuple[str, int]:
    """The name at `offset` in its own case, escaped as dnspython does, without final dot
    ("" for the root), and the offset after it.

    A compression pointer must point before the labels that led to it, and what it points
    to must end before them, so a reply cannot make us loop; a name cannot run past the end
    of the message or over 255 octets.
    """
    segment = offset  # where the labels being read began: pointers must go below this
    limit = len(wire)  # where they must end: the message's end, then the segment left
    labels: list[bytes] = []
    after = None
    size = 1  # the root label
    while True:
        if offset >= limit:
            raise MalformedResponse("name runs past the end of its space")
        length = wire[offset]
        if length == 0:
            break
        if length >= 0xC0:
            if offset + 1 >= limit:
                raise MalformedResponse("compression pointer cut short")
            target = (length & 0x3F) << 8 | wire[offset + 1]
            if target >= segment:
                raise MalformedResponse("compression pointer does not point backwards")
            if after is None:
                after = offset + 2
            offset, segment, limit = target, target, segment
            continue
        if length > MAX_LABEL:
            raise MalformedResponse(f"unknown label type {length:#x}")
        if offset + 1 + length > limit:
            raise MalformedResponse("label cut short")
        labels.append(wire[offset + 1 : offset + 1 + length])
        size += 1 + length
        offset += 1 + length
    if size > MAX_NAME:
        raise MalformedResponse(f"name over {MAX_NAME} octets")
    return _labels_text(labels), offset + 1 if after is None else after


def _labels_text(labels: list[bytes]) -> str:
    """Labels joined with dots, each octet written as dnspython's to_text does."""
    joined = b".".join(labels)
    if len(joined.translate(None, _PLAIN_OCTETS)) == len(labels) - 1:
        return joined.decode("ascii")  # only the dots between labels are not plain
    return ".".join("".join([_OCTET_TEXT[c] for c in label]) for label in labels)


def build_query(qid: int, name: str, rdtype: int) -> bytes:
    """A recursive query with EDNS0 (payload 1232) and DO set, CD never (DESIGN.md 2)."""
    header = struct.pack("!HHHHHH", qid, FLAG_RD, 1, 0, 0, 1)
    question = encode_name(name) + struct.pack("!HH", rdtype, 1)
    opt = b"\x00" + struct.pack("!HHIH", TYPE_OPT, EDNS_PAYLOAD, EDNS_DO, 0)
    return header + question + opt


class Record(NamedTuple):
    """One answer record, read to text: what the probe stores and the CNAME chain needs."""

    owner: str  # as read_name gives it
    rtype: int
    text: str  # presentation as dnspython's to_text, TXT strings joined (dns._presentation)
    target: str | None  # a CNAME's target as read_name gives it, else None


@dataclass(slots=True)
class Response:
    qid: int
    flags: int
    rcode: int  # with the EDNS extended bits
    qname: str | None  # as read_name gives it
    qtype: int
    answers: list[Record]  # IN class, RRSIGs skipped
    ede: tuple[tuple[int, str], ...]

    @property
    def truncated(self) -> bool:
        return bool(self.flags & FLAG_TC)

    @property
    def authenticated(self) -> bool:
        return bool(self.flags & FLAG_AD)


class MalformedResponse(ValueError):
    pass


def parse_response(wire: bytes) -> Response:
    """The reply, read. Anything malformed in it, down to one record's data, is a
    MalformedResponse and nothing else: the callers catch that one error."""
    try:
        return _parse(wire)
    except MalformedResponse:
        raise
    except (struct.error, IndexError, ValueError, dns.exception.DNSException) as exc:
        raise MalformedResponse(str(exc)) from None


def _parse(wire: bytes) -> Response:
    qid, flags, qdcount, ancount, nscount, arcount = struct.unpack_from("!HHHHHH", wire, 0)
    position = 12
    qname, qtype = None, 0
    for _ in range(qdcount):
        qname, position = read_name(wire, position)
        qtype, _qclass = struct.unpack_from("!HH", wire, position)
        position += 4
    answers = []
    for _ in range(ancount):
        owner, position = read_name(wire, position)
        rtype, rclass, _ttl, length = struct.unpack_from("!HHIH", wire, position)
        position += 10
        end = position + length
        if end > len(wire):
            raise MalformedResponse("record data runs past the end of the message")
        if rclass == CLASS_IN and rtype != TYPE_RRSIG:
            answers.append(Record(owner, rtype, *_rdata_text(wire, rtype, position, end)))
        position = end
    for _ in range(nscount):
        position = _skip_name(wire, position)
        position += 10 + struct.unpack_from("!H", wire, position + 8)[0]
    rcode = flags & 0x000F
    ede: list[tuple[int, str]] = []
    for _ in range(arcount):
        position = _skip_name(wire, position)
        rtype, _payload, ttl, length = struct.unpack_from("!HHIH", wire, position)
        position += 10
        if rtype == TYPE_OPT:
            rcode |= (ttl >> 24) << 4
            ede.extend(_ede_options(wire[position : position + length]))
        position += length
    return Response(qid, flags, rcode, qname, qtype, answers, tuple(ede))


def matching_response(wire: bytes, qid: int, name: str, rdtype: int) -> Response:
    """The parsed reply, if it is a reply to this very question."""
    response = parse_response(wire)
    if (
        response.qid != qid
        or not response.flags & FLAG_QR
        or response.qtype != rdtype
        or response.qname != canonical_name(name)
    ):
        raise MalformedResponse("reply does not match the question")
    return response


def _skip_name(wire: bytes, position: int) -> int:
    while True:
        length = wire[position]
        if length >= 0xC0:
            return position + 2
        if length == 0:
            return position + 1
        position += 1 + length


def _rdata_text(wire: bytes, rtype: int, start: int, end: int) -> tuple[str, str | None]:
    """The presentation of one record's data as dnspython's to_text writes it (TXT: the
    strings joined, as dns._presentation stores them), and a CNAME's target.

    The types the probe asks for are read here; others, rare in its answers, go through
    dnspython. Data dnspython would refuse is a MalformedResponse here too.
    """
    if rtype == TYPE_A or rtype == TYPE_AAAA:
        family, size = (socket.AF_INET, 4) if rtype == TYPE_A else (socket.AF_INET6, 16)
        if end - start != size:
            raise MalformedResponse(f"address of {end - start} octets")
        # inet_ntop writes IPv6 as dnspython does (::ffff:a.b.c.d and ::a.b.c.d included).
        return socket.inet_ntop(family, wire[start:end]), None
    if rtype == TYPE_CNAME or rtype == TYPE_MX:
        name_at = start + 2 if rtype == TYPE_MX else start
        if name_at >= end:
            raise MalformedResponse("record data cut short")
        name, after = _name_as_written(wire, name_at)
        if after != end:
            raise MalformedResponse("name does not fill the record data")
        absolute = name + "." if name else "."
        if rtype == TYPE_MX:
            return f"{wire[start] << 8 | wire[start + 1]} {absolute}", None
        return absolute, name.lower() or "."
    if rtype == TYPE_TXT:
        strings, position = [], start
        while position < end:
            length = wire[position]
            strings.append(wire[position + 1 : position + 1 + length])
            position += 1 + length
        if position != end or not strings:
            raise MalformedResponse("TXT strings do not fill the record data")
        return b"".join(strings).decode("utf-8", "replace"), None
    if rtype == TYPE_TLSA:
        if end - start < 3:
            raise MalformedResponse("record data cut short")
        usage, selector, mtype = wire[start : start + 3]
        # A digest of the wrong length is the publisher's error, judged as an unusable
        # record (evaluate.dane); dnspython would refuse the whole reply for it.
        digits = wire[start + 3 : end].hex()
        words = " ".join(digits[i : i + HEX_CHUNK] for i in range(0, len(digits), HEX_CHUNK))
        return f"{usage} {selector} {mtype} {words}", None
    return dns.rdata.from_wire(CLASS_IN, rtype, wire, start, end - start).to_text(), None


def _ede_options(data: bytes):
    position = 0
    while position + 4 <= len(data):
        code, length = struct.unpack_from("!HH", data, position)
        body = data[position + 4 : position + 4 + length]
        if code == OPTION_EDE and len(body) >= 2:
            yield (
                struct.unpack_from("!H", body)[0],
                body[2:].decode("utf-8", "replace").rstrip("\x00"),
            )
        position += 4 + length
