"""HostResult rows: one probe of one (MX host, address) per scan, shared by every worker.

When several streaming batches (measurement.scan.run) run at once, each asks per pair
whether to probe it itself or to wait for another batch's result (SharedProbes). The
answers come from the rows: the first batch to insert a pair's row has claimed it.

Asking once per pair cost a few database round trips each, made on a thread that
competes for the interpreter lock with the event loop and the judging. On 10,000
domains over 330 pairs with two workers, claims waited up to 2.7 s in that thread's
queue, and a probe of a silent server started that much later. So SharedProbes answers
in rounds: every question that arrived meanwhile is answered with one INSERT ... ON
CONFLICT DO NOTHING (the new pairs) and one SELECT (the others), and the probes that
finished meanwhile are stored with one executemany.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from ipaddress import IPv4Address, IPv6Address, ip_address

from django.db import connection, connections, transaction
from django.utils import timezone

from measurement.models import HostResult
from measurement.probe.observations import SmtpObservation
from measurement.scan import store
from measurement.scan.store import PENDING, Pair
from measurement.scan.tls_quality import stored_probe

log = logging.getLogger(__name__)


class _Mine:
    """The answer "probe it yourself": this batch holds the pair's claim."""

    def __init__(self, pk: int) -> None:
        self.pk = pk


class SharedProbes:
    """One probe per (host, address) per scan across batches, answered in rounds.

    `probe` is the engine's shared_probe hook; it runs on the batch's event loop, and
    the database work of a round on one thread of its own (the ORM must not run on the
    loop). A pair another batch holds is asked about again every POLL_SECONDS, or
    QUICK_POLL_SECONDS while few are: at the end of a scan the last domains wait for a
    few silent servers, and each poll's delay adds to the scan, while early on hundreds
    of pairs are waited for and a poll's work takes the loop's interpreter lock. A claim
    lapses after SCANNER_PROBE_LEASE seconds (a batch that died), and then the next
    batch to ask takes it over.
    """

    POLL_SECONDS = 0.25
    QUICK_POLL_SECONDS = 0.05
    FEW_PAIRS = 16  # waited for: poll quickly
    GATHER_SECONDS = 0.02  # questions arriving within this time share a round

    def __init__(self, scan_id: int, claim: str) -> None:
        self.scan_id = scan_id
        self.claim = claim
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shared-probes")
        self.rounds = 0  # database rounds so far (for tests and benchmarks)
        self._asked: dict[Pair, asyncio.Future] = {}  # waiting for an answer
        self._new_questions = False  # asked since the last round (else: only polling)
        self._finished: list[tuple[int, SmtpObservation, asyncio.Future]] = []
        self._rows_seen: set[Pair] = set()  # pairs known to have a row (executor thread)
        self._wake: asyncio.Event | None = None
        self._driver: asyncio.Task | None = None

    async def probe(
        self, host: str, address: str, probe_now: Callable[[], Awaitable[SmtpObservation]]
    ) -> SmtpObservation:
        answer = await self._ask((host, address))
        if isinstance(answer, SmtpObservation):
            return answer  # another batch probed it
        observation = await probe_now()
        stored = asyncio.get_running_loop().create_future()
        self._finished.append((answer.pk, observation, stored))
        self._nudge()
        await stored  # other batches wait for the row, and a judged domain needs it stored
        return observation

    def _ask(self, pair: Pair) -> asyncio.Future:
        future = self._asked.get(pair)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._asked[pair] = future
            self._new_questions = True
            self._nudge()
        return future

    def _nudge(self) -> None:
        if self._wake is None:
            self._wake = asyncio.Event()
        self._wake.set()
        if self._driver is None or self._driver.done():
            self._driver = asyncio.ensure_future(self._drive())

    async def _drive(self) -> None:
        """Rounds while there is anything to ask or store; polling pairs wait longer."""
        loop = asyncio.get_running_loop()
        assert self._wake is not None
        while self._asked or self._finished:
            if self._new_questions or self._finished:
                await asyncio.sleep(self.GATHER_SECONDS)
            else:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), self._poll_seconds())
                except TimeoutError:
                    pass
            asked, self._new_questions = list(self._asked), False
            finished, self._finished = self._finished, []
            self.rounds += 1
            if finished:
                # Stored first and apart: a failure to answer must not undo a probe.
                outcome = await _attempt(loop, self.executor, self._store, finished)
                for _, _, stored in finished:
                    _settle(stored, outcome)
            if asked:
                answers = await _attempt(loop, self.executor, self._answer, asked)
                for pair in asked:
                    if isinstance(answers, BaseException):
                        # e.g. the database restarting: every waiting domain hears of it
                        # (the engine gives it out without its probes; a later phase
                        # round probes and judges it).
                        _settle(self._asked.pop(pair), answers)
                    elif pair in answers:
                        _settle(self._asked.pop(pair), answers[pair])

    def _poll_seconds(self) -> float:
        few = len(self._asked) <= self.FEW_PAIRS
        return self.QUICK_POLL_SECONDS if few else self.POLL_SECONDS

    def _store(self, finished: list[tuple[int, SmtpObservation, asyncio.Future]]) -> None:
        """Write the finished probes to their rows (on the executor thread)."""
        connection.close_if_unusable_or_obsolete()  # after a database restart: reconnect
        probes = [(pk, observation) for pk, observation, _ in finished]
        store.store_claimed_probes(self.scan_id, self.claim, probes)

    def _answer(self, asked: list[Pair]) -> dict[Pair, SmtpObservation | _Mine]:
        """Claim the new pairs and look up the others (on the executor thread), in one
        transaction: if any of it fails, no claim is left behind that nobody probes. A
        pair held by a live claim of another batch is left out: it is asked about again."""
        connection.close_if_unusable_or_obsolete()  # after a database restart: reconnect
        now = timezone.now()
        new = [pair for pair in asked if pair not in self._rows_seen]
        with transaction.atomic():
            answers: dict[Pair, SmtpObservation | _Mine] = {
                pair: _Mine(pk) for pair, pk in self._insert_claims(new, now).items()
            }
            others = [pair for pair in asked if pair not in answers]
            if others:
                answers.update(self._existing(others, now))
        # Pairs whose row exists need no INSERT when they are asked about again.
        self._rows_seen.update(asked)
        return answers

    def _insert_claims(self, pairs: list[Pair], now) -> dict[Pair, int]:
        """Insert a pending row per pair, claimed by us; return the ones inserted here."""
        asked = {_key(pair): pair for pair in pairs}
        inserted = store.claim_new_pairs(self.scan_id, self.claim, pairs, now)
        return {asked[_key(pair)]: pk for pair, pk in inserted.items()}

    def _existing(self, pairs: list[Pair], now) -> dict[Pair, SmtpObservation | _Mine]:
        """Answers for pairs whose row exists: its probe if finished, ours if our claim
        (a redelivered task) or a lapsed one we take over; none while another holds it."""
        wanted = {_key(pair): pair for pair in pairs}
        rows = HostResult.objects.filter(
            scan_id=self.scan_id,
            host__in={host for host, _ in pairs},
            address__in={address for _, address in pairs},
        ).values_list("pk", "host", "address", "outcome", "claimed_by", "claimed_at")
        answers: dict[Pair, SmtpObservation | _Mine] = {}
        done: dict[int, Pair] = {}
        for pk, host, address, outcome, claimed_by, claimed_at in rows:
            pair = wanted.get(_key((host, address)))
            if pair is None:
                continue
            if outcome != PENDING:
                done[pk] = pair
            elif store.take_over(pk, self.claim, claimed_by, claimed_at, now):
                answers[pair] = _Mine(pk)
        if done:
            stored = HostResult.objects.filter(pk__in=done)
            for pk, observation, quality in stored.values_list("pk", "observation", "tls_quality"):
                answers[done[pk]] = stored_probe(observation, quality)
        return answers

    def close(self) -> None:
        self.executor.submit(connections.close_all).result()
        self.executor.shutdown()


def _key(pair: Pair) -> tuple[str, IPv4Address | IPv6Address]:
    """A pair as the database gives it back and as it was asked compare equal (PostgreSQL
    writes some IPv6 addresses differently from Python)."""
    return pair[0], ip_address(pair[1])


async def _attempt(loop, executor, work, argument):
    """work(argument) on the executor; an exception is returned, not raised."""
    try:
        return await loop.run_in_executor(executor, work, argument)
    except Exception as exc:  # noqa: BLE001 - handed to the waiting domains
        return exc


def _settle(future: asyncio.Future, outcome) -> None:
    if future.done():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
