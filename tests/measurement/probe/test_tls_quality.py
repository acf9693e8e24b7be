"""The TLS quality probe against the lab's TLS (NCSC) scenarios: each category judged on a
server that exhibits it, and the politeness of the few connections it takes."""

import asyncio

import pytest

from lab.scenarios import SCENARIOS
from measurement.evaluate.tls_quality import judge_tls_quality
from measurement.probe.engine import run as on_scan_loop
from measurement.probe.observations import Outcome
from measurement.probe.tls_quality import BUDGET, TlsQualityProbe
from measurement.scan.tls_offers import offer_plan
from tests.measurement.scan_fixtures import ours, overlapping_connections, own_source_address

TLS_SCENARIOS = [s for s in SCENARIOS if s.tls_level]
GAP = 0.2  # seconds between two connections to one address; production uses 1.0
LOG_LATENCY = 0.01  # seconds the lab's server may log an accept late


@pytest.fixture(scope="module")
def assessed(lab):
    """Every TLS scenario's addresses assessed at once, as a scan would; the lab's log."""
    source = own_source_address()
    probe = TlsQualityProbe(
        plan=offer_plan(),
        gap=GAP,
        lab_mode=True,
        target_defaults={"port": lab.smtp_port, "source_address": source},
    )
    pairs = [(h.name, a) for s in TLS_SCENARIOS for h in s.hosts for a in h.addresses]

    async def run():
        return await asyncio.gather(*(probe.assess(host, address) for host, address in pairs))

    try:
        observations = on_scan_loop(run())
    finally:
        probe.close()
    by_host = {obs.host: obs for obs in observations}
    return by_host, ours(lab.connection_log(), source)


@pytest.mark.parametrize("scenario", TLS_SCENARIOS, ids=[s.name for s in TLS_SCENARIOS])
def test_each_tls_scenario_is_judged_at_its_ncsc_level_with_its_reasons(assessed, scenario):
    by_host, _ = assessed
    observation = by_host[scenario.hosts[0].name]
    assert observation.outcome is Outcome.OK, observation.detail
    verdict = judge_tls_quality(observation)
    assert verdict.level.label == scenario.tls_level, (verdict.verdict.reasons, observation)
    assert set(scenario.tls_reasons) <= set(verdict.verdict.reasons), verdict.verdict.reasons
    expected_outcome = "fail" if scenario.tls_level == "insufficient" else "pass"
    assert verdict.verdict.outcome == expected_outcome


def test_the_good_server_offers_only_tls_1_3_with_the_good_suites(assessed):
    observation = assessed[0]["mx.tls-ncsc-good.example"]
    assert observation.versions == ("TLSv1.3",)
    assert {s.cipher for s in observation.suites} == {
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
    }
    assert set(observation.refused_versions) == {"TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3", "SSLv2"}


def test_the_evidence_names_what_was_accepted(assessed):
    by_host, _ = assessed
    old = by_host["mx.tls-old-versions.example"]
    assert {"TLSv1", "TLSv1.1"} <= set(old.versions)
    assert any(s.cipher == "ECDHE-ECDSA-AES128-SHA" for s in old.suites)
    dh = [s for s in by_host["mx.tls-weak-dh.example"].suites if s.group == "DH"]
    assert dh and len(dh[0].dh_prime) * 8 == 1024
    assert by_host["mx.tls-client-renegotiation.example"].client_renegotiation is True
    assert by_host["mx.tls-client-renegotiation.example"].secure_renegotiation is True


def test_one_connection_at_a_time_per_address_with_the_gap_and_within_the_budget(assessed):
    by_host, log = assessed
    assert log, "the lab logged none of our connections"
    assert overlapping_connections(log) == []
    by_address: dict[str, list] = {}
    for record in log:
        by_address.setdefault(record.server, []).append(record)
    for address, records in by_address.items():
        records.sort(key=lambda r: r.start)
        # Start to start: the server logs a close when it notices it, which on a busy
        # machine can be well after the client closed and began waiting out the gap.
        gaps = [b.start - a.start for a, b in zip(records, records[1:], strict=False)]
        # ... and it may log an accept some milliseconds late, so the next seems early.
        assert min(gaps) >= GAP - LOG_LATENCY, (address, min(gaps))
        assert len(records) <= BUDGET, (address, len(records))
    for observation in by_host.values():
        assert observation.connections == len(by_address[observation.address])


def test_every_connection_says_ehlo_starttls_and_quits_after_a_handshake(assessed):
    """Except the one that tried a renegotiation the server refused: OpenSSL treats the
    refusal as the end of the connection, so no QUIT can follow (tls_handshake.py)."""
    by_host, log = assessed
    unquit: dict[str, int] = {}
    for record in log:
        assert record.commands[:2] == (record.commands[0], "STARTTLS"), record.commands
        assert record.commands[0].startswith("EHLO ")
        assert not record.bytes_before_greeting
        if record.tls and record.commands[-1] != "QUIT":
            unquit[record.server] = unquit.get(record.server, 0) + 1
    refused = {o.address for o in by_host.values() if o.client_renegotiation is False}
    assert set(unquit) == refused
    assert set(unquit.values()) == {1}


def test_a_server_that_greets_slowly_is_assessed_only_as_long_as_the_time_bound(lab):
    """Every connection waits out the greeting delay: the assessment stops at its time
    bound, incomplete, instead of holding a stream for some 20 delays."""
    [host] = lab.scenario("slow-greeting").hosts
    source = own_source_address()
    probe = TlsQualityProbe(
        plan=offer_plan(),
        gap=GAP,
        seconds=1.0,
        lab_mode=True,
        target_defaults={"port": lab.smtp_port, "source_address": source, "greeting_timeout": 12},
    )
    try:
        observation = on_scan_loop(probe.assess(host.name, host.addresses[0]))
    finally:
        probe.close()
    assert observation.connections == 1
    assert not observation.complete
    verdict = judge_tls_quality(observation).verdict
    assert verdict.outcome == "not_testable" and "tls_incomplete" in verdict.reasons
    assert len(ours(lab.connection_log(), source)) == 1
