"""The Redis-backed per-address limit, against the real Redis on 127.0.0.1:6379."""

import asyncio
import os
import time

from measurement.probe.engine import run as on_scan_loop
from measurement.scan.limiter import RedisAddressLimiter

REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


def _run(coro):
    return on_scan_loop(coro)


def _prefix() -> str:
    """Keys of this test only: tests share the Redis database."""
    return f"test:{os.getpid()}:{time.monotonic_ns()}:"


def _limiter(gap_seconds: float, prefix: str = "", **kwargs) -> RedisAddressLimiter:
    return RedisAddressLimiter(
        REDIS, gap_seconds=gap_seconds, poll_seconds=0.01, prefix=prefix or _prefix(), **kwargs
    )


async def _hold(limiter, address, spans, name, seconds=0.05):
    async with limiter.slot(address):
        start = time.monotonic()
        await asyncio.sleep(seconds)
        spans.append((name, start, time.monotonic()))


def test_two_holders_of_one_address_never_overlap_and_keep_the_gap():
    async def scenario():
        # Two limiters stand for two workers: they share nothing but Redis.
        prefix = _prefix()
        first, second = _limiter(0.2, prefix), _limiter(0.2, prefix)
        spans = []
        await asyncio.gather(
            _hold(first, "192.0.2.1", spans, "a"), _hold(second, "192.0.2.1", spans, "b")
        )
        await first.close()
        await second.close()
        return sorted(spans, key=lambda s: s[1])

    (_, _, end_first), (_, start_second, _) = _run(scenario())
    assert start_second >= end_first + 0.2 - 0.01


def test_different_addresses_are_held_at_the_same_time():
    async def scenario():
        limiter = _limiter(5)
        spans = []
        await asyncio.gather(
            _hold(limiter, "192.0.2.1", spans, "a", 0.2),
            _hold(limiter, "192.0.2.2", spans, "b", 0.2),
        )
        await limiter.close()
        return sorted(spans, key=lambda s: s[1])

    (_, start_a, end_a), (_, start_b, _) = _run(scenario())
    assert start_b < end_a  # overlapping: no waiting on an unrelated address


def test_a_holder_that_vanished_frees_the_address_after_the_hold_time():
    async def scenario():
        prefix = _prefix()
        limiter = _limiter(0, prefix, hold_seconds=0.3)
        client = limiter._redis()
        # A worker killed while holding the slot leaves its key behind with the hold TTL.
        await client.set(prefix + "192.0.2.9", "dead-worker", px=300)
        spans = []
        await _hold(limiter, "192.0.2.9", spans, "next", 0.01)
        ttl_after = await client.pttl(prefix + "192.0.2.9")
        await limiter.close()
        return spans, ttl_after

    spans, ttl_after = _run(scenario())
    assert len(spans) == 1
    assert ttl_after == -2  # released with gap 0: the key is gone


def test_a_redis_restart_makes_a_prober_wait_instead_of_failing(tmp_path):
    # A Redis of our own that this test stops and starts again.
    from tests.system.services import PrivateRedis

    server = PrivateRedis(tmp_path / "redis").start()

    async def scenario():
        limiter = RedisAddressLimiter(server.url, gap_seconds=0, poll_seconds=0.01)
        spans = []
        await _hold(limiter, "192.0.2.7", spans, "before")
        server.stop()
        restart = asyncio.get_running_loop().call_later(
            1.0, lambda: server.start()
        )  # back after a second, as a restarted Redis would be
        await _hold(limiter, "192.0.2.7", spans, "during")
        restart.cancel()
        await limiter.close()
        return spans

    try:
        spans = _run(scenario())
    finally:
        server.stop()
    assert [name for name, _, _ in spans] == ["before", "during"]


def test_hundreds_of_probes_starting_at_once_share_a_few_connections():
    async def scenario():
        limiter = _limiter(0.05)
        spans = []
        await asyncio.gather(
            *(_hold(limiter, f"192.0.2.{n}", spans, n, 0.01) for n in range(1, 201))
        )
        pool = limiter._redis().connection_pool
        opened = len(pool._in_use_connections) + len(pool._available_connections)
        await limiter.close()
        return spans, opened

    spans, opened = _run(scenario())
    assert len(spans) == 200
    assert opened <= RedisAddressLimiter.CONNECTIONS  # not one connection per probe
