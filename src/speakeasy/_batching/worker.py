"""The worker of an ``EventBatcher``: a daemon thread that gathers batches and delivers them.

``_next_batch`` waits until a batch is due (full by count or bytes,
``flush_interval`` after its first event, or at once when ``flush``/``close``
ask, or an ``add`` is blocked), alternating with events recovered from the
spool. ``_deliver`` sends it, one attempt at a time, and follows
``delivery.decide``. The worker owns its thread: it alone starts it and
says when it is gone.

Nothing that one attempt, one spool file or one ``on_error`` call raises
stops the worker: it is logged and the worker carries on (a batcher closes
only when asked to). Logs give counts, sizes and statuses, never payloads.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from typing import Any, Deque, List, Optional, Tuple

from speakeasy._batching.batch import Batch, Run
from speakeasy._batching.delivery import DELIVERED, GIVE_UP, SPLIT, Verdict, decide
from speakeasy._batching.journal import Journal
from speakeasy._batching.notices import Notices
from speakeasy._batching.queue import BatchQueue
from speakeasy._batching.segment import Segment
from speakeasy._batching.transport import ErrorCallback, Send
from speakeasy._retry import describe
from speakeasy.models.errors import BatcherClosedError, ClientClosedError
from speakeasy.utils.retries import BackoffStrategy

logger = logging.getLogger("speakeasy.batcher")

#: How often a running worker looks for segments left by dead processes (seconds).
RESCAN_INTERVAL = 30.0
#: At most this many recovered segments are claimed (locked) at a time.
MAX_CLAIMED = 16
#: The wait after an unexpected error, before the worker tries again (seconds).
ERROR_PAUSE = 1.0
# ``Event.wait`` refuses longer timeouts (OverflowError).
_MAX_WAIT = threading.TIMEOUT_MAX


class Worker:
    """Delivers what ``queue`` holds; one per batcher (and a new one in a forked child)."""

    def __init__(
        self,
        queue: BatchQueue,
        send: Send,
        *,
        flush_interval: float,
        backoff: Optional[BackoffStrategy],
        on_error: Optional[ErrorCallback],
        notices: Notices,
    ) -> None:
        self._queue = queue
        self._notices = notices
        # The spool and the batch limits are the queue's: one source for both sides.
        self._journal: Optional[Journal] = queue.journal
        self._max_batch_events = queue.batch_events
        self._max_batch_bytes = queue.batch_bytes
        self._send = send
        self._flush_interval = flush_interval
        self._backoff = backoff
        self._on_error = on_error
        # Replay: the lines left of the segment being read, and that segment.
        self._replay_lines: Deque[Tuple[bytes, int]] = deque()
        self._replay_segment: Optional[Segment] = None
        self._prefer_replay = True  # live and recovered batches take turns
        self._next_scan = time.monotonic() + RESCAN_INTERVAL
        #: The cause given to events abandoned at close.
        self._last_error: Optional[BaseException] = None
        #: Which threads are inside ``on_error`` now (``flush`` there must not wait).
        self._calling = threading.local()
        #: The thread, from ``start`` until it is about to end (written only here).
        self.thread: Optional[threading.Thread] = None

    def start(self) -> None:
        """Start the thread (lock held)."""
        self.thread = threading.Thread(target=self._run, name="speakeasy-batcher", daemon=True)
        self.thread.start()

    @property
    def alive(self) -> bool:
        """Whether the thread runs (lock held)."""
        thread = self.thread
        return thread is not None and thread.is_alive()

    def revive(self) -> None:
        """Start the thread again if it is gone (lock held)."""
        if not self.alive:
            self.start()

    def is_current(self) -> bool:
        """Whether the caller runs on the worker thread."""
        return threading.current_thread() is self.thread

    def in_callback(self) -> bool:
        """Whether the caller is the worker, or runs inside ``on_error`` in any thread.

        There, waiting for events to be resolved would wait on ourselves.
        """
        return self.is_current() or getattr(self._calling, "active", False)

    def claim(self) -> None:
        """Take over segments left by dead processes, and count their events."""
        journal = self._journal
        assert journal is not None
        self._next_scan = time.monotonic() + RESCAN_INTERVAL
        room = MAX_CLAIMED - len(journal.claimed)
        if room <= 0 or journal.lost is not None:
            return
        found, more = journal.spool.claim(room)  # disk only: outside the lock
        queue = self._queue
        with queue.lock:
            journal.adopt(segment for segment, _ in found)
            queue.recover(sum(n for _, n in found))
            queue.set_backlog(more)

    def abandon(self, batches: List[Batch]) -> None:
        """Events still held when the worker stops: left in the spool, or given up."""
        batches = [b for b in batches if len(b)]
        count = sum(map(len, batches))
        if not count:
            return
        journal = self._journal
        if journal is not None and not journal.gone():
            logger.warning("%d events left undelivered in the spool for the next batcher", count)
            return
        logger.warning("%d events undelivered at close: given up", count)
        error = BatcherClosedError("closed before these events were delivered")
        error.__cause__ = self._last_error
        interrupt: Optional[BaseException] = None
        for batch in batches:
            interrupt = self._report(batch.parts, error) or interrupt
            self._notices.failed(len(batch), error)
            self._queue.settle(batch, delivered=False)
        if interrupt is not None:
            raise interrupt  # a KeyboardInterrupt in the closing thread, once all is counted

    # -- the thread -----------------------------------------------------------------------

    def _run(self) -> None:
        queue = self._queue
        try:
            while True:
                try:
                    if not self._next_batch():
                        break
                    self._deliver()
                except Exception:
                    # A bug or an unforeseen OS error: the batcher stays open,
                    # its events stay accounted for; try again in a moment.
                    logger.exception("batcher worker: unexpected error; carrying on")
                    queue.end_attempt()
                    if queue.abort.wait(ERROR_PAUSE):
                        break
        finally:
            self._exit()

    def _exit(self) -> None:
        queue = self._queue
        with queue.lock:
            leftovers = queue.take_everything()
        try:
            self.abandon(leftovers)
            self._notices.emit(raising=False)
        finally:
            self._replay_lines.clear()
            with queue.lock:
                if self._journal is not None:
                    self._journal.close()
                if self.is_current():
                    self.thread = None
                queue.wake_waiters()

    # -- gathering ------------------------------------------------------------------------

    def _next_batch(self) -> bool:
        """Put the next batch on the stack, waiting for one to be due; False: stop."""
        queue = self._queue
        deadline: Optional[float] = None  # flush_interval after the first queued event
        while True:
            if queue.abort.is_set():
                return False
            replay = False
            if self._journal is not None:
                if time.monotonic() >= self._next_scan or (
                    queue.backlog and not self._replay_lines and not self._journal.claimed
                ):
                    self.claim()
                replay = bool(self._replay_lines or self._journal.claimed)
                if replay and self._prefer_replay:
                    self._prefer_replay = False
                    if self._push_replay_batch():
                        return True
                    continue
            with queue.lock:
                n = len(queue.events)
                if n and self._live_batch_due(n, deadline):
                    self._prefer_replay = True
                    queue.take(self._max_batch_events, self._max_batch_bytes)
                    return True
                if not n and queue.stopping and not replay and not queue.backlog:
                    return False
            if replay:  # no live batch is due: recovered events meanwhile
                if self._push_replay_batch():
                    return True
                continue
            now = time.monotonic()
            if n and deadline is None:
                deadline = now + self._flush_interval
                continue
            if deadline is not None:
                timeout: Optional[float] = max(0.0, deadline - now)
            elif self._journal is not None:
                timeout = max(0.0, self._next_scan - now)
            else:
                timeout = None
            if self._notices.due(idle=not n):
                self._notices.emit(raising=False)
            queue.wake.wait(timeout)
            queue.wake.clear()

    def _live_batch_due(self, n: int, deadline: Optional[float]) -> bool:
        """Whether the ``n`` queued events go now (lock held)."""
        queue = self._queue
        return (
            n >= self._max_batch_events
            or queue.nbytes >= self._max_batch_bytes
            or queue.drain_seq > queue.taken  # a flush asked for events still queued
            or queue.stopping
            or queue.blocked > 0
            or (deadline is not None and time.monotonic() >= deadline)
        )

    def _push_replay_batch(self) -> bool:
        """Put the next batch of recovered events on the stack; False if none could be read."""
        journal = self._journal
        assert journal is not None
        lines = self._replay_lines
        queue = self._queue
        if not lines:
            loading = journal.claimed.popleft()
            try:
                lines.extend(journal.spool.read(loading))
            except OSError as exc:
                # Left on disk (and pending) for a later batcher; flush stops waiting for it.
                journal.spool.note(loading.name, "read", exc)
                with queue.lock:
                    journal.release(loading)
                    queue.leave(loading.events)
                return False
            with queue.lock:
                queue.leave(loading.events - len(lines))  # lines lost since the claim
                if not lines:
                    journal.release(loading)
                    return False
            self._replay_segment = loading
        segment = self._replay_segment
        assert segment is not None
        parts: List[bytes] = []
        runs: List[Run] = []
        nbytes = 1
        last = -1  # where the previous line ended: a skipped line starts a new run
        while lines and len(parts) < self._max_batch_events:
            part, end = lines[0]
            if parts and nbytes + len(part) + 1 > self._max_batch_bytes:
                break  # (a recovered event larger than max_batch_bytes goes alone)
            lines.popleft()
            parts.append(part)
            start = end - len(part) - 1
            if start == last:
                runs[-1].count += 1
            else:
                runs.append(Run(segment, start, 1))
            last = end
            nbytes += len(part) + 1
        with queue.lock:
            queue.push(Batch(parts, runs, True))
        return True

    # -- delivering -----------------------------------------------------------------------

    def _deliver(self) -> None:
        """Send the batches on the stack until each is sent or given up (or we stop)."""
        queue = self._queue
        failures = 0  # failed attempts since the last delivery (a split or give-up keeps it)
        while True:
            batch = queue.begin_attempt()
            if batch is None:
                return  # nothing left, or close() is out of time: _exit accounts for the rest
            error = self._post(batch)
            if isinstance(error, ClientClosedError) and self._park(error):
                return
            verdict = self._verdict(error, batch, failures)
            if verdict is DELIVERED:
                if not queue.pop(batch):
                    return  # given up at interpreter exit meanwhile
                if failures:
                    logger.info(
                        "batch of %d events delivered after %d retries", len(batch), failures
                    )
                failures = 0
                self._settle(batch, None)
                continue
            assert error is not None
            if verdict is SPLIT:
                first, second = batch.halves()
                if not queue.pop(batch, second, first):
                    return
                logger.debug("batch of %d events: %s; splitting", len(batch), describe(error))
                continue
            self._last_error = error
            if verdict is GIVE_UP:
                if not queue.pop(batch):
                    return
                self._settle(batch, error)
                continue
            queue.end_attempt()
            log = logger.warning if failures == 0 else logger.debug
            log(
                "batch of %d events (%d bytes): %s; retrying in %.3fs",
                len(batch),
                batch.nbytes,
                describe(error),
                verdict.delay,
            )
            failures += 1
            if queue.abort.wait(verdict.delay):
                return
            with queue.lock:
                queue.count_retry(len(batch))

    def _park(self, error: ClientClosedError) -> bool:
        """The client was closed: nothing can be sent any more. True: stop here.

        With a spool, the events stay there for the next batcher (pending) and
        the worker stops; without one, each batch is given up (``on_error``)
        as it comes, since no later attempt can succeed (False).
        """
        self._last_error = error
        journal = self._journal
        if journal is None or journal.gone():
            return False
        queue = self._queue
        queue.end_attempt()
        logger.warning("the client was closed: events stay in the spool for the next batcher")
        queue.abort.set()
        return True

    def _post(self, batch: Batch) -> Optional[BaseException]:
        """One attempt: None if the server accepted the batch, else what went wrong.

        Whatever the send path raises (a hook's exception included) is an
        outcome, never the worker's end. When the server had accepted the
        batch before a hook raised, the batch is delivered.
        """
        body = batch.body()
        accepted = []
        try:
            self._send(body, lambda: accepted.append(True))
        except BaseException as exc:
            if not accepted:
                return exc
            logger.warning(
                "batch of %d events delivered; then the client's hook raised %s (ignored)",
                len(batch),
                type(exc).__name__,
            )
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("sent batch of %d events (%d bytes)", len(batch), len(body))
        return None

    def _verdict(self, error: Optional[BaseException], batch: Batch, failures: int) -> Verdict:
        """``delivery.decide``, with a wait the thread can take (the policy is the user's)."""
        if isinstance(error, ClientClosedError):
            return GIVE_UP  # no attempt through a closed client can succeed
        try:
            verdict = decide(error, len(batch), failures, self._backoff, time.time())
        except Exception:  # a backoff the maths cannot handle: retry at a steady pace
            logger.exception("batcher: cannot compute the wait before a retry")
            return Verdict("retry", ERROR_PAUSE)
        if verdict.action == "retry" and not 0.0 <= verdict.delay <= _MAX_WAIT:
            return Verdict("retry", _MAX_WAIT if verdict.delay > 0 else ERROR_PAUSE)
        return verdict

    def _settle(self, batch: Batch, error: Optional[BaseException]) -> None:
        """``batch`` is resolved: delivered (``error`` None) or given up."""
        if error is not None:
            logger.warning(
                "%d events given up: %s%s",
                len(batch),
                describe(error),
                "; passed to on_error" if self._on_error is not None else "",
            )
            self._keep_rejected(batch.parts)
        if batch.runs and self._journal is not None:
            ends = batch.ends()  # where the last event of each segment ends
            with self._queue.lock:
                self._journal.ack(ends)
        if error is not None:
            self._report(batch.parts, error)
            self._notices.failed(len(batch), error)
        # Warned before flush() can return: the caller sees it, counted in full.
        if self._notices.due(idle=self._idle()):
            self._notices.emit(raising=False)
        self._queue.settle(batch, delivered=error is None)

    def _idle(self) -> bool:
        """Nothing else to send now (read without the lock: a hint for the warnings)."""
        queue = self._queue
        journal = self._journal
        return (
            not queue.stack
            and not queue.events
            and not self._replay_lines
            and (journal is None or not journal.claimed)
        )

    def _keep_rejected(self, parts: List[bytes]) -> None:
        journal = self._journal
        if journal is None:
            return
        try:
            journal.spool.reject(parts, sync=journal.fsync)
        except OSError as exc:
            # They still reach on_error; the spool cannot hold them back
            # without stalling every later event behind them.
            journal.spool.note("rejected.jsonl", "write", exc)

    def _report(self, parts: List[bytes], error: BaseException) -> Optional[BaseException]:
        """Hand events to ``on_error``; whatever it raises is logged and ignored.

        Returns a ``KeyboardInterrupt`` raised outside the worker thread, for
        the caller to raise once everything is accounted for.
        """
        callback = self._on_error
        if callback is None:
            return None
        calling = self._calling
        calling.active = True
        try:
            callback([_loads(part) for part in parts], error)
        except KeyboardInterrupt as exc:
            if not self.is_current():
                return exc
            logger.error("on_error raised; ignored", exc_info=True)
        except BaseException:
            logger.error("on_error raised; ignored", exc_info=True)
        finally:
            calling.active = False
        return None


def _loads(part: bytes) -> Any:
    try:
        return json.loads(part)
    except ValueError:
        return part.decode("latin-1")  # a damaged spool line: handed over as it is (text)
