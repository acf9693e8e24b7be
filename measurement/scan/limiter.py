"""The per-IP politeness limit of DESIGN.md section 3, shared by every worker through Redis.

At most one connection at a time to any one address, and a gap after each: the lock key
is not deleted on release but left to expire after the gap, so the next prober (in this
process or another worker) waits out the gap too. A holder that dies frees the address
when the hold time-out passes.
"""

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis.asyncio as redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

# Release: only the holder may shorten the lock to the gap (compare-and-expire).
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  if tonumber(ARGV[2]) > 0 then
    return redis.call('pexpire', KEYS[1], ARGV[2])
  end
  return redis.call('del', KEYS[1])
end
return 0
"""


class RedisAddressLimiter:
    CONNECTIONS = 16  # Redis connections per event loop; a command waits for a free one

    def __init__(
        self,
        url: str,
        *,
        gap_seconds: float,
        hold_seconds: float = 180.0,
        poll_seconds: float = 0.05,
        prefix: str = "mailbeveiliging:ip:",
        outage_seconds: float = 60.0,
    ) -> None:
        self._url = url
        self._client: redis.Redis | None = None
        self.gap_ms = int(gap_seconds * 1000)
        self.hold_ms = int(hold_seconds * 1000)
        self.poll_seconds = poll_seconds
        self.prefix = prefix
        self.outage_seconds = outage_seconds

    def _redis(self) -> redis.Redis:
        # Created lazily: a client belongs to the event loop that first uses it. A few
        # connections, shared: hundreds of probes start at once, and each new connection
        # cost a connect, a handshake and (without driver_info=None) a look-up of
        # redis-py's own version in its package metadata.
        if self._client is None:
            pool = redis.BlockingConnectionPool.from_url(
                self._url,
                max_connections=self.CONNECTIONS,
                timeout=None,  # a command waits for a free connection ...
                socket_timeout=5,  # ... which a Redis that stopped answering gives back
                socket_connect_timeout=5,
                driver_info=None,
            )
            self._client = redis.Redis.from_pool(pool)
        return self._client

    @asynccontextmanager
    async def slot(self, address: str) -> AsyncIterator[None]:
        key = self.prefix + address
        token = secrets.token_hex(8)
        while not await self._call(lambda c: c.set(key, token, nx=True, px=self.hold_ms)):
            await asyncio.sleep(self.poll_seconds)
        try:
            yield
        finally:
            try:
                await self._call(lambda c: c.eval(_RELEASE, 1, key, token, self.gap_ms))
            except RedisError:
                pass  # the lock lapses by itself after the hold time

    async def _call(self, command):
        """A Redis command, retried while Redis restarts: a probe waits rather than
        ending as our error, and the caller's task retries only if Redis stays away."""
        deadline = asyncio.get_running_loop().time() + self.outage_seconds
        while True:
            try:
                return await command(self._redis())
            except (RedisConnectionError, RedisTimeoutError):
                if asyncio.get_running_loop().time() > deadline:
                    raise
                await self._drop_client()
                await asyncio.sleep(0.5)

    async def _drop_client(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                await client.aclose()
            except RedisError:
                pass

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
