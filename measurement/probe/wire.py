"""A lean line-and-TLS connection for the SMTP probe and the MTA-STS fetch: one asyncio
Protocol, TLS through memory BIOs, bounded buffers (the fetch's HTTP is parsed by h11).

asyncio streams plus loop.start_tls cost about as much CPU as the TLS handshake itself;
a probe only needs "read a line", "write", "start TLS" and "close", so that is all this
does. Received data is capped: a flood pauses reading and surfaces as LineTooLong.
"""

import asyncio
import ssl

TLS_READ_CHUNK = 16 * 1024


class LineTooLong(Exception):
    pass


class ConnectionClosed(Exception):
    pass


class LineConnection(asyncio.Protocol):
    def __init__(self, max_line: int, max_buffered: int) -> None:
        self.max_line = max_line
        self.max_buffered = max_buffered
        self.transport: asyncio.Transport | None = None
        self.plain = bytearray()
        self.closed: BaseException | None = None
        self._tls: ssl.SSLObject | None = None
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()
        self._handshaking = False
        self._waiter: asyncio.Future[None] | None = None

    # --- protocol callbacks -----------------------------------------------------------

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self._tls is None:
            self.plain += data
        else:
            self._incoming.write(data)
            if not self._handshaking:
                self._read_tls()
        if len(self.plain) > self.max_buffered and self.transport is not None:
            self.transport.pause_reading()  # the reader will find the line too long
        self._wake()

    def eof_received(self) -> bool:
        self._incoming.write_eof()
        self._set_closed(ConnectionClosed("closed by server"))
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._set_closed(exc or ConnectionClosed("closed by server"))

    def _set_closed(self, exc: BaseException) -> None:
        if self.closed is None:
            self.closed = exc
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def _more(self) -> None:
        if self.closed is not None:
            raise ConnectionClosed(_why(self.closed))
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            await self._waiter
        finally:
            self._waiter = None

    # --- what the probe uses ----------------------------------------------------------

    async def readline(self) -> bytes:
        """One line including its LF; LineTooLong past max_line without one."""
        while True:
            end = self.plain.find(b"\n", 0, self.max_line + 1)
            if end >= 0:
                line = bytes(self.plain[: end + 1])
                del self.plain[: end + 1]
                return line
            if len(self.plain) > self.max_line:
                raise LineTooLong()
            await self._more()

    async def read_some(self, limit: int) -> bytes:
        """Up to `limit` bytes of what has arrived, waiting for some; b"" once the peer closed
        (whether what came before was complete is the caller's parser's question)."""
        while not self.plain:
            if self.closed is not None:
                return b""
            await self._more()
        data = bytes(self.plain[:limit])
        del self.plain[:limit]
        if self.transport is not None and not self.transport.is_closing():
            self.transport.resume_reading()
        return data

    def write(self, data: bytes) -> None:
        assert self.transport is not None
        if self._tls is None:
            self.transport.write(data)
        else:
            self._tls.write(data)
            self._flush()

    async def start_tls(self, context: ssl.SSLContext, server_hostname: str) -> ssl.SSLObject:
        """Client handshake; raises ssl.SSLError or ConnectionClosed."""
        # RFC 3207 section 4: the server sends nothing after 220 until the handshake, so
        # anything already buffered is from the handshake's first flight at the earliest.
        if self.plain:
            self._incoming.write(bytes(self.plain))
            self.plain.clear()
        self._tls = context.wrap_bio(
            self._incoming, self._outgoing, server_side=False, server_hostname=server_hostname
        )
        self._handshaking = True
        while True:
            try:
                self._tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                self._flush()
                await self._more()
        # The client Finished stays in the BIO until the next write (the EHLO), so both
        # leave in one segment: one send fewer per probe.
        self._handshaking = False
        self._read_tls(flush=False)
        return self._tls

    def _read_tls(self, *, flush: bool = True) -> None:
        assert self._tls is not None
        try:
            while True:
                chunk = self._tls.read(TLS_READ_CHUNK)
                if not chunk:  # the peer's close_notify: a clean end of the TLS stream
                    self._set_closed(ConnectionClosed("closed by server"))
                    break
                self.plain += chunk
        except ssl.SSLWantReadError:
            pass
        except (ssl.SSLError, OSError) as exc:  # incl. close_notify then EOF
            self._set_closed(exc)
        if flush:
            self._flush()

    def _flush(self) -> None:
        if (data := self._outgoing.read()) and self.transport is not None:
            self.transport.write(data)

    def close(self) -> None:
        """Send close_notify when TLS is up, then FIN; never waits for the server."""
        if self.transport is None or self.transport.is_closing():
            return
        if self._tls is not None and not self._handshaking and self.closed is None:
            try:
                self._tls.unwrap()
            except (ssl.SSLError, OSError):
                pass
        self._flush()
        self.transport.close()

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()


def _why(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__
