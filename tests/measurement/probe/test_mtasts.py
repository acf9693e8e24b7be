"""MTA-STS policy fetches from a scripted HTTPS server: status, caps, no redirects."""

import asyncio

import pytest

from measurement.probe.engine import run as on_scan_loop
from measurement.probe.mtasts import MAX_POLICY_BYTES, announces_policy, get_policy
from measurement.probe.observations import Outcome
from tests.measurement.probe.scripted_servers import make_pki

PKI = make_pki("mta-sts.d.test")
POLICY = b"version: STSv1\r\nmode: enforce\r\nmx: mx.d.test\r\nmax_age: 86400\r\n"


def fetch(response: bytes, *, timeout=2.0):
    requests = []

    async def serve(reader, writer):
        requests.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(response)
        await writer.drain()
        writer.close()

    async def run():
        server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=PKI.context)
        port = server.sockets[0].getsockname()[1]
        try:
            return await get_policy("mta-sts.d.test", "127.0.0.1", port=port, timeout=timeout)
        finally:
            server.close()

    return on_scan_loop(run()), requests


def test_a_policy_is_fetched_with_host_header_and_the_chain_kept():
    result, requests = fetch(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s"
        % (len(POLICY), POLICY)
    )
    assert result.outcome is Outcome.OK
    assert (result.status, result.content_type) == (200, "text/plain")
    assert result.body == POLICY.decode()
    assert result.chain == (PKI.leaf_der, PKI.ca_der)
    assert requests[0].startswith(
        b"GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-sts.d.test\r\n"
    )


def test_a_chunked_body_is_reassembled():
    body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(POLICY), POLICY)
    result, _ = fetch(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
    assert result.body == POLICY.decode()


def test_a_body_without_length_is_read_to_the_end():
    result, _ = fetch(b"HTTP/1.0 200 OK\r\n\r\n" + POLICY)
    assert result.body == POLICY.decode()


def test_a_redirect_is_recorded_and_not_followed():
    result, requests = fetch(
        b"HTTP/1.1 301 Moved\r\nLocation: https://elsewhere.test/p\r\nContent-Length: 0\r\n\r\n"
    )
    assert (result.outcome, result.status) == (Outcome.OK, 301)
    assert "elsewhere.test" in result.detail
    assert len(requests) == 1


@pytest.mark.parametrize(
    "response",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (MAX_POLICY_BYTES + 1),
        b"HTTP/1.0 200 OK\r\n\r\n" + b"x" * (MAX_POLICY_BYTES + 10),
    ],
)
def test_an_oversize_policy_is_a_protocol_error(response):
    result, _ = fetch(response)
    assert result.outcome is Outcome.PROTOCOL_ERROR
    assert "larger than" in result.detail


def test_a_non_http_answer_is_a_protocol_error():
    result, _ = fetch(b"SSH-2.0-OpenSSH\r\n")
    assert result.outcome is Outcome.PROTOCOL_ERROR


def test_only_records_starting_with_stsv1_announce_a_policy():
    assert announces_policy(("v=STSv1; id=20240101",))
    assert not announces_policy(("v=spf1 -all", " v=STSv1; id=1"))
    assert not announces_policy(())
