"""A background batcher that posts events in batches and never loses one.

``add`` validates and encodes the event at once (later changes to the object
do not matter), appends it to the spool when there is one, and queues the
encoded text. One daemon worker thread per batcher gathers batches (up to
``max_batch_events`` / ``max_batch_bytes``, or ``flush_interval`` after the
first queued event; at once when ``flush``/``close`` ask) and owns delivery:
single attempts through the client's send path, and its own loop for retries
(backoff, ``Retry-After``), 413 splitting and 400/422 bisection.

Events are resolved in the order they were queued, which is what lets the
spool keep a single watermark per segment (see ``_spool``). docs/batching.md
is the user's guide; every default below is documented there.
"""

from __future__ import annotations

import atexit
import dataclasses
import json
import logging
import math
import os
import threading
import time
import weakref
from collections import deque
from typing import TYPE_CHECKING, Any, Callable, Deque, Dict, Iterable, List, Optional, Tuple

from speakeasy._config import timeout_seconds
from speakeasy._encoding import encoder_for
from speakeasy._retry import DEFAULT_RETRY_CONFIG, backoff_delay, retry_after_seconds
from speakeasy._spool import SEGMENT_BYTES, Segment, Spool
from speakeasy.models import shared
from speakeasy.models.errors import (
    BatcherClosedError,
    FieldTypeError,
    SpeakeasyError,
    ValidationError,
)
from speakeasy.utils.retries import BackoffStrategy, RetryConfig

if TYPE_CHECKING:
    from speakeasy._events import Events

__all__ = ["BatcherClosedError", "BatcherStats", "EventBatcher"]  # the error lives in models.errors

logger = logging.getLogger("speakeasy.batcher")

#: ``on_error(events, exception)``: ``events`` are the wire JSON objects (dicts).
ErrorCallback = Callable[[List[Dict[str, Any]], BaseException], object]

#: At interpreter exit, every open batcher is closed within this many seconds in all.
EXIT_TIMEOUT = 5.0
#: How often a running worker looks for segments left by dead processes (seconds).
RESCAN_INTERVAL = 30.0
#: At most this many recovered segments are claimed (locked) at a time.
MAX_CLAIMED = 16

_SINGLE_ATTEMPT = RetryConfig("none")
_SPLIT_STATUSES = frozenset({400, 413, 422})
_MAX_BACKOFF_STEP = 64
#: Of close(timeout), the part kept for stopping the worker after the flush.
_STOP_RESERVE = 0.1


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


class _Batch:
    """Encoded events, and where each ends in its spool segment (None in memory)."""

    __slots__ = ("marks", "parts", "replay")

    def __init__(
        self, parts: List[str], marks: Optional[List[Tuple[Segment, int]]], replay: bool
    ) -> None:
        self.parts = parts
        self.marks = marks
        self.replay = replay

    def __len__(self) -> int:
        return len(self.parts)

    def halves(self) -> Tuple[_Batch, _Batch]:
        half = len(self.parts) // 2
        marks = self.marks
        return (
            _Batch(self.parts[:half], None if marks is None else marks[:half], self.replay),
            _Batch(self.parts[half:], None if marks is None else marks[half:], self.replay),
        )

    @property
    def nbytes(self) -> int:
        return sum(map(len, self.parts)) + len(self.parts) + 1


class EventBatcher:
    """Queues events and posts them in batches from a background thread.

    Build it with ``s.events.batcher(**options)``; use it as a context manager
    (or call ``close()``). Options, all keyword-only:

    - ``workspace_id`` (client's): the workspace every batch is posted to.
    - ``max_batch_events`` (1000) and ``max_batch_bytes`` (1_000_000): a batch
      never holds more events, nor has a larger JSON body. ``add`` rejects an
      event that alone would not fit (``ValidationError``).
    - ``flush_interval`` (1.0 s): how long a queued event may wait for others.
    - ``max_queue_events`` (100_000): events held in memory, not yet sent.
    - ``on_full`` (``"block"``): when the queue is full, ``add`` waits for room;
      ``"drop"`` returns False at once and counts the event as dropped.
    - ``spool_dir`` (None): a directory where events are kept until delivered,
      so they survive the process (see docs/batching.md).
    - ``retries`` (the API's policy): the ``BackoffStrategy`` of this
      ``RetryConfig`` paces retries. Retryable failures are retried until
      delivered or closed (``max_elapsed_time`` is not a limit here);
      ``RetryConfig("none")`` gives a batch up at its first failure.
    - ``on_error`` (None): ``on_error(events, exception)`` for events given up,
      called on the worker thread; what it raises is logged and ignored.
    - ``timeout_ms`` (client's): per request.

    Delivery is at least once. 408, 429, 5xx and network errors are retried;
    a 413 splits the batch in halves; a 400/422 is bisected until only the
    rejected events are left, and those are given up; any other status gives
    the batch up at once. Given up means: handed to ``on_error``, counted in
    ``stats.failed`` and, with a spool, appended to ``rejected.jsonl`` there.
    """

    def __init__(
        self,
        events: Events,
        *,
        workspace_id: Optional[str] = None,
        max_batch_events: int = 1000,
        max_batch_bytes: int = 1_000_000,
        flush_interval: float = 1.0,
        max_queue_events: int = 100_000,
        on_full: str = "block",
        spool_dir: Optional[Any] = None,
        retries: Optional[RetryConfig] = None,
        on_error: Optional[ErrorCallback] = None,
        timeout_ms: Optional[int] = None,
    ) -> None:
        events._url(workspace_id)  # checks it (or that the client has one) before any add
        self._events = events
        self._workspace_id = workspace_id
        self._max_batch_events = _positive_int("max_batch_events", max_batch_events)
        self._max_batch_bytes = _positive_int("max_batch_bytes", max_batch_bytes)
        self._max_event_bytes = self._max_batch_bytes - 2  # the brackets of the array
        self._max_queue = _positive_int("max_queue_events", max_queue_events)
        self._flush_interval = _seconds("flush_interval", flush_interval)
        if on_full not in ("block", "drop"):
            raise ValidationError("on_full", f"must be 'block' or 'drop', not {on_full!r}")
        self._block = on_full == "block"
        if retries is None:
            retries = DEFAULT_RETRY_CONFIG
        elif not isinstance(retries, RetryConfig):
            raise FieldTypeError("retries", f"expected RetryConfig, got {type(retries).__name__}")
        self._backoff: Optional[BackoffStrategy] = (
            retries.backoff if retries.strategy == "backoff" else None
        )
        if on_error is not None and not callable(on_error):
            raise FieldTypeError("on_error", f"expected a callable, got {type(on_error).__name__}")
        self._on_error = on_error
        timeout_seconds(timeout_ms, "timeout_ms")
        self._timeout_ms = timeout_ms
        self._encode = encoder_for(shared.CliEvent)
        self._spool: Optional[Spool] = None
        if spool_dir is not None:
            if not isinstance(spool_dir, (str, os.PathLike)):
                raise FieldTypeError(
                    "spool_dir", f"expected a path, got {type(spool_dir).__name__}"
                )
            directory = os.path.abspath(os.fspath(spool_dir))
            try:
                self._spool = Spool(directory)
            except OSError as exc:
                raise ValidationError(
                    "spool_dir", f"cannot be used as a spool directory: {exc.strerror}"
                ) from exc
        self._closed = False
        self._init_state()
        _live.add(self)
        if self._spool is not None:
            self._claim()
            if self._replay_segments:
                with self._lock:
                    self._start_worker()

    def _init_state(self) -> None:
        """Locks, queue, counters: built here, and again in a forked child."""
        self._lock = threading.Lock()
        self._not_full = threading.Condition(self._lock)
        self._progress = threading.Condition(self._lock)
        self._wake = threading.Event()
        self._abort = threading.Event()
        self._worker: Optional[threading.Thread] = None
        self._stopping = False
        self._blocked = 0
        self._queue: Deque[str] = deque()
        self._marks: Deque[Tuple[Segment, int]] = deque()
        self._queued_bytes = 0
        # Counters (events). live_* and replay_* count in queue order, for flush().
        self._added = self._sent = self._failed = self._dropped = 0
        self._pending = self._retried = self._recovered = 0
        # Live events queued so far = _taken + len(_queue).
        self._live_done = self._taken = self._drain_seq = 0
        self._replay_seq = self._replay_done = 0
        # Spool state: the segment adds go to, every segment held, recovered ones.
        self._segment: Optional[Segment] = None
        self._held: List[Segment] = []
        self._replay_segments: Deque[Segment] = deque()
        self._replay_lines: Deque[Tuple[str, int]] = deque()
        self._replay_segment: Optional[Segment] = None
        self._prefer_replay = True
        self._next_scan = time.monotonic() + RESCAN_INTERVAL
        # Batches taken off the queue and not yet resolved, the next to send last.
        # Changed under the lock: close() may take them over (see _orphaned).
        self._stack: List[_Batch] = []
        #: Set when close() gave up on a worker stuck in a request and took its batches.
        self._orphaned = False
        self._last_error: Optional[BaseException] = None

    # -- the caller's side --------------------------------------------------------------

    def add(self, event: shared.CliEvent) -> bool:
        """Queue one event; True once queued (and spooled), False if dropped (queue full).

        Raises ``ValidationError``/``FieldTypeError`` naming the bad field,
        ``BatcherClosedError`` after ``close()``, ``OSError`` if the spool cannot
        be written. With ``on_full="block"`` it waits while the queue is full.
        """
        try:
            data = self._encode(event)
        except AttributeError as exc:
            raise FieldTypeError("CliEvent", f"is not a complete CliEvent ({exc})") from None
        size = len(data)
        if size > self._max_event_bytes:
            raise _too_large("event", size, self._max_batch_bytes)
        with self._lock:
            if self._closed:
                raise BatcherClosedError("add() on a closed EventBatcher")
            queue = self._queue
            if len(queue) >= self._max_queue and not self._make_room():
                self._added += 1
                self._dropped += 1
                return False
            if self._spool is not None:
                self._spool_one(data)
            queue.append(data)
            self._queued_bytes += size + 1
            self._added += 1
            self._pending += 1
            if self._worker is None:
                self._start_worker()
            n = len(queue)
            # Wake the worker when a batch starts (it then times flush_interval) or fills up.
            wake = (
                n == 1 or n == self._max_batch_events or self._queued_bytes >= self._max_batch_bytes
            )
        if wake and not self._wake.is_set():
            self._wake.set()
        return True

    def add_many(self, events: Iterable[shared.CliEvent]) -> int:
        """Queue events (validated all before any is queued); returns how many were queued.

        With ``on_full="drop"`` the events that find the queue full are dropped.
        With a spool, the events are written in one system call per chunk.
        """
        if isinstance(events, (str, bytes)) or not hasattr(events, "__iter__"):
            raise FieldTypeError(
                "events", f"expected an iterable of CliEvent, got {type(events).__name__}"
            )
        encode = self._encode
        parts: List[str] = []
        for index, event in enumerate(events):
            try:
                parts.append(encode(event))
            except ValidationError as exc:
                _, dot, name = exc.field.partition(".")  # "CliEvent.success" -> ".success"
                raise type(exc)(f"events[{index}]{dot}{name}", exc.problem) from None
            except AttributeError as exc:
                raise FieldTypeError(
                    f"events[{index}]", f"is not a complete CliEvent ({exc})"
                ) from None
            if len(parts[-1]) > self._max_event_bytes:
                raise _too_large(f"events[{index}]", len(parts[-1]), self._max_batch_bytes)
        queued = 0
        with self._lock:
            if self._closed:
                raise BatcherClosedError("add_many() on a closed EventBatcher")
            while queued < len(parts):
                room = self._max_queue - len(self._queue)
                if room <= 0:
                    if self._make_room():
                        continue
                    dropped = len(parts) - queued
                    self._added += dropped
                    self._dropped += dropped
                    break
                chunk = parts[queued : queued + room]
                if self._spool is not None:
                    self._spool_many(chunk)
                self._queue.extend(chunk)
                self._queued_bytes += sum(map(len, chunk)) + len(chunk)
                self._added += len(chunk)
                self._pending += len(chunk)
                queued += len(chunk)
                if self._worker is None:
                    self._start_worker()
        if queued:
            self._wake.set()
        return queued

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Send now what is queued; True once every event added before the call is resolved.

        Resolved means delivered or given up (``on_error`` has returned). False
        when ``timeout`` (seconds) ran out first; the events stay queued.
        """
        deadline = _deadline("timeout", timeout)
        with self._lock:
            live, replay = self._taken + len(self._queue), self._replay_seq
            if self._live_done >= live and self._replay_done >= replay:
                return True
            if self._drain_seq < live:
                self._drain_seq = live
        self._wake.set()
        if threading.current_thread() is self._worker:
            return False  # called from on_error: waiting on ourselves would never end
        with self._lock:
            while self._live_done < live or self._replay_done < replay:
                worker = self._worker
                if worker is None or not worker.is_alive():
                    return False
                remaining = 1.0 if deadline is None else min(1.0, deadline - time.monotonic())
                if remaining <= 0:
                    return False
                self._progress.wait(remaining)
        return True

    def close(self, timeout: Optional[float] = None) -> bool:
        """Flush, then stop the worker; idempotent. True if everything was resolved in time.

        When ``timeout`` runs out first: with a spool, what is undelivered stays
        there for the next batcher (and in ``stats.pending``); without one, it
        is handed to ``on_error`` with ``BatcherClosedError`` and counted failed.
        """
        deadline = _deadline("timeout", timeout)
        with self._lock:
            self._closed = True
            self._not_full.notify_all()
            worker = self._worker
        _live.discard(self)
        if worker is None:
            self._release_spool()
            with self._lock:
                return self._pending == 0
        if worker is threading.current_thread():
            with self._lock:
                self._stopping = True
            self._wake.set()
            return False
        # Keep a little of the time for the worker to stop and account for the rest.
        flush_timeout = None
        if deadline is not None and timeout is not None:
            reserve = min(_STOP_RESERVE, timeout / 4)
            flush_timeout = max(0.0, deadline - reserve - time.monotonic())
        flushed = self.flush(flush_timeout)
        with self._lock:
            self._stopping = True
        if not flushed:
            self._abort.set()
        self._wake.set()
        worker.join(_remaining(deadline))
        if worker.is_alive() and self._spool is None:
            # A request is still on the wire: give up its batch (the server may yet
            # take it) and everything queued, so that nothing is unaccounted for.
            with self._lock:
                self._orphaned = True
                leftovers = self._take_everything()
            self._abandon(leftovers)
        return flushed

    @property
    def stats(self) -> BatcherStats:
        """A snapshot of the counters (see ``BatcherStats``)."""
        with self._lock:
            return BatcherStats(
                added=self._added,
                sent=self._sent,
                failed=self._failed,
                dropped=self._dropped,
                pending=self._pending,
                retried=self._retried,
                recovered=self._recovered,
            )

    @property
    def closed(self) -> bool:
        """True once ``close()`` was called."""
        return self._closed

    def __enter__(self) -> EventBatcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        spool = None if self._spool is None else self._spool.directory
        return (
            f"EventBatcher(workspace_id={self._workspace_id!r}, spool_dir={spool!r}, "
            f"closed={self._closed})"
        )

    # -- helpers of add (called with the lock held) ---------------------------------------

    def _make_room(self) -> bool:
        """Wait until the queue has room (on_full="block"); False to drop instead."""
        if not self._block or threading.current_thread() is self._worker:
            return False  # the worker (in on_error) must never wait for itself
        self._blocked += 1
        try:
            while len(self._queue) >= self._max_queue:
                if self._closed:
                    raise BatcherClosedError("the EventBatcher was closed while add() waited")
                if self._worker is None or not self._worker.is_alive():
                    self._start_worker()
                self._wake.set()
                self._not_full.wait(1.0)
        finally:
            self._blocked -= 1
        if self._closed:
            raise BatcherClosedError("the EventBatcher was closed while add() waited")
        return True

    def _spool_one(self, data: str) -> None:
        segment = self._segment
        if segment is None:
            segment = self._new_segment()
        try:
            end = segment.write((data + "\n").encode("latin-1"))
        except OSError:
            self._retire(segment)
            raise
        self._marks.append((segment, end))
        if end >= SEGMENT_BYTES:
            self._retire(segment)

    def _spool_many(self, chunk: List[str]) -> None:
        segment = self._segment
        if segment is None:
            segment = self._new_segment()
        offset = segment.size
        try:
            end = segment.write(("\n".join(chunk) + "\n").encode("latin-1"))
        except OSError:
            self._retire(segment)
            raise
        marks = self._marks
        for part in chunk:
            offset += len(part) + 1
            marks.append((segment, offset))
        if end >= SEGMENT_BYTES:
            self._retire(segment)

    def _new_segment(self) -> Segment:
        assert self._spool is not None
        segment = self._spool.create()
        self._held.append(segment)
        self._segment = segment
        return segment

    def _retire(self, segment: Segment) -> None:
        """No more appends to ``segment``; it is deleted once resolved to its end."""
        segment.writing = False
        if self._segment is segment:
            self._segment = None
        if segment.done:
            self._release(segment)

    def _release(self, segment: Segment) -> None:
        segment.release()
        if segment in self._held:
            self._held.remove(segment)

    def _start_worker(self) -> None:
        worker = threading.Thread(target=self._run, name="speakeasy-batcher", daemon=True)
        self._worker = worker
        worker.start()

    # -- the worker ---------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while True:
                if not self._next_batch():
                    break
                self._deliver()
        except Exception:
            logger.exception("batcher worker failed; the batcher is closed")
            with self._lock:
                self._closed = True
        finally:
            self._exit_worker()

    def _next_batch(self) -> bool:
        """Put the next batch on the in-flight stack, waiting for one to fill up; False: stop."""
        deadline: Optional[float] = None
        wake = self._wake
        while True:
            if self._abort.is_set():
                return False
            replay = False
            if self._spool is not None:
                if time.monotonic() >= self._next_scan:
                    self._claim()
                replay = bool(self._replay_lines or self._replay_segments)
                if replay and self._prefer_replay:
                    self._prefer_replay = False  # alternate with live batches
                    if self._next_replay_batch():
                        return True
                    continue
            with self._lock:
                n = len(self._queue)
                if n and (
                    n >= self._max_batch_events
                    or self._queued_bytes >= self._max_batch_bytes
                    or self._drain_seq > self._taken
                    or self._stopping
                    or self._blocked
                    or (deadline is not None and time.monotonic() >= deadline)
                ):
                    self._prefer_replay = True
                    self._take()
                    return True
                if not n and self._stopping and not replay:
                    return False
            if replay:  # no live batch is due: recovered events meanwhile
                if self._next_replay_batch():
                    return True
                continue
            now = time.monotonic()
            if n and deadline is None:
                deadline = now + self._flush_interval
                continue
            if deadline is not None:
                timeout: Optional[float] = max(0.0, deadline - now)
            elif self._spool is not None:
                timeout = max(0.0, self._next_scan - now)
            else:
                timeout = None
            wake.wait(timeout)
            wake.clear()

    def _take(self) -> None:
        """Move the next batch from the queue to the in-flight stack (lock held)."""
        queue = self._queue
        count = min(len(queue), self._max_batch_events)
        popleft = queue.popleft
        parts = [popleft() for _ in range(count)]
        nbytes = sum(map(len, parts)) + count + 1
        while nbytes > self._max_batch_bytes and len(parts) > 1:
            part = parts.pop()
            queue.appendleft(part)
            nbytes -= len(part) + 1
        count = len(parts)
        marks = None
        if self._spool is not None:
            popmark = self._marks.popleft
            marks = [popmark() for _ in range(count)]
        self._queued_bytes -= nbytes - 1
        self._taken += count
        if self._blocked:
            self._not_full.notify_all()
        self._stack.append(_Batch(parts, marks, False))

    def _take_everything(self) -> List[_Batch]:
        """Empty the in-flight stack and the queue (lock held), the next to send first."""
        batches = self._stack[::-1]
        self._stack.clear()
        batches.append(_Batch(list(self._queue), list(self._marks) if self._marks else None, False))
        self._taken += len(self._queue)
        self._queue.clear()
        self._marks.clear()
        self._queued_bytes = 0
        return batches

    def _next_replay_batch(self) -> bool:
        """Put the next batch of recovered events on the in-flight stack (worker only)."""
        assert self._spool is not None
        lines = self._replay_lines
        if not lines:
            loading = self._replay_segments.popleft()
            try:
                lines.extend(self._spool.read(loading))
            except OSError as exc:
                # Left on disk (and pending here) for a later batcher.
                logger.error("spool: cannot read %s: %s", loading.name, exc.strerror)
                with self._lock:
                    self._release(loading)
                return False
            self._replay_segment = loading
        segment = self._replay_segment
        assert segment is not None
        parts: List[str] = []
        marks: List[Tuple[Segment, int]] = []
        nbytes = 1
        while lines and len(parts) < self._max_batch_events:
            part, end = lines[0]
            if parts and nbytes + len(part) + 1 > self._max_batch_bytes:
                break  # (a recovered event larger than max_batch_bytes goes alone)
            lines.popleft()
            parts.append(part)
            marks.append((segment, end))
            nbytes += len(part) + 1
        with self._lock:
            self._stack.append(_Batch(parts, marks, True))
        return True

    def _claim(self) -> None:
        """Take over segments left by dead processes, and count their events."""
        assert self._spool is not None
        self._next_scan = time.monotonic() + RESCAN_INTERVAL
        room = MAX_CLAIMED - len(self._replay_segments)
        if room <= 0:
            return
        found = self._spool.claim(room)
        if not found:
            return
        with self._lock:
            for segment, count in found:
                self._held.append(segment)
                self._replay_segments.append(segment)
                self._added += count
                self._pending += count
                self._recovered += count
                self._replay_seq += count

    def _deliver(self) -> None:
        """Send the in-flight batches until each is sent or given up (or we stop)."""
        stack = self._stack
        failures = 0
        while True:
            with self._lock:
                if self._orphaned or not stack:
                    return
                current = stack[-1]
            if self._abort.is_set():
                return  # _exit_worker abandons the stack
            error = self._post(current)
            if error is None:
                if not self._pop(current):
                    return
                if failures:
                    logger.info(
                        "batch of %d events delivered after %d retries", len(current), failures
                    )
                failures = 0
                self._resolve(current)
                continue
            status = _status_of(error)
            if status in _SPLIT_STATUSES and len(current) > 1:
                first, second = current.halves()
                if not self._pop(current, second, first):
                    return
                logger.debug("batch of %d events: status %d; splitting", len(current), status)
                continue
            self._last_error = error
            delay = None
            if status is None or _is_retryable(status):
                delay = self._retry_delay(error, failures)
            if delay is None:
                if not self._pop(current):
                    return
                self._give_up(current, error)
                continue
            log = logger.warning if failures == 0 else logger.debug
            log(
                "batch of %d events (%d bytes): %s; retrying in %.3fs",
                len(current),
                current.nbytes,
                _describe(error),
                delay,
            )
            failures += 1
            if self._abort.wait(delay):
                return
            with self._lock:
                self._retried += len(current)

    def _pop(self, batch: _Batch, *replacements: _Batch) -> bool:
        """Take ``batch`` off the in-flight stack (pushing ``replacements``).

        False when close() took the stack over meanwhile: the batch is not ours anymore.
        """
        with self._lock:
            if self._orphaned:
                return False
            popped = self._stack.pop()
            assert popped is batch
            self._stack.extend(replacements)
            return True

    def _post(self, batch: _Batch) -> Optional[Exception]:
        """One attempt: None if the server accepted the batch, else the error."""
        body = ("[" + ",".join(batch.parts) + "]").encode("latin-1")
        try:
            self._events.post_body(
                body, self._workspace_id, retries=_SINGLE_ATTEMPT, timeout_ms=self._timeout_ms
            )
        except Exception as exc:
            return exc
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("sent batch of %d events (%d bytes)", len(batch), len(body))
        return None

    def _retry_delay(self, error: Exception, failures: int) -> Optional[float]:
        """Seconds before the next attempt (backoff or Retry-After), None: no retries."""
        backoff = self._backoff
        if backoff is None:
            return None
        try:
            delay = backoff_delay(backoff, min(failures, _MAX_BACKOFF_STEP))
        except OverflowError:
            delay = backoff.max_interval / 1000.0
        response = getattr(error, "raw_response", None)
        if response is not None:
            retry_after = retry_after_seconds(response.headers, time.time())
            if retry_after is not None and retry_after > delay:
                delay = retry_after
        return delay

    def _resolve(self, batch: _Batch) -> None:
        """The server accepted ``batch``."""
        self._ack(batch)
        self._count(batch, "_sent")

    def _give_up(self, batch: _Batch, error: BaseException) -> None:
        """Keep ``batch`` in the rejected file (with a spool), report it, count it failed."""
        logger.warning(
            "%d events given up: %s%s",
            len(batch),
            _describe(error),
            "; passed to on_error" if self._on_error is not None else "",
        )
        if self._spool is not None:
            try:
                self._spool.reject(batch.parts)
            except OSError as exc:
                # They still reach on_error; the spool cannot hold them back
                # without stalling every later event behind them.
                logger.error("spool: cannot write the rejected file: %s", exc.strerror)
        self._ack(batch)
        self._report(batch.parts, error)
        self._count(batch, "_failed")

    def _ack(self, batch: _Batch) -> None:
        marks = batch.marks
        if not marks:
            return
        ends: Dict[Segment, int] = {}
        for segment, end in marks:
            ends[segment] = end
        with self._lock:
            for segment, end in ends.items():
                if segment.fd < 0:
                    continue
                try:
                    segment.ack(end)
                except OSError as exc:  # delivered anyway; a later batcher may resend them
                    logger.warning(
                        "spool: cannot record delivery in %s: %s", segment.name, exc.strerror
                    )
                    continue
                if segment.done:
                    self._release(segment)

    def _count(self, batch: _Batch, counter: str) -> None:
        n = len(batch)
        with self._lock:
            setattr(self, counter, getattr(self, counter) + n)
            self._pending -= n
            if batch.replay:
                self._replay_done += n
            else:
                self._live_done += n
            self._progress.notify_all()

    def _report(self, parts: List[str], error: BaseException) -> None:
        callback = self._on_error
        if callback is None:
            return
        try:
            callback([_loads(part) for part in parts], error)
        except Exception:
            logger.error("on_error raised; ignored", exc_info=True)

    def _abandon(self, batches: List[_Batch]) -> None:
        """Events still held when the worker stops: left in the spool, or failed."""
        batches = [b for b in batches if len(b)]
        count = sum(map(len, batches))
        if not count:
            return
        if self._spool is not None:
            logger.warning("%d events left undelivered in the spool for the next batcher", count)
            return
        logger.warning("%d events undelivered at close: given up", count)
        error = BatcherClosedError("closed before these events were delivered")
        error.__cause__ = self._last_error
        for batch in batches:
            self._report(batch.parts, error)
            self._count(batch, "_failed")

    def _exit_worker(self) -> None:
        with self._lock:
            leftovers = self._take_everything()
        self._abandon(leftovers)
        self._release_spool()
        with self._lock:
            if self._worker is threading.current_thread():
                self._worker = None
            self._not_full.notify_all()
            self._progress.notify_all()

    def _release_spool(self) -> None:
        """Close every held segment; delete those resolved to their end."""
        with self._lock:
            held, self._held = self._held, []
            self._segment = None
            self._replay_segments.clear()
            self._replay_lines.clear()
            for segment in held:
                segment.writing = False
                segment.release()

    # -- fork -----------------------------------------------------------------------------

    def _after_fork_in_child(self) -> None:
        """The child starts empty: the parent's queue, locks and segments stay the parent's."""
        held = self._held + list(self._replay_segments)
        self._init_state()
        for segment in held:
            segment.forget()  # our copies only: the parent's descriptors keep its locks
        try:
            # Pooled keep-alive sockets are shared with the parent: never reuse them here.
            self._events._http.session.close()
        except Exception:
            logger.debug("could not reset the HTTP connection pool after fork", exc_info=True)


# -- module-level machinery ---------------------------------------------------------------

_live: weakref.WeakSet[EventBatcher] = weakref.WeakSet()


def _close_at_exit() -> None:
    deadline = time.monotonic() + EXIT_TIMEOUT
    for batcher in list(_live):
        try:
            batcher.close(max(0.0, deadline - time.monotonic()))
        except Exception:
            logger.error("closing a batcher at exit failed", exc_info=True)


def _after_fork_in_child() -> None:
    for batcher in list(_live):
        batcher._after_fork_in_child()


atexit.register(_close_at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldTypeError(name, f"expected int, got {type(value).__name__}")
    if value < 1:
        raise ValidationError(name, "must be >= 1")
    return value


def _seconds(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FieldTypeError(name, f"expected seconds as a number, got {type(value).__name__}")
    if not math.isfinite(value) or value < 0:
        raise ValidationError(name, "must be a finite number of seconds >= 0")
    return float(value)


def _deadline(name: str, timeout: Optional[float]) -> Optional[float]:
    if timeout is None:
        return None
    return time.monotonic() + _seconds(name, timeout)


def _remaining(deadline: Optional[float]) -> Optional[float]:
    return None if deadline is None else max(0.0, deadline - time.monotonic())


def _too_large(field: str, size: int, limit: int) -> ValidationError:
    return ValidationError(
        field,
        f"encodes to {size} bytes; one event may take at most max_batch_bytes - 2 = {limit - 2}",
    )


def _status_of(error: BaseException) -> Optional[int]:
    """The HTTP status of a failed attempt, None for a network error."""
    response = getattr(error, "raw_response", None)
    if response is not None:
        return int(response.status_code)
    if isinstance(error, SpeakeasyError):
        status = getattr(error, "status_code", None)
        return status if isinstance(status, int) else None
    return None


def _is_retryable(status: int) -> bool:
    return status in (408, 429) or 500 <= status <= 599


def _describe(error: BaseException) -> str:
    status = _status_of(error)
    return f"status {status}" if status is not None else type(error).__name__


def _loads(part: str) -> Any:
    try:
        return json.loads(part)
    except ValueError:
        return part  # a damaged spool line: handed over as it is
