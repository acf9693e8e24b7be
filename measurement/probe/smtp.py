"""One SMTP probe of one (MX host, address): greeting, EHLO, STARTTLS, handshake, EHLO, QUIT.

RFC 5321 for the dialogue, RFC 3207 for STARTTLS. The politeness rules of DESIGN.md
section 3 hold here: nothing is sent before the 220 greeting, no MAIL/RCPT/DATA ever,
QUIT whenever the dialogue is still sane, and every wait has a time limit. Every attempt
ends in an Outcome; no exception leaves probe_smtp.
"""

import asyncio
import errno
import ipaddress
import logging
import ssl
import time
from dataclasses import dataclass, field

from measurement.probe.addresses import not_allowed_reason
from measurement.probe.observations import Outcome, SmtpObservation
from measurement.probe.tls import handshake_facts, observation_context
from measurement.probe.wire import ConnectionClosed, LineConnection, LineTooLong

log = logging.getLogger(__name__)

# RFC 5321 section 4.5.3.1.5 allows 512 octets per reply line; we accept more, but a
# line or reply beyond these bounds is hostile or broken (a "10 MB greeting").
MAX_LINE_BYTES = 4096
MAX_REPLY_LINES = 100
MAX_REPLY_BYTES = 32 * 1024
TRANSCRIPT_LINES = 50
TRANSCRIPT_WIDTH = 200
QUIT_WAIT = 2.0
CONNECTION_LOST = "connection lost"  # detail prefix of resets and drops: retried once


class _Stop(Exception):
    """Ends the dialogue with an outcome."""

    def __init__(self, outcome: Outcome, detail: str, *, quit: bool = False) -> None:
        super().__init__(detail)
        self.outcome = outcome
        self.detail = detail
        self.quit = quit  # the dialogue is still in step: say QUIT before closing


@dataclass
class _Dialogue:
    """The mutable state of one attempt; frozen into an SmtpObservation at the end."""

    host: str
    address: str
    banner: str = ""
    ehlo_keywords: tuple[str, ...] = ()
    starttls_offered: bool | None = None
    tls_version: str = ""
    cipher: str = ""
    chain: tuple[bytes, ...] = ()
    transcript: list[str] = field(default_factory=list)
    connection: LineConnection | None = None

    def note(self, who: str, line: str) -> None:
        if len(self.transcript) < TRANSCRIPT_LINES - 1:
            self.transcript.append(f"{who}: {line[:TRANSCRIPT_WIDTH]}")
        elif len(self.transcript) == TRANSCRIPT_LINES - 1:
            self.transcript.append("... (transcript truncated)")

    async def send(self, command: str) -> None:
        assert self.connection is not None
        self.note("C", command)
        self.connection.write(command.encode("ascii") + b"\r\n")

    async def reply(self, timeout: float, waiting_for: str) -> tuple[int, list[str]]:
        """One (multi-line) reply: its code and the text of each line."""
        assert self.connection is not None
        lines: list[str] = []
        size = 0
        code = 0
        try:
            async with asyncio.timeout(timeout):
                while True:
                    raw = await self.connection.readline()
                    size += len(raw)
                    if size > MAX_REPLY_BYTES or len(lines) >= MAX_REPLY_LINES:
                        raise _Stop(Outcome.PROTOCOL_ERROR, f"{waiting_for}: reply too long")
                    line = raw.rstrip(b"\r\n").decode("utf-8", "replace")
                    self.note("S", line)
                    if not _is_reply_line(line):
                        raise _Stop(
                            Outcome.PROTOCOL_ERROR, f"{waiting_for}: not SMTP: {line[:80]!r}"
                        )
                    if lines and int(line[:3]) != code:
                        raise _Stop(Outcome.PROTOCOL_ERROR, f"{waiting_for}: mixed reply codes")
                    code = int(line[:3])
                    lines.append(line[4:])
                    if len(line) == 3 or line[3] == " ":
                        return code, lines
        except TimeoutError:
            raise _Stop(Outcome.TIMEOUT, f"no {waiting_for} within {timeout:g} s") from None
        except LineTooLong:
            raise _Stop(
                Outcome.PROTOCOL_ERROR, f"{waiting_for}: line longer than {MAX_LINE_BYTES} bytes"
            ) from None
        except (ConnectionClosed, ConnectionError, OSError) as exc:
            raise _Stop(
                Outcome.PROTOCOL_ERROR, f"{CONNECTION_LOST} waiting for {waiting_for}: {_why(exc)}"
            ) from None


def _is_reply_line(line: str) -> bool:
    return len(line) >= 3 and line[:3].isdigit() and (len(line) == 3 or line[3] in " -")


def _why(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


async def probe_smtp(
    host: str,
    address: str,
    *,
    port: int = 25,
    ehlo_name: str,
    greeting_timeout: float = 30.0,
    command_timeout: float = 10.0,
    total_timeout: float = 90.0,
    ssl_context: ssl.SSLContext | None = None,
    lab_mode: bool = False,
    source_address: str | None = None,
) -> SmtpObservation:
    """One attempt; see is_retriable for which outcomes deserve a second one.

    Outcomes beyond the obvious: STARTTLS missing from the EHLO reply is not_supported;
    any refusal of an offered STARTTLS (454 "TLS not available" or a 5xx) is tls_error,
    because a sender that wants TLS cannot get it there; only 421 is rate_limited. A
    failure after the handshake (no reply to the second EHLO) keeps the outcome ok: the
    TLS facts were seen, and the detail says what went wrong.
    """
    started = time.monotonic()
    dialogue = _Dialogue(host, address)
    if reason := not_allowed_reason(address, lab_mode=lab_mode):
        outcome, detail = Outcome.NOT_ALLOWED, reason
    else:
        outcome, detail = await _attempt(
            dialogue,
            total_timeout,
            port=port,
            ehlo_name=ehlo_name,
            greeting_timeout=greeting_timeout,
            command_timeout=command_timeout,
            ssl_context=ssl_context or observation_context(),
            source_address=source_address,
        )
    return SmtpObservation(
        host=host,
        address=address,
        outcome=outcome,
        detail=detail,
        banner=dialogue.banner,
        ehlo_keywords=dialogue.ehlo_keywords,
        starttls_offered=dialogue.starttls_offered,
        tls_version=dialogue.tls_version,
        cipher=dialogue.cipher,
        chain=dialogue.chain,
        transcript=tuple(dialogue.transcript),
        duration_ms=int((time.monotonic() - started) * 1000),
    )


async def _attempt(dialogue: _Dialogue, total_timeout: float, **settings) -> tuple[Outcome, str]:
    """The dialogue within the probe's total time: its outcome and detail, never raised."""
    try:
        async with asyncio.timeout(total_timeout):
            try:
                return Outcome.OK, await _converse(dialogue, **settings)
            finally:
                if dialogue.connection is not None:
                    dialogue.connection.close()
    except _Stop as stop:
        return stop.outcome, stop.detail
    except TimeoutError:
        return Outcome.TIMEOUT, f"probe not finished within {total_timeout:g} s"
    except Exception as exc:  # our own bug: recorded, never raised to the engine
        log.exception("probe of %s at %s failed", dialogue.host, dialogue.address)
        return Outcome.ERROR, f"{type(exc).__name__}: {exc}"


def is_retriable(observation: SmtpObservation) -> bool:
    """DESIGN.md section 3: a 421/4xx reply, a reset or a timeout is tried once more later."""
    return observation.outcome in (Outcome.RATE_LIMITED, Outcome.TIMEOUT) or (
        observation.outcome is Outcome.PROTOCOL_ERROR
        and observation.detail.startswith(CONNECTION_LOST)
    )


async def _converse(
    dialogue: _Dialogue,
    *,
    port: int,
    ehlo_name: str,
    greeting_timeout: float,
    command_timeout: float,
    ssl_context: ssl.SSLContext,
    source_address: str | None,
) -> str:
    await _connect(dialogue, port, command_timeout, source_address)
    try:
        code, lines = await dialogue.reply(greeting_timeout, "greeting")
        dialogue.banner = "\n".join(lines)[:1000]
        _expect(code, 220, "greeting")
        await dialogue.send(f"EHLO {ehlo_name}")
        code, lines = await dialogue.reply(command_timeout, "EHLO reply")
        _expect(code, 250, "EHLO")
        dialogue.ehlo_keywords = tuple(line.strip()[:TRANSCRIPT_WIDTH] for line in lines[1:])
        dialogue.starttls_offered = any(
            keyword.split(" ")[0].upper() == "STARTTLS" for keyword in dialogue.ehlo_keywords
        )
        if not dialogue.starttls_offered:
            raise _Stop(Outcome.NOT_SUPPORTED, "STARTTLS not offered in EHLO reply", quit=True)
        await dialogue.send("STARTTLS")
        code, lines = await dialogue.reply(command_timeout, "STARTTLS reply")
        if code == 421:
            raise _Stop(Outcome.RATE_LIMITED, f"STARTTLS answered {code}: {lines[0][:120]}")
        if code != 220:
            raise _Stop(Outcome.TLS_ERROR, f"STARTTLS answered {code}: {lines[0][:120]}", quit=True)
        await _handshake(dialogue, ssl_context, command_timeout)
        try:
            await dialogue.send(f"EHLO {ehlo_name}")
            code, _ = await dialogue.reply(command_timeout, "EHLO reply after TLS")
        except _Stop as stop:
            return f"after TLS: {stop.detail}"
        await _quit(dialogue)
        return "" if code == 250 else f"EHLO after TLS answered {code}"
    except _Stop as stop:
        if stop.quit:
            await _quit(dialogue)
        raise


def _expect(code: int, wanted: int, step: str) -> None:
    if code == wanted:
        return
    quit = code != 421  # 421: the server closes the channel itself (RFC 5321 section 3.8)
    if 400 <= code < 500:
        raise _Stop(Outcome.RATE_LIMITED, f"{step} answered {code}", quit=quit)
    if 500 <= code < 600:
        raise _Stop(Outcome.REJECTED, f"{step} answered {code}", quit=True)
    raise _Stop(Outcome.PROTOCOL_ERROR, f"{step} answered {code}")


async def _connect(
    dialogue: _Dialogue, port: int, timeout: float, source_address: str | None
) -> None:
    local = None
    if source_address and _same_family(source_address, dialogue.address):
        local = (source_address, 0)
    connection = LineConnection(MAX_LINE_BYTES, MAX_REPLY_BYTES + MAX_LINE_BYTES)
    dialogue.connection = connection  # closed by probe_smtp, even when cancelled mid-connect
    try:
        async with asyncio.timeout(timeout):
            await asyncio.get_running_loop().create_connection(
                lambda: connection, dialogue.address, port, local_addr=local
            )
    except TimeoutError:
        raise _Stop(Outcome.TIMEOUT, f"no TCP connection within {timeout:g} s") from None
    except ConnectionRefusedError:
        raise _Stop(Outcome.REFUSED, "connection refused") from None
    except OSError as exc:
        if exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL):
            raise _Stop(Outcome.UNREACHABLE, _why(exc)) from None
        raise _Stop(
            Outcome.PROTOCOL_ERROR, f"{CONNECTION_LOST} while connecting: {_why(exc)}"
        ) from None


def _same_family(a: str, b: str) -> bool:
    try:
        return ipaddress.ip_address(a).version == ipaddress.ip_address(b).version
    except ValueError:
        return False


async def _handshake(dialogue: _Dialogue, context: ssl.SSLContext, timeout: float) -> None:
    assert dialogue.connection is not None
    dialogue.note("C", "(TLS handshake)")
    try:
        async with asyncio.timeout(timeout):
            # SNI is the MX host name (RFC 7672 section 8.1; senders do the same).
            ssl_object = await dialogue.connection.start_tls(context, dialogue.host)
    except TimeoutError:
        raise _Stop(Outcome.TIMEOUT, f"TLS handshake not finished within {timeout:g} s") from None
    except ssl.SSLError as exc:
        raise _Stop(Outcome.TLS_ERROR, f"TLS handshake failed: {exc.reason or exc}") from None
    except (ConnectionClosed, ConnectionError, OSError) as exc:
        raise _Stop(
            Outcome.TLS_ERROR, f"connection closed during TLS handshake: {_why(exc)}"
        ) from None
    dialogue.tls_version, dialogue.cipher, dialogue.chain = handshake_facts(ssl_object)
    dialogue.note("S", f"(TLS {dialogue.tls_version} {dialogue.cipher})")


async def _quit(dialogue: _Dialogue) -> None:
    """Say goodbye (RFC 5321 section 4.1.1.10); a missing 221 changes nothing."""
    try:
        await dialogue.send("QUIT")
        await dialogue.reply(QUIT_WAIT, "QUIT reply")
    except (_Stop, ConnectionError, OSError):
        pass
