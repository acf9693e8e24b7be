"""The lab's asyncio SMTP server: one listener per address, behaviour set by the scenario.

It speaks just enough SMTP (RFC 5321) and STARTTLS (RFC 3207) for probes: greeting,
EHLO/HELO, STARTTLS, NOOP, RSET, QUIT. Faults a scenario can ask for: a greeting
delay, a 421 greeting, silence, garbage, a 10 MB greeting line, 454 to STARTTLS, a
fatal TLS alert or a dropped connection in the handshake.
"""

import asyncio
import ssl
import time
from dataclasses import dataclass
from pathlib import Path

from lab.connlog import ConnectionLogWriter, new_record
from lab.tls_profiles import server_context

IDLE_TIMEOUT = 60.0
SILENCE_LIMIT = 300.0
LINE_LIMIT = 4096
HUGE_GREETING_BYTES = 10 * 1024 * 1024
# A TLS 1.2 record: alert, fatal, handshake_failure (RFC 8446 section 6).
FATAL_HANDSHAKE_ALERT = b"\x15\x03\x03\x00\x02\x02\x28"


@dataclass(frozen=True)
class SmtpListener:
    """One address the server listens on and what it does there."""

    address: str
    port: int
    host: str
    starttls: bool = True
    send_ca: bool = True
    greeting_delay: float = 0.0
    greeting: str = "normal"
    starttls_reply: int = 220
    handshake: str = "normal"
    cert_path: str = ""
    key_path: str = ""
    chain_path: str = ""
    tls_profile: str = "default"  # lab.tls_profiles.PROFILES

    def ssl_context(self) -> ssl.SSLContext | None:
        if not self.cert_path:
            return None
        chain = self.chain_path if self.send_ca else self.cert_path
        return server_context(self.tls_profile, chain, self.key_path, Path(self.cert_path).parent)


class _Lines:
    """Line reader that first drains bytes received before the greeting."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self.reader = reader
        self.pending = bytearray()

    async def readline(self, timeout: float) -> bytes:
        while b"\n" not in self.pending:
            if len(self.pending) > LINE_LIMIT:
                raise ValueError("line too long")
            chunk = await asyncio.wait_for(self.reader.read(4096), timeout)
            if not chunk:
                raise ConnectionResetError("client closed the connection")
            self.pending += chunk
        line, _, rest = bytes(self.pending).partition(b"\n")
        self.pending = bytearray(rest)
        return line + b"\n"


class SmtpSession:
    """One connection: runs the scenario's behaviour and fills the log record."""

    def __init__(self, listener: SmtpListener, context: ssl.SSLContext | None, log) -> None:
        self.listener = listener
        self.context = context
        self.log = log

    async def __call__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        record = new_record("smtp", writer, self.listener.address, tls=False)
        self.log.write("open", record)
        try:
            await self.converse(_Lines(reader), writer, record)
        except (ConnectionError, TimeoutError, ValueError, ssl.SSLError, OSError) as exc:
            record["error"] = f"{type(exc).__name__}: {exc}"[:200]
        finally:
            abort = record.pop("abort", False)
            record["end"] = time.time()
            self.log.write("close", record)
            if abort:
                writer.transport.abort()
            else:
                writer.close()

    async def _wait_before_greeting(self, lines: _Lines, seconds: float, record: dict) -> None:
        """Sleep `seconds`, noting whether the client talks first (a pregreet, as postscreen)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                chunk = await asyncio.wait_for(lines.reader.read(4096), left)
            except TimeoutError:
                return
            if not chunk:
                raise ConnectionResetError("client closed before the greeting")
            record["bytes_before_greeting"] = True
            lines.pending += chunk

    async def converse(self, lines: _Lines, writer: asyncio.StreamWriter, record: dict) -> None:
        if not await self._greet(lines, writer, record):
            return
        tls = False
        while True:
            raw = await lines.readline(IDLE_TIMEOUT)
            line = raw.decode("latin-1").rstrip("\r\n")
            record["commands"].append(line[:200])
            verb = line.split(" ", 1)[0].upper()
            if verb == "STARTTLS" and self._starts_tls(tls):
                writer.write(b"220 2.0.0 Ready to start TLS\r\n")
                await writer.drain()
                if self.listener.handshake != "normal":
                    await self._break_handshake(lines, writer, record)
                    return
                await writer.start_tls(self.context, ssl_handshake_timeout=30.0)
                tls = record["tls"] = True
                continue
            writer.write(self._reply(verb, tls))
            await writer.drain()
            if verb == "QUIT":
                return

    async def _greet(self, lines: _Lines, writer: asyncio.StreamWriter, record: dict) -> bool:
        """The greeting the scenario asks for; False when the server then says no more."""
        listener = self.listener
        if listener.greeting == "silent":
            await self._wait_before_greeting(lines, SILENCE_LIMIT, record)
            return False
        await self._wait_before_greeting(lines, listener.greeting_delay, record)
        if listener.greeting == "421":
            host = listener.host
            writer.write(f"421 4.3.2 {host} Service not available, closing channel\r\n".encode())
            await writer.drain()
            return False
        if listener.greeting == "garbage":
            writer.write(bytes(range(256)) * 16 + b"\r\n")
            await writer.drain()
            await self._wait_before_greeting(lines, 5.0, record)
            return False
        if listener.greeting == "huge":
            writer.write(b"220 " + b"x" * HUGE_GREETING_BYTES + b"\r\n")
        else:
            writer.write(f"220 {listener.host} ESMTP lab\r\n".encode())
        await writer.drain()
        return True

    def _starts_tls(self, tls: bool) -> bool:
        listener = self.listener
        return (
            listener.starttls
            and not tls
            and self.context is not None
            and listener.starttls_reply == 220
        )

    def _reply(self, verb: str, tls: bool) -> bytes:
        """The reply to one command other than a STARTTLS that is accepted."""
        listener, host = self.listener, self.listener.host
        if verb == "EHLO":
            features = ["PIPELINING", "SIZE 10240000", "8BITMIME"]
            if listener.starttls and not tls:
                features.append("STARTTLS")
            reply = [f"250-{host}"] + [f"250-{f}" for f in features[:-1]]
            reply.append(f"250 {features[-1]}")
            return ("\r\n".join(reply) + "\r\n").encode()
        if verb == "STARTTLS":
            if not listener.starttls or tls or self.context is None:
                return b"502 5.5.1 STARTTLS not available\r\n"
            return f"{listener.starttls_reply} 4.7.0 TLS not available now\r\n".encode()
        replies = {
            "HELO": f"250 {host}\r\n".encode(),
            "QUIT": b"221 2.0.0 Bye\r\n",
            "NOOP": b"250 2.0.0 Ok\r\n",
            "RSET": b"250 2.0.0 Ok\r\n",
            "MAIL": b"250 2.1.0 Ok\r\n",
            "RCPT": b"250 2.1.0 Ok\r\n",
            "DATA": b"554 5.5.1 No valid recipients\r\n",
        }
        return replies.get(verb, b"500 5.5.2 Command not recognised\r\n")

    async def _break_handshake(
        self, lines: _Lines, writer: asyncio.StreamWriter, record: dict
    ) -> None:
        """Wait for the ClientHello, then answer with a fatal alert or just hang up."""
        try:
            await asyncio.wait_for(lines.reader.read(4096), 10.0)
        except TimeoutError:
            pass
        if self.listener.handshake == "alert":
            writer.write(FATAL_HANDSHAKE_ALERT)
            await writer.drain()
        else:
            record["abort"] = True
        record["error"] = f"handshake {self.listener.handshake} on purpose"


async def serve_smtp(listener: SmtpListener, log: ConnectionLogWriter) -> asyncio.Server:
    session = SmtpSession(listener, listener.ssl_context(), log)
    return await asyncio.start_server(
        session, listener.address, listener.port, reuse_address=True, limit=LINE_LIMIT * 4
    )
