"""SharedProbes: one probe per (host, address) per scan across batches, answered in rounds.

The probe itself is out of scope here (the engine's probe tests run it against the lab):
`probe_now` hands back a finished observation, as the engine's probe would, and counts
how often it was asked to probe.
"""

import asyncio
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from measurement.models import HostResult, Scan
from measurement.probe.observations import (
    AcceptedSuite,
    Outcome,
    SmtpObservation,
    TlsQualityObservation,
)
from measurement.scan.shared import SharedProbes
from measurement.scan.store import PENDING

pytestmark = pytest.mark.django_db(transaction=True)  # the round thread sees committed rows

PAIRS = [(f"mx{n}.provider.example", f"192.0.2.{n}") for n in range(1, 41)] + [
    ("mx.v6.example", "2001:db8:0:0::25"),  # PostgreSQL writes it back as 2001:db8::25
]


def _assessment(host: str, address: str) -> TlsQualityObservation:
    suite = AcceptedSuite("TLSv1.2", "ECDHE-RSA-AES128-SHA", "secp256r1")
    return TlsQualityObservation(
        host, address, Outcome.OK, versions=("TLSv1.2",), suites=(suite,),
        connections=7, assessed_at="2026-12-07T10:00:00+00:00",
    )  # fmt: skip


def _scan() -> Scan:
    return Scan.objects.create(methodology_version="t", scanner_version="t")


class Prober:
    def __init__(self, delay: float = 0.0, tls_quality: bool = False) -> None:
        self.probed: list[tuple[str, str]] = []
        self.delay = delay
        self.tls_quality = tls_quality

    def __call__(self, host: str, address: str):
        async def probe_now() -> SmtpObservation:
            self.probed.append((host, address))
            await asyncio.sleep(self.delay)
            quality = _assessment(host, address) if self.tls_quality else None
            return SmtpObservation(
                host, address, Outcome.OK, tls_version="TLSv1.3", tls_quality=quality
            )

        return probe_now


async def _ask_all(shared: SharedProbes, prober: Prober, pairs) -> list[SmtpObservation]:
    return await asyncio.gather(*(shared.probe(h, a, prober(h, a)) for h, a in pairs))


def _run(shared: SharedProbes, prober: Prober, pairs) -> list[SmtpObservation]:
    try:
        return asyncio.run(_ask_all(shared, prober, pairs))
    finally:
        shared.close()


def test_many_questions_share_a_round_and_every_pair_is_claimed_and_stored_once():
    scan = _scan()
    shared, prober = SharedProbes(scan.pk, "batch-1"), Prober()
    observations = _run(shared, prober, PAIRS)
    assert [(o.host, o.address) for o in observations] == PAIRS
    assert sorted(prober.probed) == sorted(PAIRS)
    # One round claims all 41 pairs, one stores the probes: not a round trip per pair.
    assert shared.rounds <= 3
    rows = HostResult.objects.filter(scan=scan)
    assert rows.count() == len(PAIRS)
    assert set(rows.values_list("outcome", "claimed_by", "tls_version")) == {
        ("ok", "batch-1", "TLSv1.3")
    }
    scan.refresh_from_db()
    assert (scan.hosts_done, scan.hosts_total) == (len(PAIRS), len(PAIRS))


def test_a_second_batch_takes_the_stored_probes_without_probing_again():
    scan = _scan()
    _run(SharedProbes(scan.pk, "batch-1"), Prober(), PAIRS)
    second = Prober()
    observations = _run(SharedProbes(scan.pk, "batch-2"), second, PAIRS)
    assert second.probed == []
    assert {o.tls_version for o in observations} == {"TLSv1.3"}
    assert set(HostResult.objects.values_list("claimed_by", flat=True)) == {"batch-1"}


def test_a_second_batch_takes_the_tls_quality_assessment_with_the_stored_probe():
    scan = _scan()
    _run(SharedProbes(scan.pk, "batch-1"), Prober(tls_quality=True), PAIRS[:3])
    observations = _run(SharedProbes(scan.pk, "batch-2"), Prober(), PAIRS[:3])
    assert [o.tls_quality for o in observations] == [_assessment(h, a) for h, a in PAIRS[:3]]
    row = HostResult.objects.get(scan=scan, host=PAIRS[0][0])
    assert row.tls_quality_at.isoformat() == "2026-12-07T10:00:00+00:00"
    assert row.tls_quality["suites"][0]["cipher"] == "ECDHE-RSA-AES128-SHA"


def test_two_batches_at_once_probe_each_pair_once_and_the_waiter_gets_the_result():
    scan = _scan()
    first, second = Prober(delay=0.3), Prober(delay=0.3)

    async def both():
        a = SharedProbes(scan.pk, "batch-1")
        b = SharedProbes(scan.pk, "batch-2")
        b.POLL_SECONDS = 0.1

        async def b_a_little_later():
            # Once a probes, its round has claimed all 30 of its pairs (one INSERT): b
            # asks after that however slow a busy machine makes a's round.
            while not first.probed:
                await asyncio.sleep(0.01)
            return await _ask_all(b, second, PAIRS[10:])

        try:
            return await asyncio.gather(_ask_all(a, first, PAIRS[:30]), b_a_little_later())
        finally:
            await asyncio.to_thread(a.close)
            await asyncio.to_thread(b.close)

    from_a, from_b = asyncio.run(both())
    probed = first.probed + second.probed
    assert sorted(probed) == sorted(PAIRS)  # each pair once, by one batch or the other
    assert set(first.probed) == set(PAIRS[:30])  # a asked first for these
    assert [(o.host, o.address) for o in from_b] == PAIRS[10:]
    assert all(o.outcome is Outcome.OK for o in from_a + from_b)
    assert HostResult.objects.filter(scan=scan, outcome=PENDING).count() == 0


def test_a_lapsed_claim_is_taken_over_and_a_live_one_of_our_own_is_kept():
    scan = _scan()
    long_ago = timezone.now() - timedelta(hours=1)
    HostResult.objects.create(
        scan=scan, host="mx1.dead.example", address="192.0.2.1", outcome=PENDING,
        claimed_by="dead-batch", claimed_at=long_ago,
    )  # fmt: skip
    HostResult.objects.create(
        scan=scan, host="mx2.redelivered.example", address="192.0.2.2", outcome=PENDING,
        claimed_by="batch-1", claimed_at=timezone.now(),
    )  # fmt: skip
    prober = Prober()
    pairs = [("mx1.dead.example", "192.0.2.1"), ("mx2.redelivered.example", "192.0.2.2")]
    _run(SharedProbes(scan.pk, "batch-1"), prober, pairs)
    assert sorted(prober.probed) == sorted(pairs)
    assert set(HostResult.objects.values_list("outcome", "claimed_by")) == {("ok", "batch-1")}


def _finish_elsewhere(pk: int) -> None:
    """The other batch stores its probe (from a thread of its own, as a worker would)."""
    observation = {"host": "mx.busy.example", "address": "192.0.2.9", "outcome": "timeout"}
    try:
        HostResult.objects.filter(pk=pk).update(outcome="timeout", observation=observation)
    finally:
        connection.close()


def test_a_pair_another_live_batch_holds_is_waited_for_not_probed():
    scan = _scan()
    row = HostResult.objects.create(
        scan=scan, host="mx.busy.example", address="192.0.2.9", outcome=PENDING,
        claimed_by="other-batch", claimed_at=timezone.now(),
    )  # fmt: skip
    shared, prober = SharedProbes(scan.pk, "batch-1"), Prober()
    shared.POLL_SECONDS = 0.05

    async def ask_then_finish_elsewhere():
        waiting = asyncio.ensure_future(
            shared.probe("mx.busy.example", "192.0.2.9", prober("mx.busy.example", "192.0.2.9"))
        )
        await asyncio.sleep(0.3)
        assert not waiting.done()  # still polling: the other batch's claim is live
        await asyncio.to_thread(_finish_elsewhere, row.pk)
        return await asyncio.wait_for(waiting, 5)

    try:
        observation = asyncio.run(ask_then_finish_elsewhere())
    finally:
        shared.close()
    assert prober.probed == []
    assert observation.outcome is Outcome.TIMEOUT
    assert shared.rounds >= 3  # it asked again while waiting


def _take_over_elsewhere(scan_id: int) -> None:
    """Another batch takes the pair over (as after a lapsed lease), from its own thread."""
    try:
        HostResult.objects.filter(scan_id=scan_id).update(claimed_by="other-batch")
    finally:
        connection.close()


def test_a_probe_whose_claim_was_taken_over_meanwhile_is_neither_stored_nor_counted():
    scan = _scan()
    shared = SharedProbes(scan.pk, "batch-1")
    pair = ("mx.slow.example", "192.0.2.7")

    async def probe_while_taken_over():
        started = asyncio.Event()

        async def probe_now():
            started.set()
            await asyncio.sleep(0.3)
            return SmtpObservation(*pair, Outcome.OK, tls_version="TLSv1.3")

        probing = asyncio.ensure_future(shared.probe(*pair, probe_now))
        await started.wait()
        await asyncio.to_thread(_take_over_elsewhere, scan.pk)
        return await probing

    try:
        observation = asyncio.run(probe_while_taken_over())
    finally:
        shared.close()
    assert observation.outcome is Outcome.OK  # our domains still use what we saw
    row = HostResult.objects.get(scan=scan)
    assert (row.outcome, row.claimed_by) == (PENDING, "other-batch")
    scan.refresh_from_db()
    assert scan.hosts_done == 0


def test_polls_quickly_only_while_few_pairs_are_waited_for():
    shared = SharedProbes(1, "batch-1")
    try:
        shared._asked = {("mx.test", f"192.0.2.{n}"): None for n in range(shared.FEW_PAIRS)}
        assert shared._poll_seconds() == shared.QUICK_POLL_SECONDS  # the end of a scan
        shared._asked[("mx.test", "192.0.2.200")] = None
        assert shared._poll_seconds() == shared.POLL_SECONDS  # early: many, each a cost
    finally:
        shared.executor.shutdown()
