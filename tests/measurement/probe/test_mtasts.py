"""MTA-STS policy fetches from a scripted HTTPS server: status, caps, no redirects."""

import asyncio
import time
import tracemalloc

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


# Hostile policy servers: real TLS servers on loopback that misbehave on purpose. Each
# fetch is classified (never an exception), its memory bounded by the caps and its time
# by the time-out.


def hostile(behaviour, *, timeout=10.0):
    """get_policy against a server whose handler `behaviour(writer)` answers the request."""
    sent = []

    async def serve(reader, writer):
        try:
            await reader.readuntil(b"\r\n\r\n")
            sent.append(await behaviour(writer))
        except (ConnectionError, OSError):
            sent.append("the client hung up")
        finally:
            writer.transport.abort()

    async def run():
        server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=PKI.context)
        port = server.sockets[0].getsockname()[1]
        try:
            started = time.monotonic()
            result = await get_policy("mta-sts.d.test", "127.0.0.1", port=port, timeout=timeout)
            return result, time.monotonic() - started
        finally:
            server.close()

    tracemalloc.start()
    try:
        (result, elapsed) = on_scan_loop(run())
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, elapsed, peak, sent


async def ten_megabytes(writer):
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10485760\r\n\r\n")
    for _ in range(160):
        writer.write(b"x" * 65536)
        await writer.drain()
    return "all sent"


async def ten_megabytes_without_length(writer):
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
    for _ in range(160):
        writer.write(b"x" * 65536)
        await writer.drain()
    return "all sent"


async def endless_chunks(writer):
    writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    while True:
        writer.write(b"4000\r\n" + b"x" * 0x4000 + b"\r\n")
        await writer.drain()


async def header_flood(writer):
    writer.write(b"HTTP/1.1 200 OK\r\n")
    for number in range(1_000_000):
        writer.write(b"X-Flood-%d: %s\r\n" % (number, b"y" * 40))
        await writer.drain()


async def slow_drip(writer):
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
    while True:
        writer.write(b"v")
        await writer.drain()
        await asyncio.sleep(0.2)


async def redirect(writer):
    writer.write(
        b"HTTP/1.1 302 Found\r\nLocation: https://evil.test/policy\r\nContent-Length: 0\r\n\r\n"
    )
    return "redirect"


async def wrong_content_type(writer):
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s"
        % (len(POLICY), POLICY)
    )
    return "html"


async def endless_continue(writer):
    while True:
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        await writer.drain()


# Peak traced memory of the whole test process (the hostile server runs in it too, and TLS
# and the event loop take about 1 MiB): held bodies of 10 MB would show as ten times this.
LIMIT = 2 * 1024 * 1024


@pytest.mark.parametrize(
    "behaviour, detail",
    [
        (ten_megabytes, "policy larger than 65536 bytes"),
        (ten_megabytes_without_length, "policy larger than 65536 bytes"),
        (endless_chunks, "policy larger than 65536 bytes"),
        (header_flood, "not a valid HTTP/1.1 response"),
        (endless_continue, "more than 8 informational"),
    ],
    ids=["10 MB body", "10 MB unannounced", "endless chunked", "header flood", "endless 100"],
)
def test_a_hostile_policy_server_is_a_protocol_error_in_bounded_memory(behaviour, detail):
    result, _elapsed, peak, _ = hostile(behaviour)
    assert result.outcome is Outcome.PROTOCOL_ERROR
    assert detail in result.detail
    assert peak < LIMIT, peak


def test_a_slow_drip_is_cut_off_at_the_time_out():
    result, elapsed, peak, _ = hostile(slow_drip, timeout=1.5)
    assert result.outcome is Outcome.TIMEOUT
    assert result.chain == (PKI.leaf_der, PKI.ca_der)  # kept for the Web-PKI verdict
    assert 1.4 < elapsed < 5.0
    assert peak < LIMIT, peak


def test_a_redirect_is_recorded_and_never_followed():
    result, _elapsed, _peak, sent = hostile(redirect)
    assert (result.outcome, result.status) == (Outcome.OK, 302)
    assert result.detail == "redirect to https://evil.test/policy not followed"
    assert sent == ["redirect"]


def test_a_wrong_content_type_is_fetched_and_recorded_for_the_judgement():
    result, _elapsed, _peak, _ = hostile(wrong_content_type)
    assert (result.outcome, result.status, result.content_type) == (Outcome.OK, 200, "text/html")
    assert result.body == POLICY.decode()
