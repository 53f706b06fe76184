"""What an ``EventBatcher``'s callers and its worker share: queue, batches in flight, counts.

One lock guards all of it, and every write to the counts happens here, in
the named operations below (``offer``, ``put_many``, ``drop``, ``recover``, ``take``,
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
from typing import Callable, Deque, List, Optional

from speakeasy._batching.batch import Batch, Run, split_runs
from speakeasy._batching.journal import Journal
from speakeasy.models.errors import BatcherClosedError

__all__ = ["Batch", "BatchQueue", "BatcherStats", "Run"]


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
    refused: int = 0
    r"""Events ``add``/``add_many`` refused because the client was closed (not in ``added``)."""
    spool_error: Optional[str] = None
    r"""Why ``add`` refuses events (the spool directory was removed), else None."""


class BatchQueue:
    """The shared state. Methods marked "lock held" expect the caller to hold ``lock``.

    Attributes are read freely under the lock; they are written only by the
    methods of this class.
    """

    __slots__ = (
        "abort",
        "added",
        "backlog",
        "batch_bytes",
        "batch_events",
        "blocked",
        "closed",
        "drain_seq",
        "dropped",
        "events",
        "failed",
        "inflight",
        "journal",
        "live_done",
        "lock",
        "max_bytes",
        "max_events",
        "nbytes",
        "not_full",
        "progress",
        "recovered",
        "refused",
        "replay_done",
        "replay_left",
        "retried",
        "runs",
        "sent",
        "stack",
        "stopping",
        "taken",
        "wake",
    )

    def __init__(
        self,
        max_events: int,
        max_bytes: int,
        journal: Optional[Journal],
        batch_events: int,
        batch_bytes: int,
    ) -> None:
        self.lock = threading.Lock()
        #: ``add`` waits on it for room (``on_full="block"``).
        self.not_full = threading.Condition(self.lock)
        #: ``flush`` waits on it for events to be resolved.
        self.progress = threading.Condition(self.lock)
        #: Set to make the worker look at the queue now.
        self.wake = threading.Event()
        #: Set by ``close`` when time is up: stop delivering at once.
        self.abort = threading.Event()
        #: The bounds of ``on_full``: queued events, and their JSON bytes.
        self.max_events = max_events
        self.max_bytes = max_bytes
        #: The spool's side: every queued event is written there first (None: memory only).
        self.journal = journal
        #: A batch is due when the queue holds this many events, or bytes of JSON.
        self.batch_events = batch_events
        self.batch_bytes = batch_bytes
        self.closed = False
        #: Set by ``close``: send what is queued, then stop.
        self.stopping = False
        #: ``add`` calls waiting for room: the worker then sends without waiting.
        self.blocked = 0

        # Queued events (encoded: the bytes spooled and posted), the runs of
        # them in each spool segment (empty in memory), and the size of their
        # JSON, one comma each.
        self.events: Deque[bytes] = deque()
        self.runs: Deque[Run] = deque()
        self.nbytes = 0
        # Batches taken off the queue and not yet resolved, the next to send
        # last; the one on the wire now. ``close`` may take the others over.
        self.stack: List[Batch] = []
        self.inflight: Optional[Batch] = None
        #: More segments may wait in the spool than were claimed so far.
        self.backlog = False

        # The counts of ``BatcherStats`` (pending is derived).
        self.added = self.sent = self.failed = self.dropped = 0
        self.retried = self.recovered = self.refused = 0
        # For flush: live events taken off the queue, resolved, and the most
        # that a flush asked to send at once; recovered events resolved, and
        # those left on disk unread (pending still, but nobody waits for them).
        self.taken = self.live_done = self.drain_seq = self.replay_done = 0
        self.replay_left = 0

    # -- reading (lock held) --------------------------------------------------------------

    @property
    def pending(self) -> int:
        return self.added - self.sent - self.failed - self.dropped

    @property
    def queued_so_far(self) -> int:
        """Live events ever queued: ``flush`` waits until that many are resolved."""
        return self.taken + len(self.events)

    def settled(self, live: int) -> bool:
        """Whether the first ``live`` live events and every recovered one are resolved.

        Recovered ones include segments not claimed yet (``backlog``); those
        that could not be read do not hold ``flush`` up (see ``leave``).
        """
        return (
            self.live_done >= live
            and self.replay_done + self.replay_left >= self.recovered
            and not self.backlog
        )

    def has_room(self, count: int, nbytes: int) -> bool:
        """Whether ``count`` events of ``nbytes`` JSON bytes (commas included) fit now.

        An empty queue takes anything: one event larger than the byte bound,
        or an ``add_many`` larger than the queue, must not wait forever.
        """
        events = self.events
        return not events or (
            len(events) + count <= self.max_events and self.nbytes + nbytes <= self.max_bytes
        )

    def fitting(self, parts: List[bytes]) -> int:
        """How many of ``parts``, from the first, fit now (all of them in an empty queue)."""
        if not self.events:
            return len(parts)
        free = self.max_bytes - self.nbytes
        count = 0
        for part in parts[: max(0, self.max_events - len(self.events))]:
            free -= len(part) + 1
            if free < 0:
                break
            count += 1
        return count

    def snapshot(self) -> BatcherStats:
        return BatcherStats(
            added=self.added,
            sent=self.sent,
            failed=self.failed,
            dropped=self.dropped,
            pending=self.pending,
            retried=self.retried,
            recovered=self.recovered,
            refused=self.refused,
            spool_error=None if self.journal is None else self.journal.lost,
        )

    # -- the callers' side (lock held) ----------------------------------------------------

    def offer(self, part: bytes) -> int:
        """Queue one encoded event if it fits (``has_room``).

        0: no room, nothing done. 1: queued. 2: queued, and the worker should
        look now (a batch starts, and times ``flush_interval``, or is full).
        With a spool, the event is written there first; an ``OSError`` from
        that write leaves nothing queued nor counted.
        """
        events = self.events
        size = len(part) + 1
        if events and (len(events) >= self.max_events or self.nbytes + size > self.max_bytes):
            return 0
        journal = self.journal
        if journal is not None:
            segment = journal.append(part)
            runs = self.runs
            if runs and runs[-1].segment is segment:
                runs[-1].count += 1
            else:
                runs.append(Run(segment, segment.size - size, 1))
        events.append(part)
        self.nbytes += size
        self.added += 1
        n = len(events)
        return 2 if n == 1 or n == self.batch_events or self.nbytes >= self.batch_bytes else 1

    def put_many(self, parts: List[bytes]) -> None:
        """Queue encoded events, room or not (spooled first, all or none, as ``offer``)."""
        nbytes = sum(map(len, parts)) + len(parts)
        journal = self.journal
        if journal is not None:
            segment = journal.append_many(parts)
            runs = self.runs
            if runs and runs[-1].segment is segment:
                runs[-1].count += len(parts)
            else:
                runs.append(Run(segment, segment.size - nbytes, len(parts)))
        self.events.extend(parts)
        self.nbytes += nbytes
        self.added += len(parts)

    def refuse(self, count: int) -> None:
        """Count events refused because the client is closed (not queued, not added)."""
        self.refused += count

    def drop(self, count: int) -> None:
        """Count events refused for want of room (``on_full="drop"``)."""
        self.added += count
        self.dropped += count

    def wait_for_room(self, count: int, nbytes: int, revive: Callable[[], None]) -> None:
        """Wait until ``count`` events of ``nbytes`` fit; ``revive`` restarts a dead worker.

        Raises ``BatcherClosedError`` when the batcher is closed meanwhile.
        """
        self.blocked += 1
        try:
            while not self.has_room(count, nbytes):
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

    def orphan(self, everything: bool = False) -> List[Batch]:
        """Take over from a worker stuck on the wire every batch but the one it sends.

        That one stays the worker's: it is accounted for by its outcome. With
        ``everything`` (at interpreter exit, when no outcome will ever come)
        that one is taken too, and its outcome is ignored if it comes.
        """
        inflight = self.inflight
        if inflight is not None and everything:
            inflight.abandoned = True
            self.inflight = inflight = None
        if inflight is not None:
            self.stack.remove(inflight)
        batches = self.take_everything()
        if inflight is not None:
            self.stack.append(inflight)
        return batches

    # -- the worker's side ----------------------------------------------------------------

    def recover(self, count: int) -> None:
        """Count events found in the spool (lock held)."""
        self.added += count
        self.recovered += count

    def set_backlog(self, more: bool) -> None:
        """Whether segments may wait in the spool beyond those claimed (lock held)."""
        self.backlog = more
        if not more:
            self.progress.notify_all()

    def leave(self, count: int) -> None:
        """Recovered events that cannot be read stay on disk, pending (lock held)."""
        self.replay_left += count
        if count:
            self.progress.notify_all()

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
        self.nbytes -= nbytes - 1
        self.taken += count
        if self.blocked:
            self.not_full.notify_all()
        self.stack.append(Batch(parts, self._take_runs(parts), False))

    def _take_runs(self, parts: List[bytes]) -> Optional[List[Run]]:
        """The runs of ``parts``, just taken off the queue's front (lock held)."""
        runs = self.runs
        if not runs:
            return None
        covering: List[Run] = []
        count = 0
        while count < len(parts):
            run = runs.popleft()
            covering.append(run)
            count += run.count
        taken, rest = split_runs(covering, parts, len(parts))
        runs.extendleft(rest)  # the tail of a run the batch ends inside, if any: one at most
        return taken

    def push(self, batch: Batch) -> None:
        """Put a batch of recovered events on the stack, to be sent next (lock held)."""
        self.stack.append(batch)

    def take_everything(self) -> List[Batch]:
        """Empty the stack and the queue (lock held); the next to send first."""
        batches = self.stack[::-1]
        self.stack.clear()
        batches.append(Batch(list(self.events), list(self.runs) or None, False))
        self.taken += len(self.events)
        self.events.clear()
        self.runs.clear()
        self.nbytes = 0
        return batches

    def count_retry(self, count: int) -> None:
        """``count`` events are about to be sent again (lock held)."""
        self.retried += count

    def wake_waiters(self) -> None:
        """The worker is gone: let blocked adds and flushes look again (lock held)."""
        self.not_full.notify_all()
        self.progress.notify_all()

    def begin_attempt(self) -> Optional[Batch]:
        """The next batch to send, now on the wire; None: none, or told to stop (takes the lock)."""
        with self.lock:
            if not self.stack or self.abort.is_set():
                return None
            self.inflight = self.stack[-1]
            return self.inflight

    def end_attempt(self) -> None:
        """The batch on the wire came back, to be sent again (takes the lock)."""
        with self.lock:
            self.inflight = None

    def pop(self, batch: Batch, *replacements: Batch) -> bool:
        """The batch on the wire is done: off the stack, ``replacements`` on (takes the lock).

        False when it was given up meanwhile (``orphan(everything=True)``): nothing done.
        """
        with self.lock:
            if batch.abandoned:
                return False
            popped = self.stack.pop()
            assert popped is batch
            self.stack.extend(replacements)
            self.inflight = None
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
