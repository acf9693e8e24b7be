"""The lab's SMTP servers, each behaviour observed with a plain client."""

import hashlib
import socket
import ssl
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from lab.pytest_plugin import skip_unless_reachable

pytestmark = pytest.mark.lab


def address(lab, scenario: str) -> str:
    return lab.scenario(scenario).hosts[0].addresses[0]


def host(lab, scenario: str) -> str:
    return lab.scenario(scenario).hosts[0].name


class Client:
    """A line-oriented SMTP client on a plain socket."""

    def __init__(self, addr: str, port: int = 25, timeout: float = 5.0) -> None:
        self.sock = socket.create_connection((addr, port), timeout=timeout)
        self.file = self.sock.makefile("rb")

    def reply(self) -> list[bytes]:
        lines = []
        while True:
            line = self.file.readline(20_000_000)
            if not line:
                raise ConnectionError("closed")
            lines.append(line)
            if line[3:4] != b"-":
                return lines

    def send(self, line: str) -> list[bytes]:
        self.sock.sendall(line.encode() + b"\r\n")
        return self.reply()

    def starttls(self, server_hostname: str, context: ssl.SSLContext | None = None):
        if context is None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        self.sock = context.wrap_socket(self.sock, server_hostname=server_hostname)
        self.file = self.sock.makefile("rb")
        return self.sock

    def close(self) -> None:
        self.sock.close()


def handshake(lab, scenario: str) -> ssl.SSLSocket:
    client = Client(address(lab, scenario))
    assert client.reply()[0].startswith(b"220")
    assert b"STARTTLS" in b"".join(client.send("EHLO probe.lab"))
    assert client.send("STARTTLS")[0].startswith(b"220")
    return client.starttls(host(lab, scenario))


def leaf(tls: ssl.SSLSocket) -> x509.Certificate:
    return x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))


def test_starttls_completes_and_the_chain_verifies_against_the_lab_ca(lab):
    context = ssl.create_default_context(cafile=str(lab.ca_pem))
    client = Client(address(lab, "dane-ta"))
    client.reply()
    client.send("EHLO probe.lab")
    client.send("STARTTLS")
    tls = client.starttls(host(lab, "dane-ta"), context)
    assert len(tls.get_unverified_chain()) == 2
    assert client.send("EHLO probe.lab")[0].startswith(b"250")
    assert client.send("QUIT")[0].startswith(b"221")


def test_the_published_dane_ee_record_matches_the_presented_key(lab):
    import dns.resolver

    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [lab.resolver]
    tlsa = resolver.resolve(f"_25._tcp.{host(lab, 'dane-ee')}", "TLSA")[0]
    spki = (
        leaf(handshake(lab, "dane-ee"))
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    assert (tlsa.usage, tlsa.selector, tlsa.mtype) == (3, 1, 1)
    assert tlsa.cert == hashlib.sha256(spki).digest()


def test_a_server_can_omit_the_ca_from_its_chain(lab):
    assert len(handshake(lab, "dane-ta-no-ca").get_unverified_chain()) == 1


def test_certificate_defects_are_what_the_scenario_says(lab):
    expired = leaf(handshake(lab, "dane-ee-expired"))
    assert expired.not_valid_after_utc.timestamp() < time.time()
    self_signed = leaf(handshake(lab, "self-signed-no-tlsa"))
    assert self_signed.issuer == self_signed.subject
    wrong = leaf(handshake(lab, "dane-ta-wrong-name"))
    names = wrong.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert host(lab, "dane-ta-wrong-name") not in names.get_values_for_type(x509.DNSName)


def test_a_server_without_starttls_does_not_offer_it(lab):
    client = Client(address(lab, "no-starttls"))
    client.reply()
    assert b"STARTTLS" not in b"".join(client.send("EHLO probe.lab"))
    assert client.send("STARTTLS")[0].startswith(b"502")


def test_a_421_greeting_is_sent_and_the_connection_closed(lab):
    client = Client(address(lab, "greeting-421"))
    assert client.reply()[0].startswith(b"421")
    assert client.file.read() == b""


def test_a_silent_server_says_nothing(lab):
    client = Client(address(lab, "silent"), timeout=1.0)
    with pytest.raises(TimeoutError):
        client.sock.recv(1)


def test_a_garbage_server_sends_no_smtp_reply(lab):
    client = Client(address(lab, "garbage"))
    first = client.sock.recv(16)
    assert first and not first[:3].isdigit()


def test_a_huge_greeting_is_one_line_of_more_than_ten_megabytes(lab):
    client = Client(address(lab, "huge-greeting"), timeout=10)
    line = client.file.readline(20_000_000)
    assert line.startswith(b"220 ") and line.endswith(b"\r\n")
    assert len(line) > 10_000_000


def test_starttls_can_be_refused_with_454(lab):
    client = Client(address(lab, "starttls-rejected"))
    client.reply()
    assert b"STARTTLS" in b"".join(client.send("EHLO probe.lab"))
    assert client.send("STARTTLS")[0].startswith(b"454")


def test_a_handshake_failure_is_a_fatal_tls_alert(lab):
    with pytest.raises(ssl.SSLError, match="HANDSHAKE_FAILURE|handshake failure"):
        handshake(lab, "starttls-handshake-failure")


def test_a_dropped_handshake_is_an_unexpected_eof(lab):
    with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
        handshake(lab, "drop-mid-handshake")


def test_the_ipv6_only_host_answers_on_ipv6_loopback(lab):
    skip_unless_reachable(lab, lab.scenario("ipv6-only"))
    tls = handshake(lab, "ipv6-only")
    assert tls.getpeername()[0] == "::1"


def test_a_slow_greeting_waits_and_notices_a_client_that_talks_first(lab):
    target = address(lab, "slow-greeting")
    client = Client(target, timeout=10)
    started = time.monotonic()
    client.sock.sendall(b"EHLO impatient.lab\r\n")
    assert client.reply()[0].startswith(b"220")
    assert time.monotonic() - started >= 5.5
    client.reply()  # the EHLO reply
    client.send("QUIT")
    record = wait_for_closed(lab, target, client.sock.getsockname()[1])
    assert record.bytes_before_greeting
    assert record.commands[0] == "EHLO impatient.lab"


def wait_for_closed(lab, target: str, port: int):
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for record in lab.connection_log(target):
            if record.peer_port == port and record.end is not None:
                return record
        time.sleep(0.05)
    raise AssertionError(f"no closed connection from port {port} to {target} in the log")


def test_the_connection_log_records_peer_times_and_commands(lab):
    target = address(lab, "dane-ee")
    before = time.time()
    client = Client(target)
    client.reply()
    client.send("EHLO probe.lab")
    client.send("NOOP")
    client.send("QUIT")
    port = client.sock.getsockname()[1]
    client.close()
    record = wait_for_closed(lab, target, port)
    assert record.peer == "127.0.0.1"
    assert record.server == target
    assert before <= record.start <= record.end <= time.time()
    assert record.commands == ("EHLO probe.lab", "NOOP", "QUIT")
    assert not record.bytes_before_greeting
    assert not record.tls


def test_an_open_connection_shows_in_the_log_without_an_end(lab):
    target = address(lab, "dane-ta")
    client = Client(target)
    client.reply()
    port = client.sock.getsockname()[1]
    deadline = time.monotonic() + 5
    while not any(r.peer_port == port for r in lab.connection_log(target)):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    (record,) = [r for r in lab.connection_log(target) if r.peer_port == port]
    assert record.open
    client.send("QUIT")
    assert wait_for_closed(lab, target, port).end is not None
