"""The batcher's queue (``_batching.queue``) alone: counts, batches, the stack, waiting for room."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import List

import pytest
from hypothesis import given
from hypothesis import strategies as st

from speakeasy._batching import spool as spool_module
from speakeasy._batching.journal import Journal
from speakeasy._batching.queue import Batch, BatcherStats, BatchQueue
from speakeasy._batching.spool import Spool
from speakeasy.models.errors import BatcherClosedError


def parts(count: int, size: int = 10, start: int = 0) -> List[bytes]:
    """``count`` fake encoded events of ``size`` bytes each."""
    return [b"%0*d" % (size, start + i) for i in range(count)]


def new_queue(max_events: int, max_bytes: int) -> BatchQueue:
    """A queue in memory (no spool) whose batches never fill up by themselves."""
    return BatchQueue(max_events, max_bytes, None, batch_events=10**9, batch_bytes=10**12)


def balanced(stats: BatcherStats) -> bool:
    return stats.added == stats.sent + stats.failed + stats.dropped + stats.pending


def test_offer_counts_and_sizes_the_queue() -> None:
    """offer adds one event, its JSON size plus a comma; 2 says "wake the worker"."""
    queue = new_queue(max_events=10, max_bytes=1 << 20)
    assert queue.offer(b"abc") == 2  # the first event starts a batch
    assert queue.offer(b"abcd") == 1
    queue.put_many(parts(2, size=4))
    assert (len(queue.events), queue.nbytes, queue.added, queue.pending) == (4, 4 + 5 + 10, 4, 4)


def test_offer_says_when_a_batch_is_full() -> None:
    queue = BatchQueue(100, 1 << 20, None, batch_events=3, batch_bytes=10**9)
    assert [queue.offer(b"e") for _ in range(4)] == [2, 1, 2, 1]


def test_offer_refuses_what_does_not_fit_and_counts_nothing() -> None:
    queue = new_queue(max_events=2, max_bytes=1 << 20)
    queue.put_many(parts(2))
    assert queue.offer(b"x") == 0
    assert queue.added == 2


def test_drop_counts_added_and_dropped() -> None:
    """A dropped event is added and dropped: never pending."""
    queue = new_queue(max_events=1, max_bytes=1 << 20)
    queue.drop(3)
    assert queue.snapshot() == BatcherStats(3, 0, 0, 3, 0, 0, 0)


def test_recover_counts_added_and_recovered() -> None:
    """Events found in the spool count as added and recovered, and are pending."""
    queue = new_queue(max_events=1, max_bytes=1 << 20)
    queue.recover(5)
    assert queue.snapshot() == BatcherStats(5, 0, 0, 0, 5, 0, 5)


def test_take_respects_max_events() -> None:
    """A batch holds at most max_events; the rest stay queued, in order."""
    queue = new_queue(max_events=100, max_bytes=1 << 20)
    queue.put_many(parts(7))
    queue.take(max_events=3, max_bytes=10_000)
    [batch] = queue.stack
    assert batch.parts == parts(3)
    assert list(queue.events) == parts(4, start=3)
    assert queue.taken == 3


def test_take_respects_max_bytes_exactly() -> None:
    """The batch's JSON array body (brackets, commas) never exceeds max_bytes."""
    queue = new_queue(max_events=100, max_bytes=1 << 20)
    queue.put_many(parts(5, size=10))
    queue.take(max_events=100, max_bytes=1 + 3 * 11)  # "[" + 3 x (10 + ",") - "," + "]"
    [batch] = queue.stack
    assert len(batch) == 3 and batch.nbytes == 34
    assert queue.nbytes == 2 * 11


def test_an_event_larger_than_max_bytes_goes_alone() -> None:
    """A batch always takes at least one event, so the queue never stalls."""
    queue = new_queue(max_events=100, max_bytes=1 << 20)
    queue.put_many(parts(2, size=50))
    queue.take(max_events=100, max_bytes=10)
    assert len(queue.stack[0]) == 1


def test_take_moves_the_runs_with_the_events(tmp_path: Path) -> None:
    """With a spool, each event is written first; the queue keeps one run per segment,
    and a batch taken off it carries the part of the run it took."""
    journal = Journal(Spool(str(tmp_path / "spool")))
    queue = BatchQueue(100, 1 << 20, journal, batch_events=100, batch_bytes=10**9)
    queue.put_many(parts(2))
    queue.offer(parts(1, start=2)[0])
    [run] = queue.runs
    assert (run.start, run.count) == (0, 3)  # no mark per event: one run
    queue.take(max_events=2, max_bytes=10_000)
    batch = queue.stack[0]
    assert [(r.segment, r.start, r.count) for r in batch.runs or []] == [(run.segment, 0, 2)]
    assert batch.ends() == {run.segment: 22}
    assert [(r.start, r.count) for r in queue.runs] == [(22, 1)]
    queue.take(max_events=2, max_bytes=10_000)
    assert queue.stack[1].ends() == {run.segment: 33} and not queue.runs
    journal.close()


def test_runs_follow_segment_switches_and_halves_split_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new segment starts a new run; a batch split in halves acks each half to its own end."""
    monkeypatch.setattr(spool_module, "SEGMENT_BYTES", 33)
    journal = Journal(Spool(str(tmp_path / "spool")))
    queue = BatchQueue(100, 1 << 20, journal, batch_events=100, batch_bytes=10**9)
    for part in parts(5):
        queue.offer(part)  # 11 bytes a line: a segment of 3 (full at 33), then one of 2
    assert [(r.start, r.count) for r in queue.runs] == [(0, 3), (0, 2)]
    old, new = (r.segment for r in queue.runs)
    assert old is not new
    queue.take(max_events=100, max_bytes=10_000)
    [batch] = queue.stack
    assert batch.ends() == {old: 33, new: 22}
    first, second = batch.halves()  # 2 and 3 events
    assert first.ends() == {old: 22}
    assert second.ends() == {old: 33, new: 22}
    one, two = second.halves()  # 1 and 2 events
    assert (one.ends(), two.ends()) == ({old: 33}, {new: 22})
    journal.close()


def test_the_body_is_the_spooled_lines_joined_with_commas() -> None:
    batch = Batch([b'{"a":1}', b'{"b":2}'], None, replay=False)
    assert batch.body() == b'[{"a":1},{"b":2}]' and len(batch.body()) == batch.nbytes


def test_settle_resolves_live_and_recovered_events_apart() -> None:
    """flush compares counts: live events and recovered ones are resolved separately."""
    queue = new_queue(max_events=100, max_bytes=1 << 20)
    queue.put_many(parts(4))
    queue.recover(2)
    live = queue.queued_so_far
    assert (live, queue.settled(live)) == (4, False)
    queue.take(max_events=4, max_bytes=10_000)
    queue.settle(queue.stack.pop(), delivered=True)
    assert queue.live_done >= live and not queue.settled(live)
    queue.settle(Batch(parts(2), None, replay=True), delivered=False)
    assert queue.settled(live)
    assert queue.snapshot() == BatcherStats(6, 4, 2, 0, 0, 0, 2)


def test_pop_replaces_a_batch_with_its_halves() -> None:
    """A split pushes the halves, the first half on top (sent first)."""
    queue = new_queue(max_events=100, max_bytes=1 << 20)
    queue.put_many(parts(4))
    queue.take(max_events=4, max_bytes=10_000)
    batch = queue.begin_attempt()
    assert batch is not None
    first, second = batch.halves()
    queue.pop(batch, second, first)
    assert queue.stack == [second, first]
    assert first.parts == parts(2) and second.parts == parts(2, start=2)


def test_orphan_takes_everything_but_the_batch_on_the_wire() -> None:
    """close takes the rest over from a stuck worker; the batch being sent stays the worker's."""
    queue = new_queue(max_events=100, max_bytes=1 << 20)
    queue.put_many(parts(6))
    queue.take(max_events=2, max_bytes=10_000)
    queue.take(max_events=2, max_bytes=10_000)
    in_flight = queue.begin_attempt()
    assert in_flight is not None and in_flight.parts == parts(2, start=2)
    taken = queue.orphan()
    assert [b.parts for b in taken] == [parts(2), parts(2, start=4)]
    assert not queue.events and queue.nbytes == 0 and queue.taken == 6
    assert queue.stack == [in_flight]
    queue.settle(in_flight, delivered=True)  # the server took it after all
    queue.pop(in_flight)
    assert queue.snapshot().sent == 2


def test_no_attempt_once_close_is_out_of_time() -> None:
    queue = new_queue(max_events=100, max_bytes=1 << 20)
    queue.offer(b"x")
    queue.take(max_events=1, max_bytes=100)
    queue.abort.set()
    assert queue.begin_attempt() is None


def test_the_byte_bound_applies_to_room() -> None:
    """max_bytes bounds the queued JSON; an empty queue still takes one large event."""
    queue = new_queue(max_events=100, max_bytes=25)
    assert queue.has_room(1, 1000)  # empty: anything goes
    queue.put_many(parts(2))  # 22 bytes
    assert queue.has_room(1, 3) and not queue.has_room(1, 4)
    assert queue.fitting(["a", "bb"]) == 1


def test_fitting_respects_the_event_bound() -> None:
    queue = new_queue(max_events=3, max_bytes=1 << 20)
    queue.offer(b"x")
    assert queue.fitting(parts(5)) == 2


def test_flush_waits_for_a_backlog_and_not_for_unreadable_events() -> None:
    """Segments not claimed yet hold flush up; recovered events that cannot be read do not."""
    queue = new_queue(max_events=10, max_bytes=1 << 20)
    with queue.lock:
        queue.recover(3)
        queue.set_backlog(True)
        queue.leave(3)
        assert not queue.settled(0)
        queue.set_backlog(False)
        assert queue.settled(0) and queue.snapshot().pending == 3


def test_wait_for_room_returns_once_an_event_is_taken() -> None:
    """An add waiting for room is woken by take; it revives the worker while it waits."""
    queue = new_queue(max_events=1, max_bytes=1 << 20)
    queue.offer(b"x")
    revived = threading.Event()
    waiter_done = threading.Event()

    def wait() -> None:
        with queue.lock:
            queue.wait_for_room(1, 2, revived.set)
        waiter_done.set()

    thread = threading.Thread(target=wait)
    thread.start()
    assert revived.wait(10)
    with queue.lock:
        queue.take(max_events=1, max_bytes=100)
    thread.join(10)
    assert waiter_done.is_set() and queue.blocked == 0


def test_wait_for_room_raises_once_closed() -> None:
    """close wakes an add waiting for room with BatcherClosedError."""
    queue = new_queue(max_events=1, max_bytes=1 << 20)
    queue.offer(b"x")
    errors: List[BaseException] = []

    def wait() -> None:
        try:
            with queue.lock:
                queue.wait_for_room(1, 2, lambda: None)
        except BatcherClosedError as exc:
            errors.append(exc)

    thread = threading.Thread(target=wait)
    thread.start()
    with queue.lock:
        queue.close()
    thread.join(10)
    assert len(errors) == 1 and queue.blocked == 0


def test_wait_for_room_on_a_closed_queue_raises_at_once() -> None:
    queue = new_queue(max_events=1, max_bytes=1 << 20)
    queue.offer(b"x")
    with queue.lock:
        queue.close()
        with pytest.raises(BatcherClosedError):
            queue.wait_for_room(1, 2, lambda: None)


_OPS = st.lists(
    st.tuples(
        st.sampled_from(["put", "put_many", "drop", "recover", "take", "settle", "orphan"]),
        st.integers(1, 5),
        st.booleans(),
    ),
    max_size=40,
)


@given(_OPS)
def test_every_sequence_of_operations_keeps_the_counts_balanced(ops: list) -> None:  # type: ignore[type-arg]
    """Whatever the order of operations: added == sent + failed + dropped + pending."""
    queue = new_queue(max_events=1000, max_bytes=1 << 20)
    held: List[Batch] = []
    for name, n, flag in ops:
        if name == "put":
            queue.offer(b"e")
        elif name == "put_many":
            queue.put_many([b"e"] * n)
        elif name == "drop":
            queue.drop(n)
        elif name == "recover":
            queue.recover(n)
            held.append(Batch([b"r"] * n, None, replay=True))
        elif name == "take" and queue.events:
            queue.take(max_events=n, max_bytes=10_000)
            batch = queue.begin_attempt()
            assert batch is not None
            queue.pop(batch)
            held.append(batch)
        elif name == "settle" and held:
            queue.settle(held.pop(0), delivered=flag)
        elif name == "orphan":
            held.extend(b for b in queue.orphan() if len(b))
        stats = queue.snapshot()
        assert balanced(stats), stats
        assert stats.pending == len(queue.events) + sum(map(len, held))
