"""A semaphore with ranked queues: the scan's most urgent DNS work goes first.

The resolver keeps a few hundred queries in flight and queues the rest. A scan starts
many domains at once, each with three opening queries (its MX, and the TXT records of
TLS-RPT and MTA-STS) and follow-ups (the MX hosts' A, AAAA and TLSA, the MTA-STS policy
host). In one queue, first come first served, a domain's follow-ups waited behind every
opening query of the domains started after it, and a silent server's probe (what sets
the end of a scan) began seconds late. measurement.probe.dns.Priority ranks them:
follow-ups of domains under way, then MX queries (they find the hosts to probe), then
the policy records.
"""

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class PriorityGate:
    """At most `width` holders at once. A waiter of a lower rank goes before every
    waiter of a higher one; within a rank, first come, first served."""

    def __init__(self, width: int, ranks: int = 2) -> None:
        self._free = width
        self._queues: tuple[deque[asyncio.Future[None]], ...] = tuple(deque() for _ in range(ranks))

    @asynccontextmanager
    async def slot(self, rank: int = 0) -> AsyncIterator[None]:
        await self._acquire(rank)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, rank: int) -> None:
        # A free slot means no live waiter: release hands a slot straight to a waiter.
        if self._free > 0:
            self._free -= 1
            return
        waiter = asyncio.get_running_loop().create_future()
        self._queues[rank].append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # handed a slot just as we were cancelled: pass it on
            raise

    def _release(self) -> None:
        for queue in self._queues:
            while queue:
                waiter = queue.popleft()
                if not waiter.done():  # a cancelled waiter stays queued until here
                    waiter.set_result(None)
                    return
        self._free += 1
