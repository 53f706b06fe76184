"""What an ``EventBatcher``'s callers and its worker share: queue, batches in flight, counts.

One lock guards all of it, so that a stats snapshot always balances
(``added == sent + failed + dropped + pending``) and ``flush`` can tell when
the events added before it are resolved. Events are resolved in the order
they were queued (live and recovered ones each), so ``flush`` only compares
counts: see ``taken``, ``live_done`` and ``replay_done``.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Deque, List, Optional, Tuple

from speakeasy._spool import Mark


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
    """The shared state; read and written with ``lock`` held (the two Events excepted)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        #: ``add`` waits on it for room (``on_full="block"``).
        self.not_full = threading.Condition(self.lock)
        #: ``flush`` waits on it for events to be resolved.
        self.progress = threading.Condition(self.lock)
        #: Set to make the worker look at the queue now.
        self.wake = threading.Event()
        #: Set by ``close`` when time is up: stop delivering at once.
        self.abort = threading.Event()
        self.thread: Optional[threading.Thread] = None
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
