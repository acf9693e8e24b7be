"""The lab's HTTPS server for MTA-STS policies (RFC 8461 section 3.3) on 127.43.x.y:443."""

import asyncio
import ssl
import time
from dataclasses import dataclass
from pathlib import Path

from lab.connlog import ConnectionLogWriter, new_record

POLICY_PATH = "/.well-known/mta-sts.txt"
HEAD_LIMIT = 16384


@dataclass(frozen=True)
class HttpsListener:
    """One policy host: its address, certificate and the policy text (None answers 404)."""

    address: str
    port: int
    host: str
    cert_path: str
    key_path: str
    chain_path: str
    policy: str | None = None
    # Scale mode: one address serves many policy hosts, chosen by the Host header, with
    # certificates issued by the lab CA on demand for the SNI name.
    policies: dict[str, str] | None = None
    ca_cert_path: str = ""
    ca_key_path: str = ""

    def ssl_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.chain_path, self.key_path)
        if self.ca_key_path:
            context.sni_callback = OnDemandCertificates(self).select
        return context

    def policy_for(self, host: str) -> str | None:
        if self.policies is None:
            return self.policy
        return self.policies.get(host.split(":", 1)[0].lower().rstrip("."))


class OnDemandCertificates:
    """SNI callback: a lab-CA certificate for whatever name the client asks for, cached."""

    def __init__(self, listener: HttpsListener) -> None:
        from lab.pki import load_authority

        self.authority = load_authority(Path(listener.ca_cert_path), Path(listener.ca_key_path))
        self.directory = Path(listener.cert_path).parent / "on-demand"
        self.contexts: dict[str, ssl.SSLContext] = {}

    def select(self, sslobj: ssl.SSLObject, server_name: str | None, _context) -> None:
        if not server_name:
            return None
        context = self.contexts.get(server_name)
        if context is None:
            from lab.pki import issue

            issued = issue(self.authority, self.directory, server_name)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(issued.chain_path, issued.key_path)
            self.contexts[server_name] = context
        sslobj.context = context
        return None


def _header(head: bytes, name: str) -> str:
    for line in head.decode("latin-1").split("\r\n")[1:]:
        key, _, value = line.partition(":")
        if key.strip().lower() == name:
            return value.strip()
    return ""


def _response(status: str, body: bytes, content_type: str = "text/plain") -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


class PolicySession:
    def __init__(self, listener: HttpsListener, log: ConnectionLogWriter) -> None:
        self.listener = listener
        self.log = log

    async def __call__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        record = new_record("https", writer, self.listener.address, tls=True)
        self.log.write("open", record)
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10.0)
            request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
            record["commands"].append(request_line[:200])
            method, _, rest = request_line.partition(" ")
            path = rest.split(" ", 1)[0]
            policy = self.listener.policy_for(_header(head, "host"))
            if method == "GET" and path == POLICY_PATH and policy is not None:
                writer.write(_response("200 OK", policy.encode()))
            else:
                writer.write(_response("404 Not Found", b"not found\n"))
            await writer.drain()
        except (
            ConnectionError,
            TimeoutError,
            asyncio.IncompleteReadError,
            ssl.SSLError,
            asyncio.LimitOverrunError,
            OSError,
        ) as exc:
            record["error"] = f"{type(exc).__name__}: {exc}"[:200]
        finally:
            record["end"] = time.time()
            self.log.write("close", record)
            writer.close()


async def serve_https(listener: HttpsListener, log: ConnectionLogWriter) -> asyncio.Server:
    return await asyncio.start_server(
        PolicySession(listener, log),
        listener.address,
        listener.port,
        ssl=listener.ssl_context(),
        ssl_handshake_timeout=10.0,
        reuse_address=True,
        limit=HEAD_LIMIT,
    )
