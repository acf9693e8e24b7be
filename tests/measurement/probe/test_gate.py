"""PriorityGate: a lower rank goes first, first come first served within a rank (pure
asyncio)."""

import asyncio

from measurement.probe.gate import PriorityGate


async def _holder(gate: PriorityGate, name: str, rank: int, log: list, hold: asyncio.Event):
    async with gate.slot(rank):
        log.append(name)
        await hold.wait()


def test_lower_ranks_go_first_and_each_rank_keeps_its_order():
    async def main():
        gate, log, hold = PriorityGate(1, ranks=3), [], asyncio.Event()
        first = asyncio.ensure_future(_holder(gate, "first", 2, log, hold))
        await asyncio.sleep(0)
        waiters = [
            asyncio.ensure_future(_holder(gate, name, rank, log, hold))
            for name, rank in [("p1", 2), ("m1", 1), ("u1", 0), ("p2", 2), ("m2", 1), ("u2", 0)]
        ]
        await asyncio.sleep(0)
        assert log == ["first"]  # one slot: the others wait
        hold.set()
        await asyncio.gather(first, *waiters)
        return log

    assert asyncio.run(main()) == ["first", "u1", "u2", "m1", "m2", "p1", "p2"]


def test_no_more_than_width_hold_a_slot_at_once():
    async def main():
        gate, holding, most = PriorityGate(3), 0, 0

        async def work(rank: int) -> None:
            nonlocal holding, most
            async with gate.slot(rank):
                holding += 1
                most = max(most, holding)
                await asyncio.sleep(0.001)
                holding -= 1

        await asyncio.gather(*(work(n % 2) for n in range(50)))
        return most, gate._free

    assert asyncio.run(main()) == (3, 3)  # and every slot came back


def test_a_cancelled_waiter_does_not_take_or_lose_a_slot():
    async def main():
        gate, log, hold = PriorityGate(1), [], asyncio.Event()
        first = asyncio.ensure_future(_holder(gate, "first", 1, log, hold))
        await asyncio.sleep(0)
        gone = asyncio.ensure_future(_holder(gate, "gone", 0, log, hold))
        after = asyncio.ensure_future(_holder(gate, "after", 1, log, hold))
        await asyncio.sleep(0)
        gone.cancel()
        hold.set()
        await asyncio.gather(first, after)
        return log, gone.cancelled(), gate._free

    assert asyncio.run(main()) == (["first", "after"], True, 1)


def test_a_waiter_cancelled_just_as_it_is_handed_a_slot_passes_it_on():
    async def main():
        gate, log, hold = PriorityGate(1), [], asyncio.Event()
        hold.set()
        async with gate.slot(1):
            unlucky = asyncio.ensure_future(_holder(gate, "unlucky", 1, log, hold))
            after = asyncio.ensure_future(_holder(gate, "after", 1, log, hold))
            await asyncio.sleep(0)  # both wait
        # The release handed the slot to `unlucky`, which has not run yet: cancel it now.
        unlucky.cancel()
        await asyncio.wait_for(after, 2)  # a lost slot would leave `after` waiting
        return log, unlucky.cancelled(), gate._free

    assert asyncio.run(main()) == (["after"], True, 1)
