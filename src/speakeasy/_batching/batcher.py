"""``EventBatcher``: queue events from any thread; a background worker posts them in batches.

``add`` validates and encodes the event at once (later changes to the object
do not matter), appends those bytes to the spool when there is one, and
queues the same bytes: they are what the worker posts (encoded once). The
pieces behind this façade, in this package:

- ``queue``: the queue, the batches in flight and the counts, under one lock;
- ``batch``: a batch's encoded events and the spool segment runs they are in;
- ``worker``: the daemon thread that gathers batches and delivers them;
- ``delivery``: what to do after each attempt (pure functions);
- ``spool``: the files that keep events across processes;
- ``transport``: what the client hands over (``Transport``).

docs/batching.md is the user's guide; every default is documented there.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
import time
import warnings
from typing import Iterable, List, NoReturn, Optional, Set, Tuple

from speakeasy._batching import options
from speakeasy._batching.journal import Journal
from speakeasy._batching.notices import Notices
from speakeasy._batching.queue import BatcherStats, BatchQueue
from speakeasy._batching.spool import REJECTED_NAME, SpoolRemovedError, open_spool
from speakeasy._batching.transport import ErrorCallback, Transport
from speakeasy._batching.worker import Worker
from speakeasy._encoding import encoder_for
from speakeasy._retry import DEFAULT_RETRY_CONFIG
from speakeasy.models import shared
from speakeasy.models.errors import (
    BatcherClosedError,
    ClientClosedError,
    FieldTypeError,
    ValidationError,
)
from speakeasy.utils.retries import RetryConfig

__all__ = ["BatcherStats", "EventBatcher"]

logger = logging.getLogger("speakeasy.batcher")

#: Of close(timeout), the part kept for stopping the worker after the flush (at most a
#: quarter of it): time for a loaded machine to let the worker hand the rest to on_error.
_STOP_RESERVE = 0.5


class EventBatcher:
    """Queues events and posts them in batches from a background thread.

    Build it with ``s.events.batcher(**options)``; use it as a context manager
    (or call ``close()``). Options, all keyword-only (docs/batching.md has the
    whole story):

    - ``workspace_id`` (client's): the workspace every batch is posted to.
    - ``max_batch_events`` (1000) and ``max_batch_bytes`` (1_000_000): a batch
      never holds more events, nor has a larger JSON body. ``add`` rejects an
      event that alone would not fit (``ValidationError``).
    - ``flush_interval`` (1.0 s): how long a queued event may wait for others.
    - ``max_queue_events`` (100_000) and ``max_queue_bytes`` (64 MiB): events
      held in memory, not yet sent, and the size of their JSON.
    - ``on_full`` (``"block"``): when a bound is reached, ``add`` waits for
      room; ``"drop"`` returns False at once and counts the event as dropped.
    - ``spool_dir`` (None): a directory of the current user where events are
      kept until delivered, so they survive the process.
    - ``retries`` (the API's policy): the ``BackoffStrategy`` of this
      ``RetryConfig`` paces retries. Retryable failures are retried until
      delivered or closed (``max_elapsed_time`` is not a limit here);
      ``RetryConfig("none")`` gives a batch up at its first failure.
    - ``on_error`` (None): ``on_error(events, exception)`` for events given up;
      what it raises is logged and ignored.
    - ``exit_timeout`` (5.0 s): how long leaving a ``with`` block, and
      interpreter exit, wait for delivery.
    - ``timeout_ms`` (client's): per request.

    Delivery is at least once. 408, 429, 5xx and network errors are retried;
    a 413 splits the batch in halves; a 400/422 is bisected until only the
    rejected events are left, and those are given up; any other status gives
    the batch up at once. Given up means: handed to ``on_error``, counted in
    ``stats.failed`` and, with a spool, appended to ``rejected.jsonl`` there.
    """

    def __init__(
        self,
        transport: Transport,
        *,
        max_batch_events: int,
        max_batch_bytes: int,
        flush_interval: float,
        max_queue_events: int,
        max_queue_bytes: int,
        on_full: str,
        spool_dir: Optional[object],
        retries: Optional[RetryConfig],
        on_error: Optional[ErrorCallback],
        exit_timeout: float,
        spool_fsync: bool = False,
    ) -> None:
        self._transport = transport
        self._max_batch_events = options.positive_int("max_batch_events", max_batch_events)
        self._encode = encoder_for(shared.CliEvent)
        self._max_batch_bytes = options.batch_bytes(max_batch_bytes, self._encode)
        self._max_event_bytes = self._max_batch_bytes - 2  # the brackets of the array
        self._max_queue = options.positive_int("max_queue_events", max_queue_events)
        self._max_queue_bytes = options.positive_int("max_queue_bytes", max_queue_bytes)
        self._flush_interval = options.seconds("flush_interval", flush_interval)
        self._exit_timeout = options.seconds("exit_timeout", exit_timeout)
        if on_full not in ("block", "drop"):
            raise ValidationError("on_full", f"must be 'block' or 'drop', not {on_full!r}")
        self._block = on_full == "block"
        if retries is None:
            retries = DEFAULT_RETRY_CONFIG
        elif not isinstance(retries, RetryConfig):
            raise FieldTypeError("retries", f"expected RetryConfig, got {type(retries).__name__}")
        self._retries = retries
        if on_error is not None and not callable(on_error):
            raise FieldTypeError("on_error", f"expected a callable, got {type(on_error).__name__}")
        self._on_error = on_error
        if not isinstance(spool_fsync, bool):
            raise FieldTypeError("spool_fsync", f"expected bool, got {type(spool_fsync).__name__}")
        if spool_fsync and spool_dir is None:
            raise ValidationError("spool_fsync", "needs a spool_dir to make events durable in")
        self._fsync = spool_fsync
        self._spool = None if spool_dir is None else open_spool(spool_dir)
        self._spool_warned = False
        self._start_fresh(closed=False)
        _live.add(self)
        if self._journal is not None:
            self._worker.claim()
            if self._journal.claimed:
                with self._queue.lock:
                    self._worker.start()

    def _start_fresh(self, closed: bool) -> None:
        """Queue, spool journal, worker: built here, and again in a forked child."""
        self._journal = None if self._spool is None else Journal(self._spool, self._fsync)
        self._queue = BatchQueue(
            self._max_queue,
            self._max_queue_bytes,
            self._journal,
            batch_events=self._max_batch_events,
            batch_bytes=self._max_batch_bytes,
        )
        if closed:
            self._queue.close()
        self._notices = Notices(
            warn_failed=self._on_error is None,
            rejected_path=None
            if self._spool is None
            else os.path.join(self._spool.directory, REJECTED_NAME),
        )
        retries = self._retries
        self._worker = Worker(
            self._queue,
            self._transport.send,
            flush_interval=self._flush_interval,
            backoff=retries.backoff if retries.strategy == "backoff" else None,
            on_error=self._on_error,
            notices=self._notices,
        )

    def add(self, event: shared.CliEvent) -> bool:
        """Queue one event; True once queued (and spooled), False if dropped (queue full).

        Raises ``ValidationError``/``FieldTypeError`` naming the bad field,
        ``BatcherClosedError`` after ``close()``, and ``OSError`` when the spool
        cannot be written (then the event is not queued, nor counted).
        With ``on_full="block"`` it waits while the queue is full.
        """
        try:
            # The bytes spooled are the bytes posted: encoded once, here.
            data = self._encode(event).encode("ascii")
        except AttributeError as exc:
            raise FieldTypeError("CliEvent", f"is not a complete CliEvent ({exc})") from None
        size = len(data)
        if size > self._max_event_bytes:
            raise options.too_large("event", size, self._max_batch_bytes)
        if self._transport.closed():
            self._refuse(1)
        queue = self._queue
        try:
            with queue.lock:
                if queue.closed:
                    raise BatcherClosedError("add() on a closed EventBatcher")
                queued = queue.offer(data)
                if not queued:
                    if not self._make_room(1, size + 1):
                        queue.drop(1)
                        self._notices.dropped(1)
                        return False
                    queued = queue.offer(data)
                written = self._journal.written if self._fsync and self._journal is not None else 0
                if queued == 2 and self._worker.thread is None:
                    self._worker.start()
            if queued == 2 and not queue.wake.is_set():
                queue.wake.set()
            self._commit(written)
        except SpoolRemovedError as exc:
            self._spool_removed(exc)
            raise
        return True

    def _refuse(self, count: int) -> NoReturn:
        """The client was closed: nothing can be sent; count the events refused, and say so."""
        with self._queue.lock:
            self._queue.refuse(count)
        raise ClientClosedError(
            "the Speakeasy client of this EventBatcher is closed: events cannot be sent "
            "(refused, counted in stats.refused); close the batcher before its client"
        )

    def _spool_removed(self, exc: SpoolRemovedError) -> None:
        """The spool directory is gone: warn once (``add`` raises ``exc`` after this)."""
        if not self._spool_warned:
            self._spool_warned = True
            warnings.warn(exc.strerror or str(exc), RuntimeWarning, stacklevel=3)

    def _commit(self, written: int) -> None:
        """With ``spool_fsync``: wait until the first ``written`` spool bytes are durable."""
        journal = self._journal
        if self._fsync and journal is not None:
            journal.commit(written, self._queue.lock)

    def add_many(self, events: Iterable[shared.CliEvent]) -> int:
        """Queue events; returns how many were queued. An exception means none was.

        Every event is validated before any is queued. With ``on_full="block"``
        the call waits until all of them fit (an empty queue takes any
        number); with ``"drop"``, those that do not fit are dropped. With a
        spool, they are written with one system call.
        """
        parts = self._encode_all(events)
        if self._transport.closed():
            self._refuse(len(parts))
        nbytes = sum(map(len, parts)) + len(parts)
        queue = self._queue
        try:
            with queue.lock:
                if queue.closed:
                    raise BatcherClosedError("add_many() on a closed EventBatcher")
                dropped = 0
                if not queue.has_room(len(parts), nbytes) and not self._make_room(
                    len(parts), nbytes
                ):
                    fit = queue.fitting(parts)
                    dropped, parts = len(parts) - fit, parts[:fit]
                if parts:
                    queue.put_many(parts)
                    if self._worker.thread is None:
                        self._worker.start()
                queue.drop(dropped)
                written = self._journal.written if self._journal is not None else 0
            self._notices.dropped(dropped)
            if parts:
                queue.wake.set()
                self._commit(written)
        except SpoolRemovedError as exc:
            self._spool_removed(exc)
            raise
        return len(parts)

    def _encode_all(self, events: Iterable[shared.CliEvent]) -> List[bytes]:
        """Every event encoded, or the error naming the first bad one (``events[3].success``)."""
        if isinstance(events, (str, bytes)) or not hasattr(events, "__iter__"):
            raise FieldTypeError(
                "events", f"expected an iterable of CliEvent, got {type(events).__name__}"
            )
        encode = self._encode
        parts: List[bytes] = []
        for index, event in enumerate(events):
            try:
                parts.append(encode(event).encode("ascii"))
            except ValidationError as exc:
                _, dot, name = exc.field.partition(".")  # "CliEvent.success" -> ".success"
                raise type(exc)(f"events[{index}]{dot}{name}", exc.problem) from None
            except AttributeError as exc:
                raise FieldTypeError(
                    f"events[{index}]", f"is not a complete CliEvent ({exc})"
                ) from None
            if len(parts[-1]) > self._max_event_bytes:
                raise options.too_large(f"events[{index}]", len(parts[-1]), self._max_batch_bytes)
        return parts

    def _make_room(self, count: int, nbytes: int) -> bool:
        """Wait until the events fit (on_full="block"); False to drop instead (lock held)."""
        if not self._block or self._worker.in_callback():
            return False  # on the worker thread, or in on_error: never wait for ourselves
        self._queue.wait_for_room(count, nbytes, self._worker.revive)
        return True

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Send now what is queued; True once every event added before the call is resolved.

        Resolved means delivered or given up (``on_error`` has returned); with
        a spool, the events left there by earlier batchers count too. False
        when ``timeout`` (seconds) ran out first (the events stay queued), and
        at once when called from ``on_error``.
        """
        done = self._drain(options.deadline("timeout", timeout))
        if not self._worker.in_callback():
            self._notices.emit(raising=True)
        return done

    def _drain(self, deadline: Optional[float]) -> bool:
        queue = self._queue
        worker = self._worker
        with queue.lock:
            live = queue.queued_so_far
            if queue.settled(live):
                return queue.replay_left == 0
            queue.request_drain(live)
        queue.wake.set()
        if worker.in_callback():
            return False  # waiting on ourselves would never end
        with queue.lock:
            while not queue.settled(live):
                if not worker.alive:
                    return False
                remaining = 1.0 if deadline is None else min(1.0, deadline - time.monotonic())
                if remaining <= 0:
                    return False
                queue.progress.wait(remaining)
            return queue.replay_left == 0

    def close(self, timeout: Optional[float] = None) -> bool:
        """Flush, then stop the worker; idempotent. True only if every event was delivered.

        False as soon as any event this batcher took was given up (``stats.failed``),
        dropped (``stats.dropped``) or is still pending (``stats.pending``).
        Events given up or dropped are reported by an ``EventsNotDeliveredWarning``
        (unless ``on_error`` receives the given-up ones).

        When ``timeout`` runs out first: with a spool, what is undelivered stays
        there for the next batcher (and in ``stats.pending``); without one, it
        is handed to ``on_error`` with ``BatcherClosedError`` and counted
        failed. A batch on the wire then is counted by its outcome, when the
        server answers.
        """
        deadline = options.deadline("timeout", timeout)
        try:
            flushed = self._finish_close(self._begin_close(), deadline)
        finally:
            if not self._worker.in_callback():
                self._notices.emit(raising=True)
        return flushed and self._all_delivered()

    def _all_delivered(self) -> bool:
        """Nothing given up, dropped or pending, ever: what ``close()`` returning True means."""
        queue = self._queue
        with queue.lock:
            return queue.failed == 0 and queue.dropped == 0 and queue.pending == 0

    def _begin_close(self) -> Optional[threading.Thread]:
        """Refuse new events and have the worker send what it holds now; its thread."""
        queue = self._queue
        with queue.lock:
            queue.close()
            queue.request_drain(queue.queued_so_far)
            thread = self._worker.thread
        _live.discard(self)
        queue.wake.set()
        return thread

    def _finish_close(
        self, thread: Optional[threading.Thread], deadline: Optional[float], at_exit: bool = False
    ) -> bool:
        queue = self._queue
        worker = self._worker
        if thread is None:
            with queue.lock:
                if self._journal is not None:
                    self._journal.close()
                return queue.pending == 0
        if worker.in_callback():
            with queue.lock:
                queue.stop()
            queue.wake.set()
            return False  # from on_error: the worker stops once this call is over
        # Keep a little of the time for the worker to stop and account for the rest.
        flush_deadline = deadline
        if deadline is not None:
            left = max(0.0, deadline - time.monotonic())
            flush_deadline = deadline - min(_STOP_RESERVE, left / 4)
        flushed = self._drain(flush_deadline)
        with queue.lock:
            queue.stop()
        if not flushed:
            queue.abort.set()
        queue.wake.set()
        thread.join(options.remaining(deadline))
        if thread.is_alive() and (self._journal is None or self._journal.gone()):
            # A request is still on the wire: give up everything else now, so
            # that close() keeps its bound; that batch counts when it ends.
            with queue.lock:
                queue.abort.set()
                leftovers = queue.orphan(everything=at_exit)  # at exit no answer will come
            worker.abandon(leftovers)
        return flushed

    @property
    def stats(self) -> BatcherStats:
        """A snapshot of the counters (see ``BatcherStats``)."""
        with self._queue.lock:
            return self._queue.snapshot()

    @property
    def closed(self) -> bool:
        """True once ``close()`` was called."""
        return self._queue.closed

    async def aflush(self, timeout: Optional[float] = None) -> bool:
        """``flush()`` for async code: waits on a helper thread, never blocking the loop."""
        return await asyncio.to_thread(self.flush, timeout)

    async def aclose(self, timeout: Optional[float] = None) -> bool:
        """``close()`` for async code: waits on a helper thread, never blocking the loop."""
        return await asyncio.to_thread(self.close, timeout)

    async def __aenter__(self) -> EventBatcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """``await aclose(exit_timeout)``."""
        await self.aclose(self._exit_timeout)

    def __enter__(self) -> EventBatcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """``close(exit_timeout)``: a server that is down cannot hold the block's end up."""
        self.close(self._exit_timeout)

    def __repr__(self) -> str:
        spool = None if self._spool is None else self._spool.directory
        return (
            f"EventBatcher(workspace_id={self._transport.workspace_id!r}, spool_dir={spool!r}, "
            f"closed={self.closed})"
        )

    def _after_fork_in_child(self) -> None:
        """The child starts empty: the parent's queue, locks and segments stay the parent's."""
        parent_journal = self._journal
        self._start_fresh(closed=self._queue.closed)
        if parent_journal is not None:
            parent_journal.forget()
        try:
            # Pooled keep-alive sockets are shared with the parent: never reuse them here.
            self._transport.reset()
        except Exception:
            logger.debug("could not reset the HTTP connection pool after fork", exc_info=True)


# -- module-level machinery ---------------------------------------------------------------

#: Batchers not closed yet. Held strongly: a batcher dropped without ``close()``
#: still has events to deliver, and is closed at exit like any other.
_live: Set[EventBatcher] = set()


def _close_at_exit() -> None:
    """Close every open batcher, all at once: the exit waits for the longest ``exit_timeout``."""
    started = time.monotonic()
    closing: List[Tuple[EventBatcher, Optional[threading.Thread]]] = []
    for batcher in list(_live):
        try:
            closing.append((batcher, batcher._begin_close()))
        except Exception:
            logger.error("closing a batcher at exit failed", exc_info=True)
    for batcher, thread in closing:
        try:
            batcher._finish_close(thread, started + batcher._exit_timeout, at_exit=True)
        except BaseException:
            logger.error("closing a batcher at exit failed", exc_info=True)
        finally:
            batcher._notices.emit(raising=False)


def _after_fork_in_child() -> None:
    for batcher in list(_live):
        batcher._after_fork_in_child()


atexit.register(_close_at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
