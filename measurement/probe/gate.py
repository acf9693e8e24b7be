"""A semaphore with two queues: work already under way goes before work not yet begun.

The resolver keeps a few hundred queries in flight and queues the rest. A scan starts up
to `domains_in_flight` domains at once, each with three opening queries (MX, and the
TXT records of TLS-RPT and MTA-STS); their follow-ups (the MX hosts' A, AAAA and TLSA,
the MTA-STS policy host) used to queue behind every opening query of the domains
started after them. At 400 domains/s a worker's queue held about two seconds of
queries, and each of a domain's two DNS steps waited that long before its probes could
begin: the probe of a silent server, which sets the end of a scan, started 4 s late.
With follow-ups first, a domain once begun finishes its DNS at the resolver's pace.
"""

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class PriorityGate:
    """At most `width` holders at once. A waiter for an urgent slot goes before every
    waiter for an ordinary one; within each kind, first come, first served."""

    def __init__(self, width: int) -> None:
        self._free = width
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._ordinary: deque[asyncio.Future[None]] = deque()

    @asynccontextmanager
    async def slot(self, *, urgent: bool) -> AsyncIterator[None]:
        await self._acquire(urgent)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, urgent: bool) -> None:
        # A free slot means no live waiter: release hands a slot straight to a waiter.
        if self._free > 0:
            self._free -= 1
            return
        waiter = asyncio.get_running_loop().create_future()
        (self._urgent if urgent else self._ordinary).append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # handed a slot just as we were cancelled: pass it on
            raise

    def _release(self) -> None:
        for queue in (self._urgent, self._ordinary):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():  # a cancelled waiter stays queued until here
                    waiter.set_result(None)
                    return
        self._free += 1
