"""DNS on the wire, lean: queries built by hand, shared UDP sockets, a parser that reads
only what the probe needs (header, answer records, Extended DNS Errors).

A scan sends tens of thousands of queries; a socket per query and full parsing of every
signature and NSEC record cost several times the CPU of the answer itself.
"""

import asyncio
import random
import socket
import struct
from dataclasses import dataclass

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype

EDNS_PAYLOAD = 1232  # DNS flag day 2020: avoids IP fragmentation
FLAG_QR = 0x8000
FLAG_TC = 0x0200
FLAG_RD = 0x0100
FLAG_AD = 0x0020
FLAG_CD = 0x0010
EDNS_DO = 0x8000  # RFC 3225: in the OPT RR's TTL field
OPTION_EDE = 15  # RFC 8914
TYPE_OPT = 41
TYPE_RRSIG = 46
RECEIVE_BUFFER = 4 * 1024 * 1024


def build_query(qid: int, name: str, rdtype: int) -> bytes:
    """A recursive query with EDNS0 (payload 1232) and DO set, CD never (DESIGN.md 2)."""
    header = struct.pack("!HHHHHH", qid, FLAG_RD, 1, 0, 0, 1)
    question = dns.name.from_text(name or ".").to_wire() + struct.pack("!HH", rdtype, 1)
    opt = b"\x00" + struct.pack("!HHIH", TYPE_OPT, EDNS_PAYLOAD, EDNS_DO, 0)
    return header + question + opt


@dataclass(slots=True)
class Response:
    qid: int
    flags: int
    rcode: int  # with the EDNS extended bits
    qname: dns.name.Name | None
    qtype: int
    answers: list[tuple[dns.name.Name, int, dns.rdata.Rdata]]  # IN class, RRSIGs skipped
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
    try:
        return _parse(wire)
    except (struct.error, IndexError, dns.exception.DNSException) as exc:
        raise MalformedResponse(str(exc)) from None


def _parse(wire: bytes) -> Response:
    qid, flags, qdcount, ancount, nscount, arcount = struct.unpack_from("!HHHHHH", wire, 0)
    position = 12
    qname, qtype = None, 0
    for _ in range(qdcount):
        qname, used = dns.name.from_wire(wire, position)
        position += used
        qtype, _qclass = struct.unpack_from("!HH", wire, position)
        position += 4
    answers = []
    for _ in range(ancount):
        owner, used = dns.name.from_wire(wire, position)
        position += used
        rtype, rclass, _ttl, length = struct.unpack_from("!HHIH", wire, position)
        position += 10
        if rclass == dns.rdataclass.IN and rtype != TYPE_RRSIG:
            rdata = dns.rdata.from_wire(rclass, rtype, wire, position, length)
            answers.append((owner, rtype, rdata))
        position += length
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


def _skip_name(wire: bytes, position: int) -> int:
    while True:
        length = wire[position]
        if length >= 0xC0:
            return position + 2
        if length == 0:
            return position + 1
        position += 1 + length


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


class UdpChannel(asyncio.DatagramProtocol):
    """One connected UDP socket to the resolver; replies are matched to queries by id."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self.waiting: dict[int, asyncio.Future[bytes]] = {}

    @classmethod
    async def open(cls, address: str, port: int) -> "UdpChannel":
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_DGRAM)
        for option in (getattr(socket, "SO_RCVBUFFORCE", None), socket.SO_RCVBUF):
            try:
                sock.setsockopt(socket.SOL_SOCKET, option, RECEIVE_BUFFER)
                break
            except (OSError, TypeError):
                continue
        try:
            sock.setblocking(False)
            sock.connect((address, port))
            channel = cls()
            await asyncio.get_running_loop().create_datagram_endpoint(lambda: channel, sock=sock)
        except BaseException:
            sock.close()
            raise
        return channel

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        if len(data) >= 12 and (future := self.waiting.get(data[0] << 8 | data[1])):
            if not future.done():
                future.set_result(data)

    def error_received(self, exc: Exception) -> None:
        pass  # e.g. ICMP port unreachable: the waiting queries time out

    def connection_lost(self, exc) -> None:
        for future in self.waiting.values():
            if not future.done():
                future.cancel()

    async def exchange(self, name: str, rdtype: int, timeout: float) -> Response:
        """Send one query and wait for its reply (same id, same question)."""
        assert self.transport is not None
        qid = random.getrandbits(16)
        while qid in self.waiting:
            qid = random.getrandbits(16)
        future = asyncio.get_running_loop().create_future()
        self.waiting[qid] = future
        try:
            self.transport.sendto(build_query(qid, name, rdtype))
            async with asyncio.timeout(timeout):
                wire = await future
        finally:
            del self.waiting[qid]
        response = parse_response(wire)
        expected = dns.name.from_text(name or ".")
        if not wire[2] & 0x80 or response.qtype != rdtype or response.qname != expected:
            raise MalformedResponse("reply does not match the question")
        return response

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
