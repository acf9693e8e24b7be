"""The lab's MTA-STS policy hosts (RFC 8461 section 3.3), fetched with the lab CA as trust store."""

import socket
import ssl
import time

import pytest

pytestmark = pytest.mark.lab


def fetch(lab, scenario: str, verify: bool = True) -> tuple[bytes, int]:
    s = lab.scenario(scenario)
    name = f"mta-sts.{s.domain}"
    context = ssl.create_default_context(cafile=str(lab.ca_pem))
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    with socket.create_connection((s.mta_sts_address, lab.https_port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname=name) as tls:
            port = tls.getsockname()[1]
            request = f"GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: {name}\r\n\r\n"
            tls.sendall(request.encode())
            chunks = []
            while chunk := tls.recv(4096):
                chunks.append(chunk)
    return b"".join(chunks), port


def test_an_enforce_policy_is_served_over_web_pki_valid_https(lab):
    response, _ = fetch(lab, "mta-sts-enforce")
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert b"mode: enforce" in body
    assert b"mx: mx.mta-sts-enforce.example" in body


def test_the_testing_and_none_modes_are_served_as_such(lab):
    assert b"mode: testing" in fetch(lab, "mta-sts-testing")[0]
    assert b"mode: none" in fetch(lab, "mta-sts-none")[0]


def test_a_policy_host_with_a_bad_certificate_fails_verification(lab):
    with pytest.raises(ssl.SSLCertVerificationError):
        fetch(lab, "mta-sts-bad-cert")
    assert b"mode: enforce" in fetch(lab, "mta-sts-bad-cert", verify=False)[0]


def test_a_txt_without_policy_gets_404(lab):
    assert fetch(lab, "mta-sts-no-policy")[0].startswith(b"HTTP/1.1 404")


def test_policy_fetches_are_in_the_connection_log(lab):
    _, port = fetch(lab, "mta-sts-enforce")
    address = lab.scenario("mta-sts-enforce").mta_sts_address
    deadline = time.monotonic() + 5
    while True:
        records = [r for r in lab.connection_log(address) if r.peer_port == port and r.end]
        if records or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    (record,) = records
    assert record.protocol == "https"
    assert record.commands == ("GET /.well-known/mta-sts.txt HTTP/1.1",)
