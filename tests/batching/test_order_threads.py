"""Gaps the promise audit found (issue 28): the order events leave in, a retried batch before
newer ones, flush/close/stats from many threads at once, and the spool's re-scan every 30 s.
"""

from __future__ import annotations

import threading
import time
import types
from pathlib import Path
from typing import Any, List

import pytest

from speakeasy import BatcherStats
from speakeasy._batching import worker as worker_module
from speakeasy.testing import EventsServer, Reply
from tests.support import batcher as support

SPOOLED = pytest.mark.parametrize("spooled", [False, True], ids=["memory", "spool"])


@SPOOLED
def test_events_leave_in_the_order_they_were_added(
    server: EventsServer, make_batcher: support.MakeBatcher, spool: Path, spooled: bool
) -> None:
    batcher = make_batcher(
        spool_dir=spool if spooled else None, max_batch_events=7, flush_interval=0.005
    )
    for i in range(30):
        batcher.add(support.event(i))
    batcher.add_many(support.events(30, start=30))
    for i in range(60, 75):
        batcher.add(support.event(i))
    assert batcher.flush(timeout=30)
    assert support.ids(server.events) == [f"evt-{i}" for i in range(75)]
    assert max(len(r.events or []) for r in server.received) <= 7


@SPOOLED
def test_a_retried_batch_goes_before_newer_events(
    server: EventsServer, make_batcher: support.MakeBatcher, spool: Path, spooled: bool
) -> None:
    """The first batch is answered 503 only once newer events are queued: it is sent again,
    whole and first, and the newer ones follow in their order."""
    arrived, answer = threading.Event(), threading.Event()
    seen: List[int] = []

    def first_503(request: Any) -> Any:
        seen.append(1)
        if len(seen) == 1:
            arrived.set()
            answer.wait(30)
            return Reply(503)
        return None  # answered normally

    server.handler = first_503
    batcher = make_batcher(
        spool_dir=spool if spooled else None, max_batch_events=5, flush_interval=0
    )
    batcher.add_many(support.events(5))
    assert arrived.wait(30)  # the first batch is on the wire
    for i in range(5, 12):
        batcher.add(support.event(i))
    answer.set()
    assert batcher.flush(timeout=30)
    bodies = [support.ids(r.events or []) for r in server.received]
    first = [f"evt-{i}" for i in range(5)]
    assert bodies[:2] == [first, first]  # refused, then the same batch again, before any newer
    assert support.ids(server.events) == [f"evt-{i}" for i in range(12)]
    assert batcher.stats.retried == 5


@SPOOLED
def test_flush_close_and_stats_from_many_threads_at_once(
    server: EventsServer, make_batcher: support.MakeBatcher, spool: Path, spooled: bool
) -> None:
    """8 threads add and flush, 4 read stats all along, then 6 close at once: every snapshot
    balances, every flush of a thread covers that thread's events, every close agrees."""
    batcher = make_batcher(
        spool_dir=spool if spooled else None, max_batch_events=20, flush_interval=0.01
    )
    start = threading.Barrier(12)
    adders_done = threading.Event()
    problems: List[str] = []
    snapshots: List[BatcherStats] = []

    def add_and_flush(n: int) -> None:
        start.wait()
        for chunk in range(5):
            first = n * 100 + chunk * 20
            for i in range(first, first + 20):
                batcher.add(support.event(i))
            if not batcher.flush(timeout=60):
                problems.append(f"flush of thread {n} timed out")
            mine = support.expected_ids(first + 20 - n * 100, start=n * 100)
            if not mine <= set(support.delivered(server)):
                problems.append(f"thread {n}: flush returned before its events were sent")

    def watch() -> None:
        start.wait()
        while not adders_done.is_set():
            snapshots.append(batcher.stats)

    adders = [threading.Thread(target=add_and_flush, args=(n,)) for n in range(8)]
    watchers = [threading.Thread(target=watch) for _ in range(4)]
    for thread in adders + watchers:
        thread.start()
    for thread in adders:
        thread.join(120)
    adders_done.set()
    for thread in watchers:
        thread.join(30)
    assert problems == []
    assert snapshots
    for snapshot in snapshots:
        support.assert_balanced(snapshot)

    closes: List[bool] = []
    go = threading.Barrier(6)

    def close() -> None:
        go.wait()
        closes.append(batcher.close(timeout=30))

    closers = [threading.Thread(target=close) for _ in range(6)]
    for thread in closers:
        thread.start()
    for thread in closers:
        thread.join(60)
    assert closes == [True] * 6
    assert support.delivered(server) == {i: 1 for i in support.expected_ids(800)}
    support.assert_balanced(batcher.stats)


def test_a_running_batcher_looks_for_left_segments_every_30_seconds(
    server: EventsServer,
    make_batcher: support.MakeBatcher,
    spool: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a fake clock for the worker: a segment left by a dead process after the batcher
    started is not claimed 29 s later, and is claimed, counted and sent once 30 s have passed."""
    offset = [0.0]
    fake = types.SimpleNamespace(monotonic=lambda: time.monotonic() + offset[0], time=time.time)
    monkeypatch.setattr(worker_module, "time", fake)
    spool.mkdir(mode=0o700)
    batcher = make_batcher(spool_dir=spool, flush_interval=0)
    assert batcher.stats.recovered == 0
    support.leave_segment(spool, "1-0-dead.seg", 0, 4)
    offset[0] = 29.0
    batcher.add(support.event(100))  # wakes the worker: it looks at the clock
    assert batcher.flush(timeout=30)
    assert batcher.stats.recovered == 0
    offset[0] = 30.5
    batcher.add(support.event(101))
    support.wait_for(lambda: batcher.stats.recovered == 4, timeout=30)
    assert batcher.flush(timeout=30)
    assert set(support.delivered(server)) == support.expected_ids(4) | {"evt-100", "evt-101"}
    # And again 30 s later, with the clock only.
    support.leave_segment(spool, "1-1-dead.seg", 4, 2)
    offset[0] = 61.0
    batcher.add(support.event(102))
    support.wait_for(lambda: batcher.stats.recovered == 6, timeout=30)
    assert batcher.close(timeout=30)
    assert set(support.delivered(server)) == support.expected_ids(6) | {
        "evt-100",
        "evt-101",
        "evt-102",
    }
