"""SMTP probes against scripted servers on loopback: outcomes, bounds and politeness."""

import asyncio
import time

import pytest

from measurement.probe.engine import run as on_scan_loop
from measurement.probe.observations import Outcome
from measurement.probe.smtp import (
    MAX_REPLY_BYTES,
    TRANSCRIPT_LINES,
    TRANSCRIPT_WIDTH,
    is_retriable,
    probe_smtp,
)
from tests.measurement.probe.scripted_servers import SmtpServer, make_pki

PKI = make_pki("mx.example.test")


def probe(behaviour: str, *, greeting_timeout=2.0, command_timeout=2.0, total_timeout=10.0, **kw):
    async def run():
        async with SmtpServer(behaviour, pki=PKI, **kw) as server:
            obs = await probe_smtp(
                "mx.example.test",
                server.address,
                port=server.port,
                ehlo_name="probe.example.nl",
                greeting_timeout=greeting_timeout,
                command_timeout=command_timeout,
                total_timeout=total_timeout,
                lab_mode=True,
            )
            await asyncio.sleep(0.05)  # let the server log the end of the connection
            return obs, server

    return on_scan_loop(run())


def test_a_good_server_gives_ok_with_the_whole_presented_chain():
    obs, server = probe("good")
    assert obs.outcome is Outcome.OK, obs.detail
    assert obs.starttls_offered is True
    assert obs.chain == (PKI.leaf_der, PKI.ca_der)
    assert obs.tls_version.startswith("TLS")
    assert obs.cipher
    assert obs.handshake_completed
    assert "STARTTLS" in obs.ehlo_keywords
    assert obs.banner == "mx.example.test ESMTP\nscripted"
    assert [c.split(" ")[0] for c in server.log[0].commands] == ["EHLO", "STARTTLS", "EHLO", "QUIT"]


def test_nothing_is_sent_before_the_greeting_and_no_mail_transaction_is_started():
    obs, server = probe("good", greeting_delay=0.5)
    assert obs.outcome is Outcome.OK
    assert server.log[0].before_greeting == b""
    verbs = {c.split(" ")[0].upper() for c in server.log[0].commands}
    assert not verbs & {"MAIL", "RCPT", "DATA"}


def test_a_server_without_starttls_is_not_supported_with_banner_and_keywords_kept():
    obs, server = probe("no_starttls")
    assert obs.outcome is Outcome.NOT_SUPPORTED
    assert obs.starttls_offered is False
    assert obs.ehlo_keywords == ("PIPELINING", "8BITMIME")
    assert obs.banner.startswith("mx.example.test")
    assert server.log[0].commands[-1] == "QUIT"


def test_a_421_greeting_is_rate_limited_and_worth_a_second_attempt():
    obs, _ = probe("greeting_421")
    assert obs.outcome is Outcome.RATE_LIMITED
    assert is_retriable(obs)


def test_a_silent_server_times_out_within_the_greeting_bound():
    started = time.monotonic()
    obs, _ = probe("silent", greeting_timeout=0.5)
    assert obs.outcome is Outcome.TIMEOUT
    assert "greeting" in obs.detail
    assert time.monotonic() - started < 3
    assert is_retriable(obs)


def test_the_whole_probe_is_bounded_by_the_total_timeout():
    started = time.monotonic()
    obs, _ = probe("slow_greeting", greeting_timeout=30, total_timeout=0.7)
    assert obs.outcome is Outcome.TIMEOUT
    assert time.monotonic() - started < 3


def test_garbage_instead_of_a_greeting_is_a_protocol_error_not_retried():
    obs, _ = probe("garbage")
    assert obs.outcome is Outcome.PROTOCOL_ERROR
    assert "not SMTP" in obs.detail
    assert not is_retriable(obs)


def test_a_ten_megabyte_greeting_is_cut_off_as_a_protocol_error():
    started = time.monotonic()
    obs, _ = probe("huge_greeting")
    assert obs.outcome is Outcome.PROTOCOL_ERROR
    assert "too long" in obs.detail
    assert time.monotonic() - started < 5
    assert len(obs.transcript) <= TRANSCRIPT_LINES
    assert all(len(line) <= TRANSCRIPT_WIDTH + 3 for line in obs.transcript)
    assert sum(len(line) for line in obs.transcript) < MAX_REPLY_BYTES


def test_a_connection_dropped_mid_handshake_is_a_tls_error():
    obs, _ = probe("drop_mid_handshake")
    assert obs.outcome is Outcome.TLS_ERROR
    assert obs.starttls_offered is True
    assert obs.chain == ()


def test_a_failed_handshake_is_a_tls_error_with_the_reason():
    obs, _ = probe("handshake_garbage")
    assert obs.outcome is Outcome.TLS_ERROR
    assert "handshake" in obs.detail


def test_a_454_to_starttls_is_a_tls_error_because_no_sender_gets_tls_there():
    obs, server = probe("starttls_454")
    assert obs.outcome is Outcome.TLS_ERROR
    assert "454" in obs.detail
    assert server.log[0].commands[-1] == "QUIT"


def test_a_closed_port_is_refused():
    async def run():
        async with SmtpServer("good") as server:
            port = server.port
        return await probe_smtp(
            "mx.example.test", "127.0.0.1", port=port, ehlo_name="x", lab_mode=True
        )

    assert on_scan_loop(run()).outcome is Outcome.REFUSED


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.1.1",
        "169.254.1.1",
        "::1",
        "fc00::1",
        # Special-purpose space that Python's ipaddress calls global: deprecated
        # site-local, RFC 9637 documentation and the 6to4 relay anycast prefix.
        "fec0::1",
        "3fff:0fff::1",
        "192.88.99.1",
    ],
)
def test_private_and_loopback_addresses_are_not_contacted_outside_lab_mode(address):
    async def run():
        async with SmtpServer("good", pki=PKI) as server:
            obs = await probe_smtp(
                "mx.example.test", address, port=server.port, ehlo_name="x", lab_mode=False
            )
            return obs, server

    obs, server = on_scan_loop(run())
    assert obs.outcome is Outcome.NOT_ALLOWED
    assert server.log == []
