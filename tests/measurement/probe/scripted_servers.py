"""Small real servers on loopback whose behaviour a test chooses: SMTP and DNS.

They stand in for the lab where a test needs one precise fault; every connection is
logged (start, end, what arrived before the greeting, commands) so politeness can be
asserted from the server's side.
"""

import asyncio
import contextlib
import datetime
import itertools
import ssl
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import dns.edns
import dns.flags
import dns.message
import dns.rcode
import dns.rrset
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class TestPki:
    ca_der: bytes
    leaf_der: bytes
    context: ssl.SSLContext  # server side, presents leaf + CA


def make_pki(host: str = "mx.example.test") -> TestPki:
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(2)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    directory = Path(tempfile.mkdtemp(prefix="probe-test-pki-"))
    chain = directory / "chain.pem"
    key = directory / "key.pem"
    chain.write_bytes(
        leaf.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM)
    )
    key.write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain, key)
    return TestPki(
        ca_der=ca.public_bytes(serialization.Encoding.DER),
        leaf_der=leaf.public_bytes(serialization.Encoding.DER),
        context=context,
    )


@dataclass
class Connection:
    peer: str
    start: float
    end: float = 0.0
    before_greeting: bytes = b""
    commands: list[str] = field(default_factory=list)


class SmtpServer:
    """One SMTP server on (address, random port) with one behaviour.

    Behaviours: good, no_starttls, greeting_421 (then good on the next connection when
    `recover` is set), silent, garbage, huge_greeting, drop_mid_handshake,
    handshake_garbage, starttls_454, slow_greeting.
    """

    def __init__(
        self,
        behaviour: str,
        *,
        address: str = "127.0.0.1",
        pki: TestPki | None = None,
        hold: float = 0.0,
        recover: bool = False,
        greeting_delay: float = 0.3,
        port: int = 0,
    ) -> None:
        self.behaviour = behaviour
        self.address = address
        self.pki = pki
        self.hold = hold  # wait this long for the client to close, to see overlaps
        self.recover = recover
        self.greeting_delay = greeting_delay
        self.log: list[Connection] = []
        self.port = port
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()

    async def __aenter__(self) -> "SmtpServer":
        self._server = await asyncio.start_server(self._serve, self.address, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._open):  # Server.close_clients, which uvloop lacks
            writer.transport.abort()
        await self._server.wait_closed()

    def overlapping(self) -> bool:
        spans = sorted((c.start, c.end or time.monotonic()) for c in self.log)
        return any(b_start < a_end for (_, a_end), (b_start, _) in itertools.pairwise(spans))

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = Connection(peer=writer.get_extra_info("peername")[0], start=time.monotonic())
        self.log.append(connection)
        self._open.add(writer)
        behaviour = self.behaviour
        if behaviour == "greeting_421" and self.recover and len(self.log) > 1:
            behaviour = "good"
        try:
            await self._converse(behaviour, connection, reader, writer)
            if self.hold:
                # Keep our side open until the client closes (or `hold` passes), so the
                # logged end is when the client let go.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.hold):
                        while await reader.read(4096):
                            pass
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, OSError):
            pass
        finally:
            connection.end = time.monotonic()
            self._open.discard(writer)
            writer.transport.abort()

    async def _converse(self, behaviour, connection, reader, writer) -> None:
        # Anything the client sends before the greeting is recorded (RFC 5321 3.1, 4.3.1).
        delay = self.greeting_delay if behaviour != "slow_greeting" else 3600
        try:
            async with asyncio.timeout(delay):
                connection.before_greeting = await reader.read(100)
        except TimeoutError:
            pass
        if behaviour == "silent":
            await asyncio.sleep(3600)
        if behaviour == "garbage":
            writer.write(b"\x16\x03\x01 this is not smtp at all\r\n")
            await writer.drain()
            await asyncio.sleep(1)
            return
        if behaviour == "huge_greeting":
            chunk = b"220-" + b"x" * 1000 + b"\r\n"
            for _ in range(10 * 1024):  # about 10 MB of greeting lines
                writer.write(chunk)
                await writer.drain()
            return
        if behaviour == "greeting_421":
            writer.write(b"421 4.7.0 too busy, try later\r\n")
            await writer.drain()
            return
        writer.write(b"220-mx.example.test ESMTP\r\n220 scripted\r\n")
        while True:
            line = (await reader.readuntil(b"\n")).decode().strip()
            connection.commands.append(line)
            verb = line.split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                offers = "" if behaviour == "no_starttls" else "250-STARTTLS\r\n"
                writer.write(
                    f"250-mx.example.test\r\n250-PIPELINING\r\n{offers}250 8BITMIME\r\n".encode()
                )
            elif verb == "STARTTLS":
                if behaviour == "starttls_454":
                    writer.write(b"454 4.7.0 TLS not available due to local problem\r\n")
                    continue
                writer.write(b"220 2.0.0 go ahead\r\n")
                await writer.drain()
                if behaviour == "drop_mid_handshake":
                    await reader.read(10)
                    return
                if behaviour == "handshake_garbage":
                    await reader.read(10)
                    writer.write(b"HTTP/1.0 400 not tls\r\n\r\n" * 4)
                    await writer.drain()
                    await asyncio.sleep(0.5)
                    return
                assert self.pki is not None
                await writer.start_tls(self.pki.context)
            elif verb == "QUIT":
                writer.write(b"221 2.0.0 bye\r\n")
                await writer.drain()
                return
            else:
                writer.write(b"502 5.5.2 not here\r\n")
            await writer.drain()


class DnsServer:
    """A UDP DNS server answering from a table: (name, type) -> (rcode, AD, records, EDE)."""

    def __init__(self, table: dict, *, address: str = "127.0.0.1", truncate=()) -> None:
        self.table = table
        self.truncate = set(truncate)  # (name, type) answered with TC over UDP
        self.tcp_queries = 0
        self.address = address
        self.port = 0
        self.queries: list[dns.message.Message] = []
        self._transport = None

    async def __aenter__(self) -> "DnsServer":
        loop = asyncio.get_running_loop()
        # TCP first (its port space is the busy one on a shared machine), then UDP on the
        # same number, for answers too large for UDP (RFC 7766).
        for _ in range(20):
            self._tcp = await asyncio.start_server(self._serve_tcp, self.address, 0)
            self.port = self._tcp.sockets[0].getsockname()[1]
            try:
                self._transport, _ = await loop.create_datagram_endpoint(
                    lambda: _DnsProtocol(self), local_addr=(self.address, self.port)
                )
                return self
            except OSError:
                self._tcp.close()
                await self._tcp.wait_closed()
        raise OSError("no port free for both UDP and TCP")

    async def __aexit__(self, *exc) -> None:
        self._transport.close()
        self._tcp.close()
        await self._tcp.wait_closed()

    async def _serve_tcp(self, reader, writer) -> None:
        try:
            length = int.from_bytes(await reader.readexactly(2))
            query = dns.message.from_wire(await reader.readexactly(length))
            self.tcp_queries += 1
            response = self.answer(query, over_tcp=True)
            if response is not None:
                wire = response.to_wire()
                writer.write(len(wire).to_bytes(2) + wire)
                await writer.drain()
        finally:
            writer.close()

    def answer(
        self, query: dns.message.Message, *, over_tcp: bool = False
    ) -> dns.message.Message | None:
        self.queries.append(query)
        question = query.question[0]
        key = (
            question.name.to_text(omit_final_dot=True).lower(),
            dns.rdatatype.to_text(question.rdtype),
        )
        entry = self.table.get(key)
        if entry == "drop":
            return None
        rcode, authenticated, records, ede = entry or ("NXDOMAIN", False, [], None)
        response = dns.message.make_response(query)
        if key in self.truncate and not over_tcp:
            response.flags |= dns.flags.TC
            return response
        response.set_rcode(dns.rcode.from_text(rcode))
        if authenticated:
            response.flags |= dns.flags.AD
        for owner, rdtype, rdata in records:
            response.answer.append(dns.rrset.from_text(owner + ".", 300, "IN", rdtype, rdata))
        if ede is not None:
            response.use_edns(0, options=[dns.edns.EDEOption(ede[0], ede[1])])
        return response


class _DnsProtocol(asyncio.DatagramProtocol):
    def __init__(self, server: DnsServer) -> None:
        self.server = server

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data, addr) -> None:
        response = self.server.answer(dns.message.from_wire(data))
        if response is not None:
            self.transport.sendto(response.to_wire(), addr)
