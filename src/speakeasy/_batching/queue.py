"""What an ``EventBatcher``'s callers and its worker share: queue, batches in flight, counts.

One lock guards all of it, and every write to the counts happens here, in
the named operations below (``put``, ``drop``, ``recover``, ``take``,
``settle``...), so that ``added == sent + failed + dropped + pending`` can
be checked by reading this file alone, and a stats snapshot always balances.

Events are resolved in the order they were queued (live and recovered ones
each), so ``flush`` only compares counts: see ``taken``, ``live_done`` and
``replay_done``.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import deque
from typing import Callable, Deque, List, Optional, Tuple

from speakeasy._batching.spool import Mark
from speakeasy.models.errors import BatcherClosedError


@dataclasses.dataclass(frozen=True)
class BatcherStats:
    """A consistent snapshot of a batcher's counters, in events (not batches).

    ``added == sent + failed + dropped + pending`` in every snapshot.
    """

    added: int
    r"""Events accepted by ``add``/``add_many``, plus those recovered from the spool."""
    sent: int
    r"""Events the server accepted (2xx)."""
    failed: int
    r"""Events given up and handed to ``on_error`` (rejected, or undelivered at close)."""
    dropped: int
    r"""Events not queued because the queue was full and ``on_full="drop"``."""
    pending: int
    r"""Events queued, in flight, or (with a spool) left on disk for the next batcher."""
    retried: int
    r"""Event sends repeated after a retryable failure (one event retried twice counts 2)."""
    recovered: int
    r"""Events found in the spool, left by an earlier batcher (included in ``added``)."""


class Batch:
    """Encoded events, and where each ends in its spool segment (None in memory)."""

    __slots__ = ("marks", "parts", "replay")

    def __init__(self, parts: List[str], marks: Optional[List[Mark]], replay: bool) -> None:
        self.parts = parts
        self.marks = marks
        #: Recovered from the spool (counted apart from live events, for flush).
        self.replay = replay

    def __len__(self) -> int:
        return len(self.parts)

    def halves(self) -> Tuple[Batch, Batch]:
        half = len(self.parts) // 2
        marks = self.marks
        return (
            Batch(self.parts[:half], None if marks is None else marks[:half], self.replay),
            Batch(self.parts[half:], None if marks is None else marks[half:], self.replay),
        )

    @property
    def nbytes(self) -> int:
        """Size of the JSON array body."""
        return sum(map(len, self.parts)) + len(self.parts) + 1


class BatchQueue:
    """The shared state. Methods marked "lock held" expect the caller to hold ``lock``.

    Attributes are read freely under the lock; they are written only by the
    methods of this class.
    """

    def __init__(self, max_events: int) -> None:
        self.lock = threading.Lock()
        #: ``add`` waits on it for room (``on_full="block"``).
        self.not_full = threading.Condition(self.lock)
        #: ``flush`` waits on it for events to be resolved.
        self.progress = threading.Condition(self.lock)
        #: Set to make the worker look at the queue now.
        self.wake = threading.Event()
        #: Set by ``close`` when time is up: stop delivering at once.
        self.abort = threading.Event()
        self.max_events = max_events
        self.closed = False
        #: Set by ``close``: send what is queued, then stop.
        self.stopping = False
        #: ``add`` calls waiting for room: the worker then sends without waiting.
        self.blocked = 0

        # Queued events (encoded), their spool marks (empty in memory), and
        # the size of their JSON, one comma each.
        self.events: Deque[str] = deque()
        self.marks: Deque[Mark] = deque()
        self.nbytes = 0
        # Batches taken off the queue and not yet resolved, the next to send
        # last. ``close`` may take them over from a stuck worker: ``orphaned``.
        self.stack: List[Batch] = []
        self.orphaned = False

        # The counts of ``BatcherStats`` (pending is derived).
        self.added = self.sent = self.failed = self.dropped = 0
        self.retried = self.recovered = 0
        # For flush: live events taken off the queue, resolved, and the most
        # that a flush asked to send at once; recovered events resolved.
        self.taken = self.live_done = self.drain_seq = self.replay_done = 0

    # -- reading (lock held) --------------------------------------------------------------

    @property
    def pending(self) -> int:
        return self.added - self.sent - self.failed - self.dropped

    @property
    def queued_so_far(self) -> int:
        """Live events ever queued: ``flush`` waits until that many are resolved."""
        return self.taken + len(self.events)

    def resolved(self, live: int, replay: int) -> bool:
        """Whether the first ``live`` live and ``replay`` recovered events are resolved."""
        return self.live_done >= live and self.replay_done >= replay

    def snapshot(self) -> BatcherStats:
        return BatcherStats(
            added=self.added,
            sent=self.sent,
            failed=self.failed,
            dropped=self.dropped,
            pending=self.pending,
            retried=self.retried,
            recovered=self.recovered,
        )

    # -- the callers' side (lock held) ----------------------------------------------------

    def put(self, part: str, mark: Optional[Mark]) -> int:
        """Queue one encoded event (and its spool mark); the queue's new length."""
        self.events.append(part)
        if mark is not None:
            self.marks.append(mark)
        self.nbytes += len(part) + 1
        self.added += 1
        return len(self.events)

    def put_many(self, parts: List[str], marks: Optional[List[Mark]]) -> None:
        """Queue encoded events (and their spool marks)."""
        self.events.extend(parts)
        if marks is not None:
            self.marks.extend(marks)
        self.nbytes += sum(map(len, parts)) + len(parts)
        self.added += len(parts)

    def drop(self, count: int) -> None:
        """Count events refused for want of room (``on_full="drop"``)."""
        self.added += count
        self.dropped += count

    def wait_for_room(self, revive: Callable[[], None]) -> None:
        """Wait until the queue has room; ``revive`` wakes (or restarts) the worker.

        Raises ``BatcherClosedError`` when the batcher is closed meanwhile.
        """
        self.blocked += 1
        try:
            while len(self.events) >= self.max_events:
                if self.closed:
                    break
                revive()
                self.wake.set()
                self.not_full.wait(1.0)
        finally:
            self.blocked -= 1
        if self.closed:
            raise BatcherClosedError("the EventBatcher was closed while add() waited")

    def request_drain(self, live: int) -> None:
        """A flush asks for the first ``live`` live events to be sent now."""
        self.drain_seq = max(self.drain_seq, live)

    def close(self) -> None:
        """No more adds; an add waiting for room gives up."""
        self.closed = True
        self.not_full.notify_all()

    def stop(self) -> None:
        """The worker sends what is queued, then stops."""
        self.stopping = True

    def orphan(self) -> List[Batch]:
        """Take every batch over from a worker stuck on the wire; the next to send first."""
        self.orphaned = True
        return self.take_everything()

    # -- the worker's side ----------------------------------------------------------------

    def recover(self, count: int) -> None:
        """Count events found in the spool (lock held)."""
        self.added += count
        self.recovered += count

    def take(self, max_events: int, max_bytes: int) -> None:
        """Move the next batch from the queue onto the stack (lock held)."""
        events = self.events
        popleft = events.popleft
        count = min(len(events), max_events)
        parts = [popleft() for _ in range(count)]
        nbytes = sum(map(len, parts)) + count + 1
        while nbytes > max_bytes and len(parts) > 1:
            part = parts.pop()
            events.appendleft(part)
            nbytes -= len(part) + 1
        count = len(parts)
        marks = None
        if self.marks:
            popmark = self.marks.popleft
            marks = [popmark() for _ in range(count)]
        self.nbytes -= nbytes - 1
        self.taken += count
        if self.blocked:
            self.not_full.notify_all()
        self.stack.append(Batch(parts, marks, False))

    def push(self, batch: Batch) -> None:
        """Put a batch of recovered events on the stack, to be sent next (lock held)."""
        self.stack.append(batch)

    def take_everything(self) -> List[Batch]:
        """Empty the stack and the queue (lock held); the next to send first."""
        batches = self.stack[::-1]
        self.stack.clear()
        batches.append(Batch(list(self.events), list(self.marks) or None, False))
        self.taken += len(self.events)
        self.events.clear()
        self.marks.clear()
        self.nbytes = 0
        return batches

    def count_retry(self, count: int) -> None:
        """``count`` events are about to be sent again (lock held)."""
        self.retried += count

    def wake_waiters(self) -> None:
        """The worker is gone: let blocked adds and flushes look again (lock held)."""
        self.not_full.notify_all()
        self.progress.notify_all()

    def pop(self, batch: Batch, *replacements: Batch) -> bool:
        """Take ``batch`` off the stack, pushing ``replacements`` (takes the lock).

        False when ``close`` took the stack over meanwhile: the batch is not ours anymore.
        """
        with self.lock:
            if self.orphaned:
                return False
            popped = self.stack.pop()
            assert popped is batch
            self.stack.extend(replacements)
            return True

    def settle(self, batch: Batch, delivered: bool) -> None:
        """Count ``batch`` as sent or failed, and wake ``flush`` (takes the lock)."""
        n = len(batch)
        with self.lock:
            if delivered:
                self.sent += n
            else:
                self.failed += n
            if batch.replay:
                self.replay_done += n
            else:
                self.live_done += n
            self.progress.notify_all()
