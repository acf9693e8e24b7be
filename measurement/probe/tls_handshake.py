"""One targeted STARTTLS handshake with nassl: greeting, EHLO, STARTTLS, handshake, QUIT.

Blocking (nassl drives a plain socket), so measurement/probe/tls_quality.py runs each
in a worker thread, one at a time per address. nassl's modern client (OpenSSL 3) speaks
TLS 1.2/1.3 with the current suites and groups; its legacy client (OpenSSL 1.0.2) still
offers SSLv2/SSLv3, TLS 1.0 with RC4 and export suites, compression and renegotiation,
which OpenSSL 3 (Python's ssl) cannot (docs/dependencies.md). The politeness rules of
DESIGN.md section 3 hold: nothing before the 220 greeting, no MAIL/RCPT/DATA, QUIT
whenever the dialogue is still in step, a time limit on every wait.
"""

import socket
import time
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from nassl import _nassl
from nassl.ephemeral_key_info import DhEphemeralKeyInfo, EcDhEphemeralKeyInfo
from nassl.legacy_ssl_client import LegacySslClient
from nassl.ssl_client import (
    OpenSslDigestNidEnum,
    OpenSslEvpPkeyEnum,
    OpenSslVerifyEnum,
    OpenSslVersionEnum,
    SslClient,
)

from measurement.probe.observations import Outcome

MAX_REPLY_BYTES = 32 * 1024
NASSL_VERSIONS = {
    "TLSv1.3": OpenSslVersionEnum.TLSV1_3,
    "TLSv1.2": OpenSslVersionEnum.TLSV1_2,
    "TLSv1.1": OpenSslVersionEnum.TLSV1_1,
    "TLSv1": OpenSslVersionEnum.TLSV1,
    "SSLv3": OpenSslVersionEnum.SSLV3,
    "SSLv2": OpenSslVersionEnum.SSLV2,
}
WEAK_SIGNATURE_HASHES = {
    "sha1": OpenSslDigestNidEnum.SHA1,
    "sha224": OpenSslDigestNidEnum.SHA224,
}


class SmtpFailure(Exception):
    """The SMTP part failed: no TLS handshake could even be tried on this connection."""

    def __init__(self, outcome: Outcome, detail: str) -> None:
        super().__init__(detail)
        self.outcome = outcome
        self.detail = detail


@dataclass(frozen=True)
class Offer:
    """What one ClientHello offers. Empty strings mean the library's defaults."""

    version: str
    ciphers: str = "ALL:COMPLEMENTOFALL"  # OpenSSL cipher list (TLS 1.2 and older)
    tls13_suites: str = ""  # TLS 1.3 suites, ':'-separated
    groups: tuple[int, ...] = ()  # OpenSslEcNidEnum values
    signature_hash: str = ""  # offer only this (weak) hash for the key exchange signature
    legacy: bool = False  # the legacy OpenSSL: SSLv2/3, RC4, export, compression
    options: bool = False  # legacy: offer compression, then try a renegotiation


@dataclass(frozen=True)
class Handshake:
    """What one connection showed: accepted is False when the server refused the offer."""

    accepted: bool
    detail: str = ""
    version: str = ""
    cipher: str = ""
    group: str = ""
    dh_prime: bytes = b""
    dh_generator: int = 0
    chain: tuple[bytes, ...] = field(default=(), repr=False)
    compression: str = ""
    secure_renegotiation: bool | None = None
    client_renegotiation: bool | None = None


@dataclass(frozen=True)
class Target:
    host: str
    address: str
    port: int = 25
    ehlo_name: str = "mailbeveiliging.example.nl"
    greeting_timeout: float = 30.0
    command_timeout: float = 10.0
    source_address: str | None = None


def handshake(target: Target, offer: Offer) -> Handshake:
    """One connection. Raises SmtpFailure when the SMTP dialogue did not reach STARTTLS."""
    sock = _connect(target)
    try:
        _starttls(sock, target)
        client = _client(offer, sock, target.host)
        try:
            client.do_handshake()
        except (_nassl.OpenSSLError, OSError, ValueError) as exc:
            return Handshake(False, _short(exc))
        seen = _facts(client, offer)
        _quit(client)
        return seen
    finally:
        sock.close()


def _connect(target: Target) -> socket.socket:
    family = socket.AF_INET6 if ":" in target.address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(target.command_timeout)
    try:
        if target.source_address and (":" in target.source_address) == (family == socket.AF_INET6):
            sock.bind((target.source_address, 0))
        sock.connect((target.address, target.port))
    except TimeoutError:
        sock.close()
        raise SmtpFailure(Outcome.TIMEOUT, "no TCP connection") from None
    except ConnectionRefusedError:
        sock.close()
        raise SmtpFailure(Outcome.REFUSED, "connection refused") from None
    except OSError as exc:
        sock.close()
        raise SmtpFailure(Outcome.UNREACHABLE, _short(exc)) from None
    return sock


def _starttls(sock: socket.socket, target: Target) -> None:
    reader = _Replies(sock)
    code, _ = reader.reply(target.greeting_timeout, "greeting")
    if code != 220:
        raise SmtpFailure(_refusal(code), f"greeting answered {code}")
    sock.sendall(f"EHLO {target.ehlo_name}\r\n".encode("ascii"))
    code, lines = reader.reply(target.command_timeout, "EHLO reply")
    if code != 250:
        _say_quit(sock)
        raise SmtpFailure(_refusal(code), f"EHLO answered {code}")
    if not any(line.split(" ")[0].upper() == "STARTTLS" for line in lines[1:]):
        _say_quit(sock)
        raise SmtpFailure(Outcome.NOT_SUPPORTED, "STARTTLS not offered in EHLO reply")
    sock.sendall(b"STARTTLS\r\n")
    code, _ = reader.reply(target.command_timeout, "STARTTLS reply")
    if code != 220:
        _say_quit(sock)
        raise SmtpFailure(_refusal(code), f"STARTTLS answered {code}")


def _refusal(code: int) -> Outcome:
    if 400 <= code < 500:
        return Outcome.RATE_LIMITED
    if 500 <= code < 600:
        return Outcome.REJECTED
    return Outcome.PROTOCOL_ERROR


class _Replies:
    """Reads SMTP replies (RFC 5321 section 4.2) from a blocking socket, bounded."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def reply(self, timeout: float, waiting_for: str) -> tuple[int, list[str]]:
        deadline = time.monotonic() + timeout
        lines: list[str] = []
        while True:
            line = self._line(deadline, waiting_for)
            if len(line) < 3 or not line[:3].isdigit() or (len(line) > 3 and line[3] not in " -"):
                raise SmtpFailure(Outcome.PROTOCOL_ERROR, f"{waiting_for}: not SMTP")
            lines.append(line[4:])
            if len(line) == 3 or line[3] == " ":
                return int(line[:3]), lines

    def _line(self, deadline: float, waiting_for: str) -> str:
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or len(self.buffer) > MAX_REPLY_BYTES:
                raise SmtpFailure(Outcome.TIMEOUT, f"no complete {waiting_for}")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(4096)
            except TimeoutError:
                raise SmtpFailure(Outcome.TIMEOUT, f"no {waiting_for}") from None
            except OSError as exc:
                raise SmtpFailure(
                    Outcome.PROTOCOL_ERROR, f"connection lost: {_short(exc)}"
                ) from None
            if not chunk:
                raise SmtpFailure(Outcome.PROTOCOL_ERROR, f"connection closed before {waiting_for}")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.rstrip(b"\r").decode("utf-8", "replace")


def _client(offer: Offer, sock: socket.socket, host: str) -> SslClient | LegacySslClient:
    version = NASSL_VERSIONS[offer.version]
    if offer.legacy or offer.version in ("SSLv3", "SSLv2"):
        client = LegacySslClient(sock, version, OpenSslVerifyEnum.NONE)
    else:
        client = SslClient(sock, version, OpenSslVerifyEnum.NONE)
        if offer.tls13_suites:
            client.set_ciphersuites(offer.tls13_suites)
        if offer.groups:
            client.set_groups(list(offer.groups))
        if offer.signature_hash:
            digest = WEAK_SIGNATURE_HASHES[offer.signature_hash]
            keys = (OpenSslEvpPkeyEnum.RSA, OpenSslEvpPkeyEnum.EC, OpenSslEvpPkeyEnum.DSA)
            client.set_signature_algorithms([(digest, key) for key in keys])
    if offer.version != "TLSv1.3" or offer.legacy:
        client.set_cipher_list(offer.ciphers)
    if offer.version != "SSLv2":
        client.set_tlsext_host_name(host)  # SNI: the MX host name, as senders do
    return client


def _facts(client: SslClient | LegacySslClient, offer: Offer) -> Handshake:
    key = client.get_ephemeral_key()
    group, prime, generator = "", b"", 0
    if isinstance(key, DhEphemeralKeyInfo):
        group, prime, generator = "DH", bytes(key.prime), int.from_bytes(key.generator, "big")
    elif isinstance(key, EcDhEphemeralKeyInfo):
        group = key.curve_name
    extra: dict = {}
    if offer.options and isinstance(client, LegacySslClient):
        extra = {
            "compression": client.get_current_compression_method() or "",
            "secure_renegotiation": client.get_secure_renegotiation_support(),
            "client_renegotiation": _renegotiates(client),
        }
    return Handshake(
        True,
        version=offer.version,
        cipher=client.get_current_cipher_name(),
        group=group,
        dh_prime=prime,
        dh_generator=generator,
        chain=_chain(client),
        **extra,
    )


def _renegotiates(client: LegacySslClient) -> bool:
    """RFC 5746 section 4.4 leaves servers free to refuse: refusing is what NCSC wants.
    OpenSSL ends the connection on the refusal (a no_renegotiation alert), so this one
    connection closes without QUIT; every other says QUIT after its handshake."""
    try:
        client.do_renegotiate()
    except (_nassl.OpenSSLError, OSError, ValueError):
        return False
    return True


def _chain(client: SslClient | LegacySslClient) -> tuple[bytes, ...]:
    try:
        pems = client.get_received_chain()
    except (_nassl.OpenSSLError, AttributeError, ValueError):
        return ()
    return tuple(
        x509.load_pem_x509_certificate(pem.encode("ascii")).public_bytes(Encoding.DER)
        for pem in pems
    )


def _quit(client: SslClient | LegacySslClient) -> None:
    try:
        client.write(b"QUIT\r\n")
        client.read(512)
    except (_nassl.OpenSSLError, OSError, ValueError):
        pass


def _say_quit(sock: socket.socket) -> None:
    try:
        sock.sendall(b"QUIT\r\n")
    except OSError:
        pass


def _short(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__)[:200]
