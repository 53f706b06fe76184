"""The batcher in async code: ``aflush``/``aclose`` wait without blocking the event loop."""

from __future__ import annotations

import asyncio
import time
from typing import List

from speakeasy.testing import EventsServer
from tests.support.batcher import MakeBatcher, events


async def _ticks_while(awaitable: asyncio.Future[bool]) -> List[float]:
    """The gaps between 10 ms ticks of a task that runs while ``awaitable`` is awaited."""
    gaps: List[float] = []
    stop = False

    async def tick() -> None:
        last = time.monotonic()
        while not stop:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    ticker = asyncio.ensure_future(tick())
    try:
        assert await awaitable is True
    finally:
        stop = True
        await ticker
    return gaps


def test_aflush_and_aclose_leave_the_loop_free(
    server: EventsServer, make_batcher: MakeBatcher
) -> None:
    """While a slow server holds flush and close for ~0.6 s, a 10 ms ticker keeps ticking."""
    server.delay = 0.3
    batcher = make_batcher(max_batch_events=10)

    async def main() -> None:
        batcher.add_many(events(10))
        flush_gaps = await _ticks_while(asyncio.ensure_future(batcher.aflush()))
        batcher.add_many(events(10, start=10))
        close_gaps = await _ticks_while(asyncio.ensure_future(batcher.aclose()))
        for gaps in (flush_gaps, close_gaps):
            assert len(gaps) >= 10  # the loop ran the ticker during the wait
            assert max(gaps) < 0.2  # and was never blocked for long

    asyncio.run(main())
    assert len(server.events) == 20
    assert batcher.closed


def test_async_with_closes_the_batcher(server: EventsServer, make_batcher: MakeBatcher) -> None:
    """``async with batcher:`` delivers what was added and closes it on the way out."""
    batcher = make_batcher()

    async def main() -> None:
        async with batcher as b:
            b.add_many(events(3))

    asyncio.run(main())
    assert len(server.events) == 3
    assert batcher.closed
