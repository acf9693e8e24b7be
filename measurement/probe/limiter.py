"""The per-IP politeness limit of DESIGN.md section 3 for one event loop.

At most one connection at a time to any one address, with a gap after each. Anything
with an `async with limiter.slot(address):` method fits (measurement.scan.limiter
holds the Redis-backed one shared by workers).
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol


class AddressLimiter(Protocol):
    def slot(self, address: str) -> AbstractAsyncContextManager[None]: ...


class LocalAddressLimiter:
    """One connection per address at a time in this event loop, `gap` seconds apart."""

    def __init__(self, gap: float) -> None:
        self.gap = gap
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}
        self._last_end: dict[str, float] = {}

    @asynccontextmanager
    async def slot(self, address: str) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        lock = self._locks.setdefault(address, asyncio.Lock())
        self._users[address] = self._users.get(address, 0) + 1
        try:
            async with lock:
                wait = self._last_end.get(address, float("-inf")) + self.gap - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                try:
                    yield
                finally:
                    self._last_end[address] = loop.time()
        finally:
            self._users[address] -= 1
            if not self._users[address]:
                # Forget idle addresses once their gap has passed, so memory follows the
                # probes in flight rather than every address ever seen.
                del self._users[address]
                loop.call_later(self.gap, self._forget, address)

    def _forget(self, address: str) -> None:
        ended = self._last_end.get(address, float("-inf"))
        idle = asyncio.get_running_loop().time() - ended >= self.gap
        if address not in self._users and idle:
            self._locks.pop(address, None)
            self._last_end.pop(address, None)
