"""Many threads adding at once, and a batcher used on both sides of os.fork()."""

from __future__ import annotations

import os
import threading
import warnings
from pathlib import Path
from typing import Callable

import pytest

from speakeasy.testing import EventsServer
from tests.support import batcher as support

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


@pytest.mark.parametrize("spooled", [False, True], ids=["memory", "spool"])
def test_many_threads_adding_at_once(
    server: EventsServer, make_batcher: support.MakeBatcher, spool: Path, spooled: bool
) -> None:
    """8 threads x 250 add() calls: every event delivered exactly once, stats balanced."""
    batcher = make_batcher(
        spool_dir=spool if spooled else None,
        max_batch_events=100,
        max_queue_events=300,
        flush_interval=0.01,
    )
    barrier = threading.Barrier(8)

    def produce(start: int) -> None:
        barrier.wait()
        for i in range(start, start + 250):
            batcher.add(support.event(i))

    threads = [threading.Thread(target=produce, args=(n * 250,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert batcher.flush(timeout=30)
    assert support.delivered(server) == {i: 1 for i in support.expected_ids(2000)}
    stats = batcher.stats
    assert (stats.added, stats.sent) == (2000, 2000)
    support.assert_balanced(stats)


def _fork(child: Callable[[], bool]) -> int:
    """Run ``child`` in a forked process; its exit code (0 when it returned True)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork with threads
        pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            code = 0 if child() else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status


@needs_fork
def test_forked_child_sends_only_its_own_events(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """The parent's queued events stay the parent's; the child's worker sends the child's."""
    batcher = make_batcher(flush_interval=600)
    batcher.add(support.event(50))
    assert batcher.flush(timeout=10)  # the client now holds a keep-alive connection
    batcher.add_many(support.events(5))

    def child() -> bool:
        if batcher.stats.added != 0:
            return False
        batcher.add_many(support.events(3, start=100))
        return batcher.close(timeout=10) and batcher.stats.sent == 3

    assert _fork(child) == 0
    assert batcher.flush(timeout=10)
    expected = support.expected_ids(5) | support.expected_ids(3, start=100)
    assert support.delivered(server) == {i: 1 for i in expected | {"evt-50"}}


@needs_fork
def test_forked_child_uses_its_own_spool_segment(
    server: EventsServer, make_batcher: support.MakeBatcher, spool: Path
) -> None:
    """The child writes and deletes only its own segment; the parent's stays locked and whole."""
    batcher = make_batcher(spool_dir=spool, flush_interval=600)
    batcher.add_many(support.events(5))
    [parent_segment] = support.segments(spool)
    content = parent_segment.read_bytes()

    def child() -> bool:
        batcher.add_many(support.events(3, start=100))
        if len(support.segments(spool)) != 2:
            return False
        return batcher.close(timeout=10) and batcher.stats.sent == 3

    assert _fork(child) == 0
    assert support.segments(spool) == [parent_segment]
    assert parent_segment.read_bytes() == content
    assert make_batcher(spool_dir=spool).stats.recovered == 0  # still locked by the parent
    assert batcher.close(timeout=10)
    assert support.delivered(server) == {
        i: 1 for i in support.expected_ids(5) | support.expected_ids(3, start=100)
    }
    assert support.segments(spool) == []
